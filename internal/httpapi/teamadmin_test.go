package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
)

// A team admin of Demo Family Office (team B) against Demo Treasury (team A):
// the defects of issue 9 item 4, each tried through the API.
func TestATeamAdminNeverReachesAnotherTeam(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	treasury, family := teams[demo.TreasuryTeam], teams[demo.OtherTeam]
	ctx := custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})
	u, err := env.Users.CreateUser(ctx, custos.NewUser{Email: "family.admin@example.com", Name: "Fay Family", Password: apitest.Password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Teams.AddMember(ctx, family, u.ID, custos.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := env.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	ws := env.OpenEvaluation(env.As("officer@example.com"), treasury, 1, 2)
	b := env.Login("family.admin@example.com")

	refused := []struct {
		name, method, path string
		body               any
	}{
		{"PATCH team A", http.MethodPatch, fmt.Sprintf("/api/v1/teams/%d", treasury), map[string]int{"approvals_required": 1}},
		{"read team A's audit trail", http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d", treasury), nil},
		{"read the whole audit trail", http.MethodGet, "/api/v1/audit", nil},
		{"make themselves a manager of team A", http.MethodPost, fmt.Sprintf("/api/v1/teams/%d/members", treasury), map[string]any{"user_id": u.ID, "role": "manager"}},
		{"make themselves an admin of team A", http.MethodPost, fmt.Sprintf("/api/v1/teams/%d/members", treasury), map[string]any{"user_id": u.ID, "role": "admin"}},
		{"remove a member of team A", http.MethodDelete, fmt.Sprintf("/api/v1/teams/%d/members/%d/officer", treasury, ws.Evaluation.OwnerID), nil},
		{"list team A's evaluations", http.MethodGet, fmt.Sprintf("/api/v1/evaluations?team=%d", treasury), nil},
		{"list team A's members", http.MethodGet, fmt.Sprintf("/api/v1/teams/%d/members", treasury), nil},
		{"create a team", http.MethodPost, "/api/v1/teams", map[string]string{"name": "Annexed"}},
		{"list every user", http.MethodGet, "/api/v1/users", nil},
		{"make themselves organisation admin", http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]bool{"org_admin": true}},
		{"edit the catalogue", http.MethodPost, "/api/v1/custodians", map[string]any{"slug": "annex", "name": "Annex", "legal_entity": "Annex Co.", "regions": []string{"EU"}}},
	}
	for _, r := range refused {
		if res := b.Do(r.method, r.path, r.body); res.Status != http.StatusForbidden {
			t.Errorf("a team-B admin may %s: %d, want 403 (%s)", r.name, res.Status, truncate(res.Body))
		}
	}
	// Team A's evaluation is refused (403, or 404 where existence is hidden)
	// and nothing of it shows.
	res := b.Do(http.MethodGet, fmt.Sprintf("/api/v1/evaluations/%d", ws.Evaluation.ID), nil)
	if (res.Status != http.StatusForbidden && res.Status != http.StatusNotFound) || strings.Contains(string(res.Body), ws.Evaluation.Title) {
		t.Errorf("a team-B admin reads team A's evaluation: %d %s", res.Status, truncate(res.Body))
	}
	// Nothing changed in team A.
	ms, err := env.Teams.ListMembers(context.Background(), treasury)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.UserID == u.ID {
			t.Fatalf("the team-B admin became %s of team A", m.Role)
		}
	}

	// In their own team they run its settings and memberships...
	if res := b.Do(http.MethodPatch, fmt.Sprintf("/api/v1/teams/%d", family), map[string]int{"approvals_required": 2}); res.Status != http.StatusOK {
		t.Errorf("a team admin updating their team: %d, want 200 (%s)", res.Status, truncate(res.Body))
	}
	// (someone from outside the team by address: a team admin cannot list accounts)
	if res := b.Do(http.MethodPost, fmt.Sprintf("/api/v1/teams/%d/members", family), map[string]any{"email": "officer@example.com", "role": "auditor"}); res.Status != http.StatusCreated {
		t.Errorf("a team admin adding a member to their team: %d, want 201 (%s)", res.Status, truncate(res.Body))
	}
	// ...but do not read its work or its trail.
	for _, path := range []string{fmt.Sprintf("/api/v1/evaluations?team=%d", family), fmt.Sprintf("/api/v1/audit?team=%d", family)} {
		if res := b.Do(http.MethodGet, path, nil); res.Status != http.StatusForbidden {
			t.Errorf("a team admin reading %s: %d, want 403", path, res.Status)
		}
	}

	// The organisation admin still administers every team.
	admin := env.Login("admin@example.com")
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d", family)},
		{http.MethodGet, "/api/v1/audit"},
		{http.MethodGet, fmt.Sprintf("/api/v1/teams/%d/members", family)},
	} {
		if res := admin.Do(r.method, r.path, nil); res.Status != http.StatusOK {
			t.Errorf("the organisation admin: %s %s: %d, want 200", r.method, r.path, res.Status)
		}
	}
	if res := admin.Do(http.MethodPatch, fmt.Sprintf("/api/v1/teams/%d", family), map[string]int{"approvals_required": 1}); res.Status != http.StatusOK {
		t.Errorf("the organisation admin updating team B: %d, want 200", res.Status)
	}
}

func TestOrganisationAdminIsGrantedAndTheLastOneIsKept(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	admin := env.Login("admin@example.com")
	var me struct {
		User custos.User `json:"user"`
	}
	admin.Do(http.MethodGet, "/api/v1/me", nil).JSON(&me)
	if !me.User.OrgAdmin {
		t.Fatal("the demo's admin@example.com is not the organisation admin")
	}
	self := fmt.Sprintf("/api/v1/users/%d", me.User.ID)

	// The only organisation admin can neither disable nor demote themselves.
	for _, body := range []map[string]bool{{"disabled": true}, {"org_admin": false}} {
		res := admin.Do(http.MethodPatch, self, body)
		if res.Status != http.StatusConflict || !strings.Contains(res.Problem().Detail, "last organisation admin") {
			t.Fatalf("the last organisation admin, %v: %d %s, want 409 naming why", body, res.Status, res.Body)
		}
	}

	// A second organisation admin: now the first may step down, and the
	// second, being the last, may not be removed by anyone.
	second, err := env.Users.FindUserByEmail(context.Background(), "teamadmin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if res := admin.Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", second.ID), map[string]bool{"org_admin": true}); res.Status != http.StatusOK {
		t.Fatalf("granting organisation admin: %d %s", res.Status, res.Body)
	}
	promoted := env.Login("teamadmin@example.com")
	if res := promoted.Do(http.MethodGet, "/api/v1/users", nil); res.Status != http.StatusOK {
		t.Fatalf("the new organisation admin lists users: %d, want 200", res.Status)
	}
	if res := admin.Do(http.MethodPatch, self, map[string]bool{"org_admin": false}); res.Status != http.StatusOK {
		t.Fatalf("stepping down with another organisation admin left: %d %s", res.Status, res.Body)
	}
	if res := admin.Do(http.MethodGet, "/api/v1/users", nil); res.Status != http.StatusForbidden {
		t.Fatalf("a demoted organisation admin lists users: %d, want 403", res.Status)
	}
	if res := promoted.Do(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", second.ID), map[string]bool{"disabled": true}); res.Status != http.StatusConflict {
		t.Fatalf("the last organisation admin disabling themselves: %d, want 409", res.Status)
	}
}
