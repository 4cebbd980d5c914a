package httpapi_test

// Sharper decisions (issue 12) through the API: the custody due inquiry
// template, an inversion of the ranking that needs its rationale, and the
// weight sensitivity the workspace carries.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/google/go-cmp/cmp"
)

// custodyInquiry finds the seeded custody due inquiry template.
func custodyInquiry(t *testing.T, c *apitest.Client) *custos.Template {
	t.Helper()
	res := c.Do(http.MethodGet, "/api/v1/templates", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	for _, s := range apitest.Decode[custos.Page[custos.TemplateSummary]](t, res).Items {
		if s.Family == "custody_due_inquiry" && s.Version == 1 {
			res = c.Do(http.MethodGet, "/api/v1/templates/"+fmtID(s.ID), nil)
			apitest.ExpectStatus(t, res, http.StatusOK)
			return apitest.Decode[*custos.Template](t, res)
		}
	}
	t.Fatal("the custody due inquiry template is not seeded")
	return nil
}

func TestCustodyDueInquiry_LoadsValidatesAndNamesItsSources(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	tpl := custodyInquiry(t, env.Login("officer@example.com"))

	type weighted struct {
		Key    string
		Weight int
	}
	var got []weighted
	for _, c := range tpl.Criteria {
		got = append(got, weighted{c.Key, c.Weight})
	}
	want := []weighted{{"legal_protection", 30}, {"key_security", 25}, {"assurance", 20}, {"custody_terms", 15}, {"exit_resilience", 10}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("criteria (-want +got):\n%s", d)
	}
	// The seeded version passes the rules an admin's new version must pass.
	nt := custos.NewTemplate{Family: tpl.Family, Name: tpl.Name, Description: tpl.Description,
		Criteria: tpl.Criteria, Sections: tpl.Sections, RedFlags: tpl.RedFlags}
	if err := nt.Validate(); err != nil {
		t.Errorf("the seeded template does not validate: %v", err)
	}
	items, evidence := 0, 0
	for _, s := range tpl.Sections {
		for _, it := range s.Items {
			items++
			if it.EvidenceRequired {
				evidence++
			}
			if !strings.Contains(it.Guidance, "Source: ") {
				t.Errorf("item %s names no source in its guidance", it.Key)
			}
		}
	}
	if items != 33 || evidence != 19 {
		t.Errorf("%d items, %d needing evidence; want 33 and 19", items, evidence)
	}
	flags := map[string]custos.Severity{}
	rules := map[string]string{}
	for _, f := range tpl.RedFlags {
		flags[f.Key] = f.DefaultSeverity
		if f.MandateRule != nil {
			rules[*f.MandateRule] = f.Key
		}
	}
	for key, sev := range map[string]custos.Severity{"rehypothecation_permitted": "critical", "no_segregation_clause": "critical",
		"soc_opinion_qualified": "high", "por_without_liabilities": "medium"} {
		if flags[key] != sev {
			t.Errorf("red flag %s: severity %q, want %q", key, flags[key], sev)
		}
	}
	// Mandate fit works on this template as on the default one.
	if d := cmp.Diff(map[string]string{"qualified_custodian": "not_qualified_custodian", "region_licence": "no_region_licence", "staking": "no_staking"}, rules); d != "" {
		t.Errorf("mandate rules (-want +got):\n%s", d)
	}
}

// An evaluation opened on the custody due inquiry is worked through and
// submitted like one on the default template.
func TestCustodyDueInquiry_AnEvaluationOnItCompletes(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	tpl := custodyInquiry(t, k.Officer)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	res := k.Officer.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.Treasury, "title": "Custody law review",
		"template_id": tpl.ID, "mandate": apitest.USMandate(), "custodian_ids": []int64{coinbase, anchorage}})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ws := apitest.Decode[*custos.Workspace](t, res)
	id := ws.Evaluation.ID
	if ws.Template.ID != tpl.ID || len(ws.Assessments[0].Answers) != 33 {
		t.Fatalf("workspace template %d with %d answers", ws.Template.ID, len(ws.Assessments[0].Answers))
	}
	for _, it := range tpl.Items() {
		k.Answer(k.Officer, id, coinbase, it.ID, "met", "Read in the custodian's documents.")
		if it.EvidenceRequired {
			apitest.ExpectStatus(t, apitest.Upload(k.Officer, id, coinbase, it.ID, it.Key+".pdf", "application/pdf", apitest.TinyPDF), http.StatusCreated)
		}
	}
	// Its SOC report, audited financial statements and insurance items rest
	// on the team's documents on the custodian, current ones.
	for _, doc := range []map[string]any{
		{"kind": "soc2_type2", "issuer": "Deloitte & Touche LLP", "period_start": "2025-07-01", "period_end": "2026-06-30",
			"issued_on": "2026-08-15", "opinion": "unqualified"},
		{"kind": "audited_financials", "issuer": "Deloitte & Touche LLP", "period_start": "2025-01-01", "period_end": "2025-12-31",
			"issued_on": "2026-03-31"},
		{"kind": "insurance", "issuer": "Lloyd's syndicate 2623", "valid_until": "2027-09-30", "issued_on": "2026-10-01"},
	} {
		apitest.ExpectStatus(t, k.Officer.Do(http.MethodPost, fmt.Sprintf("/api/v1/teams/%d/custodians/%d/documents", k.Treasury, coinbase), doc), http.StatusCreated)
	}
	// Legal protection 5, key security 4, assurance 4, custody terms 3, exit 3:
	// (30·5 + 25·4 + 20·4 + 15·3 + 10·3)/5 = (150+100+80+45+30)/5 = 81.
	for i, cr := range tpl.Criteria {
		k.Score(k.Officer, id, coinbase, cr.Key, []int{5, 4, 4, 3, 3}[i])
	}
	ws = k.Shortlist(k.Officer, id, coinbase)
	if len(ws.SubmitBlockers) != 0 {
		t.Fatalf("blockers: %+v", ws.SubmitBlockers)
	}
	if got := apitest.AssessmentOf(t, ws, coinbase).WeightedTotal; got != 81 {
		t.Errorf("weighted total %v, want 81", got)
	}
	if ws = k.Submit(k.Officer, id); ws.Evaluation.Status != "submitted" {
		t.Fatalf("status %s", ws.Evaluation.Status)
	}
}

