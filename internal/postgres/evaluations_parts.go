package postgres

import (
	"context"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// --- the parts of an assessment ----------------------------------------------

// The statements of the changes an officer makes all day, each with the
// workspace's new version folded in (every change moves its ETag) and all
// hot (hot.go): with the locked header and the audit append, a change is
// three statements between BEGIN and COMMIT (evidence too).
const (
	answerPartColumns = `, a.status AS a_status, a.note AS a_note, a.version AS a_version, a.updated_by AS a_updated_by, a.updated_at AS a_updated_at`
	answerPartJoin    = `LEFT JOIN answers a ON a.evaluation_id = e.id AND a.custodian_id = $2 AND a.item_id = $3`
	scorePartColumns  = `, sc.score AS s_score, sc.rationale AS s_rationale, sc.updated_by AS s_updated_by, sc.updated_at AS s_updated_at`
	scorePartJoin     = `LEFT JOIN scores sc ON sc.evaluation_id = e.id AND sc.custodian_id = $2 AND sc.criterion = $3`
)

var (
	upsertAnswer = hot(`WITH touched AS (
			UPDATE evaluations SET version = version + 1, updated_at = $8 WHERE id = $1)
		INSERT INTO answers (evaluation_id, custodian_id, item_id, status, note, version, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (evaluation_id, custodian_id, item_id) DO UPDATE
			SET status = EXCLUDED.status, note = EXCLUDED.note, version = EXCLUDED.version,
				updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at, carried_forward = false,
				from_invitation_id = NULL, responded_at = NULL`)
	upsertScore = hot(`WITH touched AS (
			UPDATE evaluations SET version = version + 1, updated_at = $7 WHERE id = $1)
		INSERT INTO scores (evaluation_id, custodian_id, criterion, score, rationale, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (evaluation_id, custodian_id, criterion) DO UPDATE
			SET score = EXCLUDED.score, rationale = EXCLUDED.rationale, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`)
	insertRedFlag = hot(`WITH touched AS (
			UPDATE evaluations SET version = version + 1, updated_at = $8 WHERE id = $1)
		INSERT INTO red_flags (evaluation_id, custodian_id, definition_id, title, description,
			severity, raised_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ` + redFlagColumns)
	insertEvidence = hot(`WITH touched AS (
			UPDATE evaluations SET version = version + 1, updated_at = $10 WHERE id = $1)
		INSERT INTO evidence (evaluation_id, custodian_id, item_id, label, content_type,
			size, sha256, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING id`)
	selectRedFlag = hot(`SELECT ` + redFlagColumns + ` FROM red_flags WHERE id = $1 AND evaluation_id = $2`)
	updateRedFlag = hot(`WITH touched AS (
			UPDATE evaluations SET version = version + 1, updated_at = $4 WHERE id = $5)
		UPDATE red_flags SET status = $2, resolution = $3, updated_at = $4 WHERE id = $1 AND evaluation_id = $5`)
)

// partRow is a draft's header with whether the custodian ($2) is a candidate;
// a change's own row type embeds it and adds the part it changes.
type partRow struct {
	evaluationRow
	IsCandidate bool `db:"is_candidate"`
}

func (r *partRow) header() *partRow { return r }

// loadPart loads and locks the header for a change to one candidate's part
// into dest, with the template from the cache (or this transaction). extra
// and joins add what the change needs of the part itself; their arguments
// follow the custodian's ($3 onwards).
func (s *EvaluationService) loadPart(ctx context.Context, tx *Tx, dest interface{ header() *partRow }, id, custodianID int64,
	extra, joins string, args ...any) (custos.Evaluation, *custos.Template, custos.Part, error) {
	if err := tx.loadLocked(ctx, dest, id, isCandidateColumn+extra, joins, append([]any{custodianID}, args...)...); err != nil {
		return custos.Evaluation{}, nil, custos.Part{}, err
	}
	r := dest.header()
	e, err := r.evaluation()
	if err != nil {
		return e, nil, custos.Part{}, err
	}
	tmpl, err := s.template(ctx, tx, e.TemplateID)
	return e, tmpl, custos.Part{CustodianID: custodianID, IsCandidate: r.IsCandidate}, err
}

// PutAnswer records one answer. It loads the evaluation's header and that
// one answer, never the whole workspace. Two officers answering different
// items at once both succeed; ifVersion guards one answer against a stale
// overwrite.
func (s *EvaluationService) PutAnswer(ctx context.Context, id, custodianID, itemID int64, ifVersion *int, in custos.AnswerInput) (*custos.Answer, error) {
	var out custos.Answer
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r struct {
			partRow
			Status    *custos.AnswerStatus `db:"a_status"`
			Note      *string              `db:"a_note"`
			Version   *int                 `db:"a_version"`
			UpdatedBy *int64               `db:"a_updated_by"`
			UpdatedAt *time.Time           `db:"a_updated_at"`
		}
		e, tmpl, part, err := s.loadPart(ctx, tx, &r, id, custodianID, answerPartColumns, answerPartJoin, itemID)
		if err != nil {
			return err
		}
		current := custos.Answer{ItemID: itemID, Status: custos.AnswerPending}
		if r.Status != nil {
			current = custos.Answer{ItemID: itemID, Status: *r.Status, Note: *r.Note, Version: *r.Version,
				UpdatedBy: r.UpdatedBy, UpdatedAt: utc(r.UpdatedAt)}
		}
		ev, err := custos.RecordAnswer(e, tmpl, part, current, ifVersion, in, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		a := ev.After
		// The answer and the workspace's new version in one round trip: a
		// tick is the most frequent write.
		if _, err := tx.ExecContext(ctx, upsertAnswer,
			id, custodianID, itemID, a.Status, a.Note, a.Version, a.UpdatedBy, a.UpdatedAt); err != nil {
			return err
		}
		out = a
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AddEvidence stores a file against an answer with its SHA-256.
func (s *EvaluationService) AddEvidence(ctx context.Context, id, custodianID, itemID int64, ifVersion int, label string, content []byte) (*custos.Evidence, error) {
	if _, _, err := custos.CheckEvidence(label, content); err != nil {
		return nil, err
	}
	var out custos.Evidence
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r partRow
		e, tmpl, part, err := s.loadPart(ctx, tx, &r, id, custodianID, "", "")
		if err != nil {
			return err
		}
		ev, err := custos.AttachEvidence(e, tmpl, ifVersion, part, itemID, label, content, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		v := &ev.Evidence
		if err := tx.GetContext(ctx, &v.ID, insertEvidence, id, v.CustodianID, v.ItemID, v.Label, v.ContentType, v.Size,
			[]byte(v.SHA256), ev.Content, v.UploadedBy, v.UploadedAt); err != nil {
			return err
		}
		out = *v
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PutScore records a criterion's score for a candidate.
func (s *EvaluationService) PutScore(ctx context.Context, id, custodianID int64, criterion string, ifVersion int, in custos.ScoreInput) (*custos.Score, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out custos.Score
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r struct {
			partRow
			Score     *int       `db:"s_score"`
			Rationale *string    `db:"s_rationale"`
			UpdatedBy *int64     `db:"s_updated_by"`
			UpdatedAt *time.Time `db:"s_updated_at"`
		}
		e, tmpl, part, err := s.loadPart(ctx, tx, &r, id, custodianID, scorePartColumns, scorePartJoin, criterion)
		if err != nil {
			return err
		}
		var current *custos.Score
		if r.Score != nil {
			current = &custos.Score{Criterion: criterion, Score: *r.Score, Rationale: *r.Rationale, UpdatedBy: *r.UpdatedBy,
				UpdatedAt: r.UpdatedAt.UTC()}
		}
		ev, err := custos.RecordScore(e, tmpl, ifVersion, part, criterion, current, in, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		sc := ev.After
		if _, err := tx.ExecContext(ctx, upsertScore,
			id, custodianID, criterion, sc.Score, sc.Rationale, sc.UpdatedBy, sc.UpdatedAt); err != nil {
			return err
		}
		out = sc
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RaiseRedFlag raises a flag from the template's catalogue or a custom one.
func (s *EvaluationService) RaiseRedFlag(ctx context.Context, id, custodianID int64, ifVersion int, in custos.NewRedFlag) (*custos.RedFlag, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out custos.RedFlag
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r partRow
		e, tmpl, part, err := s.loadPart(ctx, tx, &r, id, custodianID, "", "")
		if err != nil {
			return err
		}
		ev, err := custos.RaiseRedFlag(e, tmpl, ifVersion, part, in, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		f := ev.Flag
		if err := tx.GetContext(ctx, &ev.Flag, insertRedFlag,
			id, f.CustodianID, f.DefinitionID, f.Title, f.Description, f.Severity, f.RaisedBy, tx.now); err != nil {
			return err
		}
		ev.Flag.CreatedAt, ev.Flag.UpdatedAt = ev.Flag.CreatedAt.UTC(), ev.Flag.UpdatedAt.UTC()
		out = ev.Flag
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// MoveRedFlag changes a flag's status: mitigated, accepted (justified), closed or open again.
func (s *EvaluationService) MoveRedFlag(ctx context.Context, id, flagID int64, ifVersion int, m custos.RedFlagMove) (*custos.RedFlag, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return s.changeRedFlag(ctx, id, flagID, func(e custos.Evaluation, flag *custos.RedFlag, at time.Time) (custos.Event, custos.RedFlag, error) {
		ev, err := custos.MoveRedFlag(e, ifVersion, flag, m, at)
		return ev, ev.After, err
	})
}

// changeRedFlag loads the locked evaluation and one of its flags (nil when
// it has no such flag, for the command to refuse), runs the command, and
// saves the flag's new status and resolution with its audit event.
func (s *EvaluationService) changeRedFlag(ctx context.Context, id, flagID int64,
	cmd func(e custos.Evaluation, flag *custos.RedFlag, at time.Time) (custos.Event, custos.RedFlag, error)) (*custos.RedFlag, error) {
	var out custos.RedFlag
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, id, "", ""); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		flag, err := getOptional[custos.RedFlag](ctx, tx, selectRedFlag, flagID, id)
		if err != nil {
			return err
		}
		if flag != nil {
			flag.CreatedAt, flag.UpdatedAt = flag.CreatedAt.UTC(), flag.UpdatedAt.UTC()
		}
		ev, after, err := cmd(e, flag, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, updateRedFlag, flagID, after.Status, after.Resolution, after.UpdatedAt, id); err != nil {
			return err
		}
		out = after
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PutShortlist replaces the shortlist.
func (s *EvaluationService) PutShortlist(ctx context.Context, id int64, ifVersion int, entries []custos.ShortlistEntry) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r evaluationRow
		if err := tx.loadLocked(ctx, &r, id, "", ""); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		var candidates []int64
		if err := tx.SelectContext(ctx, &candidates, `SELECT custodian_id FROM evaluation_candidates WHERE evaluation_id = $1`, id); err != nil {
			return err
		}
		var current []custos.ShortlistEntry
		if err := tx.SelectContext(ctx, &current, `SELECT custodian_id, rank, rationale, inversion_rationale FROM shortlist_entries
			WHERE evaluation_id = $1 ORDER BY rank`, id); err != nil {
			return err
		}
		ev, err := custos.SetShortlist(e, ifVersion, candidates, current, entries)
		if err != nil {
			return err
		}
		if err := tx.replaceShortlist(ctx, id, ev.After); err != nil {
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
