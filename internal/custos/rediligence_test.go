package custos

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The two-candidate minimum is a selection's: a re-diligence reviews one
// custodian and may keep just that one.
func TestRemoveCandidate_MinimumDependsOnTheKindOfEvaluation(t *testing.T) {
	rel := int64(4)
	selection := Evaluation{ID: 1, Status: StatusDraft, Version: 1}
	rediligence := Evaluation{ID: 2, Status: StatusDraft, Version: 1, RelationshipID: &rel}
	for _, tc := range []struct {
		name       string
		e          Evaluation
		candidates int
		ok         bool
	}{
		{"a selection of three keeps two", selection, 3, true},
		{"a selection of two keeps both", selection, 2, false},
		{"a re-diligence of two keeps one", rediligence, 2, true},
		{"a re-diligence of one keeps it", rediligence, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RemoveCandidate(tc.e, 0, Candidacy{CustodianID: 9, Candidates: tc.candidates, IsCandidate: true, InCatalogue: true}, nil)
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && ErrorCode(err) != ECONFLICT {
				t.Fatalf("error %v, want a conflict", err)
			}
		})
	}
	if MinCandidatesOf(selection) != 2 || MinCandidatesOf(rediligence) != 1 {
		t.Errorf("minimums %d and %d, want 2 and 1", MinCandidatesOf(selection), MinCandidatesOf(rediligence))
	}
}

func TestOpenRediligence(t *testing.T) {
	at := time.Date(2027, 10, 27, 9, 0, 0, 0, time.UTC)
	rel := Relationship{ID: 4, TeamID: 3, CustodianID: 2, EvaluationID: 7, ReviewMonths: 12, NextReviewDue: "2027-11-26",
		Status: ActiveRelationship, Version: 1}
	by := int64(11)
	old := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	last := &Workspace{Evaluation: Evaluation{ID: 7, TeamID: 3, TemplateID: 1, Mandate: Mandate{Regions: []string{"US"}}, Status: StatusApproved},
		Assessments: []Assessment{
			{Custodian: CandidateSummary{ID: 1, Name: "Alpha"}, Answers: []Answer{{ItemID: 10, Status: AnswerMet}}},
			{Custodian: CandidateSummary{ID: 2, Name: "Beta Trust"}, Answers: []Answer{
				{ItemID: 10, Status: AnswerMet, Note: "Charter seen.", Version: 3, UpdatedAt: &old},
				{ItemID: 11, Status: AnswerPending},
				{ItemID: 12, Status: AnswerPartlyMet, Note: "Affiliates pending.", Version: 1},
			}, Evidence: []Evidence{{ID: 31, CustodianID: 2, ItemID: 10}}},
		}}
	ended := rel
	ended.Status = EndedRelationship

	got, err := OpenRediligence(Rediligence{Relationship: rel, Last: last}, by, at)
	if err != nil {
		t.Fatal(err)
	}
	relID, follows, due := int64(4), int64(7), "2027-11-26"
	want := RediligenceOpened{
		Header: Evaluation{TeamID: 3, Title: "Re-diligence: Beta Trust (October 2027)", TemplateID: 1, Mandate: Mandate{Regions: []string{"US"}},
			OwnerID: by, DueDate: &due, Status: StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at, RelationshipID: &relID, FollowsEvaluationID: &follows},
		CustodianID: 2,
		Carried: []Answer{
			{ItemID: 10, Status: AnswerMet, Note: "Charter seen.", Version: 1, UpdatedBy: &by, UpdatedAt: &at, CarriedForward: true},
			{ItemID: 12, Status: AnswerPartlyMet, Note: "Affiliates pending.", Version: 1, UpdatedBy: &by, UpdatedAt: &at, CarriedForward: true},
		},
		LinkedEvidence: []int64{31},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("opened (-want +got):\n%s", d)
	}

	for _, tc := range []struct {
		name string
		in   Rediligence
		code string
	}{
		{"an ended relationship", Rediligence{Relationship: ended, Last: last}, ECONFLICT},
		{"one already in progress", Rediligence{Relationship: rel, Last: last, InProgress: true}, ECONFLICT},
		{"resting on an evaluation that is not approved", Rediligence{Relationship: rel, Last: &Workspace{Evaluation: Evaluation{ID: 7, Status: StatusDraft}}}, EINTERNAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := OpenRediligence(tc.in, by, at); ErrorCode(err) != tc.code {
				t.Errorf("error %v, want %s", err, tc.code)
			}
		})
	}
}

func TestReviewRelationship_MovesTheNextReviewACadenceFromApproval(t *testing.T) {
	relID := int64(4)
	rel := Relationship{ID: 4, EvaluationID: 7, LastReviewed: "2026-11-26", ReviewMonths: 12, NextReviewDue: "2027-11-26", Version: 2,
		Status: ActiveRelationship}
	at := time.Date(2027, 11, 3, 15, 30, 0, 0, time.UTC)
	ev, err := ReviewRelationship(rel, Evaluation{ID: 9, Status: StatusApproved, RelationshipID: &relID}, at)
	if err != nil {
		t.Fatal(err)
	}
	want := rel
	want.EvaluationID, want.LastReviewed, want.NextReviewDue, want.Version, want.UpdatedAt = 9, "2027-11-03", "2028-11-03", 3, at
	if d := cmp.Diff(RelationshipReviewed{Before: rel, After: want}, ev); d != "" {
		t.Errorf("reviewed (-want +got):\n%s", d)
	}
	other := int64(5)
	if _, err := ReviewRelationship(rel, Evaluation{ID: 9, Status: StatusApproved, RelationshipID: &other}, at); ErrorCode(err) != EINTERNAL {
		t.Errorf("another relationship's evaluation: %v", err)
	}
}
