package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
)

func me(c *apitest.Client) int { return c.Do(http.MethodGet, "/api/v1/me", nil).Status }

func TestLoginSetsAnHttpOnlySameSiteStrictCookie(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	c := env.Login("officer@example.com")
	ck := c.Cookie
	if ck.Name != "custos_session" || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.Secure {
		t.Fatalf("cookie over plain HTTP = %+v", ck)
	}
	if !strings.HasPrefix(ck.Value, "cs_") || len(ck.Value) < 40 {
		t.Fatalf("session token does not look like 256 random bits: %q", ck.Value)
	}
	// The database keeps only a hash of the token.
	var stored int
	if err := env.SQL.Get(&stored, `SELECT count(*) FROM sessions WHERE convert_to($1, 'UTF8') = token_hash`, ck.Value); err != nil || stored != 0 {
		t.Fatalf("the session token is stored in clear (%d, %v)", stored, err)
	}
}

func TestLoginOverHTTPSUsesTheHostPrefixAndSecure(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SecureCookies())
	env.SeedDemo()
	c := env.Login("officer@example.com")
	if c.Cookie.Name != "__Host-custos_session" || !c.Cookie.Secure || c.Cookie.Path != "/" || c.Cookie.Domain != "" {
		t.Fatalf("cookie over HTTPS = %+v", c.Cookie)
	}
	if me(c) != http.StatusOK {
		t.Fatal("the __Host- cookie does not authenticate")
	}
}

func TestSessionEndsAfterThirtyIdleMinutes(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()

	c := env.Login("officer@example.com")
	env.Clock.Advance(29*time.Minute + 59*time.Second)
	if got := me(c); got != http.StatusOK {
		t.Fatalf("after 29:59 idle: %d, want 200", got)
	}
	// That request restarted the idle timer; 30:01 of silence ends the session.
	env.Clock.Advance(30*time.Minute + 1*time.Second)
	if got := me(c); got != http.StatusUnauthorized {
		t.Fatalf("after 30:01 idle: %d, want 401", got)
	}

	fresh := env.Login("manager@example.com")
	env.Clock.Advance(30*time.Minute + 1*time.Second)
	if got := me(fresh); got != http.StatusUnauthorized {
		t.Fatalf("30:01 after login: %d, want 401", got)
	}
}

func TestSessionEndsTwelveHoursAfterLoginHoweverBusy(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	c := env.Login("officer@example.com")
	for i := 0; i < 35; i++ { // 11h40m of activity every 20 minutes
		env.Clock.Advance(20 * time.Minute)
		if got := me(c); got != http.StatusOK {
			t.Fatalf("at %v: %d, want 200", time.Duration(i+1)*20*time.Minute, got)
		}
	}
	env.Clock.Advance(19 * time.Minute)
	if got := me(c); got != http.StatusOK {
		t.Fatalf("at 11h59m: %d, want 200", got)
	}
	env.Clock.Advance(time.Minute)
	if got := me(c); got != http.StatusUnauthorized {
		t.Fatalf("at 12h: %d, want 401", got)
	}
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	c := env.Login("officer@example.com")
	stolen := *c.Cookie
	res := c.Do(http.MethodDelete, "/api/v1/session", nil)
	if res.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", res.Status, res.Body)
	}
	if !strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), ";"), "Max-Age=0") {
		t.Errorf("logout does not clear the cookie: %v", res.Header.Values("Set-Cookie"))
	}
	replay := env.Anonymous()
	replay.Cookie = &stolen
	if got := me(replay); got != http.StatusUnauthorized {
		t.Fatalf("a logged-out session token still works: %d", got)
	}
}

func TestWrongPasswordAndUnknownAccountGetTheSameAnswer(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	anon := env.Anonymous()
	wrong := anon.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "officer@example.com", "password": "not-the-password"})
	unknown := anon.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "nobody@example.com", "password": "not-the-password"})
	if wrong.Status != http.StatusUnauthorized || unknown.Status != http.StatusUnauthorized {
		t.Fatalf("statuses %d and %d, want 401 for both", wrong.Status, unknown.Status)
	}
	if wrong.Problem().Detail != unknown.Problem().Detail {
		t.Fatalf("the answers differ: %q vs %q", wrong.Problem().Detail, unknown.Problem().Detail)
	}
}

func TestRepeatedFailedLoginsAreThrottledForAnyAddress(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	anon := env.Anonymous()
	for _, email := range []string{"officer@example.com", "nobody@example.com"} {
		for i := 1; i <= 5; i++ {
			res := anon.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": "guess-" + string(rune('a'+i))})
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d, want 401", email, i, res.Status)
			}
		}
		// Blocked now, even with the right password, and the same for an address no account has.
		res := anon.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": apitest.Password})
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s after 5 failures: %d (Retry-After %q), want 429 with Retry-After", email, res.Status, res.Header.Get("Retry-After"))
		}
	}
	// Other addresses are not affected.
	env.Login("manager@example.com")
	// The block lifts after 15 minutes.
	env.Clock.Advance(15*time.Minute + time.Second)
	env.Login("officer@example.com")

	var failed int
	// Tries refused while blocked are not audited one by one (a flood
	// would grow the trail for free): the failures that blocked are.
	if err := env.SQL.Get(&failed, `SELECT count(*) FROM audit_events WHERE action = 'session.login_failed'`); err != nil || failed != 10 {
		t.Fatalf("audited failed logins = %d (%v), want 10 (the failures, not the 2 throttled tries)", failed, err)
	}
}

