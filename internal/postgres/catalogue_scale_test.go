package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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
	// The whole catalogue is 10,010. A bitmap index scan finds every match
	// before a LIMIT can stop it, and its rows count: a term in about one
	// custodian in eight ("ab", in the generated notes) is read through its
	// index whole, some 1,250 entries, when the first custodians in name
	// order hold too few of its matches for a page.
	const bound = 3000
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
			// As planned for its values and, when it is prepared once per
			// connection (hot.go), as the generic plan a connection may
			// settle on.
			for _, generic := range []bool{false, true} {
				if generic && !postgres.IsHot(q.query) {
					continue
				}
				n := custodianRowsRead(t, env.SQL, q, generic)
				t.Logf("%s (generic plan %v): %d custodian rows read", s.name, generic, n)
				if n > bound {
					t.Errorf("%s (generic plan %v) reads %d custodian rows, want at most %d:\n%s", s.name, generic, n, bound, q.query)
				}
			}
		}
	}
}

// custodianRowsRead executes q under EXPLAIN ANALYZE and sums the rows its
// scans of custodians produced or filtered out.
func custodianRowsRead(t *testing.T, db *sqlx.DB, q recorded, generic bool) int {
	t.Helper()
	var plan string
	if generic {
		plan = genericPlan(t, db, q)
	} else if err := db.QueryRowContext(context.Background(), "EXPLAIN (ANALYZE, FORMAT JSON) "+q.query, q.args...).Scan(&plan); err != nil {
		t.Fatalf("EXPLAIN ANALYZE: %v\n%s", err, q.query)
	}
	type node struct {
		Relation  string  `json:"Relation Name"`
		Index     string  `json:"Index Name"`
		NodeType  string  `json:"Node Type"`
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
		// What a bitmap index scan finds is read whole, whatever the
		// LIMIT above it: its rows count too.
		if n.NodeType == "Bitmap Index Scan" && strings.HasPrefix(n.Index, "custodians_") {
			total += n.Rows * n.Loops
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

// genericPlan executes q under EXPLAIN ANALYZE with the plan PostgreSQL
// makes without its parameters' values: what a prepared statement runs
// once the server has chosen its generic plan.
func genericPlan(t *testing.T, db *sqlx.DB, q recorded) string {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE generic_search AS " + q.query} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%.40s: %v\n%s", stmt, err, q.query)
		}
	}
	defer conn.ExecContext(ctx, "DEALLOCATE generic_search; RESET plan_cache_mode")
	// EXECUTE takes its values as literals (a parameter of the outer
	// statement is not passed on).
	params := make([]string, len(q.args))
	for i, a := range q.args {
		params[i] = "NULL"
		if v := reflect.ValueOf(a); a != nil && !(v.Kind() == reflect.Pointer && v.IsNil()) {
			params[i] = pq.QuoteLiteral(fmt.Sprint(reflect.Indirect(v).Interface()))
		}
	}
	var plan string
	if err := conn.QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_search("+strings.Join(params, ", ")+")").Scan(&plan); err != nil {
		t.Fatalf("EXPLAIN EXECUTE: %v\n%s", err, q.query)
	}
	return plan
}
