package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
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
	if res := env.Login("manager2@example.com").Do(http.MethodPost, path+"/return", map[string]string{"comment": "Rescore costs."}); res.Status != http.StatusOK {
		t.Fatalf("return: %d %s", res.Status, res.Body)
	}
	if _, err := env.Evaluations.PutScore(officer, ws.Evaluation.ID, 1, "costs", 0, custos.ScoreInput{Score: 1, Rationale: "Fees are high."}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Evaluations.Submit(officer, ws.Evaluation.ID, 0); err != nil {
		t.Fatal(err)
	}

	manager := env.Login("manager@example.com")
	stale := manager.Request(http.MethodPost, path+"/approve", nil, http.Header{"If-Match": {`"` + reviewed + `"`}})
	if stale.Status != http.StatusPreconditionFailed {
		t.Fatalf("approval of the round the manager did not see: %d, want 412", stale.Status)
	}
	var current struct {
		Current struct {
			Evaluation struct {
				Status  string `json:"status"`
				Version int    `json:"version"`
			} `json:"evaluation"`
		} `json:"current"`
	}
	stale.JSON(&current)
	if current.Current.Evaluation.Status != "submitted" {
		t.Fatalf("the 412 does not carry the current workspace: %s", stale.Body)
	}
	fresh := manager.Request(http.MethodPost, path+"/approve", nil, http.Header{"If-Match": {`"` + strconv.Itoa(current.Current.Evaluation.Version) + `"`}})
	if fresh.Status != http.StatusOK {
		t.Fatalf("approval of the current round: %d %s", fresh.Status, fresh.Body)
	}
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
	for _, a := range after.Assessments {
		if a.Custodian.ID == 1 && (a.Custodian.Name == "Renamed After Approval" || !a.Custodian.Staking) {
			t.Fatalf("the approved evaluation follows the catalogue: %+v", a.Custodian)
		}
	}
	if after.Approvals[0].ManagerName != "Maya Manager" {
		t.Fatalf("the approval names %q, not the name at approval", after.Approvals[0].ManagerName)
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
