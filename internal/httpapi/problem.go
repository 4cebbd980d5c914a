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
	custos.EINTERNAL:        http.StatusInternalServerError,
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
}

// problemType names each kind of problem with a stable URI.
func problemType(status int) string {
	return "https://custos.example/problems/" + strconv.Itoa(status)
}

// writeProblem answers with a problem document.
func writeProblem(c *gin.Context, status int, detail string, fields []custos.FieldError) {
	p := Problem{
		Type:      problemType(status),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  c.Request.URL.Path,
		RequestID: c.GetString(ctxRequestID),
		Errors:    fields,
	}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, p)
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
	writeProblem(c, status, e.Message, e.Fields)
}
