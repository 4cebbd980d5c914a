package httpapi_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// custodianPage fetches one page of the catalogue.
func custodianPage(t *testing.T, c *apitest.Client, query string) custos.CustodianPage {
	t.Helper()
	res := c.Do(http.MethodGet, "/api/v1/custodians?"+query, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	return apitest.Decode[custos.CustodianPage](t, res)
}

func custodianNames(cs []*custos.Custodian) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestCatalogue_ListsSearchesAndFiltersInNameOrder(t *testing.T) {
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
			if diff := cmp.Diff(tc.want, custodianNames(page.Items)); diff != "" {
				t.Fatalf("names (-want +got):\n%s", diff)
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
		type facts struct {
			Slug      string
			Qualified bool
			Version   int
			Regions   []string
		}
		if diff := cmp.Diff(facts{"sygnum-bank", true, 1, []string{"EU", "APAC", "CH", "SG"}},
			facts{c.Slug, c.QualifiedCustodian, c.Version, c.Regions}); diff != "" {
			t.Errorf("Sygnum Bank (-want +got):\n%s", diff)
		}
		// Regions were verified on a date; the legal entity only has a source.
		type provenance struct {
			VerifiedOn string
			HasSource  bool
		}
		got := map[string]provenance{}
		for _, fact := range []string{"regions", "legal_entity"} {
			got[fact] = provenance{c.Provenance[fact].VerifiedOn, c.Provenance[fact].Source != ""}
		}
		want := map[string]provenance{"regions": {"2025-09-30", true}, "legal_entity": {"", true}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("provenance (-want +got):\n%s", diff)
		}
	})
}

func TestCatalogue_PagesByNameWithACursorThatStaysPut(t *testing.T) {
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
		if diff := cmp.Diff(seededCustodians, names); diff != "" || pages != 4 {
			t.Fatalf("walked %d pages, want 4; names (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("a full last page has no next cursor", func(t *testing.T) {
		first := custodianPage(t, officer, "limit=5")
		if diff := cmp.Diff(seededCustodians[:5], custodianNames(first.Items)); diff != "" || first.NextCursor == "" {
			t.Fatalf("first page, cursor %q; names (-want +got):\n%s", first.NextCursor, diff)
		}
		second := custodianPage(t, officer, "limit=5&after="+url.QueryEscape(first.NextCursor))
		if diff := cmp.Diff(seededCustodians[5:], custodianNames(second.Items)); diff != "" || second.NextCursor != "" {
			t.Fatalf("second page, cursor %q (want none); names (-want +got):\n%s", second.NextCursor, diff)
		}
	})

	t.Run("filters hold across pages", func(t *testing.T) {
		first := custodianPage(t, officer, "qualified=true&limit=4")
		second := custodianPage(t, officer, "qualified=true&limit=4&after="+url.QueryEscape(first.NextCursor))
		got := append(custodianNames(first.Items), custodianNames(second.Items)...)
		want := []string{"Anchorage Digital Bank", "BitGo Custody", "BNY Mellon Digital Asset Custody", "Coinbase Prime Custody",
			"Fidelity Digital Assets", "Gemini Custody", "Sygnum Bank"}
		if diff := cmp.Diff(want, got); diff != "" || second.NextCursor != "" {
			t.Fatalf("qualified pages end with cursor %q (want none); names (-want +got):\n%s", second.NextCursor, diff)
		}
	})

	t.Run("a page fetched with a cursor stays the same after an earlier entry is added", func(t *testing.T) {
		first := custodianPage(t, officer, "limit=3")
		second := custodianPage(t, officer, "limit=3&after="+url.QueryEscape(first.NextCursor))
		body := validCustodian()
		body["slug"], body["name"] = "aardvark-custody", "Aardvark Custody"
		apitest.ExpectStatus(t, admin.Do(http.MethodPost, "/api/v1/custodians", body), http.StatusCreated)

		again := custodianPage(t, officer, "limit=3&after="+url.QueryEscape(first.NextCursor))
		if diff := cmp.Diff(second, again); diff != "" {
			t.Fatalf("the page after the cursor changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Aardvark Custody"}, custodianNames(custodianPage(t, officer, "limit=1").Items)); diff != "" {
			t.Fatalf("the new entry does not lead the first page (-want +got):\n%s", diff)
		}
	})
}

