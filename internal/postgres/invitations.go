package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

// InvitationService runs respondent invitations: the officer's side by
// evaluation, the respondent's by the token of the link.
type InvitationService struct {
	db    *DB
	evals *EvaluationService
	// email queues each new invitation's link for e-mail (the outbox); off
	// when the server sends no e-mail, so the link is then kept nowhere.
	email bool
	// uploads bounds the documents one invitation may hold.
	uploads custos.UploadAllowance
}

// LimitUploads sets how many documents, and how many bytes in all, one
// invitation may hold, and returns s.
func (s *InvitationService) LimitUploads(a custos.UploadAllowance) *InvitationService {
	s.uploads = a
	return s
}

// EmailInvitations turns the invitation e-mail on (when the server has
// SMTP) and returns s.
func (s *InvitationService) EmailInvitations(on bool) *InvitationService { s.email = on; return s }

// NewInvitationService returns the invitation service; it shares the
// evaluation service's template cache.
func NewInvitationService(db *DB, evals *EvaluationService) *InvitationService {
	return &InvitationService{db: db, evals: evals, uploads: custos.DefaultUploadAllowance}
}

const invitationSelect = `SELECT i.id, i.evaluation_id, i.custodian_id, c.name AS custodian_name, i.name, i.email,
	i.section_keys, i.created_by, i.created_at, i.expires_at, i.opened_at, i.submitted_at, i.revoked_at,
	(SELECT count(*) FROM respondent_responses r WHERE r.invitation_id = i.id
		AND (r.state = 'clarify' OR (r.state = 'draft' AND r.clarification <> ''))) AS reopened
	FROM respondent_invitations i JOIN custodians c ON c.id = i.custodian_id `

type invitationRow struct {
	ID            int64          `db:"id"`
	EvaluationID  int64          `db:"evaluation_id"`
	CustodianID   int64          `db:"custodian_id"`
	CustodianName string         `db:"custodian_name"`
	Name          string         `db:"name"`
	Email         string         `db:"email"`
	SectionKeys   pq.StringArray `db:"section_keys"`
	CreatedBy     int64          `db:"created_by"`
	CreatedAt     time.Time      `db:"created_at"`
	ExpiresAt     time.Time      `db:"expires_at"`
	OpenedAt      *time.Time     `db:"opened_at"`
	SubmittedAt   *time.Time     `db:"submitted_at"`
	RevokedAt     *time.Time     `db:"revoked_at"`
	Reopened      int            `db:"reopened"`
}

func (r *invitationRow) invitation(now time.Time) custos.Invitation {
	inv := custos.Invitation{ID: r.ID, EvaluationID: r.EvaluationID, CustodianID: r.CustodianID, CustodianName: r.CustodianName,
		Name: r.Name, Email: r.Email, SectionKeys: []string(r.SectionKeys), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), OpenedAt: utc(r.OpenedAt), SubmittedAt: utc(r.SubmittedAt), RevokedAt: utc(r.RevokedAt),
		Reopened: r.Reopened}
	if inv.SectionKeys == nil {
		inv.SectionKeys = []string{}
	}
	inv.State = inv.StateAt(now)
	return inv
}

type responseRow struct {
	InvitationID int64 `db:"invitation_id"`
	custos.Response
}

type responseDocumentRow struct {
	InvitationID int64 `db:"invitation_id"`
	custos.ResponseDocument
}

