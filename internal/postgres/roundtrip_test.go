package postgres_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
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
		// session, user, memberships (last_seen_at is written at most once a minute)
		{"GET /me", func() {
			if res := c.Do(http.MethodGet, "/api/v1/me", nil); res.Status != http.StatusOK {
				t.Fatalf("GET /me: %d", res.Status)
			}
		}, 3},
	}
	for _, tc := range cases {
		got := env.Queries.During(tc.do)
		t.Logf("%s: %d statements", tc.name, got)
		if got > tc.max {
			t.Errorf("%s sent %d statements, want at most %d", tc.name, got, tc.max)
		}
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
