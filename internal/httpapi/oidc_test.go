package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
	"github.com/custos-dd/custos/internal/oidc"
	"github.com/custos-dd/custos/internal/postgres"
)

// The tests sign in through a real OpenID Connect provider (mockoidc, an
// HTTP server on loopback), with Custos's real handlers and a database of
// their own. The browser is played by hand: each redirect is followed by
// the test, so that it can replay or tamper with a step.

const callbackURL = "http://custos.test/api/v1/oidc/callback"

type ssoWorld struct {
	t        *testing.T
	env      *apitest.Env
	provider *mockoidc.MockOIDC
	teams    map[string]int64
	sso      httpapi.SSOConfig
}

type ssoOptions struct {
	createUsers  bool
	passwordsOff bool
	breakGlass   string
	loginTTL     time.Duration
}

func newSSOWorld(t *testing.T, o ssoOptions) *ssoWorld {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	w := &ssoWorld{t: t, provider: m}
	w.env = apitest.New(t, apitest.SSO(func(store *postgres.DB) httpapi.SSOConfig {
		// The provider's clock follows the test's: tokens are issued at the
		// test's time and checked against it.
		m.FastForward(store.Now().Sub(time.Now()))
		cfg := m.Config()
		roles, err := oidc.ParseRoleMap("custody-officers=1:officer,custody-managers=1:manager,custody-managers=1:auditor")
		if err != nil {
			t.Fatal(err)
		}
		w.sso = httpapi.SSOConfig{
			Client: oidc.NewClient(oidc.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
				RedirectURL: callbackURL, DisplayName: "Example ID", CreateUsers: o.createUsers, RoleClaim: "groups",
				RoleMap: roles, LoginTTL: o.loginTTL}, store.Now),
			Store: postgres.NewSSOService(store), PasswordsOff: o.passwordsOff, BreakGlassAdmin: o.breakGlass,
		}
		return w.sso
	}))
	w.teams = w.env.SeedDemo()
	if w.teams[demo.TreasuryTeam] != 1 {
		t.Fatalf("the role map names team 1, but %s is team %d", demo.TreasuryTeam, w.teams[demo.TreasuryTeam])
	}
	return w
}

// browser is what one browser holds between the steps of a sign-in.
type browser struct {
	binding *http.Cookie // the sign-in's browser binding
	session *http.Cookie
}

// start asks Custos to sign in and follows it to the provider, which signs
// user in and sends the browser back: it returns the callback's query.
func (w *ssoWorld) start(b *browser, user mockoidc.User) url.Values {
	w.t.Helper()
	return w.startFrom(b, user, "/evaluations")
}

// startFrom is start from a page that asks to come back to returnTo.
func (w *ssoWorld) startFrom(b *browser, user mockoidc.User, returnTo string) url.Values {
	w.t.Helper()
	res := w.env.Anonymous().Request(http.MethodGet, "/api/v1/oidc/login?return_to="+url.QueryEscape(returnTo), nil, nil)
	apitest.ExpectStatus(w.t, res, http.StatusFound)
	for _, raw := range res.Header.Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(raw); err == nil && ck.Name == "custos_oidc" {
			b.binding = ck
			if ck.SameSite != http.SameSiteLaxMode || !ck.HttpOnly {
				w.t.Errorf("the binding cookie must be HttpOnly and SameSite=Lax: %s", raw)
			}
		}
	}
	if b.binding == nil {
		w.t.Fatalf("no binding cookie in %v", res.Header.Values("Set-Cookie"))
	}
	authz, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		w.t.Fatal(err)
	}
	q := authz.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		w.t.Fatalf("the authorization request lacks PKCE, nonce or state: %s", authz)
	}
	if user != nil {
		w.provider.QueueUser(user)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
	pres, err := noFollow.Get(authz.String())
	if err != nil {
		w.t.Fatal(err)
	}
	io.Copy(io.Discard, pres.Body)
	pres.Body.Close()
	if pres.StatusCode != http.StatusFound {
		w.t.Fatalf("the provider answered %d", pres.StatusCode)
	}
	back, err := url.Parse(pres.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), callbackURL) {
		w.t.Fatalf("the provider sent the browser to %q", pres.Header.Get("Location"))
	}
	return back.Query()
}