// responses loads the responses of the invitations, with their documents,
// by invitation and item. A document of an item not yet answered gets a
// response of its own only once the item is answered, so it is returned
// apart (by invitation and item) too.
func responses(ctx context.Context, q queryer, ids []int64) (map[int64]map[int64]*custos.Response, map[int64]map[int64][]custos.ResponseDocument, error) {
	var rows []responseRow
	if err := q.SelectContext(ctx, &rows, `SELECT invitation_id, item_id, status, note, state, clarification, updated_at,
		submitted_at, reviewed_by, reviewed_at FROM respondent_responses WHERE invitation_id = ANY($1)
		ORDER BY invitation_id, item_id`, pq.Int64Array(ids)); err != nil {
		return nil, nil, err
	}
	var docs []responseDocumentRow
	if err := q.SelectContext(ctx, &docs, `SELECT invitation_id, id, item_id, label, content_type, size, sha256, uploaded_at,
		evidence_id FROM respondent_documents WHERE invitation_id = ANY($1) ORDER BY id`, pq.Int64Array(ids)); err != nil {
		return nil, nil, err
	}
	byInv := map[int64]map[int64][]custos.ResponseDocument{}
	for _, d := range docs {
		d.UploadedAt = d.UploadedAt.UTC()
		if byInv[d.InvitationID] == nil {
			byInv[d.InvitationID] = map[int64][]custos.ResponseDocument{}
		}
		byInv[d.InvitationID][d.ItemID] = append(byInv[d.InvitationID][d.ItemID], d.ResponseDocument)
	}
	out := map[int64]map[int64]*custos.Response{}
	for i := range rows {
		r := rows[i].Response
		r.UpdatedAt, r.SubmittedAt, r.ReviewedAt = r.UpdatedAt.UTC(), utc(r.SubmittedAt), utc(r.ReviewedAt)
		r.Documents = byInv[rows[i].InvitationID][r.ItemID]
		if r.Documents == nil {
			r.Documents = []custos.ResponseDocument{}
		}
		if out[rows[i].InvitationID] == nil {
			out[rows[i].InvitationID] = map[int64]*custos.Response{}
		}
		out[rows[i].InvitationID][r.ItemID] = &r
	}
	return out, byInv, nil
}

// queryer is what both the pool and a transaction offer.
type queryer interface {
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}

