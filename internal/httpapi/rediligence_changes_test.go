package httpapi_test

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/memo"
)

// The re-diligence journey with its record: approve and issue the memo →
// appoint → eleven months on, start re-diligence → what changed shows every
// answer carried and unchanged → confirm the answers, change one, and the
// catalogue changes a fact → what changed shows exactly those → approve →
// the memo names the memo it follows (ID and SHA-256, in the PDF's text and
// in its manifest) → the next review is a year after the approval.
func TestRediligence_ChangesAndTheMemoItFollows(t *testing.T) {
	t.Parallel()
	k, first := approvedKit(t)
	coinbase := k.Custodian("coinbase-prime-custody")
	manager := k.Env.Login("manager@example.com")
	res := manager.Do(http.MethodPost, apitest.EvalPath(first.Evaluation.ID, "/memos"), nil)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	firstMemo := apitest.Decode[custos.Memo](t, res)

	base := fmt.Sprintf("/api/v1/teams/%d/relationships", k.Treasury)
	res = k.Officer.Do(http.MethodPost, base, map[string]any{"evaluation_id": first.Evaluation.ID, "custodian_id": coinbase})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	rel := apitest.Decode[custos.Relationship](t, res)
	relPath := fmt.Sprintf("%s/%d", base, rel.ID)

	k.Env.Clock.Advance(11 * 30 * 24 * time.Hour) // 2027-10-22
	officer, manager := k.Env.Login("officer@example.com"), k.Env.Login("manager@example.com")
	// The first evaluation is no re-diligence: there is nothing to compare.
	apitest.ExpectProblem(t, officer.Do(http.MethodGet, apitest.EvalPath(first.Evaluation.ID, "/changes"), nil), http.StatusConflict)

	res = officer.Do(http.MethodPost, relPath+"/rediligence", nil)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	id := apitest.Decode[*custos.Workspace](t, res).Evaluation.ID
	changes := func(c *apitest.Client) custos.Changes {
		t.Helper()
		res := c.Do(http.MethodGet, apitest.EvalPath(id, "/changes"), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		return apitest.Decode[custos.Changes](t, res)
	}
	var before custos.Assessment
	for _, a := range first.Assessments {
		if a.Custodian.ID == coinbase {
			before = a
		}
	}
	ch := changes(officer)
	if ch.FollowsEvaluationID != first.Evaluation.ID || ch.CustodianID != coinbase || ch.AnswersChanged != 0 ||
		len(ch.Answers) != len(before.Answers) || len(ch.Facts) != 0 || ch.PreviousWeightedTotal != before.WeightedTotal || ch.CurrentWeightedTotal != 0 {
		t.Fatalf("changes at the start: follows %d, custodian %d, %d of %d answers changed, facts %+v, totals %v → %v",
			ch.FollowsEvaluationID, ch.CustodianID, ch.AnswersChanged, len(ch.Answers), ch.Facts, ch.PreviousWeightedTotal, ch.CurrentWeightedTotal)
	}
	for _, a := range ch.Answers {
		if !a.CarriedForward || a.Previous == nil || *a.Previous != a.Current {
			t.Errorf("item %s at the start: %+v", a.Key, a)
		}
	}
	for _, s := range ch.Scores { // scores are given afresh
		if s.Previous == nil || s.Current != nil || !s.Changed {
			t.Errorf("score %s at the start: %+v", s.Criterion, s)
		}
	}

	// Confirm every carried answer, changing the first; score afresh.
	changed := before.Answers[0]
	for _, a := range before.Answers {
		status, note := string(a.Status), a.Note
		if a.ItemID == changed.ItemID {
			status, note = "partly_met", "The charter is under review by the regulator."
		}
		if got := k.Answer(officer, id, coinbase, a.ItemID, status, note); got.CarriedForward {
			t.Fatalf("item %d is still marked after confirmation", a.ItemID)
		}
	}
	k.ScoreAll(officer, id, coinbase, 4, 4, 4, 4, 4, 3)
	k.Shortlist(officer, id, coinbase)
	// The catalogue adds a region to the custodian meanwhile.
	admin := k.Env.Login("admin@example.com")
	res = admin.Do(http.MethodGet, fmt.Sprintf("/api/v1/custodians/%d", coinbase), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	cu := apitest.Decode[custos.Custodian](t, res)
	regions := append(slices.Clone(cu.Regions), "SG")
	apitest.ExpectStatus(t, admin.Do(http.MethodPut, fmt.Sprintf("/api/v1/custodians/%d", coinbase), map[string]any{
		"version": cu.Version, "slug": cu.Slug, "name": cu.Name, "legal_entity": cu.LegalEntity, "licences": cu.Licences,
		"qualified_custodian": cu.QualifiedCustodian, "regions": regions, "key_management": cu.KeyManagement, "staking": cu.Staking,
		"settlement_network": cu.SettlementNetwork, "fee_model": cu.FeeModel, "notes": cu.Notes, "provenance": cu.Provenance}), http.StatusOK)

	ch = changes(manager)
	var changedItems []custos.AnswerChange
	for _, a := range ch.Answers {
		if a.CarriedForward {
			t.Errorf("item %s is still carried forward", a.Key)
		}
		if a.Changed {
			changedItems = append(changedItems, a)
		}
	}
	want := []custos.AnswerChange{{ItemID: changed.ItemID, Key: changedItems[0].Key, Prompt: changedItems[0].Prompt,
		Previous: &custos.AnswerState{Status: changed.Status, Note: changed.Note},
		Current:  custos.AnswerState{Status: custos.AnswerPartlyMet, Note: "The charter is under review by the regulator."}, Changed: true}}
	if d := cmp.Diff(want, changedItems); d != "" || ch.AnswersChanged != 1 {
		t.Errorf("changed answers (%d) (-want +got):\n%s", ch.AnswersChanged, d)
	}
	sorted := func(rs []string) string { rs = slices.Clone(rs); slices.Sort(rs); return strings.Join(rs, ", ") }
	if d := cmp.Diff([]custos.FactChange{{Fact: "regions", Previous: sorted(cu.Regions), Current: sorted(regions)}}, ch.Facts); d != "" {
		t.Errorf("catalogue facts (-want +got):\n%s", d)
	}
	if ch.CurrentWeightedTotal != 79 || ch.PreviousWeightedTotal != before.WeightedTotal {
		t.Errorf("weighted totals %v → %v", ch.PreviousWeightedTotal, ch.CurrentWeightedTotal)
	}

	k.Submit(officer, id)
	apitest.ExpectStatus(t, apitest.Decide(manager, id, "approve", "Still fit; watch the charter."), http.StatusOK)
	res = officer.Do(http.MethodGet, relPath, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if after := apitest.Decode[custos.Relationship](t, res); after.EvaluationID != id || after.NextReviewDue != "2028-10-22" {
		t.Errorf("after the re-diligence: rests on %d, next due %s (was %s)", after.EvaluationID, after.NextReviewDue, rel.NextReviewDue)
	}

	// The re-diligence's memo names the memo it follows.
	res = manager.Do(http.MethodPost, apitest.EvalPath(id, "/memos"), nil)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	second := apitest.Decode[custos.Memo](t, res)
	res = k.Env.Login("auditor@example.com").Do(http.MethodGet, fmt.Sprintf("/api/v1/memos/%d/pdf", second.ID), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	pdf := res.Body
	digest := hex.EncodeToString(firstMemo.SHA256)
	text := apitest.Poppler(t, "pdftotext", pdf)
	flat := strings.Join(strings.Fields(text), "")
	if !strings.Contains(text, fmt.Sprintf("#%d of evaluation #%d", firstMemo.ID, first.Evaluation.ID)) || !strings.Contains(flat, digest) {
		t.Errorf("the memo's text does not name memo #%d (%s):\n%s", firstMemo.ID, digest, text[:min(len(text), 1500)])
	}
	mf, _, err := memo.ReadManifest(pdf)
	if err != nil {
		t.Fatal(err)
	}
	wantFollows := &memo.ManifestFollows{MemoID: firstMemo.ID, EvaluationID: first.Evaluation.ID, SHA256: digest, IssuedAt: firstMemo.IssuedAt}
	if d := cmp.Diff(wantFollows, mf.Follows); d != "" || mf.Format != memo.ManifestFormat || len(mf.Check()) != 0 {
		t.Errorf("manifest %s, problems %q, follows (-want +got):\n%s", mf.Format, mf.Check(), d)
	}
	// The first memo follows nothing.
	res = manager.Do(http.MethodGet, fmt.Sprintf("/api/v1/memos/%d/pdf", firstMemo.ID), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if mf, _, err := memo.ReadManifest(res.Body); err != nil || mf.Follows != nil {
		t.Errorf("the first memo's manifest: %v, follows %+v", err, mf)
	}
}
