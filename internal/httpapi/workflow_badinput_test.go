package httpapi_test

// Bad input for every body of the evaluation workflow (issue 3): each is
// refused with 400 naming the wrong fields (or 404 for what does not exist,
// 409 for what the state forbids), and none of it changes anything.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// badCase is one refused request: the status and, for 400, the fields the
// problem must name.
type badCase struct {
	name   string
	method string
	path   string
	body   any
	status int
	fields []string
}

func runBadCases(t *testing.T, k *evalKit, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := k.officer.Do(c.method, c.path, c.body)
			if c.status == http.StatusBadRequest {
				expectFieldErrors(t, res, c.fields...)
			} else {
				expectProblem(t, res, c.status)
			}
		})
	}
}

// validEvaluation is a body POST /api/v1/evaluations accepts; each case
// breaks one thing.
func (k *evalKit) validEvaluation(change func(b map[string]any)) map[string]any {
	b := map[string]any{"team_id": k.treasury, "title": "Custody RFP", "template_id": 1, "mandate": wfUSMandate(),
		"custodian_ids": []int64{k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank")}, "due_date": "2027-03-31"}
	if change != nil {
		change(b)
	}
	return b
}

func mandateWith(key string, v any) map[string]any {
	m := wfUSMandate()
	m[key] = v
	return m
}

func TestEvaluationBadInput_Create_400NamesTheFields(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	many := make([]int64, 21)
	for i := range many {
		many[i] = int64(i + 1)
	}
	coinbase := k.id("coinbase-prime-custody")
	cases := []struct {
		name   string
		body   any
		fields []string
	}{
		{"missing team_id", k.validEvaluation(func(b map[string]any) { delete(b, "team_id") }), []string{"team_id"}},
		{"one candidate", k.validEvaluation(func(b map[string]any) { b["custodian_ids"] = []int64{coinbase} }), []string{"custodian_ids"}},
		{"no candidates", k.validEvaluation(func(b map[string]any) { delete(b, "custodian_ids") }), []string{"custodian_ids"}},
		{"21 candidates", k.validEvaluation(func(b map[string]any) { b["custodian_ids"] = many }), []string{"custodian_ids"}},
		{"duplicate candidates", k.validEvaluation(func(b map[string]any) { b["custodian_ids"] = []int64{coinbase, coinbase} }), []string{"custodian_ids"}},
		{"unknown custodian", k.validEvaluation(func(b map[string]any) { b["custodian_ids"] = []int64{coinbase, 999999} }), []string{"custodian_ids"}},
		{"unknown region", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("regions", []string{"US", "MARS"}) }), []string{"mandate.regions"}},
		{"no region", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("regions", []string{}) }), []string{"mandate.regions"}},
		{"region twice", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("regions", []string{"US", "US"}) }), []string{"mandate.regions"}},
		{"blank asset", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("assets", []string{"BTC", " "}) }), []string{"mandate.assets"}},
		{"negative assets under custody", k.validEvaluation(func(b map[string]any) {
			b["mandate"] = mandateWith("expected_assets_under_custody_usd", -1)
		}), []string{"mandate.expected_assets_under_custody_usd"}},
		{"due date not ISO", k.validEvaluation(func(b map[string]any) { b["due_date"] = "31/03/2027" }), []string{"due_date"}},
		{"due date that does not exist", k.validEvaluation(func(b map[string]any) { b["due_date"] = "2027-02-30" }), []string{"due_date"}},
		{"unknown template", k.validEvaluation(func(b map[string]any) { b["template_id"] = 999 }), []string{"template_id"}},
		{"missing template", k.validEvaluation(func(b map[string]any) { delete(b, "template_id") }), []string{"template_id"}},
		{"blank title", k.validEvaluation(func(b map[string]any) { b["title"] = "   " }), []string{"title"}},
		{"title too long", k.validEvaluation(func(b map[string]any) { b["title"] = strings.Repeat("x", 201) }), []string{"title"}},
		{"unknown field", k.validEvaluation(func(b map[string]any) { b["owner_id"] = 1 }), []string{"owner_id"}},
		{"unknown mandate field", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("jurisdictions", []string{"US"}) }), []string{"jurisdictions"}},
		{"team_id as a string", k.validEvaluation(func(b map[string]any) { b["team_id"] = fmt.Sprint(k.treasury) }), []string{"team_id"}},
		{"custodian_ids as a string", k.validEvaluation(func(b map[string]any) { b["custodian_ids"] = "1,2" }), []string{"custodian_ids"}},
		{"regions as a string", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("regions", "US") }), []string{"mandate.regions"}},
		{"flag as a string", k.validEvaluation(func(b map[string]any) { b["mandate"] = mandateWith("staking_required", "yes") }), []string{"mandate.staking_required"}},
		{"due date as a number", k.validEvaluation(func(b map[string]any) { b["due_date"] = 20270331 }), []string{"due_date"}},
		{"every problem at once", k.validEvaluation(func(b map[string]any) {
			b["title"], b["due_date"], b["custodian_ids"] = "", "soon", []int64{coinbase}
			b["mandate"] = mandateWith("regions", []string{"ATLANTIS"})
		}), []string{"title", "due_date", "custodian_ids", "mandate.regions"}},
		{"not an object", `["Custody RFP"]`, []string{"body"}},
		{"not JSON", `{"title": `, []string{"body"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expectFieldErrors(t, k.officer.Do(http.MethodPost, "/api/v1/evaluations", c.body), c.fields...)
		})
	}
	// Another team is not the officer's to open evaluations in.
	expectProblem(t, k.officer.Do(http.MethodPost, "/api/v1/evaluations", k.validEvaluation(func(b map[string]any) { b["team_id"] = k.other })),
		http.StatusForbidden)

	var n int
	if err := k.env.SQL.Get(&n, `SELECT count(*) FROM evaluations`); err != nil || n != 0 {
		t.Fatalf("refused bodies created %d evaluations (%v)", n, err)
	}
	// The valid body itself is accepted.
	expectStatus(t, k.officer.Do(http.MethodPost, "/api/v1/evaluations", k.validEvaluation(nil)), http.StatusCreated)
}

