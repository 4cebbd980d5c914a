package custos

import (
	"encoding/json"
	"time"
)

// Event is something that happened to an evaluation or its memo: what a
// command decided. The store saves it and records the audit event derived
// from it, so every change has exactly one audit event of a known shape.
type Event interface {
	// Evaluation is the ID of the evaluation the event belongs to.
	Evaluation() int64
	event()
}

// EvaluationCreated: an officer opened an evaluation. The store assigns
// Evaluation.ID when it saves it.
type EvaluationCreated struct {
	Header       Evaluation
	CustodianIDs []int64
}

// EvaluationHeaderChange is what an edit can change in a draft's header.
type EvaluationHeaderChange struct {
	Title   string
	Mandate Mandate
	DueDate *string
}

// EvaluationUpdated: a draft's title, mandate or due date changed.
type EvaluationUpdated struct {
	EvaluationID   int64
	Before, After  EvaluationHeaderChange
	MandateChanged bool
}

// CandidateAdded: a catalogue custodian joined a draft.
type CandidateAdded struct {
	EvaluationID int64
	CustodianID  int64
}

// CandidateRemoved: a custodian left a draft with everything about it;
// Removed summarises what went with it.
type CandidateRemoved struct {
	EvaluationID int64
	CustodianID  int64
	Removed      json.RawMessage
}

// AnswerRecorded: one checklist item's answer for one candidate changed.
type AnswerRecorded struct {
	EvaluationID  int64
	CustodianID   int64
	Before, After Answer
}

// EvidenceAttached: a file now supports an answer. The store assigns
// Evidence.ID when it saves it.
type EvidenceAttached struct {
	EvaluationID int64
	Evidence     Evidence
	Content      []byte
}

// EvidenceDownloaded: someone took a copy of an evidence file.
type EvidenceDownloaded struct {
	EvaluationID int64
	Evidence     Evidence
}

// ScoreRecorded: a criterion's score for a candidate changed. Before is nil
// for a first score.
type ScoreRecorded struct {
	EvaluationID int64
	CustodianID  int64
	Before       *Score
	After        Score
}

// RedFlagRaised: a flag was raised, by an officer or by mandate fit. The
// store assigns Flag.ID when it saves it.
type RedFlagRaised struct {
	EvaluationID int64
	Flag         RedFlag
}

// RedFlagMoved: a flag's status changed.
type RedFlagMoved struct {
	EvaluationID  int64
	Before, After RedFlag
}

// ShortlistSet: the shortlist was replaced.
type ShortlistSet struct {
	EvaluationID  int64
	Before, After []ShortlistEntry
}

// EvaluationSubmitted: a complete draft was frozen for approval as round
// Round, with the number of approvals that round needs fixed.
type EvaluationSubmitted struct {
	EvaluationID      int64
	Round             int
	SubmittedBy       int64
	SubmittedAt       time.Time
	SnapshotHash      HashBytes
	Shortlist         []ShortlistEntry
	ApprovalsRequired int
}

// DecisionRecorded: a manager approved or returned a submitted round.
// Status is where the evaluation is afterwards; Approvals counts the
// round's approvals including this one.
type DecisionRecorded struct {
	EvaluationID      int64
	Round             int
	ManagerID         int64
	Decision          Decision
	Comment           string
	SnapshotHash      HashBytes
	Approvals         int
	ApprovalsRequired int
	Status            EvaluationStatus
	At                time.Time
}

// SubmissionWithdrawn: the submitter took a round back to draft before any
// manager decided on it; the round is void, like a returned one.
type SubmissionWithdrawn struct {
	EvaluationID int64
	Round        int
	SnapshotHash HashBytes
	By           int64
	At           time.Time
}

// RedFlagWithdrawn: a flag raised by mistake was withdrawn; After.Resolution
// is the reason.
type RedFlagWithdrawn struct {
	EvaluationID  int64
	Before, After RedFlag
}

