package httpapi

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"

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
	custos.EUNAVAILABLE:     http.StatusServiceUnavailable,
	custos.EGONE:            http.StatusGone,
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
	if e.Code == custos.EINTERNAL && unavailable(err) {
		// The cause stays in the log; the client learns only to retry.
		s.log.WarnContext(c.Request.Context(), "database unavailable", "request_id", c.GetString(ctxRequestID), "err", err)
		e = &custos.Error{Code: custos.EUNAVAILABLE, Message: "the database is not answering; try again shortly", RetryAfterSeconds: retryAfterSeconds}
	}
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

// unavailable tells a failure to reach the database in time (refused or
// broken connections, the server shutting down or restarting, a statement
// or request deadline) from a fault in Custos: the first answers 503 with
// Retry-After, the second 500.
func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// The driver's errors carry PostgreSQL's SQLSTATE; asking through an
	// interface keeps lib/pq out of the HTTP adapter.
	var state interface{ SQLState() string }
	if errors.As(err, &state) {
		code := state.SQLState()
		switch {
		case strings.HasPrefix(code, "08"): // connection exception
			return true
		case code == "57014", // query_canceled: statement_timeout or a cancelled request
			code == "57P01", code == "57P02", code == "57P03", // admin/crash shutdown, cannot connect now
			code == "53300": // too_many_connections
			return true
		}
	}
	return false
}

// writeStale answers 412 with the current state of what the client tried to change.
func (s *Server) writeStale(c *gin.Context, err error, current any) {
	writeProblemDoc(c, Problem{Status: http.StatusPreconditionFailed, Detail: custos.AsError(err).Message, Current: current})
}
