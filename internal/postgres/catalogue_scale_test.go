package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/postgres"
)

// catalogueSearchReadsBoundedRows checks, on the large database of
// TestListAndSearchQueriesUseIndexesOnALargeDatabase (10,010 custodians),
// that every shape of catalogue search reads a bounded number of custodian
// rows, whatever the number of matches (none, a few, most, all), the term's
// length (trigrams need three characters) and the page: counted from the
// executed plans (EXPLAIN ANALYZE), so a plan that reads the whole
// catalogue fails here whatever its node types.
func catalogueSearchReadsBoundedRows(t *testing.T, env *apitest.Env, catalogue *postgres.CatalogueService, rec *recorder, ctx context.Context) {
	yes, no := true, false
	first, err := catalogue.ListCustodians(ctx, custos.CustodianFilter{Query: "generated custody"})
	if err != nil || first.NextCursor == "" {
		t.Fatalf("first page of a dense term: %v %+v", err, first)
	}
	const bound = 2000 // the whole catalogue is 10,010
	shapes := []struct {
		name   string
		filter custos.CustodianFilter
		want   int // the page's size, or -1 for a full page
	}{
		{"no filter", custos.CustodianFilter{}, -1},
		{"qualified only", custos.CustodianFilter{Qualified: &yes}, -1},
		{"a word of one name", custos.CustodianFilter{Query: "anchorage"}, 1},
		{"a name's beginning", custos.CustodianFilter{Query: "ancho"}, 1},
		{"no match", custos.CustodianFilter{Query: "zzqxw"}, 0},
		{"two characters, a few matches", custos.CustodianFilter{Query: "pr"}, -2},
		{"two characters, no match", custos.CustodianFilter{Query: "q%"}, 0},
		{"one character, dense", custos.CustodianFilter{Query: "a"}, -1},
		{"two characters, dense", custos.CustodianFilter{Query: "ab"}, -1},
		{"a term every generated one has", custos.CustodianFilter{Query: "generated custody"}, -1},
		{"the next page of it", custos.CustodianFilter{Query: "generated custody", After: first.NextCursor}, -1},
		{"a rare region", custos.CustodianFilter{Region: "SG"}, -2},
		{"a region most have, not qualified", custos.CustodianFilter{Region: "US", Qualified: &no}, -1},
		{"a legal entity word, qualified only", custos.CustodianFilter{Query: "trust company", Qualified: &yes}, -2},
	}
	for _, s := range shapes {
		rec.reset()
		page, err := catalogue.ListCustodians(ctx, s.filter)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		switch {
		case s.want == -1 && len(page.Items) != custos.ListPage.Default:
			t.Errorf("%s: %d custodians, want a full page", s.name, len(page.Items))
		case s.want == -2 && (len(page.Items) == 0 || page.NextCursor != ""):
			t.Errorf("%s: %d custodians, want a few on one page", s.name, len(page.Items))
		case s.want >= 0 && len(page.Items) != s.want:
			t.Errorf("%s: %d custodians, want %d", s.name, len(page.Items), s.want)
		}
		taken := rec.taken()
		if len(taken) == 0 {
			t.Fatalf("%s: no statement recorded", s.name)
		}
		for _, q := range taken {
			n := custodianRowsRead(t, env.SQL, q)
			t.Logf("%s: %d custodian rows read", s.name, n)
			if n > bound {
				t.Errorf("%s reads %d custodian rows, want at most %d:\n%s", s.name, n, bound, q.query)
			}
		}
	}
}

// custodianRowsRead executes q under EXPLAIN ANALYZE and sums the rows its
// scans of custodians produced or filtered out.
func custodianRowsRead(t *testing.T, db *sqlx.DB, q recorded) int {
	t.Helper()
	var plan string
	if err := db.QueryRowContext(context.Background(), "EXPLAIN (ANALYZE, FORMAT JSON) "+q.query, q.args...).Scan(&plan); err != nil {
		t.Fatalf("EXPLAIN ANALYZE: %v\n%s", err, q.query)
	}
	type node struct {
		Relation  string  `json:"Relation Name"`
		Rows      float64 `json:"Actual Rows"`
		Loops     float64 `json:"Actual Loops"`
		Filtered  float64 `json:"Rows Removed by Filter"`
		Rechecked float64 `json:"Rows Removed by Index Recheck"`
		Plans     []node  `json:"Plans"`
	}
	var doc []struct{ Plan node }
	if err := json.Unmarshal([]byte(plan), &doc); err != nil {
		t.Fatal(err)
	}
	total := 0.0
	var walk func(n node)
	walk = func(n node) {
		if n.Relation == "custodians" {
			total += n.Rows*n.Loops + n.Filtered + n.Rechecked
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	for _, d := range doc {
		walk(d.Plan)
	}
	return int(total)
}
