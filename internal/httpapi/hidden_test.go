package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
)

// TestAnotherTeamsEvaluationOrMemoAnswersExactlyLikeAMissingOne probes every
// evaluation and memo route, reads and writes, as people who may not read
// the team's work: the answer for a real ID must be the answer for an ID that
// does not exist (a 403 would confirm that the ID is taken), and nothing may
// change.
func TestAnotherTeamsEvaluationOrMemoAnswersExactlyLikeAMissingOne(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	officer, manager := env.As("officer@example.com"), env.As("manager@example.com")
	approved := env.ApprovedEvaluation(officer, manager, teams[demo.TreasuryTeam], 2)
	memo, err := env.Memos.IssueMemo(officer, approved.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	draft := env.OpenEvaluation(officer, teams[demo.TreasuryTeam], 1, 2)
	a := approved.Assessments[0]
	if len(a.Evidence) == 0 {
		t.Fatal("the approved evaluation has no evidence to probe")
	}
	params := strings.NewReplacer(
		":custodianID", fmt.Sprint(a.Custodian.ID),
		":itemID", fmt.Sprint(a.Answers[0].ItemID),
		":evidenceID", fmt.Sprint(a.Evidence[0].ID),
		":flagID", "1", // the guard answers before the flag is looked up
		":criterion", approved.Template.Criteria[0].Key,
	)
	const missing = 987654321
	realID := func(route string) int64 {
		switch {
		case strings.HasPrefix(route, "/api/v1/memos/"):
			return memo.ID
		case strings.Contains(route, "/memos") || strings.Contains(route, "/evidence/"):
			return approved.Evaluation.ID
		}
		return draft.Evaluation.ID
	}

	auditBefore := changesRecorded(t, env)
	var probed int
	for _, r := range env.Server.RegisteredRoutes() {
		if !strings.HasPrefix(r.Path, "/api/v1/evaluations/:id") && !strings.HasPrefix(r.Path, "/api/v1/memos/:id") {
			continue
		}
		probed++
		for _, who := range []string{"other.officer@example.com", "admin@example.com"} {
			t.Run(who+" "+r.Method+" "+r.Path, func(t *testing.T) {
				c := env.Login(who)
				path := func(id int64) string { return params.Replace(strings.Replace(r.Path, ":id", fmt.Sprint(id), 1)) }
				body := map[string]any{"comment": "probe", "title": "probe", "custodian_id": 3}
				theirs := c.Do(r.Method, path(realID(r.Path)), body)
				none := c.Do(r.Method, path(missing), body)
				want := apitest.ExpectProblem(t, none, http.StatusNotFound)
				got := apitest.ExpectProblem(t, theirs, http.StatusNotFound)
				if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(httpapi.Problem{}, "Instance", "RequestID")); diff != "" {
					t.Errorf("another team's ID answers differently from a missing one (-missing +theirs):\n%s", diff)
				}
			})
		}
	}
	if probed < 17 {
		t.Fatalf("probed %d evaluation and memo routes; the route table has more", probed)
	}

	t.Run("nothing changed", func(t *testing.T) {
		ws, err := env.Evaluations.Workspace(officer, draft.Evaluation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(draft.Evaluation, ws.Evaluation); diff != "" {
			t.Errorf("the draft changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(auditBefore, changesRecorded(t, env)); diff != "" {
			t.Errorf("audit events other than sign-ins (-before +after):\n%s", diff)
		}
	})
}

// changesRecorded counts the audit events other than sign-ins and sign-outs.
func changesRecorded(t *testing.T, env *apitest.Env) int {
	t.Helper()
	var n int
	if err := env.SQL.GetContext(context.Background(), &n, `SELECT count(*) FROM audit_events WHERE action NOT LIKE 'session.%'`); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestATeamMemberWhoMayNotActIsToldSo: within the team, the evaluation is no
// secret, so a role that may read it but not change it gets 403, not 404.
func TestATeamMemberWhoMayNotActIsToldSo(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	draft := env.OpenEvaluation(env.As("officer@example.com"), teams[demo.TreasuryTeam], 1, 2)
	auditor := env.Login("auditor@example.com")
	path := fmt.Sprintf("/api/v1/evaluations/%d", draft.Evaluation.ID)
	apitest.ExpectStatus(t, auditor.Do(http.MethodGet, path, nil), http.StatusOK)
	apitest.ExpectProblem(t, auditor.Do(http.MethodPatch, path, map[string]string{"title": "Renamed"}), http.StatusForbidden)
	apitest.ExpectProblem(t, auditor.Do(http.MethodPost, path+"/submit", nil), http.StatusForbidden)
}
