package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/httpapi"
)

// An organisation admin's API token must not make credentials that outlive
// it: no accounts, no passwords, no organisation-admin rights. The review
// made an org_admin account with a Bearer token and kept it after revoking
// the token.
func TestAnAdminsTokenCannotMakeCredentialsThatOutliveIt(t *testing.T) {
	t.Parallel()
	kit := apitest.NewKit(t)
	env := kit.Env
	admin := env.Login("admin@example.com")
	res := admin.Do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "admin script", "password": apitest.Password})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	var tok struct {
		Token string `json:"token"`
	}
	res.JSON(&tok)
	bot := env.Anonymous()
	bot.Bearer = tok.Token
	officer := fmt.Sprintf("/api/v1/users/%d", kit.UserID("officer@example.com"))
	self := fmt.Sprintf("/api/v1/users/%d", kit.UserID("admin@example.com"))

	apitest.ExpectProblem(t, bot.Do(http.MethodPost, "/api/v1/users",
		map[string]any{"email": "backdoor@example.com", "name": "Back Door", "password": apitest.Password, "org_admin": true}), http.StatusForbidden)
	apitest.ExpectProblem(t, bot.Do(http.MethodPatch, officer, map[string]any{"password": "a fresh long passphrase 9"}), http.StatusForbidden)
	apitest.ExpectProblem(t, bot.Do(http.MethodPatch, officer, map[string]any{"org_admin": true}), http.StatusForbidden)
	// Its own owner's password neither: that skips the current password.
	apitest.ExpectProblem(t, bot.Do(http.MethodPatch, self, map[string]any{"password": "a fresh long passphrase 9"}), http.StatusForbidden)
	// Nor from a session: one's own password changes at PUT /me/password.
	p := apitest.ExpectProblem(t, admin.Do(http.MethodPatch, self, map[string]any{"password": "a fresh long passphrase 9"}), http.StatusForbidden)
	if !strings.Contains(p.Detail, "/me/password") {
		t.Errorf("self reset refused without pointing to /me/password: %q", p.Detail)
	}
	// What cannot outlive the token stays open to it, and a session does the rest.
	apitest.ExpectStatus(t, bot.Do(http.MethodPatch, officer, map[string]any{"name": "Renamed Officer"}), http.StatusOK)
	apitest.ExpectStatus(t, admin.Do(http.MethodPatch, officer, map[string]any{"password": "a fresh long passphrase 9"}), http.StatusOK)
	apitest.ExpectStatus(t, admin.Do(http.MethodPost, "/api/v1/users",
		map[string]any{"email": "new.person@example.com", "name": "New Person", "password": apitest.Password}), http.StatusCreated)
	if res := env.Anonymous().Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "backdoor@example.com", "password": apitest.Password}); res.Status != http.StatusUnauthorized {
		t.Fatalf("the token's account exists: sign-in %d", res.Status)
	}
}

