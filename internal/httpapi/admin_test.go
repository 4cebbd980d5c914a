package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

type userJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
}

type teamJSON struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	ApprovalsRequired int    `json:"approvals_required"`
}

type membershipJSON struct {
	TeamID    int64  `json:"team_id"`
	TeamName  string `json:"team_name"`
	UserID    int64  `json:"user_id"`
	UserEmail string `json:"user_email"`
	Role      string `json:"role"`
}

// loginAs signs in with a password other than apitest.Password.
func loginAs(t *testing.T, env *apitest.Env, email, password string) *apitest.Response {
	t.Helper()
	return env.Anonymous().Do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": password})
}

// sessionClient turns a login answer into a client holding its session.
func sessionClient(t *testing.T, env *apitest.Env, res *apitest.Response) *apitest.Client {
	t.Helper()
	expectStatus(t, res, http.StatusCreated)
	c := env.Anonymous()
	for _, ck := range res.Header.Values("Set-Cookie") {
		if parsed, err := http.ParseSetCookie(ck); err == nil && parsed.Value != "" {
			c.Cookie = parsed
		}
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	decodeInto(t, res, &me)
	c.CSRF = me.CSRF
	if c.Cookie == nil || c.CSRF == "" {
		t.Fatalf("login set no session: %v", res.Header)
	}
	return c
}

// assertNoSecrets fails when an answer about an account shows a password or its hash.
func assertNoSecrets(t *testing.T, res *apitest.Response, password string) {
	t.Helper()
	body := string(res.Body)
	for _, leak := range []string{password, "password", "$argon2", "hash"} {
		if strings.Contains(body, leak) {
			t.Errorf("answer contains %q: %s", leak, body)
		}
	}
}

func TestUsers_2xx(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	const password = "a-new-long-passphrase-42"

	var nora userJSON
	t.Run("an admin creates a user (201) without the password in the answer", func(t *testing.T) {
		res := admin.Do(http.MethodPost, "/api/v1/users",
			map[string]string{"email": "  Nora.New@Example.COM ", "name": "  Nora New ", "password": password})
		expectStatus(t, res, http.StatusCreated)
		assertNoSecrets(t, res, password)
		decodeInto(t, res, &nora)
		if nora.ID == 0 || nora.Email != "nora.new@example.com" || nora.Name != "Nora New" || nora.Disabled {
			t.Fatalf("created %s", res.Body)
		}
	})
	t.Run("the new user signs in with the address in any case", func(t *testing.T) {
		expectStatus(t, loginAs(t, env, "NORA.NEW@example.com", password), http.StatusCreated)
	})
	t.Run("an admin lists users without secrets", func(t *testing.T) {
		res := admin.Do(http.MethodGet, "/api/v1/users", nil)
		expectStatus(t, res, http.StatusOK)
		assertNoSecrets(t, res, password)
		var list struct {
			Items []userJSON `json:"items"`
		}
		decodeInto(t, res, &list)
		emails := map[string]bool{}
		for _, u := range list.Items {
			emails[u.Email] = true
		}
		if len(list.Items) != 9 || !emails["nora.new@example.com"] || !emails["other.officer@example.com"] {
			t.Fatalf("want the 8 demo accounts and Nora, got %s", res.Body)
		}
	})
	t.Run("an admin gets one user", func(t *testing.T) {
		res := admin.Do(http.MethodGet, "/api/v1/users/"+fmtID(nora.ID), nil)
		expectStatus(t, res, http.StatusOK)
		assertNoSecrets(t, res, password)
		var u userJSON
		decodeInto(t, res, &u)
		if u != nora {
			t.Fatalf("got %+v, want %+v", u, nora)
		}
	})
	t.Run("an admin renames a user, trimming the name as on creation", func(t *testing.T) {
		res := admin.Do(http.MethodPatch, "/api/v1/users/"+fmtID(nora.ID), map[string]string{"name": "  Nora Renamed "})
		expectStatus(t, res, http.StatusOK)
		var u userJSON
		decodeInto(t, res, &u)
		if u.Name != "Nora Renamed" || u.Email != nora.Email || u.Disabled {
			t.Fatalf("renamed %s", res.Body)
		}
	})
	t.Run("an admin resets a password: the old one stops working, the new one works", func(t *testing.T) {
		res := admin.Do(http.MethodPatch, "/api/v1/users/"+fmtID(nora.ID), map[string]string{"password": "another-long-passphrase"})
		expectStatus(t, res, http.StatusOK)
		assertNoSecrets(t, res, "another-long-passphrase")
		expectProblem(t, loginAs(t, env, nora.Email, password), http.StatusUnauthorized)
		expectStatus(t, loginAs(t, env, nora.Email, "another-long-passphrase"), http.StatusCreated)
	})
	t.Run("the audit trail records the account without its password", func(t *testing.T) {
		if !auditHas(t, admin, "", "user.create", fmtID(nora.ID)) {
			t.Fatal("no user.create event")
		}
		res := admin.Do(http.MethodGet, "/api/v1/audit?limit=200", nil)
		expectStatus(t, res, http.StatusOK)
		if body := string(res.Body); strings.Contains(body, password) || strings.Contains(body, "$argon2") {
			t.Fatal("the audit trail shows a password or hash")
		}
	})
}

func TestUsers_401_WhenDisabled(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	officer := env.Login("officer@example.com")
	officerID := userIDByEmail(t, admin, "officer@example.com")

	// An API token of the user, to check it stops too.
	res := officer.Do(http.MethodPost, "/api/v1/tokens", map[string]string{"name": "script", "password": apitest.Password})
	expectStatus(t, res, http.StatusCreated)
	var tok struct {
		Token string `json:"token"`
	}
	res.JSON(&tok)
	bearer := env.Anonymous()
	bearer.Bearer = tok.Token
	expectStatus(t, bearer.Do(http.MethodGet, "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, officer.Do(http.MethodGet, "/api/v1/me", nil), http.StatusOK)

	res = admin.Do(http.MethodPatch, "/api/v1/users/"+fmtID(officerID), map[string]bool{"disabled": true})
	expectStatus(t, res, http.StatusOK)
	var u userJSON
	res.JSON(&u)
	if !u.Disabled {
		t.Fatalf("not disabled: %s", res.Body)
	}

	tests := []struct {
		name string
		do   func() *apitest.Response
	}{
		{"their existing session stops working", func() *apitest.Response { return officer.Do(http.MethodGet, "/api/v1/me", nil) }},
		{"their session cannot read the catalogue", func() *apitest.Response {
			return officer.Do(http.MethodGet, "/api/v1/custodians", nil)
		}},
		{"their API token stops working", func() *apitest.Response { return bearer.Do(http.MethodGet, "/api/v1/me", nil) }},
		{"their login fails", func() *apitest.Response { return loginAs(t, env, "officer@example.com", apitest.Password) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectProblem(t, tc.do(), http.StatusUnauthorized)
		})
	}

	t.Run("re-enabled, they sign in again but the old session stays ended", func(t *testing.T) {
		expectStatus(t, admin.Do(http.MethodPatch, "/api/v1/users/"+fmtID(officerID), map[string]bool{"disabled": false}), http.StatusOK)
		expectProblem(t, officer.Do(http.MethodGet, "/api/v1/me", nil), http.StatusUnauthorized)
		again := sessionClient(t, env, loginAs(t, env, "officer@example.com", apitest.Password))
		expectStatus(t, again.Do(http.MethodGet, "/api/v1/me", nil), http.StatusOK)
	})
}

func TestUsers_409(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	tests := []struct {
		name, email string
	}{
		{"a duplicate address", "officer@example.com"},
		{"a duplicate address in other case and with spaces", "  Officer@Example.com "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := admin.Do(http.MethodPost, "/api/v1/users",
				map[string]string{"email": tc.email, "name": "Copy", "password": "correct-horse-battery-staple"})
			expectProblem(t, res, http.StatusConflict)
		})
	}
	t.Run("the original account is untouched", func(t *testing.T) {
		res := admin.Do(http.MethodGet, "/api/v1/users/"+fmtID(userIDByEmail(t, admin, "officer@example.com")), nil)
		expectStatus(t, res, http.StatusOK)
		var u userJSON
		decodeInto(t, res, &u)
		if u.Name != "Olivia Officer" {
			t.Fatalf("account changed: %s", res.Body)
		}
	})
}

func TestUsers_404(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	t.Run("get an unknown user", func(t *testing.T) {
		expectProblem(t, admin.Do(http.MethodGet, "/api/v1/users/999999", nil), http.StatusNotFound)
	})
	t.Run("update an unknown user", func(t *testing.T) {
		expectProblem(t, admin.Do(http.MethodPatch, "/api/v1/users/999999", map[string]string{"name": "Ghost"}), http.StatusNotFound)
	})
}

func TestTeams_2xx(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")

	var ops teamJSON
	t.Run("an admin creates a team (201) needing one approval", func(t *testing.T) {
		res := admin.Do(http.MethodPost, "/api/v1/teams", map[string]string{"name": "Operations"})
		expectStatus(t, res, http.StatusCreated)
		decodeInto(t, res, &ops)
		if ops.ID == 0 || ops.Name != "Operations" || ops.ApprovalsRequired != 1 {
			t.Fatalf("created %s", res.Body)
		}
		if !auditHas(t, admin, fmtID(ops.ID), "team.create", fmtID(ops.ID)) {
			t.Fatal("no team.create event for the team")
		}
	})
	t.Run("an admin lists the teams", func(t *testing.T) {
		res := admin.Do(http.MethodGet, "/api/v1/teams", nil)
		expectStatus(t, res, http.StatusOK)
		var list struct {
			Items []teamJSON `json:"items"`
		}
		decodeInto(t, res, &list)
		var names []string
		for _, tm := range list.Items {
			names = append(names, tm.Name)
		}
		if strings.Join(names, ",") != "Demo Family Office,Demo Treasury,Operations" {
			t.Fatalf("teams %q", names)
		}
	})
	t.Run("an admin sets the approvals required", func(t *testing.T) {
		res := admin.Do(http.MethodPatch, "/api/v1/teams/"+fmtID(ops.ID), map[string]int{"approvals_required": 3})
		expectStatus(t, res, http.StatusOK)
		var tm teamJSON
		decodeInto(t, res, &tm)
		if tm.ApprovalsRequired != 3 || tm.Name != "Operations" {
			t.Fatalf("updated %s", res.Body)
		}
		res = admin.Do(http.MethodGet, "/api/v1/teams/"+fmtID(ops.ID), nil)
		expectStatus(t, res, http.StatusOK)
		decodeInto(t, res, &tm)
		if tm.ApprovalsRequired != 3 {
			t.Fatalf("read back %s", res.Body)
		}
	})
	t.Run("the approval bounds 1 and 10 are allowed", func(t *testing.T) {
		for _, n := range []int{1, 10} {
			res := admin.Do(http.MethodPatch, "/api/v1/teams/"+fmtID(ops.ID), map[string]int{"approvals_required": n})
			expectStatus(t, res, http.StatusOK)
		}
	})
	t.Run("an admin renames a team, trimming the name and keeping its approvals", func(t *testing.T) {
		res := admin.Do(http.MethodPatch, "/api/v1/teams/"+fmtID(ops.ID), map[string]string{"name": " Treasury Ops  "})
		expectStatus(t, res, http.StatusOK)
		var tm teamJSON
		decodeInto(t, res, &tm)
		if tm.Name != "Treasury Ops" || tm.ApprovalsRequired != 10 {
			t.Fatalf("renamed %s", res.Body)
		}
	})
}

func TestTeams_409(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	tests := []struct {
		name         string
		method, path string
		body         any
	}{
		{"a duplicate name", http.MethodPost, "/api/v1/teams", map[string]string{"name": "Demo Treasury"}},
		{"a duplicate name in lower case", http.MethodPost, "/api/v1/teams", map[string]string{"name": "demo treasury"}},
		{"a duplicate name in upper case", http.MethodPost, "/api/v1/teams", map[string]string{"name": "DEMO FAMILY OFFICE"}},
		// Names are trimmed, so surrounding spaces do not make a second team.
		{"a duplicate name with surrounding spaces", http.MethodPost, "/api/v1/teams", map[string]string{"name": "  Demo Treasury "}},
		{"a rename to another team's name", http.MethodPatch, "/api/v1/teams/" + fmtID(teams["Demo Family Office"]),
			map[string]string{"name": "Demo treasury"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectProblem(t, admin.Do(tc.method, tc.path, tc.body), http.StatusConflict)
		})
	}
	t.Run("a team may keep its own name in another case", func(t *testing.T) {
		res := admin.Do(http.MethodPatch, "/api/v1/teams/"+fmtID(teams["Demo Family Office"]), map[string]string{"name": "Demo family office"})
		expectStatus(t, res, http.StatusOK)
	})
}

func TestTeams_404(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	tests := []struct {
		name         string
		method, path string
		body         any
	}{
		{"get an unknown team", http.MethodGet, "/api/v1/teams/999999", nil},
		{"update an unknown team", http.MethodPatch, "/api/v1/teams/999999", map[string]int{"approvals_required": 2}},
		{"list the members of an unknown team", http.MethodGet, "/api/v1/teams/999999/members", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectProblem(t, admin.Do(tc.method, tc.path, tc.body), http.StatusNotFound)
		})
	}
}

func TestMemberships_TakeEffectAtOnce(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	other := env.Login("other.officer@example.com")
	treasury := fmtID(teams["Demo Treasury"])
	familyOffice := fmtID(teams["Demo Family Office"])
	otherID := userIDByEmail(t, admin, "other.officer@example.com")

	reads := []string{
		"/api/v1/teams/" + treasury,
		"/api/v1/teams/" + treasury + "/members",
		"/api/v1/audit?team=" + treasury,
	}
	t.Run("before: an officer of another team cannot read Demo Treasury", func(t *testing.T) {
		for _, p := range reads {
			expectProblem(t, other.Do(http.MethodGet, p, nil), http.StatusForbidden)
		}
	})
	t.Run("an admin adds them as auditor (201)", func(t *testing.T) {
		res := admin.Do(http.MethodPost, "/api/v1/teams/"+treasury+"/members",
			map[string]any{"user_id": otherID, "role": "auditor"})
		expectStatus(t, res, http.StatusCreated)
		var m membershipJSON
		decodeInto(t, res, &m)
		if fmtID(m.TeamID) != treasury || m.TeamName != "Demo Treasury" || m.UserID != otherID ||
			m.UserEmail != "other.officer@example.com" || m.Role != "auditor" {
			t.Fatalf("membership %s", res.Body)
		}
		if !auditHas(t, admin, treasury, "membership.create", treasury+"/"+fmtID(otherID)+"/auditor") {
			t.Fatal("no membership.create event")
		}
	})
	t.Run("at once, their existing session reads the team, its members and its audit trail", func(t *testing.T) {
		for _, p := range reads {
			expectStatus(t, other.Do(http.MethodGet, p, nil), http.StatusOK)
		}
		res := other.Do(http.MethodGet, "/api/v1/me", nil)
		expectStatus(t, res, http.StatusOK)
		if !strings.Contains(string(res.Body), `"role":"auditor"`) {
			t.Fatalf("/me does not show the new role: %s", res.Body)
		}
	})
	t.Run("the new role gives nothing beyond auditing", func(t *testing.T) {
		expectProblem(t, other.Do(http.MethodGet, "/api/v1/audit?team="+familyOffice, nil), http.StatusForbidden)
		expectProblem(t, other.Do(http.MethodGet, "/api/v1/audit", nil), http.StatusForbidden)
		expectProblem(t, other.Do(http.MethodPatch, "/api/v1/teams/"+treasury, map[string]int{"approvals_required": 2}), http.StatusForbidden)
		expectProblem(t, other.Do(http.MethodPost, "/api/v1/teams/"+treasury+"/members",
			map[string]any{"user_id": otherID, "role": "admin"}), http.StatusForbidden)
	})
	t.Run("a second identical membership is refused (409)", func(t *testing.T) {
		expectProblem(t, admin.Do(http.MethodPost, "/api/v1/teams/"+treasury+"/members",
			map[string]any{"user_id": otherID, "role": "auditor"}), http.StatusConflict)
	})
	t.Run("an admin removes the membership (204) and access ends at once", func(t *testing.T) {
		res := admin.Do(http.MethodDelete, "/api/v1/teams/"+treasury+"/members/"+fmtID(otherID)+"/auditor", nil)
		expectStatus(t, res, http.StatusNoContent)
		for _, p := range reads {
			expectProblem(t, other.Do(http.MethodGet, p, nil), http.StatusForbidden)
		}
		if !auditHas(t, admin, treasury, "membership.delete", treasury+"/"+fmtID(otherID)+"/auditor") {
			t.Fatal("no membership.delete event")
		}
	})
	t.Run("their own team is unaffected", func(t *testing.T) {
		expectStatus(t, other.Do(http.MethodGet, "/api/v1/teams/"+familyOffice, nil), http.StatusOK)
	})
}

func TestMemberships_404(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	treasury := fmtID(teams["Demo Treasury"])
	otherID := fmtID(userIDByEmail(t, admin, "other.officer@example.com"))
	officerID := fmtID(userIDByEmail(t, admin, "officer@example.com"))
	tests := []struct {
		name         string
		method, path string
		body         any
	}{
		{"removing a membership that does not exist", http.MethodDelete, "/api/v1/teams/" + treasury + "/members/" + otherID + "/auditor", nil},
		{"removing a role the member does not hold", http.MethodDelete, "/api/v1/teams/" + treasury + "/members/" + officerID + "/manager", nil},
		{"removing from an unknown team", http.MethodDelete, "/api/v1/teams/999999/members/" + officerID + "/officer", nil},
		{"adding to an unknown team", http.MethodPost, "/api/v1/teams/999999/members", map[string]any{"user_id": 1, "role": "auditor"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectProblem(t, admin.Do(tc.method, tc.path, tc.body), http.StatusNotFound)
		})
	}
	t.Run("the officer keeps their role", func(t *testing.T) {
		expectStatus(t, env.Login("officer@example.com").Do(http.MethodGet, "/api/v1/teams/"+treasury, nil), http.StatusOK)
	})
}

func TestMemberships_400(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	admin := env.Login("admin@example.com")
	treasury := fmtID(teams["Demo Treasury"])
	t.Run("an unknown user_id names user_id", func(t *testing.T) {
		expectFieldErrors(t, admin.Do(http.MethodPost, "/api/v1/teams/"+treasury+"/members",
			map[string]any{"user_id": 999999, "role": "auditor"}), "user_id")
	})
	t.Run("removing an unknown role names role", func(t *testing.T) {
		officerID := fmtID(userIDByEmail(t, admin, "officer@example.com"))
		expectFieldErrors(t, admin.Do(http.MethodDelete, "/api/v1/teams/"+treasury+"/members/"+officerID+"/owner", nil), "role")
	})
	t.Run("a negative user_id names user_id", func(t *testing.T) {
		expectFieldErrors(t, admin.Do(http.MethodPost, "/api/v1/teams/"+treasury+"/members",
			map[string]any{"user_id": -4, "role": "auditor"}), "user_id")
	})
}

func TestTeamIsolation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	officer := env.Login("officer@example.com")
	treasury := fmtID(teams["Demo Treasury"])
	familyOffice := fmtID(teams["Demo Family Office"])

	t.Run("200: an officer reads their team and its members", func(t *testing.T) {
		res := officer.Do(http.MethodGet, "/api/v1/teams/"+treasury, nil)
		expectStatus(t, res, http.StatusOK)
		var tm teamJSON
		decodeInto(t, res, &tm)
		if tm.Name != "Demo Treasury" {
			t.Fatalf("team %s", res.Body)
		}
		res = officer.Do(http.MethodGet, "/api/v1/teams/"+treasury+"/members", nil)
		expectStatus(t, res, http.StatusOK)
		var list struct {
			Items []membershipJSON `json:"items"`
		}
		decodeInto(t, res, &list)
		emails := map[string]bool{}
		for _, m := range list.Items {
			if fmtID(m.TeamID) != treasury {
				t.Errorf("member of another team listed: %+v", m)
			}
			emails[m.UserEmail] = true
		}
		if len(list.Items) != 7 || !emails["officer@example.com"] || !emails["admin@example.com"] || emails["other.officer@example.com"] {
			t.Fatalf("want the 7 Demo Treasury memberships, got %s", res.Body)
		}
	})

	tests := []struct {
		name         string
		method, path string
		body         any
	}{
		{"another team", http.MethodGet, "/api/v1/teams/" + familyOffice, nil},
		{"another team's members", http.MethodGet, "/api/v1/teams/" + familyOffice + "/members", nil},
		{"another team's audit trail", http.MethodGet, "/api/v1/audit?team=" + familyOffice, nil},
		{"their own team's audit trail (officers do not audit)", http.MethodGet, "/api/v1/audit?team=" + treasury, nil},
		{"the list of all teams", http.MethodGet, "/api/v1/teams", nil},
		{"the list of users", http.MethodGet, "/api/v1/users", nil},
		{"changing their own team", http.MethodPatch, "/api/v1/teams/" + treasury, map[string]int{"approvals_required": 1}},
		{"adding a member to their team", http.MethodPost, "/api/v1/teams/" + treasury + "/members", map[string]any{"user_id": 1, "role": "admin"}},
		{"creating a team", http.MethodPost, "/api/v1/teams", map[string]string{"name": "Shadow"}},
		{"creating a user", http.MethodPost, "/api/v1/users", map[string]string{"email": "x@example.com", "name": "X", "password": "correct-horse-battery-staple"}},
		{"an unknown team (no existence oracle)", http.MethodGet, "/api/v1/teams/999999", nil},
	}
	for _, tc := range tests {
		t.Run("403: an officer cannot reach "+tc.name, func(t *testing.T) {
			expectProblem(t, officer.Do(tc.method, tc.path, tc.body), http.StatusForbidden)
		})
	}
}
