package apitest

import (
	"context"
	"fmt"

	"github.com/custos-dd/custos/internal/custos"
)

// As returns a context acting as the user with that address.
func (e *Env) As(email string) context.Context {
	e.T.Helper()
	u, err := e.Users.FindUserByEmail(context.Background(), email)
	if err != nil {
		e.T.Fatal(err)
	}
	return custos.WithActor(context.Background(), custos.Actor{UserID: u.ID, Email: u.Email})
}

// TinyPDF is a minimal file that sniffs as application/pdf.
var TinyPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// OpenEvaluation opens a draft in the team, as the officer, of the given
// catalogue custodians, for a US mandate that every US custodian fits.
func (e *Env) OpenEvaluation(as context.Context, teamID int64, custodianIDs ...int64) *custos.Workspace {
	e.T.Helper()
	ws, err := e.Evaluations.CreateEvaluation(as, custos.NewEvaluation{TeamID: teamID, Title: "Custody RFP", TemplateID: 1,
		Mandate: custos.Mandate{Regions: []string{"US"}, Assets: []string{"BTC", "ETH"}}, CustodianIDs: custodianIDs})
	if err != nil {
		e.T.Fatal(err)
	}
	return ws
}

// CompleteAndShortlist answers every item of one candidate, attaches the
// required evidence, scores every criterion, settles its open critical flags
// and shortlists it alone: ready to submit.
func (e *Env) CompleteAndShortlist(as context.Context, ws *custos.Workspace, custodianID int64) {
	e.T.Helper()
	id := ws.Evaluation.ID
	for _, it := range ws.Template.Items() {
		if _, err := e.Evaluations.PutAnswer(as, id, custodianID, it.ID, nil, custos.AnswerInput{Status: custos.AnswerMet, Note: "Confirmed."}); err != nil {
			e.T.Fatal(err)
		}
		if it.EvidenceRequired {
			if _, err := e.Evaluations.AddEvidence(as, id, custodianID, it.ID, 0, "proof.pdf", TinyPDF); err != nil {
				e.T.Fatal(err)
			}
		}
	}
	for _, c := range ws.Template.Criteria {
		if _, err := e.Evaluations.PutScore(as, id, custodianID, c.Key, 0, custos.ScoreInput{Score: 4, Rationale: "Strong."}); err != nil {
			e.T.Fatal(err)
		}
	}
	for _, a := range ws.Assessments {
		for _, f := range a.RedFlags {
			if a.Custodian.ID == custodianID && f.Status == custos.FlagOpen && f.Severity == custos.SeverityCritical {
				if _, err := e.Evaluations.MoveRedFlag(as, id, f.ID, 0, custos.RedFlagMove{Status: custos.FlagAccepted, Resolution: "Accepted by committee."}); err != nil {
					e.T.Fatal(err)
				}
			}
		}
	}
	if _, err := e.Evaluations.PutShortlist(as, id, 0, []custos.ShortlistEntry{{CustodianID: custodianID, Rank: 1, Rationale: "Best fit."}}); err != nil {
		e.T.Fatal(err)
	}
}

// SubmittedEvaluation opens, completes and submits an evaluation as the officer.
func (e *Env) SubmittedEvaluation(as context.Context, teamID int64) *custos.Workspace {
	e.T.Helper()
	ws := e.OpenEvaluation(as, teamID, 1, 2)
	e.CompleteAndShortlist(as, ws, 1)
	ws, err := e.Evaluations.Submit(as, ws.Evaluation.ID, 0)
	if err != nil {
		e.T.Fatal(err)
	}
	return ws
}

// ApprovedEvaluation opens an evaluation of n catalogue custodians (1..n),
// answers every item of every candidate with the required evidence, scores
// them all, shortlists the first two, submits it as the officer and has the
// manager approve it.
func (e *Env) ApprovedEvaluation(officer, manager context.Context, teamID int64, n int) *custos.Workspace {
	e.T.Helper()
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	ws := e.OpenEvaluation(officer, teamID, ids...)
	id := ws.Evaluation.ID
	for i, cid := range ids {
		for j, it := range ws.Template.Items() {
			in := custos.AnswerInput{Status: custos.AnswerMet, Note: "Confirmed in the due-diligence call."}
			if (i+j)%7 == 3 {
				in = custos.AnswerInput{Status: custos.AnswerPartlyMet, Note: "Only for the main entity; affiliates pending."}
			}
			if _, err := e.Evaluations.PutAnswer(officer, id, cid, it.ID, nil, in); err != nil {
				e.T.Fatal(err)
			}
			if it.EvidenceRequired {
				if _, err := e.Evaluations.AddEvidence(officer, id, cid, it.ID, 0, fmt.Sprintf("%s-%d.pdf", it.Key, cid), TinyPDF); err != nil {
					e.T.Fatal(err)
				}
			}
		}
		for k, c := range ws.Template.Criteria {
			score := 5 - (i+k)%4
			if _, err := e.Evaluations.PutScore(officer, id, cid, c.Key, 0, custos.ScoreInput{Score: score, Rationale: "Assessed against the " + c.Name + " criterion."}); err != nil {
				e.T.Fatal(err)
			}
		}
	}
	ws, err := e.Evaluations.Workspace(officer, id)
	if err != nil {
		e.T.Fatal(err)
	}
	for _, a := range ws.Assessments {
		for _, f := range a.RedFlags {
			if f.Status == custos.FlagOpen {
				if _, err := e.Evaluations.MoveRedFlag(officer, id, f.ID, 0, custos.RedFlagMove{Status: custos.FlagMitigated, Resolution: "Confirmed with the custodian's compliance team."}); err != nil {
					e.T.Fatal(err)
				}
			}
		}
	}
	if _, err := e.Evaluations.PutShortlist(officer, id, 0, []custos.ShortlistEntry{
		{CustodianID: ws.Ranking[0].CustodianID, Rank: 1, Rationale: "Highest weighted total and a clean review."},
		{CustodianID: ws.Ranking[1].CustodianID, Rank: 2, Rationale: "A strong second with complementary coverage."},
	}); err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.Evaluations.Submit(officer, id, 0); err != nil {
		e.T.Fatal(err)
	}
	ws, err = e.Evaluations.Decide(manager, id, 0, custos.DecisionApprove, "Approved by the investment committee.")
	if err != nil {
		e.T.Fatal(err)
	}
	return ws
}
