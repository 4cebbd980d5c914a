package custos

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func invTemplate() *Template {
	return &Template{ID: 1, Sections: []ChecklistSection{
		{Key: "a", Title: "A", Items: []ChecklistItem{{ID: 11, Prompt: "a1"}, {ID: 12, Prompt: "a2"}}},
		{Key: "b", Title: "B", Items: []ChecklistItem{{ID: 21, Prompt: "b1"}}},
	}}
}

var invAt = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func openInvitation() Invitation {
	return Invitation{ID: 5, EvaluationID: 3, CustodianID: 1, SectionKeys: []string{"a"}, CreatedAt: invAt, ExpiresAt: invAt.Add(14 * 24 * time.Hour)}
}

func TestInvite(t *testing.T) {
	draft := Evaluation{ID: 3, Status: StatusDraft}
	cases := []struct {
		name string
		e    Evaluation
		p    Part
		n    NewInvitation
		code string
	}{
		{"defaults: every section, 14 days", draft, Part{1, true}, NewInvitation{CustodianID: 1, Name: " Rita ", Email: "Rita@Example.org"}, ""},
		{"a section of another template", draft, Part{1, true}, NewInvitation{CustodianID: 1, Name: "R", Email: "r@example.org", SectionKeys: []string{"z"}}, EINVALID},
		{"no name, bad address, too long", draft, Part{1, true}, NewInvitation{CustodianID: 1, Email: "nope", ExpiresInDays: 91}, EINVALID},
		{"not a candidate", draft, Part{9, false}, NewInvitation{CustodianID: 9, Name: "R", Email: "r@example.org"}, ENOTFOUND},
		{"a submitted evaluation", Evaluation{ID: 3, Status: StatusSubmitted}, Part{1, true}, NewInvitation{CustodianID: 1, Name: "R", Email: "r@example.org"}, ECONFLICT},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := Invite(c.e, invTemplate(), c.p, c.n, 7, invAt)
			if ErrorCode(err) != c.code {
				t.Fatalf("error %v, want code %q", err, c.code)
			}
			if c.code != "" {
				return
			}
			want := Invitation{EvaluationID: 3, CustodianID: 1, Name: "Rita", Email: "rita@example.org", SectionKeys: []string{},
				CreatedBy: 7, CreatedAt: invAt, ExpiresAt: invAt.Add(14 * 24 * time.Hour), State: StateSent}
			if d := cmp.Diff(want, ev.Invitation); d != "" {
				t.Errorf("invitation (-want +got):\n%s", d)
			}
		})
	}
}

func TestInvitationStateAndAccess(t *testing.T) {
	later := invAt.Add(time.Hour)
	inv := openInvitation()
	check := func(name string, i Invitation, at time.Time, state InvitationState, code string) {
		t.Helper()
		if got := i.StateAt(at); got != state {
			t.Errorf("%s: state %s, want %s", name, got, state)
		}
		if got := ErrorCode(i.CheckAccess(at)); got != code {
			t.Errorf("%s: access %q, want %q", name, got, code)
		}
	}
	check("new", inv, invAt, StateSent, "")
	opened := inv
	opened.OpenedAt = &later
	check("opened", opened, later, StateOpened, "")
	submitted := opened
	submitted.SubmittedAt = &later
	check("submitted", submitted, later, StateSubmitted, EGONE)
	reopened := submitted
	reopened.Reopened = 1
	check("reopened", reopened, later, StateReopened, "")
	check("expired at the instant", inv, inv.ExpiresAt, StateExpired, EGONE)
	revoked := reopened
	revoked.RevokedAt = &later
	check("revoked wins", revoked, later, StateRevoked, EGONE)
}

func TestSaveAndSubmitResponses(t *testing.T) {
	draft := Evaluation{ID: 3, Status: StatusDraft}
	inv := openInvitation()
	met := AnswerInput{Status: AnswerMet, Note: "Yes."}

	if _, err := SaveResponse(draft, invTemplate(), inv, 21, nil, met, invAt); ErrorCode(err) != ENOTFOUND {
		t.Errorf("an item out of scope: %v", err)
	}
	if _, err := SaveResponse(draft, invTemplate(), inv, 11, nil, AnswerInput{Status: AnswerNotMet}, invAt); ErrorCode(err) != EINVALID {
		t.Errorf("a shortfall without a note: %v", err)
	}
	if _, err := SaveResponse(Evaluation{ID: 3, Status: StatusSubmitted}, invTemplate(), inv, 11, nil, met, invAt); ErrorCode(err) != ECONFLICT {
		t.Errorf("a closed evaluation: %v", err)
	}
	ev, err := SaveResponse(draft, invTemplate(), inv, 11, nil, met, invAt)
	if err != nil {
		t.Fatal(err)
	}
	want := Response{ItemID: 11, Status: AnswerMet, Note: "Yes.", State: ResponseDraftState, UpdatedAt: invAt, Documents: []ResponseDocument{}}
	if d := cmp.Diff(want, ev.After); d != "" {
		t.Errorf("saved (-want +got):\n%s", d)
	}
	if _, err := SubmitResponses(draft, inv, nil, invAt); ErrorCode(err) != ECONFLICT {
		t.Errorf("submitting nothing: %v", err)
	}
	sub, err := SubmitResponses(draft, inv, []Response{ev.After}, invAt)
	if err != nil || !cmp.Equal(sub.ItemIDs, []int64{11}) {
		t.Fatalf("submit: %+v %v", sub, err)
	}

	// After submission only what the officer asks about opens again.
	inv.SubmittedAt = &invAt
	submitted := ev.After
	submitted.State, submitted.SubmittedAt = ResponseSubmittedState, &invAt
	if _, err := SaveResponse(draft, invTemplate(), inv, 11, &submitted, met, invAt); ErrorCode(err) != EGONE {
		t.Errorf("changing a submitted answer: %v", err)
	}
	if _, err := SaveResponse(draft, invTemplate(), inv, 12, nil, met, invAt); ErrorCode(err) != EGONE {
		t.Errorf("a new answer after submission with nothing reopened: %v", err)
	}
	q, err := RequestClarification(draft, inv, &submitted, " Which report? ", 7, invAt)
	if err != nil || q.After.State != ResponseClarifyState || q.After.Clarification != "Which report?" {
		t.Fatalf("clarification: %+v %v", q.After, err)
	}
	inv.Reopened = 1
	if _, err := SaveResponse(draft, invTemplate(), inv, 11, &submitted, met, invAt); ErrorCode(err) != ECONFLICT {
		t.Errorf("changing a submitted answer while another is reopened: %v", err)
	}
	if _, err := SaveResponse(draft, invTemplate(), inv, 12, nil, met, invAt); ErrorCode(err) != ECONFLICT {
		t.Errorf("an item never answered, while another is reopened: %v", err)
	}
	again, err := SaveResponse(draft, invTemplate(), inv, 11, &q.After, AnswerInput{Status: AnswerMet, Note: "SOC 2 of 2026."}, invAt)
	if err != nil || again.After.State != ResponseDraftState || again.After.Clarification != "Which report?" {
		t.Fatalf("answering the question: %+v %v", again.After, err)
	}
	sub, err = SubmitResponses(draft, inv, []Response{again.After}, invAt)
	if err != nil || !cmp.Equal(sub.ItemIDs, []int64{11}) {
		t.Fatalf("submitting the clarification: %+v %v", sub, err)
	}
}

