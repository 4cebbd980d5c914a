package custos

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A custodian answers the questionnaire itself. An officer invites a contact
// at one candidate of a draft evaluation; the contact opens a link that
// carries an opaque token and needs no account, answers the items in scope
// and submits; the officer accepts each response (it becomes the team's
// answer, marked as the custodian's) or asks for clarification, which
// reopens that item on the same link.

// ObjInvitation is a respondent invitation and its responses.
const ObjInvitation Object = "invitation"

// ActReview is accepting a response or asking for clarification.
const ActReview Action = "review"

// EGONE: what the request names existed but is over for good (an expired,
// revoked or finished invitation link).
const EGONE = "gone"

// Invitation defaults and bounds.
const (
	DefaultInvitationDays = 14
	MaxInvitationDays     = 90
	// InvitationTokenPrefix starts every invitation token, so that secret
	// scanners and people can tell what a leaked one is.
	InvitationTokenPrefix = "cri_"
)

// InvitationState is where an invitation is, as the officer's panel shows it.
type InvitationState string

const (
	StateSent      InvitationState = "sent"
	StateOpened    InvitationState = "opened"
	StateSubmitted InvitationState = "submitted"
	// StateReopened: submitted, and the officer asked about some items.
	StateReopened InvitationState = "reopened"
	StateExpired  InvitationState = "expired"
	StateRevoked  InvitationState = "revoked"
)

// Invitation is one contact's link to one candidate's questionnaire. The
// token itself is never stored; only IssuedInvitation carries it, once.
type Invitation struct {
	ID            int64      `json:"id"`
	EvaluationID  int64      `json:"evaluation_id"`
	CustodianID   int64      `json:"custodian_id"`
	CustodianName string     `json:"custodian_name"`
	Name          string     `json:"name"`
	Email         string     `json:"email"`
	SectionKeys   []string   `json:"section_keys"`
	CreatedBy     int64      `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	OpenedAt      *time.Time `json:"opened_at"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
	// Reopened counts the items the officer asked about that the
	// respondent has not answered again yet.
	Reopened int             `json:"reopened"`
	State    InvitationState `json:"state"`
}

// StateAt is the invitation's state at now: revoked and expired win, then
// submission (reopened while clarifications are open), then whether the
// link was ever opened.
func (i *Invitation) StateAt(now time.Time) InvitationState {
	switch {
	case i.RevokedAt != nil:
		return StateRevoked
	case !now.Before(i.ExpiresAt):
		return StateExpired
	case i.SubmittedAt != nil && i.Reopened > 0:
		return StateReopened
	case i.SubmittedAt != nil:
		return StateSubmitted
	case i.OpenedAt != nil:
		return StateOpened
	}
	return StateSent
}

// CheckAccess says whether the respondent may use the link at now. A link
// that was submitted stays closed until the officer reopens an item.
func (i *Invitation) CheckAccess(now time.Time) error {
	switch i.StateAt(now) {
	case StateRevoked:
		return Errorf(EGONE, "this link was withdrawn by the team that sent it; ask them for a new one")
	case StateExpired:
		return Errorf(EGONE, "this link expired on %s; ask the team that sent it for a new one", i.ExpiresAt.UTC().Format("2 January 2006 15:04 UTC"))
	case StateSubmitted:
		return Errorf(EGONE, "these answers were submitted on %s; the team will use this link again if it has questions",
			i.SubmittedAt.UTC().Format("2 January 2006 15:04 UTC"))
	}
	return nil
}

// InScope reports whether a checklist item of the template is one the
// invitation asks about.
func (i *Invitation) InScope(t *Template, itemID int64) bool {
	for _, s := range i.Sections(t) {
		for _, it := range s.Items {
			if it.ID == itemID {
				return true
			}
		}
	}
	return false
}

// Sections returns the template's sections the invitation covers, in order.
func (i *Invitation) Sections(t *Template) []ChecklistSection {
	if len(i.SectionKeys) == 0 {
		return t.Sections
	}
	var out []ChecklistSection
	for _, s := range t.Sections {
		if slices.Contains(i.SectionKeys, s.Key) {
			out = append(out, s)
		}
	}
	return out
}

// NewInvitation is what an officer asks for.
type NewInvitation struct {
	CustodianID int64
	Name        string
	Email       string
	// SectionKeys empty means every section of the checklist.
	SectionKeys []string
	// ExpiresInDays zero means DefaultInvitationDays.
	ExpiresInDays int
}