// EvidenceRemoved: a file was taken off a draft's answer. The store deletes
// the file; this event keeps its label, size and SHA-256.
type EvidenceRemoved struct {
	EvaluationID int64
	Evidence     Evidence
	RemovedBy    int64
	RemovedAt    time.Time
}

// MemoIssued: the signed memo of an approved evaluation was registered.
type MemoIssued struct{ Memo Memo }

// MemoDownloaded: someone took a copy of a memo.
type MemoDownloaded struct{ Memo Memo }

func (e EvaluationCreated) Evaluation() int64   { return e.Header.ID }
func (e EvaluationUpdated) Evaluation() int64   { return e.EvaluationID }
func (e CandidateAdded) Evaluation() int64      { return e.EvaluationID }
func (e CandidateRemoved) Evaluation() int64    { return e.EvaluationID }
func (e AnswerRecorded) Evaluation() int64      { return e.EvaluationID }
func (e EvidenceAttached) Evaluation() int64    { return e.EvaluationID }
func (e EvidenceDownloaded) Evaluation() int64  { return e.EvaluationID }
func (e ScoreRecorded) Evaluation() int64       { return e.EvaluationID }
func (e RedFlagRaised) Evaluation() int64       { return e.EvaluationID }
func (e RedFlagMoved) Evaluation() int64        { return e.EvaluationID }
func (e ShortlistSet) Evaluation() int64        { return e.EvaluationID }
func (e EvaluationSubmitted) Evaluation() int64 { return e.EvaluationID }
func (e DecisionRecorded) Evaluation() int64    { return e.EvaluationID }
func (e SubmissionWithdrawn) Evaluation() int64 { return e.EvaluationID }
func (e RedFlagWithdrawn) Evaluation() int64    { return e.EvaluationID }
func (e EvidenceRemoved) Evaluation() int64     { return e.EvaluationID }
func (e MemoIssued) Evaluation() int64          { return e.Memo.EvaluationID }
func (e MemoDownloaded) Evaluation() int64      { return e.Memo.EvaluationID }

func (EvaluationCreated) event()   {}
func (EvaluationUpdated) event()   {}
func (CandidateAdded) event()      {}
func (CandidateRemoved) event()    {}
func (AnswerRecorded) event()      {}
func (EvidenceAttached) event()    {}
func (EvidenceDownloaded) event()  {}
func (ScoreRecorded) event()       {}
func (RedFlagRaised) event()       {}
func (RedFlagMoved) event()        {}
func (ShortlistSet) event()        {}
func (EvaluationSubmitted) event() {}
func (DecisionRecorded) event()    {}
func (SubmissionWithdrawn) event() {}
func (RedFlagWithdrawn) event()    {}
func (EvidenceRemoved) event()     {}
func (MemoIssued) event()          {}
func (MemoDownloaded) event()      {}

// EventTypes returns one value of every event type, so that a store can
// check that it records each of them (a test in the domain checks that this
// list names every type that implements Event).
func EventTypes() []Event {
	return append([]Event{
		EvaluationCreated{}, EvaluationUpdated{}, CandidateAdded{}, CandidateRemoved{},
		AnswerRecorded{}, EvidenceAttached{}, EvidenceDownloaded{}, ScoreRecorded{},
		RedFlagRaised{}, RedFlagMoved{}, ShortlistSet{},
		EvaluationSubmitted{}, DecisionRecorded{}, MemoIssued{}, MemoDownloaded{},
		SubmissionWithdrawn{}, RedFlagWithdrawn{}, EvidenceRemoved{},
		RelationshipAppointed{}, RelationshipUpdated{}, RelationshipEnded{}, RelationshipReviewed{}, RediligenceOpened{},
		EvaluationExported{}, CatalogueExported{},
		AssuranceDocumentAdded{}, AssuranceDocumentChanged{}, AssuranceDocumentDownloaded{},
	}, invitationEventTypes()...)
}