// finish brings the browser back to Custos with the provider's answer and
// returns where Custos sends it next.
func (w *ssoWorld) finish(b *browser, back url.Values) string {
	w.t.Helper()
	return w.callback(w.env.Server, b, back)
}

// callback calls the callback of one replica (any http.Handler on the
// test's database).
func (w *ssoWorld) callback(replica http.Handler, b *browser, back url.Values) string {
	w.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/oidc/callback?"+back.Encode(), nil)
	if b.binding != nil {
		req.AddCookie(&http.Cookie{Name: b.binding.Name, Value: b.binding.Value})
	}
	rec := httptest.NewRecorder()
	replica.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		w.t.Fatalf("callback: got %d, want 303 (%s)", rec.Code, rec.Body)
	}
	for _, raw := range rec.Header().Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(raw); err == nil && ck.Name == "custos_session" && ck.Value != "" {
			b.session = ck
			if ck.SameSite != http.SameSiteStrictMode || !ck.HttpOnly {
				w.t.Errorf("the session cookie must be as a password sign-in's (HttpOnly, SameSite=Strict): %s", raw)
			}
		}
	}
	return rec.Header().Get("Location")
}

// signedIn is the client of a browser that holds a session.
func (w *ssoWorld) signedIn(b *browser) *apitest.Client {
	w.t.Helper()
	if b.session == nil {
		w.t.Fatal("the browser holds no session")
	}
	c := w.env.Anonymous()
	c.Cookie = b.session
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	apitest.DecodeInto(w.t, c.Do(http.MethodGet, "/api/v1/me", nil), &me)
	c.CSRF = me.CSRF
	return c
}

type roleGrant struct {
	Team int64
	Role custos.Role
}

