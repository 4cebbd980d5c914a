package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// invite invites a contact at the custodian and returns what the officer
// is shown once.
func invite(t *testing.T, c *apitest.Client, evaluationID, custodianID int64, extra map[string]any) custos.IssuedInvitation {
	t.Helper()
	body := map[string]any{"custodian_id": custodianID, "name": "Rita Respondent", "email": "rita@custodian.example"}
	for k, v := range extra {
		body[k] = v
	}
	res := c.Do(http.MethodPost, apitest.EvalPath(evaluationID, "/invitations"), body)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	return apitest.Decode[custos.IssuedInvitation](t, res)
}

func invitations(t *testing.T, c *apitest.Client, evaluationID int64) []custos.InvitationReview {
	t.Helper()
	res := c.Do(http.MethodGet, apitest.EvalPath(evaluationID, "/invitations"), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	return apitest.Decode[struct{ Items []custos.InvitationReview }](t, res).Items
}

func respond(t *testing.T, r *apitest.Client, itemID int64, status, note string) *apitest.Response {
	t.Helper()
	return r.Do(http.MethodPut, fmt.Sprintf("/api/v1/respondent/items/%d", itemID), map[string]string{"status": status, "note": note})
}

func respondUpload(r *apitest.Client, itemID int64, name string, content []byte) *apitest.Response {
	body, h := apitest.Multipart("file", name, "", content)
	return r.Request(http.MethodPost, fmt.Sprintf("/api/v1/respondent/items/%d/documents", itemID), body, h)
}

func review(c *apitest.Client, evaluationID, invitationID, itemID int64, action string, body any) *apitest.Response {
	return c.Do(http.MethodPost, apitest.EvalPath(evaluationID, fmt.Sprintf("/invitations/%d/items/%d/%s", invitationID, itemID, action)), body)
}

func responseOf(t *testing.T, rv custos.InvitationReview, itemID int64) custos.Response {
	t.Helper()
	for _, r := range rv.Responses {
		if r.ItemID == itemID {
			return r
		}
	}
	t.Fatalf("no response to item %d in %+v", itemID, rv.Responses)
	return custos.Response{}
}

// The custodian answers its questionnaire itself, through the real server:
// invited, it answers and uploads, submits; the officer accepts some and asks
// about one; the custodian clarifies; the answer is accepted; the evaluation
// is submitted and approved; and the signed memo says which answers came
// from the custodian, and when.
func TestRespondent_Journey(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	env := k.Env
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	items := k.Template.Items()
	first, second, third := items[0], items[1], items[2]

	issued := invite(t, k.Officer, id, coinbase, nil)
	inv := issued.Invitation
	if !strings.HasPrefix(issued.Token, custos.InvitationTokenPrefix) || len(issued.Token) != len(custos.InvitationTokenPrefix)+43 {
		t.Fatalf("token %q is not cri_ and 256 bits in base64url", issued.Token)
	}
	if issued.Link != "/respond#"+issued.Token || issued.Emailed {
		t.Errorf("link %q emailed %v: want the fragment link, and no e-mail from a server without SMTP", issued.Link, issued.Emailed)
	}
	if d := cmp.Diff(custos.Invitation{ID: inv.ID, EvaluationID: id, CustodianID: coinbase, CustodianName: "Coinbase Prime Custody",
		Name: "Rita Respondent", Email: "rita@custodian.example", SectionKeys: []string{}, CreatedBy: k.UserID("officer@example.com"),
		CreatedAt: env.Clock.Now(), ExpiresAt: env.Clock.Now().Add(14 * 24 * time.Hour), State: custos.StateSent}, inv); d != "" {
		t.Errorf("invitation (-want +got):\n%s", d)
	}
	// Only the token's SHA-256 is stored.
	var stored []byte
	if err := env.SQL.Get(&stored, `SELECT token_hash FROM respondent_invitations WHERE id = $1`, inv.ID); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(apitest.SHA256([]byte(issued.Token)), stored); d != "" {
		t.Errorf("stored token hash (-want +got):\n%s", d)
	}

	r := env.Anonymous()
	r.Invitation = issued.Token
	res := r.Do(http.MethodGet, "/api/v1/respondent", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	q := apitest.Decode[custos.Questionnaire](t, res)
	if q.CustodianName != "Coinbase Prime Custody" || len(q.Sections) != len(k.Template.Sections) || !q.ExpiresAt.Equal(inv.ExpiresAt) {
		t.Errorf("questionnaire: %s, %d sections (want %d), expires %s", q.CustodianName, len(q.Sections), len(k.Template.Sections), q.ExpiresAt)
	}
	// Nothing of the other candidate, the scores, flags or the team.
	for _, secret := range []string{"Anchorage", `"scores"`, `"red_flags"`, `"mandate":`, `"notes"`, "Demo Treasury", "officer@example.com"} {
		if strings.Contains(string(res.Body), secret) {
			t.Errorf("the questionnaire shows %q: %s", secret, res.Body)
		}
	}
	if got := invitations(t, k.Officer, id)[0].State; got != custos.StateOpened {
		t.Errorf("after the first visit the invitation is %s, want opened", got)
	}

	env.Clock.Advance(5 * time.Minute)
	apitest.ExpectStatus(t, respond(t, r, first.ID, "met", "SOC 2 Type II report attached."), http.StatusOK)
	apitest.ExpectStatus(t, respond(t, r, second.ID, "partly_met", "Insurance covers hot wallets only."), http.StatusOK)
	apitest.ExpectStatus(t, respond(t, r, third.ID, "met", "Yes."), http.StatusOK)
	// A draft can change before submission.
	saved := apitest.Decode[custos.Response](t, respond(t, r, third.ID, "met", "Yes, see the policy."))
	if saved.State != custos.ResponseDraftState || saved.Note != "Yes, see the policy." {
		t.Errorf("saved draft: %+v", saved)
	}
	res = respondUpload(r, first.ID, "soc2-2026.pdf", apitest.TinyPDF)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	doc := apitest.Decode[custos.ResponseDocument](t, res)

	env.Clock.Advance(5 * time.Minute)
	submittedAt := env.Clock.Now()
	res = r.Do(http.MethodPost, "/api/v1/respondent/submit", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if q := apitest.Decode[custos.Questionnaire](t, res); q.CanSubmit || q.SubmittedAt == nil || !q.SubmittedAt.Equal(submittedAt) {
		t.Errorf("after submission: can_submit %v, submitted_at %v", q.CanSubmit, q.SubmittedAt)
	}
	// Reuse after submission: the link is closed until the team asks.
	apitest.ExpectProblem(t, r.Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusGone)
	apitest.ExpectProblem(t, respond(t, r, first.ID, "not_met", "Changed my mind."), http.StatusGone)

	rv := invitations(t, k.Officer, id)[0]
	if rv.State != custos.StateSubmitted || len(rv.Responses) != 3 {
		t.Fatalf("after submission: %s with %d responses", rv.State, len(rv.Responses))
	}
	got := responseOf(t, rv, second.ID)
	if got.State != custos.ResponseSubmittedState || got.Status != custos.AnswerPartlyMet || !got.SubmittedAt.Equal(submittedAt) {
		t.Errorf("second response: %+v", got)
	}

	// The officer reads the document (audited) before deciding.
	res = k.Officer.Do(http.MethodGet, apitest.EvalPath(id, fmt.Sprintf("/invitations/%d/documents/%d", inv.ID, doc.ID)), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	if d := cmp.Diff(apitest.TinyPDF, res.Body); d != "" || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("the document as downloaded (%s):\n%s", res.Header.Get("Content-Type"), d)
	}

	// The officer accepts two and asks about the third.
	env.Clock.Advance(5 * time.Minute)
	apitest.ExpectStatus(t, review(k.Officer, id, inv.ID, first.ID, "accept", nil), http.StatusOK)
	apitest.ExpectStatus(t, review(k.Officer, id, inv.ID, second.ID, "accept", nil), http.StatusOK)
	apitest.ExpectFieldErrors(t, review(k.Officer, id, inv.ID, third.ID, "clarify", map[string]string{"comment": "  "}), "comment")
	apitest.ExpectStatus(t, review(k.Officer, id, inv.ID, third.ID, "clarify",
		map[string]string{"comment": "Which policy? Attach it or name its version."}), http.StatusOK)
	// Accepting twice is a conflict; a manager may not review.
	apitest.ExpectProblem(t, review(k.Officer, id, inv.ID, first.ID, "accept", nil), http.StatusConflict)
	apitest.ExpectProblem(t, review(env.Login("manager@example.com"), id, inv.ID, second.ID, "accept", nil), http.StatusForbidden)

	ws = k.Workspace(k.Officer, id)
	a := apitest.AssessmentOf(t, ws, coinbase)
	answers := map[int64]custos.Answer{}
	for _, x := range a.Answers {
		answers[x.ItemID] = x
	}
	for _, it := range []custos.ChecklistItem{first, second} {
		x := answers[it.ID]
		if x.FromInvitationID == nil || *x.FromInvitationID != inv.ID || x.RespondedAt == nil || !x.RespondedAt.Equal(submittedAt) {
			t.Errorf("answer %d is not marked as the custodian's of %s: %+v", it.ID, submittedAt, x)
		}
	}
	if x := answers[second.ID]; x.Status != custos.AnswerPartlyMet || x.Note != "Insurance covers hot wallets only." {
		t.Errorf("accepted answer: %+v", x)
	}
	if x := answers[third.ID]; x.Status != custos.AnswerPending || x.FromInvitationID != nil {
		t.Errorf("the item in clarification already has an answer: %+v", answers[third.ID])
	}
	var fromDoc *custos.Evidence
	for i, ev := range a.Evidence {
		if ev.ItemID == first.ID && string(ev.SHA256) == string(doc.SHA256) {
			fromDoc = &a.Evidence[i]
		}
	}
	if fromDoc == nil || fromDoc.Label != "soc2-2026.pdf" || fromDoc.ContentType != "application/pdf" {
		t.Fatalf("the accepted document is not evidence: %+v", a.Evidence)
	}

	// The same link opens again, on the item asked about only.
	res = r.Do(http.MethodGet, "/api/v1/respondent", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	q = apitest.Decode[custos.Questionnaire](t, res)
	editable := map[int64]custos.QuestionnaireItem{}
	for _, s := range q.Sections {
		for _, it := range s.Items {
			if it.Editable {
				editable[it.ID] = it
			}
		}
	}
	if len(editable) != 1 || editable[third.ID].Response == nil || editable[third.ID].Response.Clarification != "Which policy? Attach it or name its version." {
		t.Fatalf("editable after the question: %+v", editable)
	}
	if got := invitations(t, k.Officer, id)[0]; got.State != custos.StateReopened || got.Reopened != 1 {
		t.Errorf("while the question is open the invitation is %s with %d reopened", got.State, got.Reopened)
	}
	apitest.ExpectProblem(t, respond(t, r, first.ID, "not_met", "Changed my mind."), http.StatusConflict)
	apitest.ExpectProblem(t, respond(t, r, items[5].ID, "met", "An item never answered."), http.StatusConflict)
	env.Clock.Advance(5 * time.Minute)
	apitest.ExpectStatus(t, respond(t, r, third.ID, "met", "Key ceremony policy v4.2, attached."), http.StatusOK)
	apitest.ExpectStatus(t, respondUpload(r, third.ID, "policy.txt", []byte("Key ceremony policy, version 4.2\n")), http.StatusCreated)
	clarifiedAt := env.Clock.Now()
	apitest.ExpectStatus(t, r.Do(http.MethodPost, "/api/v1/respondent/submit", nil), http.StatusOK)
	apitest.ExpectProblem(t, r.Do(http.MethodGet, "/api/v1/respondent", nil), http.StatusGone)
	apitest.ExpectStatus(t, review(k.Officer, id, inv.ID, third.ID, "accept", nil), http.StatusOK)

	// Every step is in the audit trail, the respondent's as "respondent"
	// with the invitation.
	auditor := env.Login("auditor@example.com")
	var trail []string
	for _, e := range apitest.TeamAudit(t, auditor, k.Treasury) {
		if e.ObjectType == "invitation" {
			if strings.HasPrefix(e.Action, "response.save") || strings.HasPrefix(e.Action, "response.add") ||
				strings.HasPrefix(e.Action, "response.submit") || e.Action == "invitation.open" {
				if e.Actor != "respondent" || e.ActorID != nil {
					t.Errorf("%s recorded as %q (%v), want the respondent", e.Action, e.Actor, e.ActorID)
				}
			} else if e.Actor != "officer@example.com" {
				t.Errorf("%s recorded as %q, want the officer", e.Action, e.Actor)
			}
			if e.ObjectID != fmt.Sprint(inv.ID) {
				t.Errorf("%s names invitation %s, want %d", e.Action, e.ObjectID, inv.ID)
			}
			if strings.Contains(string(e.After), issued.Token) {
				t.Errorf("%s records the token", e.Action)
			}
			trail = append(trail, e.Action)
		}
	}
	// The list is newest first.
	want := []string{"response.accept", "response.submit", "response.add_document", "response.save",
		"response.clarify", "response.accept", "response.accept", "response.download_document", "response.submit", "response.add_document",
		"response.save", "response.save", "response.save", "response.save", "invitation.open", "invitation.create"}
	if d := cmp.Diff(want, trail); d != "" {
		t.Errorf("invitation trail (-want +got):\n%s", d)
	}

	// The team finishes, submits; a manager approves; the memo marks the
	// custodian's answers.
	for _, it := range items {
		if it.ID != first.ID && it.ID != second.ID && it.ID != third.ID {
			k.Answer(k.Officer, id, coinbase, it.ID, "met", "Checked by the team: "+it.Key+".")
		}
	}
	k.AttachRequiredEvidence(k.Officer, id, coinbase)
	for _, cr := range k.Template.Criteria {
		k.Score(k.Officer, id, coinbase, cr.Key, 4)
	}
	k.Shortlist(k.Officer, id, coinbase)
	k.Submit(k.Officer, id)
	res = apitest.Decide(env.Login("manager@example.com"), id, "approve", "Custodian's own answers checked.")
	apitest.ExpectStatus(t, res, http.StatusOK)
	if st := apitest.Decode[*custos.Workspace](t, res).Evaluation.Status; st != custos.StatusApproved {
		t.Fatalf("after approval: %s", st)
	}
	// The responses are part of the draft: the link stays shut afterwards.
	res = k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/memos"), nil)
	apitest.ExpectStatus(t, res, http.StatusCreated)
	m := apitest.Decode[custos.Memo](t, res)
	res = k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/memos/%d/pdf", m.ID), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	text := strings.Join(strings.Fields(apitest.Poppler(t, "pdftotext", res.Body)), " ")
	for _, w := range []string{
		"From the custodian's own response, accepted by the team: 3 answers.",
		"Submitted by the custodian " + submittedAt.Format("2006-01-02 15:04 UTC") + fmt.Sprintf(" (invitation %d)", inv.ID),
		"Submitted by the custodian " + clarifiedAt.Format("2006-01-02 15:04 UTC"),
		"Insurance covers hot wallets only.",
		"Every answer is the team's own", // Anchorage, which nobody invited
	} {
		if !strings.Contains(text, w) {
			t.Errorf("the memo lacks %q", w)
		}
	}
	if strings.Count(text, "Submitted by the custodian") != 3 {
		t.Errorf("the memo marks %d answers as the custodian's, want 3", strings.Count(text, "Submitted by the custodian"))
	}
}
