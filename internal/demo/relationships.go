package demo

import (
	"context"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// AppointedTitle is the demo evaluation that was approved a year ago and
// from which the team appointed a custodian whose review now falls due.
const AppointedTitle = "2025 custody selection — Operating treasury"

// ReviewDueInDays is how soon the demo relationship's review falls due.
const ReviewDueInDays = 20

// SeedRelationship adds to Demo Treasury, unless it exists, an approved
// evaluation of BitGo and Fidelity and a custody relationship with its first
// choice, appointed a year less ReviewDueInDays before now, so that its
// yearly review is due within 30 days: the dashboard and the Relationships
// page show a review due at once, and re-diligence can be started from it.
func SeedRelationship(ctx context.Context, users Store, teams TeamStore, cat Catalogue, evals custos.EvaluationService,
	rels custos.RelationshipService, now time.Time) error {
	team, err := teams.FindTeamByName(ctx, TreasuryTeam)
	if err != nil {
		return err
	}
	existing, err := evals.ListEvaluations(ctx, custos.EvaluationFilter{TeamID: team.ID, Limit: 100})
	if err != nil {
		return err
	}
	for _, e := range existing.Items {
		if e.Title == AppointedTitle {
			return nil
		}
	}
	actor := func(email string) (context.Context, error) {
		u, err := users.FindUserByEmail(ctx, email)
		if err != nil {
			return nil, err
		}
		return custos.WithActor(ctx, custos.Actor{UserID: u.ID, Email: u.Email}), nil
	}
	officer, err := actor("officer@example.com")
	if err != nil {
		return err
	}
	page, err := cat.ListCustodians(ctx, custos.CustodianFilter{Limit: 100})
	if err != nil {
		return err
	}
	var ids []int64
	for _, c := range page.Items {
		if c.Slug == "bitgo-custody" || c.Slug == "fidelity-digital-assets" {
			ids = append(ids, c.ID)
		}
	}
	ws, err := evals.CreateEvaluation(officer, custos.NewEvaluation{TeamID: team.ID, Title: AppointedTitle, TemplateID: 1,
		Mandate:      custos.Mandate{Regions: []string{"US"}, QualifiedCustodianRequired: true, Assets: []string{"BTC", "ETH"}, ExpectedAUCUSD: 40_000_000},
		CustodianIDs: ids})
	if err != nil {
		return err
	}
	id := ws.Evaluation.ID
	if err := completeDemo(officer, evals, ws); err != nil {
		return err
	}
	if _, err := evals.Submit(officer, id, 0); err != nil {
		return err
	}
	// As many managers approve as the team requires (two at most here).
	for _, email := range []string{"manager@example.com", "manager2@example.com"} {
		as, err := actor(email)
		if err != nil {
			return err
		}
		ws, err = evals.Decide(as, id, 0, custos.DecisionApprove, "Agreed: the first choice is appointed.")
		if err != nil {
			return err
		}
		if ws.Evaluation.Status == custos.StatusApproved {
			break
		}
	}
	appointed := now.UTC().AddDate(-1, 0, ReviewDueInDays).Format("2006-01-02")
	_, err = rels.Appoint(officer, custos.NewRelationship{TeamID: team.ID, EvaluationID: id, CustodianID: ws.Shortlist[0].CustodianID,
		AppointedOn: appointed})
	return err
}