func TestCatalogue_AMalformedQueryIsRefusedNamingTheParameter(t *testing.T) {
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

func TestCustodian_AnAdminCreatesAndUpdatesWithTheVersionAndEachIsAudited(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer := env.Login("officer@example.com")

	var created custos.Custodian
	t.Run("anyone signed in reads one custodian", func(t *testing.T) {
		first := custodianPage(t, officer, "limit=1").Items[0]
		res := officer.Do(http.MethodGet, "/api/v1/custodians/"+fmtID(first.ID), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		if diff := cmp.Diff(first, apitest.Decode[*custos.Custodian](t, res)); diff != "" {
			t.Fatalf("the custodian read alone differs from the listed one (-listed +read):\n%s", diff)
		}
	})
	t.Run("an admin creates a custodian (201) and the audit trail records it", func(t *testing.T) {
		body := validCustodian()
		body["name"] = "  Acme Custody  "
		res := admin.Do(http.MethodPost, "/api/v1/custodians", body)
		apitest.ExpectStatus(t, res, http.StatusCreated)
		created = apitest.Decode[custos.Custodian](t, res)
		type facts struct {
			Version        int
			Name, Slug     string
			KeyManagement  []string
			RegionsChecked string
		}
		want := facts{1, "Acme Custody", "acme-custody", []string{"mpc", "hsm"}, "2026-01-31"}
		got := facts{created.Version, created.Name, created.Slug, created.KeyManagement, created.Provenance["regions"].VerifiedOn}
		if diff := cmp.Diff(want, got); diff != "" || created.ID == 0 {
			t.Fatalf("created custodian %d (-want +got):\n%s", created.ID, diff)
		}
		listed := custodianPage(t, officer, "q=acme")
		if diff := cmp.Diff([]string{"Acme Custody"}, custodianNames(listed.Items)); diff != "" {
			t.Fatalf("the new custodian is not listed (-want +got):\n%s", diff)
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
		updated := apitest.Decode[custos.Custodian](t, res)
		want := created
		want.Version, want.Notes, want.QualifiedCustodian = created.Version+1, "Reviewed by the desk.", false
		if diff := cmp.Diff(want, updated, cmpopts.IgnoreFields(custos.Custodian{}, "UpdatedAt")); diff != "" {
			t.Fatalf("updated custodian (-want +got):\n%s", diff)
		}
		res = officer.Do(http.MethodGet, "/api/v1/custodians/"+fmtID(created.ID), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		if diff := cmp.Diff(updated, apitest.Decode[custos.Custodian](t, res)); diff != "" {
			t.Fatalf("read back (-written +read):\n%s", diff)
		}
		if !auditHas(t, admin, "", "custodian.update", fmtID(created.ID)) {
			t.Fatal("no custodian.update event in the audit trail")
		}
	})
}

func TestCustodian_AnUnknownIDIsNotFound(t *testing.T) {
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

func TestCustodian_AStaleVersionOrADuplicateConflictsAndChangesNothing(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	res := admin.Do(http.MethodPost, "/api/v1/custodians", validCustodian())
	apitest.ExpectStatus(t, res, http.StatusCreated)
	acme := apitest.Decode[custos.Custodian](t, res)

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
		want := acme
		want.Version, want.Notes = 2, "first edit"
		if diff := cmp.Diff(want, apitest.Decode[custos.Custodian](t, res), cmpopts.IgnoreFields(custos.Custodian{}, "UpdatedAt")); diff != "" {
			t.Fatalf("custodian after the refused edits (-want +got):\n%s", diff)
		}
	})
}

func TestCustodian_OnlyAnAdminEditsTheCatalogue(t *testing.T) {
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
	for _, e := range apitest.Decode[custos.AuditPage](t, res).Items {
		if e.Action == action && e.ObjectID == objectID {
			return true
		}
	}
	return false
}

// --- templates ------------------------------------------------------------------

func TestTemplates_TheSeededDefaultTemplateIsCompleteAndImmutable(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")

	res := officer.Do(http.MethodGet, "/api/v1/templates", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	list := apitest.Decode[custos.Page[custos.TemplateSummary]](t, res)
	type family struct {
		Family  string
		Version int
		Named   bool
	}
	var families []family
	for _, tp := range list.Items {
		families = append(families, family{tp.Family, tp.Version, tp.Name != ""})
	}
	// By family: the custody due inquiry (migration 00012) sorts first.
	if diff := cmp.Diff([]family{{"custody_due_inquiry", 1, true}, {"default", 1, true}}, families); diff != "" {
		t.Fatalf("want the custody due inquiry v1 and the default template v1 (-want +got):\n%s", diff)
	}
	id := list.Items[1].ID

	res = officer.Do(http.MethodGet, "/api/v1/templates/"+fmtID(id), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	tpl := apitest.Decode[*custos.Template](t, res)

	t.Run("six weighted criteria totalling 100", func(t *testing.T) {
		type weighted struct {
			Key    string
			Weight int
		}
		var got []weighted
		for _, c := range tpl.Criteria {
			got = append(got, weighted{c.Key, c.Weight})
		}
		want := []weighted{{"liquidity", 30}, {"security", 25}, {"coverage", 15}, {"costs", 15}, {"ux", 10}, {"support", 5}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("criteria in order (-want +got):\n%s", diff)
		}
		if total := tpl.TotalWeight(); total != 100 {
			t.Errorf("the weights total %d, want 100", total)
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
		if diff := cmp.Diff([]string{"regulatory_fit", "security_compliance"}, []string{tpl.Sections[0].Key, tpl.Sections[7].Key}); diff != "" {
			t.Errorf("first and last sections (-want +got):\n%s", diff)
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
		if diff := cmp.Diff(want, rules); diff != "" {
			t.Fatalf("red flags of the mandate rules (-want +got):\n%s", diff)
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
		if err := env.SQL.Get(&w, `SELECT weight FROM template_criteria WHERE key = 'liquidity'`); err != nil {
			t.Fatal(err)
		}
		if w != 30 {
			t.Fatalf("liquidity weight = %d after the refused update, want 30", w)
		}
	})
}
