package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

const newPassword = "tangerine-quorum-sextant-9"

func TestUsersChangeTheirOwnPassword(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	here := env.Login("officer@example.com")
	elsewhere := env.Login("officer@example.com")
	change := func(c *apitest.Client, current, next string) *apitest.Response {
		return c.Do(http.MethodPut, "/api/v1/me/password", map[string]string{"current_password": current, "new_password": next})
	}

	expectFieldErrors(t, change(here, "not-my-password-at-all", newPassword), "current_password")
	// A wrong current password and a weak new one are named together.
	expectFieldErrors(t, change(here, "not-my-password-at-all", "short"), "current_password", "new_password")
	for _, weak := range []string{"short", "password1234", "123456789012", "officer@example.com1"} {
		expectFieldErrors(t, change(here, apitest.Password, weak), "new_password")
	}
	expectFieldErrors(t, change(here, apitest.Password, apitest.Password), "new_password")

	// An API token cannot change the password, even knowing it.
	var tok struct {
		Token string `json:"token"`
	}
	here.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "script", "password": apitest.Password}).JSON(&tok)
	bot := env.Anonymous()
	bot.Bearer = tok.Token
	if res := change(bot, apitest.Password, newPassword); res.Status != http.StatusForbidden {
		t.Fatalf("changing the password with an API token: %d, want 403", res.Status)
	}

	if res := change(here, apitest.Password, newPassword); res.Status != http.StatusNoContent {
		t.Fatalf("change: %d %s", res.Status, res.Body)
	}
	if got := me(here); got != http.StatusOK {
		t.Fatalf("the session that changed the password: %d, want 200", got)
	}
	if got := me(elsewhere); got != http.StatusUnauthorized {
		t.Fatalf("another session of the user after the change: %d, want 401", got)
	}
	signIn := func(pw string) int {
		return env.Anonymous().Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "officer@example.com", "password": pw}).Status
	}
	if got := signIn(apitest.Password); got != http.StatusUnauthorized {
		t.Fatalf("the old password: %d, want 401", got)
	}
	if got := signIn(newPassword); got != http.StatusCreated {
		t.Fatalf("the new password: %d, want 201", got)
	}
	var audited int
	if err := env.SQL.Get(&audited, `SELECT count(*) FROM audit_events WHERE action = 'user.password_change'`); err != nil || audited != 1 {
		t.Fatalf("audited password changes = %d (%v), want 1", audited, err)
	}
}

func TestWeakPasswordsAreRefusedForResetsToo(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer, err := env.Users.FindUserByEmail(env.As("admin@example.com"), "officer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, weak := range []string{"password1234", "123456789012", "qwertyuiopas"} {
		p := expectFieldErrors(t, admin.Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", officer.ID), map[string]string{"password": weak}), "password")
		if p.Errors[0].Reason == "" {
			t.Fatalf("no reason given for %q", weak)
		}
	}
}

func TestSigningInAgainEndsThePresentedSession(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	first := env.Login("officer@example.com")
	again := env.Anonymous()
	again.Cookie = first.Cookie
	if res := again.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "manager@example.com", "password": apitest.Password}); res.Status != http.StatusCreated {
		t.Fatalf("sign-in: %d %s", res.Status, res.Body)
	}
	if got := me(first); got != http.StatusUnauthorized {
		t.Fatalf("the session presented at sign-in: %d, want 401", got)
	}

	// A failed sign-in ends the presented session too.
	second := env.Login("officer@example.com")
	failed := env.Anonymous()
	failed.Cookie = second.Cookie
	res := failed.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "officer@example.com", "password": "not-the-password"})
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("failed sign-in: %d", res.Status)
	}
	if got := me(second); got != http.StatusUnauthorized {
		t.Fatalf("the session presented at a failed sign-in: %d, want 401", got)
	}
	var ended int
	if err := env.SQL.Get(&ended, `SELECT count(*) FROM audit_events WHERE action = 'session.logout' AND after->>'reason' = 'signed in again'`); err != nil || ended != 2 {
		t.Fatalf("audited ends = %d (%v), want 2", ended, err)
	}
}

// A stolen session must not let anyone guess the password faster than the
// sign-in form does: wrong passwords typed again count as failed sign-ins.
func TestPasswordsTypedAgainAreThrottledLikeSignIns(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	stolen := env.Login("officer@example.com")
	for i := range 5 {
		res := stolen.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "loot", "password": fmt.Sprintf("guess-number-%d", i)})
		expectFieldErrors(t, res, "password")
	}
	if res := stolen.Do(http.MethodPut, "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": newPassword}); res.Status != http.StatusTooManyRequests {
		t.Fatalf("after five wrong passwords typed again: %d, want 429", res.Status)
	}
	if got := me(stolen); got != http.StatusOK {
		t.Fatalf("the session itself after the wrong passwords: %d, want 200", got)
	}
}
