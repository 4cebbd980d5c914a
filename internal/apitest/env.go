package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/peterldowns/pgtestdb"

	"github.com/custos-dd/custos/internal/authz"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

// Password is every test account's password.
const Password = "correct-horse-battery-staple"

// Clock is a settable clock for the store.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is the whole stack over one test's own database.
type Env struct {
	T      *testing.T
	SQL    *sqlx.DB
	Conf   pgtestdb.Config
	Store  *postgres.DB
	Clock  *Clock
	Server *httpapi.Server
	Authz  *authz.Authorizer
	Users  *postgres.UserService
	Teams  *postgres.TeamService
	Audit  *postgres.AuditService
	// Evaluations is the workflow service.
	Evaluations *postgres.EvaluationService
	// Memos issues and verifies memos, signed by Signer.
	Memos  *postgres.MemoService
	Signer *signing.Signer
	// Invitations are respondent invitations.
	Invitations *postgres.InvitationService
	// Queries counts the SQL statements sent to this test's database.
	Queries *QueryCounter
}

// webApp stands in for the built web app, so the Go tests do not depend on
// the npm build.
var webApp = fstest.MapFS{
	"index.html":            {Data: []byte("<!doctype html><html><head><script type=\"module\" src=\"/assets/app-1a2b.js\"></script></head><body><div id=\"root\"></div></body></html>")},
	"assets/app-1a2b.js":    {Data: []byte("console.log('custos')")},
	"assets/style-1a2b.css": {Data: []byte("body{}")},
}

// Option changes how New builds the stack.
type Option func(*options)

type options struct {
	cfg    httpapi.Config
	logOut io.Writer
	sso    func(store *postgres.DB) httpapi.SSOConfig
	// uploads, when set, is the invitations' upload allowance.
	uploads *custos.UploadAllowance
}

// SSO configures single sign-on (and password sign-in) with the test's store.
func SSO(f func(store *postgres.DB) httpapi.SSOConfig) Option { return func(o *options) { o.sso = f } }

// SecureCookies serves as if behind HTTPS.
func SecureCookies() Option { return func(o *options) { o.cfg.SecureCookies = true } }

// TrustedProxies makes the server believe X-Forwarded-For from these peers.
func TrustedProxies(p ...netip.Prefix) Option {
	return func(o *options) { o.cfg.TrustedProxies = p }
}

// RequestTimeout sets every request's deadline.
func RequestTimeout(d time.Duration) Option { return func(o *options) { o.cfg.RequestTimeout = d } }

// RespondentLimits sets the respondent routes' per-address limits a minute.
func RespondentLimits(requests, badLinks int) Option {
	return func(o *options) {
		o.cfg.RespondentRequestsPerMinute, o.cfg.RespondentBadLinksPerMinute = requests, badLinks
	}
}

// RespondentUploads sets what one invitation may hold in documents.
func RespondentUploads(a custos.UploadAllowance) Option {
	return func(o *options) { o.uploads = &a }
}

// LogTo sends the server's log, at debug level, to w as well.
func LogTo(w io.Writer) Option { return func(o *options) { o.logOut = w } }

