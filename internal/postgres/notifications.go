package postgres

import (
	"context"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
)

// Notifications are an outbox: written by the transaction of the event that
// causes them (record calls notify), so a notification exists exactly when
// its cause committed; the delivery worker (internal/notify) e-mails them
// afterwards through the Outbox methods below.

// notify writes the notifications events cause in the team. The audience
// (preparer, managers, auditors) is read once, and only for events that may
// tell someone.
func (tx *Tx) notify(ctx context.Context, teamID int64, events ...custos.Event) error {
	var aud *custos.Audience
	for _, ev := range events {
		if !custos.NeedsAudience(ev) {
			continue
		}
		if aud == nil {
			a, err := tx.audienceOf(ctx, ev.Evaluation())
			if err != nil {
				return err
			}
			a.Actor = custos.ActorFrom(ctx).UserID
			aud = &a
		}
		for _, n := range custos.NotificationsOf(ev, *aud) {
			n.TeamID = teamID
			if _, err := tx.insertNotification(ctx, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// audienceOf reads who an evaluation's notifications can go to: its title,
// the officer who submitted it (its owner before any submission) while still
// an enabled member of the team, and its team's managers and auditors whose
// accounts are enabled.
func (tx *Tx) audienceOf(ctx context.Context, evaluationID int64) (custos.Audience, error) {
	var a custos.Audience
	var managers, auditors pq.Int64Array
	err := tx.QueryRowContext(ctx, `SELECT e.title, COALESCE((SELECT u.id FROM users u WHERE u.id = COALESCE(e.submitted_by, e.owner_id) AND NOT u.disabled
				AND EXISTS (SELECT 1 FROM memberships m WHERE m.team_id = e.team_id AND m.user_id = u.id)), 0),
			ARRAY(SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
				WHERE m.team_id = e.team_id AND m.role = 'manager' AND NOT u.disabled ORDER BY m.user_id),
			ARRAY(SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
				WHERE m.team_id = e.team_id AND m.role = 'auditor' AND NOT u.disabled ORDER BY m.user_id)
		FROM evaluations e WHERE e.id = $1`, evaluationID).Scan(&a.Title, &a.Preparer, &managers, &auditors)
	a.Managers, a.Auditors = managers, auditors
	return a, err
}

// insertNotification writes n once per recipient; a recipient who already
// has a notification with n's dedupe key gets nothing. It says how many rows
// it wrote.
func (tx *Tx) insertNotification(ctx context.Context, n custos.NewNotification) (int, error) {
	payload, err := jsonValue(n.Payload)
	if err != nil {
		return 0, custos.Internal(err)
	}
	if payload == nil {
		payload = []byte("{}")
	}
	var key *string
	if n.DedupeKey != "" {
		key = &n.DedupeKey
	}
	var team *int64
	if n.TeamID != 0 {
		team = &n.TeamID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, team_id, kind, object_type, object_id, payload,
			subject, body, link, dedupe_key, created_at, next_attempt_at)
		SELECT r, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11 FROM unnest($1::bigint[]) AS r
		ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
		pq.Int64Array(n.Recipients), team, string(n.Kind), n.ObjectType, n.ObjectID, string(payload),
		n.Subject, n.Body, n.Link, key, tx.now)
	if err != nil {
		return 0, err
	}
	rows, err := res.RowsAffected()
	return int(rows), err
}

// NotificationService is the signed-in user's notifications.
type NotificationService struct{ db *DB }

// NewNotificationService returns the notification service.
func NewNotificationService(db *DB) *NotificationService { return &NotificationService{db: db} }

// ListNotifications returns a page of the actor's notifications, newest
// first, with their unread count.
func (s *NotificationService) ListNotifications(ctx context.Context, f custos.NotificationFilter) (*custos.NotificationPage, error) {
	q, err := f.PageQuery.Check(custos.ListPage)
	if err != nil {
		return nil, err
	}
	user := custos.ActorFrom(ctx).UserID
	var rows []custos.Notification
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT id, team_id, kind, object_type, object_id, subject, body, link,
			created_at, read_at FROM notifications
		WHERE user_id = $1 AND id < $2 AND (NOT $3 OR read_at IS NULL) ORDER BY id DESC LIMIT $4`,
		user, q.Before, f.UnreadOnly, q.Limit+1); err != nil {
		return nil, mapErr(err)
	}
	for i := range rows {
		rows[i].CreatedAt = rows[i].CreatedAt.UTC()
		if rows[i].ReadAt != nil {
			t := rows[i].ReadAt.UTC()
			rows[i].ReadAt = &t
		}
	}
	page := &custos.NotificationPage{Page: custos.PageOf(rows, q, func(n custos.Notification) int64 { return n.ID })}
	if err := s.db.db.GetContext(ctx, &page.Unread, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`,
		user); err != nil {
		return nil, mapErr(err)
	}
	return page, nil
}

// MarkNotificationRead marks one of the actor's notifications read; another
// user's is not found.
func (s *NotificationService) MarkNotificationRead(ctx context.Context, id int64) error {
	res, err := s.db.db.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $3)
		WHERE id = $1 AND user_id = $2`, id, custos.ActorFrom(ctx).UserID, s.db.Now().UTC())
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("notification")
	}
	return nil
}

// MarkAllNotificationsRead marks the actor's unread notifications read.
func (s *NotificationService) MarkAllNotificationsRead(ctx context.Context) (int, error) {
	res, err := s.db.db.ExecContext(ctx, `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`,
		custos.ActorFrom(ctx).UserID, s.db.Now().UTC())
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return int(n), mapErr(err)
}

// --- the outbox, for the delivery worker -------------------------------------

// OutboxStore implements custos.Outbox.
type OutboxStore struct {
	db *DB
	// flagsScanned is the day (the store's clock) of this server's last
	// complete scan of the drafts' document flags.
	flagsMu      sync.Mutex
	flagsScanned string
}

// NewOutbox returns the worker's view of the notifications.
func NewOutbox(db *DB) *OutboxStore { return &OutboxStore{db: db} }

var _ custos.Outbox = (*OutboxStore)(nil)

// currentOwner is a relationship's owner while they are still an enabled
// member of its team, else 0 (told nothing): someone who left the team
// hears no more of its relationships.
const currentOwner = `COALESCE((SELECT u.id FROM users u WHERE u.id = r.owner_id AND NOT u.disabled
	AND EXISTS (SELECT 1 FROM memberships m WHERE m.team_id = r.team_id AND m.user_id = u.id)), 0)`

// ScanReviewReminders writes each active relationship's review reminder of
// today's stage for its owner and the team's managers. The dedupe key makes
// it idempotent: a repeated scan, or two servers scanning at once (the
// second waits on the unique index and then inserts nothing), write each
// reminder once.
func (o *OutboxStore) ScanReviewReminders(ctx context.Context) (int, error) {
	written := 0
	err := o.db.inTx(ctx, func(tx *Tx) error {
		type due struct {
			custos.Relationship
			Managers pq.Int64Array `db:"managers"`
		}
		var rows []due
		// Only what is due within 30 days (the first stage) or overdue.
		if err := tx.SelectContext(ctx, &rows, `SELECT r.id, r.team_id, r.custodian_id, c.name AS custodian_name, `+currentOwner+` AS owner_id,
				to_char(r.next_review_due, 'YYYY-MM-DD') AS next_review_due, r.status,
				ARRAY(SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
					WHERE m.team_id = r.team_id AND m.role = 'manager' AND NOT u.disabled ORDER BY m.user_id) AS managers
			FROM custody_relationships r JOIN custodians c ON c.id = r.custodian_id
			WHERE r.status = 'active' AND r.next_review_due <= ($1::timestamptz AT TIME ZONE 'UTC')::date + 30
			ORDER BY r.id`, tx.now); err != nil {
			return err
		}
		for _, r := range rows {
			n, ok, err := custos.ReviewReminder(tx.now, r.Relationship, r.Managers)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			k, err := tx.insertNotification(ctx, n)
			if err != nil {
				return err
			}
			written += k
		}
		return nil
	})
	return written, err
}

// ScanDocumentNotices tells the owner of each active custody relationship
// about the team's assurance documents on its custodian that are expiring
// or have lapsed, once per document, stage and lapse date (the dedupe key),
// judged by the store's clock and freshness policy.
func (o *OutboxStore) ScanDocumentNotices(ctx context.Context) (int, error) {
	written := 0
	err := o.db.inTx(ctx, func(tx *Tx) error {
		var rels []custos.Relationship
		if err := tx.SelectContext(ctx, &rels, `SELECT r.id, r.team_id, r.custodian_id, c.name AS custodian_name, `+currentOwner+` AS owner_id, r.status
			FROM custody_relationships r JOIN custodians c ON c.id = r.custodian_id
			WHERE r.status = 'active' ORDER BY r.id`); err != nil {
			return err
		}
		if len(rels) == 0 {
			return nil
		}
		docs, err := selectDocuments(ctx, tx, `d.status = 'active' AND (d.team_id, d.custodian_id) IN
			(SELECT team_id, custodian_id FROM custody_relationships WHERE status = 'active') ORDER BY d.id`)
		if err != nil {
			return err
		}
		// Freshness is judged within a team: another team's bridge letter
		// extends nothing of this one's.
		byTeam := map[int64][]custos.AssuranceDocument{}
		for _, d := range docs {
			byTeam[d.TeamID] = append(byTeam[d.TeamID], d)
		}
		for _, ds := range byTeam {
			o.db.Freshness.WithFreshness(ds, tx.now)
		}
		for _, r := range rels {
			for _, d := range byTeam[r.TeamID] {
				if d.CustodianID != r.CustodianID {
					continue
				}
				n, ok := custos.DocumentNotice(d, r)
				if !ok {
					continue
				}
				k, err := tx.insertNotification(ctx, n)
				if err != nil {
					return err
				}
				written += k
			}
		}
		return nil
	})
	return written, err
}

// ClaimEmails leases due e-mails to this worker. The claim is one statement
// (its own transaction): FOR UPDATE SKIP LOCKED lets two workers claim at
// once without taking the same row, and the row leaves 'pending' (or its
// expired lease) as it is claimed, so no other worker takes it until the
// lease runs out. Notifications of disabled accounts are not e-mailed.
func (o *OutboxStore) ClaimEmails(ctx context.Context, limit int, lease time.Duration) ([]custos.OutboxEmail, error) {
	now := o.db.Now().UTC()
	if _, err := o.db.db.ExecContext(ctx, `UPDATE notifications n SET email_state = 'off', lease_until = NULL,
			last_error = 'the account is disabled'
		FROM users u WHERE u.id = n.user_id AND u.disabled AND n.email_state IN ('pending', 'sending')
			AND (n.email_state = 'pending' OR n.lease_until <= $1)`, now); err != nil {
		return nil, mapErr(err)
	}
	var out []custos.OutboxEmail
	// An invitation's e-mail names its address (to_email) instead of a user.
	err := o.db.db.SelectContext(ctx, &out, `UPDATE notifications n SET email_state = 'sending', attempts = n.attempts + 1,
			lease_until = $2
		FROM (SELECT id FROM notifications
				WHERE (email_state = 'pending' AND next_attempt_at <= $1) OR (email_state = 'sending' AND lease_until <= $1)
				ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) q
		WHERE n.id = q.id
		RETURNING n.id, n.attempts, COALESCE(n.to_email, (SELECT u.email FROM users u WHERE u.id = n.user_id)) AS email,
			COALESCE(n.to_name, (SELECT u.name FROM users u WHERE u.id = n.user_id)) AS name, n.subject, n.body, n.link`,
		now, now.Add(lease), limit)
	return out, mapErr(err)
}

// forgetInvitationLink is the link an e-mail keeps once it is done with:
// an invitation's holds its token, which nothing else keeps, so it goes.
const forgetInvitationLink = `CASE WHEN to_email IS NOT NULL THEN '' ELSE link END`

// insertInvitationEmail queues the e-mail that carries a new invitation's
// link to its contact, in the transaction that creates the invitation.
func (tx *Tx) insertInvitationEmail(ctx context.Context, teamID int64, inv custos.Invitation, title, link string) error {
	n := custos.InvitationEmail(inv, title)
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, to_email, to_name, team_id, kind, object_type, object_id,
			payload, subject, body, link, created_at, next_attempt_at)
		VALUES (NULL, $1, $2, $3, $4, 'invitation', $5, '{}', $6, $7, $8, $9, $9)`,
		inv.Email, inv.Name, teamID, string(n.Kind), n.ObjectID, n.Subject, n.Body, link, tx.now)
	return err
}

