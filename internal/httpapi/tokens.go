package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// API tokens.

type createTokenRequest struct {
	Name string `json:"name"`
	// Password is the user's password, typed again.
	Password      string `json:"password"`
	ReadOnly      bool   `json:"read_only"`
	ExpiresInDays int    `json:"expires_in_days"`
}

type createdToken struct {
	*custos.APIToken
	// Token is the secret, shown only in this answer.
	Token string `json:"token"`
}

func (s *Server) createToken(c *gin.Context) {
	var req createTokenRequest
	if !s.bindJSON(c, &req) {
		return
	}
	ctx := custos.WithClientAddr(c.Request.Context(), s.clientAddr(c.Request))
	secretToken, tok, err := s.Auth.CreateToken(ctx, custos.NewAPIToken{Name: req.Name, Password: req.Password, ReadOnly: req.ReadOnly, ExpiresInDays: req.ExpiresInDays})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, createdToken{APIToken: tok, Token: secretToken})
}

func (s *Server) listTokens(c *gin.Context) {
	toks, err := s.Auth.ListTokens(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(toks))
}

func (s *Server) revokeToken(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	if err := s.Auth.RevokeToken(c.Request.Context(), id); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
