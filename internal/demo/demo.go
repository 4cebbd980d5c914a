// Package demo seeds the demonstration teams and accounts that `make run`
// prints: one person per role in "Demo Treasury" (plus a second officer and
// a second manager, to show separation of duties), the organisation admin, a
// team admin who runs Demo Treasury only, and a second team with its own
// officer, to show that teams cannot see each other's work.
package demo

import (
	"context"

	"github.com/custos-dd/custos/internal/custos"
)

// Login is one demo account and what it may do.
type Login struct {
	Email string
	Name  string
	Team  string
	Role  custos.Role
	// OrgAdmin administers the organisation, beyond any team role.
	OrgAdmin bool
}

// Describe says what the login may do, for the list `make run` prints.
func (l Login) Describe() string {
	what := string(l.Role)
	if l.Role == custos.RoleAdmin {
		what = "team admin"
	}
	if l.OrgAdmin {
		return "organisation admin (and " + what + " in " + l.Team + ")"
	}
	return what + " in " + l.Team
}

// Team names.
const (
	TreasuryTeam = "Demo Treasury"
	OtherTeam    = "Demo Family Office"
)

// Logins are the demo accounts.
var Logins = []Login{
	{"officer@example.com", "Olivia Officer", TreasuryTeam, custos.RoleOfficer, false},
	{"officer2@example.com", "Omar Officer", TreasuryTeam, custos.RoleOfficer, false},
	{"manager@example.com", "Maya Manager", TreasuryTeam, custos.RoleManager, false},
	{"manager2@example.com", "Mateo Manager", TreasuryTeam, custos.RoleManager, false},
	{"auditor@example.com", "Ada Auditor", TreasuryTeam, custos.RoleAuditor, false},
	{"admin@example.com", "Alex Admin", TreasuryTeam, custos.RoleAdmin, true},
	{"teamadmin@example.com", "Tara Teamadmin", TreasuryTeam, custos.RoleAdmin, false},
	{"other.officer@example.com", "Otto Other", OtherTeam, custos.RoleOfficer, false},
}

// Store is what seeding needs of the database.
type Store interface {
	custos.UserService
	FindUserByEmail(ctx context.Context, email string) (*custos.User, error)
}

// TeamStore is what seeding needs of teams.
type TeamStore interface {
	custos.TeamService
	FindTeamByName(ctx context.Context, name string) (*custos.Team, error)
}

// Seed creates whatever of the demo data is missing and sets every demo
// account's password to password. Running it twice changes nothing else.
func Seed(ctx context.Context, users Store, teams TeamStore, password string) error {
	teamIDs := map[string]int64{}
	for _, name := range []string{TreasuryTeam, OtherTeam} {
		t, err := teams.FindTeamByName(ctx, name)
		if custos.ErrorCode(err) == custos.ENOTFOUND {
			t, err = teams.CreateTeam(ctx, name)
		}
		if err != nil {
			return err
		}
		teamIDs[name] = t.ID
	}
	for _, l := range Logins {
		u, err := users.FindUserByEmail(ctx, l.Email)
		switch custos.ErrorCode(err) {
		case custos.ENOTFOUND:
			u, err = users.CreateUser(ctx, custos.NewUser{Email: l.Email, Name: l.Name, Password: password, OrgAdmin: l.OrgAdmin})
		case "":
			pw, orgAdmin := password, l.OrgAdmin || u.OrgAdmin
			_, err = users.UpdateUser(ctx, u.ID, custos.UserUpdate{Password: &pw, OrgAdmin: &orgAdmin})
		}
		if err != nil {
			return err
		}
		_, err = teams.AddMember(ctx, teamIDs[l.Team], u.ID, l.Role)
		if err != nil && custos.ErrorCode(err) != custos.ECONFLICT {
			return err
		}
	}
	return nil
}