// Invite opens an invitation to a candidate of a draft and returns its
// token, which nothing keeps but its hash.
func (s *InvitationService) Invite(ctx context.Context, evaluationID int64, n custos.NewInvitation) (*custos.IssuedInvitation, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	token := secret.NewToken(custos.InvitationTokenPrefix)
	var out custos.Invitation
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r partRow
		e, tmpl, part, err := s.evals.loadPart(ctx, tx, &r, evaluationID, n.CustodianID, "", "")
		if err != nil {
			return err
		}
		ev, err := custos.Invite(e, tmpl, part, n, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		inv := &ev.Invitation
		if err := tx.GetContext(ctx, &inv.ID, `INSERT INTO respondent_invitations (evaluation_id, custodian_id, name, email,
			section_keys, token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			e.ID, inv.CustodianID, inv.Name, inv.Email, pq.StringArray(inv.SectionKeys), secret.HashToken(token),
			inv.CreatedBy, inv.CreatedAt, inv.ExpiresAt); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &inv.CustodianName, `SELECT name FROM custodians WHERE id = $1`, inv.CustodianID); err != nil {
			return err
		}
		out = *inv
		if err := tx.record(ctx, e.TeamID, ev); err != nil {
			return err
		}
		if !s.email {
			return nil
		}
		return tx.insertInvitationEmail(ctx, e.TeamID, out, e.Title, "/respond#"+token)
	})
	if err != nil {
		return nil, err
	}
	return &custos.IssuedInvitation{Invitation: out, Token: token, Link: "/respond#" + token, Emailed: s.email}, nil
}

// Invitations lists an evaluation's invitations, newest first, each with
// its responses.
func (s *InvitationService) Invitations(ctx context.Context, evaluationID int64) ([]custos.InvitationReview, error) {
	var rows []invitationRow
	if err := s.db.db.SelectContext(ctx, &rows, invitationSelect+`WHERE i.evaluation_id = $1 ORDER BY i.id DESC`, evaluationID); err != nil {
		return nil, mapErr(err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	resp, docs, err := responses(ctx, s.db.db, ids)
	if err != nil {
		return nil, mapErr(err)
	}
	now := s.db.Now()
	out := []custos.InvitationReview{}
	for _, r := range rows {
		rv := custos.InvitationReview{Invitation: r.invitation(now), Responses: []custos.Response{}}
		for _, x := range resp[r.ID] {
			rv.Responses = append(rv.Responses, *x)
		}
		// Documents of items the respondent has not answered yet show as
		// pending responses, so the officer sees every file.
		for item, d := range docs[r.ID] {
			if resp[r.ID][item] == nil {
				rv.Responses = append(rv.Responses, custos.Response{ItemID: item, Status: custos.AnswerPending,
					State: custos.ResponseDraftState, Documents: d})
			}
		}
		sortResponses(rv.Responses)
		out = append(out, rv)
	}
	return out, nil
}

func sortResponses(rs []custos.Response) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].ItemID < rs[j-1].ItemID; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// officerLoad locks the evaluation and loads one of its invitations.
func (s *InvitationService) officerLoad(ctx context.Context, tx *Tx, evaluationID, invitationID int64) (custos.Evaluation, custos.Invitation, error) {
	var er evaluationRow
	if err := tx.loadLocked(ctx, &er, evaluationID, "", ""); err != nil {
		return custos.Evaluation{}, custos.Invitation{}, err
	}
	e, err := er.evaluation()
	if err != nil {
		return e, custos.Invitation{}, err
	}
	var ir invitationRow
	err = tx.GetContext(ctx, &ir, invitationSelect+`WHERE i.id = $1 AND i.evaluation_id = $2`, invitationID, evaluationID)
	if err != nil {
		return e, custos.Invitation{}, orNotFound(err, "invitation")
	}
	return e, ir.invitation(tx.now), nil
}

// RevokeInvitation withdraws a link at once.
func (s *InvitationService) RevokeInvitation(ctx context.Context, evaluationID, invitationID int64) (*custos.Invitation, error) {
	var out custos.Invitation
	err := s.db.inTx(ctx, func(tx *Tx) error {
		e, inv, err := s.officerLoad(ctx, tx, evaluationID, invitationID)
		if err != nil {
			return err
		}
		ev, err := custos.RevokeInvitation(inv, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_invitations SET revoked_at = $2, revoked_by = $3 WHERE id = $1`,
			inv.ID, tx.now, custos.ActorFrom(ctx).UserID); err != nil {
			return err
		}
		// A revoked link is not e-mailed after all, and its token leaves
		// the outbox now rather than when delivery would have ended.
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET email_state = 'off', link = '', lease_until = NULL,
				last_error = 'the invitation was revoked'
			WHERE object_type = 'invitation' AND object_id = $1 AND to_email IS NOT NULL`, strconv.FormatInt(inv.ID, 10)); err != nil {
			return err
		}
		out = ev.After
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// loadResponse loads one item's response with its documents.
func loadResponse(ctx context.Context, tx *Tx, invitationID, itemID int64) (*custos.Response, error) {
	resp, _, err := responses(ctx, tx, []int64{invitationID})
	if err != nil {
		return nil, err
	}
	return resp[invitationID][itemID], nil
}

// AcceptResponse makes a submitted response the team's answer, marked as
// the custodian's, and its documents evidence.
func (s *InvitationService) AcceptResponse(ctx context.Context, evaluationID, invitationID, itemID int64) (*custos.Response, error) {
	var out custos.Response
	err := s.db.inTx(ctx, func(tx *Tx) error {
		e, inv, err := s.officerLoad(ctx, tx, evaluationID, invitationID)
		if err != nil {
			return err
		}
		r, err := loadResponse(ctx, tx, inv.ID, itemID)
		if err != nil {
			return err
		}
		current := custos.Answer{ItemID: itemID, Status: custos.AnswerPending}
		err = tx.GetContext(ctx, &current, `SELECT item_id, status, note, version, updated_by, updated_at FROM answers
			WHERE evaluation_id = $1 AND custodian_id = $2 AND item_id = $3`, e.ID, inv.CustodianID, itemID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		by := custos.ActorFrom(ctx).UserID
		accepted, answer, evidence, err := custos.AcceptResponse(e, inv, r, current, by, tx.now)
		if err != nil {
			return err
		}
		a := answer.After
		if _, err := tx.ExecContext(ctx, `INSERT INTO answers (evaluation_id, custodian_id, item_id, status, note, version,
			updated_by, updated_at, from_invitation_id, responded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (evaluation_id, custodian_id, item_id) DO UPDATE
				SET status = EXCLUDED.status, note = EXCLUDED.note, version = EXCLUDED.version, updated_by = EXCLUDED.updated_by,
					updated_at = EXCLUDED.updated_at, carried_forward = false, from_invitation_id = EXCLUDED.from_invitation_id,
					responded_at = EXCLUDED.responded_at`,
			e.ID, inv.CustodianID, itemID, a.Status, a.Note, a.Version, a.UpdatedBy, a.UpdatedAt, a.FromInvitationID, a.RespondedAt); err != nil {
			return err
		}
		events := []custos.Event{answer}
		for i, docID := range accepted.DocumentIDs {
			ev := evidence[i]
			if err := tx.GetContext(ctx, &ev.Evidence.ID, `INSERT INTO evidence (evaluation_id, custodian_id, item_id, label,
				content_type, size, sha256, content, uploaded_by, uploaded_at)
				SELECT $2, $3, item_id, label, content_type, size, sha256, content, $4, $5 FROM respondent_documents WHERE id = $1
				RETURNING id`, docID, e.ID, inv.CustodianID, by, tx.now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE respondent_documents SET evidence_id = $2 WHERE id = $1`, docID, ev.Evidence.ID); err != nil {
				return err
			}
			id := ev.Evidence.ID
			for j := range accepted.After.Documents {
				if accepted.After.Documents[j].ID == docID {
					accepted.After.Documents[j].EvidenceID = &id
				}
			}
			events = append(events, ev)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_responses SET state = 'accepted', reviewed_by = $3, reviewed_at = $4
			WHERE invitation_id = $1 AND item_id = $2`, inv.ID, itemID, by, tx.now); err != nil {
			return err
		}
		if err := tx.touch(ctx, e.ID); err != nil {
			return err
		}
		out = accepted.After
		return tx.record(ctx, e.TeamID, append(events, accepted)...)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RequestClarification asks the respondent about one submitted response.
func (s *InvitationService) RequestClarification(ctx context.Context, evaluationID, invitationID, itemID int64, comment string) (*custos.Response, error) {
	var out custos.Response
	err := s.db.inTx(ctx, func(tx *Tx) error {
		e, inv, err := s.officerLoad(ctx, tx, evaluationID, invitationID)
		if err != nil {
			return err
		}
		r, err := loadResponse(ctx, tx, inv.ID, itemID)
		if err != nil {
			return err
		}
		ev, err := custos.RequestClarification(e, inv, r, comment, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return err
		}
		a := ev.After
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_responses SET state = 'clarify', clarification = $3,
			reviewed_by = $4, reviewed_at = $5 WHERE invitation_id = $1 AND item_id = $2`,
			inv.ID, itemID, a.Clarification, a.ReviewedBy, a.ReviewedAt); err != nil {
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

// ResponseDocument returns one of a respondent's files for review; each
// copy taken is audited, like an evidence download.
func (s *InvitationService) ResponseDocument(ctx context.Context, evaluationID, invitationID, documentID int64) (*custos.ResponseDocument, []byte, error) {
	var r struct {
		custos.ResponseDocument
		Content []byte `db:"content"`
		TeamID  int64  `db:"team_id"`
	}
	err := s.db.inTx(ctx, func(tx *Tx) error {
		err := tx.GetContext(ctx, &r, `SELECT d.id, d.item_id, d.label, d.content_type, d.size, d.sha256, d.uploaded_at,
			d.evidence_id, d.content, e.team_id FROM respondent_documents d
			JOIN respondent_invitations i ON i.id = d.invitation_id JOIN evaluations e ON e.id = i.evaluation_id
			WHERE d.id = $1 AND d.invitation_id = $2 AND i.evaluation_id = $3`, documentID, invitationID, evaluationID)
		if err != nil {
			return orNotFound(err, "document")
		}
		r.UploadedAt = r.UploadedAt.UTC()
		return tx.record(ctx, r.TeamID, custos.ResponseDocumentDownloaded{EvaluationID: evaluationID, InvitationID: invitationID,
			Document: r.ResponseDocument})
	})
	if err != nil {
		return nil, nil, err
	}
	return &r.ResponseDocument, r.Content, nil
}

// --- the respondent's side -----------------------------------------------------

// badLink is the one answer for a token that opens nothing, whatever is
// wrong with it, so that no answer tells a guess apart from a near miss.
func badLink() error {
	return custos.Errorf(custos.EUNAUTHENTICATED, "this link is not valid; check that you copied all of it")
}

// respondent finds the invitation of a token and locks its evaluation. The
// token is looked up by its SHA-256 only: the database compares digests, so
// how long the lookup takes says nothing about how close a guess was. It
// returns a context whose actor is the respondent, for the audit trail.
func (s *InvitationService) respondent(ctx context.Context, tx *Tx, token string) (context.Context, custos.Evaluation, *custos.Template, custos.Invitation, error) {
	var evaluationID int64
	// Every token, well-formed or not, costs the same hash and lookup.
	err := tx.GetContext(ctx, &evaluationID, `SELECT evaluation_id FROM respondent_invitations WHERE token_hash = $1`,
		secret.HashToken(token))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !secret.LooksLike(token, custos.InvitationTokenPrefix) {
		return ctx, custos.Evaluation{}, nil, custos.Invitation{}, badLink()
	} else if err != nil {
		return ctx, custos.Evaluation{}, nil, custos.Invitation{}, err
	}
	var er evaluationRow
	if err := tx.loadLocked(ctx, &er, evaluationID, "", ""); err != nil {
		return ctx, custos.Evaluation{}, nil, custos.Invitation{}, err
	}
	e, err := er.evaluation()
	if err != nil {
		return ctx, e, nil, custos.Invitation{}, err
	}
	var ir invitationRow
	if err := tx.GetContext(ctx, &ir, invitationSelect+`WHERE i.token_hash = $1`, secret.HashToken(token)); err != nil {
		return ctx, e, nil, custos.Invitation{}, err
	}
	tmpl, err := s.evals.template(ctx, tx, e.TemplateID)
	if err != nil {
		return ctx, e, nil, custos.Invitation{}, err
	}
	inv := ir.invitation(tx.now)
	return custos.WithActor(ctx, custos.Actor{InvitationID: inv.ID}), e, tmpl, inv, nil
}

// Questionnaire is the respondent's view; the first one records that the
// link was opened.
func (s *InvitationService) Questionnaire(ctx context.Context, token string) (*custos.Questionnaire, error) {
	var out custos.Questionnaire
	err := s.db.inTx(ctx, func(tx *Tx) error {
		ctx, e, tmpl, inv, err := s.respondent(ctx, tx, token)
		if err != nil {
			return err
		}
		if err := inv.CheckAccess(tx.now); err != nil {
			return err
		}
		if e.Status != custos.StatusDraft {
			return custos.Errorf(custos.ECONFLICT, "the team has closed this questionnaire: it takes no more answers")
		}
		resp, _, err := responses(ctx, tx, []int64{inv.ID})
		if err != nil {
			return err
		}
		out = custos.BuildQuestionnaire(e.Title, &inv, tmpl, resp[inv.ID])
		if docs := documentsWithoutAnswer(ctx, tx, inv.ID, resp[inv.ID]); docs != nil {
			attachLooseDocuments(&out, docs)
		}
		if inv.OpenedAt != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_invitations SET opened_at = $2 WHERE id = $1`, inv.ID, tx.now); err != nil {
			return err
		}
		return tx.record(ctx, e.TeamID, custos.InvitationOpened{EvaluationID: e.ID, InvitationID: inv.ID, At: tx.now})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// documentsWithoutAnswer returns the documents of items the respondent has
// not answered yet, by item.
func documentsWithoutAnswer(ctx context.Context, tx *Tx, invitationID int64, answered map[int64]*custos.Response) map[int64][]custos.ResponseDocument {
	_, docs, err := responses(ctx, tx, []int64{invitationID})
	if err != nil {
		return nil
	}
	out := map[int64][]custos.ResponseDocument{}
	for item, d := range docs[invitationID] {
		if answered[item] == nil {
			out[item] = d
		}
	}
	return out
}

// attachLooseDocuments shows documents uploaded before the item's answer
// under a pending response, so the respondent sees its files.
func attachLooseDocuments(q *custos.Questionnaire, docs map[int64][]custos.ResponseDocument) {
	for si := range q.Sections {
		for ii := range q.Sections[si].Items {
			it := &q.Sections[si].Items[ii]
			if d := docs[it.ID]; d != nil && it.Response == nil {
				it.Response = &custos.Response{ItemID: it.ID, Status: custos.AnswerPending, State: custos.ResponseDraftState, Documents: d}
			}
		}
	}
}

// SaveResponse saves the respondent's draft answer to one item.
func (s *InvitationService) SaveResponse(ctx context.Context, token string, itemID int64, in custos.AnswerInput) (*custos.Response, error) {
	var out custos.Response
	err := s.db.inTx(ctx, func(tx *Tx) error {
		ctx, e, tmpl, inv, err := s.respondent(ctx, tx, token)
		if err != nil {
			return err
		}
		current, err := loadResponse(ctx, tx, inv.ID, itemID)
		if err != nil {
			return err
		}
		ev, err := custos.SaveResponse(e, tmpl, inv, itemID, current, in, tx.now)
		if err != nil {
			return err
		}
		a := ev.After
		if _, err := tx.ExecContext(ctx, `INSERT INTO respondent_responses (invitation_id, evaluation_id, item_id, status, note,
			state, clarification, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (invitation_id, item_id) DO UPDATE SET status = EXCLUDED.status, note = EXCLUDED.note,
				state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
			inv.ID, e.ID, itemID, a.Status, a.Note, a.State, a.Clarification, a.UpdatedAt); err != nil {
			return err
		}
		if docs := documentsWithoutAnswer(ctx, tx, inv.ID, nil)[itemID]; len(a.Documents) == 0 && docs != nil {
			a.Documents = docs
		}
		out = a
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AddResponseDocument stores a respondent's file for one item.
func (s *InvitationService) AddResponseDocument(ctx context.Context, token string, itemID int64, label string, content []byte) (*custos.ResponseDocument, error) {
	var out custos.ResponseDocument
	err := s.db.inTx(ctx, func(tx *Tx) error {
		ctx, e, tmpl, inv, err := s.respondent(ctx, tx, token)
		if err != nil {
			return err
		}
		current, err := loadResponse(ctx, tx, inv.ID, itemID)
		if err != nil {
			return err
		}
		// respondent locked the evaluation FOR UPDATE, as every write
		// through any of its invitations does: two uploads through this
		// link cannot both count what it holds before either inserts.
		var held custos.UploadsHeld
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM respondent_documents
			WHERE invitation_id = $1`, inv.ID).Scan(&held.Documents, &held.Bytes); err != nil {
			return err
		}
		ev, err := custos.AddResponseDocument(e, tmpl, inv, current, itemID, label, content, held, s.uploads, tx.now)
		if err != nil {
			return err
		}
		d := &ev.Document
		if err := tx.GetContext(ctx, &d.ID, `INSERT INTO respondent_documents (invitation_id, evaluation_id, item_id, label,
			content_type, size, sha256, content, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			inv.ID, e.ID, itemID, d.Label, d.ContentType, d.Size, []byte(d.SHA256), ev.Content, d.UploadedAt); err != nil {
			return err
		}
		out = *d
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SubmitResponses hands the respondent's new answers to the team.
func (s *InvitationService) SubmitResponses(ctx context.Context, token string) (*custos.Questionnaire, error) {
	var out custos.Questionnaire
	err := s.db.inTx(ctx, func(tx *Tx) error {
		ctx, e, tmpl, inv, err := s.respondent(ctx, tx, token)
		if err != nil {
			return err
		}
		resp, _, err := responses(ctx, tx, []int64{inv.ID})
		if err != nil {
			return err
		}
		var list []custos.Response
		for _, r := range resp[inv.ID] {
			list = append(list, *r)
		}
		sortResponses(list)
		ev, err := custos.SubmitResponses(e, inv, list, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_responses SET state = 'submitted', submitted_at = $3
			WHERE invitation_id = $1 AND item_id = ANY($2)`, inv.ID, pq.Int64Array(ev.ItemIDs), tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE respondent_invitations SET submitted_at = $2 WHERE id = $1`, inv.ID, tx.now); err != nil {
			return err
		}
		now := tx.now
		for _, id := range ev.ItemIDs {
			r := resp[inv.ID][id]
			r.State, r.SubmittedAt = custos.ResponseSubmittedState, &now
		}
		inv.SubmittedAt, inv.Reopened = &now, 0
		for _, r := range resp[inv.ID] {
			if r.State == custos.ResponseClarifyState {
				inv.Reopened++ // asked about and not answered again yet
			}
		}
		out = custos.BuildQuestionnaire(e.Title, &inv, tmpl, resp[inv.ID])
		return tx.record(ctx, e.TeamID, ev)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