// Validate tidies and checks the request's own fields.
func (n *NewInvitation) Validate() error {
	var p Problems
	if n.CustodianID <= 0 {
		p.Add("custodian_id", "name one candidate of the evaluation")
	}
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		p.Add("name", "say who the invitation is for")
	} else if utf8.RuneCountInString(n.Name) > 200 {
		p.Add("name", "is too long (200 characters at most)")
	}
	n.Email = NormalizeEmail(n.Email)
	validEmail(&p, "email", n.Email)
	if n.ExpiresInDays == 0 {
		n.ExpiresInDays = DefaultInvitationDays
	}
	if n.ExpiresInDays < 1 || n.ExpiresInDays > MaxInvitationDays {
		p.Add("expires_in_days", "must be between 1 and 90")
	}
	return p.Err()
}

// IssuedInvitation is a new invitation with its token, which is shown once.
type IssuedInvitation struct {
	Invitation Invitation `json:"invitation"`
	Token      string     `json:"token"`
	// Link is the respondent page with the token in its fragment, which
	// browsers never send to a server or put in a Referer.
	Link string `json:"link"`
	// Emailed says whether the link was queued for e-mail to the contact
	// (the server sends e-mail); if not, the officer passes it on.
	Emailed bool `json:"emailed"`
}

// ResponseState is where one item of a respondent's answers is.
type ResponseState string

const (
	ResponseDraftState     ResponseState = "draft"
	ResponseSubmittedState ResponseState = "submitted"
	ResponseClarifyState   ResponseState = "clarify"
	ResponseAcceptedState  ResponseState = "accepted"
)

// Response is a respondent's answer to one item, with its documents.
type Response struct {
	ItemID        int64              `json:"item_id"`
	Status        AnswerStatus       `json:"status"`
	Note          string             `json:"note"`
	State         ResponseState      `json:"state"`
	Clarification string             `json:"clarification"`
	UpdatedAt     time.Time          `json:"updated_at"`
	SubmittedAt   *time.Time         `json:"submitted_at"`
	ReviewedBy    *int64             `json:"reviewed_by"`
	ReviewedAt    *time.Time         `json:"reviewed_at"`
	Documents     []ResponseDocument `json:"documents"`
}

// editable says whether the respondent may change the item now: before the
// first submission anything not yet submitted, afterwards only what the
// officer asked about (a draft with a clarification is such an item answered
// again and not yet submitted).
func (r *Response) editable(inv *Invitation) bool {
	switch {
	case r == nil:
		return inv.SubmittedAt == nil
	case r.State == ResponseClarifyState:
		return true
	case r.State == ResponseDraftState:
		return inv.SubmittedAt == nil || r.Clarification != ""
	}
	return false
}

// submittable: an editable draft goes to the team on submission.
func (r *Response) submittable(inv *Invitation) bool {
	return r != nil && r.State == ResponseDraftState && r.editable(inv)
}

// ResponseDocument is a file a respondent uploaded for one item.
type ResponseDocument struct {
	ID          int64     `json:"id"`
	ItemID      int64     `json:"item_id"`
	Label       string    `json:"label"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      HashBytes `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	// EvidenceID is set once the officer's acceptance made it evidence.
	EvidenceID *int64 `json:"evidence_id"`
}

// Questionnaire is everything the respondent sees: one candidate's items in
// scope and its own answers; nothing of other candidates, scores, flags,
// notes or the team.
type Questionnaire struct {
	EvaluationTitle string                 `json:"evaluation_title"`
	CustodianName   string                 `json:"custodian_name"`
	RespondentName  string                 `json:"respondent_name"`
	ExpiresAt       time.Time              `json:"expires_at"`
	SubmittedAt     *time.Time             `json:"submitted_at"`
	Sections        []QuestionnaireSection `json:"sections"`
	// CanSubmit says whether there is something new to submit.
	CanSubmit bool `json:"can_submit"`
}

// QuestionnaireSection is one checklist section in scope.
type QuestionnaireSection struct {
	Key   string              `json:"key"`
	Title string              `json:"title"`
	Items []QuestionnaireItem `json:"items"`
}

// QuestionnaireItem is one item with the respondent's answer, if any.
type QuestionnaireItem struct {
	ID               int64     `json:"id"`
	Prompt           string    `json:"prompt"`
	Guidance         string    `json:"guidance"`
	EvidenceRequired bool      `json:"evidence_required"`
	Response         *Response `json:"response"`
	Editable         bool      `json:"editable"`
}

