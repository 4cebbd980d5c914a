package httpapi

import (
	"net/http"

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

func (s *Server) verifyAudit(c *gin.Context) {
	report, err := s.Audit.VerifyAuditChain(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, report)
}