func (w *ssoWorld) rolesOf(email string) []roleGrant {
	w.t.Helper()
	u, err := w.env.Users.FindUserByEmail(context.Background(), email)
	if err != nil {
		w.t.Fatalf("%s: %v", email, err)
	}
	ms, err := w.env.Teams.UserMemberships(context.Background(), u.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	out := []roleGrant{}
	for _, m := range ms {
		out = append(out, roleGrant{m.TeamID, m.Role})
	}
	return out
}

// lastEvent is the newest audit event with one of these actions.
func (w *ssoWorld) lastEvent(actions ...string) *custos.AuditEvent {
	w.t.Helper()
	var row struct {
		Action string          `db:"action"`
		Actor  string          `db:"actor"`
		After  json.RawMessage `db:"after"`
	}
	if err := w.env.SQL.Get(&row, `SELECT action, actor, after FROM audit_events WHERE action = ANY(string_to_array($1, ','))
		ORDER BY seq DESC LIMIT 1`, strings.Join(actions, ",")); err != nil {
		w.t.Fatalf("no %v event: %v", actions, err)
	}
	return &custos.AuditEvent{Action: row.Action, Actor: row.Actor, After: row.After}
}

func (w *ssoWorld) userExists(email string) bool {
	_, err := w.env.Users.FindUserByEmail(context.Background(), email)
	if err != nil && custos.ErrorCode(err) != custos.ENOTFOUND {
		w.t.Fatal(err)
	}
	return err == nil
}

func TestSingleSignOnCreatesTheUserWithMappedRolesAndASession(t *testing.T) {
	t.Parallel()
	w := newSSOWorld(t, ssoOptions{createUsers: true})

	var opts struct {
		LocalPasswords bool `json:"local_passwords"`
		SSO            *struct {
			Name     string `json:"name"`
			LoginURL string `json:"login_url"`
		} `json:"sso"`
	}
	apitest.DecodeInto(t, w.env.Anonymous().Do(http.MethodGet, "/api/v1/session-options", nil), &opts)
	if !opts.LocalPasswords || opts.SSO == nil || opts.SSO.Name != "Example ID" || opts.SSO.LoginURL != "/api/v1/oidc/login" {
		t.Fatalf("session options: %+v", opts)
	}

	b := &browser{}
	back := w.start(b, &mockoidc.MockUser{Subject: "u-771", Email: "Nora.Quist@Example.com", EmailVerified: true,
		Groups: []string{"custody-managers", "staff"}})
	if got := w.finish(b, back); got != "/evaluations" {
		t.Fatalf("after sign-in the browser goes to %q, want the page it asked for", got)
	}
	c := w.signedIn(b)
	var me struct {
		User        custos.User         `json:"user"`
		Memberships []custos.Membership `json:"memberships"`
	}
	apitest.DecodeInto(t, c.Do(http.MethodGet, "/api/v1/me", nil), &me)
	if me.User.Email != "nora.quist@example.com" || me.User.Name != "nora.quist@example.com" || me.User.OrgAdmin {
		t.Errorf("created user: %+v", me.User)
	}
	if diff := cmp.Diff([]roleGrant{{1, custos.RoleAuditor}, {1, custos.RoleManager}}, w.rolesOf("nora.quist@example.com")); diff != "" {
		t.Errorf("roles from the groups claim (-want +got):\n%s", diff)
	}
	// The session is a full one: a write with its CSRF token goes through.
	apitest.ExpectStatus(t, c.Do(http.MethodDelete, "/api/v1/session", nil), http.StatusNoContent)

	ev := w.lastEvent("session.login_sso")
	var got struct {
		UserID      int64        `json:"user_id"`
		Issuer      string       `json:"issuer"`
		Subject     string       `json:"subject"`
		UserCreated bool         `json:"user_created"`
		Granted     []oidc.Grant `json:"granted"`
	}
	if err := json.Unmarshal(ev.After, &got); err != nil {
		t.Fatal(err)
	}
	want := got
	want.Issuer, want.Subject, want.UserCreated = w.provider.Issuer(), "u-771", true
	want.Granted = []oidc.Grant{{TeamID: 1, Role: custos.RoleAuditor}, {TeamID: 1, Role: custos.RoleManager}}
	want.UserID = me.User.ID
	if diff := cmp.Diff(want, got); diff != "" || ev.Actor != "nora.quist@example.com" {
		t.Errorf("audit of the sign-in by %s (-want +got):\n%s", ev.Actor, diff)
	}

	// An existing account is matched by its verified address, gains the
	// roles it lacks and keeps the rest; no second account is made.
	b2 := &browser{}
	w.finish(b2, w.start(b2, &mockoidc.MockUser{Subject: "u-1", Email: "auditor@example.com", EmailVerified: true, Groups: []string{"custody-officers"}}))
	if diff := cmp.Diff([]roleGrant{{1, custos.RoleAuditor}, {1, custos.RoleOfficer}}, w.rolesOf("auditor@example.com")); diff != "" {
		t.Errorf("roles of the existing account (-want +got):\n%s", diff)
	}
	var n int
	if err := w.env.SQL.Get(&n, `SELECT count(*) FROM users WHERE email = 'auditor@example.com'`); err != nil || n != 1 {
		t.Errorf("accounts with the address: %d (%v)", n, err)
	}
	apitest.ExpectStatus(t, w.signedIn(b2).Do(http.MethodGet, "/api/v1/me", nil), http.StatusOK)

	// The audit chain still verifies.
	var v struct {
		Valid bool `json:"valid"`
	}
	apitest.DecodeInto(t, w.env.Login("admin@example.com").Do(http.MethodGet, "/api/v1/audit/verify", nil), &v)
	if !v.Valid {
		t.Error("the audit chain does not verify after single sign-on")
	}
}

// wrongAudience is a user whose ID token is addressed to another client.
type wrongAudience struct{ *mockoidc.MockUser }

func (u wrongAudience) Claims(scope []string, claims *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	claims.Audience = jwt.ClaimStrings{"someone-else"}
	return u.MockUser.Claims(scope, claims)
}

// replayedNonce is a user whose ID token carries another sign-in's nonce.
type replayedNonce struct{ *mockoidc.MockUser }

func (u replayedNonce) Claims(scope []string, claims *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	claims.Nonce = "nonce-of-another-sign-in"
	return u.MockUser.Claims(scope, claims)
}

func TestSingleSignOnRefusals(t *testing.T) {
	t.Parallel()
	verified := func(email string, groups ...string) *mockoidc.MockUser {
		return &mockoidc.MockUser{Subject: "s-" + email, Email: email, EmailVerified: true, Groups: groups}
	}
	cases := []struct {
		name   string
		create bool
		user   mockoidc.User
		// before runs between the provider's answer and the callback.
		before func(w *ssoWorld)
		reason string
		email  string
		// existing: the address already has an account, which must stay as it was.
		existing bool
	}{
		{name: "wrong audience", create: true, user: wrongAudience{verified("aud@example.com", "custody-officers")}, reason: "token", email: "aud@example.com"},
		{name: "nonce of another sign-in", create: true, user: replayedNonce{verified("nonce@example.com", "custody-officers")}, reason: "token", email: "nonce@example.com"},
		{name: "expired token", create: true, user: verified("late@example.com", "custody-officers"), reason: "token", email: "late@example.com",
			before: func(w *ssoWorld) { w.env.Clock.Advance(2 * time.Minute) }},
		{name: "unverified e-mail", create: true, user: &mockoidc.MockUser{Subject: "s-u", Email: "unverified@example.com", Groups: []string{"custody-officers"}},
			reason: "email_unverified", email: "unverified@example.com"},
		{name: "group that maps to no role", create: true, user: verified("marketing@example.com", "marketing"), reason: "no_role", email: "marketing@example.com"},
		{name: "no account and none created", create: false, user: verified("new@example.com", "custody-officers"), reason: "no_account", email: "new@example.com"},
		{name: "disabled account", create: true, user: verified("officer2@example.com", "custody-managers"), reason: "disabled", email: "officer2@example.com",
			existing: true, before: func(w *ssoWorld) {
				yes := true
				if _, err := w.env.Users.UpdateUser(w.env.As("admin@example.com"), w.userID("officer2@example.com"), custos.UserUpdate{Disabled: &yes}); err != nil {
					w.t.Fatal(err)
				}
			}},
		{name: "login expired at the provider", create: true, user: verified("slow@example.com", "custody-officers"), reason: "state", email: "slow@example.com",
			before: func(w *ssoWorld) { w.env.Clock.Advance(31 * time.Minute) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newSSOWorld(t, ssoOptions{createUsers: tc.create, loginTTL: 30 * time.Minute})
			w.provider.AccessTTL = time.Minute
			b := &browser{}
			back := w.start(b, tc.user)
			if tc.before != nil {
				tc.before(w)
			}
			if got, want := w.finish(b, back), "/login?sso_error="+tc.reason; got != want {
				t.Fatalf("sent to %q, want %q", got, want)
			}
			if b.session != nil {
				t.Error("a refused sign-in set a session cookie")
			}
			if tc.existing {
				if diff := cmp.Diff([]roleGrant{{1, custos.RoleOfficer}}, w.rolesOf(tc.email)); diff != "" {
					t.Errorf("a refused sign-in changed the roles (-want +got):\n%s", diff)
				}
			} else if w.userExists(tc.email) {
				t.Errorf("%s has an account after a refused sign-in", tc.email)
			}
			var failed struct {
				Reason string `json:"reason"`
			}
			if err := json.Unmarshal(w.lastEvent("session.login_failed").After, &failed); err != nil || failed.Reason != "sso_"+tc.reason {
				t.Errorf("audited refusal: %+v (%v)", failed, err)
			}
			var sessions int
			if err := w.env.SQL.Get(&sessions, `SELECT count(*) FROM sessions`); err != nil || sessions != 0 {
				t.Errorf("sessions after a refusal: %d (%v)", sessions, err)
			}
		})
	}
}

// TestSingleSignOnStateIsSingleUseAcrossReplicas starts a sign-in on one
// replica, finishes it on another (the pending sign-in is in the database),
// and replays the provider's answer on both: each replay is refused.
func TestSingleSignOnStateIsSingleUseAcrossReplicas(t *testing.T) {
	t.Parallel()
	w := newSSOWorld(t, ssoOptions{createUsers: true})
	e := w.env
	replica2 := httpapi.New(httpapi.Services{
		Auth: postgres.NewAuthService(e.Store), Users: e.Users, Teams: e.Teams, Custodians: postgres.NewCatalogueService(e.Store),
		Templates: postgres.NewCatalogueService(e.Store), Audit: e.Audit, Authz: e.Authz, Ready: e.Store.Ping,
		Evaluations: e.Evaluations, Memos: e.Memos,
	}, httpapi.Config{SSO: w.sso}, slog.New(slog.NewTextHandler(io.Discard, nil)))

	b := &browser{}
	back := w.start(b, &mockoidc.MockUser{Subject: "r-1", Email: "officer@example.com", EmailVerified: true})
	if got := w.callback(replica2, b, back); got != "/evaluations" {
		t.Fatalf("the other replica sent the browser to %q", got)
	}
	first := b.session
	for i, replica := range []http.Handler{replica2, e.Server} {
		b.session = nil
		if got := w.callback(replica, b, back); got != "/login?sso_error=state" {
			t.Errorf("replay %d sent to %q, want /login?sso_error=state", i+1, got)
		}
		if b.session != nil {
			t.Errorf("replay %d got a session", i+1)
		}
	}
	b.session = first
	apitest.ExpectStatus(t, w.signedIn(b).Do(http.MethodGet, "/api/v1/me", nil), http.StatusOK)

	// A sign-in never sends the browser to another site.
	for _, evil := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "evaluations"} {
		b := &browser{}
		if got := w.finish(b, w.startFrom(b, &mockoidc.MockUser{Subject: "r-1", Email: "officer@example.com", EmailVerified: true}, evil)); got != "/" {
			t.Errorf("return_to %q sent the browser to %q, want /", evil, got)
		}
	}

	// Another browser cannot finish a sign-in it did not start (login CSRF).
	b2 := &browser{}
	back2 := w.start(b2, &mockoidc.MockUser{Subject: "r-2", Email: "manager@example.com", EmailVerified: true})
	stranger := &browser{binding: &http.Cookie{Name: "custos_oidc", Value: "not-the-one"}}
	if got := w.callback(e.Server, stranger, back2); got != "/login?sso_error=state" {
		t.Errorf("a stranger's browser was sent to %q", got)
	}
	// ...and the attempt used the state up.
	if got := w.finish(b2, back2); got != "/login?sso_error=state" {
		t.Errorf("after a stranger's attempt the state still worked: %q", got)
	}
}

