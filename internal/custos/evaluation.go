package custos

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EvaluationStatus is where an evaluation is in its workflow.
type EvaluationStatus string

const (
	StatusDraft     EvaluationStatus = "draft"
	StatusSubmitted EvaluationStatus = "submitted"
	StatusApproved  EvaluationStatus = "approved"
)

// Candidates per evaluation.
const (
	MinCandidates = 2
	MaxCandidates = 20
)

// Mandate is what the institution needs from its custodian.
type Mandate struct {
	Regions                    []string `json:"regions"`
	QualifiedCustodianRequired bool     `json:"qualified_custodian_required"`
	Assets                     []string `json:"assets"`
	StakingRequired            bool     `json:"staking_required"`
	ExpectedAUCUSD             int64    `json:"expected_assets_under_custody_usd"`
}

// Validate checks the mandate and tidies its lists.
func (m *Mandate) Validate(p *Problems) {
	if len(m.Regions) == 0 {
		p.Add("mandate.regions", "name at least one region")
	}
	seen := map[string]bool{}
	for _, r := range m.Regions {
		if !contains(Regions, r) {
			p.Add("mandate.regions", "unknown region "+r)
		} else if seen[r] {
			p.Add("mandate.regions", "region "+r+" is listed twice")
		}
		seen[r] = true
	}
	if m.Assets == nil {
		m.Assets = []string{}
	}
	for i, a := range m.Assets {
		m.Assets[i] = strings.TrimSpace(a)
		if m.Assets[i] == "" || utf8.RuneCountInString(m.Assets[i]) > 40 {
			p.Add("mandate.assets", "each asset is a short non-empty name such as BTC")
		}
	}
	if m.ExpectedAUCUSD < 0 {
		p.Add("mandate.expected_assets_under_custody_usd", "must not be negative")
	}
}

