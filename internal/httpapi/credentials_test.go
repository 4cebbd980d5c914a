package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
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
