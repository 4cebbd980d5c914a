package postgres_test

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// The approvals a round needs are fixed when it is submitted: the team's
// setting changed afterwards, lower or higher, leaves the round in flight
// as it was (issue 9, item 11).
func TestApprovalsRequiredAreFixedWhenTheRoundIsSubmitted(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	team := env.SeedDemo()["Demo Treasury"]
	officer, manager, manager2 := env.As("officer@example.com"), env.As("manager@example.com"), env.As("manager2@example.com")
	setTeam := func(n int) {
		t.Helper()
		if _, err := env.Teams.UpdateTeam(cli, team, custos.TeamUpdate{ApprovalsRequired: &n}); err != nil {
			t.Fatal(err)
		}
	}
	setTeam(2)
	ws := env.SubmittedEvaluation(officer, team)
	id := ws.Evaluation.ID
	if ws.ApprovalsRequired != 2 {
		t.Fatalf("submitted with the team requiring 2: the round needs %d", ws.ApprovalsRequired)
	}

	// An admin lowers the team's setting: the round still needs two.
	setTeam(1)
	ws, err := env.Evaluations.Decide(manager, id, 0, custos.DecisionApprove, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := [3]any{ws.Evaluation.Status, ws.ApprovalsReceived, ws.ApprovalsRequired}; got != [3]any{custos.StatusSubmitted, 1, 2} {
		t.Fatalf("one approval after the team went down to 1: status, received, required = %v, want submitted, 1, 2", got)
	}
	// Not even the database lets the round's figure change.
	_, err = env.SQL.Exec(`UPDATE evaluations SET approvals_required = 1 WHERE id = $1`, id)
	if err == nil || !strings.Contains(err.Error(), "cannot change") {
		t.Errorf("changing a submitted round's approvals in SQL: %v, want a refusal", err)
	}
	// Raising the team's setting does not ask the round for more either.
	setTeam(3)
	ws, err = env.Evaluations.Decide(manager2, id, 0, custos.DecisionApprove, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := [3]any{ws.Evaluation.Status, ws.ApprovalsReceived, ws.ApprovalsRequired}; got != [3]any{custos.StatusApproved, 2, 2} {
		t.Fatalf("two approvals after the team went up to 3: status, received, required = %v, want approved, 2, 2", got)
	}
	// The approval's audit event records the round's figure.
	page, err := env.Audit.ListAuditEvents(cli, custos.AuditFilter{TeamID: &team, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var after struct {
		Approvals         int `json:"approvals"`
		ApprovalsRequired int `json:"approvals_required"`
	}
	if err := json.Unmarshal(page.Items[0].After, &after); err != nil || page.Items[0].Action != "evaluation.approve" {
		t.Fatalf("last event %s %s: %v", page.Items[0].Action, page.Items[0].After, err)
	}
	if after.Approvals != 2 || after.ApprovalsRequired != 2 {
		t.Errorf("approve event after = %s, want 2 of 2", page.Items[0].After)
	}
}

// A draft shows the team's setting now: that is what its submission fixes.
func TestADraftShowsTheTeamsApprovalsRequired(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	team := env.SeedDemo()["Demo Treasury"]
	officer := env.As("officer@example.com")
	ws := env.OpenEvaluation(officer, team, 1, 2)
	three := 3
	if _, err := env.Teams.UpdateTeam(cli, team, custos.TeamUpdate{ApprovalsRequired: &three}); err != nil {
		t.Fatal(err)
	}
	ws, err := env.Evaluations.Workspace(officer, ws.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ws.ApprovalsRequired != 3 {
		t.Errorf("a draft shows %d approvals required, want the team's 3", ws.ApprovalsRequired)
	}
}

// Taking a copy of an evidence file is an audit event, recorded in the
// same transaction as the read (issue 9, item 12).
func TestEvidenceDownloadsAreAudited(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	team := env.SeedDemo()["Demo Treasury"]
	officer, auditor := env.As("officer@example.com"), env.As("auditor@example.com")
	ws := env.OpenEvaluation(officer, team, 1, 2)
	id, item := ws.Evaluation.ID, ws.Template.Items()[0].ID
	ev, err := env.Evaluations.AddEvidence(officer, id, 1, item, 0, "soc2.pdf", apitest.TinyPDF)
	if err != nil {
		t.Fatal(err)
	}

	f, err := env.Evaluations.EvidenceFile(auditor, id, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Content) != string(apitest.TinyPDF) {
		t.Errorf("downloaded %q", f.Content)
	}
	page, err := env.Audit.ListAuditEvents(cli, custos.AuditFilter{TeamID: &team, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := page.Items[0]
	type downloaded struct {
		EvaluationID int64  `json:"evaluation_id"`
		CustodianID  int64  `json:"custodian_id"`
		ItemID       int64  `json:"item_id"`
		Label        string `json:"label"`
		SHA256       string `json:"sha256"`
	}
	type shown struct {
		Action, Actor, ObjectType, ObjectID string
		Team                                int64
		After                               downloaded
	}
	var after downloaded
	dec := json.NewDecoder(strings.NewReader(string(got.After)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&after); err != nil {
		t.Fatalf("download event after %s: %v", got.After, err)
	}
	want := shown{Action: "evidence.download", Actor: "auditor@example.com", ObjectType: "evidence",
		ObjectID: strconv.FormatInt(ev.ID, 10), Team: team,
		After: downloaded{EvaluationID: id, CustodianID: 1, ItemID: item, Label: "soc2.pdf", SHA256: hex.EncodeToString(ev.SHA256)}}
	if d := cmp.Diff(want, shown{got.Action, got.Actor, got.ObjectType, got.ObjectID, *got.TeamID, after}); d != "" {
		t.Errorf("download event (-want +got):\n%s", d)
	}

	// A file that is not there records nothing.
	before := got.Seq
	if _, err := env.Evaluations.EvidenceFile(auditor, id, ev.ID+100); custos.ErrorCode(err) != custos.ENOTFOUND {
		t.Fatalf("a missing file: %v", err)
	}
	if page, err = env.Audit.ListAuditEvents(cli, custos.AuditFilter{Limit: 1}); err != nil || page.Items[0].Seq != before {
		t.Errorf("a missing file left an event: %+v, %v", page.Items[0], err)
	}
}

// A tick of one answer loads the evaluation's header and that answer, never
// the whole workspace: a fixed handful of statements whatever the size of
// the evaluation (the header with candidacy and the answer, the answer with
// the workspace's new version, and the audit append).
func TestAnAnswerTickSendsAFixedHandfulOfStatements(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	team := env.SeedDemo()["Demo Treasury"]
	officer := env.As("officer@example.com")
	all := make([]int64, 10) // the whole seeded catalogue
	for i := range all {
		all[i] = int64(i + 1)
	}
	small, large := env.OpenEvaluation(officer, team, 1, 2), env.OpenEvaluation(officer, team, all...)
	env.CompleteAndShortlist(officer, large, 1) // a full workspace
	item := small.Template.Items()[1].ID
	tick := func(id int64, status custos.AnswerStatus) int64 {
		return env.Queries.During(func() {
			if _, err := env.Evaluations.PutAnswer(officer, id, 1, item, nil, custos.AnswerInput{Status: status}); err != nil {
				t.Fatal(err)
			}
		})
	}
	got := []int64{tick(small.Evaluation.ID, custos.AnswerMet), tick(small.Evaluation.ID, custos.AnswerNotApplicable),
		tick(large.Evaluation.ID, custos.AnswerNotApplicable)}
	if d := cmp.Diff([]int64{3, 3, 3}, got); d != "" {
		t.Errorf("statements per answer tick: first, again, on a full 10-candidate evaluation (-want +got):\n%s", d)
	}
}
