package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// pathID reads a positive integer path parameter, answering 400 otherwise.
func pathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: name, Reason: "must be a positive integer"}})
		return 0, false
	}
	return id, true
}

// guarded is the evaluation or memo named by an evaluation or memo route's
// :id: the guard parsed the ID, found its team and authorized the request
// there before the handler runs.
type guarded struct {
	ID     int64
	TeamID int64
}

const ctxGuarded = "guarded"

// evaluationPath is everything the path of an evaluation or memo route names:
// the guarded :id and the parameters below it.
type evaluationPath struct {
	guarded
	CustodianID  int64  // :custodianID
	ItemID       int64  // :itemID
	FlagID       int64  // :flagID
	EvidenceID   int64  // :evidenceID
	InvitationID int64  // :invitationID
	DocumentID   int64  // :documentID, a respondent's document
	Criterion    string // :criterion, a criterion key the service checks
}

// bindPath reads the path of an evaluation or memo route, answering 400
// naming the first malformed parameter. Each kind of parameter has one
// reader here, so every handler starts the same way: bind, call, render.
func bindPath(c *gin.Context) (evaluationPath, bool) {
	p := evaluationPath{guarded: c.MustGet(ctxGuarded).(guarded), Criterion: c.Param("criterion")}
	for _, id := range []struct {
		param string
		into  *int64
	}{{"custodianID", &p.CustodianID}, {"itemID", &p.ItemID}, {"flagID", &p.FlagID}, {"evidenceID", &p.EvidenceID},
		{"invitationID", &p.InvitationID}, {"documentID", &p.DocumentID}} {
		if c.Param(id.param) == "" {
			continue // not a parameter of this route
		}
		var ok bool
		if *id.into, ok = pathID(c, id.param); !ok {
			return p, false
		}
	}
	return p, true
}

// queryInt reads an optional integer query parameter.
func queryInt(c *gin.Context, name string) (int, bool) {
	raw := c.Query(name)
	if raw == "" {
		return 0, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: name, Reason: "must be a non-negative integer"}})
		return 0, false
	}
	return n, true
}

// pageParams reads the ?limit= and ?before= of a newest-first list; the
// store checks them against the list's bounds (custos.PageQuery.Check).
func pageParams(c *gin.Context) (custos.PageQuery, bool) {
	limit, ok := queryInt(c, "limit")
	if !ok {
		return custos.PageQuery{}, false
	}
	before, ok := queryInt(c, "before")
	return custos.PageQuery{Before: int64(before), Limit: limit}, ok
}

type list[T any] struct {
	Items []T `json:"items"`
}

func items[T any](xs []T) list[T] {
	if xs == nil {
		xs = []T{}
	}
	return list[T]{Items: xs}
}
