package postgres

import (
	"strconv"

	"github.com/custos-dd/custos/internal/custos"
)

// The audit trail's view of an assurance document: its fields, its CUECs
// with their confirmations and its file's digest, not the bytes nor the
// names the store joins in.
type documentAuditPayload struct {
	CustodianID int64                 `json:"custodian_id"`
	Kind        custos.DocumentKind   `json:"kind"`
	Issuer      string                `json:"issuer"`
	PeriodStart *string               `json:"period_start"`
	PeriodEnd   *string               `json:"period_end"`
	ValidUntil  *string               `json:"valid_until"`
	IssuedOn    string                `json:"issued_on"`
	Opinion     *custos.Opinion       `json:"opinion"`
	Scope       string                `json:"scope"`
	CarveOuts   string                `json:"carve_outs"`
	CUECs       []custos.CUEC         `json:"cuecs"`
	FileSHA256  string                `json:"file_sha256"`
	Status      custos.DocumentStatus `json:"status"`
}

// documentDownloadAudit names the copy taken: whose document, which kind,
// and the digest of the file that left.
type documentDownloadAudit struct {
	CustodianID int64               `json:"custodian_id"`
	Kind        custos.DocumentKind `json:"kind"`
	FileSHA256  string              `json:"file_sha256"`
}

func documentPayload(d custos.AssuranceDocument) documentAuditPayload {
	p := documentAuditPayload{CustodianID: d.CustodianID, Kind: d.Kind, Issuer: d.Issuer, PeriodStart: d.PeriodStart,
		PeriodEnd: d.PeriodEnd, ValidUntil: d.ValidUntil, IssuedOn: d.IssuedOn, Opinion: d.Opinion, Scope: d.Scope,
		CarveOuts: d.CarveOuts, CUECs: d.CUECs, Status: d.Status}
	if p.CUECs == nil {
		p.CUECs = []custos.CUEC{}
	}
	if d.File != nil {
		p.FileSHA256 = hexOf(d.File.SHA256)
	}
	return p
}

// documentAudit fills in the audit event of an assurance-document event;
// auditOf calls it for exactly these two types.
func documentAudit(a *custos.NewAuditEvent, ev custos.Event) {
	a.ObjectType = "assurance_document"
	var d custos.AssuranceDocument
	switch e := ev.(type) {
	case custos.AssuranceDocumentAdded:
		d = e.Document
		a.Action, a.After = "assurance_document.add", documentPayload(d)
	case custos.AssuranceDocumentChanged:
		d = e.After
		action := e.Action
		if action == "" {
			action = "update"
		}
		a.Action, a.Before, a.After = "assurance_document."+action, documentPayload(e.Before), documentPayload(e.After)
	case custos.AssuranceDocumentDownloaded:
		d = e.Document
		dl := documentDownloadAudit{CustodianID: d.CustodianID, Kind: d.Kind}
		if d.File != nil {
			dl.FileSHA256 = hexOf(d.File.SHA256)
		}
		a.Action, a.After = "assurance_document.download", dl
	}
	a.ObjectID = strconv.FormatInt(d.ID, 10)
}
