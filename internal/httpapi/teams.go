package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// teams and memberships.

type createTeamRequest struct {
	Name string `json:"name"`
}

type updateTeamRequest struct {
	Name              *string `json:"name"`
	ApprovalsRequired *int    `json:"approvals_required"`
}

// addMemberRequest names the user by user_id or by email: a team admin, who
// cannot list accounts, adds by address.
type addMemberRequest struct {
	UserID int64  `json:"user_id"`
	Email  string `json:"email"`
	Role   string `json:"role"`
}

func (s *Server) listTeams(c *gin.Context) {
	ts, err := s.Teams.ListTeams(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(ts))
}

func (s *Server) createTeam(c *gin.Context) {
	var req createTeamRequest
	if !s.bindJSON(c, &req) {
		return
	}
	t, err := s.Teams.CreateTeam(c.Request.Context(), req.Name)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, t)
}

func (s *Server) getTeam(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	t, err := s.Teams.FindTeam(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) updateTeam(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	var req updateTeamRequest
	if !s.bindJSON(c, &req) {
		return
	}
	t, err := s.Teams.UpdateTeam(c.Request.Context(), id, custos.TeamUpdate{Name: req.Name, ApprovalsRequired: req.ApprovalsRequired})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) listMembers(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	ms, err := s.Teams.ListMembers(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(ms))
}

func (s *Server) addMember(c *gin.Context) {
	id, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	var req addMemberRequest
	if !s.bindJSON(c, &req) {
		return
	}
	var m *custos.Membership
	var err error
	switch {
	case req.Email != "" && req.UserID != 0:
		err = custos.Invalid("email", "give either user_id or email, not both")
	case req.Email != "":
		m, err = s.Teams.AddMemberByEmail(c.Request.Context(), id, req.Email, custos.Role(req.Role))
	default:
		m, err = s.Teams.AddMember(c.Request.Context(), id, req.UserID, custos.Role(req.Role))
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.reloadAuthz(c)
	c.JSON(http.StatusCreated, m)
}

func (s *Server) removeMember(c *gin.Context) {
	teamID, ok := pathID(c, "teamID")
	if !ok {
		return
	}
	userID, ok := pathID(c, "userID")
	if !ok {
		return
	}
	if err := s.Teams.RemoveMember(c.Request.Context(), teamID, userID, custos.Role(c.Param("role"))); err != nil {
		s.writeError(c, err)
		return
	}
	s.reloadAuthz(c)
	c.Status(http.StatusNoContent)
}
