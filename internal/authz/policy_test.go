package authz

import (
	"testing"

	"github.com/custos-dd/custos/internal/custos"
)

// Demo-like memberships: team 1 has one user per role, team 2 its own officer.
var testMemberships = []custos.Membership{
	{UserID: 1, TeamID: 1, Role: custos.RoleOfficer},
	{UserID: 2, TeamID: 1, Role: custos.RoleManager},
	{UserID: 3, TeamID: 1, Role: custos.RoleAuditor},
	{UserID: 4, TeamID: 1, Role: custos.RoleAdmin}, // a team admin of team 1 only
	{UserID: 5, TeamID: 2, Role: custos.RoleOfficer},
	{UserID: 6, TeamID: 1, Role: custos.RoleAdmin}, // the organisation admin, also team 1's admin
	{UserID: 7, TeamID: 1, Role: custos.RoleAuditor},
	{UserID: 7, TeamID: 2, Role: custos.RoleAuditor}, // auditor of two teams: granted org-auditor twice
}

// testOrgAdmins are the organisation admins.
var testOrgAdmins = []int64{6}

func TestPolicyAllowsAndDeniesExactly(t *testing.T) {
	e, err := NewEnforcer(testMemberships, testOrgAdmins)
	if err != nil {
		t.Fatal(err)
	}
	team1, team2, org := custos.TeamDomain(1), custos.TeamDomain(2), custos.OrgDomain
	cases := []struct {
		user   int64
		domain string
		obj    custos.Object
		act    custos.Action
		want   bool
	}{
		// Every signed-in user reads the catalogue and manages their own tokens.
		{1, org, custos.ObjCustodian, custos.ActRead, true},
		{99, org, custos.ObjTemplate, custos.ActRead, true},
		{5, org, custos.ObjToken, custos.ActCreate, true},
		// Only admins edit the catalogue.
		{1, org, custos.ObjCustodian, custos.ActCreate, false},
		{2, org, custos.ObjCustodian, custos.ActUpdate, false},
		{6, org, custos.ObjCustodian, custos.ActUpdate, true},
		{4, org, custos.ObjCustodian, custos.ActUpdate, false},
		// Team roles hold in their own team only.
		{1, team1, custos.ObjTeam, custos.ActRead, true},
		{1, team2, custos.ObjTeam, custos.ActRead, false},
		{5, team1, custos.ObjMembership, custos.ActRead, false},
		{5, team2, custos.ObjMembership, custos.ActRead, true},
		// The audit trail: the team's auditors and org admins read it; officers and managers do not.
		{3, team1, custos.ObjAudit, custos.ActRead, true},
		{3, team2, custos.ObjAudit, custos.ActRead, false},
		{3, org, custos.ObjAudit, custos.ActRead, false},
		{1, team1, custos.ObjAudit, custos.ActRead, false},
		{2, team1, custos.ObjAudit, custos.ActRead, false},
		{6, team2, custos.ObjAudit, custos.ActRead, true},
		{6, org, custos.ObjAudit, custos.ActRead, true},
		{3, org, custos.ObjAudit, custos.ActVerify, true},
		{1, org, custos.ObjAudit, custos.ActVerify, false},
		// Administration of the organisation is the org admin's alone.
		{6, org, custos.ObjUser, custos.ActCreate, true},
		{6, team2, custos.ObjMembership, custos.ActCreate, true},
		{6, team2, custos.ObjTeam, custos.ActUpdate, true},
		{4, org, custos.ObjUser, custos.ActCreate, false},
		{4, org, custos.ObjUser, custos.ActRead, false},
		{4, org, custos.ObjTeam, custos.ActCreate, false},
		// A team admin runs their own team's settings and memberships...
		{4, team1, custos.ObjTeam, custos.ActUpdate, true},
		{4, team1, custos.ObjMembership, custos.ActCreate, true},
		{4, team1, custos.ObjMembership, custos.ActDelete, true},
		// ...and reaches nothing of another team, nor its own team's work or trail.
		{4, team2, custos.ObjTeam, custos.ActUpdate, false},
		{4, team2, custos.ObjTeam, custos.ActRead, false},
		{4, team2, custos.ObjMembership, custos.ActCreate, false},
		{4, team2, custos.ObjAudit, custos.ActRead, false},
		{4, team2, custos.ObjEvaluation, custos.ActRead, false},
		{4, team1, custos.ObjAudit, custos.ActRead, false},
		{4, team1, custos.ObjEvaluation, custos.ActRead, false},
		{4, org, custos.ObjAudit, custos.ActRead, false},
		{7, org, custos.ObjAudit, custos.ActVerify, true},
		{2, team1, custos.ObjMembership, custos.ActCreate, false},
		{3, org, custos.ObjUser, custos.ActRead, false},
		{1, org, custos.ObjTeam, custos.ActCreate, false},
		// Unknown objects and actions are denied.
		{6, org, custos.Object("nothing"), custos.ActRead, false},
		{6, org, custos.ObjUser, custos.Action("approve"), false},
	}
	for _, c := range cases {
		got, err := e.Enforce(Subject(c.user), c.domain, string(c.obj), string(c.act))
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("user %d in %s: %s %s = %v, want %v", c.user, c.domain, c.act, c.obj, got, c.want)
		}
	}
}

func TestPolicyFileRejectsMalformedLines(t *testing.T) {
	if _, err := parsePolicy("p, officer, team\n"); err == nil {
		t.Fatal("a line with three fields was accepted")
	}
	if _, err := parsePolicy("g, user:1, officer, team:1\n"); err == nil {
		t.Fatal("a grouping line in the policy file was accepted")
	}
}
