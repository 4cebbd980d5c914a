package postgres

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/custos-dd/custos/internal/custos"
)

// The audit trail's view of the domain events: one exhaustive mapping from
// each event type to its audit event (action, object, before and after).
// The payloads are typed, so an event's recorded shape only changes here.

type evaluationCreatedAudit struct {
	Title        string         `json:"title"`
	TemplateID   int64          `json:"template_id"`
	Mandate      custos.Mandate `json:"mandate"`
	CustodianIDs []int64        `json:"custodian_ids"`
	DueDate      *string        `json:"due_date"`
}

type headerAudit struct {
	Title   string         `json:"title"`
	Mandate custos.Mandate `json:"mandate"`
	DueDate *string        `json:"due_date"`
}

type candidateAudit struct {
	CustodianID int64           `json:"custodian_id"`
	Removed     json.RawMessage `json:"removed,omitempty"`
}

type answerAudit struct {
	Status custos.AnswerStatus `json:"status"`
	Note   string              `json:"note"`
}

type evidenceAudit struct {
	EvaluationID int64  `json:"evaluation_id"`
	CustodianID  int64  `json:"custodian_id"`
	ItemID       int64  `json:"item_id"`
	Label        string `json:"label"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
}

type evidenceDownloadAudit struct {
	EvaluationID int64  `json:"evaluation_id"`
	CustodianID  int64  `json:"custodian_id"`
	ItemID       int64  `json:"item_id"`
	Label        string `json:"label"`
	SHA256       string `json:"sha256"`
}

type scoreAudit struct {
	Score     int    `json:"score"`
	Rationale string `json:"rationale"`
}

type flagAudit struct {
	EvaluationID int64                `json:"evaluation_id"`
	CustodianID  int64                `json:"custodian_id"`
	Title        string               `json:"title"`
	Severity     custos.Severity      `json:"severity"`
	Status       custos.RedFlagStatus `json:"status"`
	Resolution   string               `json:"resolution"`
	MandateRule  *string              `json:"mandate_rule"`
	Reason       string               `json:"reason"`
}

type statusAudit struct {
	Status custos.EvaluationStatus `json:"status"`
}

type submittedAudit struct {
	Status            custos.EvaluationStatus `json:"status"`
	Round             int                     `json:"round"`
	SnapshotSHA256    string                  `json:"snapshot_sha256"`
	Shortlist         []custos.ShortlistEntry `json:"shortlist"`
	ApprovalsRequired int                     `json:"approvals_required"`
}

// withdrawnAudit is the round a submitter took back.
type withdrawnAudit struct {
	Status         custos.EvaluationStatus `json:"status"`
	Round          int                     `json:"round"`
	SnapshotSHA256 string                  `json:"snapshot_sha256"`
}

type decisionAudit struct {
	Decision       custos.Decision         `json:"decision"`
	Comment        string                  `json:"comment"`
	Round          int                     `json:"round"`
	SnapshotSHA256 string                  `json:"snapshot_sha256"`
	Status         custos.EvaluationStatus `json:"status"`
	// Approvals and ApprovalsRequired go with approvals only.
	Approvals         *int `json:"approvals,omitempty"`
	ApprovalsRequired *int `json:"approvals_required,omitempty"`
}

type memoAudit struct {
	EvaluationID      int64  `json:"evaluation_id"`
	SHA256            string `json:"sha256"`
	Size              int64  `json:"size"`
	SignerFingerprint string `json:"signer_fingerprint"`
	SnapshotSHA256    string `json:"snapshot_sha256"`
}

type exportAudit struct {
	Format  custos.ExportFormat `json:"format"`
	Part    custos.ExportPart   `json:"part,omitempty"`
	Version int                 `json:"version"`
}

type catalogueExportAudit struct {
	Format     custos.ExportFormat `json:"format"`
	Custodians int                 `json:"custodians"`
}

type memoDownloadAudit struct {
	EvaluationID int64  `json:"evaluation_id"`
	SHA256       string `json:"sha256"`
}

func flagOf(f custos.RedFlag, evaluationID int64) flagAudit {
	return flagAudit{EvaluationID: evaluationID, CustodianID: f.CustodianID, Title: f.Title, Severity: f.Severity,
		Status: f.Status, Resolution: f.Resolution, MandateRule: f.MandateRule, Reason: f.Reason}
}

func hexOf(h []byte) string { return hex.EncodeToString(h) }

func evalID(id int64) string { return strconv.FormatInt(id, 10) }

// auditOf derives an event's audit entry in the given team. Every event
// type has its case; an event without one is a programming error that the
// test over custos.EventTypes catches.
func auditOf(teamID int64, ev custos.Event) (custos.NewAuditEvent, error) {
	a := custos.NewAuditEvent{TeamID: &teamID, ObjectType: "evaluation", ObjectID: evalID(ev.Evaluation())}
	switch e := ev.(type) {
	case custos.EvaluationCreated:
		h := e.Header
		a.Action = "evaluation.create"
		a.After = evaluationCreatedAudit{Title: h.Title, TemplateID: h.TemplateID, Mandate: h.Mandate,
			CustodianIDs: e.CustodianIDs, DueDate: h.DueDate}
	case custos.EvaluationUpdated:
		a.Action = "evaluation.update"
		a.Before = headerAudit(e.Before)
		a.After = headerAudit(e.After)
	case custos.CandidateAdded:
		a.Action = "evaluation.add_candidate"
		a.After = candidateAudit{CustodianID: e.CustodianID}
	case custos.CandidateRemoved:
		a.Action = "evaluation.remove_candidate"
		removed := e.Removed
		if removed == nil {
			removed = json.RawMessage("{}")
		}
		a.Before = candidateAudit{CustodianID: e.CustodianID, Removed: removed}
	case custos.AnswerRecorded:
		a.Action, a.ObjectType = "answer.put", "answer"
		a.ObjectID = fmt.Sprintf("%d/%d/%d", e.EvaluationID, e.CustodianID, e.After.ItemID)
		a.Before = answerAudit{Status: e.Before.Status, Note: e.Before.Note}
		a.After = answerAudit{Status: e.After.Status, Note: e.After.Note}
	case custos.EvidenceAttached:
		v := e.Evidence
		a.Action, a.ObjectType, a.ObjectID = "evidence.add", "evidence", strconv.FormatInt(v.ID, 10)
		a.After = evidenceAudit{EvaluationID: e.EvaluationID, CustodianID: v.CustodianID, ItemID: v.ItemID, Label: v.Label,
			ContentType: v.ContentType, Size: v.Size, SHA256: hexOf(v.SHA256)}
	case custos.EvidenceDownloaded:
		v := e.Evidence
		a.Action, a.ObjectType, a.ObjectID = "evidence.download", "evidence", strconv.FormatInt(v.ID, 10)
		a.After = evidenceDownloadAudit{EvaluationID: e.EvaluationID, CustodianID: v.CustodianID, ItemID: v.ItemID,
			Label: v.Label, SHA256: hexOf(v.SHA256)}
	case custos.ScoreRecorded:
		a.Action, a.ObjectType = "score.put", "score"
		a.ObjectID = fmt.Sprintf("%d/%d/%s", e.EvaluationID, e.CustodianID, e.After.Criterion)
		if e.Before != nil {
			a.Before = scoreAudit{Score: e.Before.Score, Rationale: e.Before.Rationale}
		}
		a.After = scoreAudit{Score: e.After.Score, Rationale: e.After.Rationale}
	case custos.RedFlagRaised:
		a.Action, a.ObjectType, a.ObjectID = "red_flag.raise", "red_flag", strconv.FormatInt(e.Flag.ID, 10)
		a.After = flagOf(e.Flag, e.EvaluationID)
	case custos.RedFlagMoved:
		a.Action, a.ObjectType, a.ObjectID = "red_flag.update", "red_flag", strconv.FormatInt(e.After.ID, 10)
		a.Before, a.After = flagOf(e.Before, e.EvaluationID), flagOf(e.After, e.EvaluationID)
	case custos.ShortlistSet:
		a.Action = "shortlist.put"
		a.Before, a.After = e.Before, e.After
	case custos.EvaluationSubmitted:
		a.Action = "evaluation.submit"
		a.Before = statusAudit{custos.StatusDraft}
		a.After = submittedAudit{Status: custos.StatusSubmitted, Round: e.Round, SnapshotSHA256: hexOf(e.SnapshotHash),
			Shortlist: e.Shortlist, ApprovalsRequired: e.ApprovalsRequired}
	case custos.DecisionRecorded:
		a.Action = "evaluation." + string(e.Decision)
		a.Before = statusAudit{custos.StatusSubmitted}
		after := decisionAudit{Decision: e.Decision, Comment: e.Comment, Round: e.Round,
			SnapshotSHA256: hexOf(e.SnapshotHash), Status: e.Status}
		if e.Decision == custos.DecisionApprove {
			after.Approvals, after.ApprovalsRequired = &e.Approvals, &e.ApprovalsRequired
		}
		a.After = after
	case custos.SubmissionWithdrawn:
		a.Action = "evaluation.withdraw"
		a.Before = withdrawnAudit{Status: custos.StatusSubmitted, Round: e.Round, SnapshotSHA256: hexOf(e.SnapshotHash)}
		a.After = statusAudit{custos.StatusDraft}
	case custos.RedFlagWithdrawn:
		a.Action, a.ObjectType, a.ObjectID = "red_flag.withdraw", "red_flag", strconv.FormatInt(e.After.ID, 10)
		a.Before, a.After = flagOf(e.Before, e.EvaluationID), flagOf(e.After, e.EvaluationID)
	case custos.EvidenceRemoved:
		v := e.Evidence
		a.Action, a.ObjectType, a.ObjectID = "evidence.remove", "evidence", strconv.FormatInt(v.ID, 10)
		a.Before = evidenceAudit{EvaluationID: e.EvaluationID, CustodianID: v.CustodianID, ItemID: v.ItemID, Label: v.Label,
			ContentType: v.ContentType, Size: v.Size, SHA256: hexOf(v.SHA256)}
	case custos.MemoIssued:
		m := e.Memo
		a.Action, a.ObjectType, a.ObjectID = "memo.issue", "memo", strconv.FormatInt(m.ID, 10)
		a.After = memoAudit{EvaluationID: m.EvaluationID, SHA256: hexOf(m.SHA256), Size: m.Size,
			SignerFingerprint: m.SignerFingerprint, SnapshotSHA256: hexOf(m.SnapshotHash)}
	case custos.MemoDownloaded:
		m := e.Memo
		a.Action, a.ObjectType, a.ObjectID = "memo.download", "memo", strconv.FormatInt(m.ID, 10)
		a.After = memoDownloadAudit{EvaluationID: m.EvaluationID, SHA256: hexOf(m.SHA256)}
	case custos.RelationshipAppointed, custos.RelationshipUpdated, custos.RelationshipEnded, custos.RelationshipReviewed:
		relationshipAudit(&a, e)
	case custos.RediligenceOpened:
		rediligenceAudit(&a, e)
	case custos.EvaluationExported:
		a.Action = "evaluation.export"
		a.After = exportAudit{Format: e.Export.Format, Part: e.Export.Part, Version: e.Version}
	case custos.CatalogueExported:
		// The catalogue is the organisation's: the event belongs to no team.
		a.TeamID, a.Action, a.ObjectType, a.ObjectID = nil, "catalogue.export", "catalogue", ""
		a.After = catalogueExportAudit{Format: custos.ExportCSV, Custodians: e.Custodians}
	case custos.AssuranceDocumentAdded, custos.AssuranceDocumentChanged, custos.AssuranceDocumentDownloaded:
		documentAudit(&a, e)
	case custos.InvitationCreated, custos.InvitationWithdrawn, custos.InvitationOpened, custos.ResponseSaved,
		custos.ResponseDocumentAdded, custos.ResponsesSubmitted, custos.ResponseAccepted, custos.ClarificationRequested,
		custos.ResponseDocumentDownloaded:
		invitationEventAudit(&a, e)
	default:
		return custos.NewAuditEvent{}, fmt.Errorf("no audit mapping for the event %T", ev)
	}
	return a, nil
}

// record appends the audit events of events, in order, in the team, and
// writes the notifications they cause (the outbox, notifications.go). Call
// it last in a transaction, after the events are saved: it holds the audit
// chain's lock until commit.
func (tx *Tx) record(ctx context.Context, teamID int64, events ...custos.Event) error {
	// Notifications first: they take no lock the audit chain waits on.
	if err := tx.notify(ctx, teamID, events...); err != nil {
		return err
	}
	for _, ev := range events {
		a, err := auditOf(teamID, ev)
		if err != nil {
			return custos.Internal(err)
		}
		if err := tx.audit(ctx, a); err != nil {
			return err
		}
	}
	return nil
}
