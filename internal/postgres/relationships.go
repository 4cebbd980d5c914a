package postgres

import (
	"context"

	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
)

// RelationshipService keeps custody relationships. The rules are the
// domain's (custos.Appoint, UpdateRelationship, EndRelationship); each write
// and its audit event share one transaction.
type RelationshipService struct {
	db *DB
	// evaluations reads the workspace a re-diligence is prefilled from.
	evaluations *EvaluationService
}

// NewRelationshipService returns the relationship service.
func NewRelationshipService(db *DB) *RelationshipService {
	return &RelationshipService{db: db, evaluations: NewEvaluationService(db)}
}

// Dates are read as text so that the domain keeps its YYYY-MM-DD strings.
const relationshipColumns = `r.id, r.team_id, r.custodian_id, c.name AS custodian_name, r.evaluation_id, r.owner_id,
	u.name AS owner_name, to_char(r.appointed_on, 'YYYY-MM-DD') AS appointed_on,
	to_char(r.last_reviewed_on, 'YYYY-MM-DD') AS last_reviewed_on, r.review_months,
	to_char(r.next_review_due, 'YYYY-MM-DD') AS next_review_due, r.status,
	to_char(r.ended_on, 'YYYY-MM-DD') AS ended_on, r.end_reason, r.version, r.created_at, r.updated_at`

const relationshipFrom = ` FROM custody_relationships r JOIN custodians c ON c.id = r.custodian_id
	JOIN users u ON u.id = r.owner_id`

func utcRelationship(r *custos.Relationship) {
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
}

// ListRelationships returns a page of a team's relationships, newest first.
func (s *RelationshipService) ListRelationships(ctx context.Context, f custos.RelationshipFilter) (*custos.RelationshipPage, error) {
	q, err := custos.PageQuery{Before: f.Before, Limit: f.Limit}.Check(custos.ListPage)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case "", custos.ActiveRelationship, custos.EndedRelationship:
	default:
		return nil, custos.Invalid("status", "must be active or ended")
	}
	var rows []custos.Relationship
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+relationshipColumns+relationshipFrom+`
		WHERE r.team_id = $1 AND ($2 = '' OR r.status = $2) AND r.id < $3 ORDER BY r.id DESC LIMIT $4`,
		f.TeamID, string(f.Status), q.Before, q.Limit+1); err != nil {
		return nil, mapErr(err)
	}
	for i := range rows {
		utcRelationship(&rows[i])
	}
	if err := s.withDiligence(ctx, f.TeamID, rows); err != nil {
		return nil, mapErr(err)
	}
	page := custos.PageOf(rows, q, func(r custos.Relationship) int64 { return r.ID })
	return &page, nil
}

// Relationship returns one of a team's relationships.
func (s *RelationshipService) Relationship(ctx context.Context, teamID, id int64) (*custos.Relationship, error) {
	var r custos.Relationship
	if err := s.db.db.GetContext(ctx, &r, `SELECT `+relationshipColumns+relationshipFrom+`
		WHERE r.id = $1 AND r.team_id = $2`, id, teamID); err != nil {
		return nil, mapErr(orNotFound(err, "relationship"))
	}
	utcRelationship(&r)
	rs := []custos.Relationship{r}
	if err := s.withDiligence(ctx, teamID, rs); err != nil {
		return nil, mapErr(err)
	}
	return &rs[0], nil
}

// withDiligence sets each relationship's diligence status from the team's
// assurance documents on its custodian, judged now.
func (s *RelationshipService) withDiligence(ctx context.Context, teamID int64, rs []custos.Relationship) error {
	if len(rs) == 0 {
		return nil
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.CustodianID
	}
	docs, err := s.db.documentsByCustodian(ctx, s.db.db, teamID, ids, s.db.Now())
	if err != nil {
		return err
	}
	for i := range rs {
		rs[i].DiligenceStatus, rs[i].DiligenceReasons = custos.Diligence(docs[rs[i].CustodianID])
	}
	return nil
}

