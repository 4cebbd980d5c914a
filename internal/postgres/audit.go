package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/custos-dd/custos/internal/custos"
)

// AuditService reads and verifies the trail.
type AuditService struct{ db *DB }

// NewAuditService returns the audit service.
func NewAuditService(db *DB) *AuditService { return &AuditService{db} }

// audit appends an event to the chain inside tx. Locking audit_head's one row
// serialises appends until the transaction ends, so the chain cannot fork and
// its order is the commit order. Call it last in a transaction: the lock is
// held until commit.
func (tx *Tx) audit(ctx context.Context, ne custos.NewAuditEvent) error {
	a := custos.ActorFrom(ctx)
	actor := a.Email
	var actorID *int64
	if a.UserID != 0 {
		id := a.UserID
		actorID = &id
	} else if a.InvitationID != 0 {
		actor = "respondent" // the invitation is the event's object
	} else if actor == "" {
		actor = "anonymous"
	}
	return tx.appendEvent(ctx, actorID, actor, ne)
}

func (tx *Tx) appendEvent(ctx context.Context, actorID *int64, actor string, ne custos.NewAuditEvent) error {
	before, err := jsonValue(ne.Before)
	if err != nil {
		return custos.Internal(err)
	}
	after, err := jsonValue(ne.After)
	if err != nil {
		return custos.Internal(err)
	}
	e := custos.AuditEvent{
		OccurredAt:      tx.now,
		ActorID:         actorID,
		Actor:           actor,
		TeamID:          ne.TeamID,
		Action:          ne.Action,
		ObjectType:      ne.ObjectType,
		ObjectID:        ne.ObjectID,
		Before:          before,
		After:           after,
		RequestID:       custos.RequestIDFrom(ctx),
		ClientRequestID: custos.ClientRequestIDFrom(ctx),
	}
	// The content is hashed with the sequence number the head will give it:
	// the database fills the number in and hashes prev_hash || content itself
	// (custos.AuditEvent.HashedContent begins {"seq":N,), so one statement
	// locks the head, appends the event and moves the head on, and the lock
	// is held from that statement to the commit that follows it, not across
	// a round trip to compute the hash here.
	content, err := e.HashedContent()
	if err != nil {
		return custos.Internal(err)
	}
	if !bytes.HasPrefix(content, []byte(seqPlaceholder)) {
		return custos.Internal(fmt.Errorf("audit content does not begin with %s: %.40s", seqPlaceholder, content))
	}
	rest := content[len(seqPlaceholder)-1:] // from the comma after the number
	if err := tx.QueryRowxContext(ctx, appendAudit,
		e.OccurredAt, e.ActorID, e.Actor, e.TeamID, e.Action, e.ObjectType,
		e.ObjectID, nullJSON(e.Before), nullJSON(e.After), e.RequestID, e.ClientRequestID, rest).Scan(&e.Seq); err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

// appendAudit is every write's last statement before COMMIT: hot.
var appendAudit = hot(`
	WITH head AS (
		UPDATE audit_head SET seq = seq + 1, prev_hash = hash,
			hash = sha256(hash || convert_to('{"seq":' || (seq + 1)::text, 'UTF8') || $12::bytea)
		WHERE id = 1 RETURNING seq, prev_hash, hash)
	INSERT INTO audit_events (seq, occurred_at, actor_id, actor, team_id, action, object_type,
		object_id, before, after, request_id, client_request_id, prev_hash, hash)
	SELECT seq, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, prev_hash, hash FROM head
	RETURNING seq`)

// seqPlaceholder is how an event's content begins before it has a number.
const seqPlaceholder = `{"seq":0,`

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

type auditRow struct {
	Seq             int64          `db:"seq"`
	OccurredAt      sql.NullTime   `db:"occurred_at"`
	ActorID         sql.NullInt64  `db:"actor_id"`
	Actor           string         `db:"actor"`
	TeamID          sql.NullInt64  `db:"team_id"`
	Action          string         `db:"action"`
	ObjectType      string         `db:"object_type"`
	ObjectID        string         `db:"object_id"`
	Before          sql.NullString `db:"before"`
	After           sql.NullString `db:"after"`
	RequestID       string         `db:"request_id"`
	ClientRequestID string         `db:"client_request_id"`
	PrevHash        []byte         `db:"prev_hash"`
	Hash            []byte         `db:"hash"`
}

func (r *auditRow) event() *custos.AuditEvent {
	e := &custos.AuditEvent{
		Seq: r.Seq, OccurredAt: r.OccurredAt.Time.UTC(), Actor: r.Actor, Action: r.Action,
		ObjectType: r.ObjectType, ObjectID: r.ObjectID, RequestID: r.RequestID, ClientRequestID: r.ClientRequestID,
		PrevHash: r.PrevHash, Hash: r.Hash,
	}
	if r.ActorID.Valid {
		e.ActorID = &r.ActorID.Int64
	}
	if r.TeamID.Valid {
		e.TeamID = &r.TeamID.Int64
	}
	if r.Before.Valid {
		e.Before = json.RawMessage(r.Before.String)
	}
	if r.After.Valid {
		e.After = json.RawMessage(r.After.String)
	}
	return e
}

const auditColumns = `seq, occurred_at, actor_id, actor, team_id, action, object_type, object_id,
	before::text AS before, after::text AS after, request_id, client_request_id, prev_hash, hash`

// ListAuditEvents returns a page of events, newest first.
func (s *AuditService) ListAuditEvents(ctx context.Context, f custos.AuditFilter) (*custos.AuditPage, error) {
	q, err := custos.PageQuery{Before: f.Before, Limit: f.Limit}.Check(custos.AuditPageBounds)
	if err != nil {
		return nil, err
	}
	// An evaluation's events name it in their object (evaluation N, answer
	// and score N/custodian/…) or, for its other parts, in their payload.
	var evaluation *string
	if f.EvaluationID != nil {
		id := strconv.FormatInt(*f.EvaluationID, 10)
		evaluation = &id
	}
	var rows []auditRow
	err = s.db.db.SelectContext(ctx, &rows, `SELECT `+auditColumns+` FROM audit_events
		WHERE seq < $1 AND ($2::bigint IS NULL OR team_id = $2)
			AND ($4::bigint IS NULL OR actor_id = $4)
			AND ($5::timestamptz IS NULL OR occurred_at >= $5)
			AND ($6::timestamptz IS NULL OR occurred_at < $6)
			AND ($7 = '' OR action = $7)
			AND ($8::text IS NULL OR (object_type = 'evaluation' AND object_id = $8)
				OR (object_type IN ('answer', 'score') AND object_id LIKE $8 || '/%')
				OR after->>'evaluation_id' = $8 OR before->>'evaluation_id' = $8)
		ORDER BY seq DESC LIMIT $3`, q.Before, f.TeamID, q.Limit+1, f.ActorID, f.From, f.To, f.Action, evaluation)
	if err != nil {
		return nil, mapErr(err)
	}
	events := make([]*custos.AuditEvent, len(rows))
	for i := range rows {
		events[i] = rows[i].event()
	}
	page := custos.PageOf(events, q, func(e *custos.AuditEvent) int64 { return e.Seq })
	return &page, nil
}

// VerifyAuditChain walks the whole chain from its first event in one
// consistent snapshot (the auditors' check in the API, custos audit verify
// --full), and marks how far it is known good.
func (s *AuditService) VerifyAuditChain(ctx context.Context) (custos.ChainReport, error) {
	return s.verify(ctx, true)
}

// VerifyAuditChainSince checks only what was appended since the last
// successful verification (custos audit verify), in one consistent
// snapshot: that the event verified last still has the hash it had then (a
// rewrite of any earlier event that kept the chain linked would have changed
// it), and every event after it. It trusts the events before that mark: the
// database refuses to change them, and VerifyAuditChain and the signed
// checkpoints catch a superuser's rewrite.
func (s *AuditService) VerifyAuditChainSince(ctx context.Context) (custos.ChainReport, error) {
	return s.verify(ctx, false)
}

func (s *AuditService) verify(ctx context.Context, whole bool) (custos.ChainReport, error) {
	report, err := s.walk(ctx, whole)
	if err != nil || !report.Valid {
		return report, err
	}
	// Remember how far the chain is known good; never move the mark back.
	if _, err := s.db.db.ExecContext(ctx, `INSERT INTO audit_verified (id, seq, hash, verified_at) VALUES (1, $1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, verified_at = EXCLUDED.verified_at
		WHERE audit_verified.seq < EXCLUDED.seq`, report.HeadSeq, []byte(report.HeadHash), s.db.Now()); err != nil {
		return report, mapErr(err)
	}
	return report, nil
}

func (s *AuditService) walk(ctx context.Context, whole bool) (custos.ChainReport, error) {
	tx, err := s.db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return custos.ChainReport{}, mapErr(err)
	}
	defer tx.Rollback()
	var headSeq int64
	var headHash []byte
	if err := tx.QueryRowxContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return custos.ChainReport{}, mapErr(err)
	}
	var from struct {
		Seq     int64  `db:"seq"`
		Hash    []byte `db:"hash"`
		Current []byte `db:"current"`
	}
	if !whole {
		err := tx.GetContext(ctx, &from, `SELECT v.seq, v.hash, e.hash AS current
			FROM audit_verified v LEFT JOIN audit_events e ON e.seq = v.seq WHERE v.id = 1`)
		if err != nil && err != sql.ErrNoRows {
			return custos.ChainReport{}, mapErr(err)
		}
		if from.Seq > 0 && !bytes.Equal(from.Hash, from.Current) {
			return custos.ChainReport{HeadSeq: headSeq, HeadHash: headHash, Broken: &custos.ChainBreak{Seq: from.Seq,
				Reason: "the event verified last no longer has the hash it had then: the trail up to it was changed"}}, nil
		}
	}
	rows, err := tx.QueryxContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE seq > $1 ORDER BY seq`, from.Seq)
	if err != nil {
		return custos.ChainReport{}, mapErr(err)
	}
	defer rows.Close()
	v := custos.NewChainVerifierFrom(from.Seq, from.Hash)
	for rows.Next() {
		var r auditRow
		if err := rows.StructScan(&r); err != nil {
			return custos.ChainReport{}, mapErr(err)
		}
		if !v.Add(r.event()) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return custos.ChainReport{}, mapErr(err)
	}
	report := v.Finish(headSeq, headHash)
	report.VerifiedFrom = from.Seq
	return report, nil
}