// Evaluation is the header of a team's due diligence.
type Evaluation struct {
	ID          int64            `json:"id"`
	TeamID      int64            `json:"team_id"`
	Title       string           `json:"title"`
	TemplateID  int64            `json:"template_id"`
	Mandate     Mandate          `json:"mandate"`
	OwnerID     int64            `json:"owner_id"`
	OwnerName   string           `json:"owner_name"`
	DueDate     *string          `json:"due_date"`
	Status      EvaluationStatus `json:"status"`
	Version     int              `json:"version"`
	Round       int              `json:"round"`
	SubmittedBy *int64           `json:"submitted_by"`
	// SubmittedByName saves the web app a lookup of the team's members.
	SubmittedByName *string    `json:"submitted_by_name"`
	SubmittedAt     *time.Time `json:"submitted_at"`
	SnapshotHash    HashBytes  `json:"snapshot_hash"`
	ApprovedAt      *time.Time `json:"approved_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// RelationshipID is set on a re-diligence: the custody relationship it
	// reviews. FollowsEvaluationID is the approved evaluation it follows.
	RelationshipID      *int64 `json:"relationship_id,omitempty"`
	FollowsEvaluationID *int64 `json:"follows_evaluation_id,omitempty"`
}

// NewEvaluation is what an officer gives to open an evaluation.
type NewEvaluation struct {
	TeamID       int64
	Title        string
	TemplateID   int64
	Mandate      Mandate
	CustodianIDs []int64
	DueDate      *string
}

func validDueDate(p *Problems, d *string) {
	if d == nil {
		return
	}
	if _, err := time.Parse("2006-01-02", *d); err != nil || !datePattern.MatchString(*d) {
		p.Add("due_date", "must be a date (YYYY-MM-DD)")
	}
}

func validTitle(p *Problems, title *string) {
	*title = strings.TrimSpace(*title)
	validName(p, "title", *title, 200)
}

// Validate checks a new evaluation.
func (n *NewEvaluation) Validate() error {
	var p Problems
	if n.TeamID <= 0 {
		p.Add("team_id", "is required")
	}
	if n.TemplateID <= 0 {
		p.Add("template_id", "is required")
	}
	validTitle(&p, &n.Title)
	n.Mandate.Validate(&p)
	validDueDate(&p, n.DueDate)
	if len(n.CustodianIDs) < MinCandidates || len(n.CustodianIDs) > MaxCandidates {
		p.Add("custodian_ids", "name between 2 and 20 candidate custodians")
	}
	seen := map[int64]bool{}
	for _, id := range n.CustodianIDs {
		if seen[id] {
			p.Add("custodian_ids", "a custodian is listed twice")
			break
		}
		seen[id] = true
	}
	return p.Err()
}

// EvaluationUpdate changes a draft; nil fields stay.
type EvaluationUpdate struct {
	Title   *string
	Mandate *Mandate
	DueDate *string
	// ClearDueDate removes the due date.
	ClearDueDate bool
}

// Validate checks the update.
func (u *EvaluationUpdate) Validate() error {
	var p Problems
	if u.Title != nil {
		validTitle(&p, u.Title)
	}
	if u.Mandate != nil {
		u.Mandate.Validate(&p)
	}
	validDueDate(&p, u.DueDate)
	return p.Err()
}

// AnswerStatus is the state of one checklist item for one custodian.
type AnswerStatus string

const (
	AnswerPending       AnswerStatus = "pending"
	AnswerMet           AnswerStatus = "met"
	AnswerPartlyMet     AnswerStatus = "partly_met"
	AnswerNotMet        AnswerStatus = "not_met"
	AnswerNotApplicable AnswerStatus = "not_applicable"
)

// AnswerStatuses lists every answer status.
var AnswerStatuses = []AnswerStatus{AnswerPending, AnswerMet, AnswerPartlyMet, AnswerNotMet, AnswerNotApplicable}

// AnswerInput is an officer's answer to one item.
type AnswerInput struct {
	Status AnswerStatus
	Note   string
}

// Validate checks that the status is known and that a shortfall is explained.
func (a *AnswerInput) Validate() error {
	var p Problems
	ok := false
	for _, s := range AnswerStatuses {
		ok = ok || a.Status == s
	}
	if !ok {
		p.Add("status", "must be one of pending, met, partly_met, not_met, not_applicable")
	}
	a.Note = strings.TrimSpace(a.Note)
	if (a.Status == AnswerNotMet || a.Status == AnswerPartlyMet) && a.Note == "" {
		p.Add("note", "explain why the item is not (fully) met")
	}
	if utf8.RuneCountInString(a.Note) > 4000 {
		p.Add("note", "is too long (4000 characters at most)")
	}
	return p.Err()
}

// Answer is the state of one checklist item for one candidate.
type Answer struct {
	ItemID    int64        `json:"item_id"`
	Status    AnswerStatus `json:"status"`
	Note      string       `json:"note"`
	Version   int          `json:"version"`
	UpdatedBy *int64       `json:"updated_by"`
	UpdatedAt *time.Time   `json:"updated_at"`
	// CarriedForward marks an answer a re-diligence took over from the
	// evaluation it follows; answering the item again confirms it.
	CarriedForward bool `json:"carried_forward,omitempty" db:"carried_forward"`
	// FromInvitationID and RespondedAt mark an answer accepted from the
	// custodian's own response (invitation.go): which invitation, and when
	// the custodian submitted it.
	FromInvitationID *int64     `json:"from_invitation_id,omitempty" db:"from_invitation_id"`
	RespondedAt      *time.Time `json:"responded_at,omitempty" db:"responded_at"`
}

// ScoreInput is a 0–5 score with its rationale.
type ScoreInput struct {
	Score     int
	Rationale string
}

// Validate checks the score.
func (s *ScoreInput) Validate() error {
	var p Problems
	if s.Score < 0 || s.Score > 5 {
		p.Add("score", "must be between 0 and 5")
	}
	s.Rationale = strings.TrimSpace(s.Rationale)
	if s.Rationale == "" {
		p.Add("rationale", "say why the custodian earns this score")
	} else if utf8.RuneCountInString(s.Rationale) > 4000 {
		p.Add("rationale", "is too long (4000 characters at most)")
	}
	return p.Err()
}

// Score is one criterion's score for one candidate.
type Score struct {
	Criterion string    `json:"criterion"`
	Score     int       `json:"score"`
	Rationale string    `json:"rationale"`
	UpdatedBy int64     `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Evidence is an uploaded file that supports an answer.
type Evidence struct {
	ID          int64     `json:"id"`
	CustodianID int64     `json:"custodian_id"`
	ItemID      int64     `json:"item_id"`
	Label       string    `json:"label"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      HashBytes `json:"sha256"`
	UploadedBy  int64     `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// EvidenceFile is an evidence file's bytes.
type EvidenceFile struct {
	Evidence
	Content []byte
}

// EvidenceTypes are the content types accepted, as detected from the bytes.
var EvidenceTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
	"text/plain":      ".txt",
}

// RedFlagStatus is where a red flag is in its life.
type RedFlagStatus string

const (
	FlagOpen      RedFlagStatus = "open"
	FlagMitigated RedFlagStatus = "mitigated"
	FlagAccepted  RedFlagStatus = "accepted"
	FlagClosed    RedFlagStatus = "closed"
	// FlagWithdrawn: the flag was raised by mistake (never a resolution of
	// a real concern); its Resolution says why.
	FlagWithdrawn RedFlagStatus = "withdrawn"
)

// RedFlag is a concern raised about one candidate.
type RedFlag struct {
	ID           int64         `json:"id"`
	CustodianID  int64         `json:"custodian_id"`
	DefinitionID *int64        `json:"definition_id"`
	Title        string        `json:"title"`
	Description  string        `json:"description"`
	Severity     Severity      `json:"severity"`
	Status       RedFlagStatus `json:"status"`
	Resolution   string        `json:"resolution"`
	MandateRule  *string       `json:"mandate_rule"`
	Reason       string        `json:"reason"`
	// DocumentItemID is the checklist item whose required assurance
	// document raised the flag by itself (assurance.go); nil otherwise.
	DocumentItemID *int64    `json:"document_item_id"`
	RaisedBy       *int64    `json:"raised_by"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// NewRedFlag raises a flag from the template catalogue (DefinitionID) or a
// custom one (Title and Severity).
type NewRedFlag struct {
	DefinitionID *int64
	Title        string
	Description  string
	Severity     Severity
}

func validSeverity(s Severity) bool {
	return s == SeverityLow || s == SeverityMedium || s == SeverityHigh || s == SeverityCritical
}

// Validate checks a new flag.
func (f *NewRedFlag) Validate() error {
	var p Problems
	f.Title = strings.TrimSpace(f.Title)
	f.Description = strings.TrimSpace(f.Description)
	if f.DefinitionID == nil {
		validName(&p, "title", f.Title, 200)
		if !validSeverity(f.Severity) {
			p.Add("severity", "must be low, medium, high or critical")
		}
	} else if f.Severity != "" && !validSeverity(f.Severity) {
		p.Add("severity", "must be low, medium, high or critical")
	}
	if utf8.RuneCountInString(f.Description) > 4000 {
		p.Add("description", "is too long (4000 characters at most)")
	}
	return p.Err()
}

// RedFlagMove changes a flag's status.
type RedFlagMove struct {
	Status     RedFlagStatus
	Resolution string
}

// Validate checks the move: an accepted flag needs a justification.
func (m *RedFlagMove) Validate() error {
	var p Problems
	m.Resolution = strings.TrimSpace(m.Resolution)
	switch m.Status {
	case FlagOpen, FlagMitigated, FlagClosed:
	case FlagAccepted:
		if m.Resolution == "" {
			p.Add("resolution", "justify why the risk is accepted")
		}
	default:
		p.Add("status", "must be open, mitigated, accepted or closed")
	}
	if utf8.RuneCountInString(m.Resolution) > 4000 {
		p.Add("resolution", "is too long (4000 characters at most)")
	}
	return p.Err()
}

// ShortlistEntry is one ranked custodian on the shortlist.
type ShortlistEntry struct {
	CustodianID int64  `json:"custodian_id"`
	Rank        int    `json:"rank"`
	Rationale   string `json:"rationale"`
	// InversionRationale says why this custodian is placed above one the
	// ranking puts higher; needed only then. Left out of JSON when empty so
	// snapshots hashed before it existed hash the same.
	InversionRationale string `json:"inversion_rationale,omitempty"`
}

// ValidateShortlist checks ranks 1..n without gaps, candidates only, a
// rationale for each.
func ValidateShortlist(entries []ShortlistEntry, candidates map[int64]bool) error {
	var p Problems
	if len(entries) == 0 {
		p.Add("entries", "shortlist at least one custodian")
	}
	ranks := map[int]bool{}
	seen := map[int64]bool{}
	for i := range entries {
		e := &entries[i]
		e.Rationale = strings.TrimSpace(e.Rationale)
		if !candidates[e.CustodianID] {
			p.Add("entries", "custodian "+itoa64(e.CustodianID)+" is not a candidate of this evaluation")
		}
		if seen[e.CustodianID] {
			p.Add("entries", "custodian "+itoa64(e.CustodianID)+" is listed twice")
		}
		seen[e.CustodianID] = true
		if e.Rank < 1 || e.Rank > len(entries) || ranks[e.Rank] {
			p.Add("entries", "ranks must be 1 to "+itoa64(int64(len(entries)))+", each once")
		}
		ranks[e.Rank] = true
		if e.Rationale == "" {
			p.Add("entries", "each shortlisted custodian needs a rationale")
		} else if utf8.RuneCountInString(e.Rationale) > 4000 {
			p.Add("entries", "a rationale is too long (4000 characters at most)")
		}
		e.InversionRationale = strings.TrimSpace(e.InversionRationale)
		if utf8.RuneCountInString(e.InversionRationale) > 4000 {
			p.Add("entries", "an inversion rationale is too long (4000 characters at most)")
		}
	}
	return p.Err()
}

// Decision is a manager's verdict on a submitted shortlist.
type Decision string

const (
	DecisionApprove Decision = "approve"
	DecisionReturn  Decision = "return"
)

// Approval is a manager's decision, tied to the snapshot they saw.
type Approval struct {
	ID           int64     `json:"id"`
	Round        int       `json:"round"`
	ManagerID    int64     `json:"manager_id"`
	ManagerName  string    `json:"manager_name"`
	Decision     Decision  `json:"decision"`
	Comment      string    `json:"comment"`
	SnapshotHash HashBytes `json:"snapshot_hash"`
	CreatedAt    time.Time `json:"created_at"`
}

// EvaluationFilter selects evaluations of one team, newest first.
type EvaluationFilter struct {
	TeamID int64
	Status EvaluationStatus
	// CustodianID, when set, keeps evaluations with that candidate.
	CustodianID int64
	// PreparerID, when set, keeps evaluations that user opened.
	PreparerID int64
	// DueBy, when set (YYYY-MM-DD), keeps evaluations due on or before it.
	DueBy *string
	// Text, when set, keeps evaluations whose title contains it (any case).
	Text string
	// Before is a cursor: only evaluations with a lower ID.
	Before int64
	Limit  int
}

// EvaluationSummary is one line of the evaluation list.
type EvaluationSummary struct {
	Evaluation
	Candidates int `json:"candidates"`
}

// EvaluationPage is a page of evaluations, newest first.
type EvaluationPage = Page[EvaluationSummary]

// EvaluationService runs the workflow.
type EvaluationService interface {
	CreateEvaluation(ctx context.Context, n NewEvaluation) (*Workspace, error)
	ListEvaluations(ctx context.Context, f EvaluationFilter) (*EvaluationPage, error)
	// EvaluationTeam returns the team an evaluation belongs to, for authorization.
	EvaluationTeam(ctx context.Context, id int64) (int64, error)
	Workspace(ctx context.Context, id int64) (*Workspace, error)
	UpdateEvaluation(ctx context.Context, id int64, ifVersion int, u EvaluationUpdate) (*Workspace, error)
	AddCandidate(ctx context.Context, id, custodianID int64, ifVersion int) (*Workspace, error)
	RemoveCandidate(ctx context.Context, id, custodianID int64, ifVersion int) (*Workspace, error)
	// PutAnswer writes one answer; ifVersion, when not nil, must be the
	// answer's version (0 for an item never answered).
	PutAnswer(ctx context.Context, id, custodianID, itemID int64, ifVersion *int, a AnswerInput) (*Answer, error)
	AddEvidence(ctx context.Context, id, custodianID, itemID int64, ifVersion int, label string, content []byte) (*Evidence, error)
	EvidenceFile(ctx context.Context, id, evidenceID int64) (*EvidenceFile, error)
	PutScore(ctx context.Context, id, custodianID int64, criterion string, ifVersion int, s ScoreInput) (*Score, error)
	RaiseRedFlag(ctx context.Context, id, custodianID int64, ifVersion int, f NewRedFlag) (*RedFlag, error)
	MoveRedFlag(ctx context.Context, id, flagID int64, ifVersion int, m RedFlagMove) (*RedFlag, error)
	PutShortlist(ctx context.Context, id int64, ifVersion int, entries []ShortlistEntry) (*Workspace, error)
	Submit(ctx context.Context, id int64, ifVersion int) (*Workspace, error)
	// Decide records a manager's decision; ifVersion, when not 0, must be the
	// version the manager reviewed.
	Decide(ctx context.Context, id int64, ifVersion int, d Decision, comment string) (*Workspace, error)
	// WithdrawSubmission takes the submitter's round back to draft before
	// any decision.
	WithdrawSubmission(ctx context.Context, id int64, ifVersion int) (*Workspace, error)
	WithdrawRedFlag(ctx context.Context, id, flagID int64, ifVersion int, reason string) (*RedFlag, error)
	RemoveEvidence(ctx context.Context, id, evidenceID int64, ifVersion int) error
	// MarkSectionMet marks a section's pending items met for one candidate
	// in one transaction, skipping those that need evidence.
	MarkSectionMet(ctx context.Context, id, custodianID int64, sectionKey string, ifVersion int) (*SectionMarkedResult, error)
}

// SectionMarkedResult is the answer to marking a section met: the answers
// written and the items left alone.
type SectionMarkedResult struct {
	Answers []Answer      `json:"answers"`
	Skipped []SkippedItem `json:"skipped"`
}

// MaxEvidenceBytes bounds one evidence file.
const MaxEvidenceBytes = 10 << 20

// CheckEvidence checks an upload and returns its tidied label and its type,
// detected from the bytes: the client's file name is only a label and its
// claimed type is ignored.
func CheckEvidence(label string, content []byte) (string, string, error) {
	var p Problems
	// Control and format characters (such as a right-to-left override that
	// disguises a file's type) have no place in a label.
	label = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, label))
	if label == "" {
		label = "evidence"
	}
	if utf8.RuneCountInString(label) > 200 {
		p.Add("file", "the file name is too long (200 characters at most)")
	}
	if len(content) == 0 {
		p.Add("file", "is empty")
	} else if len(content) > MaxEvidenceBytes {
		p.Add("file", "is larger than 10 MiB")
	}
	ctype := detectType(content)
	if _, ok := EvidenceTypes[ctype]; !ok && len(content) > 0 {
		p.Add("file", "must be a PDF, PNG, JPEG or plain-text file (this one looks like "+ctype+")")
	}
	return label, ctype, p.Err()
}
