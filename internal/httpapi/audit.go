package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// audit.

func (s *Server) listAudit(c *gin.Context) {
	q, ok := pageParams(c)
	if !ok {
		return
	}
	f := custos.AuditFilter{Before: q.Before, Limit: q.Limit}
	if raw := c.Query("team"); raw != "" {
		id, _ := strconv.ParseInt(raw, 10, 64) // the guard has checked it
		f.TeamID = &id
	}
	page, err := s.Audit.ListAuditEvents(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

// verifyAudit goes on from the event verified last (as custos audit verify
// does), so that it costs what was appended since; ?full=true walks the
// whole chain.
func (s *Server) verifyAudit(c *gin.Context) {
	verify := s.Audit.VerifyAuditChainSince
	switch c.Query("full") {
	case "", "false":
	case "true":
		verify = s.Audit.VerifyAuditChain
	default:
		s.writeError(c, custos.Invalid("full", "must be true or false"))
		return
	}
	report, err := verify(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, report)
}
