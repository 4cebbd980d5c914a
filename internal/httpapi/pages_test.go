package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
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
