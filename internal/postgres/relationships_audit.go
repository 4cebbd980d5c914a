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
	}
	a.ObjectID = strconv.FormatInt(r.ID, 10)
}
