package postgres_test

import (
	"context"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
)

// BenchmarkPutAnswer is one officer's tick of one checklist answer, through
// the store against the real test database: what the workspace sends on
// every click.
func BenchmarkPutAnswer(b *testing.B) {
	db, _ := apitest.NewDB(b)
	store := postgres.New(db)
	users, teams := postgres.NewUserService(store), postgres.NewTeamService(store)
	cli := custos.WithActor(context.Background(), custos.Actor{Email: "cli:bench"})
	if err := demo.Seed(cli, users, teams, apitest.Password); err != nil {
		b.Fatal(err)
	}
	team, err := teams.FindTeamByName(cli, demo.TreasuryTeam)
	if err != nil {
		b.Fatal(err)
	}
	officer, err := users.FindUserByEmail(cli, "officer@example.com")
	if err != nil {
		b.Fatal(err)
	}
	as := custos.WithActor(context.Background(), custos.Actor{UserID: officer.ID, Email: officer.Email})
	evals := postgres.NewEvaluationService(store)
	ws, err := evals.CreateEvaluation(as, custos.NewEvaluation{TeamID: team.ID, Title: "Bench RFP", TemplateID: 1,
		Mandate: custos.Mandate{Regions: []string{"US"}, Assets: []string{"BTC"}}, CustodianIDs: []int64{1, 4}})
	if err != nil {
		b.Fatal(err)
	}
	id, item := ws.Evaluation.ID, ws.Template.Items()[0].ID
	statuses := []custos.AnswerStatus{custos.AnswerMet, custos.AnswerNotApplicable}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := evals.PutAnswer(as, id, 1, item, nil, custos.AnswerInput{Status: statuses[i%2], Note: "Checked."}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
