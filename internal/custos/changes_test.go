package custos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Red flags are matched across the two evaluations by mandate rule, then
// template definition, then title: a flag in both with the same status is
// no change; a new one, a gone one and one in another status are listed.
func TestChangesSince_RedFlagsNewGoneAndMoved(t *testing.T) {
	rule, def := "region", int64(7)
	tpl := &Template{Criteria: []Criterion{{Key: "security", Name: "Security", Weight: 100}},
		Sections: []ChecklistSection{{Key: "s", Items: []ChecklistItem{{ID: 1, Key: "s.one", Prompt: "One?"}}}}}
	follows := int64(1)
	prev := &Workspace{Evaluation: Evaluation{ID: 1}, Template: tpl, Assessments: []Assessment{{
		Custodian: CandidateSummary{ID: 5, Name: "Acme", Regions: []string{"US"}},
		Answers:   []Answer{{ItemID: 1, Status: AnswerMet}},
		Scores:    []Score{{Criterion: "security", Score: 4}},
		RedFlags: []RedFlag{{Title: "Outside the mandate's regions", MandateRule: &rule, Status: FlagAccepted, Severity: SeverityHigh},
			{Title: "Rehypothecation permitted", DefinitionID: &def, Status: FlagOpen, Severity: SeverityCritical},
			{Title: "Old SOC report", Status: FlagMitigated, Severity: SeverityMedium}},
	}}}
	cur := &Workspace{Evaluation: Evaluation{ID: 2, FollowsEvaluationID: &follows}, Template: tpl, Assessments: []Assessment{{
		Custodian: CandidateSummary{ID: 5, Name: "Acme", Regions: []string{"US"}, Staking: true},
		Answers:   []Answer{{ItemID: 1, Status: AnswerMet, CarriedForward: true}},
		Scores:    []Score{{Criterion: "security", Score: 4}},
		RedFlags: []RedFlag{{Title: "Outside the mandate's regions", MandateRule: &rule, Status: FlagAccepted, Severity: SeverityHigh},
			{Title: "Rehypothecation permitted", DefinitionID: &def, Status: FlagClosed, Severity: SeverityCritical},
			{Title: "Key ceremony not witnessed", Status: FlagOpen, Severity: SeverityHigh}},
	}}}
	got, err := ChangesSince(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	open, closed, mitigated := FlagOpen, FlagClosed, FlagMitigated
	wantFlags := []FlagChange{
		{Title: "Rehypothecation permitted", Severity: SeverityCritical, Previous: &open, Current: &closed},
		{Title: "Key ceremony not witnessed", Severity: SeverityHigh, Current: &open},
		{Title: "Old SOC report", Severity: SeverityMedium, Previous: &mitigated},
	}
	if d := cmp.Diff(wantFlags, got.RedFlags); d != "" {
		t.Errorf("red flags (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]FactChange{{Fact: "staking", Previous: "no", Current: "yes"}}, got.Facts); d != "" {
		t.Errorf("facts (-want +got):\n%s", d)
	}
	if got.AnswersChanged != 0 || !got.Answers[0].CarriedForward || got.Scores[0].Changed {
		t.Errorf("answers %+v, scores %+v", got.Answers, got.Scores)
	}
	// An evaluation that follows none has nothing to compare.
	if _, err := ChangesSince(prev, prev); ErrorCode(err) != ECONFLICT {
		t.Errorf("not a re-diligence: %v", err)
	}
}
