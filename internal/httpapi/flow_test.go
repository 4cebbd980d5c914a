package httpapi_test

// Taking things back (issue 13): withdrawing a submission, a mistaken red
// flag and evidence; marking a section met in one request; the audit
// trail's filters. Through the real router on a real database.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

func auditActions(t *testing.T, c *apitest.Client, query string) []string {
	t.Helper()
	res := c.Do(http.MethodGet, "/api/v1/audit?limit=200&"+query, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var out []string
	for _, e := range apitest.Decode[custos.AuditPage](t, res).Items {
		out = append(out, e.Action)
	}
	return out
}

func TestWithdrawSubmission_BeforeAnyDecisionOnlyBySubmitter(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	env := k.Env
	officer2, manager := env.Login("officer2@example.com"), env.Login("manager@example.com")
	k.SetApprovalsRequired(2)

	ws := env.SubmittedEvaluation(env.As("officer@example.com"), k.Treasury)
	path := apitest.EvalPath(ws.Evaluation.ID, "/withdraw")
	apitest.ExpectProblem(t, officer2.Do(http.MethodPost, path, nil), http.StatusForbidden) // not the submitter
	apitest.ExpectProblem(t, manager.Do(http.MethodPost, path, nil), http.StatusForbidden)  // managers return instead

	res := k.Officer.Do(http.MethodPost, path, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	after := apitest.Decode[*custos.Workspace](t, res)
	if after.Evaluation.Status != custos.StatusDraft {
		t.Fatalf("status after withdrawal: %s, want draft", after.Evaluation.Status)
	}
	// Unlocked: the officer can change it again, and submit it again.
	k.Score(k.Officer, ws.Evaluation.ID, 1, "ux", 2)
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, path, nil), http.StatusConflict) // a draft has nothing to withdraw
	res = k.Officer.Do(http.MethodPost, apitest.EvalPath(ws.Evaluation.ID, "/submit"), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)

	// One approval of the two required is a decision: no withdrawal after it.
	apitest.ExpectStatus(t, manager.Do(http.MethodPost, apitest.EvalPath(ws.Evaluation.ID, "/approve"), map[string]string{"comment": "Fine."}), http.StatusOK)
	p := apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, path, nil), http.StatusConflict)
	if p.Detail == "" {
		t.Errorf("the refusal says nothing: %+v", p)
	}
	if st := k.Workspace(k.Officer, ws.Evaluation.ID).Evaluation.Status; st != custos.StatusSubmitted {
		t.Errorf("status after a refused withdrawal: %s", st)
	}

	got := auditActions(t, env.Login("auditor@example.com"), fmt.Sprintf("team=%d&evaluation=%d&action=evaluation.withdraw", k.Treasury, ws.Evaluation.ID))
	if d := cmp.Diff([]string{"evaluation.withdraw"}, got); d != "" {
		t.Errorf("audited withdrawals (-want +got):\n%s", d)
	}
}

func TestWithdrawRedFlag_NeedsAReasonAndNeverAnAutomaticFlag(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	// Singapore only: US custodians get mandate-fit flags by themselves.
	ws := k.Open(k.Officer, map[string]any{"regions": []string{"SG"}}, 1, 2)
	id := ws.Evaluation.ID
	flag := k.Raise(k.Officer, id, 1, map[string]any{"title": "Wrong candidate", "severity": "low"})
	path := apitest.EvalPath(id, fmt.Sprintf("/red-flags/%d/withdraw", flag.ID))

	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPost, path, map[string]string{"reason": "  "}), "reason")
	res := k.Officer.Do(http.MethodPost, path, map[string]string{"reason": "Raised on the wrong candidate."})
	apitest.ExpectStatus(t, res, http.StatusOK)
	got := apitest.Decode[custos.RedFlag](t, res)
	if got.Status != custos.FlagWithdrawn || got.Resolution != "Raised on the wrong candidate." {
		t.Errorf("withdrawn flag: %+v", got)
	}
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, path, map[string]string{"reason": "Again."}), http.StatusConflict)
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPatch, apitest.EvalPath(id, fmt.Sprintf("/red-flags/%d", flag.ID)),
		map[string]string{"status": "open"}), http.StatusConflict)

	var auto *custos.RedFlag
	for _, a := range k.Workspace(k.Officer, id).Assessments {
		for _, f := range a.RedFlags {
			if f.MandateRule != nil {
				auto = &f
			}
		}
	}
	if auto == nil {
		t.Fatal("mandate fit raised no flag for a Singapore mandate")
	}
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, apitest.EvalPath(id, fmt.Sprintf("/red-flags/%d/withdraw", auto.ID)),
		map[string]string{"reason": "Inconvenient."}), http.StatusConflict)
}