func TestPasswordsOffExceptForTheBreakGlassAdmin(t *testing.T) {
	t.Parallel()
	w := newSSOWorld(t, ssoOptions{passwordsOff: true, breakGlass: "Admin@Example.com"})
	var opts struct {
		LocalPasswords bool `json:"local_passwords"`
	}
	apitest.DecodeInto(t, w.env.Anonymous().Do(http.MethodGet, "/api/v1/session-options", nil), &opts)
	if opts.LocalPasswords {
		t.Error("session options say local passwords are on")
	}
	for _, email := range []string{"officer@example.com", "teamadmin@example.com", "nobody@example.com"} {
		res := w.env.Anonymous().Do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": apitest.Password})
		apitest.ExpectProblem(t, res, http.StatusForbidden)
	}
	if _, err := w.env.TryLogin("admin@example.com"); err != nil {
		t.Errorf("the break-glass admin cannot sign in: %v", err)
	}

	// A break-glass address that is not an organisation admin is refused too.
	w2 := newSSOWorld(t, ssoOptions{passwordsOff: true, breakGlass: "teamadmin@example.com"})
	apitest.ExpectProblem(t, w2.env.Anonymous().Do(http.MethodPost, "/api/v1/session",
		map[string]string{"email": "teamadmin@example.com", "password": apitest.Password}), http.StatusForbidden)

	// Single sign-on still works for everyone else.
	b := &browser{}
	if got := w.finish(b, w.start(b, &mockoidc.MockUser{Subject: "o", Email: "officer@example.com", EmailVerified: true})); got != "/evaluations" {
		t.Errorf("single sign-on with passwords off sent to %q", got)
	}
}

func (w *ssoWorld) userID(email string) int64 {
	w.t.Helper()
	u, err := w.env.Users.FindUserByEmail(context.Background(), email)
	if err != nil {
		w.t.Fatal(err)
	}
	return u.ID
}
