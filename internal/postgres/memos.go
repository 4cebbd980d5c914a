package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// MemoService issues signed memos, keeps their registry and verifies files.
type MemoService struct {
	db       *DB
	evals    *EvaluationService
	renderer custos.MemoRenderer
	signer   custos.Signer
	verifier custos.SignatureVerifier
	// Checkpoints, when set, signs the audit chain's head in the
	// transaction that issues each memo.
	Checkpoints *CheckpointService
}

// NewMemoService returns the memo service.
func NewMemoService(db *DB, evals *EvaluationService, r custos.MemoRenderer, s custos.Signer, v custos.SignatureVerifier) *MemoService {
	return &MemoService{db: db, evals: evals, renderer: r, signer: s, verifier: v}
}

const memoColumns = `id, evaluation_id, team_id, title, sha256, size, signer_fingerprint, snapshot_hash,
	audit_head_seq, audit_head_hash, issued_by, issued_at`

func (s *MemoService) findMemo(ctx context.Context, q interface {
	GetContext(context.Context, any, string, ...any) error
}, where string, arg any) (*custos.Memo, error) {
	var m custos.Memo
	if err := q.GetContext(ctx, &m, `SELECT `+memoColumns+` FROM memos WHERE `+where, arg); err != nil {
		return nil, orNotFound(err, "memo")
	}
	m.IssuedAt = m.IssuedAt.UTC()
	return &m, nil
}

// IssueMemo renders, signs and registers the memo of an approved evaluation.
func (s *MemoService) IssueMemo(ctx context.Context, evaluationID int64) (*custos.Memo, error) {
	ws, err := s.evals.Workspace(ctx, evaluationID)
	if err != nil {
		return nil, err
	}
	e := ws.Evaluation
	if err := custos.MemoIssuable(e); err != nil {
		return nil, err
	}
	content := &custos.MemoContent{Workspace: ws, IssuedAt: s.db.Now().UTC().Truncate(time.Second)}
	actor := custos.ActorFrom(ctx)
	var names struct {
		Team       string `db:"team"`
		PreparedBy string `db:"prepared_by"`
		IssuedBy   string `db:"issued_by"`
	}
	if err := s.db.db.GetContext(ctx, &names, `SELECT t.name AS team,
		COALESCE((SELECT name FROM users WHERE id = $2), '') AS prepared_by,
		(SELECT name FROM users WHERE id = $3) AS issued_by
		FROM teams t WHERE t.id = $1`, e.TeamID, e.SubmittedBy, actor.UserID); err != nil {
		return nil, mapErr(err)
	}
	content.TeamName, content.PreparedBy, content.IssuedBy = names.Team, names.PreparedBy, names.IssuedBy
	for _, a := range ws.Approvals {
		if a.Round == e.Round && a.Decision == custos.DecisionApprove {
			content.Approvers = append(content.Approvers, custos.MemoApprover{Name: a.ManagerName, Role: string(custos.RoleManager),
				At: a.CreatedAt, Comment: a.Comment, SnapshotHash: a.SnapshotHash})
		}
	}
	if err := s.db.db.QueryRowxContext(ctx, `SELECT seq, hash FROM audit_events
		WHERE action = 'evaluation.approve' AND object_type = 'evaluation' AND object_id = $1
		ORDER BY seq DESC LIMIT 1`, evalID(evaluationID)).Scan(&content.AuditHeadSeq, &content.AuditHeadHash); err != nil {
		return nil, mapErr(err)
	}
	if prev, err := s.findMemo(ctx, s.db.db, "evaluation_id = $1 ORDER BY id DESC LIMIT 1", e.ID); err == nil {
		content.Predecessor = prev
	} else if custos.ErrorCode(mapErr(err)) != custos.ENOTFOUND {
		return nil, mapErr(err)
	}
	if f := e.FollowsEvaluationID; f != nil {
		if prev, err := s.findMemo(ctx, s.db.db, "evaluation_id = $1 ORDER BY id DESC LIMIT 1", *f); err == nil {
			content.Follows = prev
		} else if custos.ErrorCode(mapErr(err)) != custos.ENOTFOUND {
			return nil, mapErr(err)
		}
	}
	if err := s.db.db.GetContext(ctx, &content.MemoID, `SELECT nextval(pg_get_serial_sequence('memos', 'id'))`); err != nil {
		return nil, mapErr(err)
	}
	unsigned, err := s.renderer.Render(content)
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("render memo: %w", err))
	}
	signed, err := s.signer.Sign(unsigned, content.IssuedAt)
	if err != nil {
		return nil, custos.Internal(fmt.Errorf("sign memo: %w", err))
	}
	sum := sha256.Sum256(signed)
	m := custos.Memo{ID: content.MemoID, EvaluationID: e.ID, TeamID: e.TeamID, Title: e.Title, SHA256: sum[:],
		Size: int64(len(signed)), SignerFingerprint: s.signer.Fingerprint(), SnapshotHash: e.SnapshotHash,
		AuditHeadSeq: content.AuditHeadSeq, AuditHeadHash: content.AuditHeadHash, IssuedBy: actor.UserID, IssuedAt: content.IssuedAt}
	ev, err := custos.IssueMemo(e, m)
	if err != nil {
		return nil, err
	}
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO memos (id, evaluation_id, team_id, title, sha256, size, signer_fingerprint,
			snapshot_hash, audit_head_seq, audit_head_hash, pdf, issued_by, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			m.ID, m.EvaluationID, m.TeamID, m.Title, []byte(m.SHA256), m.Size, m.SignerFingerprint, []byte(m.SnapshotHash),
			m.AuditHeadSeq, []byte(m.AuditHeadHash), signed, m.IssuedBy, m.IssuedAt); err != nil {
			return err
		}
		if err := tx.record(ctx, m.TeamID, ev); err != nil {
			return err
		}
		if s.Checkpoints != nil {
			// The head is the memo.issue event, and this transaction holds its lock.
			_, err := s.Checkpoints.checkpoint(ctx, tx, "memo")
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMemos returns a team's memos, newest first.
func (s *MemoService) ListMemos(ctx context.Context, f custos.MemoFilter) (*custos.MemoPage, error) {
	q, err := custos.PageQuery{Before: f.Before, Limit: f.Limit}.Check(custos.ListPage)
	if err != nil {
		return nil, err
	}
	var rows []custos.Memo
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+memoColumns+` FROM memos
		WHERE team_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, f.TeamID, q.Before, q.Limit+1); err != nil {
		return nil, mapErr(err)
	}
	for i := range rows {
		rows[i].IssuedAt = rows[i].IssuedAt.UTC()
	}
	page := custos.PageOf(rows, q, func(m custos.Memo) int64 { return m.ID })
	return &page, nil
}

// FindMemo returns a memo's registry entry.
func (s *MemoService) FindMemo(ctx context.Context, id int64) (*custos.Memo, error) {
	m, err := s.findMemo(ctx, s.db.db, "id = $1", id)
	return m, mapErr(err)
}

// MemoTeam returns the team a memo belongs to.
func (s *MemoService) MemoTeam(ctx context.Context, id int64) (int64, error) {
	var team int64
	if err := s.db.db.GetContext(ctx, &team, `SELECT team_id FROM memos WHERE id = $1`, id); err != nil {
		return 0, mapErr(orNotFound(err, "memo"))
	}
	return team, nil
}

// DownloadMemo returns the signed PDF; the download is an audit event in
// the same transaction, so no file leaves without a record of who took it.
func (s *MemoService) DownloadMemo(ctx context.Context, id int64) (*custos.Memo, []byte, error) {
	var m *custos.Memo
	var pdf []byte
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		if m, err = s.findMemo(ctx, tx, "id = $1", id); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &pdf, `SELECT pdf FROM memos WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.record(ctx, m.TeamID, custos.MemoDownloaded{Memo: *m})
	})
	if err != nil {
		return nil, nil, err
	}
	return m, pdf, nil
}

