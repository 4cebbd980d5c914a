package custos

import (
	"fmt"
	"time"
)

// Re-diligence looks again at a custodian the team appointed: an evaluation
// of that one custodian, prefilled from the approved evaluation the
// relationship rests on. Each answer is carried forward and marked until an
// officer confirms it; evidence is linked, not copied, so a file keeps its
// one digest and its history. It is approved like any evaluation, and its
// approval moves the relationship's next review on.

// RediligenceMinCandidates is the least number of candidates of a
// re-diligence: it reviews one custodian, so the two-candidate minimum of a
// selection does not apply.
const RediligenceMinCandidates = 1

// MinCandidatesOf is the least number of candidates the evaluation keeps.
func MinCandidatesOf(e Evaluation) int {
	if e.RelationshipID != nil {
		return RediligenceMinCandidates
	}
	return MinCandidates
}

// Rediligence is what the store knows when a re-diligence starts: the
// relationship, the approved workspace it rests on, and whether a
// re-diligence of it is already in progress.
type Rediligence struct {
	Relationship Relationship
	Last         *Workspace
	InProgress   bool
}

// RediligenceOpened: an officer started a re-diligence. The store assigns
// Header.ID when it saves it.
type RediligenceOpened struct {
	Header         Evaluation
	CustodianID    int64
	Carried        []Answer
	LinkedEvidence []int64
}

func (e RediligenceOpened) Evaluation() int64 { return e.Header.ID }
func (RediligenceOpened) event()              {}

// OpenRediligence starts the re-diligence of an active relationship.
func OpenRediligence(r Rediligence, by int64, at time.Time) (RediligenceOpened, error) {
	rel := r.Relationship
	if rel.Status != ActiveRelationship {
		return RediligenceOpened{}, Errorf(ECONFLICT, "the relationship has ended: there is nothing to review")
	}
	if r.InProgress {
		return RediligenceOpened{}, Errorf(ECONFLICT, "a re-diligence of this relationship is already in progress")
	}
	last := r.Last
	if last == nil || last.Evaluation.Status != StatusApproved || last.Evaluation.ID != rel.EvaluationID {
		return RediligenceOpened{}, Internal(fmt.Errorf("relationship %d does not rest on an approved evaluation", rel.ID))
	}
	var from *Assessment
	for i := range last.Assessments {
		if last.Assessments[i].Custodian.ID == rel.CustodianID {
			from = &last.Assessments[i]
		}
	}
	if from == nil {
		return RediligenceOpened{}, Internal(fmt.Errorf("custodian %d is not a candidate of evaluation %d", rel.CustodianID, last.Evaluation.ID))
	}
	relID, follows := rel.ID, last.Evaluation.ID
	due := rel.NextReviewDue
	h := Evaluation{TeamID: rel.TeamID, Title: fmt.Sprintf("Re-diligence: %s (%s)", from.Custodian.Name, at.UTC().Format("January 2006")),
		TemplateID: last.Evaluation.TemplateID, Mandate: last.Evaluation.Mandate, OwnerID: by, DueDate: &due, Status: StatusDraft,
		Version: 1, CreatedAt: at, UpdatedAt: at, RelationshipID: &relID, FollowsEvaluationID: &follows}
	out := RediligenceOpened{Header: h, CustodianID: rel.CustodianID}
	for _, a := range from.Answers {
		if a.Status == AnswerPending {
			continue
		}
		out.Carried = append(out.Carried, Answer{ItemID: a.ItemID, Status: a.Status, Note: a.Note, Version: 1,
			UpdatedBy: &by, UpdatedAt: &at, CarriedForward: true})
	}
	for _, ev := range from.Evidence {
		out.LinkedEvidence = append(out.LinkedEvidence, ev.ID)
	}
	return out, nil
}

// RelationshipReviewed: a re-diligence of the relationship was approved; it
// now rests on that evaluation and its next review is a cadence away.
type RelationshipReviewed struct{ Before, After Relationship }

func (e RelationshipReviewed) Evaluation() int64 { return e.After.EvaluationID }
func (RelationshipReviewed) event()              {}

// ReviewRelationship moves a relationship on when its re-diligence e is
// approved at the given time.
func ReviewRelationship(r Relationship, e Evaluation, at time.Time) (RelationshipReviewed, error) {
	if e.Status != StatusApproved || e.RelationshipID == nil || *e.RelationshipID != r.ID {
		return RelationshipReviewed{}, Internal(fmt.Errorf("evaluation %d is not an approved re-diligence of relationship %d", e.ID, r.ID))
	}
	day := time.Date(at.UTC().Year(), at.UTC().Month(), at.UTC().Day(), 0, 0, 0, 0, time.UTC)
	after := r
	after.EvaluationID, after.LastReviewed = e.ID, day.Format(dateLayout)
	after.NextReviewDue = AddMonths(day, r.ReviewMonths).Format(dateLayout)
	after.Version, after.UpdatedAt = r.Version+1, at
	return RelationshipReviewed{Before: r, After: after}, nil
}
