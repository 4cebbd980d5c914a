package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

// seededCustodians are the ten entries of migrations/00002_catalogue_and_template.sql,
// in the catalogue's order (by name, without case).
var seededCustodians = []string{
	"Anchorage Digital Bank",
	"BitGo Custody",
	"BNY Mellon Digital Asset Custody",
	"Coinbase Prime Custody",
	"Fidelity Digital Assets",
	"Gemini Custody",
	"Hex Trust",
	"Komainu",
	"Sygnum Bank",
	"Zodia Custody",
}

type custodianJSON struct {
	ID                 int64    `json:"id"`
	Slug               string   `json:"slug"`
	Name               string   `json:"name"`
	LegalEntity        string   `json:"legal_entity"`
	QualifiedCustodian bool     `json:"qualified_custodian"`
	Regions            []string `json:"regions"`
	KeyManagement      []string `json:"key_management"`
	Notes              string   `json:"notes"`
	Version            int      `json:"version"`
	Provenance         map[string]struct {
		Source     string `json:"source"`
		VerifiedOn string `json:"verified_on"`
	} `json:"provenance"`
}

type custodianPageJSON struct {
	Items      []custodianJSON `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

// custodianPage fetches one page of the catalogue.
func custodianPage(t *testing.T, c *apitest.Client, query string) custodianPageJSON {
	t.Helper()
	res := c.Do(http.MethodGet, "/api/v1/custodians?"+query, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var page custodianPageJSON
	apitest.DecodeInto(t, res, &page)
	return page
}

func custodianNames(cs []custodianJSON) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestCatalogue_200_Listing(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"the seeded catalogue has exactly ten custodians, by name", "", seededCustodians},
		{"limit 100 is allowed", "limit=100", seededCustodians},
		{"search is case-insensitive and covers notes", "q=SyGnUm",
			// Sygnum Bank by name; BNY Mellon and Hex Trust name it in their notes.
			[]string{"BNY Mellon Digital Asset Custody", "Hex Trust", "Sygnum Bank"}},
		{"search covers legal entities", "q=" + url.QueryEscape("national association"), []string{"Anchorage Digital Bank"}},
		{"search trims spaces", "q=" + url.QueryEscape("  komainu  "),
			// Komainu by name and legal entity; BitGo, Hex Trust and Zodia name it in their notes.
			[]string{"BitGo Custody", "Hex Trust", "Komainu", "Zodia Custody"}},
		{"search treats % as a literal", "q=" + url.QueryEscape("%"), []string{}},
		{"search treats _ as a literal", "q=_", []string{}},
		{"search without a match is empty", "q=nonexistent", []string{}},
		{"region SG", "region=SG", []string{"Hex Trust", "Sygnum Bank"}},
		{"region JE", "region=JE", []string{"Komainu"}},
		{"qualified custodians", "qualified=true", []string{
			"Anchorage Digital Bank", "BitGo Custody", "BNY Mellon Digital Asset Custody", "Coinbase Prime Custody",
			"Fidelity Digital Assets", "Gemini Custody", "Sygnum Bank"}},
		{"custodians that are not qualified", "qualified=false", []string{"Hex Trust", "Komainu", "Zodia Custody"}},
		{"region and qualification combine", "region=EU&qualified=false", []string{"Komainu", "Zodia Custody"}},
		{"US qualified custodians", "region=US&qualified=true", []string{
			"Anchorage Digital Bank", "BitGo Custody", "BNY Mellon Digital Asset Custody", "Coinbase Prime Custody",
			"Fidelity Digital Assets", "Gemini Custody"}},
		{"search and region combine", "q=custody&region=GLOBAL", []string{"BitGo Custody", "Coinbase Prime Custody", "Gemini Custody"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := custodianPage(t, officer, tc.query)
			got := custodianNames(page.Items)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("names = %q, want %q", got, tc.want)
			}
			if page.NextCursor != "" {
				t.Errorf("a complete answer has no next cursor, got %q", page.NextCursor)
			}
		})
	}

	t.Run("a custodian carries its facts and their provenance", func(t *testing.T) {
		page := custodianPage(t, officer, "q=sygnum+bank+ag")
		if len(page.Items) != 1 {
			t.Fatalf("want Sygnum Bank AG only, got %q", custodianNames(page.Items))
		}
		c := page.Items[0]
		if c.Slug != "sygnum-bank" || !c.QualifiedCustodian || c.Version != 1 ||
			!reflect.DeepEqual(c.Regions, []string{"EU", "APAC", "CH", "SG"}) {
			t.Errorf("unexpected Sygnum Bank: %+v", c)
		}
		if p := c.Provenance["regions"]; p.VerifiedOn != "2025-09-30" || p.Source == "" {
			t.Errorf("provenance of regions = %+v", p)
		}
		if p := c.Provenance["legal_entity"]; p.VerifiedOn != "" || p.Source == "" {
			t.Errorf("provenance of legal_entity = %+v", p)
		}
	})
}

func TestCatalogue_200_KeysetPagination(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer := env.Login("officer@example.com")

	t.Run("limit 3 walks all ten without duplicates or gaps", func(t *testing.T) {
		var names []string
		seen := map[int64]bool{}
		cursor, pages := "", 0
		for {
			q := "limit=3"
			if cursor != "" {
				q += "&after=" + url.QueryEscape(cursor)
			}
			page := custodianPage(t, officer, q)
			pages++
			if len(page.Items) == 0 || len(page.Items) > 3 {
				t.Fatalf("page %d has %d items", pages, len(page.Items))
			}
			for _, c := range page.Items {
				if seen[c.ID] {
					t.Fatalf("custodian %s appears twice", c.Name)
				}
				seen[c.ID] = true
				names = append(names, c.Name)
			}
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
		}
		if pages != 4 || !reflect.DeepEqual(names, seededCustodians) {
			t.Fatalf("walked %d pages: %q, want 4 pages: %q", pages, names, seededCustodians)
		}
	})

	t.Run("a full last page has no next cursor", func(t *testing.T) {
		first := custodianPage(t, officer, "limit=5")
		if len(first.Items) != 5 || first.NextCursor == "" {
			t.Fatalf("first page: %d items, cursor %q", len(first.Items), first.NextCursor)
		}
		second := custodianPage(t, officer, "limit=5&after="+url.QueryEscape(first.NextCursor))
		if len(second.Items) != 5 || second.NextCursor != "" {
			t.Fatalf("second page: %d items, cursor %q", len(second.Items), second.NextCursor)
		}
	})

	t.Run("filters hold across pages", func(t *testing.T) {
		first := custodianPage(t, officer, "qualified=true&limit=4")
		second := custodianPage(t, officer, "qualified=true&limit=4&after="+url.QueryEscape(first.NextCursor))
		got := append(custodianNames(first.Items), custodianNames(second.Items)...)
		want := []string{"Anchorage Digital Bank", "BitGo Custody", "BNY Mellon Digital Asset Custody", "Coinbase Prime Custody",
			"Fidelity Digital Assets", "Gemini Custody", "Sygnum Bank"}
		if !reflect.DeepEqual(got, want) || second.NextCursor != "" {
			t.Fatalf("qualified pages = %q (cursor %q), want %q", got, second.NextCursor, want)
		}
	})

	t.Run("a page fetched with a cursor stays the same after an earlier entry is added", func(t *testing.T) {
		first := custodianPage(t, officer, "limit=3")
		second := custodianPage(t, officer, "limit=3&after="+url.QueryEscape(first.NextCursor))
		body := validCustodian()
		body["slug"], body["name"] = "aardvark-custody", "Aardvark Custody"
		apitest.ExpectStatus(t, admin.Do(http.MethodPost, "/api/v1/custodians", body), http.StatusCreated)

		again := custodianPage(t, officer, "limit=3&after="+url.QueryEscape(first.NextCursor))
		if !reflect.DeepEqual(custodianNames(again.Items), custodianNames(second.Items)) || again.NextCursor != second.NextCursor {
			t.Fatalf("page after the cursor changed: %q → %q", custodianNames(second.Items), custodianNames(again.Items))
		}
		if got := custodianNames(custodianPage(t, officer, "limit=1").Items); !reflect.DeepEqual(got, []string{"Aardvark Custody"}) {
			t.Fatalf("the new entry does not lead the first page: %q", got)
		}
	})
}

func TestCatalogue_400(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, query, field string
	}{
		{"limit 0", "limit=0", "limit"},
		{"limit 101", "limit=101", "limit"},
		{"negative limit", "limit=-1", "limit"},
		{"limit that is not a number", "limit=ten", "limit"},
		{"a cursor that is not base64", "after=" + url.QueryEscape("!!not a cursor!!"), "after"},
		{"a cursor that is not JSON", "after=" + b64("garbage"), "after"},
		{"a cursor without an ID", "after=" + b64(`{"n":"komainu","i":0}`), "after"},
		{"an unknown region", "region=MARS", "region"},
		{"a region in lower case", "region=sg", "region"},
		{"qualified that is not a boolean", "qualified=yes", "qualified"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" names "+tc.field, func(t *testing.T) {
			apitest.ExpectFieldErrors(t, officer.Do(http.MethodGet, "/api/v1/custodians?"+tc.query, nil), tc.field)
		})
	}
}

func TestCustodian_200(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer := env.Login("officer@example.com")

	var created custodianJSON
	t.Run("anyone signed in reads one custodian", func(t *testing.T) {
		id := firstCustodianID(t, officer)
		res := officer.Do(http.MethodGet, "/api/v1/custodians/"+fmtID(id), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		var c custodianJSON
		apitest.DecodeInto(t, res, &c)
		if c.ID != id || c.Name != seededCustodians[0] {
			t.Fatalf("got %+v", c)
		}
	})
	t.Run("an admin creates a custodian (201) and the audit trail records it", func(t *testing.T) {
		body := validCustodian()
		body["name"] = "  Acme Custody  "
		res := admin.Do(http.MethodPost, "/api/v1/custodians", body)
		apitest.ExpectStatus(t, res, http.StatusCreated)
		apitest.DecodeInto(t, res, &created)
		if created.ID == 0 || created.Version != 1 || created.Name != "Acme Custody" || created.Slug != "acme-custody" ||
			!reflect.DeepEqual(created.KeyManagement, []string{"mpc", "hsm"}) || created.Provenance["regions"].VerifiedOn != "2026-01-31" {
			t.Fatalf("created %s", res.Body)
		}
		got := custodianPage(t, officer, "q=acme")
		if !reflect.DeepEqual(custodianNames(got.Items), []string{"Acme Custody"}) {
			t.Fatalf("the new custodian is not listed: %q", custodianNames(got.Items))
		}
		if !auditHas(t, admin, "", "custodian.create", fmtID(created.ID)) {
			t.Fatal("no custodian.create event in the audit trail")
		}
	})
	t.Run("an admin updates a custodian with its version (200) and the version increments", func(t *testing.T) {
		if created.ID == 0 {
			t.Fatal("the create subtest failed: there is nothing to update")
		}
		body := validCustodian()
		body["notes"] = "Reviewed by the desk."
		body["qualified_custodian"] = false
		body["version"] = created.Version
		res := admin.Do(http.MethodPut, "/api/v1/custodians/"+fmtID(created.ID), body)
		apitest.ExpectStatus(t, res, http.StatusOK)
		var updated custodianJSON
		apitest.DecodeInto(t, res, &updated)
		if updated.Version != created.Version+1 || updated.Notes != "Reviewed by the desk." || updated.QualifiedCustodian {
			t.Fatalf("updated %s", res.Body)
		}
		res = officer.Do(http.MethodGet, "/api/v1/custodians/"+fmtID(created.ID), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		var read custodianJSON
		apitest.DecodeInto(t, res, &read)
		if read.Version != 2 || read.Notes != "Reviewed by the desk." {
			t.Fatalf("read back %s", res.Body)
		}
		if !auditHas(t, admin, "", "custodian.update", fmtID(created.ID)) {
			t.Fatal("no custodian.update event in the audit trail")
		}
	})
}

func TestCustodian_404(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	t.Run("reading an unknown custodian", func(t *testing.T) {
		apitest.ExpectProblem(t, admin.Do(http.MethodGet, "/api/v1/custodians/999999", nil), http.StatusNotFound)
	})
	t.Run("updating an unknown custodian", func(t *testing.T) {
		body := validCustodian()
		body["version"] = 1
		apitest.ExpectProblem(t, admin.Do(http.MethodPut, "/api/v1/custodians/999999", body), http.StatusNotFound)
	})
}

func TestCustodian_409(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	res := admin.Do(http.MethodPost, "/api/v1/custodians", validCustodian())
	apitest.ExpectStatus(t, res, http.StatusCreated)
	var acme custodianJSON
	res.JSON(&acme)

	// A concurrent editor moves the custodian to version 2.
	edit := validCustodian()
	edit["notes"] = "first edit"
	edit["version"] = 1
	apitest.ExpectStatus(t, admin.Do(http.MethodPut, "/api/v1/custodians/"+fmtID(acme.ID), edit), http.StatusOK)

	stale := validCustodian()
	stale["notes"] = "second edit, based on version 1"
	stale["version"] = 1
	dupSlug := validCustodian()
	dupSlug["name"] = "Another Custody"
	dupName := validCustodian()
	dupName["slug"] = "another-custody"
	dupName["name"] = "ACME CUSTODY"
	dupSeededName := validCustodian()
	dupSeededName["slug"], dupSeededName["name"] = "komainu-2", "komainu"
	renameToSeeded := validCustodian()
	renameToSeeded["slug"], renameToSeeded["version"] = "sygnum-bank", 2
	future := validCustodian()
	future["version"] = 3

	tests := []struct {
		name         string
		method, path string
		body         any
	}{
		{"a PUT with a stale version", http.MethodPut, "/api/v1/custodians/" + fmtID(acme.ID), stale},
		{"a PUT with a version that does not exist yet", http.MethodPut, "/api/v1/custodians/" + fmtID(acme.ID), future},
		{"a duplicate slug", http.MethodPost, "/api/v1/custodians", dupSlug},
		{"a duplicate name in other case", http.MethodPost, "/api/v1/custodians", dupName},
		{"the name of a seeded custodian", http.MethodPost, "/api/v1/custodians", dupSeededName},
		{"a PUT taking the slug of another custodian", http.MethodPut, "/api/v1/custodians/" + fmtID(acme.ID), renameToSeeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			apitest.ExpectProblem(t, admin.Do(tc.method, tc.path, tc.body), http.StatusConflict)
		})
	}
	t.Run("refused edits change nothing", func(t *testing.T) {
		res := admin.Do(http.MethodGet, "/api/v1/custodians/"+fmtID(acme.ID), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		var c custodianJSON
		apitest.DecodeInto(t, res, &c)
		if c.Version != 2 || c.Notes != "first edit" || c.Slug != "acme-custody" {
			t.Fatalf("custodian changed: %s", res.Body)
		}
	})
}

func TestCustodian_403(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	id := fmtID(firstCustodianID(t, admin))
	update := validCustodian()
	update["version"] = 1
	for _, email := range []string{"officer@example.com", "manager@example.com", "auditor@example.com"} {
		c := env.Login(email)
		t.Run(email+" cannot create a custodian", func(t *testing.T) {
			apitest.ExpectProblem(t, c.Do(http.MethodPost, "/api/v1/custodians", validCustodian()), http.StatusForbidden)
		})
		t.Run(email+" cannot update a custodian", func(t *testing.T) {
			apitest.ExpectProblem(t, c.Do(http.MethodPut, "/api/v1/custodians/"+id, update), http.StatusForbidden)
		})
	}
	t.Run("nothing was created", func(t *testing.T) {
		if n := len(custodianPage(t, admin, "limit=100").Items); n != 10 {
			t.Fatalf("catalogue has %d entries, want 10", n)
		}
	})
}

// auditHas reports whether the newest audit events (of a team, or all when
// team is "") include an action on an object.
func auditHas(t *testing.T, c *apitest.Client, team, action, objectID string) bool {
	t.Helper()
	path := "/api/v1/audit?limit=200"
	if team != "" {
		path += "&team=" + team
	}
	res := c.Do(http.MethodGet, path, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var page struct {
		Items []struct {
			Action   string `json:"action"`
			ObjectID string `json:"object_id"`
			Actor    string `json:"actor"`
		} `json:"items"`
	}
	apitest.DecodeInto(t, res, &page)
	for _, e := range page.Items {
		if e.Action == action && e.ObjectID == objectID {
			return true
		}
	}
	return false
}

// --- templates ------------------------------------------------------------------

type templateJSON struct {
	ID       int64  `json:"id"`
	Family   string `json:"family"`
	Version  int    `json:"version"`
	Name     string `json:"name"`
	Criteria []struct {
		Key    string `json:"key"`
		Weight int    `json:"weight"`
	} `json:"criteria"`
	Sections []struct {
		Key   string `json:"key"`
		Title string `json:"title"`
		Items []struct {
			Key              string `json:"key"`
			Prompt           string `json:"prompt"`
			EvidenceRequired bool   `json:"evidence_required"`
		} `json:"items"`
	} `json:"sections"`
	RedFlags []struct {
		Key             string  `json:"key"`
		DefaultSeverity string  `json:"default_severity"`
		MandateRule     *string `json:"mandate_rule"`
	} `json:"red_flags"`
}

func TestTemplates_200(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")

	res := officer.Do(http.MethodGet, "/api/v1/templates", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var list struct {
		Items []templateJSON `json:"items"`
	}
	res.JSON(&list)
	if len(list.Items) != 1 || list.Items[0].Family != "default" || list.Items[0].Version != 1 || list.Items[0].Name == "" {
		t.Fatalf("want only the default template v1, got %s", res.Body)
	}
	id := list.Items[0].ID

	res = officer.Do(http.MethodGet, "/api/v1/templates/"+fmtID(id), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var tpl templateJSON
	res.JSON(&tpl)

	t.Run("six weighted criteria totalling 100", func(t *testing.T) {
		weights := map[string]int{}
		var keys []string
		total := 0
		for _, c := range tpl.Criteria {
			weights[c.Key] = c.Weight
			keys = append(keys, c.Key)
			total += c.Weight
		}
		want := map[string]int{"liquidity": 30, "security": 25, "coverage": 15, "costs": 15, "ux": 10, "support": 5}
		if len(tpl.Criteria) != 6 || !reflect.DeepEqual(weights, want) || total != 100 {
			t.Fatalf("criteria %v (total %d), want %v", weights, total, want)
		}
		if !reflect.DeepEqual(keys, []string{"liquidity", "security", "coverage", "costs", "ux", "support"}) {
			t.Errorf("criteria order %q", keys)
		}
	})
	t.Run("eight sections, each with items, some needing evidence", func(t *testing.T) {
		if len(tpl.Sections) != 8 {
			t.Fatalf("%d sections, want 8", len(tpl.Sections))
		}
		evidence, items := 0, map[string]bool{}
		for _, s := range tpl.Sections {
			if len(s.Items) == 0 || s.Title == "" {
				t.Errorf("section %q has no items or title", s.Key)
			}
			for _, it := range s.Items {
				if items[it.Key] || it.Prompt == "" || !strings.HasPrefix(it.Key, s.Key+".") {
					t.Errorf("item %q in section %q is duplicated, empty or misplaced", it.Key, s.Key)
				}
				items[it.Key] = true
				if it.EvidenceRequired {
					evidence++
				}
			}
		}
		if evidence == 0 {
			t.Error("no item requires evidence")
		}
		if tpl.Sections[0].Key != "regulatory_fit" || tpl.Sections[7].Key != "security_compliance" {
			t.Errorf("sections out of order: first %q, last %q", tpl.Sections[0].Key, tpl.Sections[7].Key)
		}
	})
	t.Run("red flags include the three mandate rules", func(t *testing.T) {
		rules := map[string]string{}
		for _, f := range tpl.RedFlags {
			if f.MandateRule != nil {
				rules[*f.MandateRule] = f.Key
			}
		}
		want := map[string]string{"qualified_custodian": "not_qualified_custodian", "region_licence": "no_region_licence", "staking": "no_staking"}
		if !reflect.DeepEqual(rules, want) {
			t.Fatalf("mandate rules %v, want %v", rules, want)
		}
		if len(tpl.RedFlags) != 12 {
			t.Errorf("%d red flags, want 12", len(tpl.RedFlags))
		}
	})
	t.Run("unknown template is 404", func(t *testing.T) {
		apitest.ExpectProblem(t, officer.Do(http.MethodGet, "/api/v1/templates/999999", nil), http.StatusNotFound)
	})
	t.Run("the database refuses to change a template version", func(t *testing.T) {
		for _, stmt := range []string{
			`UPDATE template_criteria SET weight = 31 WHERE key = 'liquidity'`,
			`DELETE FROM template_items WHERE key = 'fees.schedule'`,
			`UPDATE templates SET name = 'changed'`,
			`UPDATE template_red_flags SET mandate_rule = NULL`,
		} {
			_, err := env.SQL.Exec(stmt)
			if err == nil || !strings.Contains(err.Error(), "template versions never change") {
				t.Errorf("%s: err = %v, want the immutability trigger's refusal", stmt, err)
			}
		}
		var w int
		if err := env.SQL.Get(&w, `SELECT weight FROM template_criteria WHERE key = 'liquidity'`); err != nil || w != 30 {
			t.Fatalf("liquidity weight = %d (%v), want 30", w, err)
		}
	})
}
