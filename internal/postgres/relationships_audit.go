package postgres

import (
	"strconv"

	"github.com/custos-dd/custos/internal/custos"
)

// The audit trail's view of a custody relationship: what a reviewer needs to
// see what changed (owner, cadence, next review due, status), not the names
// the store joins in.
type relationshipAuditPayload struct {
	CustodianID   int64                     `json:"custodian_id"`
	EvaluationID  int64                     `json:"evaluation_id"`
	OwnerID       int64                     `json:"owner_id"`
	AppointedOn   string                    `json:"appointed_on"`
	ReviewMonths  int                       `json:"review_months"`
	NextReviewDue string                    `json:"next_review_due"`
	Status        custos.RelationshipStatus `json:"status"`
	EndedOn       *string                   `json:"ended_on,omitempty"`
	EndReason     string                    `json:"end_reason,omitempty"`
}

func relationshipPayload(r custos.Relationship) relationshipAuditPayload {
	return relationshipAuditPayload{CustodianID: r.CustodianID, EvaluationID: r.EvaluationID, OwnerID: r.OwnerID,
		AppointedOn: r.AppointedOn, ReviewMonths: r.ReviewMonths, NextReviewDue: r.NextReviewDue, Status: r.Status,
		EndedOn: r.EndedOn, EndReason: r.EndReason}
}

// relationshipAudit fills in the audit event of a relationship event; auditOf
// calls it for exactly these three types.
func relationshipAudit(a *custos.NewAuditEvent, ev custos.Event) {
	a.ObjectType = "relationship"
	var r custos.Relationship
	switch e := ev.(type) {
	case custos.RelationshipAppointed:
		r = e.Relationship
		a.Action, a.After = "relationship.appoint", relationshipPayload(r)
	case custos.RelationshipUpdated:
		r = e.After
		a.Action, a.Before, a.After = "relationship.update", relationshipPayload(e.Before), relationshipPayload(e.After)
	case custos.RelationshipEnded:
		r = e.After
		a.Action, a.Before, a.After = "relationship.end", relationshipPayload(e.Before), relationshipPayload(e.After)
	case custos.RelationshipReviewed:
		r = e.After
		a.Action, a.Before, a.After = "relationship.review", relationshipPayload(e.Before), relationshipPayload(e.After)
	}
	a.ObjectID = strconv.FormatInt(r.ID, 10)
}

type rediligenceAuditPayload struct {
	Title               string         `json:"title"`
	TemplateID          int64          `json:"template_id"`
	Mandate             custos.Mandate `json:"mandate"`
	CustodianIDs        []int64        `json:"custodian_ids"`
	DueDate             *string        `json:"due_date"`
	RelationshipID      int64          `json:"relationship_id"`
	FollowsEvaluationID int64          `json:"follows_evaluation_id"`
	// What was carried forward: item IDs of the answers, IDs of the evidence.
	CarriedAnswers []int64 `json:"carried_answers"`
	LinkedEvidence []int64 `json:"linked_evidence"`
}

// rediligenceAudit records the opening of a re-diligence like any
// evaluation's (evaluation.create's keys) plus what it follows and carries.
func rediligenceAudit(a *custos.NewAuditEvent, e custos.RediligenceOpened) {
	h := e.Header
	p := rediligenceAuditPayload{Title: h.Title, TemplateID: h.TemplateID, Mandate: h.Mandate, CustodianIDs: []int64{e.CustodianID},
		DueDate: h.DueDate, CarriedAnswers: []int64{}, LinkedEvidence: e.LinkedEvidence}
	if h.RelationshipID != nil {
		p.RelationshipID = *h.RelationshipID
	}
	if h.FollowsEvaluationID != nil {
		p.FollowsEvaluationID = *h.FollowsEvaluationID
	}
	for _, c := range e.Carried {
		p.CarriedAnswers = append(p.CarriedAnswers, c.ItemID)
	}
	if p.LinkedEvidence == nil {
		p.LinkedEvidence = []int64{}
	}
	a.Action, a.After = "evaluation.open_rediligence", p
}