// BuildQuestionnaire assembles the respondent's view from the invitation,
// the template and its responses (by item).
func BuildQuestionnaire(title string, inv *Invitation, t *Template, responses map[int64]*Response) Questionnaire {
	q := Questionnaire{EvaluationTitle: title, CustodianName: inv.CustodianName, RespondentName: inv.Name,
		ExpiresAt: inv.ExpiresAt, SubmittedAt: inv.SubmittedAt, Sections: []QuestionnaireSection{}}
	for _, s := range inv.Sections(t) {
		qs := QuestionnaireSection{Key: s.Key, Title: s.Title, Items: []QuestionnaireItem{}}
		for _, it := range s.Items {
			r := responses[it.ID]
			qs.Items = append(qs.Items, QuestionnaireItem{ID: it.ID, Prompt: it.Prompt, Guidance: it.Guidance,
				EvidenceRequired: it.EvidenceRequired, Response: r, Editable: r.editable(inv)})
			q.CanSubmit = q.CanSubmit || r.submittable(inv)
		}
		q.Sections = append(q.Sections, qs)
	}
	return q
}

// Invite opens an invitation to a candidate of a draft; sections must be
// keys of the evaluation's template.
func Invite(e Evaluation, t *Template, p Part, n NewInvitation, by int64, at time.Time) (InvitationCreated, error) {
	if err := n.Validate(); err != nil {
		return InvitationCreated{}, err
	}
	for _, k := range n.SectionKeys {
		if !slices.ContainsFunc(t.Sections, func(s ChecklistSection) bool { return s.Key == k }) {
			return InvitationCreated{}, Invalid("section_keys", "names a section that is not in this evaluation's checklist: "+k)
		}
	}
	if err := checkStatus(&e, StatusDraft, 0); err != nil {
		return InvitationCreated{}, err
	}
	if err := p.check(); err != nil {
		return InvitationCreated{}, err
	}
	keys := slices.Clone(n.SectionKeys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if keys == nil {
		keys = []string{}
	}
	inv := Invitation{EvaluationID: e.ID, CustodianID: p.CustodianID, Name: n.Name, Email: n.Email, SectionKeys: keys,
		CreatedBy: by, CreatedAt: at, ExpiresAt: at.Add(time.Duration(n.ExpiresInDays) * 24 * time.Hour)}
	inv.State = inv.StateAt(at)
	return InvitationCreated{EvaluationID: e.ID, Invitation: inv}, nil
}

// RevokeInvitation withdraws a link; a revoked link stays revoked.
func RevokeInvitation(inv Invitation, at time.Time) (InvitationWithdrawn, error) {
	if inv.RevokedAt != nil {
		return InvitationWithdrawn{}, Errorf(ECONFLICT, "the invitation was already revoked")
	}
	after := inv
	after.RevokedAt = &at
	after.State = StateRevoked
	return InvitationWithdrawn{EvaluationID: inv.EvaluationID, Before: inv, After: after}, nil
}

// respondentCan checks what every respondent write needs: an open link on
// a draft.
func respondentCan(e Evaluation, inv *Invitation, at time.Time) error {
	if err := inv.CheckAccess(at); err != nil {
		return err
	}
	if e.Status != StatusDraft {
		return Errorf(ECONFLICT, "the team has closed this questionnaire: it takes no more answers")
	}
	return nil
}

// SaveResponse records the respondent's draft answer to one item in scope.
func SaveResponse(e Evaluation, t *Template, inv Invitation, itemID int64, current *Response, in AnswerInput, at time.Time) (ResponseSaved, error) {
	if err := in.Validate(); err != nil {
		return ResponseSaved{}, err
	}
	if err := respondentCan(e, &inv, at); err != nil {
		return ResponseSaved{}, err
	}
	if !inv.InScope(t, itemID) {
		return ResponseSaved{}, Errorf(ENOTFOUND, "this questionnaire has no item %d", itemID)
	}
	if !current.editable(&inv) {
		return ResponseSaved{}, Errorf(ECONFLICT, "this answer was already submitted; the team will ask if it needs more")
	}
	after := Response{ItemID: itemID, Status: in.Status, Note: in.Note, State: ResponseDraftState, UpdatedAt: at, Documents: []ResponseDocument{}}
	if current != nil {
		// The officer's question stays beside the new answer.
		after.Documents, after.SubmittedAt, after.Clarification = current.Documents, current.SubmittedAt, current.Clarification
		after.ReviewedBy, after.ReviewedAt = current.ReviewedBy, current.ReviewedAt
	}
	return ResponseSaved{EvaluationID: e.ID, InvitationID: inv.ID, Before: current, After: after}, nil
}

// Respondent upload bounds by default. A link needs no account, and the
// per-address rate limit only slows one client down: without a bound per
// invitation, a leaked or careless link could fill the database.
const (
	DefaultRespondentMaxDocuments       = 50
	DefaultRespondentMaxBytes     int64 = 100 << 20
)

// UploadAllowance is how much one invitation may hold in documents, in
// number and in bytes all told.
type UploadAllowance struct {
	MaxDocuments int
	MaxBytes     int64
}

// DefaultUploadAllowance is the allowance when the server sets none.
var DefaultUploadAllowance = UploadAllowance{MaxDocuments: DefaultRespondentMaxDocuments, MaxBytes: DefaultRespondentMaxBytes}

// UploadsHeld is what an invitation holds already: every document its
// respondent uploaded, whatever became of it (accepted documents stay the
// respondent's uploads; they are copied to evidence, not moved).
type UploadsHeld struct {
	Documents int
	Bytes     int64
}

// admit refuses a new document of size bytes that would take the
// invitation past its allowance. The store must count held under a lock
// that every upload through the invitation takes, or two uploads could
// both see room for one.
func (a UploadAllowance) admit(held UploadsHeld, size int64) error {
	if held.Documents >= a.MaxDocuments {
		return &Error{Code: ECONFLICT, Message: fmt.Sprintf("this questionnaire already holds %d documents, the most one invitation takes", held.Documents),
			Fields: []FieldError{{"file", fmt.Sprintf("one invitation takes at most %d documents; ask the team that sent the link if you need to send more", a.MaxDocuments)}}}
	}
	if held.Bytes+size > a.MaxBytes {
		return &Error{Code: ECONFLICT, Message: "this file would take the questionnaire's documents past their size limit",
			Fields: []FieldError{{"file", fmt.Sprintf("one invitation takes at most %s of documents in all; %s are uploaded and this file has %s",
				byteSize(a.MaxBytes), byteSize(held.Bytes), byteSize(size))}}}
	}
	return nil
}

// byteSize writes n for people: bytes, KiB or MiB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// AddResponseDocument checks an upload for an item in scope under the same
// type sniffing and size limit as evidence, and within the invitation's
// allowance given what it holds.
func AddResponseDocument(e Evaluation, t *Template, inv Invitation, current *Response, itemID int64, label string, content []byte,
	held UploadsHeld, allowance UploadAllowance, at time.Time) (ResponseDocumentAdded, error) {
	label, ctype, err := CheckEvidence(label, content)
	if err != nil {
		return ResponseDocumentAdded{}, err
	}
	if err := respondentCan(e, &inv, at); err != nil {
		return ResponseDocumentAdded{}, err
	}
	if !inv.InScope(t, itemID) {
		return ResponseDocumentAdded{}, Errorf(ENOTFOUND, "this questionnaire has no item %d", itemID)
	}
	if !current.editable(&inv) {
		return ResponseDocumentAdded{}, Errorf(ECONFLICT, "this answer was already submitted; the team will ask if it needs more")
	}
	if err := allowance.admit(held, int64(len(content))); err != nil {
		return ResponseDocumentAdded{}, err
	}
	return ResponseDocumentAdded{EvaluationID: e.ID, InvitationID: inv.ID, Content: content,
		Document: ResponseDocument{ItemID: itemID, Label: label, ContentType: ctype, Size: int64(len(content)),
			SHA256: sha256Of(content), UploadedAt: at}}, nil
}

// SubmitResponses hands the respondent's drafts, and the items it answered
// again after a question, to the team.
func SubmitResponses(e Evaluation, inv Invitation, responses []Response, at time.Time) (ResponsesSubmitted, error) {
	if err := respondentCan(e, &inv, at); err != nil {
		return ResponsesSubmitted{}, err
	}
	var items []int64
	for _, r := range responses {
		if r.submittable(&inv) {
			items = append(items, r.ItemID)
		}
	}
	if len(items) == 0 {
		return ResponsesSubmitted{}, Errorf(ECONFLICT, "there is nothing new to submit: answer at least one item first")
	}
	return ResponsesSubmitted{EvaluationID: e.ID, InvitationID: inv.ID, ItemIDs: items, At: at}, nil
}

// AcceptResponse makes a submitted response the team's answer to the item,
// marked as the custodian's with the time it was submitted; its documents
// become evidence. current is the team's answer now.
func AcceptResponse(e Evaluation, inv Invitation, r *Response, current Answer, by int64, at time.Time) (ResponseAccepted, AnswerRecorded, []EvidenceAttached, error) {
	if err := checkStatus(&e, StatusDraft, 0); err != nil {
		return ResponseAccepted{}, AnswerRecorded{}, nil, err
	}
	if r == nil {
		return ResponseAccepted{}, AnswerRecorded{}, nil, Errorf(ENOTFOUND, "the custodian has not answered this item")
	}
	if r.State != ResponseSubmittedState {
		return ResponseAccepted{}, AnswerRecorded{}, nil, Errorf(ECONFLICT, "only a submitted response can be accepted (this one is %s)", r.State)
	}
	invID := inv.ID
	after := Answer{ItemID: r.ItemID, Status: r.Status, Note: r.Note, Version: current.Version + 1,
		UpdatedBy: &by, UpdatedAt: &at, FromInvitationID: &invID, RespondedAt: r.SubmittedAt}
	answer := AnswerRecorded{EvaluationID: e.ID, CustodianID: inv.CustodianID, Before: current, After: after}
	var evidence []EvidenceAttached
	var docs []int64
	for _, d := range r.Documents {
		if d.EvidenceID != nil {
			continue
		}
		docs = append(docs, d.ID)
		evidence = append(evidence, EvidenceAttached{EvaluationID: e.ID, Evidence: Evidence{CustodianID: inv.CustodianID,
			ItemID: r.ItemID, Label: d.Label, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256,
			UploadedBy: by, UploadedAt: at}})
	}
	accepted := *r
	accepted.State, accepted.ReviewedBy, accepted.ReviewedAt = ResponseAcceptedState, &by, &at
	return ResponseAccepted{EvaluationID: e.ID, InvitationID: inv.ID, CustodianID: inv.CustodianID, Before: *r,
		After: accepted, DocumentIDs: docs}, answer, evidence, nil
}

// RequestClarification asks the respondent about a submitted response and
// reopens that item on the same link.
func RequestClarification(e Evaluation, inv Invitation, r *Response, comment string, by int64, at time.Time) (ClarificationRequested, error) {
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return ClarificationRequested{}, Invalid("comment", "say what the custodian should clarify")
	} else if utf8.RuneCountInString(comment) > 4000 {
		return ClarificationRequested{}, Invalid("comment", "is too long (4000 characters at most)")
	}
	if err := checkStatus(&e, StatusDraft, 0); err != nil {
		return ClarificationRequested{}, err
	}
	if r == nil {
		return ClarificationRequested{}, Errorf(ENOTFOUND, "the custodian has not answered this item")
	}
	if r.State != ResponseSubmittedState {
		return ClarificationRequested{}, Errorf(ECONFLICT, "only a submitted response can be questioned (this one is %s)", r.State)
	}
	if inv.RevokedAt != nil || !at.Before(inv.ExpiresAt) {
		return ClarificationRequested{}, Errorf(ECONFLICT, "the invitation is %s: send a new one to ask the custodian", inv.StateAt(at))
	}
	after := *r
	after.State, after.Clarification, after.ReviewedBy, after.ReviewedAt = ResponseClarifyState, comment, &by, &at
	return ClarificationRequested{EvaluationID: e.ID, InvitationID: inv.ID, Before: *r, After: after}, nil
}