func TestRemoveEvidence_OnlyBeforeSubmission(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	env := k.Env
	ws := env.OpenEvaluation(env.As("officer@example.com"), k.Treasury, 1, 2)
	id, item := ws.Evaluation.ID, ws.Template.Items()[0].ID
	res := apitest.Upload(k.Officer, id, 1, item, "wrong-client.pdf", "application/pdf", apitest.TinyPDF)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ev := apitest.Decode[custos.Evidence](t, res)

	apitest.ExpectProblem(t, env.Login("manager@example.com").Do(http.MethodDelete, apitest.EvalPath(id, fmt.Sprintf("/evidence/%d", ev.ID)), nil), http.StatusForbidden)
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodDelete, apitest.EvalPath(id, fmt.Sprintf("/evidence/%d", ev.ID)), nil), http.StatusNoContent)
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodGet, apitest.EvalPath(id, fmt.Sprintf("/evidence/%d", ev.ID)), nil), http.StatusNotFound)
	for _, a := range k.Workspace(k.Officer, id).Assessments {
		if len(a.Evidence) != 0 {
			t.Errorf("evidence left on custodian %d: %+v", a.Custodian.ID, a.Evidence)
		}
	}
	res = env.Login("auditor@example.com").Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&action=evidence.remove", k.Treasury), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	page := apitest.Decode[custos.AuditPage](t, res)
	if len(page.Items) != 1 {
		t.Fatalf("%d evidence.remove events, want 1", len(page.Items))
	}
	var before map[string]any
	if err := json.Unmarshal(page.Items[0].Before, &before); err != nil {
		t.Fatal(err)
	}
	if before["label"] != "wrong-client.pdf" || before["sha256"] != fmt.Sprintf("%x", apitest.SHA256(apitest.TinyPDF)) {
		t.Errorf("the removal's audit event does not keep the file's record: %v", before)
	}

	// Submitted: its files stay.
	sub := env.SubmittedEvaluation(env.As("officer@example.com"), k.Treasury)
	kept := sub.Assessments[0].Evidence[0]
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodDelete, apitest.EvalPath(sub.Evaluation.ID, fmt.Sprintf("/evidence/%d", kept.ID)), nil), http.StatusConflict)
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodGet, apitest.EvalPath(sub.Evaluation.ID, fmt.Sprintf("/evidence/%d", kept.ID)), nil), http.StatusOK)

	// An answer can go back to pending.
	k.Answer(k.Officer, id, 1, item, "met", "")
	if a := k.Answer(k.Officer, id, 1, item, "pending", ""); a.Status != custos.AnswerPending {
		t.Errorf("answer back to pending: %+v", a)
	}
}

func TestMarkSectionMet_SkipsEvidenceRequiredAndKeepsAnswers(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	ws := k.Open(k.Officer, apitest.USMandate(), 1, 2)
	id := ws.Evaluation.ID
	var section custos.ChecklistSection
	for _, s := range k.Template.Sections {
		needs, plain := 0, 0
		for _, it := range s.Items {
			if it.EvidenceRequired {
				needs++
			} else {
				plain++
			}
		}
		if needs > 0 && plain > 1 {
			section = s
			break
		}
	}
	if section.Key == "" {
		t.Fatal("the default template has no section mixing evidence-required and plain items")
	}
	var plain []custos.ChecklistItem
	var wantSkipped []int64
	for _, it := range section.Items {
		if it.EvidenceRequired {
			wantSkipped = append(wantSkipped, it.ID)
		} else {
			plain = append(plain, it)
		}
	}
	k.Answer(k.Officer, id, 1, plain[0].ID, "not_met", "No SOC 1.")

	res := k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/custodians/1/sections/"+section.Key+"/met"), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	got := apitest.Decode[custos.SectionMarkedResult](t, res)
	var marked, skipped []int64
	for _, a := range got.Answers {
		marked = append(marked, a.ItemID)
	}
	for _, s := range got.Skipped {
		skipped = append(skipped, s.ItemID)
	}
	var wantMarked []int64
	for _, it := range plain[1:] {
		wantMarked = append(wantMarked, it.ID)
	}
	if d := cmp.Diff(wantMarked, marked); d != "" {
		t.Errorf("marked (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantSkipped, skipped); d != "" {
		t.Errorf("skipped (-want +got):\n%s", d)
	}
	after := k.Workspace(k.Officer, id)
	statuses := map[int64]custos.AnswerStatus{}
	for _, a := range after.Assessments[0].Answers {
		statuses[a.ItemID] = a.Status
	}
	if statuses[plain[0].ID] != custos.AnswerNotMet {
		t.Errorf("an answered item changed: %s", statuses[plain[0].ID])
	}
	// One audit event per answer written.
	auditor := k.Env.Login("auditor@example.com")
	n := len(auditActions(t, auditor, fmt.Sprintf("team=%d&evaluation=%d&action=answer.put", k.Treasury, id)))
	if n != len(wantMarked)+1 {
		t.Errorf("%d answer events, want %d", n, len(wantMarked)+1)
	}
	// Nothing left to mark: no change and no event.
	res = k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/custodians/1/sections/"+section.Key+"/met"), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if again := apitest.Decode[custos.SectionMarkedResult](t, res); len(again.Answers) != 0 {
		t.Errorf("marked again: %+v", again.Answers)
	}
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/custodians/1/sections/no_such/met"), nil), http.StatusNotFound)
	apitest.ExpectProblem(t, k.Env.Login("manager@example.com").Do(http.MethodPost, apitest.EvalPath(id, "/custodians/1/sections/"+section.Key+"/met"), nil), http.StatusForbidden)
}