// EmailSent marks a claimed e-mail sent, if the claim is still this
// attempt's.
func (o *OutboxStore) EmailSent(ctx context.Context, e custos.OutboxEmail) error {
	_, err := o.db.db.ExecContext(ctx, `UPDATE notifications SET email_state = 'sent', sent_at = $3, lease_until = NULL,
			last_error = '', link = `+forgetInvitationLink+` WHERE id = $1 AND attempts = $2 AND email_state = 'sending'`, e.ID, e.Attempt, o.db.Now().UTC())
	return mapErr(err)
}

// EmailFailed puts a claimed e-mail back for a retry after retryIn, or
// gives up on it when retryIn is 0; the reason is kept for operators.
func (o *OutboxStore) EmailFailed(ctx context.Context, e custos.OutboxEmail, reason string, retryIn time.Duration) error {
	state := "pending"
	if retryIn <= 0 {
		state = "failed"
	}
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	_, err := o.db.db.ExecContext(ctx, `UPDATE notifications SET email_state = $3, next_attempt_at = $4, lease_until = NULL,
			last_error = $5, link = CASE WHEN $3 = 'failed' THEN `+forgetInvitationLink+` ELSE link END WHERE id = $1 AND attempts = $2 AND email_state = 'sending'`,
		e.ID, e.Attempt, state, o.db.Now().UTC().Add(retryIn), reason)
	return mapErr(err)
}

// EmailOff marks everything waiting for e-mail as not e-mailed.
func (o *OutboxStore) EmailOff(ctx context.Context) (int, error) {
	res, err := o.db.db.ExecContext(ctx, `UPDATE notifications SET email_state = 'off', lease_until = NULL,
			last_error = 'e-mail is off (CUSTOS_SMTP_URL is not set)', link = `+forgetInvitationLink+` WHERE email_state IN ('pending', 'sending')`)
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// EmailState is one notification's delivery state, for tests and operators.
type EmailState struct {
	ID       int64  `db:"id"`
	UserID   int64  `db:"user_id"`
	Kind     string `db:"kind"`
	State    string `db:"email_state"`
	Attempts int    `db:"attempts"`
	Error    string `db:"last_error"`
}

// EmailStates lists every notification's delivery state in ID order.
func (o *OutboxStore) EmailStates(ctx context.Context) ([]EmailState, error) {
	var out []EmailState
	err := o.db.db.SelectContext(ctx, &out, `SELECT id, COALESCE(user_id, 0) AS user_id, kind, email_state, attempts, last_error
		FROM notifications ORDER BY id`)
	return out, mapErr(err)
}
