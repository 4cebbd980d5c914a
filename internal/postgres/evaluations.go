package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
)

// EvaluationService runs the evaluation workflow.
type EvaluationService struct {
	db        *DB
	catalogue *CatalogueService
	// Template versions never change (the database refuses it), so each is
	// read once per process.
	templates sync.Map // int64 → *custos.Template
}

// NewEvaluationService returns the workflow service.
func NewEvaluationService(db *DB) *EvaluationService {
	return &EvaluationService{db: db, catalogue: NewCatalogueService(db)}
}

const evaluationColumns = `e.id, e.team_id, e.title, e.template_id, e.mandate, e.owner_id, e.due_date, e.status,
	e.version, e.round, e.submitted_by, e.submitted_at, e.snapshot_hash, e.approved_at, e.created_at, e.updated_at,
	(SELECT name FROM users WHERE id = e.owner_id) AS owner_name,
	(SELECT name FROM users WHERE id = e.submitted_by) AS submitted_by_name`

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
	return e, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func evalID(id int64) string { return strconv.FormatInt(id, 10) }

// template returns a template version, from the process cache when it can.
func (s *EvaluationService) template(ctx context.Context, id int64) (*custos.Template, error) {
	if t, ok := s.templates.Load(id); ok {
		return t.(*custos.Template), nil
	}
	t, err := s.catalogue.FindTemplate(ctx, id)
	if err != nil {
		return nil, err
	}
	s.templates.Store(id, t)
	return t, nil
}

// lockEvaluation locks an evaluation's row for the rest of the transaction.
// A draft is required for every change but a decision; ifVersion, when not
// 0, must be the current version.
func (tx *Tx) lockEvaluation(ctx context.Context, id int64, ifVersion int, wantStatus custos.EvaluationStatus) (*evaluationRow, error) {
	var r evaluationRow
	err := tx.GetContext(ctx, &r, `SELECT `+evaluationColumns+`, t.approvals_required, 0 AS candidates
		FROM evaluations e JOIN teams t ON t.id = e.team_id WHERE e.id = $1 FOR UPDATE OF e`, id)
	if err != nil {
		return nil, orNotFound(err, "evaluation")
	}
	if custos.EvaluationStatus(r.Status) != wantStatus {
		if wantStatus == custos.StatusDraft {
			return nil, custos.Errorf(custos.ECONFLICT, "the evaluation is %s: it cannot change any more", r.Status)
		}
		return nil, custos.Errorf(custos.ECONFLICT, "the evaluation is %s, not %s", r.Status, wantStatus)
	}
	if ifVersion != 0 && ifVersion != r.Version {
		return nil, custos.Stale("the evaluation")
	}
	return &r, nil
}

// touch moves the workspace version on: every change to an evaluation or
// its parts changes the workspace's ETag.
func (tx *Tx) touch(ctx context.Context, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE evaluations SET version = version + 1, updated_at = $2 WHERE id = $1`, id, tx.now)
	return err
}

func (tx *Tx) requireCandidate(ctx context.Context, id, custodianID int64) error {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM evaluation_candidates
		WHERE evaluation_id = $1 AND custodian_id = $2)`, id, custodianID); err != nil {
		return err
	}
	if !ok {
		return custos.Errorf(custos.ENOTFOUND, "custodian %d is not a candidate of this evaluation", custodianID)
	}
	return nil
}

// --- reading ----------------------------------------------------------------

// EvaluationTeam returns the team an evaluation belongs to.
func (s *EvaluationService) EvaluationTeam(ctx context.Context, id int64) (int64, error) {
	var team int64
	if err := s.db.db.GetContext(ctx, &team, `SELECT team_id FROM evaluations WHERE id = $1`, id); err != nil {
		return 0, mapErr(orNotFound(err, "evaluation"))
	}
	return team, nil
}

// ListEvaluations returns a team's evaluations, newest first.
func (s *EvaluationService) ListEvaluations(ctx context.Context, f custos.EvaluationFilter) (*custos.EvaluationPage, error) {
	if f.Limit < 0 || f.Limit > 100 {
		return nil, custos.Invalid("limit", "must be between 1 and 100")
	}
	if f.Limit == 0 {
		f.Limit = 25
	}
	switch f.Status {
	case "", custos.StatusDraft, custos.StatusSubmitted, custos.StatusApproved:
	default:
		return nil, custos.Invalid("status", "must be draft, submitted or approved")
	}
	before := f.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	var rows []evaluationRow
	err := s.db.db.SelectContext(ctx, &rows, `SELECT `+evaluationColumns+`, t.approvals_required,
		(SELECT count(*) FROM evaluation_candidates c WHERE c.evaluation_id = e.id) AS candidates
		FROM evaluations e JOIN teams t ON t.id = e.team_id
		WHERE e.team_id = $1 AND ($2 = '' OR e.status = $2) AND e.id < $3
		ORDER BY e.id DESC LIMIT $4`, f.TeamID, string(f.Status), before, f.Limit+1)
	if err != nil {
		return nil, mapErr(err)
	}
	page := &custos.EvaluationPage{Items: []custos.EvaluationSummary{}}
	for i := range rows {
		if i == f.Limit {
			next := rows[i-1].ID
			page.NextBefore = &next
			break
		}
		e, err := rows[i].evaluation()
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, custos.EvaluationSummary{Evaluation: e, Candidates: rows[i].Candidates})
	}
	return page, nil
}

