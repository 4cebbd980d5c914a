package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

// --- helpers shared by badinput_test.go, catalogue_test.go and admin_test.go ---

// userIDByEmail finds an account's ID through the API, as an org admin.
func userIDByEmail(t *testing.T, admin *apitest.Client, email string) int64 {
	t.Helper()
	res := admin.Do(http.MethodGet, "/api/v1/users", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var list struct {
		Items []struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
		} `json:"items"`
	}
	apitest.DecodeInto(t, res, &list)
	for _, u := range list.Items {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no user %s in %s", email, res.Body)
	return 0
}

// firstCustodianID returns the ID of the first custodian of the catalogue.
func firstCustodianID(t *testing.T, c *apitest.Client) int64 {
	t.Helper()
	res := c.Do(http.MethodGet, "/api/v1/custodians?limit=1", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	apitest.DecodeInto(t, res, &page)
	if len(page.Items) != 1 {
		t.Fatalf("empty catalogue: %s", res.Body)
	}
	return page.Items[0].ID
}

func fmtID(n int64) string { return strconv.FormatInt(n, 10) }

// --- the routes that take a JSON body ---------------------------------------

// jsonRoute is a route that takes a JSON body, called as a party allowed to.
type jsonRoute struct {
	method, path string
	as           *apitest.Client
	// pad is a string field of the body, used to build an oversized body.
	pad string
	// unknown is a body with a field the route does not know, named unknownField.
	unknown, unknownField string
	// wrongType is a body with a value of the wrong JSON type for wrongTypeField.
	wrongType, wrongTypeField string
}

func (r jsonRoute) String() string { return r.method + " " + r.path }

// jsonRoutes builds a stack with the demo data and lists every route that
// takes a JSON body: login anonymously, tokens as an officer (any user may),
// the rest as an org admin.
func jsonRoutes(t *testing.T) []jsonRoute {
	t.Helper()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer := env.Login("officer@example.com")
	anon := env.Anonymous()
	treasury := fmtID(teams["Demo Treasury"])
	officer2 := fmtID(userIDByEmail(t, admin, "officer2@example.com"))
	custodian := fmtID(firstCustodianID(t, admin))
	return []jsonRoute{
		{http.MethodPost, "/api/v1/session", anon, "password",
			`{"email": "officer@example.com", "password": "x", "remember_me": true}`, "remember_me",
			`{"email": 5, "password": "correct-horse-battery-staple"}`, "email"},
		{http.MethodPost, "/api/v1/tokens", officer, "name",
			`{"name": "ci", "user_id": 1}`, "user_id",
			`{"name": "ci", "read_only": "yes"}`, "read_only"},
		{http.MethodPost, "/api/v1/users", admin, "name",
			`{"email": "new@example.com", "name": "New", "password": "correct-horse-battery-staple", "is_admin": true}`, "is_admin",
			`{"email": "new@example.com", "name": 7, "password": "correct-horse-battery-staple"}`, "name"},
		{http.MethodPatch, "/api/v1/users/" + officer2, admin, "name",
			`{"email": "someone.else@example.com"}`, "email",
			`{"disabled": "true"}`, "disabled"},
		{http.MethodPost, "/api/v1/teams", admin, "name",
			`{"name": "Ops", "id": 99}`, "id",
			`{"name": 42}`, "name"},
		{http.MethodPatch, "/api/v1/teams/" + treasury, admin, "name",
			`{"approvals": 2}`, "approvals",
			`{"approvals_required": "2"}`, "approvals_required"},
		{http.MethodPost, "/api/v1/teams/" + treasury + "/members", admin, "role",
			`{"user_id": ` + officer2 + `, "role": "auditor", "team_id": 1}`, "team_id",
			`{"user_id": "` + officer2 + `", "role": "auditor"}`, "user_id"},
		{http.MethodPost, "/api/v1/custodians", admin, "notes",
			`{"slug": "acme", "name": "Acme", "qualified": true}`, "qualified",
			`{"slug": "acme", "name": "Acme", "regions": "US"}`, "regions"},
		{http.MethodPut, "/api/v1/custodians/" + custodian, admin, "notes",
			`{"version": 1, "created_at": "2026-01-01T00:00:00Z"}`, "created_at",
			`{"version": "1"}`, "version"},
		{http.MethodPost, "/api/v1/templates", admin, "description",
			`{"family": "default", "name": "v2", "version": 7}`, "version",
			`{"family": "default", "name": "v2", "criteria": "all"}`, "criteria"},
	}
}

func TestJSONBody_AnythingButJSONIsRefusedAsUnsupported(t *testing.T) {
	t.Parallel()
	routes := jsonRoutes(t)
	contentTypes := []string{"text/plain", "", "application/x-www-form-urlencoded", "application/jsonp", "not a media type"}
	for _, r := range routes {
		for _, ct := range contentTypes {
			t.Run(fmt.Sprintf("%s refuses Content-Type %q", r, ct), func(t *testing.T) {
				h := http.Header{}
				if ct != "" {
					h.Set("Content-Type", ct)
				}
				res := r.as.Request(r.method, r.path, strings.NewReader(`{"name": "x"}`), h)
				apitest.ExpectProblem(t, res, http.StatusUnsupportedMediaType)
			})
		}
	}
}

func TestJSONBody_ABodyOverTheLimitIsRefusedAsTooLarge(t *testing.T) {
	t.Parallel()
	routes := jsonRoutes(t)
	const limit = 64 << 10 // apitest's MaxBodyBytes
	for _, r := range routes {
		t.Run(r.String()+" refuses a 70 KiB body", func(t *testing.T) {
			body := fmt.Sprintf(`{%q: %q}`, r.pad, strings.Repeat("x", 70<<10))
			p := apitest.ExpectProblem(t, r.as.Do(r.method, r.path, body), http.StatusRequestEntityTooLarge)
			if len(p.Errors) != 0 {
				t.Errorf("a 413 names no field: %+v", p.Errors)
			}
		})
	}
	// The limit itself is allowed: a body of exactly MaxBodyBytes is read and
	// validated (the name is too long), one byte more is refused.
	var teams jsonRoute
	for _, r := range routes {
		if r.method == http.MethodPost && r.path == "/api/v1/teams" {
			teams = r
		}
	}
	atLimit := `{"name":"` + strings.Repeat("x", limit-len(`{"name":""}`)) + `"}`
	t.Run("a body of exactly the limit is read", func(t *testing.T) {
		if len(atLimit) != limit {
			t.Fatalf("body is %d bytes", len(atLimit))
		}
		apitest.ExpectFieldErrors(t, teams.as.Do(http.MethodPost, teams.path, atLimit), "name")
	})
	t.Run("a body one byte over the limit is refused", func(t *testing.T) {
		over := `{"name":"` + strings.Repeat("x", limit-len(`{"name":""}`)+1) + `"}`
		apitest.ExpectProblem(t, teams.as.Do(http.MethodPost, teams.path, over), http.StatusRequestEntityTooLarge)
	})
}

func TestJSONBody_MalformedJSONOrAnUnknownFieldIsNamed(t *testing.T) {
	t.Parallel()
	routes := jsonRoutes(t)
	for _, r := range routes {
		cases := []struct {
			name, body, field string
		}{
			{"malformed JSON names the body", `{"name": "x",`, "body"},
			{"JSON with single quotes names the body", `{'name': 'x'}`, "body"},
			{"an empty body names the body", ``, "body"},
			{"a blank body names the body", " \n\t ", "body"},
			{"an array instead of an object names the body", `[{"name": "x"}]`, "body"},
			{"a string instead of an object names the body", `"name"`, "body"},
			{"two JSON values name the body", `{} {}`, "body"},
			{"a stray closing bracket after the object names the body", `{}]`, "body"},
			{"null instead of an object names the body", `null`, "body"},
			{"an unknown field is named", r.unknown, r.unknownField},
			{"a wrong type is named", r.wrongType, r.wrongTypeField},
		}
		for _, tc := range cases {
			t.Run(r.String()+": "+tc.name, func(t *testing.T) {
				apitest.ExpectFieldErrors(t, r.as.Do(r.method, r.path, tc.body), tc.field)
			})
		}
	}
}

func TestJSONBody_AWrongTypeDeepInsideIsNamedByItsPath(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	tests := []struct {
		name, body, field string
	}{
		{"a number in a licence", `{"licences": [{"name": 1}]}`, "licences.name"},
		{"a number as a region", `{"regions": ["US", 1]}`, "regions"},
		{"a boolean as text", `{"qualified_custodian": "yes"}`, "qualified_custodian"},
		{"an array as provenance", `{"provenance": []}`, "provenance"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" names "+tc.field, func(t *testing.T) {
			p := apitest.ExpectFieldErrors(t, admin.Do(http.MethodPost, "/api/v1/custodians", tc.body), tc.field)
			if !strings.HasPrefix(apitest.ReasonOf(p, tc.field), "must be") {
				t.Errorf("reason %q does not say what the field must be", apitest.ReasonOf(p, tc.field))
			}
		})
	}
}

// validCustodian is a body every custodian check accepts; tests spoil it.
func validCustodian() map[string]any {
	return map[string]any{
		"slug":                "acme-custody",
		"name":                "Acme Custody",
		"legal_entity":        "Acme Custody Trust Company, LLC",
		"licences":            []map[string]string{{"name": "NY trust charter", "regulator": "NYDFS", "jurisdiction": "US"}},
		"qualified_custodian": true,
		"regions":             []string{"US", "EU"},
		"key_management":      []string{"mpc", "hsm"},
		"staking":             false,
		"provenance": map[string]any{
			"regions": map[string]string{"source": "website", "verified_on": "2026-01-31"},
		},
	}
}

func TestDomainValidation_EachBrokenRuleNamesItsField(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer := env.Login("officer@example.com")
	anon := env.Anonymous()
	treasury := fmtID(teams["Demo Treasury"])
	officer2 := userIDByEmail(t, admin, "officer2@example.com")
	custodian := fmtID(firstCustodianID(t, admin))

	spoiled := validCustodian()
	spoiled["slug"] = "Not A Slug!"
	spoiled["regions"] = []string{"US", "MARS"}
	spoiled["key_management"] = []string{"mpc", "paper_wallet"}
	spoiled["provenance"] = map[string]any{
		"ceo_name": map[string]string{"source": "website", "verified_on": "2026-01-31"},
		"regions":  map[string]string{"source": "website", "verified_on": "31/01/2026"},
	}
	spoiledPut := validCustodian()
	for k, v := range spoiled {
		spoiledPut[k] = v
	}
	spoiledPut["version"] = 1
	missing := validCustodian()
	for _, k := range []string{"slug", "name", "legal_entity", "regions"} {
		delete(missing, k)
	}
	badLicence := validCustodian()
	badLicence["licences"] = []map[string]string{{"name": "charter", "regulator": " "}}
	badLicence["provenance"] = map[string]any{
		"staking":      map[string]string{"source": "website", "verified_on": "2026-02-30"},
		"fee_model":    map[string]string{"source": " "},
		"notes":        map[string]string{"source": "website"},
		"legal_entity": map[string]string{"source": "register", "verified_on": ""},
	}
	badLicence["notes"] = strings.Repeat("n", 4001)

	tests := []struct {
		name         string
		as           *apitest.Client
		method, path string
		body         any
		fields       []string
	}{
		{"login without address or password names both", anon, http.MethodPost, "/api/v1/session",
			map[string]string{"email": " ", "password": ""}, []string{"email", "password"}},
		{"token with a blank name and a lifetime over a year names both", officer, http.MethodPost, "/api/v1/tokens",
			map[string]any{"name": "  ", "password": apitest.Password, "expires_in_days": 366}, []string{"name", "expires_in_days"}},
		{"token with a negative lifetime", officer, http.MethodPost, "/api/v1/tokens",
			map[string]any{"name": "ci", "password": apitest.Password, "expires_in_days": -1}, []string{"expires_in_days"}},
		{"token without the password typed again", officer, http.MethodPost, "/api/v1/tokens",
			map[string]any{"name": "ci"}, []string{"password"}},
		{"token with a wrong password", officer, http.MethodPost, "/api/v1/tokens",
			map[string]any{"name": "ci", "password": "not-my-password-at-all"}, []string{"password"}},
		{"user with a common password", admin, http.MethodPost, "/api/v1/users",
			map[string]string{"email": "nora.new@example.com", "name": "Nora New", "password": "password1234"}, []string{"password"}},
		{"user with a guessable password", admin, http.MethodPost, "/api/v1/users",
			map[string]string{"email": "nora.new@example.com", "name": "Nora New", "password": "123456789012"}, []string{"password"}},
		{"user with a password made of their own address", admin, http.MethodPost, "/api/v1/users",
			map[string]string{"email": "nora.new@example.com", "name": "Nora New", "password": "nora.new@example.com1"}, []string{"password"}},
		{"user with a bad address and a short password names both", admin, http.MethodPost, "/api/v1/users",
			map[string]string{"email": "not-an-address", "name": "Nora New", "password": "short"}, []string{"email", "password"}},
		{"user with a display name in the address and no name", admin, http.MethodPost, "/api/v1/users",
			map[string]string{"email": "Nora <nora@example.com>", "name": "", "password": "correct-horse-battery-staple"}, []string{"email", "name"}},
		{"empty user names every field", admin, http.MethodPost, "/api/v1/users",
			`{}`, []string{"email", "name", "password"}},
		{"user update with a blank name and a short password names both", admin, http.MethodPatch, "/api/v1/users/" + fmtID(officer2),
			map[string]string{"name": " ", "password": "elevenchars"}, []string{"name", "password"}},
		{"team without a name", admin, http.MethodPost, "/api/v1/teams",
			map[string]string{"name": "   "}, []string{"name"}},
		{"team with a 201-character name", admin, http.MethodPost, "/api/v1/teams",
			map[string]string{"name": strings.Repeat("t", 201)}, []string{"name"}},
		{"team needing 0 approvals", admin, http.MethodPatch, "/api/v1/teams/" + treasury,
			map[string]int{"approvals_required": 0}, []string{"approvals_required"}},
		{"team needing 11 approvals", admin, http.MethodPatch, "/api/v1/teams/" + treasury,
			map[string]int{"approvals_required": 11}, []string{"approvals_required"}},
		{"team update with a blank name and -1 approvals names both", admin, http.MethodPatch, "/api/v1/teams/" + treasury,
			map[string]any{"name": "", "approvals_required": -1}, []string{"name", "approvals_required"}},
		{"membership with role owner", admin, http.MethodPost, "/api/v1/teams/" + treasury + "/members",
			map[string]any{"user_id": officer2, "role": "owner"}, []string{"role"}},
		{"membership with a role in capitals", admin, http.MethodPost, "/api/v1/teams/" + treasury + "/members",
			map[string]any{"user_id": officer2, "role": "Auditor"}, []string{"role"}},
		{"membership without a user", admin, http.MethodPost, "/api/v1/teams/" + treasury + "/members",
			map[string]any{"role": "auditor"}, []string{"user_id"}},
		{"custodian with bad slug, region, key management and provenance names each", admin, http.MethodPost, "/api/v1/custodians",
			spoiled, []string{"slug", "regions", "key_management", "provenance"}},
		{"custodian without slug, name, legal entity or regions names each", admin, http.MethodPost, "/api/v1/custodians",
			missing, []string{"slug", "name", "legal_entity", "regions"}},
		{"custodian with a bad licence, provenance dates and sources, long notes", admin, http.MethodPost, "/api/v1/custodians",
			badLicence, []string{"licences", "provenance", "notes"}},
		{"custodian update with bad slug, region, key management and provenance names each", admin, http.MethodPut, "/api/v1/custodians/" + custodian,
			spoiledPut, []string{"slug", "regions", "key_management", "provenance"}},
		{"custodian update without a version", admin, http.MethodPut, "/api/v1/custodians/" + custodian,
			validCustodian(), []string{"version"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			apitest.ExpectFieldErrors(t, tc.as.Do(tc.method, tc.path, tc.body), tc.fields...)
		})
	}

	t.Run("every provenance problem is listed, not only the first", func(t *testing.T) {
		p := apitest.ExpectFieldErrors(t, admin.Do(http.MethodPost, "/api/v1/custodians", spoiled), "slug", "regions", "key_management", "provenance")
		var provenance []string
		for _, fe := range p.Errors {
			if fe.Field == "provenance" {
				provenance = append(provenance, fe.Reason)
			}
		}
		if len(provenance) != 2 {
			t.Fatalf("want 2 provenance problems (unknown fact, bad date), got %q", provenance)
		}
		all := strings.Join(provenance, " | ")
		if !strings.Contains(all, "ceo_name") || !strings.Contains(all, "verified_on") {
			t.Errorf("provenance reasons do not name the unknown fact and the bad date: %q", all)
		}
	})
	t.Run("a refused custodian is not created", func(t *testing.T) {
		res := admin.Do(http.MethodGet, "/api/v1/custodians?q=acme", nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
		var page struct {
			Items []any `json:"items"`
		}
		apitest.DecodeInto(t, res, &page)
		if len(page.Items) != 0 {
			t.Fatalf("a refused custodian was stored: %s", res.Body)
		}
	})
}

func TestPathIDs_AMalformedOrNonPositiveIDIsNamed(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	treasury := fmtID(teams["Demo Treasury"])
	tests := []struct {
		method, path string
		body         any
		field        string
	}{
		{http.MethodGet, "/api/v1/users/abc", nil, "id"},
		{http.MethodGet, "/api/v1/users/0", nil, "id"},
		{http.MethodGet, "/api/v1/users/-3", nil, "id"},
		{http.MethodGet, "/api/v1/users/1.5", nil, "id"},
		{http.MethodGet, "/api/v1/users/99999999999999999999", nil, "id"},
		{http.MethodPatch, "/api/v1/users/abc", map[string]string{"name": "X"}, "id"},
		{http.MethodGet, "/api/v1/teams/0", nil, "teamID"},
		{http.MethodGet, "/api/v1/teams/abc", nil, "teamID"},
		{http.MethodPatch, "/api/v1/teams/0", map[string]int{"approvals_required": 2}, "teamID"},
		{http.MethodGet, "/api/v1/teams/0/members", nil, "teamID"},
		{http.MethodPost, "/api/v1/teams/x/members", map[string]any{"user_id": 1, "role": "auditor"}, "teamID"},
		{http.MethodDelete, "/api/v1/teams/" + treasury + "/members/abc/auditor", nil, "userID"},
		{http.MethodDelete, "/api/v1/teams/0/members/1/auditor", nil, "teamID"},
		{http.MethodGet, "/api/v1/custodians/abc", nil, "id"},
		{http.MethodPut, "/api/v1/custodians/0", map[string]any{"version": 1}, "id"},
		{http.MethodGet, "/api/v1/templates/v1", nil, "id"},
		{http.MethodDelete, "/api/v1/tokens/abc", nil, "id"},
		{http.MethodGet, "/api/v1/audit?team=abc", nil, "team"},
		{http.MethodGet, "/api/v1/audit?team=0", nil, "team"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path+" names "+tc.field, func(t *testing.T) {
			apitest.ExpectFieldErrors(t, admin.Do(tc.method, tc.path, tc.body), tc.field)
		})
	}
}
