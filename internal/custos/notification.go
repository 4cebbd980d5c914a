package custos

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Notifications tell people that something needs them: a shortlist to
// approve, a return to rework, a review falling due. Each one is derived
// here, from a domain event or a date, without a database: the store writes
// them in the transaction of their cause (an outbox) and a worker e-mails
// them afterwards.

// NotificationKind names what a notification is about. A new kind needs a
// constant, a derivation below and nothing else: the store, the API and the
// web app carry any kind with its subject, body, link and payload.
type NotificationKind string

const (
	NoticeSubmitted  NotificationKind = "evaluation.submitted"
	NoticeReturned   NotificationKind = "evaluation.returned"
	NoticeApproved   NotificationKind = "evaluation.approved"
	NoticeMemoIssued NotificationKind = "memo.issued"
	NoticeReviewDue  NotificationKind = "relationship.review_due"
	// NoticeResponses: a custodian's respondent submitted its answers.
	NoticeResponses NotificationKind = "invitation.submitted"
	// NoticeInvitation is the e-mail that carries a respondent invitation's
	// link to a custodian's contact, who has no account (InvitationEmail).
	NoticeInvitation NotificationKind = "invitation.sent"
	// NoticeWithdrawn: the submitter took a submission back before any
	// decision, so the managers told to decide need not.
	NoticeWithdrawn NotificationKind = "evaluation.withdrawn"
	// NoticeDocumentExpiring and NoticeDocumentExpired tell a relationship's
	// owner that an assurance document on its custodian is about to lapse
	// or has (stale or expired): DocumentNotice.
	NoticeDocumentExpiring NotificationKind = "document.expiring"
	NoticeDocumentExpired  NotificationKind = "document.expired"
)