// Workspace reads the whole evaluation in one consistent snapshot, with a
// fixed number of queries whatever the number of candidates and items.
func (s *EvaluationService) Workspace(ctx context.Context, id int64) (*custos.Workspace, error) {
	tx, err := s.db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, mapErr(err)
	}
	defer tx.Rollback()
	ws, err := s.workspace(ctx, tx, id)
	return ws, mapErr(err)
}

func (s *EvaluationService) workspace(ctx context.Context, q sqlx.QueryerContext, id int64) (*custos.Workspace, error) {
	var r evaluationRow
	if err := sqlx.GetContext(ctx, q, &r, `SELECT `+evaluationColumns+`, t.approvals_required, 0 AS candidates
		FROM evaluations e JOIN teams t ON t.id = e.team_id WHERE e.id = $1`, id); err != nil {
		return nil, orNotFound(err, "evaluation")
	}
	e, err := r.evaluation()
	if err != nil {
		return nil, err
	}
	tmpl, err := s.template(ctx, e.TemplateID)
	if err != nil {
		return nil, err
	}
	parts := custos.WorkspaceParts{Evaluation: e, Template: tmpl, ApprovalsRequired: r.Approvals,
		Answers: map[int64][]custos.Answer{}, Scores: map[int64][]custos.Score{},
		RedFlags: map[int64][]custos.RedFlag{}, Evidence: map[int64][]custos.Evidence{}}

	var cands []string
	if err := sqlx.SelectContext(ctx, q, &cands, `SELECT `+candidateSummary+`
		FROM evaluation_candidates ec JOIN custodians c ON c.id = ec.custodian_id
		WHERE ec.evaluation_id = $1 ORDER BY 1`, id); err != nil {
		return nil, err
	}
	for _, raw := range cands {
		var c custos.CandidateSummary
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, custos.Internal(err)
		}
		parts.Candidates = append(parts.Candidates, c)
	}
	sort.SliceStable(parts.Candidates, func(i, j int) bool {
		a, b := parts.Candidates[i], parts.Candidates[j]
		return a.Name < b.Name || a.Name == b.Name && a.ID < b.ID
	})

	var answers []struct {
		CustodianID int64 `db:"custodian_id"`
		custos.Answer
	}
	if err := sqlx.SelectContext(ctx, q, &answers, `SELECT custodian_id, item_id, status, note, version, updated_by, updated_at
		FROM answers WHERE evaluation_id = $1`, id); err != nil {
		return nil, err
	}
	for _, a := range answers {
		a.Answer.UpdatedAt = utc(a.Answer.UpdatedAt)
		parts.Answers[a.CustodianID] = append(parts.Answers[a.CustodianID], a.Answer)
	}

	var scores []struct {
		CustodianID int64 `db:"custodian_id"`
		custos.Score
	}
	if err := sqlx.SelectContext(ctx, q, &scores, `SELECT custodian_id, criterion, score, rationale, updated_by, updated_at
		FROM scores WHERE evaluation_id = $1 ORDER BY criterion`, id); err != nil {
		return nil, err
	}
	for _, sc := range scores {
		sc.Score.UpdatedAt = sc.Score.UpdatedAt.UTC()
		parts.Scores[sc.CustodianID] = append(parts.Scores[sc.CustodianID], sc.Score)
	}

	var flags []custos.RedFlag
	if err := sqlx.SelectContext(ctx, q, &flags, `SELECT `+redFlagColumns+` FROM red_flags
		WHERE evaluation_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	for _, f := range flags {
		f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
		parts.RedFlags[f.CustodianID] = append(parts.RedFlags[f.CustodianID], f)
	}

	var evidence []custos.Evidence
	if err := sqlx.SelectContext(ctx, q, &evidence, `SELECT `+evidenceColumns+` FROM evidence
		WHERE evaluation_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	for _, ev := range evidence {
		ev.UploadedAt = ev.UploadedAt.UTC()
		parts.Evidence[ev.CustodianID] = append(parts.Evidence[ev.CustodianID], ev)
	}

	if err := sqlx.SelectContext(ctx, q, &parts.Shortlist, `SELECT custodian_id, rank, rationale FROM shortlist_entries
		WHERE evaluation_id = $1 ORDER BY rank`, id); err != nil {
		return nil, err
	}
	if err := sqlx.SelectContext(ctx, q, &parts.Approvals, `SELECT id, round, manager_id, manager_name,
		decision, comment, snapshot_hash, created_at
		FROM approvals WHERE evaluation_id = $1 ORDER BY id`, id); err != nil {
		return nil, err
	}
	for i := range parts.Approvals {
		parts.Approvals[i].CreatedAt = parts.Approvals[i].CreatedAt.UTC()
	}
	return custos.Assemble(parts), nil
}

