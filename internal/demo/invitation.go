package demo

import (
	"context"

	"github.com/custos-dd/custos/internal/custos"
)

// The demo respondent: a contact at the first candidate of the draft
// evaluation, so that a newcomer can play the custodian.
const (
	RespondentName  = "Demo respondent"
	RespondentEmail = "respondent@custodian.example"
)

// SeedInvitation gives the draft demo evaluation a fresh invitation for its
// first candidate and returns it with its token. Only a token's hash is
// stored, so a link cannot be shown again: each seeding revokes the demo
// invitations still open and issues a new one, whose link `make run`
// prints. It returns nil, and no error, when the draft is no longer a draft
// (someone submitted it while playing).
func SeedInvitation(ctx context.Context, users Store, teams TeamStore, evals custos.EvaluationService, invitations custos.InvitationService) (*custos.IssuedInvitation, error) {
	team, err := teams.FindTeamByName(ctx, TreasuryTeam)
	if err != nil {
		return nil, err
	}
	officer, err := users.FindUserByEmail(ctx, "officer@example.com")
	if err != nil {
		return nil, err
	}
	as := custos.WithActor(ctx, custos.Actor{UserID: officer.ID, Email: officer.Email})
	page, err := evals.ListEvaluations(as, custos.EvaluationFilter{TeamID: team.ID, Limit: 100})
	if err != nil {
		return nil, err
	}
	var draft *custos.EvaluationSummary
	for i, e := range page.Items {
		if e.Title == DraftTitle {
			draft = &page.Items[i]
		}
	}
	if draft == nil || draft.Status != custos.StatusDraft {
		return nil, nil
	}
	open, err := invitations.Invitations(as, draft.ID)
	if err != nil {
		return nil, err
	}
	for _, inv := range open {
		if inv.Name == RespondentName && inv.RevokedAt == nil {
			if _, err := invitations.RevokeInvitation(as, draft.ID, inv.ID); err != nil {
				return nil, err
			}
		}
	}
	ws, err := evals.Workspace(as, draft.ID)
	if err != nil {
		return nil, err
	}
	return invitations.Invite(as, draft.ID, custos.NewInvitation{CustodianID: ws.Assessments[0].Custodian.ID,
		Name: RespondentName, Email: RespondentEmail})
}
