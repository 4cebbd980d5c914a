package postgres

import (
	"context"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// --- taking things back: a submission, a mistaken flag, a file; and marking
// a section met in one go ---------------------------------------------------

// WithdrawSubmission takes a submitted round back to draft at its
// submitter's request before any decision (the rules are
// custos.WithdrawSubmission's). The round is void, as after a return: the
// candidates follow the catalogue again. No memo exists for a round that was
// never approved, so none is affected.
func (s *EvaluationService) WithdrawSubmission(ctx context.Context, id int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, id, "", ""); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		round := custos.SubmittedRound{Evaluation: e, ApprovalsRequired: r.Approvals}
		// The row lock on the evaluation serialises this with a manager's
		// decision, which takes the same lock first.
		if err := tx.SelectContext(ctx, &round.Decisions, `SELECT id, round, manager_id, manager_name, decision, comment,
			snapshot_hash, created_at FROM approvals WHERE evaluation_id = $1 AND round = $2`, id, e.Round); err != nil {
			return err
		}
		ev, err := custos.WithdrawSubmission(round, ifVersion, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'draft', version = version + 1, updated_at = $2
			WHERE id = $1`, id, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evaluation_candidates SET frozen = NULL WHERE evaluation_id = $1`, id); err != nil {
			return err
		}
		return tx.record(ctx, r.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// WithdrawRedFlag marks a flag raised by mistake as withdrawn with the reason.
func (s *EvaluationService) WithdrawRedFlag(ctx context.Context, id, flagID int64, ifVersion int, reason string) (*custos.RedFlag, error) {
	return s.changeRedFlag(ctx, id, flagID, func(e custos.Evaluation, flag *custos.RedFlag, at time.Time) (custos.Event, custos.RedFlag, error) {
		ev, err := custos.WithdrawRedFlag(e, ifVersion, flag, reason, at)
		return ev, ev.After, err
	})
}

// RemoveEvidence deletes a draft's evidence file. The file itself goes:
// before submission it supports no decision, and a file uploaded by mistake
// is most often the wrong document (another custodian's, or confidential),
// which keeping would only spread. The audit event keeps its label, size,
// uploader and SHA-256, so the trail still proves what was there and when
// it went. Files of a submitted or approved evaluation never go (the
// service refuses it and the database's lock trigger too).
func (s *EvaluationService) RemoveEvidence(ctx context.Context, id, evidenceID int64, ifVersion int) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, id, "", ""); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		// Only the evaluation's own files: those a re-diligence links from
		// the approved evaluation it follows are that one's record.
		ev, err := getOptional[custos.Evidence](ctx, tx, `SELECT `+evidenceColumns+` FROM evidence WHERE id = $1 AND evaluation_id = $2`,
			evidenceID, id)
		if err != nil {
			return err
		}
		if ev != nil {
			ev.UploadedAt = ev.UploadedAt.UTC()
		}
		removed, err := custos.RemoveEvidence(e, ifVersion, ev, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		// A file accepted from a custodian's response stays with the
		// response; only the team's evidence copy goes.
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_documents SET evidence_id = NULL WHERE evidence_id = $1`, evidenceID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE id = $1`, evidenceID); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		return tx.record(ctx, e.TeamID, removed)
	})
}

// MarkSectionMet marks every pending item of a checklist section met for one
// candidate, in one transaction with one audit event per answer written.
func (s *EvaluationService) MarkSectionMet(ctx context.Context, id, custodianID int64, sectionKey string, ifVersion int) (*custos.SectionMarkedResult, error) {
	var out custos.SectionMarkedResult
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r partRow
		e, tmpl, part, err := s.loadPart(ctx, tx, &r, id, custodianID, "", "")
		if err != nil {
			return err
		}
		var rows []struct {
			ItemID    int64               `db:"item_id"`
			Status    custos.AnswerStatus `db:"status"`
			Note      string              `db:"note"`
			Version   int                 `db:"version"`
			UpdatedBy *int64              `db:"updated_by"`
			UpdatedAt *time.Time          `db:"updated_at"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT item_id, status, note, version, updated_by, updated_at FROM answers
			WHERE evaluation_id = $1 AND custodian_id = $2`, id, custodianID); err != nil {
			return err
		}
		current := make(map[int64]custos.Answer, len(rows))
		for _, a := range rows {
			current[a.ItemID] = custos.Answer{ItemID: a.ItemID, Status: a.Status, Note: a.Note, Version: a.Version,
				UpdatedBy: a.UpdatedBy, UpdatedAt: utc(a.UpdatedAt)}
		}
		marked, err := custos.MarkSectionMet(e, tmpl, ifVersion, part, sectionKey, current, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		out.Answers, out.Skipped = make([]custos.Answer, 0, len(marked.Answers)), marked.Skipped
		events := make([]custos.Event, 0, len(marked.Answers))
		for _, ev := range marked.Answers {
			a := ev.After
			if _, err := tx.ExecContext(ctx, `INSERT INTO answers (evaluation_id, custodian_id, item_id, status, note, version,
				updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (evaluation_id, custodian_id, item_id) DO UPDATE
					SET status = EXCLUDED.status, note = EXCLUDED.note, version = EXCLUDED.version,
						updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at, carried_forward = false`,
				id, custodianID, a.ItemID, a.Status, a.Note, a.Version, a.UpdatedBy, a.UpdatedAt); err != nil {
				return err
			}
			out.Answers = append(out.Answers, a)
			events = append(events, ev)
		}
		if len(events) == 0 {
			return nil // nothing changed: no new version, no audit event
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		return tx.record(ctx, e.TeamID, events...)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
