package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// The evaluations page filters a team's evaluations by status, custodian,
// preparer, due date and title text, and pages them newest first.
func TestListEvaluations_Filters(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	coinbase, anchorage, bitgo := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank"), k.Custodian("bitgo-custody")
	open := func(c *apitest.Client, title, due string, ids ...int64) int64 {
		res := c.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.Treasury, "title": title,
			"template_id": 1, "mandate": apitest.USMandate(), "custodian_ids": ids, "due_date": due})
		apitest.ExpectStatus(t, res, http.StatusCreated)
		return apitest.Decode[*custos.Workspace](t, res).Evaluation.ID
	}
	officer2 := k.Env.Login("officer2@example.com")
	a := open(k.Officer, "Staking review — Fund IV", "2027-01-31", coinbase, anchorage)
	b := open(officer2, "Cold storage RFP", "2027-06-30", anchorage, bitgo)
	c := open(k.Officer, "Cold storage follow-up", "2027-12-31", coinbase, bitgo)

	list := func(query string) []int64 {
		t.Helper()
		res := k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/evaluations?team=%d&%s", k.Treasury, query), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		var ids []int64
		for _, e := range apitest.Decode[custos.EvaluationPage](t, res).Items {
			if e.ID == a || e.ID == b || e.ID == c {
				ids = append(ids, e.ID)
			}
		}
		return ids
	}
	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"", []int64{c, b, a}},
		{"status=draft", []int64{c, b, a}},
		{"status=approved", nil},
		{fmt.Sprintf("custodian=%d", bitgo), []int64{c, b}},
		{fmt.Sprintf("preparer=%d", k.UserID("officer2@example.com")), []int64{b}},
		{"due_by=2027-06-30", []int64{b, a}},
		{"q=COLD%20storage", []int64{c, b}},
		{fmt.Sprintf("q=cold&custodian=%d", coinbase), []int64{c}},
	} {
		if d := cmp.Diff(tc.want, list(tc.query)); d != "" {
			t.Errorf("?%s (-want +got):\n%s", tc.query, d)
		}
	}

	// Keyset paging with a filter: one per page, no repeats, then the end.
	var seen []int64
	before := int64(0)
	for range 5 {
		res := k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/evaluations?team=%d&q=cold&limit=1&before=%d", k.Treasury, before), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		p := apitest.Decode[custos.EvaluationPage](t, res)
		for _, e := range p.Items {
			seen = append(seen, e.ID)
		}
		if p.NextBefore == nil {
			break
		}
		before = *p.NextBefore
	}
	if d := cmp.Diff([]int64{c, b}, seen); d != "" {
		t.Errorf("pages of ?q=cold (-want +got):\n%s", d)
	}

	for _, bad := range []struct{ query, field string }{
		{"due_by=31/12/2027", "due_by"}, {"custodian=x", "custodian"}, {"preparer=-1", "preparer"},
	} {
		res := k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/evaluations?team=%d&%s", k.Treasury, bad.query), nil)
		apitest.ExpectFieldErrors(t, res, bad.field)
	}
}