func TestUnsafeCookieRequestsNeedTheCSRFToken(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	c := env.Login("officer@example.com")
	csrf := c.CSRF
	c.CSRF = ""
	if res := c.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "ci", "password": apitest.Password}); res.Status != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d, want 403", res.Status)
	}
	c.CSRF = "forged"
	if res := c.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "ci", "password": apitest.Password}); res.Status != http.StatusForbidden {
		t.Fatalf("wrong CSRF token: %d, want 403", res.Status)
	}
	// Another session's token does not fit this session.
	c.CSRF = env.Login("officer@example.com").CSRF
	if res := c.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "ci", "password": apitest.Password}); res.Status != http.StatusForbidden {
		t.Fatalf("another session's CSRF token: %d, want 403", res.Status)
	}
	c.CSRF = csrf
	if res := c.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "ci", "password": apitest.Password}); res.Status != http.StatusCreated {
		t.Fatalf("right CSRF token: %d, want 201", res.Status)
	}
	// GET /me hands the token back to a reloaded page.
	var body struct {
		CSRF string `json:"csrf_token"`
	}
	c.Do(http.MethodGet, "/api/v1/me", nil).JSON(&body)
	if body.CSRF != csrf {
		t.Fatal("GET /me does not return the session's CSRF token")
	}
}

func TestAPITokensAuthenticateUntilRevokedOrExpired(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")

	var created struct {
		ID    int    `json:"id"`
		Token string `json:"token"`
	}
	res := officer.Do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "reporting script", "expires_in_days": 30, "password": apitest.Password})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	res.JSON(&created)
	if list := officer.Do(http.MethodGet, "/api/v1/tokens", nil); bytes.Contains(list.Body, []byte(created.Token)) {
		t.Fatal("the token secret is shown again after creation")
	}

	bot := env.Anonymous()
	bot.Bearer = created.Token
	if got := me(bot); got != http.StatusOK {
		t.Fatalf("bearer token: %d, want 200", got)
	}
	// A token never makes tokens, even with the password: a child could
	// outlive its parent's revocation.
	if res := bot.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "child", "password": apitest.Password}); res.Status != http.StatusForbidden {
		t.Fatalf("a token making a token: %d, want 403 (%s)", res.Status, res.Body)
	}
	// Token-authenticated writes need no CSRF token.
	var spare struct {
		ID int `json:"id"`
	}
	officer.Do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "spare", "password": apitest.Password}).JSON(&spare)
	if res := bot.Do(http.MethodDelete, "/api/v1/tokens/"+itoa(spare.ID), nil); res.Status != http.StatusNoContent {
		t.Fatalf("write with bearer token: %d, want 204", res.Status)
	}
	// Expired after 30 days.
	env.Clock.Advance(30*24*time.Hour + time.Second)
	if got := me(bot); got != http.StatusUnauthorized {
		t.Fatalf("expired token: %d, want 401", got)
	}

	officer = env.Login("officer@example.com")
	res = officer.Do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "read only", "read_only": true, "password": apitest.Password})
	res.JSON(&created)
	reader := env.Anonymous()
	reader.Bearer = created.Token
	if got := me(reader); got != http.StatusOK {
		t.Fatalf("read-only token reading: %d, want 200", got)
	}
	if res := reader.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "escalate"}); res.Status != http.StatusForbidden {
		t.Fatalf("read-only token writing: %d, want 403", res.Status)
	}
	if res := officer.Do(http.MethodDelete, "/api/v1/tokens/"+itoa(created.ID), nil); res.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d", res.Status)
	}
	if got := me(reader); got != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d, want 401", got)
	}
	// Someone else cannot revoke (or learn about) your tokens.
	if res := env.Login("manager@example.com").Do(http.MethodDelete, "/api/v1/tokens/"+itoa(created.ID), nil); res.Status != http.StatusNotFound {
		t.Fatalf("revoking another user's token: %d, want 404", res.Status)
	}
	for _, bad := range []string{"cst_garbage", "Basic abc", ""} {
		c := env.Anonymous()
		c.Bearer = bad
		if got := me(c); got != http.StatusUnauthorized {
			t.Errorf("bearer %q: %d, want 401", bad, got)
		}
	}
}

func TestLogsNeverContainPasswordsOrTokens(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	env := apitest.New(t, apitest.LogTo(&logs))
	env.SeedDemo()
	c := env.Login("officer@example.com")
	var tok struct {
		Token string `json:"token"`
	}
	c.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "x", "password": apitest.Password}).JSON(&tok)
	env.Anonymous().Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "officer@example.com", "password": "wrong-password-typed"})
	if logs.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	for _, s := range []string{apitest.Password, "wrong-password-typed", c.Cookie.Value, c.CSRF, tok.Token} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log contains a secret %q", s)
		}
	}
}
