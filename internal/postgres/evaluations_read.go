package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"

	"github.com/jmoiron/sqlx"

	"github.com/custos-dd/custos/internal/custos"
)

// --- reading ----------------------------------------------------------------

// EvaluationTeam returns the team an evaluation belongs to.
func (s *EvaluationService) EvaluationTeam(ctx context.Context, id int64) (int64, error) {
	if team, ok := s.teams.Load(id); ok {
		return team.(int64), nil
	}
	var team int64
	if err := s.db.db.GetContext(ctx, &team, `SELECT team_id FROM evaluations WHERE id = $1`, id); err != nil {
		return 0, mapErr(orNotFound(err, "evaluation"))
	}
	s.teams.Store(id, team)
	return team, nil
}

// ListEvaluations returns a team's evaluations, newest first.
func (s *EvaluationService) ListEvaluations(ctx context.Context, f custos.EvaluationFilter) (*custos.EvaluationPage, error) {
	q, err := custos.PageQuery{Before: int64(f.Before), Limit: f.Limit}.Check(custos.ListPage)
	if err != nil {
		return nil, err
	}
	switch f.Status {
	case "", custos.StatusDraft, custos.StatusSubmitted, custos.StatusApproved:
	default:
		return nil, custos.Invalid("status", "must be draft, submitted or approved")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var rows []evaluationRow
	err = s.db.db.SelectContext(ctx, &rows, `SELECT `+evaluationColumns+`,
		(SELECT count(*) FROM evaluation_candidates c WHERE c.evaluation_id = e.id) AS candidates
		FROM evaluations e JOIN teams t ON t.id = e.team_id
		WHERE e.team_id = $1 AND ($2 = '' OR e.status = $2) AND e.id < $3
		AND ($5 = 0 OR EXISTS (SELECT 1 FROM evaluation_candidates c WHERE c.evaluation_id = e.id AND c.custodian_id = $5))
		AND ($6 = 0 OR e.owner_id = $6)
		AND ($7::date IS NULL OR e.due_date <= $7::date)
		AND ($8 = '' OR strpos(lower(e.title), lower($8)) > 0)
		ORDER BY e.id DESC LIMIT $4`, f.TeamID, string(f.Status), q.Before, q.Limit+1,
		f.CustodianID, f.PreparerID, f.DueBy, f.Text)
	if err != nil {
		return nil, mapErr(err)
	}
	items := make([]custos.EvaluationSummary, 0, len(rows))
	for i := range rows {
		e, err := rows[i].evaluation()
		if err != nil {
			return nil, err
		}
		items = append(items, custos.EvaluationSummary{Evaluation: e, Candidates: rows[i].Candidates})
	}
	page := custos.PageOf(items, q, func(e custos.EvaluationSummary) int64 { return e.ID })
	return &page, nil
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

// workspace reads the workspace through q, the template included: q is the
// caller's transaction, and nothing here takes a second connection.
func (s *EvaluationService) workspace(ctx context.Context, q sqlx.QueryerContext, id int64) (*custos.Workspace, error) {
	var r evaluationRow
	if err := sqlx.GetContext(ctx, q, &r, `SELECT `+evaluationColumns+`
		FROM evaluations e JOIN teams t ON t.id = e.team_id WHERE e.id = $1`, id); err != nil {
		return nil, orNotFound(err, "evaluation")
	}
	e, err := r.evaluation()
	if err != nil {
		return nil, err
	}
	tmpl, err := s.template(ctx, q, e.TemplateID)
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
	// A draft's items that require an assurance document are judged against
	// the team's documents as they stand today.
	if e.Status == custos.StatusDraft && requiresDocuments(tmpl) {
		ids := make([]int64, len(parts.Candidates))
		for i, c := range parts.Candidates {
			ids[i] = c.ID
		}
		if parts.Documents, err = s.db.documentsByCustodian(ctx, q, e.TeamID, ids, s.db.Now()); err != nil {
			return nil, err
		}
	}

	var answers []struct {
		CustodianID int64 `db:"custodian_id"`
		custos.Answer
	}
	if err := sqlx.SelectContext(ctx, q, &answers, `SELECT custodian_id, item_id, status, note, version, updated_by, updated_at,
		carried_forward, from_invitation_id, responded_at FROM answers WHERE evaluation_id = $1`, id); err != nil {
		return nil, err
	}
	for _, a := range answers {
		a.Answer.UpdatedAt, a.Answer.RespondedAt = utc(a.Answer.UpdatedAt), utc(a.Answer.RespondedAt)
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
	// A re-diligence's evidence includes the files it links from the
	// evaluation it follows.
	if err := sqlx.SelectContext(ctx, q, &evidence, `SELECT `+evidenceColumns+` FROM evidence
		WHERE evaluation_id = $1 OR id IN (SELECT evidence_id FROM evidence_links WHERE evaluation_id = $1)
		ORDER BY id`, id); err != nil {
		return nil, err
	}
	for _, ev := range evidence {
		ev.UploadedAt = ev.UploadedAt.UTC()
		parts.Evidence[ev.CustodianID] = append(parts.Evidence[ev.CustodianID], ev)
	}

	if err := sqlx.SelectContext(ctx, q, &parts.Shortlist, `SELECT custodian_id, rank, rationale, inversion_rationale FROM shortlist_entries
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

// EvidenceFile returns an evidence file with its bytes. The download is an
// audit event in the same transaction as the read, so no file leaves
// without a record of who took it.
func (s *EvaluationService) EvidenceFile(ctx context.Context, id, evidenceID int64) (*custos.EvidenceFile, error) {
	var f struct {
		custos.EvidenceFile
		TeamID int64 `db:"team_id"`
	}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		if err := tx.GetContext(ctx, &f, `SELECT `+evidenceColumns+`, content,
			(SELECT team_id FROM evaluations WHERE id = evidence.evaluation_id) AS team_id
			FROM evidence WHERE id = $1 AND (evaluation_id = $2
				OR EXISTS (SELECT 1 FROM evidence_links l WHERE l.evaluation_id = $2 AND l.evidence_id = $1))`, evidenceID, id); err != nil {
			return orNotFound(err, "evidence")
		}
		f.UploadedAt = f.UploadedAt.UTC()
		return tx.record(ctx, f.TeamID, custos.EvidenceDownloaded{EvaluationID: id, Evidence: f.Evidence})
	})
	if err != nil {
		return nil, err
	}
	return &f.EvidenceFile, nil
}

// Changes reads a re-diligence and the approved evaluation it follows in
// one snapshot and says what changed since (custos.ChangesSince).
func (s *EvaluationService) Changes(ctx context.Context, id int64) (*custos.Changes, error) {
	tx, err := s.db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, mapErr(err)
	}
	defer tx.Rollback()
	cur, err := s.workspace(ctx, tx, id)
	if err != nil {
		return nil, mapErr(err)
	}
	prev := &custos.Workspace{}
	if f := cur.Evaluation.FollowsEvaluationID; f != nil {
		if prev, err = s.workspace(ctx, tx, *f); err != nil {
			return nil, mapErr(err)
		}
	}
	return custos.ChangesSince(prev, cur)
}
