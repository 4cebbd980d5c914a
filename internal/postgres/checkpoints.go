package postgres

import (
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"time"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/signing"
)

// CheckpointService keeps the organisation's signing certificates (every
// one ever used, for key rotation) and signed checkpoints of the audit
// chain's head, and exports the trail with them for offline verification.
type CheckpointService struct {
	db     *DB
	signer *signing.Signer
}

// NewCheckpointService returns the service; signer signs checkpoints.
func NewCheckpointService(db *DB, signer *signing.Signer) *CheckpointService {
	return &CheckpointService{db: db, signer: signer}
}

// RegisterSigner records the signer's certificate as the one in use from
// now on, and the previous one's use as ended (key rotation). Registering
// the current certificate again changes nothing.
func (s *CheckpointService) RegisterSigner(ctx context.Context) error {
	c := s.signer.Certificate()
	return s.db.inTx(ctx, func(tx *Tx) error {
		var current string
		err := tx.GetContext(ctx, &current, `SELECT fingerprint FROM signing_certificates WHERE in_use_until IS NULL FOR UPDATE`)
		if err == nil && current == s.signer.Fingerprint() {
			return nil
		}
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		// A retired certificate does not come back: its period of use is
		// what "current when signed" is judged by, and must not move.
		var retired sql.NullTime
		switch err := tx.GetContext(ctx, &retired, `SELECT in_use_until FROM signing_certificates WHERE fingerprint = $1`, s.signer.Fingerprint()); {
		case err == nil:
			return custos.Errorf(custos.ECONFLICT, "the signing certificate %s was replaced on %s; configure a new certificate and key instead of an old one",
				s.signer.Fingerprint(), retired.Time.UTC().Format(time.RFC3339))
		case err != sql.ErrNoRows:
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signing_certificates SET in_use_until = $1 WHERE in_use_until IS NULL`, tx.now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO signing_certificates (fingerprint, subject, der, not_before, not_after, in_use_from)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			s.signer.Fingerprint(), c.Subject.String(), c.Raw, c.NotBefore, c.NotAfter, tx.now)
		return err
	})
}

// SigningCertificate is a certificate that has signed, and when it was in use.
type SigningCertificate struct {
	Cert       *x509.Certificate
	InUseFrom  time.Time
	InUseUntil *time.Time
}

// SigningCertificates lists every certificate that has been in use, oldest first.
func (s *CheckpointService) SigningCertificates(ctx context.Context) ([]SigningCertificate, error) {
	var rows []struct {
		DER        []byte       `db:"der"`
		InUseFrom  time.Time    `db:"in_use_from"`
		InUseUntil sql.NullTime `db:"in_use_until"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT der, in_use_from, in_use_until FROM signing_certificates ORDER BY in_use_from`); err != nil {
		return nil, mapErr(err)
	}
	out := make([]SigningCertificate, 0, len(rows))
	for _, r := range rows {
		c, err := x509.ParseCertificate(r.DER)
		if err != nil {
			return nil, custos.Internal(err)
		}
		sc := SigningCertificate{Cert: c, InUseFrom: r.InUseFrom.UTC()}
		if r.InUseUntil.Valid {
			t := r.InUseUntil.Time.UTC()
			sc.InUseUntil = &t
		}
		out = append(out, sc)
	}
	return out, nil
}

// checkpoint signs the chain's head as tx sees it, unless a checkpoint
// already covers it.
func (s *CheckpointService) checkpoint(ctx context.Context, tx *Tx, reason string) (*signing.Checkpoint, error) {
	var seq int64
	var hash []byte
	if err := tx.QueryRowxContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		return nil, err
	}
	var prev *signing.Checkpoint
	var last struct {
		Seq       int64  `db:"seq"`
		Statement []byte `db:"statement"`
	}
	switch err := tx.GetContext(ctx, &last, `SELECT seq, statement FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`); {
	case err == nil:
		prev = &signing.Checkpoint{Seq: last.Seq, Statement: last.Statement}
	case err != sql.ErrNoRows:
		return nil, err
	}
	if seq == 0 || (prev != nil && prev.Seq >= seq) {
		return nil, nil
	}
	cp, err := s.signer.SignCheckpoint(seq, hash, tx.now, reason, prev)
	if err != nil {
		return nil, custos.Internal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (seq, hash, signed_at, reason, signer_fingerprint, prev_seq, prev_statement_sha256, statement, signature)
		VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, ''::bytea), $8, $9)`, cp.Seq, []byte(cp.Hash), cp.SignedAt, cp.Reason, cp.SignerFingerprint,
		cp.PrevSeq, []byte(cp.PrevStatementSHA256), cp.Statement, cp.Signature); err != nil {
		return nil, err
	}
	return cp, nil
}

// Checkpoint signs the audit chain's current head; nil when nothing
// happened since the last checkpoint.
func (s *CheckpointService) Checkpoint(ctx context.Context, reason string) (*signing.Checkpoint, error) {
	var cp *signing.Checkpoint
	err := s.db.inTx(ctx, func(tx *Tx) error {
		// Lock the head so that no event is appended between reading it and
		// signing it, and checkpoints are made one at a time.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE`); err != nil {
			return err
		}
		var err error
		cp, err = s.checkpoint(ctx, tx, reason)
		return err
	})
	return cp, err
}

// Run signs a checkpoint every interval until ctx ends.
func (s *CheckpointService) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if cp, err := s.Checkpoint(ctx, "schedule"); err != nil {
				log.Error("audit checkpoint failed", "error", err)
			} else if cp != nil {
				log.Info("audit checkpoint signed", "seq", cp.Seq)
			}
		}
	}
}

// ExportBundle writes the whole trail and every checkpoint, from one
// consistent snapshot, as JSON lines (signing.BundleFormat).
func (s *CheckpointService) ExportBundle(ctx context.Context, w io.Writer) error {
	tx, err := s.db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	enc := json.NewEncoder(w)
	if err := enc.Encode(signing.BundleLine{Format: signing.BundleFormat}); err != nil {
		return err
	}
	rows, err := tx.QueryxContext(ctx, `SELECT `+auditColumns+` FROM audit_events ORDER BY seq`)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r auditRow
		if err := rows.StructScan(&r); err != nil {
			return mapErr(err)
		}
		if err := enc.Encode(signing.BundleLine{Event: r.event()}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return mapErr(err)
	}
	var cps []struct {
		Seq               int64     `db:"seq"`
		Hash              []byte    `db:"hash"`
		SignedAt          time.Time `db:"signed_at"`
		Reason            string    `db:"reason"`
		SignerFingerprint string    `db:"signer_fingerprint"`
		PrevSeq           int64     `db:"prev_seq"`
		PrevDigest        []byte    `db:"prev_statement_sha256"`
		Statement         []byte    `db:"statement"`
		Signature         []byte    `db:"signature"`
	}
	if err := tx.SelectContext(ctx, &cps, `SELECT seq, hash, signed_at, reason, signer_fingerprint, prev_seq, prev_statement_sha256, statement, signature
		FROM audit_checkpoints ORDER BY seq`); err != nil {
		return mapErr(err)
	}
	for _, c := range cps {
		if err := enc.Encode(signing.BundleLine{Checkpoint: &signing.Checkpoint{Seq: c.Seq, Hash: c.Hash, SignedAt: c.SignedAt.UTC(),
			Reason: c.Reason, SignerFingerprint: c.SignerFingerprint, PrevSeq: c.PrevSeq, PrevStatementSHA256: c.PrevDigest,
			Statement: c.Statement, Signature: c.Signature}}); err != nil {
			return err
		}
	}
	return nil
}