// A team admin administers others' memberships, never their own, and never
// grants the admin role; the review's team admin made themselves manager and
// auditor and approved evaluations. Naming an account that cannot be added
// gets one answer, so walking IDs lists nobody.
func TestATeamAdminNeitherPromotesThemselvesNorWalksAccounts(t *testing.T) {
	t.Parallel()
	kit := apitest.NewKit(t)
	env := kit.Env
	teamAdmin := env.Login("teamadmin@example.com")
	members := fmt.Sprintf("/api/v1/teams/%d/members", kit.Treasury)
	self := kit.UserID("teamadmin@example.com")
	outsider, err := env.Users.CreateUser(kit.Ctx(), custos.NewUser{Email: "outsider@example.com", Name: "Out Sider", Password: apitest.Password})
	if err != nil {
		t.Fatal(err)
	}
	disabled := true
	if _, err := env.Users.UpdateUser(kit.Ctx(), kit.UserID("other.officer@example.com"), custos.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}

	for _, body := range []map[string]any{
		{"user_id": self, "role": "manager"},
		{"email": "teamadmin@example.com", "role": "auditor"},
		{"user_id": self, "role": "officer"},
		{"email": "officer2@example.com", "role": "admin"},
	} {
		apitest.ExpectProblem(t, teamAdmin.Do(http.MethodPost, members, body), http.StatusForbidden)
	}
	apitest.ExpectProblem(t, teamAdmin.Do(http.MethodDelete, fmt.Sprintf("%s/%d/admin", members, self), nil), http.StatusForbidden)

	// An outsider's ID, a missing ID, a missing address and a disabled
	// account: one answer, with nobody's details in it.
	var answers []httpapi.Problem
	for _, body := range []map[string]any{
		{"user_id": outsider.ID, "role": "officer"},
		{"user_id": 999999, "role": "officer"},
		{"email": "nobody@example.com", "role": "officer"},
		{"email": "other.officer@example.com", "role": "officer"},
	} {
		res := teamAdmin.Do(http.MethodPost, members, body)
		if strings.Contains(string(res.Body), "outsider") || strings.Contains(string(res.Body), "Out Sider") {
			t.Errorf("%v: the answer shows the account: %s", body, res.Body)
		}
		p := apitest.ExpectProblem(t, res, http.StatusBadRequest)
		for i := range p.Errors {
			p.Errors[i].Field = "" // user_id or email, as typed
		}
		answers = append(answers, httpapi.Problem{Status: p.Status, Title: p.Title, Detail: p.Detail, Errors: p.Errors})
	}
	for i := 1; i < len(answers); i++ {
		if d := cmp.Diff(answers[0], answers[i]); d != "" {
			t.Errorf("answer %d differs from the outsider's (-outsider +this):\n%s", i, d)
		}
	}

	// Others, by address, in the roles a team admin grants.
	res := teamAdmin.Do(http.MethodPost, members, map[string]any{"email": "Outsider@example.com", "role": "manager"})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	if m := apitest.Decode[custos.Membership](t, res); m.UserID != outsider.ID || m.Role != custos.RoleManager {
		t.Errorf("added %+v", m)
	}
	apitest.ExpectStatus(t, teamAdmin.Do(http.MethodPost, members, map[string]any{"user_id": kit.UserID("officer2@example.com"), "role": "auditor"}), http.StatusCreated)
	apitest.ExpectStatus(t, teamAdmin.Do(http.MethodDelete, fmt.Sprintf("%s/%d/auditor", members, kit.UserID("officer2@example.com")), nil), http.StatusNoContent)
	// The organisation admin may do what the team admin may not.
	admin := env.Login("admin@example.com")
	apitest.ExpectStatus(t, admin.Do(http.MethodPost, members, map[string]any{"user_id": self, "role": "manager"}), http.StatusCreated)
	apitest.ExpectStatus(t, admin.Do(http.MethodPost, members, map[string]any{"email": "officer2@example.com", "role": "admin"}), http.StatusCreated)
}

// The online verdict lists the approvals of the memo's round, not of the
// evaluation's current round: a later round (here made directly in the
// database, as a reopening would) must not change what an old memo shows.
func TestMemoVerdictListsTheMemosRoundNotTheCurrentOne(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	ws, m, pdf := issuedMemo(t, env, 2)
	auditor := env.Login("auditor@example.com")
	want := recognitionOf(verifyPDF(t, auditor, pdf))
	if !want.Genuine || len(want.Approvers) != 1 {
		t.Fatalf("the fresh memo: %+v", want)
	}
	su := apitest.Superuser(t, env.Conf)
	tx := su.MustBegin()
	tx.MustExec(`ALTER TABLE evaluations DISABLE TRIGGER USER`)
	tx.MustExec(`ALTER TABLE approvals DISABLE TRIGGER USER`)
	tx.MustExec(`UPDATE evaluations SET round = round + 1 WHERE id = $1`, ws.Evaluation.ID)
	tx.MustExec(`INSERT INTO approvals (evaluation_id, round, manager_id, manager_name, decision, comment, snapshot_hash, created_at)
		SELECT evaluation_id, round + 1, (SELECT id FROM users WHERE email = 'manager2@example.com'), 'Second Manager', decision, comment, snapshot_hash, $2
		FROM approvals WHERE evaluation_id = $1`, ws.Evaluation.ID, m.IssuedAt.Add(time.Hour))
	tx.MustExec(`ALTER TABLE approvals ENABLE TRIGGER USER`)
	tx.MustExec(`ALTER TABLE evaluations ENABLE TRIGGER USER`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, recognitionOf(verifyPDF(t, auditor, pdf))); diff != "" {
		t.Errorf("the verdict after a later round (-memo's round +got):\n%s", diff)
	}
}
