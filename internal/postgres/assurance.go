package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
)

// AssuranceService keeps a team's assurance documents. The rules are the
// domain's (custos.AddDocument, UpdateDocument, ConfirmCUEC…); each write,
// the document flags it raises or closes on the team's drafts, and their
// audit events share one transaction.
type AssuranceService struct {
	db *DB
}

// NewAssuranceService returns the assurance-document service.
func NewAssuranceService(db *DB) *AssuranceService { return &AssuranceService{db: db} }

const documentColumns = `d.id, d.team_id, d.custodian_id, c.name AS custodian_name, d.kind, d.issuer,
	to_char(d.period_start, 'YYYY-MM-DD') AS period_start, to_char(d.period_end, 'YYYY-MM-DD') AS period_end,
	to_char(d.valid_until, 'YYYY-MM-DD') AS valid_until, to_char(d.issued_on, 'YYYY-MM-DD') AS issued_on,
	d.opinion, d.scope, d.carve_outs, d.cuecs::text AS cuecs, d.file_label, d.file_type, d.file_size, d.file_sha256,
	d.file_uploaded_by, d.file_uploaded_at, d.status, d.version, d.created_by, d.created_at, d.updated_at`

const documentFrom = ` FROM assurance_documents d JOIN custodians c ON c.id = d.custodian_id`

type documentRow struct {
	ID             int64          `db:"id"`
	TeamID         int64          `db:"team_id"`
	CustodianID    int64          `db:"custodian_id"`
	CustodianName  string         `db:"custodian_name"`
	Kind           string         `db:"kind"`
	Issuer         string         `db:"issuer"`
	PeriodStart    *string        `db:"period_start"`
	PeriodEnd      *string        `db:"period_end"`
	ValidUntil     *string        `db:"valid_until"`
	IssuedOn       string         `db:"issued_on"`
	Opinion        *string        `db:"opinion"`
	Scope          string         `db:"scope"`
	CarveOuts      string         `db:"carve_outs"`
	CUECs          string         `db:"cuecs"`
	FileLabel      sql.NullString `db:"file_label"`
	FileType       sql.NullString `db:"file_type"`
	FileSize       sql.NullInt64  `db:"file_size"`
	FileSHA256     []byte         `db:"file_sha256"`
	FileUploadedBy sql.NullInt64  `db:"file_uploaded_by"`
	FileUploadedAt *time.Time     `db:"file_uploaded_at"`
	Status         string         `db:"status"`
	Version        int            `db:"version"`
	CreatedBy      int64          `db:"created_by"`
	CreatedAt      time.Time      `db:"created_at"`
	UpdatedAt      time.Time      `db:"updated_at"`
}

