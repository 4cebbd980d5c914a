package httpapi

import (
	"net/http"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/gin-gonic/gin"
)

// audit.

func (s *Server) listAudit(c *gin.Context) {
	q, ok := pageParams(c)
	if !ok {
		return
	}
	f, ok := auditFilter(c, q)
	if !ok {
		return
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