// candidateSummary is a candidate's catalogue facts as JSON: frozen at
// submission, live from the catalogue while the evaluation is a draft.
const candidateSummary = `COALESCE(ec.frozen, jsonb_build_object('id', c.id, 'slug', c.slug, 'name', c.name,
	'qualified_custodian', c.qualified_custodian, 'regions', to_jsonb(c.regions), 'staking', c.staking))::text`

const redFlagColumns = `id, custodian_id, definition_id, title, description, severity, status, resolution,
	mandate_rule, reason, raised_by, created_at, updated_at`

const evidenceColumns = `id, custodian_id, item_id, label, content_type, size, sha256, uploaded_by, uploaded_at`

// --- opening and editing ------------------------------------------------------

// CreateEvaluation opens an evaluation owned by the signed-in officer and
// raises the mandate-fit red flags of its candidates.
func (s *EvaluationService) CreateEvaluation(ctx context.Context, n custos.NewEvaluation) (*custos.Workspace, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	tmpl, err := s.template(ctx, n.TemplateID)
	if custos.ErrorCode(err) == custos.ENOTFOUND {
		return nil, custos.Invalid("template_id", "no such template")
	} else if err != nil {
		return nil, err
	}
	if tmpl.TotalWeight() != 100 {
		return nil, custos.Invalid("template_id", "the template's weights do not sum to 100")
	}
	mandate, _ := json.Marshal(n.Mandate)
	var id int64
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var found int
		if err := tx.GetContext(ctx, &found, `SELECT count(*) FROM custodians WHERE id = ANY($1)`, pq.Int64Array(n.CustodianIDs)); err != nil {
			return err
		}
		if found != len(n.CustodianIDs) {
			return custos.Invalid("custodian_ids", "names a custodian that is not in the catalogue")
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO evaluations (team_id, title, template_id, mandate, owner_id, due_date,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			n.TeamID, n.Title, n.TemplateID, string(mandate), custos.ActorFrom(ctx).UserID, n.DueDate, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_candidates (evaluation_id, custodian_id, added_at)
			SELECT $1, unnest($2::bigint[]), $3`, id, pq.Int64Array(n.CustodianIDs), tx.now); err != nil {
			return err
		}
		if err := tx.audit(ctx, custos.NewAuditEvent{TeamID: teamID(n.TeamID), Action: "evaluation.create",
			ObjectType: "evaluation", ObjectID: evalID(id), After: map[string]any{
				"title": n.Title, "template_id": n.TemplateID, "mandate": n.Mandate, "custodian_ids": n.CustodianIDs, "due_date": n.DueDate}}); err != nil {
			return err
		}
		return tx.applyMandateFit(ctx, id, n.TeamID, n.Mandate)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// autoClosed marks a mandate flag that mandate fit closed by itself, so that
// it can reopen it if the mandate comes back.
const autoClosed = "No longer applies: the mandate or the candidates changed."

// applyMandateFit raises the mandate-fit flags every candidate should have
// and closes the automatic ones that no longer apply.
func (tx *Tx) applyMandateFit(ctx context.Context, id, teamID int64, m custos.Mandate) error {
	var cands []struct {
		custos.CandidateSummary
		Regions pq.StringArray `db:"regions"`
	}
	if err := tx.SelectContext(ctx, &cands, `SELECT c.id, c.slug, c.name, c.qualified_custodian, c.regions, c.staking
		FROM evaluation_candidates ec JOIN custodians c ON c.id = ec.custodian_id WHERE ec.evaluation_id = $1`, id); err != nil {
		return err
	}
	var defs []struct {
		ID          int64  `db:"id"`
		Rule        string `db:"mandate_rule"`
		Title       string `db:"title"`
		Description string `db:"description"`
	}
	if err := tx.SelectContext(ctx, &defs, `SELECT d.id, d.mandate_rule, d.title, d.description
		FROM template_red_flags d JOIN evaluations e ON e.template_id = d.template_id
		WHERE e.id = $1 AND d.mandate_rule IS NOT NULL`, id); err != nil {
		return err
	}
	type key struct {
		custodian int64
		rule      string
		reason    string
	}
	want := map[key]bool{}
	for _, c := range cands {
		c.CandidateSummary.Regions = []string(c.Regions)
		for _, f := range custos.MandateFit(m, c.CandidateSummary) {
			want[key{c.ID, f.Rule, f.Reason}] = true
			var defID *int64
			title, desc := "Mandate fit: "+f.Rule, ""
			for _, d := range defs {
				if d.Rule == f.Rule {
					defID, title, desc = &d.ID, d.Title, d.Description
				}
			}
			var flag custos.RedFlag
			err := tx.GetContext(ctx, &flag, `INSERT INTO red_flags (evaluation_id, custodian_id, definition_id, title, description,
					severity, mandate_rule, reason, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
				ON CONFLICT (evaluation_id, custodian_id, mandate_rule, reason) WHERE mandate_rule IS NOT NULL
				DO UPDATE SET status = 'open', resolution = '', updated_at = EXCLUDED.updated_at
					WHERE red_flags.status = 'closed' AND red_flags.resolution = $10
				RETURNING `+redFlagColumns,
				id, c.ID, defID, title, desc, f.Severity, f.Rule, f.Reason, tx.now, autoClosed)
			if err == sql.ErrNoRows {
				continue // already raised and still standing
			} else if err != nil {
				return err
			}
			if err := tx.audit(ctx, custos.NewAuditEvent{TeamID: &teamID, Action: "red_flag.raise", ObjectType: "red_flag",
				ObjectID: strconv.FormatInt(flag.ID, 10), After: flagAudit(flag, id)}); err != nil {
				return err
			}
		}
	}
	var standing []custos.RedFlag
	if err := tx.SelectContext(ctx, &standing, `SELECT `+redFlagColumns+` FROM red_flags
		WHERE evaluation_id = $1 AND mandate_rule IS NOT NULL AND status = 'open'`, id); err != nil {
		return err
	}
	for _, f := range standing {
		if want[key{f.CustodianID, *f.MandateRule, f.Reason}] {
			continue
		}
		var after custos.RedFlag
		if err := tx.GetContext(ctx, &after, `UPDATE red_flags SET status = 'closed', resolution = $2, updated_at = $3
			WHERE id = $1 RETURNING `+redFlagColumns, f.ID, autoClosed, tx.now); err != nil {
			return err
		}
		if err := tx.audit(ctx, custos.NewAuditEvent{TeamID: &teamID, Action: "red_flag.update", ObjectType: "red_flag",
			ObjectID: strconv.FormatInt(f.ID, 10), Before: flagAudit(f, id), After: flagAudit(after, id)}); err != nil {
			return err
		}
	}
	return nil
}

func flagAudit(f custos.RedFlag, evaluationID int64) map[string]any {
	return map[string]any{"evaluation_id": evaluationID, "custodian_id": f.CustodianID, "title": f.Title, "severity": f.Severity,
		"status": f.Status, "resolution": f.Resolution, "mandate_rule": f.MandateRule, "reason": f.Reason}
}

// UpdateEvaluation edits a draft's title, mandate or due date.
func (s *EvaluationService) UpdateEvaluation(ctx context.Context, id int64, ifVersion int, u custos.EvaluationUpdate) (*custos.Workspace, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.lockEvaluation(ctx, id, ifVersion, custos.StatusDraft)
		if err != nil {
			return err
		}
		before, err := r.evaluation()
		if err != nil {
			return err
		}
		after := before
		if u.Title != nil {
			after.Title = *u.Title
		}
		if u.Mandate != nil {
			after.Mandate = *u.Mandate
		}
		if u.DueDate != nil {
			after.DueDate = u.DueDate
		} else if u.ClearDueDate {
			after.DueDate = nil
		}
		mandate, _ := json.Marshal(after.Mandate)
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET title = $2, mandate = $3, due_date = $4 WHERE id = $1`,
			id, after.Title, string(mandate), after.DueDate); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		if err := tx.audit(ctx, custos.NewAuditEvent{TeamID: &r.TeamID, Action: "evaluation.update", ObjectType: "evaluation",
			ObjectID: evalID(id),
			Before:   map[string]any{"title": before.Title, "mandate": before.Mandate, "due_date": before.DueDate},
			After:    map[string]any{"title": after.Title, "mandate": after.Mandate, "due_date": after.DueDate}}); err != nil {
			return err
		}
		if u.Mandate != nil {
			return tx.applyMandateFit(ctx, id, r.TeamID, after.Mandate)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// AddCandidate puts a catalogue custodian on a draft.
func (s *EvaluationService) AddCandidate(ctx context.Context, id, custodianID int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.lockEvaluation(ctx, id, ifVersion, custos.StatusDraft)
		if err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM evaluation_candidates WHERE evaluation_id = $1`, id); err != nil {
			return err
		}
		if n >= custos.MaxCandidates {
			return custos.Invalid("custodian_id", "an evaluation has at most 20 candidates")
		}
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM custodians WHERE id = $1)`, custodianID); err != nil {
			return err
		}
		if !exists {
			return custos.Invalid("custodian_id", "no such custodian in the catalogue")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO evaluation_candidates (evaluation_id, custodian_id, added_at)
			VALUES ($1, $2, $3)`, id, custodianID, tx.now); err != nil {
			if custos.ErrorCode(mapErr(err)) == custos.ECONFLICT {
				return custos.Errorf(custos.ECONFLICT, "custodian %d is already a candidate", custodianID)
			}
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		if err := tx.audit(ctx, custos.NewAuditEvent{TeamID: &r.TeamID, Action: "evaluation.add_candidate", ObjectType: "evaluation",
			ObjectID: evalID(id), After: map[string]any{"custodian_id": custodianID}}); err != nil {
			return err
		}
		e, err := r.evaluation()
		if err != nil {
			return err
		}
		return tx.applyMandateFit(ctx, id, r.TeamID, e.Mandate)
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// RemoveCandidate takes a custodian off a draft with everything about it.
func (s *EvaluationService) RemoveCandidate(ctx context.Context, id, custodianID int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.lockEvaluation(ctx, id, ifVersion, custos.StatusDraft)
		if err != nil {
			return err
		}
		if err := tx.requireCandidate(ctx, id, custodianID); err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM evaluation_candidates WHERE evaluation_id = $1`, id); err != nil {
			return err
		}
		if n <= custos.MinCandidates {
			return custos.Errorf(custos.ECONFLICT, "an evaluation keeps at least 2 candidates")
		}
		// The candidate's answers, scores, flags and evidence go with it: the
		// audit event records what was removed.
		var removed string
		if err := tx.GetContext(ctx, &removed, `SELECT jsonb_build_object(
				'answers', (SELECT count(*) FROM answers WHERE evaluation_id = $1 AND custodian_id = $2),
				'scores', (SELECT COALESCE(jsonb_object_agg(criterion, score), '{}') FROM scores WHERE evaluation_id = $1 AND custodian_id = $2),
				'red_flags', (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', id, 'title', title, 'status', status)), '[]')
					FROM red_flags WHERE evaluation_id = $1 AND custodian_id = $2),
				'evidence', (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', id, 'label', label, 'sha256', encode(sha256, 'hex'))), '[]')
					FROM evidence WHERE evaluation_id = $1 AND custodian_id = $2))::text`, id, custodianID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evaluation_candidates WHERE evaluation_id = $1 AND custodian_id = $2`,
			id, custodianID); err != nil {
			return err
		}
		// The candidate's shortlist entry went with it: close the gap in the ranks.
		var rest []custos.ShortlistEntry
		if err := tx.SelectContext(ctx, &rest, `SELECT custodian_id, rank, rationale FROM shortlist_entries
			WHERE evaluation_id = $1 ORDER BY rank`, id); err != nil {
			return err
		}
		if err := tx.replaceShortlist(ctx, id, rest); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		return tx.audit(ctx, custos.NewAuditEvent{TeamID: &r.TeamID, Action: "evaluation.remove_candidate", ObjectType: "evaluation",
			ObjectID: evalID(id), Before: map[string]any{"custodian_id": custodianID, "removed": json.RawMessage(removed)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// --- the parts of an assessment ----------------------------------------------

// noEvent goes with an error from a change to a draft.
var noEvent custos.NewAuditEvent

// changeDraft runs one change to a draft evaluation's parts in one
// transaction: it locks the evaluation (a draft, at ifVersion when not 0),
// checks that custodianID is a candidate when it is not 0, lets change
// write, moves the workspace version on and records the audit event change
// returns, in the evaluation's team.
func (s *EvaluationService) changeDraft(ctx context.Context, id int64, ifVersion int, custodianID int64,
	change func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error)) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.lockEvaluation(ctx, id, ifVersion, custos.StatusDraft)
		if err != nil {
			return err
		}
		if custodianID != 0 {
			if err := tx.requireCandidate(ctx, id, custodianID); err != nil {
				return err
			}
		}
		ev, err := change(tx, r)
		if err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		ev.TeamID = &r.TeamID
		return tx.audit(ctx, ev)
	})
}

func (tx *Tx) requireItem(ctx context.Context, templateID, itemID int64) (evidenceRequired bool, err error) {
	err = tx.GetContext(ctx, &evidenceRequired, `SELECT evidence_required FROM template_items WHERE id = $1 AND template_id = $2`,
		itemID, templateID)
	if err == sql.ErrNoRows {
		return false, custos.Errorf(custos.ENOTFOUND, "checklist item %d is not in this evaluation's template", itemID)
	}
	return evidenceRequired, err
}

// PutAnswer records one answer. Two officers answering different items at
// once both succeed; ifVersion guards one answer against a stale overwrite.
func (s *EvaluationService) PutAnswer(ctx context.Context, id, custodianID, itemID int64, ifVersion *int, in custos.AnswerInput) (*custos.Answer, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out custos.Answer
	err := s.changeDraft(ctx, id, 0, custodianID, func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error) {
		if _, err := tx.requireItem(ctx, r.TemplateID, itemID); err != nil {
			return noEvent, err
		}
		before := custos.Answer{ItemID: itemID, Status: custos.AnswerPending}
		err := tx.GetContext(ctx, &before, `SELECT item_id, status, note, version, updated_by, updated_at FROM answers
			WHERE evaluation_id = $1 AND custodian_id = $2 AND item_id = $3`, id, custodianID, itemID)
		if err != nil && err != sql.ErrNoRows {
			return noEvent, err
		}
		if ifVersion != nil && *ifVersion != before.Version {
			return noEvent, custos.Stale("the answer")
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO answers (evaluation_id, custodian_id, item_id, status, note, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (evaluation_id, custodian_id, item_id) DO UPDATE
				SET status = EXCLUDED.status, note = EXCLUDED.note, version = answers.version + 1,
					updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
			RETURNING item_id, status, note, version, updated_by, updated_at`,
			id, custodianID, itemID, in.Status, in.Note, custos.ActorFrom(ctx).UserID, tx.now); err != nil {
			return noEvent, err
		}
		out.UpdatedAt = utc(out.UpdatedAt)
		return custos.NewAuditEvent{Action: "answer.put", ObjectType: "answer",
			ObjectID: fmt.Sprintf("%d/%d/%d", id, custodianID, itemID),
			Before:   map[string]any{"status": before.Status, "note": before.Note},
			After:    map[string]any{"status": out.Status, "note": out.Note}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Answer returns one stored answer (pending when none is stored).
func (s *EvaluationService) Answer(ctx context.Context, id, custodianID, itemID int64) (*custos.Answer, error) {
	a := custos.Answer{ItemID: itemID, Status: custos.AnswerPending}
	err := s.db.db.GetContext(ctx, &a, `SELECT item_id, status, note, version, updated_by, updated_at FROM answers
		WHERE evaluation_id = $1 AND custodian_id = $2 AND item_id = $3`, id, custodianID, itemID)
	if err != nil && err != sql.ErrNoRows {
		return nil, mapErr(err)
	}
	a.UpdatedAt = utc(a.UpdatedAt)
	return &a, nil
}

// AddEvidence stores a file against an answer with its SHA-256.
func (s *EvaluationService) AddEvidence(ctx context.Context, id, custodianID, itemID int64, ifVersion int, label string, content []byte) (*custos.Evidence, error) {
	label, ctype, err := custos.CheckEvidence(label, content)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	var out custos.Evidence
	err = s.changeDraft(ctx, id, ifVersion, custodianID, func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error) {
		if _, err := tx.requireItem(ctx, r.TemplateID, itemID); err != nil {
			return noEvent, err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO evidence (evaluation_id, custodian_id, item_id, label, content_type,
			size, sha256, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			RETURNING `+evidenceColumns, id, custodianID, itemID, label, ctype, len(content), sum[:], content,
			custos.ActorFrom(ctx).UserID, tx.now); err != nil {
			return noEvent, err
		}
		out.UploadedAt = out.UploadedAt.UTC()
		return custos.NewAuditEvent{Action: "evidence.add", ObjectType: "evidence",
			ObjectID: strconv.FormatInt(out.ID, 10), After: map[string]any{"evaluation_id": id, "custodian_id": custodianID,
				"item_id": itemID, "label": label, "content_type": ctype, "size": len(content), "sha256": fmt.Sprintf("%x", sum)}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// EvidenceFile returns an evidence file with its bytes.
func (s *EvaluationService) EvidenceFile(ctx context.Context, id, evidenceID int64) (*custos.EvidenceFile, error) {
	var f custos.EvidenceFile
	err := s.db.db.GetContext(ctx, &f, `SELECT `+evidenceColumns+`, content FROM evidence WHERE id = $1 AND evaluation_id = $2`,
		evidenceID, id)
	if err != nil {
		return nil, mapErr(orNotFound(err, "evidence"))
	}
	f.UploadedAt = f.UploadedAt.UTC()
	return &f, nil
}

// PutScore records a criterion's score for a candidate.
func (s *EvaluationService) PutScore(ctx context.Context, id, custodianID int64, criterion string, ifVersion int, in custos.ScoreInput) (*custos.Score, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out custos.Score
	err := s.changeDraft(ctx, id, ifVersion, custodianID, func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error) {
		var known bool
		if err := tx.GetContext(ctx, &known, `SELECT EXISTS (SELECT 1 FROM template_criteria WHERE template_id = $1 AND key = $2)`,
			r.TemplateID, criterion); err != nil {
			return noEvent, err
		}
		if !known {
			return noEvent, custos.Errorf(custos.ENOTFOUND, "criterion %q is not in this evaluation's template", criterion)
		}
		var before *custos.Score
		var old custos.Score
		if err := tx.GetContext(ctx, &old, `SELECT criterion, score, rationale, updated_by, updated_at FROM scores
			WHERE evaluation_id = $1 AND custodian_id = $2 AND criterion = $3`, id, custodianID, criterion); err == nil {
			before = &old
		} else if err != sql.ErrNoRows {
			return noEvent, err
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO scores (evaluation_id, custodian_id, criterion, score, rationale, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (evaluation_id, custodian_id, criterion) DO UPDATE
				SET score = EXCLUDED.score, rationale = EXCLUDED.rationale, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
			RETURNING criterion, score, rationale, updated_by, updated_at`,
			id, custodianID, criterion, in.Score, in.Rationale, custos.ActorFrom(ctx).UserID, tx.now); err != nil {
			return noEvent, err
		}
		out.UpdatedAt = out.UpdatedAt.UTC()
		ev := custos.NewAuditEvent{Action: "score.put", ObjectType: "score",
			ObjectID: fmt.Sprintf("%d/%d/%s", id, custodianID, criterion),
			After:    map[string]any{"score": out.Score, "rationale": out.Rationale}}
		if before != nil {
			ev.Before = map[string]any{"score": before.Score, "rationale": before.Rationale}
		}
		return ev, nil
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
	err := s.changeDraft(ctx, id, ifVersion, custodianID, func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error) {
		if in.DefinitionID != nil {
			var def custos.RedFlagDefinition
			err := tx.GetContext(ctx, &def, `SELECT id, key, title, description, default_severity, origin, mandate_rule
				FROM template_red_flags WHERE id = $1 AND template_id = $2`, *in.DefinitionID, r.TemplateID)
			if err == sql.ErrNoRows {
				return noEvent, custos.Invalid("definition_id", "is not in this evaluation's red-flag catalogue")
			} else if err != nil {
				return noEvent, err
			}
			if in.Title == "" {
				in.Title = def.Title
			}
			if in.Description == "" {
				in.Description = def.Description
			}
			if in.Severity == "" {
				in.Severity = def.DefaultSeverity
			}
		}
		if err := tx.GetContext(ctx, &out, `INSERT INTO red_flags (evaluation_id, custodian_id, definition_id, title, description,
			severity, raised_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING `+redFlagColumns,
			id, custodianID, in.DefinitionID, in.Title, in.Description, in.Severity, custos.ActorFrom(ctx).UserID, tx.now); err != nil {
			return noEvent, err
		}
		out.CreatedAt, out.UpdatedAt = out.CreatedAt.UTC(), out.UpdatedAt.UTC()
		return custos.NewAuditEvent{Action: "red_flag.raise", ObjectType: "red_flag",
			ObjectID: strconv.FormatInt(out.ID, 10), After: flagAudit(out, id)}, nil
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
	var out custos.RedFlag
	err := s.changeDraft(ctx, id, ifVersion, 0, func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error) {
		var before custos.RedFlag
		if err := tx.GetContext(ctx, &before, `SELECT `+redFlagColumns+` FROM red_flags WHERE id = $1 AND evaluation_id = $2 FOR UPDATE`,
			flagID, id); err != nil {
			return noEvent, orNotFound(err, "red flag")
		}
		if err := tx.GetContext(ctx, &out, `UPDATE red_flags SET status = $2, resolution = $3, updated_at = $4
			WHERE id = $1 RETURNING `+redFlagColumns, flagID, m.Status, m.Resolution, tx.now); err != nil {
			return noEvent, err
		}
		out.CreatedAt, out.UpdatedAt = out.CreatedAt.UTC(), out.UpdatedAt.UTC()
		return custos.NewAuditEvent{Action: "red_flag.update", ObjectType: "red_flag",
			ObjectID: strconv.FormatInt(flagID, 10), Before: flagAudit(before, id), After: flagAudit(out, id)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PutShortlist replaces the shortlist.
func (s *EvaluationService) PutShortlist(ctx context.Context, id int64, ifVersion int, entries []custos.ShortlistEntry) (*custos.Workspace, error) {
	err := s.changeDraft(ctx, id, ifVersion, 0, func(tx *Tx, r *evaluationRow) (custos.NewAuditEvent, error) {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT custodian_id FROM evaluation_candidates WHERE evaluation_id = $1`, id); err != nil {
			return noEvent, err
		}
		candidates := map[int64]bool{}
		for _, c := range ids {
			candidates[c] = true
		}
		if err := custos.ValidateShortlist(entries, candidates); err != nil {
			return noEvent, err
		}
		var before []custos.ShortlistEntry
		if err := tx.SelectContext(ctx, &before, `SELECT custodian_id, rank, rationale FROM shortlist_entries
			WHERE evaluation_id = $1 ORDER BY rank`, id); err != nil {
			return noEvent, err
		}
		if err := tx.replaceShortlist(ctx, id, entries); err != nil {
			return noEvent, err
		}
		return custos.NewAuditEvent{Action: "shortlist.put", ObjectType: "evaluation",
			ObjectID: evalID(id), Before: before, After: entries}, nil
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO shortlist_entries (evaluation_id, custodian_id, rank, rationale)
			VALUES ($1, $2, $3, $4)`, id, e.CustodianID, i+1, e.Rationale); err != nil {
			return err
		}
	}
	return nil
}

// --- the maker-checker workflow ---------------------------------------------

// Submit freezes a complete draft for approval, recording the SHA-256 of its
// canonical snapshot. It is refused with every reason listed when items are
// unanswered, required evidence is missing or a shortlisted custodian has an
// open critical red flag.
func (s *EvaluationService) Submit(ctx context.Context, id int64, ifVersion int) (*custos.Workspace, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.lockEvaluation(ctx, id, ifVersion, custos.StatusDraft)
		if err != nil {
			return err
		}
		ws, err := s.workspace(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(ws.SubmitBlockers) > 0 {
			return &custos.Error{Code: custos.ECONFLICT, Blockers: ws.SubmitBlockers,
				Message: fmt.Sprintf("the shortlist cannot be submitted yet: %d thing(s) to finish", len(ws.SubmitBlockers))}
		}
		// What the managers approve includes the candidates' catalogue facts
		// as they are now.
		if _, err := tx.ExecContext(ctx, `UPDATE evaluation_candidates ec SET frozen = jsonb_build_object('id', c.id,
				'slug', c.slug, 'name', c.name, 'qualified_custodian', c.qualified_custodian, 'regions', to_jsonb(c.regions),
				'staking', c.staking)
			FROM custodians c WHERE c.id = ec.custodian_id AND ec.evaluation_id = $1`, id); err != nil {
			return err
		}
		ws.Evaluation.Round++
		_, hash := custos.Snapshot(ws)
		if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'submitted', round = $2, submitted_by = $3,
			submitted_at = $4, snapshot_hash = $5 WHERE id = $1`,
			id, ws.Evaluation.Round, custos.ActorFrom(ctx).UserID, tx.now, []byte(hash)); err != nil {
			return err
		}
		if err := tx.touch(ctx, id); err != nil {
			return err
		}
		return tx.audit(ctx, custos.NewAuditEvent{TeamID: &r.TeamID, Action: "evaluation.submit", ObjectType: "evaluation",
			ObjectID: evalID(id), Before: map[string]any{"status": custos.StatusDraft},
			After: map[string]any{"status": custos.StatusSubmitted, "round": ws.Evaluation.Round,
				"snapshot_sha256": fmt.Sprintf("%x", []byte(hash)), "shortlist": ws.Shortlist}})
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}

// Decide records a manager's approval or return of a submitted shortlist.
// The submitter never decides, one person counts once per round, and the
// last approval needed approves and locks the evaluation. A return sends it
// back to draft and voids the round's approvals.
func (s *EvaluationService) Decide(ctx context.Context, id int64, ifVersion int, d custos.Decision, comment string) (*custos.Workspace, error) {
	comment = trimmed(comment)
	if d == custos.DecisionReturn && comment == "" {
		return nil, custos.Invalid("comment", "say what must change before the shortlist comes back")
	}
	if utf8.RuneCountInString(comment) > 4000 {
		return nil, custos.Invalid("comment", "is too long (4000 characters at most)")
	}
	actor := custos.ActorFrom(ctx)
	err := s.db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.lockEvaluation(ctx, id, ifVersion, custos.StatusSubmitted)
		if err != nil {
			return err
		}
		if r.SubmittedBy.Valid && r.SubmittedBy.Int64 == actor.UserID {
			return custos.Errorf(custos.EFORBIDDEN, "you submitted this shortlist, so someone else must decide on it")
		}
		var already bool
		if err := tx.GetContext(ctx, &already, `SELECT EXISTS (SELECT 1 FROM approvals
			WHERE evaluation_id = $1 AND round = $2 AND manager_id = $3)`, id, r.Round, actor.UserID); err != nil {
			return err
		}
		if already {
			return custos.Errorf(custos.ECONFLICT, "you have already decided on this submission; one person counts once")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (evaluation_id, round, manager_id, manager_name, decision, comment,
			snapshot_hash, created_at) SELECT $1, $2, $3, u.name, $4, $5, $6, $7 FROM users u WHERE u.id = $3`,
			id, r.Round, actor.UserID, d, comment, r.SnapshotHash, tx.now); err != nil {
			return err
		}
		after := map[string]any{"decision": d, "comment": comment, "round": r.Round, "snapshot_sha256": fmt.Sprintf("%x", r.SnapshotHash)}
		status := custos.StatusSubmitted
		switch d {
		case custos.DecisionReturn:
			status = custos.StatusDraft
			if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'draft' WHERE id = $1`, id); err != nil {
				return err
			}
			// Back in draft, the candidates follow the catalogue again.
			if _, err := tx.ExecContext(ctx, `UPDATE evaluation_candidates SET frozen = NULL WHERE evaluation_id = $1`, id); err != nil {
				return err
			}
		case custos.DecisionApprove:
			var approvals int
			if err := tx.GetContext(ctx, &approvals, `SELECT count(*) FROM approvals
				WHERE evaluation_id = $1 AND round = $2 AND decision = 'approve'`, id, r.Round); err != nil {
				return err
			}
			after["approvals"], after["approvals_required"] = approvals, r.Approvals
			if approvals >= r.Approvals {
				status = custos.StatusApproved
				if _, err := tx.ExecContext(ctx, `UPDATE evaluations SET status = 'approved', approved_at = $2, version = version + 1,
					updated_at = $2 WHERE id = $1`, id, tx.now); err != nil {
					return err
				}
			}
		}
		if status != custos.StatusApproved {
			if err := tx.touch(ctx, id); err != nil {
				return err
			}
		}
		after["status"] = status
		return tx.audit(ctx, custos.NewAuditEvent{TeamID: &r.TeamID, Action: "evaluation." + string(d), ObjectType: "evaluation",
			ObjectID: evalID(id), Before: map[string]any{"status": custos.StatusSubmitted}, After: after})
	})
	if err != nil {
		return nil, err
	}
	return s.Workspace(ctx, id)
}