// VerifyMemo says whether a file is an unaltered memo that Custos issued:
// a valid signature by our certificate over the whole file, and a digest
// that the registry knows.
func (s *MemoService) VerifyMemo(ctx context.Context, pdf []byte) (*custos.MemoVerdict, error) {
	if len(pdf) == 0 {
		return nil, custos.Invalid("body", "send the PDF file as the request body")
	}
	sum := sha256.Sum256(pdf)
	v := &custos.MemoVerdict{SHA256: sum[:], Signature: s.verifier.Verify(pdf), Approvals: []custos.Approval{}}
	v.Reasons = append(v.Reasons, v.Signature.Problems...)
	m, err := s.findMemo(ctx, s.db.db, "sha256 = $1", sum[:])
	switch {
	case err == nil:
		v.Memo = m
		// The memo's round, not the evaluation's current one: the latest
		// round approved, of the memo's snapshot, when the memo was issued.
		if err := s.db.db.SelectContext(ctx, &v.Approvals, `SELECT a.id, a.round, a.manager_id, a.manager_name,
			a.decision, a.comment, a.snapshot_hash, a.created_at
			FROM approvals a JOIN memos m ON m.id = $1
			WHERE a.evaluation_id = m.evaluation_id AND a.decision = 'approve' AND a.round = (
				SELECT max(r.round) FROM approvals r
				WHERE r.evaluation_id = m.evaluation_id AND r.decision = 'approve'
					AND r.snapshot_hash = m.snapshot_hash AND r.created_at <= m.issued_at)
			ORDER BY a.id`, m.ID); err != nil {
			return nil, mapErr(err)
		}
		for i := range v.Approvals {
			v.Approvals[i].CreatedAt = v.Approvals[i].CreatedAt.UTC()
		}
	case custos.ErrorCode(mapErr(err)) == custos.ENOTFOUND || err == sql.ErrNoRows:
		v.Reasons = append(v.Reasons, "no memo with this SHA-256 was issued by Custos")
	default:
		return nil, mapErr(err)
	}
	if v.Signature.SignerFingerprint != "" {
		var k custos.SigningKey
		err := s.db.db.GetContext(ctx, &k, `SELECT fingerprint, subject, not_before, not_after, in_use_from, in_use_until
			FROM signing_certificates WHERE fingerprint = $1`, v.Signature.SignerFingerprint)
		switch {
		case err == nil:
			k.NotBefore, k.NotAfter, k.InUseFrom = k.NotBefore.UTC(), k.NotAfter.UTC(), k.InUseFrom.UTC()
			if k.InUseUntil != nil {
				u := k.InUseUntil.UTC()
				k.InUseUntil = &u
			}
			if v.Memo != nil {
				at := v.Memo.IssuedAt
				k.CurrentWhenSigned = !at.Before(k.InUseFrom) && (k.InUseUntil == nil || at.Before(*k.InUseUntil))
			}
			v.SigningKey = &k
		case err != sql.ErrNoRows:
			return nil, mapErr(err)
		}
	}
	sig := v.Signature
	v.Genuine = sig.Signed && sig.Valid && sig.CoversWholeFile && sig.OurCertificate && v.Memo != nil && len(sig.Problems) == 0
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	return v, nil
}