func sha256Of(b []byte) HashBytes {
	sum := sha256.Sum256(b)
	return sum[:]
}

// --- events ------------------------------------------------------------------

// InvitationCreated: an officer invited a custodian's contact. The store
// assigns Invitation.ID when it saves it.
type InvitationCreated struct {
	EvaluationID int64
	Invitation   Invitation
}

// InvitationWithdrawn: an officer revoked a link.
type InvitationWithdrawn struct {
	EvaluationID  int64
	Before, After Invitation
}

// InvitationOpened: the respondent opened the link for the first time.
type InvitationOpened struct {
	EvaluationID int64
	InvitationID int64
	At           time.Time
}

// ResponseSaved: the respondent saved a draft answer to one item. Before
// is nil for a first answer.
type ResponseSaved struct {
	EvaluationID int64
	InvitationID int64
	Before       *Response
	After        Response
}

// ResponseDocumentAdded: the respondent uploaded a document for an item.
// The store assigns Document.ID when it saves it.
type ResponseDocumentAdded struct {
	EvaluationID int64
	InvitationID int64
	Document     ResponseDocument
	Content      []byte
}

// ResponsesSubmitted: the respondent handed these items to the team.
type ResponsesSubmitted struct {
	EvaluationID int64
	InvitationID int64
	ItemIDs      []int64
	At           time.Time
}

