package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
)

// The demo data has an appointed relationship whose review is due within
// 30 days of the seeding clock, resting on an approved evaluation; seeding
// again adds nothing.
func TestSeedRelationship_AReviewDueSoon(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ctx := custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})
	cat := postgres.NewCatalogueService(env.Store)
	now := env.Clock.Now()
	for range 2 {
		if err := demo.SeedEvaluations(ctx, env.Users, env.Teams, cat, env.Evaluations); err != nil {
			t.Fatal(err)
		}
		if err := demo.SeedRelationship(ctx, env.Users, env.Teams, cat, env.Evaluations, env.Server.Relationships, now); err != nil {
			t.Fatal(err)
		}
	}
	page, err := env.Server.Relationships.ListRelationships(ctx, custos.RelationshipFilter{TeamID: teams[demo.TreasuryTeam], Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("%d relationships, want 1", len(page.Items))
	}
	r := page.Items[0]
	due, err := time.Parse("2006-01-02", r.NextReviewDue)
	if err != nil {
		t.Fatal(err)
	}
	if days := due.Sub(now.UTC().Truncate(24*time.Hour)).Hours() / 24; r.Status != custos.ActiveRelationship || days < 1 || days > 30 || r.CustodianName != "BitGo Custody" {
		t.Errorf("relationship %s with %s, next review %s (%.0f days from %s)", r.Status, r.CustodianName, r.NextReviewDue, days, now.Format("2006-01-02"))
	}
	ws, err := env.Evaluations.Workspace(ctx, r.EvaluationID)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Evaluation.Title != demo.AppointedTitle || ws.Evaluation.Status != custos.StatusApproved {
		t.Errorf("it rests on %q (%s)", ws.Evaluation.Title, ws.Evaluation.Status)
	}
}