// New builds the stack on a fresh database.
func New(t *testing.T, opts ...Option) *Env {
	t.Helper()
	o := options{cfg: httpapi.Config{MaxBodyBytes: 64 << 10, Frontend: webApp}}
	for _, opt := range opts {
		opt(&o)
	}
	sqlDB, conf, counter := newCountedDB(t)
	store := postgres.New(sqlDB)
	if err := store.PrepareHot(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock := &Clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	store.Now = clock.Now
	if o.sso != nil {
		o.cfg.SSO = o.sso(store)
	}
	e := &Env{T: t, SQL: sqlDB, Conf: conf, Store: store, Clock: clock, Queries: counter,
		Evaluations: postgres.NewEvaluationService(store),
		Users:       postgres.NewUserService(store), Teams: postgres.NewTeamService(store), Audit: postgres.NewAuditService(store)}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if o.logOut != nil {
		log = slog.New(slog.NewJSONHandler(io.MultiWriter(o.logOut, testWriter{t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, err := authz.New(context.Background(), e.Teams, log)
	if err != nil {
		t.Fatal(err)
	}
	e.Authz = a
	signer, err := signing.NewDevelopment(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := memo.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	e.Signer = signer
	e.Memos = postgres.NewMemoService(store, e.Evaluations, renderer, signer, signer.Verifier())
	e.Invitations = postgres.NewInvitationService(store, e.Evaluations)
	if o.uploads != nil {
		e.Invitations.LimitUploads(*o.uploads)
	}
	o.cfg.Now = clock.Now
	catalogue := postgres.NewCatalogueService(store)
	e.Server = httpapi.New(httpapi.Services{
		Auth: postgres.NewAuthService(store), Users: e.Users, Teams: e.Teams,
		Custodians: catalogue, Templates: catalogue, Audit: e.Audit, Authz: a, Ready: store.Ping,
		Evaluations: e.Evaluations, Memos: e.Memos, Relationships: postgres.NewRelationshipService(store),
		Exports:       postgres.NewExportService(store, e.Evaluations),
		Assurance:     postgres.NewAssuranceService(store),
		Notifications: postgres.NewNotificationService(store),
		Invitations:   e.Invitations,
	}, o.cfg, log)
	return e
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// SeedDemo adds the demo teams and accounts (password Password) and returns
// the teams' IDs by name.
func (e *Env) SeedDemo() map[string]int64 {
	e.T.Helper()
	ctx := custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})
	if err := demo.Seed(ctx, e.Users, e.Teams, Password); err != nil {
		e.T.Fatal(err)
	}
	if err := e.Authz.Reload(ctx); err != nil {
		e.T.Fatal(err)
	}
	ids := map[string]int64{}
	for _, name := range []string{demo.TreasuryTeam, demo.OtherTeam} {
		tm, err := e.Teams.FindTeamByName(ctx, name)
		if err != nil {
			e.T.Fatal(err)
		}
		ids[name] = tm.ID
	}
	return ids
}

// Response is what the server answered.
type Response struct {
	t      *testing.T
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map() map[string]any {
	var m map[string]any
	r.JSON(&m)
	return m
}

// Problem decodes a problem document.
func (r *Response) Problem() httpapi.Problem {
	var p httpapi.Problem
	r.JSON(&p)
	return p
}

// Client calls the server as one party: anonymous, a session or an API token.
type Client struct {
	env    *Env
	Cookie *http.Cookie
	CSRF   string
	Bearer string
	// Invitation is a respondent's invitation token, sent in its header.
	Invitation string
	// RemoteAddr is the peer address requests come from (host:port);
	// httptest's 192.0.2.1:1234 when empty.
	RemoteAddr string
}

// Anonymous is a client with no credentials.
func (e *Env) Anonymous() *Client { return &Client{env: e} }

// Login signs in through the API and returns a client holding the session.
func (e *Env) Login(email string) *Client {
	e.T.Helper()
	c, err := e.TryLogin(email)
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

// TryLogin signs in like Login but returns an error instead of failing the
// test, so that it can run on any goroutine.
func (e *Env) TryLogin(email string) (*Client, error) {
	c := e.Anonymous()
	res := c.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": Password})
	if res.Status != http.StatusCreated {
		return nil, fmt.Errorf("login %s: %d %s", email, res.Status, res.Body)
	}
	for _, ck := range res.Header.Values("Set-Cookie") {
		if parsed, err := http.ParseSetCookie(ck); err == nil && parsed.Value != "" {
			c.Cookie = parsed
		}
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(res.Body, &me); err != nil {
		return nil, fmt.Errorf("login %s: %w", email, err)
	}
	c.CSRF = me.CSRF
	return c, nil
}

// Request is a raw request for cases the JSON helper cannot express.
func (c *Client) Request(method, path string, body io.Reader, header http.Header) *Response {
	c.env.T.Helper()
	req := httptest.NewRequest(method, path, body)
	if c.RemoteAddr != "" {
		req.RemoteAddr = c.RemoteAddr
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.Cookie != nil {
		req.AddCookie(&http.Cookie{Name: c.Cookie.Name, Value: c.Cookie.Value})
		if c.CSRF != "" && req.Header.Get(httpapi.CSRFHeader) == "" {
			req.Header.Set(httpapi.CSRFHeader, c.CSRF)
		}
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	if c.Invitation != "" {
		req.Header.Set(httpapi.InvitationHeader, c.Invitation)
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	rec := httptest.NewRecorder()
	c.env.Server.ServeHTTP(rec, req)
	res := &Response{t: c.env.T, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkAgainstOpenAPI(c.env.T, method, path, header, reqBody, res)
	return res
}

// Do sends body (nil, a string taken as raw JSON text, or a value to marshal)
// as application/json.
func (c *Client) Do(method, path string, body any) *Response {
	c.env.T.Helper()
	var r io.Reader
	h := http.Header{}
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
		h.Set("Content-Type", "application/json")
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.env.T.Fatal(err)
		}
		r = bytes.NewReader(raw)
		h.Set("Content-Type", "application/json")
	}
	return c.Request(method, path, r, h)
}
