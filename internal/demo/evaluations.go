package demo

import (
	"context"
	"fmt"

	"github.com/custos-dd/custos/internal/custos"
)

// Demo evaluation titles.
const (
	SubmittedTitle = "2027 custody RFP — Fund III"
	DraftTitle     = "APAC expansion — custody review"
)

// Catalogue is what seeding needs of the custodian catalogue.
type Catalogue interface {
	ListCustodians(ctx context.Context, f custos.CustodianFilter) (*custos.CustodianPage, error)
}

// SeedEvaluations adds two evaluations to Demo Treasury unless they exist:
// one complete and submitted by officer@example.com, waiting for a manager's
// approval, and one fresh draft of APAC custodians.
func SeedEvaluations(ctx context.Context, users Store, teams TeamStore, cat Catalogue, evals custos.EvaluationService) error {
	team, err := teams.FindTeamByName(ctx, TreasuryTeam)
	if err != nil {
		return err
	}
	existing, err := evals.ListEvaluations(ctx, custos.EvaluationFilter{TeamID: team.ID, Limit: 100})
	if err != nil {
		return err
	}
	for _, e := range existing.Items {
		if e.Title == SubmittedTitle {
			return nil
		}
	}
	officer, err := users.FindUserByEmail(ctx, "officer@example.com")
	if err != nil {
		return err
	}
	as := custos.WithActor(ctx, custos.Actor{UserID: officer.ID, Email: officer.Email})
	page, err := cat.ListCustodians(ctx, custos.CustodianFilter{Limit: 100})
	if err != nil {
		return err
	}
	bySlug := map[string]int64{}
	for _, c := range page.Items {
		bySlug[c.Slug] = c.ID
	}
	pick := func(slugs ...string) ([]int64, error) {
		var ids []int64
		for _, s := range slugs {
			id, ok := bySlug[s]
			if !ok {
				return nil, fmt.Errorf("demo: custodian %q is not in the catalogue", s)
			}
			ids = append(ids, id)
		}
		return ids, nil
	}

	ids, err := pick("coinbase-prime-custody", "anchorage-digital-bank", "fidelity-digital-assets")
	if err != nil {
		return err
	}
	due := "2027-01-29"
	ws, err := evals.CreateEvaluation(as, custos.NewEvaluation{TeamID: team.ID, Title: SubmittedTitle, TemplateID: 1,
		Mandate: custos.Mandate{Regions: []string{"US"}, QualifiedCustodianRequired: true, Assets: []string{"BTC", "ETH", "SOL"},
			StakingRequired: true, ExpectedAUCUSD: 250_000_000}, CustodianIDs: ids, DueDate: &due})
	if err != nil {
		return err
	}
	if err := completeDemo(as, evals, ws); err != nil {
		return err
	}
	if _, err := evals.Submit(as, ws.Evaluation.ID, 0); err != nil {
		return err
	}

	ids, err = pick("sygnum-bank", "hex-trust", "komainu")
	if err != nil {
		return err
	}
	_, err = evals.CreateEvaluation(as, custos.NewEvaluation{TeamID: team.ID, Title: DraftTitle, TemplateID: 1,
		Mandate:      custos.Mandate{Regions: []string{"SG", "HK"}, Assets: []string{"BTC", "ETH"}, StakingRequired: true, ExpectedAUCUSD: 80_000_000},
		CustodianIDs: ids})
	return err
}

// demoScores are the scores per candidate (in the workspace's order, by
// name) for the criteria liquidity, security, coverage, costs, ux, support.
var demoScores = [][]int{{5, 4, 4, 3, 4, 4}, {4, 5, 3, 3, 4, 4}, {4, 4, 3, 4, 3, 5}}

var demoEvidence = []byte("Demo evidence file.\nIn a real review this would be the custodian's document.\n")

func completeDemo(as context.Context, evals custos.EvaluationService, ws *custos.Workspace) error {
	id := ws.Evaluation.ID
	for i, a := range ws.Assessments {
		cid := a.Custodian.ID
		for j, it := range ws.Template.Items() {
			in := custos.AnswerInput{Status: custos.AnswerMet, Note: "Confirmed with " + a.Custodian.Name + "."}
			if (i+j)%9 == 4 {
				in = custos.AnswerInput{Status: custos.AnswerPartlyMet, Note: "Covered for the main entity only; affiliates follow next quarter."}
			}
			if _, err := evals.PutAnswer(as, id, cid, it.ID, nil, in); err != nil {
				return err
			}
			if it.EvidenceRequired {
				if _, err := evals.AddEvidence(as, id, cid, it.ID, 0, it.Key+".txt", demoEvidence); err != nil {
					return err
				}
			}
		}
		for k, c := range ws.Template.Criteria {
			if _, err := evals.PutScore(as, id, cid, c.Key, 0, custos.ScoreInput{Score: demoScores[i%len(demoScores)][k],
				Rationale: fmt.Sprintf("%s: %s, as reviewed.", c.Name, a.Custodian.Name)}); err != nil {
				return err
			}
		}
		for _, f := range a.RedFlags {
			if _, err := evals.MoveRedFlag(as, id, f.ID, 0, custos.RedFlagMove{Status: custos.FlagAccepted,
				Resolution: "Staking will be arranged with a separate provider; custody needs are fully met."}); err != nil {
				return err
			}
		}
	}
	ws, err := evals.Workspace(as, id)
	if err != nil {
		return err
	}
	_, err = evals.PutShortlist(as, id, 0, []custos.ShortlistEntry{
		{CustodianID: ws.Ranking[0].CustodianID, Rank: 1, Rationale: "Highest weighted total; qualified custodian with staking in custody."},
		{CustodianID: ws.Ranking[1].CustodianID, Rank: 2, Rationale: "Close second; federal bank oversight as a fallback."},
	})
	return err
}
