package custos

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// who is what a test reads of a derivation: kind and recipients.
type who struct {
	Kind NotificationKind
	To   []int64
	Link string
}

func whoOf(ns []NewNotification) []who {
	var out []who
	for _, n := range ns {
		out = append(out, who{n.Kind, n.Recipients, n.Link})
	}
	return out
}

func TestNotificationsOfEvents(t *testing.T) {
	const officer, manager, manager2, auditor, auditor2 = 10, 20, 21, 30, 31
	aud := Audience{Title: "Fund III", Preparer: officer, Managers: []int64{manager, manager2}, Auditors: []int64{auditor, auditor2}}
	as := func(actor int64) Audience { a := aud; a.Actor = actor; return a }
	link := "/evaluations/7"
	cases := []struct {
		name string
		ev   Event
		a    Audience
		want []who
	}{
		{"submitted tells the team's managers", EvaluationSubmitted{EvaluationID: 7, Round: 1, ApprovalsRequired: 1}, as(officer),
			[]who{{NoticeSubmitted, []int64{manager, manager2}, link}}},
		{"a manager who submits is not told about it", EvaluationSubmitted{EvaluationID: 7}, as(manager),
			[]who{{NoticeSubmitted, []int64{manager2}, link}}},
		{"returned tells the preparer", DecisionRecorded{EvaluationID: 7, Decision: DecisionReturn, Status: StatusDraft, Comment: "Fix it."}, as(manager),
			[]who{{NoticeReturned, []int64{officer}, link}}},
		{"approved tells the preparer and the auditors", DecisionRecorded{EvaluationID: 7, Decision: DecisionApprove, Status: StatusApproved}, as(manager),
			[]who{{NoticeApproved, []int64{officer, auditor, auditor2}, link}}},
		{"a first approval of two tells no one", DecisionRecorded{EvaluationID: 7, Decision: DecisionApprove, Status: StatusSubmitted}, as(manager), nil},
		{"a memo tells the auditors", MemoIssued{Memo: Memo{ID: 3, EvaluationID: 7}}, as(officer),
			[]who{{NoticeMemoIssued, []int64{auditor, auditor2}, link}}},
		{"a memo with no auditor tells no one", MemoIssued{Memo: Memo{ID: 3, EvaluationID: 7}}, Audience{Actor: officer}, nil},
		{"someone in two roles is told once", DecisionRecorded{EvaluationID: 7, Decision: DecisionApprove, Status: StatusApproved},
			Audience{Preparer: officer, Auditors: []int64{officer, auditor}, Actor: manager}, []who{{NoticeApproved, []int64{officer, auditor}, link}}},
		{"an answer tells no one", AnswerRecorded{EvaluationID: 7}, as(officer), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, whoOf(NotificationsOf(c.ev, c.a))); diff != "" {
				t.Errorf("recipients (-want +got):\n%s", diff)
			}
		})
	}
	// Every event has a rule (NotificationsOf panics on one without), and
	// only the events that may tell someone need an audience loaded.
	for _, ev := range EventTypes() {
		if ns := NotificationsOf(ev, aud); len(ns) > 0 && !NeedsAudience(ev) {
			t.Errorf("%T notifies but NeedsAudience says no", ev)
		}
	}
}

func TestMemoNotificationIsAboutTheMemo(t *testing.T) {
	ns := NotificationsOf(MemoIssued{Memo: Memo{ID: 3, EvaluationID: 7, SHA256: HashBytes{0xab, 0xcd}}}, Audience{Title: "Fund III", Auditors: []int64{30}})
	if len(ns) != 1 || ns[0].ObjectType != "memo" || ns[0].ObjectID != "3" || ns[0].Payload["sha256"] != "abcd" {
		t.Fatalf("got %+v", ns)
	}
}

func TestReviewStages(t *testing.T) {
	due := "2027-11-28"
	cases := []struct {
		now   string
		stage ReviewStage
		days  int
	}{
		{"2027-10-28T23:59:00Z", "", 31},
		{"2027-10-29T00:00:00Z", ReviewDue30, 30},
		{"2027-11-20T12:00:00Z", ReviewDue30, 8},
		{"2027-11-21T12:00:00Z", ReviewDue7, 7},
		{"2027-11-26T12:00:00Z", ReviewDue7, 2},
		{"2027-11-27T12:00:00Z", ReviewDue1, 1},
		{"2027-11-28T12:00:00Z", ReviewDue1, 0},
		{"2027-11-29T00:00:00Z", ReviewOverdue, -1},
	}
	for _, c := range cases {
		now, _ := time.Parse(time.RFC3339, c.now)
		stage, days, err := ReviewStageOn(now, due)
		if err != nil || stage != c.stage || days != c.days {
			t.Errorf("on %s: got %q, %d days, %v; want %q, %d days", c.now, stage, days, err, c.stage, c.days)
		}
	}
	if _, _, err := ReviewStageOn(time.Now(), "28/11/2027"); err == nil {
		t.Error("a malformed due date was accepted")
	}
}

func TestReviewReminder(t *testing.T) {
	rel := Relationship{ID: 5, TeamID: 2, CustodianName: "Anchorage", OwnerID: 10, NextReviewDue: "2027-11-28", Status: ActiveRelationship}
	now, _ := time.Parse(time.RFC3339, "2027-10-29T09:00:00Z")
	n, ok, err := ReviewReminder(now, rel, []int64{20, 10, 21})
	if err != nil || !ok {
		t.Fatalf("no reminder 30 days before: %v", err)
	}
	want := NewNotification{Recipients: []int64{10, 20, 21}, TeamID: 2, Kind: NoticeReviewDue, ObjectType: "relationship", ObjectID: "5",
		Link: "/teams/2/relationships/5", DedupeKey: "review_due/5/30d/2027-11-28", Subject: "Review due in 30 days: Anchorage"}
	got := n
	got.Body, got.Payload = "", nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reminder (-want +got):\n%s", diff)
	}
	// A day later it is the same stage and the same key: the store writes it once.
	n2, _, _ := ReviewReminder(now.Add(24*time.Hour), rel, []int64{20})
	if n2.DedupeKey != n.DedupeKey {
		t.Errorf("the key moved within a stage: %s, then %s", n.DedupeKey, n2.DedupeKey)
	}
	ended := rel
	ended.Status = EndedRelationship
	if _, ok, _ := ReviewReminder(now, ended, nil); ok {
		t.Error("an ended relationship was reminded of")
	}
	if _, ok, _ := ReviewReminder(now.AddDate(0, -1, 0), rel, nil); ok {
		t.Error("a review two months off was reminded of")
	}
}
