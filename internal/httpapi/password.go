package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// a user's own password.

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword changes the signed-in user's password; their other
// sessions end, this one goes on.
func (s *Server) changePassword(c *gin.Context) {
	var req changePasswordRequest
	if !s.bindJSON(c, &req) {
		return
	}
	ctx := custos.WithClientAddr(c.Request.Context(), s.clientAddr(c.Request))
	if err := s.Auth.ChangePassword(ctx, req.CurrentPassword, req.NewPassword); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
