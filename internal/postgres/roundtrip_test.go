package postgres_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
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

// The changes whose statement folds in the workspace's new version (a
// score, evidence, a flag raised, moved or withdrawn) move it on by exactly one, at
// the change's time, as every change does: the ETag a client holds goes
// stale, and only once.
func TestFoldedWritesMoveTheWorkspaceVersionOnOnce(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	officer := env.As("officer@example.com")
	ws := env.OpenEvaluation(officer, teams["Demo Treasury"], 1, 4)
	id := ws.Evaluation.ID
	version := func() (int, time.Time) {
		t.Helper()
		var v struct {
			Version   int       `db:"version"`
			UpdatedAt time.Time `db:"updated_at"`
		}
		if err := env.SQL.Get(&v, `SELECT version, updated_at FROM evaluations WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return v.Version, v.UpdatedAt
	}
	var flagID int64
	changes := []struct {
		name string
		do   func(ifVersion int) error
	}{
		{"score", func(v int) error {
			_, err := env.Evaluations.PutScore(officer, id, 1, ws.Template.Criteria[0].Key, v, custos.ScoreInput{Score: 4, Rationale: "Strong."})
			return err
		}},
		{"score again", func(v int) error {
			_, err := env.Evaluations.PutScore(officer, id, 1, ws.Template.Criteria[0].Key, v, custos.ScoreInput{Score: 3, Rationale: "Good."})
			return err
		}},
		{"evidence", func(v int) error {
			_, err := env.Evaluations.AddEvidence(officer, id, 1, ws.Template.Items()[0].ID, v, "report.pdf", apitest.TinyPDF)
			return err
		}},
		{"flag raised", func(v int) error {
			f, err := env.Evaluations.RaiseRedFlag(officer, id, 1, v, custos.NewRedFlag{Title: "Key ceremony unclear", Severity: custos.SeverityMedium})
			if err == nil {
				flagID = f.ID
			}
			return err
		}},
		{"flag moved", func(v int) error {
			_, err := env.Evaluations.MoveRedFlag(officer, id, flagID, v, custos.RedFlagMove{Status: custos.FlagMitigated, Resolution: "Ceremony witnessed."})
			return err
		}},
		{"flag withdrawn", func(v int) error {
			_, err := env.Evaluations.WithdrawRedFlag(officer, id, flagID, v, "Raised on the wrong candidate.")
			return err
		}},
	}
	for _, c := range changes {
		env.Clock.Advance(time.Minute)
		before, _ := version()
		if err := c.do(before); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		after, at := version()
		if after != before+1 || !at.Equal(env.Clock.Now().UTC().Truncate(time.Microsecond)) {
			t.Errorf("%s: version %d → %d at %v, want %d at %v", c.name, before, after, at, before+1, env.Clock.Now())
		}
	}
}

// A migration run while the server serves may change the type of a column
// a prepared statement returns; PostgreSQL then refuses to run that
// statement on every connection that prepared it. A lone read (the session
// behind every request) is sent again unprepared at once; a write fails
// once and the next one succeeds.
func TestAHotStatementWhoseColumnChangedTypeRecovers(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.OpenEvaluation(env.As("officer@example.com"), teams["Demo Treasury"], 1, 4)
	c := env.Login("officer@example.com")
	path := fmt.Sprintf("/api/v1/evaluations/%d/custodians/1/answers/%d", ws.Evaluation.ID, ws.Template.Items()[0].ID)
	put := func() int {
		return c.Do(http.MethodPut, path, map[string]string{"status": "met", "note": "Checked."}).Status
	}
	for range 8 { // the pool's connections prepare the statements
		if st := put(); st != http.StatusOK {
			t.Fatalf("PUT answer: %d", st)
		}
	}
	for _, q := range []string{`ALTER TABLE users ALTER COLUMN email TYPE varchar(320)`, `ALTER TABLE evaluations ALTER COLUMN title TYPE varchar(300)`} {
		if _, err := env.SQL.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		if res := c.Do(http.MethodGet, "/api/v1/me", nil); res.Status != http.StatusOK {
			t.Fatalf("GET /me %d after the migration: %d %s", i+1, res.Status, res.Body)
		}
	}
	failed := 0
	for i := range 20 {
		if st := put(); st != http.StatusOK {
			failed++
			if i > 0 {
				t.Errorf("PUT answer %d after the migration: %d", i+1, st)
			}
		}
	}
	t.Logf("%d of 20 answer writes failed after the migration", failed)
}
