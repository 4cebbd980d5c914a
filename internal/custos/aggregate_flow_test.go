package custos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Withdrawing a submission, a red flag or evidence, and marking a checklist
// section met: the rules without a database.

func TestWithdrawSubmission(t *testing.T) {
	r := SubmittedRound{Evaluation: aggSubmitted(2), ApprovalsRequired: 2}
	ev, err := WithdrawSubmission(r, 0, officer, at)
	wantCode(t, err, "")
	want := SubmissionWithdrawn{EvaluationID: 7, Round: 2, SnapshotHash: HashBytes("snapshot-of-round"), By: officer, At: at}
	if d := cmp.Diff(want, ev); d != "" {
		t.Errorf("event (-want +got):\n%s", d)
	}

	_, err = WithdrawSubmission(r, 0, officer+1, at)
	wantCode(t, err, EFORBIDDEN) // another officer
	_, err = WithdrawSubmission(r, 0, manager, at)
	wantCode(t, err, EFORBIDDEN)
	_, err = WithdrawSubmission(r, 4, officer, at)
	wantCode(t, err, EPRECONDITION)

	// A decision of an earlier round does not count; one of this round does,
	// whether an approval (of two required) or anything else.
	r.Decisions = []Approval{{Round: 1, ManagerID: manager, Decision: DecisionReturn}}
	_, err = WithdrawSubmission(r, 0, officer, at)
	wantCode(t, err, "")
	r.Decisions = append(r.Decisions, Approval{Round: 2, ManagerID: manager, Decision: DecisionApprove})
	_, err = WithdrawSubmission(r, 0, officer, at)
	wantCode(t, err, ECONFLICT)

	for _, st := range []EvaluationStatus{StatusDraft, StatusApproved} {
		_, err = WithdrawSubmission(SubmittedRound{Evaluation: with(aggSubmitted(2), st)}, 0, officer, at)
		wantCode(t, err, ECONFLICT)
	}
}

func TestWithdrawRedFlag(t *testing.T) {
	flag := RedFlag{ID: 3, CustodianID: 1, Title: "Wrong custodian", Severity: SeverityMedium, Status: FlagOpen}
	ev, err := WithdrawRedFlag(aggDraft(), 5, &flag, "  Raised on the wrong candidate. ", at)
	wantCode(t, err, "")
	after := flag
	after.Status, after.Resolution, after.UpdatedAt = FlagWithdrawn, "Raised on the wrong candidate.", at
	if d := cmp.Diff(RedFlagWithdrawn{EvaluationID: 7, Before: flag, After: after}, ev); d != "" {
		t.Errorf("event (-want +got):\n%s", d)
	}

	_, err = WithdrawRedFlag(aggDraft(), 0, &flag, "   ", at)
	if d := cmp.Diff([]FieldError{{Field: "reason", Reason: "say why the flag was raised by mistake"}}, fieldsOf(err)); d != "" {
		t.Errorf("no reason (-want +got):\n%s", d)
	}
	_, err = WithdrawRedFlag(aggDraft(), 0, nil, "Mistake.", at)
	wantCode(t, err, ENOTFOUND)
	_, err = WithdrawRedFlag(with(aggDraft(), StatusSubmitted), 0, &flag, "Mistake.", at)
	wantCode(t, err, ECONFLICT)
	_, err = WithdrawRedFlag(aggDraft(), 0, &after, "Again.", at)
	wantCode(t, err, ECONFLICT)

	auto := flag
	auto.MandateRule = ptr(RuleQualifiedCustodian)
	_, err = WithdrawRedFlag(aggDraft(), 0, &auto, "Mistake.", at)
	wantCode(t, err, ECONFLICT)

	// A withdrawn flag is not moved back into the resolution workflow.
	_, err = MoveRedFlag(aggDraft(), 0, &after, RedFlagMove{Status: FlagOpen}, at)
	wantCode(t, err, ECONFLICT)
	_, err = MoveRedFlag(aggDraft(), 0, &flag, RedFlagMove{Status: FlagWithdrawn, Resolution: "x"}, at)
	wantCode(t, err, EINVALID)
}