// ResponseAccepted: an officer made a response the team's answer; the
// answer's AnswerRecorded and the documents' EvidenceAttached go with it.
type ResponseAccepted struct {
	EvaluationID  int64
	InvitationID  int64
	CustodianID   int64
	Before, After Response
	DocumentIDs   []int64
}

// ClarificationRequested: an officer asked about a response, which reopens
// the item for the respondent.
type ClarificationRequested struct {
	EvaluationID  int64
	InvitationID  int64
	Before, After Response
}

// ResponseDocumentDownloaded: an officer, manager or auditor took a copy of
// a respondent's document to review it.
type ResponseDocumentDownloaded struct {
	EvaluationID int64
	InvitationID int64
	Document     ResponseDocument
}

func (e ResponseDocumentDownloaded) Evaluation() int64 { return e.EvaluationID }
func (ResponseDocumentDownloaded) event()              {}

func (e InvitationCreated) Evaluation() int64      { return e.EvaluationID }
func (e InvitationWithdrawn) Evaluation() int64    { return e.EvaluationID }
func (e InvitationOpened) Evaluation() int64       { return e.EvaluationID }
func (e ResponseSaved) Evaluation() int64          { return e.EvaluationID }
func (e ResponseDocumentAdded) Evaluation() int64  { return e.EvaluationID }
func (e ResponsesSubmitted) Evaluation() int64     { return e.EvaluationID }
func (e ResponseAccepted) Evaluation() int64       { return e.EvaluationID }
func (e ClarificationRequested) Evaluation() int64 { return e.EvaluationID }

