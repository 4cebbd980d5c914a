package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// Custody relationships live under their team: the guard authorizes the
// request in the team of the path, and the service finds the relationship
// only in that team, so another team's ID is simply not found.

type relationshipPath struct {
	TeamID, ID int64
}

func bindRelationshipPath(c *gin.Context) (relationshipPath, bool) {
	team, _ := strconv.ParseInt(c.Param("teamID"), 10, 64) // the guard has checked it
	p := relationshipPath{TeamID: team}
	if c.Param("relationshipID") == "" {
		return p, true
	}
	var ok bool
	p.ID, ok = pathID(c, "relationshipID")
	return p, ok
}

func (s *Server) renderRelationship(c *gin.Context, status int, r *custos.Relationship) {
	c.Header("ETag", etag(r.Version))
	c.JSON(status, r)
}

// relationshipError answers a failed write; a stale If-Match gets 412 with
// the relationship as it is now.
func (s *Server) relationshipError(c *gin.Context, p relationshipPath, err error) {
	if custos.ErrorCode(err) != custos.EPRECONDITION {
		s.writeError(c, err)
		return
	}
	r, rerr := s.Relationships.Relationship(c.Request.Context(), p.TeamID, p.ID)
	if rerr != nil {
		s.writeError(c, rerr)
		return
	}
	c.Header("ETag", etag(r.Version))
	s.writeStale(c, err, r)
}

func (s *Server) listRelationships(c *gin.Context) {
	p, ok := bindRelationshipPath(c)
	if !ok {
		return
	}
	q, ok := pageParams(c)
	if !ok {
		return
	}
	page, err := s.Relationships.ListRelationships(c.Request.Context(), custos.RelationshipFilter{TeamID: p.TeamID,
		Status: custos.RelationshipStatus(c.Query("status")), Before: q.Before, Limit: q.Limit})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

type appointRequest struct {
	EvaluationID int64  `json:"evaluation_id"`
	CustodianID  int64  `json:"custodian_id"`
	OwnerID      int64  `json:"owner_id"`
	AppointedOn  string `json:"appointed_on"`
	ReviewMonths int    `json:"review_months"`
}

func (s *Server) appointCustodian(c *gin.Context) {
	p, ok := bindRelationshipPath(c)
	if !ok {
		return
	}
	var req appointRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if req.EvaluationID <= 0 {
		s.writeError(c, custos.Invalid("evaluation_id", "is required"))
		return
	}
	r, err := s.Relationships.Appoint(c.Request.Context(), custos.NewRelationship{TeamID: p.TeamID, EvaluationID: req.EvaluationID,
		CustodianID: req.CustodianID, OwnerID: req.OwnerID, AppointedOn: req.AppointedOn, ReviewMonths: req.ReviewMonths})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/teams/%d/relationships/%d", p.TeamID, r.ID))
	s.renderRelationship(c, http.StatusCreated, r)
}

func (s *Server) getRelationship(c *gin.Context) {
	p, ok := bindRelationshipPath(c)
	if !ok {
		return
	}
	r, err := s.Relationships.Relationship(c.Request.Context(), p.TeamID, p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.renderRelationship(c, http.StatusOK, r)
}

type updateRelationshipRequest struct {
	OwnerID       *int64  `json:"owner_id"`
	ReviewMonths  *int    `json:"review_months"`
	NextReviewDue *string `json:"next_review_due"`
}

func (s *Server) updateRelationship(c *gin.Context) {
	p, ok := bindRelationshipPath(c)
	if !ok {
		return
	}
	var req updateRelationshipRequest
	if !s.bindJSON(c, &req) {
		return
	}
	r, err := s.Relationships.UpdateRelationship(c.Request.Context(), p.TeamID, p.ID, ifMatch(c),
		custos.RelationshipUpdate{OwnerID: req.OwnerID, ReviewMonths: req.ReviewMonths, NextReviewDue: req.NextReviewDue})
	if err != nil {
		s.relationshipError(c, p, err)
		return
	}
	s.renderRelationship(c, http.StatusOK, r)
}

type endRelationshipRequest struct {
	EndedOn string `json:"ended_on"`
	Reason  string `json:"reason"`
}

func (s *Server) endRelationship(c *gin.Context) {
	p, ok := bindRelationshipPath(c)
	if !ok {
		return
	}
	var req endRelationshipRequest
	if !s.bindJSON(c, &req) {
		return
	}
	r, err := s.Relationships.EndRelationship(c.Request.Context(), p.TeamID, p.ID, ifMatch(c), req.EndedOn, req.Reason)
	if err != nil {
		s.relationshipError(c, p, err)
		return
	}
	s.renderRelationship(c, http.StatusOK, r)
}

// startRediligence opens the re-diligence of a relationship: an evaluation
// like any other, so it needs an officer's permission to create one.
func (s *Server) startRediligence(c *gin.Context) {
	p, ok := bindRelationshipPath(c)
	if !ok {
		return
	}
	id, err := s.Relationships.StartRediligence(c.Request.Context(), p.TeamID, p.ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	ws, err := s.Evaluations.Workspace(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/evaluations/%d", id))
	s.renderWorkspace(c, http.StatusCreated, ws)
}
