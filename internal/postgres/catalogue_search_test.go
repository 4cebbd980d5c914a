package postgres_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/postgres"
)

// Catalogue search takes one of three ways to a page (matching the first
// few custodians in name order, sorting a few gathered matches, or walking
// the name index when matches are dense): whichever it takes, every page,
// followed through its cursors, is exactly what matching every custodian
// one by one and sorting them by name gives.
func TestCatalogueSearch_EveryWayGivesTheExactPages(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	// 1,210 custodians: "Alpha …" first in name order and most of them
	// (dense once past the first few), "Zeta …" last and more than the
	// few sorted (dense, but far from the start), "Mid …" scattered few,
	// and the demo's ten. Legal entities and notes carry terms of their own;
	// "Omega" is the first ten Alphas' and the Zetas': past its first page,
	// the custodians after the cursor hold few of its matches, yet more
	// than the few sorted follow (dense, walked from the cursor).
	if _, err := env.SQL.Exec(`INSERT INTO custodians (slug, name, legal_entity, qualified_custodian, regions, key_management, staking, notes, created_at, updated_at)
		SELECT 'gen-' || g,
			CASE WHEN g <= 600 THEN 'Alpha Vault ' || lpad(g::text, 4, '0')
			     WHEN g <= 1150 THEN 'Zeta Safe ' || lpad(g::text, 4, '0')
			     ELSE 'Mid Keep ' || lpad(g::text, 4, '0') END,
			CASE WHEN g <= 10 OR g BETWEEN 601 AND 1150 THEN 'Omega Holdings ' || g WHEN g % 7 = 0 THEN 'Heptad Trust Company ' || g
			     ELSE 'Holdings ' || g || ' Ltd' END,
			g % 2 = 0, CASE WHEN g % 97 = 0 THEN ARRAY['SG'] ELSE ARRAY['US', 'EU'] END, ARRAY['mpc'], false,
			CASE WHEN g % 50 = 0 THEN 'Rare note quokka ' || g ELSE 'Notes ' || g END, now(), now()
		FROM generate_series(1, 1200) g`); err != nil {
		t.Fatal(err)
	}
	if _, err := env.SQL.Exec(`ANALYZE custodians`); err != nil {
		t.Fatal(err)
	}
	catalogue := postgres.NewCatalogueService(env.Store)
	ctx := env.As("officer@example.com")
	all := []*custos.Custodian{}
	for after := ""; ; {
		page, err := catalogue.ListCustodians(ctx, custos.CustodianFilter{Limit: 100, After: after})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
		if after = page.NextCursor; after == "" {
			break
		}
	}
	if len(all) != 1210 {
		t.Fatalf("the catalogue lists %d custodians, want 1,210", len(all))
	}
	yes, no := true, false
	filters := []custos.CustodianFilter{
		{Query: "alpha"},                  // most of the start: the first custodians hold the page
		{Query: "zeta"},                   // 550, all at the end: gathered past the few, then walked
		{Query: "zeta", Qualified: &yes},  // the same, half of them
		{Query: "omega"},                  // ten, a gap of 600, then 550
		{Query: "mid keep"},               // 50 at the end: gathered and sorted
		{Query: "quokka"},                 // one in fifty, scattered
		{Query: "heptad", Qualified: &no}, // one in fourteen
		{Query: "a"},                      // one letter: nearly all
		{Query: "zq"},                     // two letters, none
		{Query: "nothing like it"},        // none
		{Query: "100"},                    // digits in names, entities and notes
		{Region: "SG"},                    // a rare region
		{Region: "US", Qualified: &no},    // a common region, half
		{Query: "vault", Region: "SG"},    // both
		{Query: "custody"},                // the demo's
	}
	for _, f := range filters {
		var want []string
		for _, c := range all {
			if matches(c, f) {
				want = append(want, c.Name)
			}
		}
		for _, limit := range []int{1, 7, 25, 100} {
			f := f
			f.Limit = limit
			var got []string
			pages := 0
			for after := ""; ; pages++ {
				if pages > 1300 {
					t.Fatalf("%+v: the pages do not end", f)
				}
				f.After = after
				page, err := catalogue.ListCustodians(ctx, f)
				if err != nil {
					t.Fatalf("%+v: %v", f, err)
				}
				if len(page.Items) > limit || (page.NextCursor != "" && len(page.Items) != limit) {
					t.Fatalf("%+v: a page of %d with next cursor %q", f, len(page.Items), page.NextCursor)
				}
				for _, c := range page.Items {
					got = append(got, c.Name)
				}
				if after = page.NextCursor; after == "" {
					break
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("search %q region %q qualified %v, pages of %d (-matched one by one +searched):\n%s",
					f.Query, f.Region, describe(f.Qualified), limit, diff)
			}
		}
	}
}

// matches is the search's rule, written out: the term in the name, legal
// entity or notes (without case), the region, the qualified flag.
func matches(c *custos.Custodian, f custos.CustodianFilter) bool {
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" &&
		!strings.Contains(strings.ToLower(c.Name), q) && !strings.Contains(strings.ToLower(c.LegalEntity), q) &&
		!strings.Contains(strings.ToLower(c.Notes), q) {
		return false
	}
	if f.Region != "" && !contains(c.Regions, f.Region) {
		return false
	}
	return f.Qualified == nil || c.QualifiedCustodian == *f.Qualified
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func describe(b *bool) string {
	if b == nil {
		return "any"
	}
	return fmt.Sprint(*b)
}
