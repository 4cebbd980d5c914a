package httpapi

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// Taking things back (a submission, a mistaken red flag, an evidence file)
// and marking a checklist section met.

func (s *Server) withdrawSubmission(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	ws, err := s.Evaluations.WithdrawSubmission(c.Request.Context(), p.ID, ifMatch(c))
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	s.renderWorkspace(c, http.StatusOK, ws)
}

type withdrawRedFlagRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) withdrawRedFlag(c *gin.Context) {
	var req withdrawRedFlagRequest
	p, ok := bindPath(c)
	if !ok || !s.bindJSON(c, &req) {
		return
	}
	f, err := s.Evaluations.WithdrawRedFlag(c.Request.Context(), p.ID, p.FlagID, ifMatch(c), req.Reason)
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (s *Server) removeEvidence(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	if err := s.Evaluations.RemoveEvidence(c.Request.Context(), p.ID, p.EvidenceID, ifMatch(c)); err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) markSectionMet(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	res, err := s.Evaluations.MarkSectionMet(c.Request.Context(), p.ID, p.CustodianID, c.Param("sectionKey"), ifMatch(c))
	if err != nil {
		s.workspaceError(c, p.ID, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

var auditActionPattern = regexp.MustCompile(`^[a-z_]+\.[a-z_]+$`)

// auditFilter reads the audit list's filters, answering 400 naming every
// malformed one. Dates are whole days in UTC, both ends included.
func auditFilter(c *gin.Context, q custos.PageQuery) (custos.AuditFilter, bool) {
	f := custos.AuditFilter{Before: q.Before, Limit: q.Limit}
	var p custos.Problems
	if raw := c.Query("team"); raw != "" {
		id, _ := strconv.ParseInt(raw, 10, 64) // the guard has checked it
		f.TeamID = &id
	}
	positive := func(name string) *int64 {
		raw := c.Query(name)
		if raw == "" {
			return nil
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			p.Add(name, "must be a positive integer")
			return nil
		}
		return &id
	}
	day := func(name string) *time.Time {
		raw := c.Query(name)
		if raw == "" {
			return nil
		}
		d, err := time.Parse(time.DateOnly, raw)
		if err != nil {
			p.Add(name, "must be a date as YYYY-MM-DD")
			return nil
		}
		return &d
	}
	f.ActorID, f.EvaluationID = positive("actor"), positive("evaluation")
	f.From, f.To = day("from"), day("to")
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		p.Add("to", "is before from")
	}
	if f.To != nil {
		end := f.To.AddDate(0, 0, 1) // the whole day
		f.To = &end
	}
	if f.Action = c.Query("action"); f.Action != "" && !auditActionPattern.MatchString(f.Action) {
		p.Add("action", "must be an action such as evaluation.submit")
	}
	if err := p.Err(); err != nil {
		writeProblem(c, http.StatusBadRequest, "the request is not valid", err.(*custos.Error).Fields)
		return f, false
	}
	return f, true
}

// evaluationHistory is the audit trail of one evaluation and its parts, for
// everyone who may read the evaluation: what they can see in the workspace,
// with who changed it and when. The team's whole trail stays the auditors'.
func (s *Server) evaluationHistory(c *gin.Context) {
	p, ok := bindPath(c)
	if !ok {
		return
	}
	q, ok := pageParams(c)
	if !ok {
		return
	}
	page, err := s.Audit.ListAuditEvents(c.Request.Context(), custos.AuditFilter{Before: q.Before, Limit: q.Limit,
		TeamID: &p.TeamID, EvaluationID: &p.ID})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}