func TestRemoveEvidence(t *testing.T) {
	v := Evidence{ID: 9, CustodianID: 1, ItemID: 11, Label: "soc2.pdf", Size: 10}
	ev, err := RemoveEvidence(aggDraft(), 5, &v, officer, at)
	wantCode(t, err, "")
	if d := cmp.Diff(EvidenceRemoved{EvaluationID: 7, Evidence: v, RemovedBy: officer, RemovedAt: at}, ev); d != "" {
		t.Errorf("event (-want +got):\n%s", d)
	}
	_, err = RemoveEvidence(aggDraft(), 0, nil, officer, at)
	wantCode(t, err, ENOTFOUND)
	_, err = RemoveEvidence(aggDraft(), 4, &v, officer, at)
	wantCode(t, err, EPRECONDITION)
	for _, st := range []EvaluationStatus{StatusSubmitted, StatusApproved} {
		_, err = RemoveEvidence(with(aggDraft(), st), 0, &v, officer, at)
		wantCode(t, err, ECONFLICT)
	}
}

func TestMarkSectionMet(t *testing.T) {
	tmpl := &Template{ID: 1, Sections: []ChecklistSection{{Key: "ops", Items: []ChecklistItem{
		{ID: 1, Key: "ops.a"}, {ID: 2, Key: "ops.b", EvidenceRequired: true}, {ID: 3, Key: "ops.c"}, {ID: 4, Key: "ops.d"},
	}}}}
	by := officer
	current := map[int64]Answer{
		3: {ItemID: 3, Status: AnswerNotMet, Note: "No.", Version: 2},
		4: {ItemID: 4, Status: AnswerPending, Note: "Look again.", Version: 3},
	}
	got, err := MarkSectionMet(aggDraft(), tmpl, 5, Part{CustodianID: 1, IsCandidate: true}, "ops", current, officer, at)
	wantCode(t, err, "")
	want := SectionMarked{
		Answers: []AnswerRecorded{
			{EvaluationID: 7, CustodianID: 1, Before: Answer{ItemID: 1, Status: AnswerPending},
				After: Answer{ItemID: 1, Status: AnswerMet, Version: 1, UpdatedBy: &by, UpdatedAt: &at}},
			{EvaluationID: 7, CustodianID: 1, Before: current[4],
				After: Answer{ItemID: 4, Status: AnswerMet, Note: "Look again.", Version: 4, UpdatedBy: &by, UpdatedAt: &at}},
		},
		Skipped: []SkippedItem{{ItemID: 2, Key: "ops.b", Reason: "needs evidence: attach the file and answer it on its own"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("marked (-want +got):\n%s", d)
	}

	_, err = MarkSectionMet(aggDraft(), tmpl, 0, Part{CustodianID: 1, IsCandidate: true}, "nope", nil, officer, at)
	wantCode(t, err, ENOTFOUND)
	_, err = MarkSectionMet(aggDraft(), tmpl, 0, Part{CustodianID: 2}, "ops", nil, officer, at)
	wantCode(t, err, ENOTFOUND)
	_, err = MarkSectionMet(with(aggDraft(), StatusSubmitted), tmpl, 0, Part{CustodianID: 1, IsCandidate: true}, "ops", nil, officer, at)
	wantCode(t, err, ECONFLICT)
	_, err = MarkSectionMet(aggDraft(), tmpl, 4, Part{CustodianID: 1, IsCandidate: true}, "ops", nil, officer, at)
	wantCode(t, err, EPRECONDITION)
}

func fieldsOf(err error) []FieldError {
	if e, ok := err.(*Error); ok {
		return e.Fields
	}
	return nil
}