func TestAuditFilters_Combine(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	env := k.Env
	officer2 := env.Login("officer2@example.com")
	a := k.Open(k.Officer, apitest.USMandate(), 1, 2)
	b := k.Open(officer2, apitest.USMandate(), 1, 2)
	item := k.Template.Items()[0].ID
	k.Answer(k.Officer, a.Evaluation.ID, 1, item, "met", "")
	k.Answer(officer2, b.Evaluation.ID, 1, item, "met", "")
	k.Score(k.Officer, a.Evaluation.ID, 2, "ux", 3)
	officer2ID := k.UserID("officer2@example.com")
	auditor := env.Login("auditor@example.com")
	team := fmt.Sprintf("team=%d", k.Treasury)

	if d := cmp.Diff([]string{"score.put", "answer.put", "evaluation.create"},
		auditActions(t, auditor, team+fmt.Sprintf("&evaluation=%d", a.Evaluation.ID))); d != "" {
		t.Errorf("evaluation A (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"answer.put", "evaluation.create"},
		auditActions(t, auditor, team+fmt.Sprintf("&actor=%d", officer2ID))); d != "" {
		t.Errorf("officer2 (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"answer.put"},
		auditActions(t, auditor, team+fmt.Sprintf("&actor=%d&action=answer.put&evaluation=%d", officer2ID, b.Evaluation.ID))); d != "" {
		t.Errorf("officer2's answers on B (-want +got):\n%s", d)
	}
	today := env.Clock.Now().UTC().Format("2006-01-02")
	tomorrow := env.Clock.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	if n := len(auditActions(t, auditor, team+"&from="+today+"&to="+today+fmt.Sprintf("&evaluation=%d", a.Evaluation.ID))); n != 3 {
		t.Errorf("today: %d events of A, want 3", n)
	}
	if n := len(auditActions(t, auditor, team+"&from="+tomorrow)); n != 0 {
		t.Errorf("from tomorrow: %d events, want none", n)
	}

	for _, bad := range []struct {
		query  string
		fields []string
	}{
		{"from=yesterday", []string{"from"}},
		{"from=2027-02-30&to=2027-13-01", []string{"from", "to"}},
		{"from=2027-03-02&to=2027-03-01", []string{"to"}},
		{"actor=x&evaluation=0", []string{"actor", "evaluation"}},
		{"action=" + url.QueryEscape("DROP TABLE"), []string{"action"}},
	} {
		apitest.ExpectFieldErrors(t, auditor.Do(http.MethodGet, "/api/v1/audit?"+team+"&"+bad.query, nil), bad.fields...)
	}
}

func TestEvaluationHistory_ForEveryReaderOfTheEvaluation(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	a := k.Open(k.Officer, apitest.USMandate(), 1, 2)
	b := k.Open(k.Officer, apitest.USMandate(), 1, 2)
	k.Answer(k.Officer, a.Evaluation.ID, 1, k.Template.Items()[0].ID, "met", "")
	k.Answer(k.Officer, b.Evaluation.ID, 1, k.Template.Items()[0].ID, "met", "")
	// Officers do not read the team's trail, but they read their evaluation's history.
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d", k.Treasury), nil), http.StatusForbidden)
	res := k.Officer.Do(http.MethodGet, apitest.EvalPath(a.Evaluation.ID, "/history"), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var got []string
	for _, e := range apitest.Decode[custos.AuditPage](t, res).Items {
		got = append(got, e.Action+" "+e.ObjectID)
	}
	want := []string{fmt.Sprintf("answer.put %d/1/%d", a.Evaluation.ID, k.Template.Items()[0].ID), fmt.Sprintf("evaluation.create %d", a.Evaluation.ID)}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("history of A (-want +got):\n%s", d)
	}
	apitest.ExpectProblem(t, k.Env.Login("other.officer@example.com").Do(http.MethodGet, apitest.EvalPath(a.Evaluation.ID, "/history"), nil), http.StatusNotFound)
}
