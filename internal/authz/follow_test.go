package authz_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/authz"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/postgres"
)

// Another server's authorizer learns of a membership change through
// PostgreSQL NOTIFY, without waiting for its periodic reload.
func TestMembershipChangeReachesAnotherServer(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	other, err := authz.New(ctx, env.Teams, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	go other.Follow(ctx, env.Conf.URL(), postgres.AuthzChannel, time.Hour)

	cli := custos.WithActor(ctx, custos.Actor{Email: "cli:test"})
	team, err := env.Teams.CreateTeam(cli, "Fund III")
	if err != nil {
		t.Fatal(err)
	}
	u, err := env.Users.CreateUser(cli, custos.NewUser{Email: "new@example.com", Name: "New", Password: apitest.Password})
	if err != nil {
		t.Fatal(err)
	}
	allowed := func() bool {
		ok, err := other.Allowed(ctx, u.ID, custos.TeamDomain(team.ID), custos.ObjTeam, custos.ActRead)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if allowed() {
		t.Fatal("allowed before joining the team")
	}
	// waitFor polls until the other server agrees. The listener connects on
	// its own schedule, and a NOTIFY sent before it listens is lost, so the
	// wait repeats the notification (as any later change would) instead of
	// sleeping first; the periodic reload is an hour away, so only NOTIFY
	// can make this pass.
	waitFor := func(want bool, what string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for next := time.Now(); allowed() != want; {
			if time.Now().After(deadline) {
				t.Fatalf("the other server never learned of the %s", what)
			}
			if time.Now().After(next) {
				if _, err := env.SQL.Exec(`SELECT pg_notify($1, '')`, postgres.AuthzChannel); err != nil {
					t.Fatal(err)
				}
				next = time.Now().Add(500 * time.Millisecond)
			}
			time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
		}
	}
	if _, err := env.Teams.AddMember(cli, team.ID, u.ID, custos.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	waitFor(true, "new membership")
	if err := env.Teams.RemoveMember(cli, team.ID, u.ID, custos.RoleOfficer); err != nil {
		t.Fatal(err)
	}
	waitFor(false, "removed membership")
}