// A shortlist that puts a lower total above a higher one cannot be
// submitted until the inversion has its rationale; the rationale is kept
// and shown with the shortlist.
func TestShortlist_AnInversionNeedsItsRationale(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	k.AnswerAll(k.Officer, id, coinbase, anchorage)
	k.AttachRequiredEvidence(k.Officer, id, coinbase, anchorage)
	// Coinbase 3 on all = 60; Anchorage 4 on all = 80.
	k.ScoreAll(k.Officer, id, coinbase, 3, 3, 3, 3, 3, 3)
	k.ScoreAll(k.Officer, id, anchorage, 4, 4, 4, 4, 4, 4)
	ws = k.Shortlist(k.Officer, id, coinbase, anchorage)

	c := coinbase
	want := []string{blockerKey(custos.Blocker{Code: "shortlist_inversion", CustodianID: &c})}
	var got []string
	for _, b := range ws.SubmitBlockers {
		got = append(got, blockerKey(b))
		if !strings.Contains(b.Message, "Anchorage") || !strings.Contains(b.Message, "60.0 against 80.0") {
			t.Errorf("message %q should name the higher-ranked candidate and both totals", b.Message)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("blockers (-want +got):\n%s", d)
	}
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/submit"), nil), http.StatusConflict)

	why := "Anchorage's staking terms are still under negotiation; Coinbase already holds our SOL."
	res := k.Officer.Do(http.MethodPut, apitest.EvalPath(id, "/shortlist"), map[string]any{"entries": []map[string]any{
		{"custodian_id": coinbase, "rank": 1, "rationale": "Operationally ready.", "inversion_rationale": "  " + why + " "},
		{"custodian_id": anchorage, "rank": 2, "rationale": "Higher score, later start."},
	}})
	apitest.ExpectStatus(t, res, http.StatusOK)
	ws = apitest.Decode[*custos.Workspace](t, res)
	if len(ws.SubmitBlockers) != 0 {
		t.Fatalf("blockers with the rationale: %+v", ws.SubmitBlockers)
	}
	if ws.Shortlist[0].InversionRationale != why {
		t.Errorf("inversion rationale %q, want %q (trimmed)", ws.Shortlist[0].InversionRationale, why)
	}
	if ws = k.Submit(k.Officer, id); ws.Evaluation.Status != "submitted" || ws.Shortlist[0].InversionRationale != why {
		t.Fatalf("submitted %s with shortlist %+v", ws.Evaluation.Status, ws.Shortlist)
	}
}

// The workspace carries the weight sensitivity of its ranking.
func TestWorkspace_CarriesTheWeightSensitivity(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	if ws.Sensitivity != nil {
		t.Fatalf("nobody is scored yet, but the workspace has a sensitivity: %+v", ws.Sensitivity)
	}
	id := ws.Evaluation.ID
	// Coinbase scores 5 on liquidity only: 5·30/5 = 30; Anchorage 5 on security only: 5·25/5 = 25.
	// Raising security by t rescales the others by (75−t)/75: Anchorage − Coinbase = 25 + t − 30(75−t)/75
	// = −5 + 1.4t, level at t = 3.57. Lowering liquidity by t: 25(70+t)/70 − (30−t) = −5 + 95t/70, level at
	// t = 3.68. Moving m points from liquidity to security: (25+m) − (30−m), level at m = 2.5.
	k.ScoreAll(k.Officer, id, coinbase, 5, 0, 0, 0, 0, 0)
	k.ScoreAll(k.Officer, id, anchorage, 0, 5, 0, 0, 0, 0)
	ws = k.Workspace(k.Officer, id)
	s := ws.Sensitivity
	if s == nil || s.WinnerID != coinbase {
		t.Fatalf("sensitivity %+v, want Coinbase winning", s)
	}
	wantShift := &custos.ShiftThreshold{Criterion: "security", Delta: 3.57, From: 25, To: 28.57, ChallengerID: anchorage, Challenger: "Anchorage Digital Bank"}
	if d := cmp.Diff(wantShift, s.SmallestShift); d != "" {
		t.Errorf("smallest shift (-want +got):\n%s", d)
	}
	if s.SmallestTransfer == nil || s.SmallestTransfer.Points != 2.5 || s.SmallestTransfer.To != "security" {
		t.Errorf("smallest transfer %+v, want 2.5 points to security", s.SmallestTransfer)
	}
	if s.Robust || !strings.HasPrefix(s.Verdict, "Not robust:") {
		t.Errorf("robust %v, verdict %q", s.Robust, s.Verdict)
	}
	if n := len(s.Shifts); n != 4*len(ws.Template.Criteria) {
		t.Errorf("%d shifts, want %d", n, 4*len(ws.Template.Criteria))
	}
}
