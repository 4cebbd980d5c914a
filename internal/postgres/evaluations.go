package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/custos-dd/custos/internal/custos"
)

// EvaluationService runs the evaluation workflow as a repository of the
// evaluation aggregate: each write loads, in one transaction, the header
// (locked) and the part a command needs, lets the command in internal/custos
// check every rule, saves the event it returns and records the audit event
// derived from it (auditmap.go). The store's files follow its sections:
// reading, editing, the parts of an assessment, and the workflow.
type EvaluationService struct {
	db *DB
	// Template versions never change (the database refuses it), so each is
	// read once per process.
	templates sync.Map // int64 → *custos.Template
	// An evaluation never changes team (the database refuses it), so the
	// team that authorizes a request about it is read once per process:
	// one round trip less on every request about an evaluation.
	teams sync.Map // int64 → int64
}

// NewEvaluationService returns the workflow service.
func NewEvaluationService(db *DB) *EvaluationService {
	return &EvaluationService{db: db}
}

const evaluationColumns = `e.id, e.team_id, e.title, e.template_id, e.mandate, e.owner_id, e.due_date, e.status,
	e.version, e.round, e.submitted_by, e.submitted_at, e.snapshot_hash, e.approved_at, e.created_at, e.updated_at,
	e.relationship_id, e.follows_evaluation_id,
	(SELECT name FROM users WHERE id = e.owner_id) AS owner_name,
	(SELECT name FROM users WHERE id = e.submitted_by) AS submitted_by_name,
	` + approvalsRequiredColumn

// approvalsRequiredColumn is the approvals a round needs: fixed when it was
// submitted, and the team's setting (what the next submission will fix)
// while the evaluation is a draft.
const approvalsRequiredColumn = `CASE WHEN e.status = 'draft' THEN t.approvals_required
	ELSE COALESCE(e.approvals_required, t.approvals_required) END AS approvals_required`

type evaluationRow struct {
	ID            int64          `db:"id"`
	TeamID        int64          `db:"team_id"`
	Title         string         `db:"title"`
	TemplateID    int64          `db:"template_id"`
	Mandate       []byte         `db:"mandate"`
	OwnerID       int64          `db:"owner_id"`
	OwnerName     string         `db:"owner_name"`
	SubmitterName sql.NullString `db:"submitted_by_name"`
	DueDate       sql.NullTime   `db:"due_date"`
	Status        string         `db:"status"`
	Version       int            `db:"version"`
	Round         int            `db:"round"`
	SubmittedBy   sql.NullInt64  `db:"submitted_by"`
	SubmittedAt   *time.Time     `db:"submitted_at"`
	SnapshotHash  []byte         `db:"snapshot_hash"`
	ApprovedAt    *time.Time     `db:"approved_at"`
	CreatedAt     time.Time      `db:"created_at"`
	UpdatedAt     time.Time      `db:"updated_at"`
	Candidates    int            `db:"candidates"`
	Relationship  sql.NullInt64  `db:"relationship_id"`
	Follows       sql.NullInt64  `db:"follows_evaluation_id"`
	Approvals     int            `db:"approvals_required"`
}

func (r *evaluationRow) evaluation() (custos.Evaluation, error) {
	e := custos.Evaluation{ID: r.ID, TeamID: r.TeamID, Title: r.Title, TemplateID: r.TemplateID, OwnerID: r.OwnerID, OwnerName: r.OwnerName,
		Status: custos.EvaluationStatus(r.Status), Version: r.Version, Round: r.Round, SubmittedAt: utc(r.SubmittedAt),
		ApprovedAt: utc(r.ApprovedAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if err := json.Unmarshal(r.Mandate, &e.Mandate); err != nil {
		return e, custos.Internal(err)
	}
	if e.Mandate.Regions == nil {
		e.Mandate.Regions = []string{}
	}
	if e.Mandate.Assets == nil {
		e.Mandate.Assets = []string{}
	}
	if r.DueDate.Valid {
		d := r.DueDate.Time.Format("2006-01-02")
		e.DueDate = &d
	}
	if r.SubmittedBy.Valid {
		e.SubmittedBy = &r.SubmittedBy.Int64
		e.SubmittedByName = &r.SubmitterName.String
	}
	if r.SnapshotHash != nil {
		e.SnapshotHash = r.SnapshotHash
	}
	if r.Relationship.Valid {
		e.RelationshipID = &r.Relationship.Int64
	}
	if r.Follows.Valid {
		e.FollowsEvaluationID = &r.Follows.Int64
	}
	return e, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// template returns a template version, from the process cache when it can,
// else through q: a caller holding a transaction passes it, so that no
// request ever waits for a second pooled connection while it holds one.
func (s *EvaluationService) template(ctx context.Context, q sqlx.QueryerContext, id int64) (*custos.Template, error) {
	if t, ok := s.templates.Load(id); ok {
		return t.(*custos.Template), nil
	}
	t, err := findTemplate(ctx, q, id)
	if err != nil {
		return nil, err
	}
	s.templates.Store(id, t)
	return t, nil
}

// loadLocked reads an evaluation's header into dest, a struct that embeds
// evaluationRow, and locks its row for the rest of the transaction. extra
// adds columns about the part a command changes and joins what they need;
// its arguments are $2 onwards.
func (tx *Tx) loadLocked(ctx context.Context, dest any, id int64, extra, joins string, args ...any) error {
	err := tx.GetContext(ctx, dest, lockedHeader(extra, joins), append([]any{id}, args...)...)
	return orNotFound(err, "evaluation")
}

// lockedHeader is loadLocked's statement; the changes that run most often
// mark theirs hot.
func lockedHeader(extra, joins string) string {
	return `SELECT ` + evaluationColumns + extra + `
		FROM evaluations e JOIN teams t ON t.id = e.team_id ` + joins + `
		WHERE e.id = $1 FOR UPDATE OF e`
}

// The locked headers of the changes an officer makes all day: a flag's
// move, and a change to a candidate's part (evidence, a flag) alone or with
// its answer or score.
var (
	_ = hot(lockedHeader("", ""))
	_ = hot(lockedHeader(isCandidateColumn, ""))
	_ = hot(lockedHeader(isCandidateColumn+answerPartColumns, answerPartJoin))
	_ = hot(lockedHeader(isCandidateColumn+scorePartColumns, scorePartJoin))
)

// isCandidateColumn says whether the custodian $2 is a candidate.
const isCandidateColumn = `, EXISTS (SELECT 1 FROM evaluation_candidates
	WHERE evaluation_id = e.id AND custodian_id = $2) AS is_candidate`

var touchEvaluation = hot(`UPDATE evaluations SET version = version + 1, updated_at = $2 WHERE id = $1`)

// touch moves the workspace version on: every change to an evaluation or
// its parts changes the workspace's ETag.
func (tx *Tx) touch(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, touchEvaluation, id, tx.now)
	return err
}

// candidateSummary is a candidate's catalogue facts as JSON: frozen at
// submission, live from the catalogue while the evaluation is a draft.
const candidateSummary = `COALESCE(ec.frozen, jsonb_build_object('id', c.id, 'slug', c.slug, 'name', c.name,
	'qualified_custodian', c.qualified_custodian, 'regions', to_jsonb(c.regions), 'staking', c.staking))::text`

const redFlagColumns = `id, custodian_id, definition_id, title, description, severity, status, resolution,
	mandate_rule, reason, document_item_id, raised_by, created_at, updated_at`

const evidenceColumns = `id, custodian_id, item_id, label, content_type, size, sha256, uploaded_by, uploaded_at`
