package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// statusOf is the one map from domain error code to HTTP status.
var statusOf = map[string]int{
	custos.ENOTFOUND:        http.StatusNotFound,
	custos.EINVALID:         http.StatusBadRequest,
	custos.ECONFLICT:        http.StatusConflict,
	custos.EFORBIDDEN:       http.StatusForbidden,
	custos.EUNAUTHENTICATED: http.StatusUnauthorized,
	custos.ETHROTTLED:       http.StatusTooManyRequests,
	custos.EBUSY:            http.StatusServiceUnavailable,
	custos.EINTERNAL:        http.StatusInternalServerError,
	custos.EPRECONDITION:    http.StatusPreconditionFailed,
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []custos.FieldError `json:"errors,omitempty"`
	// Blockers lists why a submission was refused.
	Blockers []custos.Blocker `json:"blockers,omitempty"`
	// Current is the current state, sent with 412 so a client can reconcile.
	Current any `json:"current,omitempty"`
}

// problemType names each kind of problem with a stable URI.
func problemType(status int) string {
	return "https://custos.example/problems/" + strconv.Itoa(status)
}

// writeProblem answers with a problem document.
func writeProblem(c *gin.Context, status int, detail string, fields []custos.FieldError) {
	writeProblemDoc(c, Problem{Status: status, Detail: detail, Errors: fields})
}

// writeProblemDoc completes p (type, title, instance, request ID) and sends it.
func writeProblemDoc(c *gin.Context, p Problem) {
	p.Type = problemType(p.Status)
	p.Title = http.StatusText(p.Status)
	p.Instance = c.Request.URL.Path
	p.RequestID = c.GetString(ctxRequestID)
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(p.Status, p)
}

// writeError answers with the problem for a domain error. Internal errors are
// logged with their cause and shown only as "internal error".
func (s *Server) writeError(c *gin.Context, err error) {
	e := custos.AsError(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(c.Request.Context(), "internal error", "request_id", c.GetString(ctxRequestID), "err", err)
		writeProblem(c, status, "internal error; quote the request ID when you report it", nil)
		return
	}
	if e.RetryAfterSeconds > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfterSeconds))
	}
	writeProblemDoc(c, Problem{Status: status, Detail: e.Message, Errors: e.Fields, Blockers: e.Blockers})
}

// writeStale answers 412 with the current state of what the client tried to change.
func (s *Server) writeStale(c *gin.Context, err error, current any) {
	writeProblemDoc(c, Problem{Status: http.StatusPreconditionFailed, Detail: custos.AsError(err).Message, Current: current})
}