func TestAcceptResponse(t *testing.T) {
	draft := Evaluation{ID: 3, Status: StatusDraft}
	inv := openInvitation()
	submittedAt := invAt.Add(time.Hour)
	evidenceID := int64(40)
	r := Response{ItemID: 11, Status: AnswerPartlyMet, Note: "Hot wallets only.", State: ResponseSubmittedState, SubmittedAt: &submittedAt,
		Documents: []ResponseDocument{{ID: 8, ItemID: 11, Label: "policy.pdf", ContentType: "application/pdf", Size: 9, SHA256: sha256Of([]byte("x"))},
			{ID: 9, ItemID: 11, Label: "old.pdf", EvidenceID: &evidenceID}}}
	current := Answer{ItemID: 11, Status: AnswerMet, Note: "Team's view.", Version: 2}
	at := invAt.Add(2 * time.Hour)
	acc, ans, ev, err := AcceptResponse(draft, inv, &r, current, 7, at)
	if err != nil {
		t.Fatal(err)
	}
	by, invID := int64(7), inv.ID
	want := Answer{ItemID: 11, Status: AnswerPartlyMet, Note: "Hot wallets only.", Version: 3, UpdatedBy: &by, UpdatedAt: &at,
		FromInvitationID: &invID, RespondedAt: &submittedAt}
	if d := cmp.Diff(want, ans.After); d != "" {
		t.Errorf("answer (-want +got):\n%s", d)
	}
	if len(ev) != 1 || ev[0].Evidence.Label != "policy.pdf" || ev[0].Evidence.CustodianID != 1 || !cmp.Equal(acc.DocumentIDs, []int64{8}) {
		t.Errorf("evidence %+v, documents %v: want only the document not yet evidence", ev, acc.DocumentIDs)
	}
	if acc.After.State != ResponseAcceptedState || *acc.After.ReviewedBy != 7 {
		t.Errorf("accepted: %+v", acc.After)
	}
	for name, bad := range map[string]*Response{"a draft": {ItemID: 11, State: ResponseDraftState}, "accepted": &acc.After} {
		if _, _, _, err := AcceptResponse(draft, inv, bad, current, 7, at); ErrorCode(err) != ECONFLICT {
			t.Errorf("accepting %s: %v", name, err)
		}
	}
	if _, _, _, err := AcceptResponse(draft, inv, nil, current, 7, at); ErrorCode(err) != ENOTFOUND {
		t.Errorf("accepting nothing: %v", err)
	}
	if _, err := RequestClarification(draft, inv, &r, "", 7, at); ErrorCode(err) != EINVALID {
		t.Errorf("a question without a comment: %v", err)
	}
	revoked := inv
	revoked.RevokedAt = &at
	if _, err := RequestClarification(draft, revoked, &r, "Why?", 7, at); ErrorCode(err) != ECONFLICT {
		t.Errorf("a question on a revoked link: %v", err)
	}
}

func TestBuildQuestionnaireShowsOnlyTheScope(t *testing.T) {
	inv := openInvitation()
	inv.CustodianName, inv.Name = "Acme Custody", "Rita"
	r := &Response{ItemID: 12, Status: AnswerMet, State: ResponseDraftState}
	q := BuildQuestionnaire("RFP", &inv, invTemplate(), map[int64]*Response{12: r, 21: {ItemID: 21}})
	if len(q.Sections) != 1 || len(q.Sections[0].Items) != 2 || !q.CanSubmit {
		t.Fatalf("questionnaire: %+v", q)
	}
	if q.Sections[0].Items[1].Response != r || !q.Sections[0].Items[0].Editable {
		t.Errorf("items: %+v", q.Sections[0].Items)
	}
	if _, err := RevokeInvitation(inv, invAt); err != nil {
		t.Error(err)
	}
}
