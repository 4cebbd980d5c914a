package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/google/go-cmp/cmp"
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

// TestMemoList_PagesNewestFirstAndEndsWithoutACursor issues three memos and
// reads them two at a time.
func TestMemoList_PagesNewestFirstAndEndsWithoutACursor(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	team := teams[demo.TreasuryTeam]
	officer, manager := env.As("officer@example.com"), env.As("manager@example.com")
	var issued []int64
	for range 3 {
		ws := env.ApprovedEvaluation(officer, manager, team, 2)
		m, err := env.Memos.IssueMemo(officer, ws.Evaluation.ID)
		if err != nil {
			t.Fatal(err)
		}
		issued = append(issued, m.ID)
	}
	auditor := env.Login("auditor@example.com")
	page := func(query string) (ids []int64, next *int64) {
		t.Helper()
		res := auditor.Do(http.MethodGet, fmt.Sprintf("/api/v1/memos?team=%d&limit=2", team)+query, nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		p := apitest.Decode[custos.MemoPage](t, res)
		for _, m := range p.Items {
			ids = append(ids, m.ID)
		}
		return ids, p.NextBefore
	}
	first, next := page("")
	if diff := cmp.Diff([]int64{issued[2], issued[1]}, first); diff != "" || next == nil || *next != issued[1] {
		t.Fatalf("first page, next_before %v (want %d); memo IDs (-want +got):\n%s", next, issued[1], diff)
	}
	second, next := page(fmt.Sprintf("&before=%d", *next))
	if diff := cmp.Diff([]int64{issued[0]}, second); diff != "" || next != nil {
		t.Fatalf("last page, next_before %v (want none); memo IDs (-want +got):\n%s", next, diff)
	}
}
