package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/google/go-cmp/cmp"
)

func TestApprovalOfAnotherRoundThanTheOneReviewedIsRefused(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	officer := env.As("officer@example.com")
	ws := env.SubmittedEvaluation(officer, teams[demo.TreasuryTeam])
	reviewed := strconv.Itoa(ws.Evaluation.Version)
	path := fmt.Sprintf("/api/v1/evaluations/%d", ws.Evaluation.ID)

	// Meanwhile another manager returns it, and the officer resubmits a changed version.
	apitest.ExpectStatus(t, env.Login("manager2@example.com").Do(http.MethodPost, path+"/return", map[string]string{"comment": "Rescore costs."}), http.StatusOK)
	if _, err := env.Evaluations.PutScore(officer, ws.Evaluation.ID, 1, "costs", 0, custos.ScoreInput{Score: 1, Rationale: "Fees are high."}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Evaluations.Submit(officer, ws.Evaluation.ID, 0); err != nil {
		t.Fatal(err)
	}

	manager := env.Login("manager@example.com")
	stale := manager.Request(http.MethodPost, path+"/approve", nil, http.Header{"If-Match": {`"` + reviewed + `"`}})
	apitest.ExpectProblem(t, stale, http.StatusPreconditionFailed)
	var current *custos.Workspace
	if err := json.Unmarshal(apitest.Decode[apitest.StaleProblem](t, stale).RawCurrent, &current); err != nil || current == nil {
		t.Fatalf("the 412 does not carry the current workspace: %s (%v)", stale.Body, err)
	}
	type round struct {
		Status custos.EvaluationStatus
		Round  int
	}
	if diff := cmp.Diff(round{custos.StatusSubmitted, 2}, round{current.Evaluation.Status, current.Evaluation.Round}); diff != "" {
		t.Fatalf("the 412's current workspace (-want +got):\n%s", diff)
	}
	fresh := manager.Request(http.MethodPost, path+"/approve", nil, http.Header{"If-Match": {apitest.ETag(current.Evaluation.Version)}})
	apitest.ExpectStatus(t, fresh, http.StatusOK)
}

func TestASubmittedEvaluationKeepsTheCatalogueFactsAndNamesItWasSubmittedWith(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], 2)
	admin := env.Login("admin@example.com")

	var c map[string]any
	admin.Do(http.MethodGet, "/api/v1/custodians/1", nil).JSON(&c)
	c["name"], c["staking"] = "Renamed After Approval", false
	delete(c, "id")
	delete(c, "created_at")
	delete(c, "updated_at")
	if res := admin.Do(http.MethodPut, "/api/v1/custodians/1", c); res.Status != http.StatusOK {
		t.Fatalf("rename: %d %s", res.Status, res.Body)
	}
	mgr, _ := env.Users.FindUserByEmail(env.As("admin@example.com"), "manager@example.com")
	if res := admin.Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", mgr.ID), map[string]string{"name": "Someone Else"}); res.Status != http.StatusOK {
		t.Fatalf("rename manager: %d", res.Status)
	}

	after, err := env.Evaluations.Workspace(env.As("auditor@example.com"), ws.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := apitest.AssessmentOf(t, ws, 1).Custodian
	if diff := cmp.Diff(before, apitest.AssessmentOf(t, after, 1).Custodian); diff != "" {
		t.Errorf("the approved evaluation follows the catalogue (-at approval +now):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Maya Manager"}, []string{after.Approvals[0].ManagerName}); diff != "" {
		t.Errorf("the approval names someone else than at approval (-want +got):\n%s", diff)
	}
}

func TestPasswordResetRevokesTheAccountsAPITokens(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	var tok struct {
		Token string `json:"token"`
	}
	env.Login("officer@example.com").Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "script", "password": apitest.Password}).JSON(&tok)
	bot := env.Anonymous()
	bot.Bearer = tok.Token
	if got := me(bot); got != http.StatusOK {
		t.Fatalf("token before reset: %d", got)
	}
	u, _ := env.Users.FindUserByEmail(env.As("admin@example.com"), "officer@example.com")
	if res := env.Login("admin@example.com").Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]string{"password": "a-brand-new-password"}); res.Status != http.StatusOK {
		t.Fatalf("reset: %d", res.Status)
	}
	if got := me(bot); got != http.StatusUnauthorized {
		t.Fatalf("token after a password reset: %d, want 401", got)
	}
}

func TestTextWithANULCharacterIsRefusedAsInvalid(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	res := env.Login("admin@example.com").Do(http.MethodPost, "/api/v1/teams", `{"name":"bad\u0000name"}`)
	if res.Status != http.StatusBadRequest {
		t.Fatalf("NUL in a name: %d %s, want 400", res.Status, res.Body)
	}
}
