package postgres

import (
	"strconv"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// The audit view of the invitation events (auditmap.go dispatches here).
// Respondent events are recorded with the actor "respondent" and the
// invitation as their object; no token or token hash is ever recorded.

type invitationAudit struct {
	EvaluationID int64      `json:"evaluation_id"`
	CustodianID  int64      `json:"custodian_id"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	SectionKeys  []string   `json:"section_keys"`
	ExpiresAt    time.Time  `json:"expires_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
}

type responseAudit struct {
	EvaluationID  int64                `json:"evaluation_id"`
	ItemID        int64                `json:"item_id"`
	Status        custos.AnswerStatus  `json:"status"`
	Note          string               `json:"note"`
	State         custos.ResponseState `json:"state"`
	Clarification string               `json:"clarification"`
}

type responseDocumentAudit struct {
	EvaluationID int64  `json:"evaluation_id"`
	ItemID       int64  `json:"item_id"`
	Label        string `json:"label"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
}

type responsesSubmittedAudit struct {
	EvaluationID int64   `json:"evaluation_id"`
	ItemIDs      []int64 `json:"item_ids"`
}

type responseAcceptedAudit struct {
	responseAudit
	CustodianID int64   `json:"custodian_id"`
	DocumentIDs []int64 `json:"document_ids"`
}

func invitationOf(i custos.Invitation) invitationAudit {
	return invitationAudit{EvaluationID: i.EvaluationID, CustodianID: i.CustodianID, Name: i.Name, Email: i.Email,
		SectionKeys: i.SectionKeys, ExpiresAt: i.ExpiresAt, RevokedAt: i.RevokedAt}
}

func responseOf(evaluationID int64, r custos.Response) responseAudit {
	return responseAudit{EvaluationID: evaluationID, ItemID: r.ItemID, Status: r.Status, Note: r.Note, State: r.State,
		Clarification: r.Clarification}
}

// invitationEventAudit fills in the audit entry of an invitation event.
func invitationEventAudit(a *custos.NewAuditEvent, ev custos.Event) {
	a.ObjectType = "invitation"
	switch e := ev.(type) {
	case custos.InvitationCreated:
		a.Action, a.ObjectID = "invitation.create", strconv.FormatInt(e.Invitation.ID, 10)
		a.After = invitationOf(e.Invitation)
	case custos.InvitationWithdrawn:
		a.Action, a.ObjectID = "invitation.revoke", strconv.FormatInt(e.After.ID, 10)
		a.Before, a.After = invitationOf(e.Before), invitationOf(e.After)
	case custos.InvitationOpened:
		a.Action, a.ObjectID = "invitation.open", strconv.FormatInt(e.InvitationID, 10)
		a.After = map[string]any{"evaluation_id": e.EvaluationID, "opened_at": e.At}
	case custos.ResponseSaved:
		a.Action, a.ObjectID = "response.save", strconv.FormatInt(e.InvitationID, 10)
		if e.Before != nil {
			a.Before = responseOf(e.EvaluationID, *e.Before)
		}
		a.After = responseOf(e.EvaluationID, e.After)
	case custos.ResponseDocumentAdded:
		d := e.Document
		a.Action, a.ObjectID = "response.add_document", strconv.FormatInt(e.InvitationID, 10)
		a.After = responseDocumentAudit{EvaluationID: e.EvaluationID, ItemID: d.ItemID, Label: d.Label,
			ContentType: d.ContentType, Size: d.Size, SHA256: hexOf(d.SHA256)}
	case custos.ResponsesSubmitted:
		a.Action, a.ObjectID = "response.submit", strconv.FormatInt(e.InvitationID, 10)
		a.After = responsesSubmittedAudit{EvaluationID: e.EvaluationID, ItemIDs: e.ItemIDs}
	case custos.ResponseAccepted:
		a.Action, a.ObjectID = "response.accept", strconv.FormatInt(e.InvitationID, 10)
		docs := e.DocumentIDs
		if docs == nil {
			docs = []int64{}
		}
		a.Before = responseOf(e.EvaluationID, e.Before)
		a.After = responseAcceptedAudit{responseAudit: responseOf(e.EvaluationID, e.After), CustodianID: e.CustodianID, DocumentIDs: docs}
	case custos.ResponseDocumentDownloaded:
		d := e.Document
		a.Action, a.ObjectID = "response.download_document", strconv.FormatInt(e.InvitationID, 10)
		a.After = responseDocumentAudit{EvaluationID: e.EvaluationID, ItemID: d.ItemID, Label: d.Label,
			ContentType: d.ContentType, Size: d.Size, SHA256: hexOf(d.SHA256)}
	case custos.ClarificationRequested:
		a.Action, a.ObjectID = "response.clarify", strconv.FormatInt(e.InvitationID, 10)
		a.Before, a.After = responseOf(e.EvaluationID, e.Before), responseOf(e.EvaluationID, e.After)
	}
}
