package postgres

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
)

// --- opening and editing ------------------------------------------------------

// CreateEvaluation opens an evaluation owned by the signed-in officer and
// raises the mandate-fit red flags of its candidates.
func (s *EvaluationService) CreateEvaluation(ctx context.Context, n custos.NewEvaluation) (*custos.Workspace, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.inTx(ctx, func(tx *Tx) error {
		tmpl, err := s.template(ctx, tx, n.TemplateID)
		if custos.ErrorCode(err) == custos.ENOTFOUND {
			tmpl = nil
		} else if err != nil {
			return err
		}
		var found int
		if err := tx.GetContext(ctx, &found, `SELECT count(*) FROM custodians WHERE id = ANY($1)`, pq.Int64Array(n.CustodianIDs)); err != nil {
			return err
		}
		ev, err := custos.OpenEvaluation(n, tmpl, found, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		h := ev.Header
		mandate, _ := json.Marshal(h.Mandate)
		if err := tx.GetContext(ctx, &id, `INSERT INTO evaluations (team_id, title, template_id, mandate, owner_id, due_date,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			h.TeamID, h.Title, h.TemplateID, string(mandate), h.OwnerID, h.DueDate, tx.now); err != nil {
			return err
		}
		ev.Header.ID = id
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_candidates (evaluation_id, custodian_id, added_at)
			SELECT $1, unnest($2::bigint[]), $3`, id, pq.Int64Array(ev.CustodianIDs), tx.now); err != nil {
			return err
		}
		flags, err := tx.applyMandateFit(ctx, id, tmpl, h.Mandate)
		if err != nil {
			return err
		}
		docFlags, err := tx.applyDocumentFlags(ctx, id, h.TeamID, tmpl, nil)
		if err != nil {
			return err
		}
		return tx.record(ctx, h.TeamID, append(append([]custos.Event{ev}, flags...), docFlags...)...)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// applyMandateFit lets custos.ReconcileMandateFit bring the draft's
// automatic red flags in line with its mandate and candidates, saves what it
// decided and returns those events.
func (tx *Tx) applyMandateFit(ctx context.Context, id int64, tmpl *custos.Template, m custos.Mandate) ([]custos.Event, error) {
	var cands []struct {
		custos.CandidateSummary
		Regions pq.StringArray `db:"regions"`
	}
	if err := tx.SelectContext(ctx, &cands, `SELECT c.id, c.slug, c.name, c.qualified_custodian, c.regions, c.staking
		FROM evaluation_candidates ec JOIN custodians c ON c.id = ec.custodian_id WHERE ec.evaluation_id = $1
		ORDER BY c.id`, id); err != nil {
		return nil, err
	}
	candidates := make([]custos.CandidateSummary, len(cands))
	for i, c := range cands {
		candidates[i] = c.CandidateSummary
		candidates[i].Regions = []string(c.Regions)
	}
	var existing []custos.RedFlag
	if err := tx.SelectContext(ctx, &existing, `SELECT `+redFlagColumns+` FROM red_flags
		WHERE evaluation_id = $1 AND mandate_rule IS NOT NULL ORDER BY id`, id); err != nil {
		return nil, err
	}
	events := custos.ReconcileMandateFit(id, m, candidates, tmpl, existing, tx.now)
	for i, ev := range events {
		switch e := ev.(type) {
		case custos.RedFlagRaised:
			f := e.Flag
			if err := tx.GetContext(ctx, &e.Flag.ID, `INSERT INTO red_flags (evaluation_id, custodian_id, definition_id, title,
				description, severity, mandate_rule, reason, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
				id, f.CustodianID, f.DefinitionID, f.Title, f.Description, f.Severity, f.MandateRule, f.Reason, tx.now); err != nil {
				return nil, err
			}
			events[i] = e
		case custos.RedFlagMoved:
			if _, err := tx.ExecContext(ctx, `UPDATE red_flags SET status = $2, resolution = $3, updated_at = $4 WHERE id = $1`,
				e.After.ID, e.After.Status, e.After.Resolution, e.After.UpdatedAt); err != nil {
				return nil, err
			}
		}
	}
	return events, nil
}

// UpdateEvaluation edits a draft's title, mandate or due date.
func (s *EvaluationService) UpdateEvaluation(ctx context.Context, id int64, ifVersion int, u custos.EvaluationUpdate) (*custos.Workspace, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, id, "", ""); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		ev, err := custos.UpdateEvaluation(e, ifVersion, u)
		if err != nil {
			return err
		}
		mandate, _ := json.Marshal(ev.After.Mandate)
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET title = $2, mandate = $3, due_date = $4 WHERE id = $1`,
			id, ev.After.Title, string(mandate), ev.After.DueDate); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		events := []custos.Event{ev}
		if ev.MandateChanged {
			tmpl, err := s.template(ctx, tx, e.TemplateID)
			if err != nil {
				return err
			}
			flags, err := tx.applyMandateFit(ctx, id, tmpl, ev.After.Mandate)
			if err != nil {
				return err
			}
			events = append(events, flags...)
		}
		return tx.record(ctx, e.TeamID, events...)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// candidacyRow is a draft's header with what a change of candidates needs.
type candidacyRow struct {
	evaluationRow
	IsCandidate bool `db:"is_candidate"`
	InCatalogue bool `db:"in_catalogue"`
	Count       int  `db:"candidate_count"`
	// Removed summarises what goes with a candidate that is removed.
	Removed string `db:"removed"`
}

const candidacyColumns = isCandidateColumn + `,
	EXISTS (SELECT 1 FROM custodians WHERE id = $2) AS in_catalogue,
	(SELECT count(*) FROM evaluation_candidates WHERE evaluation_id = e.id) AS candidate_count`

func (r *candidacyRow) candidacy(custodianID int64) custos.Candidacy {
	return custos.Candidacy{CustodianID: custodianID, Candidates: r.Count, IsCandidate: r.IsCandidate, InCatalogue: r.InCatalogue}
}

// AddCandidate puts a catalogue custodian on a draft.
func (s *EvaluationService) AddCandidate(ctx context.Context, id, custodianID int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r candidacyRow
		if err := tx.loadLocked(ctx, &r, id, candidacyColumns+`, '' AS removed`, "", custodianID); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		ev, err := custos.AddCandidate(e, ifVersion, r.candidacy(custodianID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_candidates (evaluation_id, custodian_id, added_at)
			VALUES ($1, $2, $3)`, id, custodianID, tx.now); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		tmpl, err := s.template(ctx, tx, e.TemplateID)
		if err != nil {
			return err
		}
		flags, err := tx.applyMandateFit(ctx, id, tmpl, e.Mandate)
		if err != nil {
			return err
		}
		docFlags, err := tx.applyDocumentFlags(ctx, id, e.TeamID, tmpl, []int64{custodianID})
		if err != nil {
			return err
		}
		return tx.record(ctx, e.TeamID, append(append([]custos.Event{ev}, flags...), docFlags...)...)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// RemoveCandidate takes a custodian off a draft with everything about it.
func (s *EvaluationService) RemoveCandidate(ctx context.Context, id, custodianID int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		// The candidate's answers, scores, flags and evidence go with it: the
		// audit event records what was removed.
		var r candidacyRow
		if err := tx.loadLocked(ctx, &r, id, candidacyColumns+`, jsonb_build_object(
				'answers', (SELECT count(*) FROM answers WHERE evaluation_id = e.id AND custodian_id = $2),
				'scores', (SELECT COALESCE(jsonb_object_agg(criterion, score), '{}') FROM scores WHERE evaluation_id = e.id AND custodian_id = $2),
				'red_flags', (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', id, 'title', title, 'status', status)), '[]')
					FROM red_flags WHERE evaluation_id = e.id AND custodian_id = $2),
				'evidence', (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', id, 'label', label, 'sha256', encode(sha256, 'hex'))), '[]')
					FROM evidence WHERE evaluation_id = e.id AND custodian_id = $2))::text AS removed`, "", custodianID); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		ev, err := custos.RemoveCandidate(e, ifVersion, r.candidacy(custodianID), json.RawMessage(r.Removed))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evaluation_candidates WHERE evaluation_id = $1 AND custodian_id = $2`,
			id, custodianID); err != nil {
			return err
		}
		// The candidate's shortlist entry went with it: close the gap in the ranks.
		var rest []custos.ShortlistEntry
		if err := tx.SelectContext(ctx, &rest, `SELECT custodian_id, rank, rationale, inversion_rationale FROM shortlist_entries
			WHERE evaluation_id = $1 ORDER BY rank`, id); err != nil {
			return err
		}
		if err := tx.replaceShortlist(ctx, id, rest); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// replaceShortlist writes the shortlist anew, ranked in the given order.
func (tx *Tx) replaceShortlist(ctx context.Context, id int64, entries []custos.ShortlistEntry) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM shortlist_entries WHERE evaluation_id = $1`, id); err != nil {
		return err
	}
	sorted := append([]custos.ShortlistEntry(nil), entries...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Rank < sorted[j].Rank })
	for i, e := range sorted {
		if _, err := tx.ExecContext(ctx, `INSERT INTO shortlist_entries (evaluation_id, custodian_id, rank, rationale, inversion_rationale)
			VALUES ($1, $2, $3, $4, $5)`, id, e.CustodianID, i+1, e.Rationale, e.InversionRationale); err != nil {
			return err
		}
	}
	return nil
}