// ownerInTeam: a relationship's owner is an officer or manager of its team.
func (tx *Tx) ownerInTeam(ctx context.Context, teamID, userID int64) (bool, error) {
	var ok bool
	err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM memberships WHERE team_id = $1 AND user_id = $2
		AND role IN ('officer', 'manager'))`, teamID, userID)
	return ok, err
}

// Appoint records a custodian the team appoints from an approved
// evaluation's shortlist.
func (s *RelationshipService) Appoint(ctx context.Context, n custos.NewRelationship) (*custos.Relationship, error) {
	by := custos.ActorFrom(ctx).UserID
	var id int64
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, n.EvaluationID, "", ""); err != nil {
			if custos.ErrorCode(err) == custos.ENOTFOUND {
				return custos.Invalid("evaluation_id", "no such evaluation in this team")
			}
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		a := custos.Appointment{Evaluation: e}
		if err := tx.SelectContext(ctx, &a.Shortlist, `SELECT custodian_id, rank, rationale FROM shortlist_entries
			WHERE evaluation_id = $1 ORDER BY rank`, e.ID); err != nil {
			return err
		}
		owner := n.OwnerID
		if owner == 0 {
			owner = by
		}
		if a.OwnerInTeam, err = tx.ownerInTeam(ctx, n.TeamID, owner); err != nil {
			return err
		}
		// Serialise appointments of one custodian by one team, so that two at
		// once give one relationship and one conflict, not a unique violation.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, int32(n.TeamID), int32(n.CustodianID)); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &a.AlreadyAppointed, `SELECT EXISTS (SELECT 1 FROM custody_relationships
			WHERE team_id = $1 AND custodian_id = $2 AND status = 'active')`, n.TeamID, n.CustodianID); err != nil {
			return err
		}
		ev, err := custos.Appoint(n, a, by, tx.now)
		if err != nil {
			return err
		}
		rel := ev.Relationship
		if err := tx.GetContext(ctx, &id, `INSERT INTO custody_relationships (team_id, custodian_id, evaluation_id, owner_id,
			appointed_on, last_reviewed_on, review_months, next_review_due, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			rel.TeamID, rel.CustodianID, rel.EvaluationID, rel.OwnerID, rel.AppointedOn, rel.LastReviewed, rel.ReviewMonths,
			rel.NextReviewDue, rel.Status, by, tx.now); err != nil {
			return err
		}
		ev.Relationship.ID = id
		return tx.record(ctx, rel.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Relationship(ctx, n.TeamID, id)
}

func (tx *Tx) relationshipLocked(ctx context.Context, teamID, id int64) (custos.Relationship, error) {
	var r custos.Relationship
	err := tx.GetContext(ctx, &r, `SELECT `+relationshipColumns+relationshipFrom+`
		WHERE r.id = $1 AND r.team_id = $2 FOR UPDATE OF r`, id, teamID)
	utcRelationship(&r)
	return r, orNotFound(err, "relationship")
}

