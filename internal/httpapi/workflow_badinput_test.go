package httpapi_test

// Bad input for every body of the evaluation workflow (issue 3): each is
// refused with 400 naming the wrong fields (or 404 for what does not exist,
// 409 for what the state forbids), and none of it changes anything.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/google/go-cmp/cmp"
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

func runBadCases(t *testing.T, k *apitest.Kit, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := k.Officer.Do(c.method, c.path, c.body)
			if c.status == http.StatusBadRequest {
				apitest.ExpectFieldErrors(t, res, c.fields...)
			} else {
				apitest.ExpectProblem(t, res, c.status)
			}
		})
	}
}

// validEvaluation is a body POST /api/v1/evaluations accepts; each case
// breaks one thing.
func validEvaluation(k *apitest.Kit, change func(b map[string]any)) map[string]any {
	b := map[string]any{"team_id": k.Treasury, "title": "Custody RFP", "template_id": 1, "mandate": apitest.USMandate(),
		"custodian_ids": []int64{k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")}, "due_date": "2027-03-31"}
	if change != nil {
		change(b)
	}
	return b
}

func mandateWith(key string, v any) map[string]any {
	m := apitest.USMandate()
	m[key] = v
	return m
}

func TestEvaluationBadInput_CreateNamesEveryWrongField(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	many := make([]int64, 21)
	for i := range many {
		many[i] = int64(i + 1)
	}
	coinbase := k.Custodian("coinbase-prime-custody")
	cases := []struct {
		name   string
		body   any
		fields []string
	}{
		{"missing team_id", validEvaluation(k, func(b map[string]any) { delete(b, "team_id") }), []string{"team_id"}},
		{"one candidate", validEvaluation(k, func(b map[string]any) { b["custodian_ids"] = []int64{coinbase} }), []string{"custodian_ids"}},
		{"no candidates", validEvaluation(k, func(b map[string]any) { delete(b, "custodian_ids") }), []string{"custodian_ids"}},
		{"21 candidates", validEvaluation(k, func(b map[string]any) { b["custodian_ids"] = many }), []string{"custodian_ids"}},
		{"duplicate candidates", validEvaluation(k, func(b map[string]any) { b["custodian_ids"] = []int64{coinbase, coinbase} }), []string{"custodian_ids"}},
		{"unknown custodian", validEvaluation(k, func(b map[string]any) { b["custodian_ids"] = []int64{coinbase, 999999} }), []string{"custodian_ids"}},
		{"unknown region", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("regions", []string{"US", "MARS"}) }), []string{"mandate.regions"}},
		{"no region", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("regions", []string{}) }), []string{"mandate.regions"}},
		{"region twice", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("regions", []string{"US", "US"}) }), []string{"mandate.regions"}},
		{"blank asset", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("assets", []string{"BTC", " "}) }), []string{"mandate.assets"}},
		{"negative assets under custody", validEvaluation(k, func(b map[string]any) {
			b["mandate"] = mandateWith("expected_assets_under_custody_usd", -1)
		}), []string{"mandate.expected_assets_under_custody_usd"}},
		{"due date not ISO", validEvaluation(k, func(b map[string]any) { b["due_date"] = "31/03/2027" }), []string{"due_date"}},
		{"due date that does not exist", validEvaluation(k, func(b map[string]any) { b["due_date"] = "2027-02-30" }), []string{"due_date"}},
		{"unknown template", validEvaluation(k, func(b map[string]any) { b["template_id"] = 999 }), []string{"template_id"}},
		{"missing template", validEvaluation(k, func(b map[string]any) { delete(b, "template_id") }), []string{"template_id"}},
		{"blank title", validEvaluation(k, func(b map[string]any) { b["title"] = "   " }), []string{"title"}},
		{"title too long", validEvaluation(k, func(b map[string]any) { b["title"] = strings.Repeat("x", 201) }), []string{"title"}},
		{"unknown field", validEvaluation(k, func(b map[string]any) { b["owner_id"] = 1 }), []string{"owner_id"}},
		{"unknown mandate field", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("jurisdictions", []string{"US"}) }), []string{"jurisdictions"}},
		{"team_id as a string", validEvaluation(k, func(b map[string]any) { b["team_id"] = fmt.Sprint(k.Treasury) }), []string{"team_id"}},
		{"custodian_ids as a string", validEvaluation(k, func(b map[string]any) { b["custodian_ids"] = "1,2" }), []string{"custodian_ids"}},
		{"regions as a string", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("regions", "US") }), []string{"mandate.regions"}},
		{"flag as a string", validEvaluation(k, func(b map[string]any) { b["mandate"] = mandateWith("staking_required", "yes") }), []string{"mandate.staking_required"}},
		{"due date as a number", validEvaluation(k, func(b map[string]any) { b["due_date"] = 20270331 }), []string{"due_date"}},
		{"every problem at once", validEvaluation(k, func(b map[string]any) {
			b["title"], b["due_date"], b["custodian_ids"] = "", "soon", []int64{coinbase}
			b["mandate"] = mandateWith("regions", []string{"ATLANTIS"})
		}), []string{"title", "due_date", "custodian_ids", "mandate.regions"}},
		{"not an object", `["Custody RFP"]`, []string{"body"}},
		{"not JSON", `{"title": `, []string{"body"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPost, "/api/v1/evaluations", c.body), c.fields...)
		})
	}
	// Another team is not the officer's to open evaluations in.
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, "/api/v1/evaluations", validEvaluation(k, func(b map[string]any) { b["team_id"] = k.Other })),
		http.StatusForbidden)

	var n int
	if err := k.Env.SQL.Get(&n, `SELECT count(*) FROM evaluations`); err != nil || n != 0 {
		t.Fatalf("refused bodies created %d evaluations (%v)", n, err)
	}
	// The valid body itself is accepted.
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodPost, "/api/v1/evaluations", validEvaluation(k, nil)), http.StatusCreated)
}