func (InvitationCreated) event()      {}
func (InvitationWithdrawn) event()    {}
func (InvitationOpened) event()       {}
func (ResponseSaved) event()          {}
func (ResponseDocumentAdded) event()  {}
func (ResponsesSubmitted) event()     {}
func (ResponseAccepted) event()       {}
func (ClarificationRequested) event() {}

// invitationEventTypes lists the events above, for EventTypes.
func invitationEventTypes() []Event {
	return []Event{InvitationCreated{}, InvitationWithdrawn{}, InvitationOpened{}, ResponseSaved{},
		ResponseDocumentAdded{}, ResponsesSubmitted{}, ResponseAccepted{}, ClarificationRequested{}, ResponseDocumentDownloaded{}}
}

// InvitationService runs invitations for officers and the questionnaire for
// respondents, who are known only by their link's token.
type InvitationService interface {
	Invite(ctx context.Context, evaluationID int64, n NewInvitation) (*IssuedInvitation, error)
	// Invitations lists an evaluation's invitations, each with its responses.
	Invitations(ctx context.Context, evaluationID int64) ([]InvitationReview, error)
	RevokeInvitation(ctx context.Context, evaluationID, invitationID int64) (*Invitation, error)
	AcceptResponse(ctx context.Context, evaluationID, invitationID, itemID int64) (*Response, error)
	RequestClarification(ctx context.Context, evaluationID, invitationID, itemID int64, comment string) (*Response, error)
	// ResponseDocument returns a respondent's file for the officer to review.
	ResponseDocument(ctx context.Context, evaluationID, invitationID, documentID int64) (*ResponseDocument, []byte, error)

	// The respondent's side, by token.
	Questionnaire(ctx context.Context, token string) (*Questionnaire, error)
	SaveResponse(ctx context.Context, token string, itemID int64, in AnswerInput) (*Response, error)
	AddResponseDocument(ctx context.Context, token string, itemID int64, label string, content []byte) (*ResponseDocument, error)
	SubmitResponses(ctx context.Context, token string) (*Questionnaire, error)
}

// InvitationReview is an invitation with its responses, for the officer.
type InvitationReview struct {
	Invitation
	Responses []Response `json:"responses"`
}