func (r documentRow) document() (custos.AssuranceDocument, error) {
	d := custos.AssuranceDocument{ID: r.ID, TeamID: r.TeamID, CustodianID: r.CustodianID, CustodianName: r.CustodianName,
		Kind: custos.DocumentKind(r.Kind), Issuer: r.Issuer, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
		ValidUntil: r.ValidUntil, IssuedOn: r.IssuedOn, Scope: r.Scope, CarveOuts: r.CarveOuts,
		Status: custos.DocumentStatus(r.Status), Version: r.Version, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.Opinion != nil {
		op := custos.Opinion(*r.Opinion)
		d.Opinion = &op
	}
	if err := json.Unmarshal([]byte(r.CUECs), &d.CUECs); err != nil {
		return d, custos.Internal(err)
	}
	for i := range d.CUECs {
		d.CUECs[i].ConfirmedAt = utc(d.CUECs[i].ConfirmedAt)
	}
	if d.CUECs == nil {
		d.CUECs = []custos.CUEC{}
	}
	if r.FileSHA256 != nil {
		d.File = &custos.DocumentFile{Label: r.FileLabel.String, ContentType: r.FileType.String, Size: r.FileSize.Int64,
			SHA256: r.FileSHA256, UploadedBy: r.FileUploadedBy.Int64}
		if r.FileUploadedAt != nil {
			d.File.UploadedAt = r.FileUploadedAt.UTC()
		}
	}
	return d, nil
}

func selectDocuments(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]custos.AssuranceDocument, error) {
	var rows []documentRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+documentColumns+documentFrom+` WHERE `+where, args...); err != nil {
		return nil, err
	}
	out := make([]custos.AssuranceDocument, 0, len(rows))
	for _, r := range rows {
		d, err := r.document()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// documentsByCustodian reads the team's active documents on the custodians,
// their freshness judged now, by custodian.
func (db *DB) documentsByCustodian(ctx context.Context, q sqlx.QueryerContext, teamID int64, custodianIDs []int64, now time.Time) (map[int64][]custos.AssuranceDocument, error) {
	docs, err := selectDocuments(ctx, q, `d.team_id = $1 AND d.custodian_id = ANY($2) AND d.status = 'active'
		ORDER BY d.id`, teamID, pq.Int64Array(custodianIDs))
	if err != nil {
		return nil, err
	}
	db.Freshness.WithFreshness(docs, now)
	out := map[int64][]custos.AssuranceDocument{}
	for _, d := range docs {
		out[d.CustodianID] = append(out[d.CustodianID], d)
	}
	return out, nil
}

// ListDocuments returns the team's documents, newest first: of one
// custodian, or all; with Due, only the active ones expiring or lapsed.
func (s *AssuranceService) ListDocuments(ctx context.Context, f custos.AssuranceFilter) ([]custos.AssuranceDocument, error) {
	status := "active"
	if f.Archived {
		status = ""
	}
	docs, err := selectDocuments(ctx, s.db.db, `d.team_id = $1 AND ($2 = 0 OR d.custodian_id = $2) AND ($3 = '' OR d.status = $3)
		ORDER BY d.id DESC`, f.TeamID, f.CustodianID, status)
	if err != nil {
		return nil, mapErr(err)
	}
	s.db.Freshness.WithFreshness(docs, s.db.Now())
	if !f.Due {
		return docs, nil
	}
	due := []custos.AssuranceDocument{}
	for _, d := range docs {
		if d.Freshness != nil && d.Freshness.State != custos.DocFresh && d.Kind != custos.DocBridgeLetter {
			due = append(due, d)
		}
	}
	return due, nil
}

// Document returns one of the team's documents with its freshness.
func (s *AssuranceService) Document(ctx context.Context, teamID, id int64) (*custos.AssuranceDocument, error) {
	docs, err := selectDocuments(ctx, s.db.db, `d.id = $1 AND d.team_id = $2`, id, teamID)
	if err != nil {
		return nil, mapErr(err)
	}
	if len(docs) == 0 {
		return nil, notFound("assurance document")
	}
	d := docs[0]
	if d.Status == custos.DocumentActive {
		all, err := s.db.documentsByCustodian(ctx, s.db.db, teamID, []int64{d.CustodianID}, s.db.Now())
		if err != nil {
			return nil, mapErr(err)
		}
		for _, x := range all[d.CustodianID] {
			if x.ID == id {
				d.Freshness = x.Freshness
			}
		}
	}
	return &d, nil
}

func (tx *Tx) documentLocked(ctx context.Context, teamID, id int64) (custos.AssuranceDocument, error) {
	docs, err := selectDocuments(ctx, tx, `d.id = $1 AND d.team_id = $2 FOR UPDATE OF d`, id, teamID)
	if err != nil {
		return custos.AssuranceDocument{}, err
	}
	if len(docs) == 0 {
		return custos.AssuranceDocument{}, notFound("assurance document")
	}
	return docs[0], nil
}

// AddDocument records a document about a catalogue custodian.
func (s *AssuranceService) AddDocument(ctx context.Context, teamID, custodianID int64, in custos.DocumentInput) (*custos.AssuranceDocument, error) {
	var id int64
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var known bool
		if err := tx.GetContext(ctx, &known, `SELECT EXISTS (SELECT 1 FROM custodians WHERE id = $1)`, custodianID); err != nil {
			return err
		}
		ev, err := custos.AddDocument(teamID, custodianID, known, in, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		d := ev.Document
		cuecs, _ := json.Marshal(d.CUECs)
		if err := tx.GetContext(ctx, &id, `INSERT INTO assurance_documents (team_id, custodian_id, kind, issuer, period_start,
			period_end, valid_until, issued_on, opinion, scope, carve_outs, cuecs, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			teamID, custodianID, d.Kind, d.Issuer, d.PeriodStart, d.PeriodEnd, d.ValidUntil, d.IssuedOn, d.Opinion,
			d.Scope, d.CarveOuts, string(cuecs), d.CreatedBy, tx.now); err != nil {
			return err
		}
		ev.Document.ID = id
		flags, err := tx.reconcileDocumentFlags(ctx, teamID, custodianID)
		if err != nil {
			return err
		}
		return tx.record(ctx, teamID, append([]custos.Event{ev}, flags...)...)
	})
	if err != nil {
		return nil, err
	}
	return s.Document(ctx, teamID, id)
}

// change runs a command on a locked document, saves what it decided and
// brings the team's drafts' document flags in line.
func (s *AssuranceService) change(ctx context.Context, teamID, id int64, cmd func(d custos.AssuranceDocument, at time.Time) (custos.AssuranceDocumentChanged, error)) (*custos.AssuranceDocument, error) {
	err := s.db.inTx(ctx, func(tx *Tx) error {
		d, err := tx.documentLocked(ctx, teamID, id)
		if err != nil {
			return err
		}
		ev, err := cmd(d, tx.now)
		if err != nil {
			return err
		}
		a := ev.After
		cuecs, _ := json.Marshal(a.CUECs)
		if _, err := tx.ExecContext(ctx, `UPDATE assurance_documents SET issuer = $2, period_start = $3, period_end = $4,
			valid_until = $5, issued_on = $6, opinion = $7, scope = $8, carve_outs = $9, cuecs = $10, status = $11,
			version = $12, updated_at = $13 WHERE id = $1`, id, a.Issuer, a.PeriodStart, a.PeriodEnd, a.ValidUntil, a.IssuedOn,
			a.Opinion, a.Scope, a.CarveOuts, string(cuecs), a.Status, a.Version, a.UpdatedAt); err != nil {
			return err
		}
		flags, err := tx.reconcileDocumentFlags(ctx, teamID, d.CustodianID)
		if err != nil {
			return err
		}
		return tx.record(ctx, teamID, append([]custos.Event{ev}, flags...)...)
	})
	if err != nil {
		return nil, err
	}
	return s.Document(ctx, teamID, id)
}

// UpdateDocument rewrites a document's fields.
func (s *AssuranceService) UpdateDocument(ctx context.Context, teamID, id int64, ifVersion int, in custos.DocumentInput) (*custos.AssuranceDocument, error) {
	return s.change(ctx, teamID, id, func(d custos.AssuranceDocument, at time.Time) (custos.AssuranceDocumentChanged, error) {
		return custos.UpdateDocument(d, ifVersion, in, at)
	})
}

// ArchiveDocument takes a document out of account.
func (s *AssuranceService) ArchiveDocument(ctx context.Context, teamID, id int64, ifVersion int) (*custos.AssuranceDocument, error) {
	return s.change(ctx, teamID, id, func(d custos.AssuranceDocument, at time.Time) (custos.AssuranceDocumentChanged, error) {
		return custos.ArchiveDocument(d, ifVersion, at)
	})
}

// ConfirmCUEC records the team's confirmation of one control.
func (s *AssuranceService) ConfirmCUEC(ctx context.Context, teamID, id int64, cuecID int, confirmed bool) (*custos.AssuranceDocument, error) {
	by := custos.ActorFrom(ctx).UserID
	return s.change(ctx, teamID, id, func(d custos.AssuranceDocument, at time.Time) (custos.AssuranceDocumentChanged, error) {
		return custos.ConfirmCUEC(d, cuecID, confirmed, by, at)
	})
}

// AttachDocumentFile stores the document's file, replacing any earlier one.
func (s *AssuranceService) AttachDocumentFile(ctx context.Context, teamID, id int64, label string, content []byte) (*custos.AssuranceDocument, error) {
	if _, _, err := custos.CheckEvidence(label, content); err != nil {
		return nil, err
	}
	by := custos.ActorFrom(ctx).UserID
	err := s.db.inTx(ctx, func(tx *Tx) error {
		d, err := tx.documentLocked(ctx, teamID, id)
		if err != nil {
			return err
		}
		ev, err := custos.AttachDocumentFile(d, label, content, by, tx.now)
		if err != nil {
			return err
		}
		f := ev.After.File
		if _, err := tx.ExecContext(ctx, `UPDATE assurance_documents SET file_label = $2, file_type = $3, file_size = $4,
			file_sha256 = $5, file_content = $6, file_uploaded_by = $7, file_uploaded_at = $8, version = $9, updated_at = $10
			WHERE id = $1`, id, f.Label, f.ContentType, f.Size, []byte(f.SHA256), content, f.UploadedBy, f.UploadedAt,
			ev.After.Version, ev.After.UpdatedAt); err != nil {
			return err
		}
		return tx.record(ctx, teamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.Document(ctx, teamID, id)
}

// DocumentFile returns a document's file with its bytes.
func (s *AssuranceService) DocumentFile(ctx context.Context, teamID, id int64) (*custos.DocumentFile, []byte, error) {
	d, err := s.Document(ctx, teamID, id)
	if err != nil {
		return nil, nil, err
	}
	if d.File == nil {
		return nil, nil, custos.Errorf(custos.ENOTFOUND, "the document has no file")
	}
	// The copy and its audit event share one transaction: no copy leaves
	// unrecorded.
	var content []byte
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if err := tx.GetContext(ctx, &content, `SELECT file_content FROM assurance_documents WHERE id = $1 AND team_id = $2`, id, teamID); err != nil {
			return err
		}
		return tx.record(ctx, teamID, custos.AssuranceDocumentDownloaded{Document: *d})
	})
	if err != nil {
		return nil, nil, mapErr(err)
	}
	return d.File, content, nil
}

// --- document flags on drafts ------------------------------------------------

// reconcileDocumentFlags brings the document flags of every draft of the
// team that has the custodian as a candidate in line with its documents.
func (tx *Tx) reconcileDocumentFlags(ctx context.Context, teamID, custodianID int64) ([]custos.Event, error) {
	var drafts []struct {
		ID         int64 `db:"id"`
		TemplateID int64 `db:"template_id"`
	}
	// Locked, in ID order, so that a submission cannot slip between the
	// documents' change and its flags.
	if err := tx.SelectContext(ctx, &drafts, `SELECT e.id, e.template_id FROM evaluations e
		WHERE e.team_id = $1 AND e.status = 'draft' AND EXISTS (SELECT 1 FROM evaluation_candidates ec
			WHERE ec.evaluation_id = e.id AND ec.custodian_id = $2)
			AND EXISTS (SELECT 1 FROM template_items i WHERE i.template_id = e.template_id AND i.required_document_kind <> '')
		ORDER BY e.id FOR UPDATE OF e`, teamID, custodianID); err != nil {
		return nil, err
	}
	var events []custos.Event
	for _, d := range drafts {
		tmpl, err := findTemplate(ctx, tx, d.TemplateID)
		if err != nil {
			return nil, err
		}
		evs, err := tx.applyDocumentFlags(ctx, d.ID, teamID, tmpl, []int64{custodianID})
		if err != nil {
			return nil, err
		}
		events = append(events, evs...)
	}
	return events, nil
}

// ScanDocumentFlags brings the document flags of every draft whose template
// requires documents in line with its candidates' documents today (the
// store's clock and freshness policy): a SOC report that went stale or a
// certificate past its date raises its item's flag with no write to the
// draft. Freshness moves by the day, so a server scans once per day of the
// store's clock (again only when a draft was left out). Each draft is
// judged first without a lock; only one whose flags would change is locked
// (skipped if someone holds it: its next write, or tomorrow's scan,
// reconciles it) and reconciled under the lock, only while still a draft,
// and what changed is audited as the system's doing. An error on one draft
// does not stop the others. Every server must judge freshness with the
// same settings, or their scans would undo each other's flags.
func (o *OutboxStore) ScanDocumentFlags(ctx context.Context) (int, error) {
	today := o.db.Now().UTC().Format(time.DateOnly)
	o.flagsMu.Lock()
	defer o.flagsMu.Unlock()
	if o.flagsScanned == today {
		return 0, nil
	}
	var drafts []struct {
		ID         int64 `db:"id"`
		TeamID     int64 `db:"team_id"`
		TemplateID int64 `db:"template_id"`
	}
	if err := o.db.db.SelectContext(ctx, &drafts, `SELECT e.id, e.team_id, e.template_id FROM evaluations e
		WHERE e.status = 'draft' AND EXISTS (SELECT 1 FROM template_items i
			WHERE i.template_id = e.template_id AND i.required_document_kind <> '')
		ORDER BY e.id`); err != nil {
		return 0, mapErr(err)
	}
	ctx = custos.WithActor(ctx, custos.Actor{Email: ScheduledActor})
	templates := map[int64]*custos.Template{}
	changed, left := 0, 0
	var firstErr error
	for _, d := range drafts {
		err := func() error {
			tmpl := templates[d.TemplateID]
			if tmpl == nil {
				t, err := findTemplate(ctx, o.db.db, d.TemplateID)
				if err != nil {
					return err
				}
				tmpl, templates[d.TemplateID] = t, t
			}
			// Judged without a lock: most drafts have nothing to change.
			var due bool
			err := o.db.inTx(ctx, func(tx *Tx) error {
				events, err := tx.documentFlagEvents(ctx, d.ID, d.TeamID, tmpl, nil)
				due = len(events) > 0
				return err
			})
			if err != nil || !due {
				return err
			}
			return o.db.inTx(ctx, func(tx *Tx) error {
				var status string
				err := tx.GetContext(ctx, &status, `SELECT status FROM evaluations WHERE id = $1 FOR UPDATE SKIP LOCKED`, d.ID)
				if errors.Is(err, sql.ErrNoRows) {
					left++ // someone is changing it
					return nil
				} else if err != nil || status != string(custos.StatusDraft) {
					return err // or submitted since the list was read
				}
				events, err := tx.applyDocumentFlags(ctx, d.ID, d.TeamID, tmpl, nil)
				if err != nil || len(events) == 0 {
					return err
				}
				changed += len(events)
				return tx.record(ctx, d.TeamID, events...)
			})
		}()
		if err != nil {
			left++
			if firstErr == nil {
				firstErr = fmt.Errorf("document flags of evaluation %d: %w", d.ID, err)
			}
		}
	}
	if left == 0 {
		o.flagsScanned = today
	}
	return changed, firstErr
}

// ScheduledActor is the audit trail's actor for what a scheduled check did
// (no person asked for it).
const ScheduledActor = "system (scheduled check)"

// applyDocumentFlags lets custos.ReconcileAssurance bring a draft's document
// flags for the custodians in line with the team's documents today, saves
// what it decided and returns those events. custodianIDs nil means every
// candidate.
func (tx *Tx) applyDocumentFlags(ctx context.Context, evalID, teamID int64, tmpl *custos.Template, custodianIDs []int64) ([]custos.Event, error) {
	events, err := tx.documentFlagEvents(ctx, evalID, teamID, tmpl, custodianIDs)
	if err != nil {
		return nil, err
	}
	for i, ev := range events {
		switch e := ev.(type) {
		case custos.RedFlagRaised:
			f := e.Flag
			if err := tx.GetContext(ctx, &e.Flag.ID, `INSERT INTO red_flags (evaluation_id, custodian_id, title, description,
				severity, document_item_id, reason, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
				evalID, f.CustodianID, f.Title, f.Description, f.Severity, f.DocumentItemID, f.Reason, tx.now); err != nil {
				return nil, err
			}
			events[i] = e
		case custos.RedFlagMoved:
			if _, err := tx.ExecContext(ctx, `UPDATE red_flags SET status = $2, resolution = $3, reason = $4, updated_at = $5 WHERE id = $1`,
				e.After.ID, e.After.Status, e.After.Resolution, e.After.Reason, e.After.UpdatedAt); err != nil {
				return nil, err
			}
		}
	}
	if len(events) > 0 {
		if err := tx.touch(ctx, evalID); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// documentFlagEvents is what custos.ReconcileAssurance decides for a
// draft's document flags today, for the custodians (nil: every candidate),
// saved by nobody.
func (tx *Tx) documentFlagEvents(ctx context.Context, evalID, teamID int64, tmpl *custos.Template, custodianIDs []int64) ([]custos.Event, error) {
	if !requiresDocuments(tmpl) {
		return nil, nil
	}
	if custodianIDs == nil {
		if err := tx.SelectContext(ctx, &custodianIDs, `SELECT custodian_id FROM evaluation_candidates WHERE evaluation_id = $1`, evalID); err != nil {
			return nil, err
		}
	}
	docs, err := tx.db.documentsByCustodian(ctx, tx, teamID, custodianIDs, tx.now)
	if err != nil {
		return nil, err
	}
	findings := map[int64][]custos.AssuranceFinding{}
	for _, cid := range custodianIDs {
		findings[cid] = custos.RequirementFindings(tmpl.Items(), docs[cid])
	}
	var existing []custos.RedFlag
	if err := tx.SelectContext(ctx, &existing, `SELECT `+redFlagColumns+` FROM red_flags
		WHERE evaluation_id = $1 AND custodian_id = ANY($2) AND document_item_id IS NOT NULL ORDER BY id`,
		evalID, pq.Int64Array(custodianIDs)); err != nil {
		return nil, err
	}
	return custos.ReconcileAssurance(evalID, tmpl, findings, existing, tx.now), nil
}

func requiresDocuments(t *custos.Template) bool {
	for _, it := range t.Items() {
		if it.RequiredDocument != "" {
			return true
		}
	}
	return false
}
