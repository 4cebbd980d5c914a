package postgres

import (
	"context"

	"github.com/custos-dd/custos/internal/custos"
)

// --- the maker-checker workflow ---------------------------------------------

// Submit freezes a complete draft for approval, recording the SHA-256 of its
// canonical snapshot and the approvals its round needs (the team's setting
// now). It is refused with every reason listed when items are unanswered,
// required evidence is missing or a shortlisted custodian has an open
// critical red flag.
func (s *EvaluationService) Submit(ctx context.Context, id int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, id, "", ""); err != nil {
			return err
		}
		ws, err := s.workspace(ctx, tx, id)
		if err != nil {
			return err
		}
		ev, err := custos.Submit(ws, ifVersion, r.Approvals, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		// What the managers approve includes the candidates' catalogue facts
		// as they are now.
		if _, err := tx.ExecContext(ctx, `UPDATE evaluation_candidates ec SET frozen = jsonb_build_object('id', c.id,
				'slug', c.slug, 'name', c.name, 'qualified_custodian', c.qualified_custodian, 'regions', to_jsonb(c.regions),
				'staking', c.staking)
			FROM custodians c WHERE c.id = ec.custodian_id AND ec.evaluation_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'submitted', round = $2, submitted_by = $3,
			submitted_at = $4, snapshot_hash = $5, approvals_required = $6, version = version + 1, updated_at = $4 WHERE id = $1`,
			id, ev.Round, ev.SubmittedBy, ev.SubmittedAt, []byte(ev.SnapshotHash), ev.ApprovalsRequired); err != nil {
			return err
		}
		return tx.record(ctx, r.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// Decide records a manager's approval or return of a submitted shortlist
// (the rules are custos.Decide's). The round needs the approvals fixed when
// it was submitted, not the team's setting now.
func (s *EvaluationService) Decide(ctx context.Context, id int64, ifVersion int, d custos.Decision, comment string) (*custos.Workspace, error) {
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
		if err := tx.SelectContext(ctx, &round.Decisions, `SELECT id, round, manager_id, manager_name, decision, comment,
			snapshot_hash, created_at FROM approvals WHERE evaluation_id = $1 AND round = $2`, id, e.Round); err != nil {
			return err
		}
		ev, err := custos.Decide(round, ifVersion, custos.ActorFrom(ctx).UserID, d, comment, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (evaluation_id, round, manager_id, manager_name, decision, comment,
			snapshot_hash, created_at) SELECT $1, $2, $3, u.name, $4, $5, $6, $7 FROM users u WHERE u.id = $3`,
			id, ev.Round, ev.ManagerID, ev.Decision, ev.Comment, []byte(ev.SnapshotHash), ev.At); err != nil {
			return err
		}
		switch ev.Status {
		case custos.StatusDraft:
			if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'draft', version = version + 1, updated_at = $2
				WHERE id = $1`, id, tx.now); err != nil {
				return err
			}
			// Back in draft, the candidates follow the catalogue again.
			if _, err := tx.ExecContext(ctx, `UPDATE evaluation_candidates SET frozen = NULL WHERE evaluation_id = $1`, id); err != nil {
				return err
			}
		case custos.StatusApproved:
			if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'approved', approved_at = $2, version = version + 1,
				updated_at = $2 WHERE id = $1`, id, tx.now); err != nil {
				return err
			}
			if e.RelationshipID != nil {
				e.Status = custos.StatusApproved
				reviewed, err := tx.reviewRelationship(ctx, r.TeamID, e)
				if err != nil {
					return err
				}
				return tx.record(ctx, r.TeamID, ev, reviewed)
			}
		default:
			if err := tx.touch(ctx, id); err != nil {
				return err
			}
		}
		return tx.record(ctx, r.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}
