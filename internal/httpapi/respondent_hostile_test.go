package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
	"github.com/custos-dd/custos/internal/secret"
)

// respondentStack is a stack with the demo data, the officer signed in and
// a draft of custodians 1 and 2.
type respondentStack struct {
	env      *apitest.Env
	officer  *apitest.Client
	treasury int64
	ws       *custos.Workspace
}

func newRespondentStack(t *testing.T, opts ...apitest.Option) *respondentStack {
	env := apitest.New(t, opts...)
	teams := env.SeedDemo()
	s := &respondentStack{env: env, officer: env.Login("officer@example.com"), treasury: teams[demo.TreasuryTeam]}
	s.ws = env.OpenEvaluation(env.As("officer@example.com"), s.treasury, 1, 2)
	return s
}

func (s *respondentStack) respondent(token string) *apitest.Client {
	c := s.env.Anonymous()
	c.Invitation = token
	return c
}

// altered changes one character of a token, keeping its form.
func altered(token string, at int) string {
	b := []byte(token)
	if b[at] == 'A' {
		b[at] = 'B'
	} else {
		b[at] = 'A'
	}
	return string(b)
}

func TestRespondent_HostileLinks(t *testing.T) {
	t.Parallel()
	// TestRespondent_RateLimited tests the limits; here they would get in the way.
	s := newRespondentStack(t, apitest.RespondentLimits(1_000_000, 1_000_000))
	sections := s.ws.Template.Sections
	inScope, outOfScope := sections[0].Items[0].ID, sections[1].Items[0].ID
	issued := invite(t, s.officer, s.ws.Evaluation.ID, 1, map[string]any{"section_keys": []string{sections[0].Key}})
	r := s.respondent(issued.Token)

	t.Run("a guessed, altered or malformed token opens nothing, with one answer for all", func(t *testing.T) {
		var details []string
		for _, token := range []string{secret.NewToken(custos.InvitationTokenPrefix), altered(issued.Token, len(issued.Token)-1),
			altered(issued.Token, 10), issued.Token[:len(issued.Token)-1], issued.Token + "A", "cri_", "x", strings.ToUpper(issued.Token),
			secret.NewToken(secret.APITokenPrefix)} {
			p := apitest.ExpectProblem(t, s.respondent(token).Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusUnauthorized)
			apitest.ExpectProblem(t, respond(t, s.respondent(token), inScope, "met", "Guess."), http.StatusUnauthorized)
			details = append(details, p.Detail)
		}
		if u := slices.Compact(details); len(u) != 1 {
			t.Errorf("the answers tell bad tokens apart: %q", u)
		}
		apitest.ExpectProblem(t, s.env.Anonymous().Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusUnauthorized)
	})

	t.Run("only the invited custodian's items in scope", func(t *testing.T) {
		res := r.Do(http.MethodGet, "/api/v1/respondent", nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		q := apitest.Decode[custos.Questionnaire](t, res)
		if len(q.Sections) != 1 || q.Sections[0].Key != sections[0].Key {
			t.Errorf("sections %+v, want only %s", q.Sections, sections[0].Key)
		}
		apitest.ExpectProblem(t, respond(t, r, outOfScope, "met", "Not asked."), http.StatusNotFound)
		apitest.ExpectProblem(t, respond(t, r, 999999, "met", "No such item."), http.StatusNotFound)
		apitest.ExpectProblem(t, respondUpload(r, outOfScope, "a.pdf", apitest.TinyPDF), http.StatusNotFound)
		apitest.ExpectFieldErrors(t, respond(t, r, inScope, "not_met", ""), "note")
		apitest.ExpectFieldErrors(t, respond(t, r, inScope, "done", "x"), "status")
	})

	t.Run("the token reaches no other route: not this evaluation's, not its custodian's", func(t *testing.T) {
		id := s.ws.Evaluation.ID
		paths := []struct{ method, path string }{
			{http.MethodGet, apitest.EvalPath(id)},
			{http.MethodGet, apitest.EvalPath(id, "/invitations")},
			{http.MethodPut, apitest.AnswerPath(id, 1, inScope)},
			{http.MethodPut, apitest.AnswerPath(id, 2, inScope)},
			{http.MethodPost, apitest.EvalPath(id, fmt.Sprintf("/invitations/%d/revoke", issued.Invitation.ID))},
			{http.MethodGet, "/api/v1/me"},
			{http.MethodGet, "/api/v1/custodians/1"},
		}
		for _, p := range paths {
			for name, h := range map[string]http.Header{
				"header": {"X-Invitation-Token": {issued.Token}},
				"bearer": {"Authorization": {"Bearer " + issued.Token}},
				"cookie": {"Cookie": {"custos_session=" + issued.Token}},
			} {
				h.Set("Content-Type", "application/json")
				res := s.env.Anonymous().Request(p.method, p.path, strings.NewReader(`{"status":"met","note":"x"}`), h)
				if res.Status != http.StatusUnauthorized {
					t.Errorf("%s %s with the token as %s: %d, want 401 as for anyone anonymous", p.method, p.path, name, res.Status)
				}
			}
		}
		// Nor does the query string or a cookie open the respondent's own routes.
		for _, h := range []http.Header{{"Cookie": {"custos_session=" + issued.Token}}, {"Authorization": {"Bearer " + issued.Token}}} {
			apitest.ExpectProblem(t, s.env.Anonymous().Request(http.MethodGet, "/api/v1/respondent?token="+issued.Token, nil, h), http.StatusUnauthorized)
		}
	})

	t.Run("uploads under the evidence rules", func(t *testing.T) {
		apitest.ExpectFieldErrors(t, respondUpload(r, inScope, "page.pdf", []byte("<!DOCTYPE html><script>alert(1)</script>")), "file")
		apitest.ExpectFieldErrors(t, respondUpload(r, inScope, "tool.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 64)...)), "file")
		apitest.ExpectFieldErrors(t, respondUpload(r, inScope, "empty.pdf", nil), "file")
		apitest.ExpectProblem(t, respondUpload(r, inScope, "big.txt", bytes.Repeat([]byte("a"), custos.MaxEvidenceBytes+1)), http.StatusRequestEntityTooLarge)
		apitest.ExpectProblem(t, r.Do(http.MethodPost, fmt.Sprintf("/api/v1/respondent/items/%d/documents", inScope), `{"file":"x"}`), http.StatusUnsupportedMediaType)
		res := respondUpload(r, inScope, `..\..\etc\soc2.pdf`, apitest.TinyPDF)
		apitest.ExpectStatus(t, res, http.StatusCreated)
		if d := apitest.Decode[custos.ResponseDocument](t, res); d.Label != "soc2.pdf" || d.ContentType != "application/pdf" {
			t.Errorf("stored %q as %s", d.Label, d.ContentType)
		}
	})

	t.Run("cross-site writes cannot carry the token", func(t *testing.T) {
		// A cross-site form can send neither a header nor JSON: without the
		// header it opens nothing, whatever its cookies and origin.
		form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"https://evil.example"},
			"Cookie": {"custos_session=" + issued.Token}}
		apitest.ExpectProblem(t, s.env.Anonymous().Request(http.MethodPost, "/api/v1/respondent/submit",
			strings.NewReader("token="+issued.Token), form), http.StatusUnauthorized)
		// Even with the header, a form's body type is refused.
		form.Set(httpapi.InvitationHeader, issued.Token)
		apitest.ExpectProblem(t, s.env.Anonymous().Request(http.MethodPut, fmt.Sprintf("/api/v1/respondent/items/%d", inScope),
			strings.NewReader("status=met"), form), http.StatusUnsupportedMediaType)
		// And a cross-site script's preflight is never granted.
		res := s.env.Anonymous().Request(http.MethodOptions, "/api/v1/respondent/submit", nil, http.Header{"Origin": {"https://evil.example"},
			"Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"x-invitation-token"}})
		for k := range res.Header {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				t.Errorf("the preflight is answered with %s: %v", k, res.Header[k])
			}
		}
	})

	t.Run("revoked", func(t *testing.T) {
		other := invite(t, s.officer, s.ws.Evaluation.ID, 2, nil)
		res := s.officer.Do(http.MethodPost, apitest.EvalPath(s.ws.Evaluation.ID, fmt.Sprintf("/invitations/%d/revoke", other.Invitation.ID)), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		if got := apitest.Decode[custos.Invitation](t, res); got.State != custos.StateRevoked {
			t.Errorf("revoked invitation is %s", got.State)
		}
		apitest.ExpectProblem(t, s.respondent(other.Token).Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusGone)
		apitest.ExpectProblem(t, respond(t, s.respondent(other.Token), inScope, "met", "Late."), http.StatusGone)
		apitest.ExpectProblem(t, s.officer.Do(http.MethodPost, apitest.EvalPath(s.ws.Evaluation.ID,
			fmt.Sprintf("/invitations/%d/revoke", other.Invitation.ID)), nil), http.StatusConflict)
		// Another evaluation's invitation is not found under this one.
		ws2 := s.env.OpenEvaluation(s.env.As("officer@example.com"), s.treasury, 1, 2)
		apitest.ExpectProblem(t, s.officer.Do(http.MethodPost, apitest.EvalPath(ws2.Evaluation.ID,
			fmt.Sprintf("/invitations/%d/revoke", issued.Invitation.ID)), nil), http.StatusNotFound)
	})

	t.Run("invitations are for candidates of drafts, and validated", func(t *testing.T) {
		id := s.ws.Evaluation.ID
		apitest.ExpectProblem(t, s.officer.Do(http.MethodPost, apitest.EvalPath(id, "/invitations"),
			map[string]any{"custodian_id": 7, "name": "X", "email": "x@example.org"}), http.StatusNotFound)
		apitest.ExpectFieldErrors(t, s.officer.Do(http.MethodPost, apitest.EvalPath(id, "/invitations"),
			map[string]any{"custodian_id": 1, "name": " ", "email": "not-an-address", "expires_in_days": 91}), "name", "email", "expires_in_days")
		apitest.ExpectFieldErrors(t, s.officer.Do(http.MethodPost, apitest.EvalPath(id, "/invitations"),
			map[string]any{"custodian_id": 1, "name": "X", "email": "x@example.org", "section_keys": []string{"nope"}}), "section_keys")
	})

	t.Run("expired", func(t *testing.T) {
		short := invite(t, s.officer, s.ws.Evaluation.ID, 1, map[string]any{"expires_in_days": 1})
		apitest.ExpectStatus(t, s.respondent(short.Token).Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusOK)
		s.env.Clock.Advance(24 * time.Hour)
		p := apitest.ExpectProblem(t, s.respondent(short.Token).Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusGone)
		if !strings.Contains(p.Detail, "expired") {
			t.Errorf("expired link: %q", p.Detail)
		}
		apitest.ExpectProblem(t, respond(t, s.respondent(short.Token), inScope, "met", "Late."), http.StatusGone)
		apitest.ExpectProblem(t, s.respondent(short.Token).Do(http.MethodPost, "/api/v1/respondent/submit", nil), http.StatusGone)
	})
}

// Links that open nothing are limited per address, then every respondent
// request from that address waits; other addresses are not affected, and a
// minute later the address may try again.
func TestRespondent_RateLimited(t *testing.T) {
	t.Parallel()
	s := newRespondentStack(t, apitest.RespondentLimits(30, 5))
	issued := invite(t, s.officer, s.ws.Evaluation.ID, 1, nil)
	guesser := s.respondent(secret.NewToken(custos.InvitationTokenPrefix))
	guesser.RemoteAddr = "203.0.113.7:4000"
	for i := 0; i < 5; i++ {
		apitest.ExpectProblem(t, guesser.Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusUnauthorized)
	}
	guesser.Invitation = issued.Token // even the right token waits now
	res := guesser.Do(http.MethodGet, "/api/v1/respondent", nil)
	apitest.ExpectProblem(t, res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	apitest.ExpectStatus(t, s.respondent(issued.Token).Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusOK)
	s.env.Clock.Advance(time.Minute)
	apitest.ExpectStatus(t, guesser.Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusOK)

	// Requests with a good token are bounded too.
	busy := s.respondent(issued.Token)
	busy.RemoteAddr = "203.0.113.8:4000"
	for i := 0; i < 30; i++ {
		apitest.ExpectStatus(t, busy.Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusOK)
	}
	apitest.ExpectProblem(t, busy.Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusTooManyRequests)
}

// The token is looked up by its SHA-256, so the time a wrong token takes
// does not depend on how much of the right one it guessed. The test times,
// interleaved, a random token, a near miss (the right token with its last
// character changed) and a half match, and checks loosely that their
// distributions overlap: the medians within a factor of two, each median
// inside the other's interquartile range widened by the same factor. A
// valid token is timed beside them for the record: it does more work (it
// loads the questionnaire), which tells nothing its 200 does not.
func TestRespondent_TokenTimingDoesNotDependOnTheGuess(t *testing.T) {
	t.Parallel()
	s := newRespondentStack(t, apitest.RespondentLimits(1_000_000, 1_000_000))
	issued := invite(t, s.officer, s.ws.Evaluation.ID, 1, nil)
	half := issued.Token[:len(issued.Token)/2] + secret.NewToken(custos.InvitationTokenPrefix)[len(issued.Token)/2:]
	kinds := []struct {
		name, token string
		status      int
	}{
		{"random", secret.NewToken(custos.InvitationTokenPrefix), http.StatusUnauthorized},
		{"near miss", altered(issued.Token, len(issued.Token)-1), http.StatusUnauthorized},
		{"half match", half, http.StatusUnauthorized},
		{"valid", issued.Token, http.StatusOK},
	}
	const rounds = 200
	samples := make([][]time.Duration, len(kinds))
	for i := 0; i < rounds; i++ {
		for j := range kinds {
			k := kinds[(i+j)%len(kinds)] // rotate the order so no kind always goes first
			idx := (i + j) % len(kinds)
			// The server alone is timed, without the harness's OpenAPI checks.
			req := httptest.NewRequest(http.MethodGet, "/api/v1/respondent", nil)
			req.Header.Set(httpapi.InvitationHeader, k.token)
			rec := httptest.NewRecorder()
			start := time.Now()
			s.env.Server.ServeHTTP(rec, req)
			samples[idx] = append(samples[idx], time.Since(start))
			if rec.Code != k.status {
				t.Fatalf("%s: %d, want %d", k.name, rec.Code, k.status)
			}
		}
	}
	type spread struct{ p25, p50, p75 time.Duration }
	stats := make([]spread, len(kinds))
	for i, ss := range samples {
		sort.Slice(ss, func(a, b int) bool { return ss[a] < ss[b] })
		stats[i] = spread{ss[len(ss)/4], ss[len(ss)/2], ss[3*len(ss)/4]}
		t.Logf("%-10s p25 %v  median %v  p75 %v", kinds[i].name, stats[i].p25, stats[i].p50, stats[i].p75)
	}
	random := stats[0]
	for _, i := range []int{1, 2} {
		st := stats[i]
		if st.p50 > 2*random.p50 || random.p50 > 2*st.p50 {
			t.Errorf("%s: median %v against a random token's %v", kinds[i].name, st.p50, random.p50)
		}
		if st.p50 < random.p25/2 || st.p50 > 2*random.p75 || random.p50 < st.p25/2 || random.p50 > 2*st.p75 {
			t.Errorf("%s: the distributions do not overlap (%v against %v)", kinds[i].name, st, random)
		}
	}
}
