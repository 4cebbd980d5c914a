package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// rediligenceChanges answers GET /evaluations/{id}/changes: what changed in
// a re-diligence since the approved evaluation it follows.
func (s *Server) rediligenceChanges(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	ch, err := s.Evaluations.Changes(c.Request.Context(), p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, ch)
}
