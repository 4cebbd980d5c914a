package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// Evidence accepted from a custodian's response can be removed from a draft
// like any other (the response keeps its own file).
func TestRespondentEvidence_AcceptedFileCanBeRemovedFromADraft(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	first := k.Template.Items()[0]
	issued := invite(t, k.Officer, id, coinbase, nil)
	r := k.Env.Anonymous()
	r.Invitation = issued.Token
	apitest.ExpectStatus(t, respond(t, r, first.ID, "met", "see file"), http.StatusOK)
	apitest.ExpectStatus(t, respondUpload(r, first.ID, "soc2.pdf", apitest.TinyPDF), http.StatusCreated)
	apitest.ExpectStatus(t, r.Do(http.MethodPost, "/api/v1/respondent/submit", nil), http.StatusOK)
	apitest.ExpectStatus(t, review(k.Officer, id, issued.Invitation.ID, first.ID, "accept", nil), http.StatusOK)
	var evID int64
	for _, e := range apitest.AssessmentOf(t, k.Workspace(k.Officer, id), coinbase).Evidence {
		if e.ItemID == first.ID {
			evID = e.ID
		}
	}
	res := k.Officer.Do(http.MethodDelete, apitest.EvalPath(id, fmt.Sprintf("/evidence/%d", evID)), nil)
	if res.Status != http.StatusNoContent {
		t.Errorf("removing accepted respondent evidence: %d %s", res.Status, res.Body)
	}
}

// Each copy of an assurance document's file is on record, as evidence,
// memo, export and respondent-document downloads are.
func TestAssuranceFile_EachDownloadIsAudited(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	start, end, op := "2025-07-01", "2026-06-30", custos.OpinionUnqualified
	ctx := k.Env.As("officer@example.com")
	d, err := k.Env.Server.Assurance.AddDocument(ctx, k.Treasury, 1, custos.DocumentInput{Kind: custos.DocSOC2Type2,
		Issuer: "Deloitte", IssuedOn: "2026-08-01", PeriodStart: &start, PeriodEnd: &end, Opinion: &op})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Env.Server.Assurance.AttachDocumentFile(ctx, k.Treasury, d.ID, "soc2.pdf", apitest.TinyPDF); err != nil {
		t.Fatal(err)
	}
	var before, after int
	auditor := k.Env.Login("auditor@example.com")
	k.Env.SQL.Get(&before, `SELECT count(*) FROM audit_events`)
	res := auditor.Do(http.MethodGet, fmt.Sprintf("/api/v1/teams/%d/documents/%d/file", k.Treasury, d.ID), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	k.Env.SQL.Get(&after, `SELECT count(*) FROM audit_events`)
	if after == before {
		t.Errorf("assurance document file download wrote no audit event (%d events before and after)", before)
	}
}

// An officer removed from the team is told nothing more of its evaluations
// (here a manager's return, with its comment).
func TestNotifications_AMemberWhoLeftTheTeamHearsNoMore(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	ws := k.Submittable()
	id := ws.Evaluation.ID
	k.Submit(k.Officer, id)
	officerID := k.UserID("officer@example.com")
	admin := k.Env.Login("admin@example.com")
	apitest.ExpectStatus(t, admin.Do(http.MethodDelete, fmt.Sprintf("/api/v1/teams/%d/members/%d/officer", k.Treasury, officerID), nil), http.StatusNoContent)
	apitest.ExpectStatus(t, k.Env.Login("manager@example.com").Do(http.MethodPost, apitest.EvalPath(id, "/return"),
		map[string]string{"comment": "CONFIDENTIAL: rescore costs."}), http.StatusOK)
	// The ex-member can no longer read the evaluation...
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodGet, apitest.EvalPath(id, ""), nil), http.StatusNotFound)
	// ...but is told about it, comment included.
	res := k.Officer.Do(http.MethodGet, "/api/v1/notifications", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if strings.Contains(string(res.Body), "CONFIDENTIAL") {
		t.Errorf("an officer removed from the team got the return comment: %s", res.Body)
	}
}
