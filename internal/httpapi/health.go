package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "err", err)
		writeProblem(c, http.StatusServiceUnavailable, "the database does not answer", nil)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