func TestEvaluationBadInput_EveryWriteOfADraftIsRefusedNamingTheFieldOrTheMissingThing(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	coinbase, anchorage, gemini := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank"), k.Custodian("gemini-custody")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	item := k.Template.Items()[0].ID
	flag := k.Raise(k.Officer, id, coinbase, map[string]any{"title": "Limited disclosures", "severity": "low"})
	def := apitest.Definition(t, k.Template, "limited_disclosures").ID
	otherEval := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	otherFlag := k.Raise(k.Officer, otherEval.Evaluation.ID, coinbase, map[string]any{"title": "Elsewhere", "severity": "low"})
	before := k.Workspace(k.Officer, id)

	answer := apitest.AnswerPath(id, coinbase, item)
	score := func(criterion string) string {
		return apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/scores/%s", coinbase, criterion))
	}
	flags := apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/red-flags", coinbase))
	moveFlag := apitest.EvalPath(id, fmt.Sprintf("/red-flags/%d", flag.ID))
	shortlist := apitest.EvalPath(id, "/shortlist")
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
		{"patch: blank title", PATCH, apitest.EvalPath(id), map[string]any{"title": " "}, bad, []string{"title"}},
		{"patch: no region", PATCH, apitest.EvalPath(id), map[string]any{"mandate": mandateWith("regions", []string{})}, bad, []string{"mandate.regions"}},
		{"patch: unknown region", PATCH, apitest.EvalPath(id), map[string]any{"mandate": mandateWith("regions", []string{"EU", "XX"})}, bad, []string{"mandate.regions"}},
		{"patch: bad due date", PATCH, apitest.EvalPath(id), map[string]any{"due_date": "tomorrow"}, bad, []string{"due_date"}},
		{"patch: status is not editable", PATCH, apitest.EvalPath(id), map[string]any{"status": "approved"}, bad, []string{"status"}},
		{"patch: title as a number", PATCH, apitest.EvalPath(id), map[string]any{"title": 5}, bad, []string{"title"}},
		{"patch: flag as a string", PATCH, apitest.EvalPath(id), map[string]any{"mandate": mandateWith("qualified_custodian_required", "yes")}, bad,
			[]string{"mandate.qualified_custodian_required"}},
		// POST /api/v1/evaluations/{id}/candidates
		{"candidate: missing", POST, apitest.EvalPath(id, "/candidates"), map[string]any{}, bad, []string{"custodian_id"}},
		{"candidate: unknown", POST, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": 999999}, bad, []string{"custodian_id"}},
		{"candidate: as a string", POST, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": "7"}, bad, []string{"custodian_id"}},
		{"candidate: unknown field", POST, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": gemini, "rank": 1}, bad, []string{"rank"}},
		{"candidate: already one", POST, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": coinbase}, conflict, nil},
		// DELETE /api/v1/evaluations/{id}/candidates/{custodianID}
		{"remove: not a candidate", DELETE, apitest.EvalPath(id, fmt.Sprintf("/candidates/%d", gemini)), nil, missing, nil},
		{"remove: below two candidates", DELETE, apitest.EvalPath(id, fmt.Sprintf("/candidates/%d", anchorage)), nil, conflict, nil},
		// PUT …/answers/{itemID}
		{"answer: unknown status", PUT, answer, map[string]any{"status": "done"}, bad, []string{"status"}},
		{"answer: missing status", PUT, answer, map[string]any{"note": "x"}, bad, []string{"status"}},
		{"answer: not met without a note", PUT, answer, map[string]any{"status": "not_met"}, bad, []string{"note"}},
		{"answer: partly met with a blank note", PUT, answer, map[string]any{"status": "partly_met", "note": "  \n "}, bad, []string{"note"}},
		{"answer: note too long", PUT, answer, map[string]any{"status": "met", "note": long}, bad, []string{"note"}},
		{"answer: status as a number", PUT, answer, map[string]any{"status": 1}, bad, []string{"status"}},
		{"answer: unknown field", PUT, answer, map[string]any{"status": "met", "evidence": "soc2.pdf"}, bad, []string{"evidence"}},
		{"answer: item not in the template", PUT, apitest.AnswerPath(id, coinbase, 999999), map[string]any{"status": "met"}, missing, nil},
		{"answer: custodian not a candidate", PUT, apitest.AnswerPath(id, gemini, item), map[string]any{"status": "met"}, missing, nil},
		{"answer: item ID not a number", PUT, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/answers/first", coinbase)), map[string]any{"status": "met"}, bad, []string{"itemID"}},
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
		{"score: custodian not a candidate", PUT, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/scores/security", gemini)),
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
		{"flag: custodian not a candidate", POST, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/red-flags", gemini)),
			map[string]any{"title": "x", "severity": "low"}, missing, nil},
		// PATCH …/red-flags/{flagID}
		{"move: accepted without a resolution", PATCH, moveFlag, map[string]any{"status": "accepted"}, bad, []string{"resolution"}},
		{"move: accepted with a blank resolution", PATCH, moveFlag, map[string]any{"status": "accepted", "resolution": "  "}, bad, []string{"resolution"}},
		{"move: unknown status", PATCH, moveFlag, map[string]any{"status": "gone"}, bad, []string{"status"}},
		{"move: missing status", PATCH, moveFlag, map[string]any{"resolution": "x"}, bad, []string{"status"}},
		{"move: resolution too long", PATCH, moveFlag, map[string]any{"status": "closed", "resolution": long}, bad, []string{"resolution"}},
		{"move: severity cannot change", PATCH, moveFlag, map[string]any{"status": "closed", "severity": "low"}, bad, []string{"severity"}},
		{"move: unknown flag", PATCH, apitest.EvalPath(id, "/red-flags/999999"), map[string]any{"status": "closed"}, missing, nil},
		{"move: another evaluation's flag", PATCH, apitest.EvalPath(id, fmt.Sprintf("/red-flags/%d", otherFlag.ID)), map[string]any{"status": "closed"}, missing, nil},
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
		{"approve a draft", POST, apitest.EvalPath(id, "/approve"), nil, http.StatusForbidden, nil}, // officers may not approve at all
		// Unknown evaluations.
		{"unknown evaluation: read", GET, apitest.EvalPath(999999), nil, missing, nil},
		{"unknown evaluation: patch", PATCH, apitest.EvalPath(999999), map[string]any{"title": "x"}, missing, nil},
		{"unknown evaluation: answer", PUT, apitest.AnswerPath(999999, coinbase, item), map[string]any{"status": "met"}, missing, nil},
		{"unknown evaluation: submit", POST, apitest.EvalPath(999999, "/submit"), nil, missing, nil},
		{"evaluation ID not a number", GET, "/api/v1/evaluations/latest", nil, bad, []string{"id"}},
		// Every path parameter below the evaluation is read the same way: a
		// malformed one is named, before the body is read.
		{"custodian ID not a number", PUT, apitest.EvalPath(id, "/custodians/coinbase/answers/1"), map[string]any{"status": "met"}, bad, []string{"custodianID"}},
		{"custodian ID zero", DELETE, apitest.EvalPath(id, "/candidates/0"), nil, bad, []string{"custodianID"}},
		{"flag ID not a number", PATCH, apitest.EvalPath(id, "/red-flags/latest"), map[string]any{"status": "closed"}, bad, []string{"flagID"}},
		{"evidence ID not a number", GET, apitest.EvalPath(id, "/evidence/-3"), nil, bad, []string{"evidenceID"}},
		{"a bad path wins over a bad body", PUT, apitest.EvalPath(id, "/custodians/x/scores/security"), "{not json", bad, []string{"custodianID"}},
		// GET /api/v1/evaluations
		{"list: unknown status", GET, fmt.Sprintf("/api/v1/evaluations?team=%d&status=lost", k.Treasury), nil, bad, []string{"status"}},
		{"list: limit too high", GET, fmt.Sprintf("/api/v1/evaluations?team=%d&limit=101", k.Treasury), nil, bad, []string{"limit"}},
		{"list: team not a number", GET, "/api/v1/evaluations?team=treasury", nil, bad, []string{"team"}},
	})

	// Nothing of that changed the evaluation.
	if diff := cmp.Diff(before, k.Workspace(k.Officer, id)); diff != "" {
		t.Errorf("refused writes changed the workspace (-before +after):\n%s", diff)
	}
}

func TestEvaluationBadInput_Decisions_ReturnNeedsAComment(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	before := k.Submit(k.Officer, id)
	manager := k.Env.Login("manager@example.com")
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
			apitest.ExpectFieldErrors(t, manager.Do(http.MethodPost, apitest.EvalPath(id, "/"+c.decision), c.body), c.fields...)
		})
	}
	if diff := cmp.Diff(before, k.Workspace(manager, id)); diff != "" {
		t.Fatalf("refused decisions changed the workspace (-before +after):\n%s", diff)
	}
	// The limit counts characters, not bytes: 4000 two-byte characters pass.
	res := manager.Do(http.MethodPost, apitest.EvalPath(id, "/approve"), map[string]any{"comment": strings.Repeat("é", 4000)})
	apitest.ExpectStatus(t, res, http.StatusOK)
}

func TestEvaluationBadInput_JSONRoutesRefuseOtherMediaTypesAndOversizedBodies(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	item := k.Template.Items()[0].ID
	const limit = 64 << 10 // apitest's MaxBodyBytes
	routes := []struct {
		method, path string
		big          map[string]any
	}{
		{http.MethodPost, "/api/v1/evaluations", validEvaluation(k, func(b map[string]any) { b["title"] = strings.Repeat("x", limit) })},
		{http.MethodPatch, apitest.EvalPath(id), map[string]any{"title": strings.Repeat("x", limit)}},
		{http.MethodPost, apitest.EvalPath(id, "/candidates"), map[string]any{"custodian_id": 3, "pad": strings.Repeat("x", limit)}},
		{http.MethodPut, apitest.AnswerPath(id, coinbase, item), map[string]any{"status": "met", "note": strings.Repeat("x", limit)}},
		{http.MethodPut, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/scores/security", coinbase)), map[string]any{"score": 3, "rationale": strings.Repeat("x", limit)}},
		{http.MethodPost, apitest.EvalPath(id, fmt.Sprintf("/custodians/%d/red-flags", coinbase)), map[string]any{"title": "x", "severity": "low", "description": strings.Repeat("x", limit)}},
		{http.MethodPut, apitest.EvalPath(id, "/shortlist"), map[string]any{"entries": []any{map[string]any{"custodian_id": coinbase, "rank": 1, "rationale": strings.Repeat("x", limit)}}}},
	}
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
				res := k.Officer.Request(r.method, r.path, strings.NewReader(`{"title": "x"}`), http.Header{"Content-Type": {ct}})
				apitest.ExpectProblem(t, res, http.StatusUnsupportedMediaType)
			}
			apitest.ExpectProblem(t, k.Officer.Do(r.method, r.path, r.big), http.StatusRequestEntityTooLarge)
		})
	}
	if after := k.Workspace(k.Officer, id); after.Evaluation.Version != ws.Evaluation.Version {
		t.Errorf("refused bodies changed the evaluation: version %d → %d", ws.Evaluation.Version, after.Evaluation.Version)
	}
}
