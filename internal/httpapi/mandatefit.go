package httpapi

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// Mandate fit, previewed: the red flags custos.MandateFit would raise for a
// mandate and a set of catalogue custodians, before any evaluation exists.
// The new-evaluation form and the workspace's "Add a candidate" show them,
// so the rule is written once, here in Go, and the web app only asks.

type mandateFitRequest struct {
	Mandate      custos.Mandate `json:"mandate"`
	CustodianIDs []int64        `json:"custodian_ids"`
	// TemplateID names the template whose red-flag titles the flags take,
	// as opening the evaluation would; without it they take a plain title.
	TemplateID *int64 `json:"template_id"`
}

// MandateFitFlag is one red flag mandate fit would raise for a candidate.
type MandateFitFlag struct {
	Rule     string          `json:"rule"`
	Severity custos.Severity `json:"severity"`
	Title    string          `json:"title"`
	Reason   string          `json:"reason"`
}

// MandateFitCandidate is one custodian's preview: no flags when it fits.
type MandateFitCandidate struct {
	CustodianID int64            `json:"custodian_id"`
	Name        string           `json:"name"`
	Flags       []MandateFitFlag `json:"flags"`
}

// validate checks only what fit reads: a mandate still being written (no
// region yet) is fine, an unknown region or custodian is not.
func (r *mandateFitRequest) validate() error {
	var p custos.Problems
	for i, reg := range r.Mandate.Regions {
		if !slices.Contains(custos.Regions, reg) {
			p.Add("mandate.regions", "unknown region "+reg)
		} else if slices.Contains(r.Mandate.Regions[:i], reg) {
			p.Add("mandate.regions", "region "+reg+" is listed twice")
		}
	}
	switch {
	case len(r.CustodianIDs) == 0:
		p.Add("custodian_ids", "name at least one custodian")
	case len(r.CustodianIDs) > custos.MaxCandidates:
		p.Add("custodian_ids", fmt.Sprintf("name at most %d custodians", custos.MaxCandidates))
	}
	for i, id := range r.CustodianIDs {
		if id <= 0 {
			p.Add("custodian_ids", "each ID is a positive integer")
			break
		} else if slices.Contains(r.CustodianIDs[:i], id) {
			p.Add("custodian_ids", "a custodian is listed twice")
			break
		}
	}
	if r.TemplateID != nil && *r.TemplateID <= 0 {
		p.Add("template_id", "must be a positive integer")
	}
	return p.Err()
}

func (s *Server) mandateFit(c *gin.Context) {
	var req mandateFitRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if err := req.validate(); err != nil {
		s.writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	titles := map[string]string{}
	if req.TemplateID != nil {
		t, err := s.Templates.FindTemplate(ctx, *req.TemplateID)
		if custos.ErrorCode(err) == custos.ENOTFOUND {
			s.writeError(c, custos.Invalid("template_id", "is not a template"))
			return
		} else if err != nil {
			s.writeError(c, err)
			return
		}
		for _, d := range t.RedFlags {
			if d.MandateRule != nil {
				titles[*d.MandateRule] = d.Title
			}
		}
	}
	out := make([]MandateFitCandidate, 0, len(req.CustodianIDs))
	for _, id := range req.CustodianIDs {
		cu, err := s.Custodians.FindCustodian(ctx, id)
		if custos.ErrorCode(err) == custos.ENOTFOUND {
			s.writeError(c, custos.Invalid("custodian_ids", fmt.Sprintf("custodian %d is not in the catalogue", id)))
			return
		} else if err != nil {
			s.writeError(c, err)
			return
		}
		summary := custos.CandidateSummary{ID: cu.ID, Slug: cu.Slug, Name: cu.Name,
			QualifiedCustodian: cu.QualifiedCustodian, Regions: cu.Regions, Staking: cu.Staking}
		flags := []MandateFitFlag{}
		for _, f := range custos.MandateFit(req.Mandate, summary) {
			title, ok := titles[f.Rule]
			if !ok {
				title = "Mandate fit: " + f.Rule // what opening raises without a template definition
			}
			flags = append(flags, MandateFitFlag{Rule: f.Rule, Severity: f.Severity, Title: title, Reason: f.Reason})
		}
		out = append(out, MandateFitCandidate{CustodianID: cu.ID, Name: cu.Name, Flags: flags})
	}
	c.JSON(http.StatusOK, items(out))
}