func TestEvaluationBadInput_EveryWriteOfADraft_400404409(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	coinbase, anchorage, gemini := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank"), k.id("gemini-custody")
	ws := k.openEvaluation(k.officer, wfUSMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	item := k.template.items()[0].ID
	flag := k.raise(k.officer, id, coinbase, map[string]any{"title": "Limited disclosures", "severity": "low"})
	def, _, _ := k.template.definition(t, "limited_disclosures")
	otherEval := k.openEvaluation(k.officer, wfUSMandate(), coinbase, anchorage)
	otherFlag := k.raise(k.officer, otherEval.Evaluation.ID, coinbase, map[string]any{"title": "Elsewhere", "severity": "low"})
	before := k.workspace(k.officer, id)

	answer := wfAnswerPath(id, coinbase, item)
	score := func(criterion string) string {
		return wfPath(id, fmt.Sprintf("/custodians/%d/scores/%s", coinbase, criterion))
	}
	flags := wfPath(id, fmt.Sprintf("/custodians/%d/red-flags", coinbase))
	moveFlag := wfPath(id, fmt.Sprintf("/red-flags/%d", flag.ID))
	shortlist := wfPath(id, "/shortlist")
	entry := func(custodian int64, rank int, rationale string) map[string]any {
		return map[string]any{"custodian_id": custodian, "rank": rank, "rationale": rationale}
	}
	const (
		GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
		bad, missing, conflict        = http.StatusBadRequest, http.StatusNotFound, http.StatusConflict
	)
	long := strings.Repeat("x", 4001)
	runBadCases(t, k, []badCase{
		// PATCH /api/v1/evaluations/{id}
		{"patch: blank title", PATCH, wfPath(id), map[string]any{"title": " "}, bad, []string{"title"}},
		{"patch: no region", PATCH, wfPath(id), map[string]any{"mandate": mandateWith("regions", []string{})}, bad, []string{"mandate.regions"}},
		{"patch: unknown region", PATCH, wfPath(id), map[string]any{"mandate": mandateWith("regions", []string{"EU", "XX"})}, bad, []string{"mandate.regions"}},
		{"patch: bad due date", PATCH, wfPath(id), map[string]any{"due_date": "tomorrow"}, bad, []string{"due_date"}},
		{"patch: status is not editable", PATCH, wfPath(id), map[string]any{"status": "approved"}, bad, []string{"status"}},
		{"patch: title as a number", PATCH, wfPath(id), map[string]any{"title": 5}, bad, []string{"title"}},
		{"patch: flag as a string", PATCH, wfPath(id), map[string]any{"mandate": mandateWith("qualified_custodian_required", "yes")}, bad,
			[]string{"mandate.qualified_custodian_required"}},
		// POST /api/v1/evaluations/{id}/candidates
		{"candidate: missing", POST, wfPath(id, "/candidates"), map[string]any{}, bad, []string{"custodian_id"}},
		{"candidate: unknown", POST, wfPath(id, "/candidates"), map[string]any{"custodian_id": 999999}, bad, []string{"custodian_id"}},
		{"candidate: as a string", POST, wfPath(id, "/candidates"), map[string]any{"custodian_id": "7"}, bad, []string{"custodian_id"}},
		{"candidate: unknown field", POST, wfPath(id, "/candidates"), map[string]any{"custodian_id": gemini, "rank": 1}, bad, []string{"rank"}},
		{"candidate: already one", POST, wfPath(id, "/candidates"), map[string]any{"custodian_id": coinbase}, conflict, nil},
		// DELETE /api/v1/evaluations/{id}/candidates/{custodianID}
		{"remove: not a candidate", DELETE, wfPath(id, fmt.Sprintf("/candidates/%d", gemini)), nil, missing, nil},
		{"remove: below two candidates", DELETE, wfPath(id, fmt.Sprintf("/candidates/%d", anchorage)), nil, conflict, nil},
		// PUT …/answers/{itemID}
		{"answer: unknown status", PUT, answer, map[string]any{"status": "done"}, bad, []string{"status"}},
		{"answer: missing status", PUT, answer, map[string]any{"note": "x"}, bad, []string{"status"}},
		{"answer: not met without a note", PUT, answer, map[string]any{"status": "not_met"}, bad, []string{"note"}},
		{"answer: partly met with a blank note", PUT, answer, map[string]any{"status": "partly_met", "note": "  \n "}, bad, []string{"note"}},
		{"answer: note too long", PUT, answer, map[string]any{"status": "met", "note": long}, bad, []string{"note"}},
		{"answer: status as a number", PUT, answer, map[string]any{"status": 1}, bad, []string{"status"}},
		{"answer: unknown field", PUT, answer, map[string]any{"status": "met", "evidence": "soc2.pdf"}, bad, []string{"evidence"}},
		{"answer: item not in the template", PUT, wfAnswerPath(id, coinbase, 999999), map[string]any{"status": "met"}, missing, nil},
		{"answer: custodian not a candidate", PUT, wfAnswerPath(id, gemini, item), map[string]any{"status": "met"}, missing, nil},
		{"answer: item ID not a number", PUT, wfPath(id, fmt.Sprintf("/custodians/%d/answers/first", coinbase)), map[string]any{"status": "met"}, bad, []string{"itemID"}},
		// PUT …/scores/{criterion}
		{"score: 6", PUT, score("security"), map[string]any{"score": 6, "rationale": "x"}, bad, []string{"score"}},
		{"score: -1", PUT, score("security"), map[string]any{"score": -1, "rationale": "x"}, bad, []string{"score"}},
		{"score: missing", PUT, score("security"), map[string]any{"rationale": "x"}, bad, []string{"score"}},
		{"score: missing with its rationale", PUT, score("security"), map[string]any{}, bad, []string{"score", "rationale"}},
		{"score: missing rationale", PUT, score("security"), map[string]any{"score": 3}, bad, []string{"rationale"}},
		{"score: blank rationale", PUT, score("security"), map[string]any{"score": 3, "rationale": "   "}, bad, []string{"rationale"}},
		{"score: not whole", PUT, score("security"), map[string]any{"score": 2.5, "rationale": "x"}, bad, []string{"score"}},
		{"score: as a string", PUT, score("security"), map[string]any{"score": "3", "rationale": "x"}, bad, []string{"score"}},
		{"score: unknown criterion", PUT, score("vibes"), map[string]any{"score": 3, "rationale": "x"}, missing, nil},
		{"score: custodian not a candidate", PUT, wfPath(id, fmt.Sprintf("/custodians/%d/scores/security", gemini)),
			map[string]any{"score": 3, "rationale": "x"}, missing, nil},
		// POST …/red-flags
		{"flag: custom without title and severity", POST, flags, map[string]any{"description": "x"}, bad, []string{"title", "severity"}},
		{"flag: custom without severity", POST, flags, map[string]any{"title": "x"}, bad, []string{"severity"}},
		{"flag: custom without title", POST, flags, map[string]any{"severity": "high"}, bad, []string{"title"}},
		{"flag: unknown severity", POST, flags, map[string]any{"title": "x", "severity": "extreme"}, bad, []string{"severity"}},
		{"flag: unknown definition", POST, flags, map[string]any{"definition_id": 999999}, bad, []string{"definition_id"}},
		{"flag: definition with an unknown severity", POST, flags, map[string]any{"definition_id": def, "severity": "extreme"}, bad, []string{"severity"}},
		{"flag: definition as a string", POST, flags, map[string]any{"definition_id": fmt.Sprint(def)}, bad, []string{"definition_id"}},
		{"flag: status cannot be set", POST, flags, map[string]any{"title": "x", "severity": "low", "status": "closed"}, bad, []string{"status"}},
		{"flag: custodian not a candidate", POST, wfPath(id, fmt.Sprintf("/custodians/%d/red-flags", gemini)),
			map[string]any{"title": "x", "severity": "low"}, missing, nil},
		// PATCH …/red-flags/{flagID}
		{"move: accepted without a resolution", PATCH, moveFlag, map[string]any{"status": "accepted"}, bad, []string{"resolution"}},
		{"move: accepted with a blank resolution", PATCH, moveFlag, map[string]any{"status": "accepted", "resolution": "  "}, bad, []string{"resolution"}},
		{"move: unknown status", PATCH, moveFlag, map[string]any{"status": "gone"}, bad, []string{"status"}},
		{"move: missing status", PATCH, moveFlag, map[string]any{"resolution": "x"}, bad, []string{"status"}},
		{"move: resolution too long", PATCH, moveFlag, map[string]any{"status": "closed", "resolution": long}, bad, []string{"resolution"}},
		{"move: severity cannot change", PATCH, moveFlag, map[string]any{"status": "closed", "severity": "low"}, bad, []string{"severity"}},
		{"move: unknown flag", PATCH, wfPath(id, "/red-flags/999999"), map[string]any{"status": "closed"}, missing, nil},
		{"move: another evaluation's flag", PATCH, wfPath(id, fmt.Sprintf("/red-flags/%d", otherFlag.ID)), map[string]any{"status": "closed"}, missing, nil},
		// PUT …/shortlist
		{"shortlist: empty", PUT, shortlist, map[string]any{"entries": []any{}}, bad, []string{"entries"}},
		{"shortlist: no entries", PUT, shortlist, map[string]any{}, bad, []string{"entries"}},
		{"shortlist: not a candidate", PUT, shortlist, map[string]any{"entries": []any{entry(gemini, 1, "x")}}, bad, []string{"entries"}},
		{"shortlist: duplicate rank", PUT, shortlist, map[string]any{"entries": []any{entry(coinbase, 1, "x"), entry(anchorage, 1, "y")}}, bad, []string{"entries"}},
		{"shortlist: rank gap", PUT, shortlist, map[string]any{"entries": []any{entry(coinbase, 1, "x"), entry(anchorage, 3, "y")}}, bad, []string{"entries"}},
		{"shortlist: rank 0", PUT, shortlist, map[string]any{"entries": []any{entry(coinbase, 0, "x")}}, bad, []string{"entries"}},
		{"shortlist: listed twice", PUT, shortlist, map[string]any{"entries": []any{entry(coinbase, 1, "x"), entry(coinbase, 2, "y")}}, bad, []string{"entries"}},
		{"shortlist: missing rationale", PUT, shortlist, map[string]any{"entries": []any{entry(coinbase, 1, " ")}}, bad, []string{"entries"}},
		{"shortlist: entries as an object", PUT, shortlist, map[string]any{"entries": entry(coinbase, 1, "x")}, bad, []string{"entries"}},
		{"shortlist: unknown field in an entry", PUT, shortlist, map[string]any{"entries": []any{
			map[string]any{"custodian_id": coinbase, "rank": 1, "rationale": "x", "score": 5}}}, bad, []string{"score"}},
		// POST …/approve and …/return on a draft: the state refuses them.
		{"approve a draft", POST, wfPath(id, "/approve"), nil, http.StatusForbidden, nil}, // officers may not approve at all
		// Unknown evaluations.
		{"unknown evaluation: read", GET, wfPath(999999), nil, missing, nil},
		{"unknown evaluation: patch", PATCH, wfPath(999999), map[string]any{"title": "x"}, missing, nil},
		{"unknown evaluation: answer", PUT, wfAnswerPath(999999, coinbase, item), map[string]any{"status": "met"}, missing, nil},
		{"unknown evaluation: submit", POST, wfPath(999999, "/submit"), nil, missing, nil},
		{"evaluation ID not a number", GET, "/api/v1/evaluations/latest", nil, bad, []string{"id"}},
		// GET /api/v1/evaluations
		{"list: unknown status", GET, fmt.Sprintf("/api/v1/evaluations?team=%d&status=lost", k.treasury), nil, bad, []string{"status"}},
		{"list: limit too high", GET, fmt.Sprintf("/api/v1/evaluations?team=%d&limit=101", k.treasury), nil, bad, []string{"limit"}},
		{"list: team not a number", GET, "/api/v1/evaluations?team=treasury", nil, bad, []string{"team"}},
	})

	// Nothing of that changed the evaluation.
	after := k.workspace(k.officer, id)
	if after.Evaluation.Version != before.Evaluation.Version || len(after.Assessments) != 2 || len(after.Shortlist) != 0 {
		t.Errorf("refused writes changed the evaluation: version %d → %d", before.Evaluation.Version, after.Evaluation.Version)
	}
	for _, a := range after.Assessments {
		if a.Completion.Answered != 0 || len(a.Scores) != 0 {
			t.Errorf("refused writes stored answers or scores for %s", a.Custodian.Name)
		}
	}
	if f := after.assessment(t, coinbase).RedFlags; len(f) != 1 || f[0].Status != "open" {
		t.Errorf("refused writes changed the red flags: %+v", f)
	}
}

func TestEvaluationBadInput_Decisions_ReturnNeedsAComment(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	ws := k.submittable()
	id := ws.Evaluation.ID
	k.submit(k.officer, id)
	manager := k.env.Login("manager@example.com")
	long := strings.Repeat("x", 4001)
	for _, c := range []struct {
		name, decision string
		body           any
		fields         []string
	}{
		{"return without a body", "return", nil, []string{"comment"}},
		{"return with an empty object", "return", map[string]any{}, []string{"comment"}},
		{"return with a blank comment", "return", map[string]any{"comment": " \t "}, []string{"comment"}},
		{"return with a comment too long", "return", map[string]any{"comment": long}, []string{"comment"}},
		{"return with a comment as a number", "return", map[string]any{"comment": 5}, []string{"comment"}},
		{"approve with a comment as a number", "approve", map[string]any{"comment": 5}, []string{"comment"}},
		{"approve with an unknown field", "approve", map[string]any{"vote": "yes"}, []string{"vote"}},
		{"approve with a comment too long", "approve", map[string]any{"comment": long}, []string{"comment"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			expectFieldErrors(t, manager.Do(http.MethodPost, wfPath(id, "/"+c.decision), c.body), c.fields...)
		})
	}
	after := k.workspace(manager, id)
	if after.Evaluation.Status != "submitted" || len(after.Approvals) != 0 {
		t.Fatalf("refused decisions changed the evaluation: %s, %+v", after.Evaluation.Status, after.Approvals)
	}
	// The limit counts characters, not bytes: 4000 two-byte characters pass.
	res := manager.Do(http.MethodPost, wfPath(id, "/approve"), map[string]any{"comment": strings.Repeat("é", 4000)})
	expectStatus(t, res, http.StatusOK)
}

func TestEvaluationBadInput_JSONRoutes_415And413(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	coinbase, anchorage := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank")
	ws := k.openEvaluation(k.officer, wfUSMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	item := k.template.items()[0].ID
	const limit = 64 << 10 // apitest's MaxBodyBytes
	routes := []struct {
		method, path string
		big          map[string]any
	}{
		{http.MethodPost, "/api/v1/evaluations", k.validEvaluation(func(b map[string]any) { b["title"] = strings.Repeat("x", limit) })},
		{http.MethodPatch, wfPath(id), map[string]any{"title": strings.Repeat("x", limit)}},
		{http.MethodPost, wfPath(id, "/candidates"), map[string]any{"custodian_id": 3, "pad": strings.Repeat("x", limit)}},
		{http.MethodPut, wfAnswerPath(id, coinbase, item), map[string]any{"status": "met", "note": strings.Repeat("x", limit)}},
		{http.MethodPut, wfPath(id, fmt.Sprintf("/custodians/%d/scores/security", coinbase)), map[string]any{"score": 3, "rationale": strings.Repeat("x", limit)}},
		{http.MethodPost, wfPath(id, fmt.Sprintf("/custodians/%d/red-flags", coinbase)), map[string]any{"title": "x", "severity": "low", "description": strings.Repeat("x", limit)}},
		{http.MethodPut, wfPath(id, "/shortlist"), map[string]any{"entries": []any{map[string]any{"custodian_id": coinbase, "rank": 1, "rationale": strings.Repeat("x", limit)}}}},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
				res := k.officer.Request(r.method, r.path, strings.NewReader(`{"title": "x"}`), http.Header{"Content-Type": {ct}})
				expectProblem(t, res, http.StatusUnsupportedMediaType)
			}
			expectProblem(t, k.officer.Do(r.method, r.path, r.big), http.StatusRequestEntityTooLarge)
		})
	}
	if after := k.workspace(k.officer, id); after.Evaluation.Version != ws.Evaluation.Version {
		t.Errorf("refused bodies changed the evaluation: version %d → %d", ws.Evaluation.Version, after.Evaluation.Version)
	}
}