// UpdateRelationship changes an active relationship's owner, cadence or next
// review due.
func (s *RelationshipService) UpdateRelationship(ctx context.Context, teamID, id int64, ifVersion int, u custos.RelationshipUpdate) (*custos.Relationship, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.relationshipLocked(ctx, teamID, id)
		if err != nil {
			return err
		}
		ownerOK := true
		if u.OwnerID != nil {
			if ownerOK, err = tx.ownerInTeam(ctx, teamID, *u.OwnerID); err != nil {
				return err
			}
		}
		ev, err := custos.UpdateRelationship(r, ifVersion, u, ownerOK, tx.now)
		if err != nil {
			return err
		}
		a := ev.After
		if _, err := tx.ExecContext(ctx, `UPDATE custody_relationships SET owner_id = $2, review_months = $3,
			next_review_due = $4, version = $5, updated_at = $6 WHERE id = $1`,
			id, a.OwnerID, a.ReviewMonths, a.NextReviewDue, a.Version, a.UpdatedAt); err != nil {
			return err
		}
		return tx.record(ctx, teamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Relationship(ctx, teamID, id)
}

// EndRelationship ends an active relationship.
func (s *RelationshipService) EndRelationship(ctx context.Context, teamID, id int64, ifVersion int, endedOn, reason string) (*custos.Relationship, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.relationshipLocked(ctx, teamID, id)
		if err != nil {
			return err
		}
		ev, err := custos.EndRelationship(r, ifVersion, endedOn, reason, tx.now)
		if err != nil {
			return err
		}
		a := ev.After
		if _, err := tx.ExecContext(ctx, `UPDATE custody_relationships SET status = $2, ended_on = $3, end_reason = $4,
			version = $5, updated_at = $6 WHERE id = $1`, id, a.Status, a.EndedOn, a.EndReason, a.Version, a.UpdatedAt); err != nil {
			return err
		}
		return tx.record(ctx, teamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Relationship(ctx, teamID, id)
}

// StartRediligence opens the re-diligence of an active relationship: an
// evaluation of its one custodian, prefilled from the approved evaluation
// the relationship rests on (custos.OpenRediligence decides what is carried
// forward). It answers the new evaluation's ID.
func (s *RelationshipService) StartRediligence(ctx context.Context, teamID, id int64) (int64, error) {
	by := custos.ActorFrom(ctx).UserID
	var evalID int64
	err := s.db.inTx(ctx, func(tx *Tx) error {
		rel, err := tx.relationshipLocked(ctx, teamID, id)
		if err != nil {
			return err
		}
		in := custos.Rediligence{Relationship: rel}
		if err := tx.GetContext(ctx, &in.InProgress, `SELECT EXISTS (SELECT 1 FROM evaluations
			WHERE relationship_id = $1 AND status <> 'approved')`, id); err != nil {
			return err
		}
		if in.Last, err = s.evaluations.workspace(ctx, tx, rel.EvaluationID); err != nil {
			return err
		}
		ev, err := custos.OpenRediligence(in, by, tx.now)
		if err != nil {
			return err
		}
		h := ev.Header
		mandate, err := jsonValue(h.Mandate)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &evalID, `INSERT INTO evaluations (team_id, title, template_id, mandate, owner_id, due_date,
			relationship_id, follows_evaluation_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			h.TeamID, h.Title, h.TemplateID, string(mandate), h.OwnerID, h.DueDate, h.RelationshipID, h.FollowsEvaluationID, tx.now); err != nil {
			return err
		}
		ev.Header.ID = evalID
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_candidates (evaluation_id, custodian_id, added_at)
			VALUES ($1, $2, $3)`, evalID, ev.CustodianID, tx.now); err != nil {
			return err
		}
		for _, a := range ev.Carried {
			if _, err := tx.ExecContext(ctx, `INSERT INTO answers (evaluation_id, custodian_id, item_id, status, note, version,
				updated_by, updated_at, carried_forward) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)`,
				evalID, ev.CustodianID, a.ItemID, a.Status, a.Note, a.Version, a.UpdatedBy, a.UpdatedAt); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_links (evaluation_id, custodian_id, evidence_id)
			SELECT $1, $2, unnest($3::bigint[])`, evalID, ev.CustodianID, pq.Int64Array(ev.LinkedEvidence)); err != nil {
			return err
		}
		// The mandate-fit flags of the custodian as the catalogue has it now.
		tmpl, err := s.evaluations.template(ctx, tx, h.TemplateID)
		if err != nil {
			return err
		}
		flags, err := tx.applyMandateFit(ctx, evalID, tmpl, h.Mandate)
		if err != nil {
			return err
		}
		docFlags, err := tx.applyDocumentFlags(ctx, evalID, teamID, tmpl, nil)
		if err != nil {
			return err
		}
		return tx.record(ctx, teamID, append(append([]custos.Event{ev}, flags...), docFlags...)...)
	})
	return evalID, err
}

// reviewRelationship moves the relationship of an approved re-diligence on
// (custos.ReviewRelationship) and answers the event to record.
func (tx *Tx) reviewRelationship(ctx context.Context, teamID int64, e custos.Evaluation) (custos.Event, error) {
	rel, err := tx.relationshipLocked(ctx, teamID, *e.RelationshipID)
	if err != nil {
		return nil, err
	}
	ev, err := custos.ReviewRelationship(rel, e, tx.now)
	if err != nil {
		return nil, err
	}
	a := ev.After
	if _, err := tx.ExecContext(ctx, `UPDATE custody_relationships SET evaluation_id = $2, last_reviewed_on = $3,
		next_review_due = $4, version = $5, updated_at = $6 WHERE id = $1`,
		a.ID, a.EvaluationID, a.LastReviewed, a.NextReviewDue, a.Version, a.UpdatedAt); err != nil {
		return nil, err
	}
	return ev, nil
}
