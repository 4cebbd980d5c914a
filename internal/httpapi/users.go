package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// users.

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	OrgAdmin bool   `json:"org_admin"`
}

type updateUserRequest struct {
	Name     *string `json:"name"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
	OrgAdmin *bool   `json:"org_admin"`
}

func (s *Server) listUsers(c *gin.Context) {
	us, err := s.Users.ListUsers(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(us))
}

func (s *Server) createUser(c *gin.Context) {
	var req createUserRequest
	if !s.bindJSON(c, &req) {
		return
	}
	// An account made by a token would outlive the token's revocation.
	if custos.ActorFrom(c.Request.Context()).SessionID == 0 {
		s.writeError(c, errNeedsSession("creating a user"))
		return
	}
	u, err := s.Users.CreateUser(c.Request.Context(), custos.NewUser{Email: req.Email, Name: req.Name, Password: req.Password, OrgAdmin: req.OrgAdmin})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if u.OrgAdmin {
		s.reloadAuthz(c)
	}
	c.JSON(http.StatusCreated, u)
}

func (s *Server) getUser(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	u, err := s.Users.FindUser(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) updateUser(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	var req updateUserRequest
	if !s.bindJSON(c, &req) {
		return
	}
	actor := custos.ActorFrom(c.Request.Context())
	if req.Password != nil && id == actor.UserID {
		// A reset skips the current password; one's own change must not.
		s.writeError(c, custos.Errorf(custos.EFORBIDDEN, "change your own password with PUT /api/v1/me/password, which asks for the current one"))
		return
	}
	// A password or organisation-admin rights set by a token would outlive the token.
	if (req.Password != nil || req.OrgAdmin != nil) && actor.SessionID == 0 {
		s.writeError(c, errNeedsSession("setting a password or organisation-admin rights"))
		return
	}
	u, err := s.Users.UpdateUser(c.Request.Context(), id, custos.UserUpdate{Name: req.Name, Disabled: req.Disabled, Password: req.Password, OrgAdmin: req.OrgAdmin})
	if err != nil {
		s.writeError(c, err)
		return
	}
	if req.Disabled != nil || req.OrgAdmin != nil {
		s.reloadAuthz(c)
	}
	c.JSON(http.StatusOK, u)
}

// errNeedsSession refuses what only a person at a browser session may do.
func errNeedsSession(what string) error {
	return custos.Errorf(custos.EFORBIDDEN, "%s needs a signed-in session, not an API token", what)
}

// reloadAuthz applies a membership change to this server at once; other
// servers follow the database notification.
func (s *Server) reloadAuthz(c *gin.Context) {
	if err := s.Authz.Reload(c.Request.Context()); err != nil {
		s.log.ErrorContext(c.Request.Context(), "reload memberships", "err", err)
	}
}