// Notification is one user's copy of a notification.
type Notification struct {
	ID         int64            `json:"id" db:"id"`
	TeamID     *int64           `json:"team_id" db:"team_id"`
	Kind       NotificationKind `json:"kind" db:"kind"`
	ObjectType string           `json:"object_type" db:"object_type"`
	ObjectID   string           `json:"object_id" db:"object_id"`
	Subject    string           `json:"subject" db:"subject"`
	Body       string           `json:"body" db:"body"`
	// Link is the web app's path of the object, e.g. /evaluations/12.
	Link      string     `json:"link" db:"link"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	ReadAt    *time.Time `json:"read_at" db:"read_at"`
}

// NewNotification is a notification to write, once per recipient.
type NewNotification struct {
	Recipients []int64
	TeamID     int64
	Kind       NotificationKind
	ObjectType string
	ObjectID   string
	// Payload is the kind's own facts, stored as a JSON object.
	Payload map[string]any
	Subject string
	Body    string
	Link    string
	// DedupeKey, when set, names the occasion: a recipient gets at most one
	// notification with a key (scheduled notifications set it).
	DedupeKey string
}

// Audience is who an evaluation's notifications can go to: the team's
// managers and auditors now, and the evaluation's preparer (the officer who
// submitted its current round). Actor, who caused the event, is never told
// about their own act.
type Audience struct {
	Title    string
	Preparer int64
	Managers []int64
	Auditors []int64
	Actor    int64
}

// NotificationsOf derives the notifications an event causes. Events that
// tell no one (most edits) give none. Every event type is handled, so a new
// event is a conscious choice (a test walks EventTypes).
func NotificationsOf(ev Event, a Audience) []NewNotification {
	evalLink := fmt.Sprintf("/evaluations/%d", ev.Evaluation())
	one := func(kind NotificationKind, to []int64, subject, body string, payload map[string]any) []NewNotification {
		to = recipients(a.Actor, to...)
		if len(to) == 0 {
			return nil
		}
		return []NewNotification{{Recipients: to, Kind: kind, ObjectType: "evaluation", ObjectID: itoa64(ev.Evaluation()),
			Subject: subject, Body: body, Link: evalLink, Payload: payload}}
	}
	switch e := ev.(type) {
	case EvaluationSubmitted:
		return one(NoticeSubmitted, a.Managers, "Shortlist to approve: "+a.Title,
			fmt.Sprintf("The shortlist of “%s” was submitted for approval (round %d, %d approval(s) needed). Please review it and approve or return it.",
				a.Title, e.Round, e.ApprovalsRequired),
			map[string]any{"evaluation_id": e.EvaluationID, "round": e.Round})
	case DecisionRecorded:
		payload := map[string]any{"evaluation_id": e.EvaluationID, "round": e.Round, "comment": e.Comment}
		switch {
		case e.Decision == DecisionReturn:
			return one(NoticeReturned, []int64{a.Preparer}, "Returned for rework: "+a.Title,
				fmt.Sprintf("A manager returned “%s” for rework.\n\nComment: %s", a.Title, orNone(e.Comment)), payload)
		case e.Status == StatusApproved:
			return one(NoticeApproved, append([]int64{a.Preparer}, a.Auditors...), "Approved: "+a.Title,
				fmt.Sprintf("The shortlist of “%s” is approved; the evaluation is now locked and its memo can be issued.", a.Title), payload)
		}
		return nil // an approval that is not yet the last one of its round
	case SubmissionWithdrawn:
		return one(NoticeWithdrawn, a.Managers, "Submission withdrawn: "+a.Title,
			fmt.Sprintf("The submission of “%s” (round %d) was withdrawn before any decision; it is a draft again and needs no decision now.", a.Title, e.Round),
			map[string]any{"evaluation_id": e.EvaluationID, "round": e.Round})
	case ResponsesSubmitted:
		return one(NoticeResponses, []int64{a.Preparer}, "Custodian answers to review: "+a.Title,
			fmt.Sprintf("A custodian's respondent submitted %d answer(s) to “%s” (invitation %d). Review them in the evaluation's Custodian responses tab.",
				len(e.ItemIDs), a.Title, e.InvitationID),
			map[string]any{"evaluation_id": e.EvaluationID, "invitation_id": e.InvitationID})
	case MemoIssued:
		m := e.Memo
		ns := one(NoticeMemoIssued, a.Auditors, "Memo issued: "+a.Title,
			fmt.Sprintf("The signed decision memo of “%s” was issued (memo %d, SHA-256 %s).", a.Title, m.ID, hex.EncodeToString(m.SHA256)),
			map[string]any{"evaluation_id": m.EvaluationID, "memo_id": m.ID, "sha256": hex.EncodeToString(m.SHA256)})
		for i := range ns {
			ns[i].ObjectType, ns[i].ObjectID = "memo", itoa64(m.ID)
		}
		return ns
	case EvaluationCreated, EvaluationUpdated, CandidateAdded, CandidateRemoved, AnswerRecorded, EvidenceAttached,
		EvidenceDownloaded, ScoreRecorded, RedFlagRaised, RedFlagMoved, ShortlistSet, MemoDownloaded,
		RelationshipAppointed, RelationshipUpdated, RelationshipEnded, RelationshipReviewed, RediligenceOpened,
		EvaluationExported, CatalogueExported, AssuranceDocumentAdded, AssuranceDocumentChanged, AssuranceDocumentDownloaded,
		RedFlagWithdrawn, EvidenceRemoved,
		InvitationCreated, InvitationWithdrawn, InvitationOpened, ResponseSaved, ResponseDocumentAdded,
		ResponseAccepted, ClarificationRequested, ResponseDocumentDownloaded:
		return nil
	}
	panic(fmt.Sprintf("custos: no notification rule for the event %T", ev))
}

// NeedsAudience says whether NotificationsOf may tell anyone about ev, so a
// store loads the audience only for events that need it.
func NeedsAudience(ev Event) bool {
	switch ev.(type) {
	case EvaluationSubmitted, DecisionRecorded, MemoIssued, ResponsesSubmitted, SubmissionWithdrawn:
		return true
	}
	return false
}

// ReviewStage is how close a relationship's next review is: a reminder goes
// out once per stage (and due date).
type ReviewStage string

const (
	ReviewDue30     ReviewStage = "30d"
	ReviewDue7      ReviewStage = "7d"
	ReviewDue1      ReviewStage = "1d"
	ReviewOverdue   ReviewStage = "overdue"
	reviewNotYetDue ReviewStage = ""
)

// ReviewStageOn is the stage of a review due on due (YYYY-MM-DD) as seen on
// the calendar day of now (UTC). Only the nearest stage counts: a scan that
// first sees a review 5 days before it is due sends the 7-day reminder, not
// a stale 30-day one as well.
func ReviewStageOn(now time.Time, due string) (ReviewStage, int, error) {
	d, err := time.Parse(time.DateOnly, due)
	if err != nil {
		return reviewNotYetDue, 0, Invalid("next_review_due", "must be a date YYYY-MM-DD")
	}
	y, m, day := now.UTC().Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	days := int(d.Sub(today).Hours() / 24)
	switch {
	case days < 0:
		return ReviewOverdue, days, nil
	case days <= 1:
		return ReviewDue1, days, nil
	case days <= 7:
		return ReviewDue7, days, nil
	case days <= 30:
		return ReviewDue30, days, nil
	}
	return reviewNotYetDue, days, nil
}

// ReviewReminder derives the reminder for an active relationship on the
// day of now, for its owner and the team's managers; false when no review
// is near. Its dedupe key names (relationship, stage, due date), so each
// reminder is written once however often the scan runs, and a new due date
// (after a re-diligence) starts the stages afresh.
func ReviewReminder(now time.Time, r Relationship, managers []int64) (NewNotification, bool, error) {
	stage, days, err := ReviewStageOn(now, r.NextReviewDue)
	if err != nil || stage == reviewNotYetDue || r.Status != ActiveRelationship {
		return NewNotification{}, false, err
	}
	var subject, when string
	switch stage {
	case ReviewOverdue:
		subject = "Review overdue: " + r.CustodianName
		when = fmt.Sprintf("was due on %s (%d day(s) ago)", r.NextReviewDue, -days)
	case ReviewDue1:
		subject = "Review due tomorrow: " + r.CustodianName
		if days == 0 {
			subject = "Review due today: " + r.CustodianName
		}
		when = fmt.Sprintf("is due on %s", r.NextReviewDue)
	default:
		subject = fmt.Sprintf("Review due in %d days: %s", days, r.CustodianName)
		when = fmt.Sprintf("is due on %s, in %d days", r.NextReviewDue, days)
	}
	return NewNotification{
		Recipients: recipients(0, append([]int64{r.OwnerID}, managers...)...),
		TeamID:     r.TeamID, Kind: NoticeReviewDue, ObjectType: "relationship", ObjectID: itoa64(r.ID),
		Subject: subject,
		Body: fmt.Sprintf("The periodic due-diligence review of the custody relationship with %s %s. "+
			"Start a re-diligence from the relationship's page.", r.CustodianName, when),
		Link: fmt.Sprintf("/teams/%d/relationships/%d", r.TeamID, r.ID),
		Payload: map[string]any{"relationship_id": r.ID, "custodian_id": r.CustodianID, "stage": string(stage),
			"next_review_due": r.NextReviewDue, "days": days},
		DedupeKey: fmt.Sprintf("review_due/%d/%s/%s", r.ID, stage, r.NextReviewDue),
	}, true, nil
}

// DocumentNotice is what the owner of a custody relationship is told about
// an assurance document of the team on its custodian, judged by its
// freshness: nothing while it is fresh (or for a bridge letter, which only
// counts through the report it bridges), once when it is expiring and once
// when it has lapsed. The dedupe key names the document, the stage and the
// day it lapses, so a replaced or extended document is told again.
func DocumentNotice(d AssuranceDocument, r Relationship) (NewNotification, bool) {
	if d.Freshness == nil || d.Kind == DocBridgeLetter || d.Status == DocumentArchived || r.Status != ActiveRelationship {
		return NewNotification{}, false
	}
	var kind NotificationKind
	var subject string
	switch d.Freshness.State {
	case DocExpiring:
		kind, subject = NoticeDocumentExpiring, fmt.Sprintf("Expiring: the %s of %s", d.Kind.Label(), r.CustodianName)
	case DocStale, DocExpired:
		kind, subject = NoticeDocumentExpired, fmt.Sprintf("%s: the %s of %s", strings.ToUpper(string(d.Freshness.State[:1]))+string(d.Freshness.State[1:]),
			d.Kind.Label(), r.CustodianName)
	default:
		return NewNotification{}, false
	}
	return NewNotification{
		Recipients: recipients(0, r.OwnerID),
		TeamID:     r.TeamID, Kind: kind, ObjectType: "assurance_document", ObjectID: itoa64(d.ID),
		Subject: subject,
		Body: fmt.Sprintf("%s Ask %s for a current one (or a bridge letter) and record it on the custody relationship's page.",
			d.Freshness.Reason, r.CustodianName),
		Link: fmt.Sprintf("/teams/%d/relationships/%d", r.TeamID, r.ID),
		Payload: map[string]any{"document_id": d.ID, "relationship_id": r.ID, "custodian_id": r.CustodianID,
			"kind": string(d.Kind), "state": string(d.Freshness.State), "until": d.Freshness.Until},
		DedupeKey: fmt.Sprintf("document/%d/%s/%s", d.ID, kind, d.Freshness.Until),
	}, true
}

// recipients is the distinct users of ids other than the actor and 0, in
// order.
func recipients(actor int64, ids ...int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id != 0 && id != actor && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// NotificationFilter selects the signed-in user's notifications, newest
// first.
type NotificationFilter struct {
	UnreadOnly bool
	PageQuery
}

// NotificationPage is a page of notifications with the user's unread count.
type NotificationPage struct {
	Page[Notification]
	Unread int `json:"unread_count"`
}

// NotificationService reads and marks the signed-in user's notifications;
// a user never sees another's.
type NotificationService interface {
	ListNotifications(ctx context.Context, f NotificationFilter) (*NotificationPage, error)
	// MarkNotificationRead marks one notification read (again is no error).
	MarkNotificationRead(ctx context.Context, id int64) error
	// MarkAllNotificationsRead marks every unread one read and says how many.
	MarkAllNotificationsRead(ctx context.Context) (int, error)
}

// OutboxEmail is one notification claimed for sending by e-mail. Attempt
// is this attempt's number (1 for the first): it fences the claim, so a
// worker whose lease ran out cannot mark another worker's attempt.
type OutboxEmail struct {
	ID      int64  `db:"id"`
	Attempt int    `db:"attempts"`
	To      string `db:"email"`
	ToName  string `db:"name"`
	Subject string `db:"subject"`
	Body    string `db:"body"`
	Link    string `db:"link"`
}

// Outbox is what the delivery worker needs of the store. Times are the
// store's clock.
type Outbox interface {
	// ScanReviewReminders writes the review reminders due today that were
	// not written before, and says how many it wrote.
	ScanReviewReminders(ctx context.Context) (int, error)
	// ScanDocumentNotices writes the assurance-document notices (expiring,
	// lapsed) not written before, and says how many it wrote.
	ScanDocumentNotices(ctx context.Context) (int, error)
	// ScanDocumentFlags brings every draft's assurance-document flags in
	// line with its candidates' documents as judged now: a document that
	// lapses with time raises its item's flag without waiting for the next
	// write to the draft. It says how many flags changed.
	ScanDocumentFlags(ctx context.Context) (int, error)
	// ClaimEmails leases up to limit notifications whose e-mail is due (or
	// whose earlier lease ran out) for lease.
	ClaimEmails(ctx context.Context, limit int, lease time.Duration) ([]OutboxEmail, error)
	// EmailSent records that the SMTP server accepted the message.
	EmailSent(ctx context.Context, e OutboxEmail) error
	// EmailFailed records a failed attempt: retried after retryIn, or given
	// up (failed) when retryIn is 0.
	EmailFailed(ctx context.Context, e OutboxEmail, reason string, retryIn time.Duration) error
	// EmailOff marks every notification still waiting for e-mail as not to
	// be e-mailed (no SMTP server is configured), and says how many.
	EmailOff(ctx context.Context) (int, error)
}

// InvitationEmail is the e-mail inviting a custodian's contact to answer
// the questionnaire; its link (the token) is added by the store and not
// kept once the e-mail is done with.
func InvitationEmail(inv Invitation, evaluationTitle string) NewNotification {
	return NewNotification{Kind: NoticeInvitation, ObjectType: "invitation", ObjectID: itoa64(inv.ID),
		Subject: "Due-diligence questionnaire for " + inv.CustodianName,
		Body: fmt.Sprintf("Dear %s,\n\nwe are reviewing %s as a custodian (“%s”) and invite you to answer our due-diligence questionnaire on its behalf. "+
			"The link below opens it without an account; you can save drafts and come back until you submit, or until %s (UTC). "+
			"Please do not forward it: anyone holding it can answer for %s.",
			inv.Name, inv.CustodianName, evaluationTitle, inv.ExpiresAt.UTC().Format("2 January 2006 15:04"), inv.CustodianName)}
}
