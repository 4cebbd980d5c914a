package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
)

// TestNewestFirstLists_RefuseALimitOrCursorOutOfBoundsNamingIt: evaluations,
// memos and the audit trail share one check of ?limit= and ?before=.
func TestNewestFirstLists_RefuseALimitOrCursorOutOfBoundsNamingIt(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	auditor := env.Login("auditor@example.com")
	team := teams[demo.TreasuryTeam]
	for _, c := range []struct{ query, field string }{
		{fmt.Sprintf("/api/v1/evaluations?team=%d&limit=101", team), "limit"},
		{fmt.Sprintf("/api/v1/memos?team=%d&limit=101", team), "limit"},
		{fmt.Sprintf("/api/v1/memos?team=%d&limit=-1", team), "limit"},
		{fmt.Sprintf("/api/v1/memos?team=%d&before=-5", team), "before"},
		{fmt.Sprintf("/api/v1/audit?team=%d&limit=201", team), "limit"},
		{fmt.Sprintf("/api/v1/audit?team=%d&before=x", team), "before"},
	} {
		t.Run(c.query, func(t *testing.T) {
			apitest.ExpectFieldErrors(t, auditor.Do(http.MethodGet, c.query, nil), c.field)
		})
	}
	t.Run("the largest page each list allows is served", func(t *testing.T) {
		for _, q := range []string{fmt.Sprintf("/api/v1/memos?team=%d&limit=100", team), fmt.Sprintf("/api/v1/audit?team=%d&limit=200", team)} {
			apitest.ExpectStatus(t, auditor.Do(http.MethodGet, q, nil), http.StatusOK)
		}
	})
}

// TestAuditTrail_PagesNewestFirstWithoutGapsOrRepeats walks the trail seven
// events at a time and compares it with one read of the whole trail.
func TestAuditTrail_PagesNewestFirstWithoutGapsOrRepeats(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	env.SubmittedEvaluation(env.As("officer@example.com"), teams[demo.TreasuryTeam])
	auditor := env.Login("auditor@example.com")
	team := teams[demo.TreasuryTeam]

	var walked []int64
	path := fmt.Sprintf("/api/v1/audit?team=%d&limit=7", team)
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("the pages do not end")
		}
		res := auditor.Do(http.MethodGet, path, nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		page := apitest.Decode[custos.AuditPage](t, res)
		if len(page.Items) > 7 {
			t.Fatalf("a page of limit 7 has %d events", len(page.Items))
		}
		for _, e := range page.Items {
			walked = append(walked, e.Seq)
		}
		if page.NextBefore == nil {
			break
		}
		path = fmt.Sprintf("/api/v1/audit?team=%d&limit=7&before=%d", team, *page.NextBefore)
	}
	var whole []int64
	for _, e := range apitest.TeamAudit(t, auditor, team) {
		whole = append(whole, e.Seq)
	}
	if len(whole) <= 7 {
		t.Fatalf("only %d events: the walk proves nothing", len(whole))
	}
	if !slices.IsSortedFunc(whole, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("the trail is not newest first: %v", whole)
	}
	if diff := cmp.Diff(whole, walked); diff != "" {
		t.Errorf("pages of 7 (-one read +walked):\n%s", diff)
	}
}
