package postgres_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/postgres"
)

// The hot requests' statements, counted at the driver (BEGIN and COMMIT are
// not statements there: a write adds those two). With binary_parameters=yes,
// which the server's connections use, each statement is one round trip.
func TestHotRequestsSendFewStatements(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.OpenEvaluation(env.As("officer@example.com"), teams["Demo Treasury"], 1, 4)
	c := env.Login("officer@example.com")
	item := ws.Template.Items()[0].ID
	path := fmt.Sprintf("/api/v1/evaluations/%d/custodians/1/answers/%d", ws.Evaluation.ID, item)
	put := func(status string) {
		t.Helper()
		if res := c.Do(http.MethodPut, path, map[string]string{"status": status, "note": "Checked."}); res.Status != http.StatusOK {
			t.Fatalf("PUT answer: %d %s", res.Status, res.Body)
		}
	}
	put("met") // the first request of a process reads the template and the evaluation's team once

	cases := []struct {
		name string
		do   func()
		max  int64
	}{
		// session, locked header with the answer, upsert with the version, audit append
		{"answer write", func() { put("not_applicable") }, 4},
		// the session with the account and its memberships (last_seen_at is
		// written at most once a minute)
		{"GET /me", func() {
			if res := c.Do(http.MethodGet, "/api/v1/me", nil); res.Status != http.StatusOK {
				t.Fatalf("GET /me: %d", res.Status)
			}
		}, 1},
	}
	for _, tc := range cases {
		// A connection's first run of a hot statement prepares it (one more
		// round trip, once in the connection's life): the pool's connections
		// are warmed first, and each request is counted on warm ones.
		for range 8 {
			tc.do()
		}
		got := env.Queries.During(tc.do)
		t.Logf("%s: %d statements", tc.name, got)
		if got > tc.max {
			t.Errorf("%s sent %d statements, want at most %d", tc.name, got, tc.max)
		}
	}
}

// The hot statements are prepared once per connection and then only bound
// and executed: many writes and reads from many clients at once never make
// a connection prepare the same statement twice, and each is still one
// statement at the driver.
func TestHotStatementsArePreparedOncePerConnection(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.OpenEvaluation(env.As("officer@example.com"), teams["Demo Treasury"], 1, 4)
	c := env.Login("officer@example.com")
	items := ws.Template.Items()
	prepares0, runs0 := env.Queries.Prepared()
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := range 10 {
				item := items[(w*10+i)%len(items)].ID
				path := fmt.Sprintf("/api/v1/evaluations/%d/custodians/1/answers/%d", ws.Evaluation.ID, item)
				if res := c.Do(http.MethodPut, path, map[string]string{"status": "met", "note": "Checked."}); res.Status != http.StatusOK {
					t.Errorf("PUT answer: %d %s", res.Status, res.Body)
				}
				if res := c.Do(http.MethodGet, "/api/v1/me", nil); res.Status != http.StatusOK {
					t.Errorf("GET /me: %d", res.Status)
				}
			}
		})
	}
	wg.Wait()
	prepares, runs := env.Queries.Prepared()
	// 60 writes (session, header, upsert, audit) and 60 reads (session) run
	// at least 300 prepared statements; preparing them takes one round trip
	// per statement and connection, not per run.
	if runs-runs0 < 300 || prepares-prepares0 >= (runs-runs0)/4 {
		t.Errorf("%d runs of prepared statements after %d preparations; want at least 300 runs, 4 for each preparation", runs-runs0, prepares-prepares0)
	}
	if n := env.Queries.Reprepared(); n != 0 {
		t.Errorf("connections prepared a statement they had already prepared %d times", n)
	}
	if postgres.HotStatements() < 8 {
		t.Errorf("only %d hot statements are marked; the session, answer and audit statements should be", postgres.HotStatements())
	}
}

// GET /me reads the session, the account and its memberships in one
// statement, and caches none of it: what changed in the database shows on
// the next request, and an ended, expired or disabled session fails there.
func TestMeIsOneStatementAndCachesNothing(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	c := env.Login("officer@example.com")
	type me struct {
		User struct {
			Email string `json:"email"`
			Name  string `json:"name"`
		} `json:"user"`
		Memberships []struct {
			TeamID   int64  `json:"team_id"`
			TeamName string `json:"team_name"`
			Role     string `json:"role"`
		} `json:"memberships"`
		CSRF string `json:"csrf_token"`
	}
	get := func() (int, me) {
		t.Helper()
		var m me
		var res *apitest.Response
		if n := env.Queries.During(func() { res = c.Do(http.MethodGet, "/api/v1/me", nil) }); n > 1 {
			t.Errorf("GET /me sent %d statements, want 1", n)
		}
		if res.Status == http.StatusOK {
			res.JSON(&m)
		}
		return res.Status, m
	}
	_, before := get()
	if before.CSRF != c.CSRF || before.User.Email != "officer@example.com" || len(before.Memberships) == 0 {
		t.Fatalf("GET /me = %+v", before)
	}
	// What /me shows comes from the database on each request.
	env.SQL.MustExec(`UPDATE users SET name = 'Renamed Officer' WHERE email = 'officer@example.com'`)
	env.SQL.MustExec(`INSERT INTO memberships (team_id, user_id, role, created_at)
		SELECT $1, id, 'auditor', now() FROM users WHERE email = 'officer@example.com'`, teams["Demo Family Office"])
	st, after := get()
	if st != http.StatusOK || after.User.Name != "Renamed Officer" || len(after.Memberships) != len(before.Memberships)+1 {
		t.Fatalf("GET /me after a rename and a new membership: %d %+v", st, after)
	}
	for i := 1; i < len(after.Memberships); i++ {
		if a, b := after.Memberships[i-1], after.Memberships[i]; a.TeamName > b.TeamName || a.TeamName == b.TeamName && a.Role > b.Role {
			t.Errorf("memberships out of order (team name, role): %+v", after.Memberships)
		}
	}
	// An ended session fails on the very next request.
	env.SQL.MustExec(`UPDATE sessions SET ended_at = now() WHERE ended_at IS NULL`)
	if st, _ := get(); st != http.StatusUnauthorized {
		t.Fatalf("GET /me on an ended session: %d, want 401", st)
	}
	// So does an expired one.
	c = env.Login("officer@example.com")
	if st, _ := get(); st != http.StatusOK {
		t.Fatalf("GET /me on a new session: %d", st)
	}
	env.SQL.MustExec(`UPDATE sessions SET expires_at = $1 WHERE ended_at IS NULL`, env.Clock.Now())
	if st, _ := get(); st != http.StatusUnauthorized {
		t.Fatalf("GET /me on an expired session: %d, want 401", st)
	}
}

// Servers remember an evaluation's team, so the database refuses to move an
// evaluation to another team.
func TestAnEvaluationNeverChangesTeam(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.OpenEvaluation(env.As("officer@example.com"), teams["Demo Treasury"], 1, 4)
	_, err := env.SQL.Exec(`UPDATE evaluations SET team_id = $2 WHERE id = $1`, ws.Evaluation.ID, teams["Demo Family Office"])
	if err == nil || !strings.Contains(err.Error(), "never changes team") {
		t.Fatalf("moving an evaluation to another team: %v, want refused", err)
	}
}
