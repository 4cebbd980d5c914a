package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/demo"
)

func TestEveryAnswerCarriesSecurityHeaders(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")
	for _, res := range []*apitest.Response{
		env.Anonymous().Do(http.MethodGet, "/", nil),
		env.Anonymous().Do(http.MethodGet, "/api/v1/me", nil),
		officer.Do(http.MethodGet, "/api/v1/me", nil),
	} {
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("no nosniff: %v", res.Header)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP not strict: %q", csp)
		}
		if res.Header.Get("X-Request-ID") == "" {
			t.Error("no request ID")
		}
	}
	if cc := officer.Do(http.MethodGet, "/api/v1/me", nil).Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("authenticated answer Cache-Control = %q, want no-store", cc)
	}
}

func TestRequestIDIsTheServersOwnAndTheClientsIsLoggedBesideIt(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	env := apitest.New(t, apitest.LogTo(&logs))
	env.SeedDemo()
	// Two requests sending the same X-Request-ID get two IDs of the server's
	// own; the client's is logged beside each, never used as the ID.
	h := http.Header{"X-Request-Id": {"trace-42"}}
	officer := env.Login("officer@example.com")
	first := officer.Request(http.MethodGet, "/api/v1/me", nil, h).Header.Get("X-Request-ID")
	second := officer.Request(http.MethodGet, "/api/v1/me", nil, h).Header.Get("X-Request-ID")
	if first == "" || first == "trace-42" || first == second {
		t.Errorf("request IDs %q and %q: want two distinct IDs of the server's own", first, second)
	}
	for _, id := range []string{first, second} {
		if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
			t.Errorf("no log line names request %s", id)
		}
	}
	if n := strings.Count(logs.String(), `"client_request_id":"trace-42"`); n != 2 {
		t.Errorf("the client's request ID is logged %d times, want 2 (beside each server ID)", n)
	}
	// Audited writes (here two sign-ins) record the server's ID as the
	// event's request_id and the client's beside it, and the chain holds.
	body := `{"email":"officer@example.com","password":"` + apitest.Password + `"}`
	jh := http.Header{"X-Request-Id": {"trace-42"}, "Content-Type": {"application/json"}}
	var ids []string
	for range 2 {
		res := env.Anonymous().Request(http.MethodPost, "/api/v1/session", strings.NewReader(body), jh)
		if res.Status != http.StatusCreated {
			t.Fatalf("sign in: %d %s", res.Status, res.Body)
		}
		ids = append(ids, res.Header.Get("X-Request-ID"))
	}
	var events []struct {
		RequestID       string `db:"request_id"`
		ClientRequestID string `db:"client_request_id"`
	}
	if err := env.SQL.Select(&events, `SELECT request_id, client_request_id FROM audit_events WHERE request_id = ANY($1) ORDER BY seq`, pq.StringArray(ids)); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].RequestID == events[1].RequestID || events[0].ClientRequestID != "trace-42" || events[1].ClientRequestID != "trace-42" {
		t.Errorf("audit events of two sign-ins sending X-Request-ID trace-42: %+v (server IDs %v)", events, ids)
	}
	if r, err := env.Audit.VerifyAuditChain(context.Background()); err != nil || !r.Valid {
		t.Errorf("the chain with client request IDs: %+v, %v", r, err)
	}

	h = http.Header{"X-Request-Id": {"<script>"}}
	if got := env.Anonymous().Request(http.MethodGet, "/healthz", nil, h).Header.Get("X-Request-ID"); got == "<script>" || got == "" {
		t.Errorf("an unsafe request ID was echoed or none made: %q", got)
	}
	if strings.Contains(logs.String(), "<script>") {
		t.Error("an unsafe client request ID reached the log")
	}
	// The problem document names the request ID too.
	res := env.Anonymous().Do(http.MethodGet, "/api/v1/me", nil)
	if p := res.Problem(); p.RequestID != res.Header.Get("X-Request-ID") || p.Status != 401 {
		t.Errorf("problem %+v does not carry the request ID %q", p, res.Header.Get("X-Request-ID"))
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	anon := env.Anonymous()
	if res := anon.Do(http.MethodGet, "/healthz", nil); res.Status != 200 {
		t.Fatalf("healthz %d", res.Status)
	}
	if res := anon.Do(http.MethodGet, "/readyz", nil); res.Status != 200 {
		t.Fatalf("readyz %d", res.Status)
	}
	anon.Do(http.MethodGet, "/api/v1/custodians", nil)
	if res := anon.Do(http.MethodGet, "/metrics", nil); strings.Contains(string(res.Body), "custos_http_requests_total") {
		t.Errorf("/metrics is served on the API listener; it belongs on its own address")
	}
	rec := httptest.NewRecorder()
	env.Server.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`custos_http_requests_total{method="GET",route="/api/v1/custodians",status="401"} 1`,
		`custos_http_request_duration_seconds_bucket{method="GET",route="/readyz"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Readiness follows the database.
	env.Store.Close()
	if res := anon.Do(http.MethodGet, "/readyz", nil); res.Status != http.StatusServiceUnavailable {
		t.Fatalf("readyz without a database: %d, want 503", res.Status)
	}
}

func TestUnknownPathsAndMethodsAnswerWithProblems(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	anon := env.Anonymous()
	if res := anon.Do(http.MethodGet, "/api/v1/nothing-here", nil); res.Status != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown API path: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if res := anon.Do(http.MethodPut, "/api/v1/me", nil); res.Status != 405 {
		t.Errorf("wrong method: %d, want 405", res.Status)
	}
	// The web app's client-side routes get its entry page.
	if res := anon.Do(http.MethodGet, "/evaluations/12", nil); res.Status != 200 || !strings.Contains(string(res.Body), "<html") {
		t.Errorf("client-side route: %d", res.Status)
	}
}

func TestAuditTrailIsPagedNewestFirstAndVerifiable(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	treasury := teams[demo.TreasuryTeam]
	auditor := env.Login("auditor@example.com")

	var page struct {
		Items []struct {
			Seq    int64  `json:"seq"`
			Action string `json:"action"`
			TeamID *int64 `json:"team_id"`
		} `json:"items"`
		NextBefore *int64 `json:"next_before"`
	}
	auditor.Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&limit=3", treasury), nil).JSON(&page)
	if len(page.Items) != 3 || page.NextBefore == nil || page.Items[0].Seq <= page.Items[2].Seq {
		t.Fatalf("first page: %+v", page)
	}
	seen := len(page.Items)
	for page.NextBefore != nil {
		next := *page.NextBefore
		page.Items, page.NextBefore = nil, nil
		auditor.Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&limit=3&before=%d", treasury, next), nil).JSON(&page)
		for _, e := range page.Items {
			if e.TeamID == nil || *e.TeamID != treasury || e.Seq >= next {
				t.Fatalf("event %+v does not belong on this page", e)
			}
		}
		seen += len(page.Items)
	}
	var want int
	env.SQL.Get(&want, `SELECT count(*) FROM audit_events WHERE team_id = $1`, treasury)
	if seen != want {
		t.Fatalf("paged through %d events, the team has %d", seen, want)
	}

	type chainReport struct {
		Valid        bool  `json:"valid"`
		Checked      int64 `json:"checked"`
		HeadSeq      int64 `json:"head_seq"`
		VerifiedFrom int64 `json:"verified_from"`
		Broken       *struct {
			Seq int64 `json:"seq"`
		} `json:"first_broken"`
	}
	verify := func(query string) chainReport {
		t.Helper()
		var r chainReport
		res := auditor.Do(http.MethodGet, "/api/v1/audit/verify"+query, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("verify%s: %d %s", query, res.Status, res.Body)
		}
		res.JSON(&r)
		return r
	}
	first := verify("")
	if !first.Valid || first.VerifiedFrom != 0 || first.Checked != first.HeadSeq {
		t.Fatalf("a clean chain's first verification walks all of it: %+v", first)
	}
	// Later verifications go on from the head verified last.
	env.Login("officer2@example.com") // one more event: the sign-in
	next := verify("")
	if !next.Valid || next.VerifiedFrom != first.HeadSeq || next.Checked != next.HeadSeq || next.HeadSeq == first.HeadSeq {
		t.Fatalf("verification after %+v: %+v, want it to go on from head %d", first, next, first.HeadSeq)
	}
	if full := verify("?full=true"); !full.Valid || full.VerifiedFrom != 0 || full.Checked != full.HeadSeq {
		t.Fatalf("full=true: %+v, want the whole chain", full)
	}
	if res := auditor.Do(http.MethodGet, "/api/v1/audit/verify?full=yes", nil); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `"full"`) {
		t.Fatalf("full=yes: %d %s, want 400 naming full", res.Status, res.Body)
	}
	// A superuser's rewrite of an event before the mark that leaves its hash
	// as it was is found by the whole walk (and the signed checkpoints), not
	// by the check since the mark, which trusts what it verified before.
	su := apitest.Superuser(t, env.Conf)
	su.MustExec(`SET session_replication_role = replica; UPDATE audit_events SET object_id = 'x' WHERE seq = 2`)
	if r := verify("?full=true"); r.Valid || r.Broken == nil || r.Broken.Seq != 2 {
		t.Fatalf("tampered chain, full=true: %+v", r)
	}
	// Rewriting the event verified last is found by the check since the mark.
	su.MustExec(fmt.Sprintf(`SET session_replication_role = replica; UPDATE audit_events SET hash = sha256(hash) WHERE seq = %d`, next.HeadSeq))
	if r := verify(""); r.Valid || r.Broken == nil || r.Broken.Seq != next.HeadSeq {
		t.Fatalf("the event verified last rewritten: %+v", r)
	}
}

func TestWebAppIsServedWithCachingThatFitsEachFile(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	anon := env.Anonymous()
	index := anon.Do(http.MethodGet, "/", nil)
	if index.Status != 200 || index.Header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(index.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("index: %d %v", index.Status, index.Header)
	}
	asset := anon.Do(http.MethodGet, "/assets/app-1a2b.js", nil)
	if asset.Status != 200 || !strings.Contains(asset.Header.Get("Cache-Control"), "immutable") || !strings.Contains(asset.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("hashed asset: %d %v", asset.Status, asset.Header)
	}
	if csp := asset.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}
}

func TestMadeUpMethodsAndPathsAddNoMetricSeries(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	scrape := func() string {
		rec := httptest.NewRecorder()
		env.Server.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		return rec.Body.String()
	}
	for i := range 300 {
		req := httptest.NewRequest(fmt.Sprintf("XFOO%d", i), fmt.Sprintf("/api/v1/custodians/%d/x%d", i, i), nil)
		env.Server.ServeHTTP(httptest.NewRecorder(), req)
	}
	body := scrape()
	series := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "custos_http_requests_total{") {
			series++
			if strings.Contains(line, "XFOO") || strings.Contains(line, "/x") {
				t.Errorf("a client-chosen value became a label: %s", line)
			}
		}
	}
	if series != 1 || !strings.Contains(body, `custos_http_requests_total{method="other",route="unmatched",status="405"} 300`) &&
		!strings.Contains(body, `custos_http_requests_total{method="other",route="unmatched",status="404"} 300`) {
		t.Errorf("300 made-up methods and paths made %d series, want 1 (method other, route unmatched):\n%s", series, body)
	}
}
