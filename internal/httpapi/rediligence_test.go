package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// The re-diligence journey: approve → appoint → eleven months on, start
// re-diligence → one candidate, answers carried forward and marked,
// evidence linked → submission waits for the confirmations → confirm,
// submit, approve → the relationship rests on the re-diligence and its next
// review is a year after the approval.
func TestRediligence_Journey(t *testing.T) {
	t.Parallel()
	k, first := approvedKit(t)
	coinbase := k.Custodian("coinbase-prime-custody")
	base := fmt.Sprintf("/api/v1/teams/%d/relationships", k.Treasury)
	res := k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": first.Evaluation.ID, "custodian_id": coinbase})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	rel := apitest.Decode[custos.Relationship](t, res)
	relPath := fmt.Sprintf("%s/%d", base, rel.ID)

	k.Env.Clock.Advance(11 * 30 * 24 * time.Hour) // 2027-10-22
	officer, manager := k.Env.Login("officer@example.com"), k.Env.Login("manager@example.com")

	// Managers decide; they do not open evaluations.
	apitest.ExpectProblem(t, manager.Do(http.MethodPost, relPath+"/rediligence", nil), http.StatusForbidden)
	res = officer.Do(http.MethodPost, relPath+"/rediligence", nil)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ws := apitest.Decode[*custos.Workspace](t, res)
	id := ws.Evaluation.ID
	apitest.ExpectProblem(t, officer.Do(http.MethodPost, relPath+"/rediligence", nil), http.StatusConflict)

	if ws.Evaluation.RelationshipID == nil || *ws.Evaluation.RelationshipID != rel.ID ||
		ws.Evaluation.FollowsEvaluationID == nil || *ws.Evaluation.FollowsEvaluationID != first.Evaluation.ID {
		t.Errorf("re-diligence header: %+v", ws.Evaluation)
	}
	if ws.Evaluation.DueDate == nil || *ws.Evaluation.DueDate != "2027-11-26" || len(ws.Assessments) != 1 || ws.Assessments[0].Custodian.ID != coinbase {
		t.Fatalf("re-diligence: due %v, %d candidates", ws.Evaluation.DueDate, len(ws.Assessments))
	}
	// Every answer of Coinbase's came along, marked; its evidence is linked
	// (the same files, by ID), so no required evidence is missing.
	var before custos.Assessment
	for _, a := range first.Assessments {
		if a.Custodian.ID == coinbase {
			before = a
		}
	}
	a := ws.Assessments[0]
	for i, ans := range a.Answers {
		if ans.Status != before.Answers[i].Status || ans.Note != before.Answers[i].Note || !ans.CarriedForward {
			t.Errorf("item %d: %+v, carried from %+v", ans.ItemID, ans, before.Answers[i])
		}
	}
	idsOf := func(ev []custos.Evidence) (ids []int64) {
		for _, e := range ev {
			ids = append(ids, e.ID)
		}
		return ids
	}
	if d := cmp.Diff(idsOf(before.Evidence), idsOf(a.Evidence)); d != "" || len(a.Evidence) == 0 {
		t.Errorf("linked evidence (-before +re-diligence):\n%s", d)
	}
	apitest.ExpectStatus(t, officer.Do(http.MethodGet, apitest.EvalPath(id, fmt.Sprintf("/evidence/%d", a.Evidence[0].ID)), nil), http.StatusOK)

	// One candidate may not leave; a shortlisted re-diligence, scored
	// afresh (scores are not carried forward), waits for every confirmation.
	apitest.ExpectProblem(t, officer.Do(http.MethodDelete, apitest.EvalPath(id, fmt.Sprintf("/candidates/%d", coinbase)), nil), http.StatusConflict)
	k.ScoreAll(officer, id, coinbase, 4, 4, 3, 3, 4, 3)
	ws = k.Shortlist(officer, id, coinbase)
	unconfirmed := 0
	for _, b := range ws.SubmitBlockers {
		if b.Code == "unconfirmed" {
			unconfirmed++
		}
	}
	if unconfirmed != len(a.Answers) || len(ws.SubmitBlockers) != unconfirmed {
		t.Fatalf("blockers: %d unconfirmed of %d, %+v", unconfirmed, len(a.Answers), ws.SubmitBlockers)
	}
	apitest.ExpectProblem(t, officer.Do(http.MethodPost, apitest.EvalPath(id, "/submit"), nil), http.StatusConflict)
	for _, ans := range a.Answers {
		if got := k.Answer(officer, id, coinbase, ans.ItemID, string(ans.Status), ans.Note); got.CarriedForward {
			t.Fatalf("item %d is still marked after confirmation", ans.ItemID)
		}
	}
	k.Submit(officer, id)
	apitest.ExpectStatus(t, apitest.Decide(manager, id, "approve", "Still fit."), http.StatusOK)

	res = officer.Do(http.MethodGet, relPath, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	after := apitest.Decode[custos.Relationship](t, res)
	if after.EvaluationID != id || after.LastReviewed != "2027-10-22" || after.NextReviewDue != "2028-10-22" {
		t.Errorf("after the re-diligence: rests on %d, last reviewed %s, next due %s", after.EvaluationID, after.LastReviewed, after.NextReviewDue)
	}

	// Both the opening and the review are in the audit trail.
	res = k.Env.Login("auditor@example.com").Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&limit=100", k.Treasury), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	seen := map[string]bool{}
	for _, e := range apitest.Decode[custos.Page[custos.AuditEvent]](t, res).Items {
		seen[e.Action] = true
	}
	for _, action := range []string{"evaluation.open_rediligence", "relationship.review"} {
		if !seen[action] {
			t.Errorf("no %s event in the audit trail", action)
		}
	}
}
