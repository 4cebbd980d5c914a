package custos

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Assurance documents are what independent parties wrote about a custodian
// (SOC reports, certificates, audits) as one team holds them. They go stale:
// a SOC report speaks of a period that ends, a certificate of a date it
// lapses on. A checklist item can require a kind of document, and a draft
// that rests on a missing, stale or expired one, on a qualified opinion or on
// a control the team has not confirmed it operates, cannot be submitted.

// DocumentKind is what sort of assurance a document gives.
type DocumentKind string

const (
	DocSOC1Type2         DocumentKind = "soc1_type2"
	DocSOC2Type2         DocumentKind = "soc2_type2"
	DocBridgeLetter      DocumentKind = "bridge_letter"
	DocISO27001          DocumentKind = "iso27001"
	DocInsurance         DocumentKind = "insurance"
	DocCCSSAudit         DocumentKind = "ccss_audit"
	DocProofOfReserves   DocumentKind = "proof_of_reserves"
	DocAuditedFinancials DocumentKind = "audited_financials"
)

// DocumentKinds lists every kind, in the order forms offer them.
var DocumentKinds = []DocumentKind{DocSOC1Type2, DocSOC2Type2, DocBridgeLetter, DocISO27001, DocInsurance,
	DocCCSSAudit, DocProofOfReserves, DocAuditedFinancials}

var kindLabels = map[DocumentKind]string{
	DocSOC1Type2: "SOC 1 Type II report", DocSOC2Type2: "SOC 2 Type II report", DocBridgeLetter: "bridge letter",
	DocISO27001: "ISO 27001 certificate", DocInsurance: "insurance certificate", DocCCSSAudit: "CCSS audit",
	DocProofOfReserves: "proof-of-reserves or attestation report", DocAuditedFinancials: "audited financial statements",
}

// Label is the kind as people say it.
func (k DocumentKind) Label() string { return kindLabels[k] }

// Valid says whether the kind is known.
func (k DocumentKind) Valid() bool { _, ok := kindLabels[k]; return ok }

// IsSOC: a SOC report covers a period and carries an auditor's opinion.
func (k DocumentKind) IsSOC() bool { return k == DocSOC1Type2 || k == DocSOC2Type2 }

// HasValidUntil: a certificate or policy holds until a date; every other
// kind speaks of a period that ends.
func (k DocumentKind) HasValidUntil() bool {
	return k == DocISO27001 || k == DocInsurance || k == DocCCSSAudit
}

// Opinion is a SOC auditor's opinion.
type Opinion string

const (
	OpinionUnqualified Opinion = "unqualified"
	OpinionQualified   Opinion = "qualified"
	OpinionAdverse     Opinion = "adverse"
	OpinionDisclaimer  Opinion = "disclaimer"
)

// CUEC is a complementary user entity control: a control the SOC report
// assumes the custodian's clients operate. The team confirms it does.
type CUEC struct {
	ID          int        `json:"id"`
	Text        string     `json:"text"`
	Confirmed   bool       `json:"confirmed"`
	ConfirmedBy *int64     `json:"confirmed_by"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
}

// DocumentStatus: an archived document no longer counts.
type DocumentStatus string

const (
	DocumentActive   DocumentStatus = "active"
	DocumentArchived DocumentStatus = "archived"
)

// AssuranceDocument is one document a team holds about a custodian. Dates
// are YYYY-MM-DD. The file, when attached, is kept like evidence (sniffed
// type, size limit, SHA-256).
type AssuranceDocument struct {
	ID            int64          `json:"id"`
	TeamID        int64          `json:"team_id"`
	CustodianID   int64          `json:"custodian_id"`
	CustodianName string         `json:"custodian_name"`
	Kind          DocumentKind   `json:"kind"`
	Issuer        string         `json:"issuer"`
	PeriodStart   *string        `json:"period_start"`
	PeriodEnd     *string        `json:"period_end"`
	ValidUntil    *string        `json:"valid_until"`
	IssuedOn      string         `json:"issued_on"`
	Opinion       *Opinion       `json:"opinion"`
	Scope         string         `json:"scope"`
	CarveOuts     string         `json:"carve_outs"`
	CUECs         []CUEC         `json:"cuecs"`
	File          *DocumentFile  `json:"file"`
	Status        DocumentStatus `json:"status"`
	Version       int            `json:"version"`
	CreatedBy     int64          `json:"created_by"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	// Freshness is derived when the document is read, from the clock.
	Freshness *FreshnessResult `json:"freshness,omitempty"`
}

// DocumentFile describes the stored file, without its bytes.
type DocumentFile struct {
	Label       string    `json:"label"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      HashBytes `json:"sha256"`
	UploadedBy  int64     `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// DocumentInput is what a team writes about a document; CUECs are their
// texts (confirmation is a separate act).
type DocumentInput struct {
	Kind        DocumentKind
	Issuer      string
	PeriodStart *string
	PeriodEnd   *string
	ValidUntil  *string
	IssuedOn    string
	Opinion     *Opinion
	Scope       string
	CarveOuts   string
	CUECs       []string
}

// Validate checks the fields the kind needs, naming each one at fault.
func (in *DocumentInput) Validate(now time.Time) error {
	var p Problems
	in.Issuer, in.Scope, in.CarveOuts = strings.TrimSpace(in.Issuer), strings.TrimSpace(in.Scope), strings.TrimSpace(in.CarveOuts)
	if !in.Kind.Valid() {
		p.Add("kind", "must be one of soc1_type2, soc2_type2, bridge_letter, iso27001, insurance, ccss_audit, proof_of_reserves, audited_financials")
		return p.Err()
	}
	validName(&p, "issuer", in.Issuer, 200)
	today := now.UTC().Format(dateLayout)
	if d, ok := parseDate(&p, "issued_on", in.IssuedOn); ok && d.Format(dateLayout) > today {
		p.Add("issued_on", "cannot be in the future")
	}
	if in.Kind.HasValidUntil() {
		if in.ValidUntil == nil {
			p.Add("valid_until", "is required for "+in.Kind.Label())
		} else {
			parseDate(&p, "valid_until", *in.ValidUntil)
		}
		if in.PeriodStart != nil || in.PeriodEnd != nil {
			p.Add("period_end", "a "+in.Kind.Label()+" has a valid-until date, not a period")
		}
	} else {
		if in.ValidUntil != nil {
			p.Add("valid_until", "a "+in.Kind.Label()+" covers a period: give period_start and period_end")
		}
		var start, end time.Time
		okStart, okEnd := false, false
		if in.PeriodStart == nil {
			p.Add("period_start", "is required for "+in.Kind.Label())
		} else {
			start, okStart = parseDate(&p, "period_start", *in.PeriodStart)
		}
		if in.PeriodEnd == nil {
			p.Add("period_end", "is required for "+in.Kind.Label())
		} else {
			end, okEnd = parseDate(&p, "period_end", *in.PeriodEnd)
		}
		if okStart && okEnd && end.Before(start) {
			p.Add("period_end", "cannot be before period_start")
		}
	}
	if in.Kind.IsSOC() {
		switch {
		case in.Opinion == nil:
			p.Add("opinion", "is required for a SOC report: unqualified, qualified, adverse or disclaimer")
		case *in.Opinion != OpinionUnqualified && *in.Opinion != OpinionQualified && *in.Opinion != OpinionAdverse && *in.Opinion != OpinionDisclaimer:
			p.Add("opinion", "must be unqualified, qualified, adverse or disclaimer")
		}
	} else {
		if in.Opinion != nil {
			p.Add("opinion", "only a SOC report carries an opinion")
		}
		if len(in.CUECs) > 0 {
			p.Add("cuecs", "only a SOC report lists complementary user entity controls")
		}
	}
	if utf8.RuneCountInString(in.Scope) > 4000 {
		p.Add("scope", "is too long (4000 characters at most)")
	}
	if utf8.RuneCountInString(in.CarveOuts) > 4000 {
		p.Add("carve_outs", "is too long (4000 characters at most)")
	}
	if len(in.CUECs) > 100 {
		p.Add("cuecs", "lists more than 100 controls")
	}
	for i, c := range in.CUECs {
		c = strings.TrimSpace(c)
		in.CUECs[i] = c
		if c == "" || utf8.RuneCountInString(c) > 1000 {
			p.Add(fmt.Sprintf("cuecs[%d]", i), "must be the control's text (1 to 1000 characters)")
		}
	}
	return p.Err()
}

// AssuranceFilter selects a team's documents: of one custodian when
// CustodianID is set, and only those that need attention when Due is.
type AssuranceFilter struct {
	TeamID      int64
	CustodianID int64
	Due         bool
	Archived    bool
}

// AssuranceService keeps a team's assurance documents. Every method is
// scoped to the team: another team's document is not found.
type AssuranceService interface {
	ListDocuments(ctx context.Context, f AssuranceFilter) ([]AssuranceDocument, error)
	Document(ctx context.Context, teamID, id int64) (*AssuranceDocument, error)
	AddDocument(ctx context.Context, teamID, custodianID int64, in DocumentInput) (*AssuranceDocument, error)
	UpdateDocument(ctx context.Context, teamID, id int64, ifVersion int, in DocumentInput) (*AssuranceDocument, error)
	ArchiveDocument(ctx context.Context, teamID, id int64, ifVersion int) (*AssuranceDocument, error)
	ConfirmCUEC(ctx context.Context, teamID, id int64, cuecID int, confirmed bool) (*AssuranceDocument, error)
	AttachDocumentFile(ctx context.Context, teamID, id int64, label string, content []byte) (*AssuranceDocument, error)
	DocumentFile(ctx context.Context, teamID, id int64) (*DocumentFile, []byte, error)
}

// --- freshness ---------------------------------------------------------------

// FreshnessState is where a document stands today.
type FreshnessState string

const (
	DocFresh    FreshnessState = "fresh"
	DocExpiring FreshnessState = "expiring"
	DocStale    FreshnessState = "stale"
	DocExpired  FreshnessState = "expired"
)

// FreshnessResult is a document's freshness, the last day it counts and why.
type FreshnessResult struct {
	State FreshnessState `json:"state"`
	// Until is the last day the document counts (YYYY-MM-DD).
	Until  string `json:"until"`
	Reason string `json:"reason"`
}

// FreshnessPolicy says how long each kind counts. A period kind counts for
// MaxAgeMonths after its period ends; a SOC report longer while a bridge
// letter reaches to within BridgeMonths of today. ExpiringDays is the
// warning before a document lapses.
type FreshnessPolicy struct {
	MaxAgeMonths map[DocumentKind]int
	BridgeMonths int
	ExpiringDays int
}

// DefaultFreshness: a SOC report goes stale 12 months after its period,
// a bridge letter counts for 3 months after the date it reaches to, audited
// financial statements for 18 months after the year they cover (the audit
// takes months), proof of reserves for 12; 60 days' warning.
var DefaultFreshness = FreshnessPolicy{
	MaxAgeMonths: map[DocumentKind]int{DocSOC1Type2: 12, DocSOC2Type2: 12, DocBridgeLetter: 3,
		DocProofOfReserves: 12, DocAuditedFinancials: 18},
	BridgeMonths: 3,
	ExpiringDays: 60,
}

// With returns the policy with the SOC reports' lifetime, the bridge
// letters' reach and the warning changed (from the configuration).
func (p FreshnessPolicy) With(socMonths, bridgeMonths, expiringDays int) FreshnessPolicy {
	out := FreshnessPolicy{MaxAgeMonths: map[DocumentKind]int{}, BridgeMonths: bridgeMonths, ExpiringDays: expiringDays}
	for k, v := range p.MaxAgeMonths {
		out.MaxAgeMonths[k] = v
	}
	out.MaxAgeMonths[DocSOC1Type2], out.MaxAgeMonths[DocSOC2Type2], out.MaxAgeMonths[DocBridgeLetter] = socMonths, socMonths, bridgeMonths
	return out
}

func dayOf(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}

// Freshness judges a document by the default policy.
func Freshness(doc AssuranceDocument, bridgeLetters []AssuranceDocument, now time.Time) FreshnessResult {
	return DefaultFreshness.Freshness(doc, bridgeLetters, now)
}

// Freshness judges a document at now. bridgeLetters are the team's bridge
// letters on the same custodian; one extends a SOC report when it starts no
// later than the day after the report's period ends.
func (p FreshnessPolicy) Freshness(doc AssuranceDocument, bridgeLetters []AssuranceDocument, now time.Time) FreshnessResult {
	today := dayOf(now)
	var until time.Time
	lapsed := DocStale
	because := ""
	if doc.Kind.HasValidUntil() {
		lapsed = DocExpired
		if doc.ValidUntil == nil {
			return FreshnessResult{State: DocExpired, Reason: "The " + doc.Kind.Label() + " has no valid-until date."}
		}
		until, _ = time.Parse(dateLayout, *doc.ValidUntil)
		because = "it is valid until " + *doc.ValidUntil
	} else {
		if doc.PeriodEnd == nil {
			return FreshnessResult{State: DocStale, Reason: "The " + doc.Kind.Label() + " has no period end."}
		}
		end, _ := time.Parse(dateLayout, *doc.PeriodEnd)
		months := p.MaxAgeMonths[doc.Kind]
		if months <= 0 {
			months = 12
		}
		until = AddMonths(end, months)
		because = fmt.Sprintf("its period ended on %s and it counts for %d months after", *doc.PeriodEnd, months)
		if doc.Kind.IsSOC() {
			for _, b := range bridgeLetters {
				if b.Kind != DocBridgeLetter || b.Status == DocumentArchived || b.PeriodEnd == nil || b.PeriodStart == nil {
					continue
				}
				if *b.PeriodStart > end.AddDate(0, 0, 1).Format(dateLayout) {
					continue // a gap between the report and the letter
				}
				reach, err := time.Parse(dateLayout, *b.PeriodEnd)
				if err != nil {
					continue
				}
				if u := AddMonths(reach, p.BridgeMonths); u.After(until) {
					until = u
					because = fmt.Sprintf("its period ended on %s; a bridge letter reaches to %s, which counts for %d months after",
						*doc.PeriodEnd, *b.PeriodEnd, p.BridgeMonths)
				}
			}
		}
	}
	r := FreshnessResult{Until: until.Format(dateLayout)}
	days := int(until.Sub(today).Hours() / 24)
	switch {
	case days < 0:
		r.State = lapsed
		r.Reason = fmt.Sprintf("The %s is %s since %s: %s.", doc.Kind.Label(), lapsed, until.AddDate(0, 0, 1).Format(dateLayout), because)
	case days <= p.ExpiringDays:
		r.State = DocExpiring
		r.Reason = fmt.Sprintf("The %s lapses after %s (in %d days): %s.", doc.Kind.Label(), r.Until, days, because)
	default:
		r.State = DocFresh
		r.Reason = fmt.Sprintf("The %s counts until %s: %s.", doc.Kind.Label(), r.Until, because)
	}
	return r
}

// WithFreshness sets each active document's freshness, judged against the
// bridge letters among docs of its custodian.
func (p FreshnessPolicy) WithFreshness(docs []AssuranceDocument, now time.Time) {
	for i := range docs {
		if docs[i].Status == DocumentArchived {
			continue
		}
		var bridges []AssuranceDocument
		for _, d := range docs {
			if d.Kind == DocBridgeLetter && d.CustodianID == docs[i].CustodianID {
				bridges = append(bridges, d)
			}
		}
		f := p.Freshness(docs[i], bridges, now)
		docs[i].Freshness = &f
	}
}

// --- what a checklist item's requirement finds --------------------------------

// AssuranceFinding is why a custodian's documents do not satisfy a checklist
// item that requires a kind: each reason, in words.
type AssuranceFinding struct {
	ItemID  int64        `json:"item_id"`
	Kind    DocumentKind `json:"kind"`
	Reasons []string     `json:"reasons"`
}

// RequirementFindings judges the custodian's active documents (with their
// freshness set) against the items that require a document kind. Of several
// documents of the kind the latest by period end or valid-until counts.
func RequirementFindings(items []ChecklistItem, docs []AssuranceDocument) []AssuranceFinding {
	var out []AssuranceFinding
	for _, it := range items {
		if it.RequiredDocument == "" {
			continue
		}
		var best *AssuranceDocument
		for i := range docs {
			d := &docs[i]
			if d.Kind != it.RequiredDocument || d.Status == DocumentArchived {
				continue
			}
			if best == nil || docEnd(*d) > docEnd(*best) || docEnd(*d) == docEnd(*best) && d.ID > best.ID {
				best = d
			}
		}
		f := AssuranceFinding{ItemID: it.ID, Kind: it.RequiredDocument}
		if best == nil {
			f.Reasons = append(f.Reasons, fmt.Sprintf("No %s on file.", it.RequiredDocument.Label()))
		} else {
			if best.Freshness != nil && (best.Freshness.State == DocStale || best.Freshness.State == DocExpired) {
				f.Reasons = append(f.Reasons, best.Freshness.Reason)
			}
			if best.Opinion != nil && *best.Opinion != OpinionUnqualified {
				f.Reasons = append(f.Reasons, fmt.Sprintf("The %s carries a %s opinion.", best.Kind.Label(), *best.Opinion))
			}
			for _, c := range best.CUECs {
				if !c.Confirmed {
					f.Reasons = append(f.Reasons, fmt.Sprintf("The team has not confirmed it operates the control %q.", c.Text))
				}
			}
		}
		if len(f.Reasons) > 0 {
			out = append(out, f)
		}
	}
	return out
}

func docEnd(d AssuranceDocument) string {
	if d.ValidUntil != nil {
		return *d.ValidUntil
	}
	if d.PeriodEnd != nil {
		return *d.PeriodEnd
	}
	return ""
}

// AssuranceAutoClosed is the resolution of a document flag that the
// reconciliation closed by itself, so that it reopens the flag when the
// documents lapse again.
const AssuranceAutoClosed = "No longer applies: the assurance documents now satisfy the item."

// ReconcileAssurance brings a draft's document flags in line with the
// findings, as ReconcileMandateFit does for the mandate: one flag per
// candidate and item, raised when the item has a finding, its reason kept
// current, closed by itself when the finding goes and reopened when it
// comes back. Flags an officer resolved by hand are left alone. existing are
// the evaluation's document flags, whatever their status; findings are by
// custodian.
func ReconcileAssurance(evaluationID int64, t *Template, findings map[int64][]AssuranceFinding, existing []RedFlag, at time.Time) []Event {
	type key struct{ custodian, item int64 }
	have := map[key]RedFlag{}
	for _, f := range existing {
		if f.DocumentItemID != nil {
			have[key{f.CustodianID, *f.DocumentItemID}] = f
		}
	}
	var events []Event
	want := map[key]bool{}
	for cid, fs := range findings {
		for _, fd := range fs {
			k := key{cid, fd.ItemID}
			want[k] = true
			reason := strings.Join(fd.Reasons, " ")
			if f, ok := have[k]; ok {
				after := f
				switch {
				case f.Status == FlagClosed && f.Resolution == AssuranceAutoClosed:
					after.Status, after.Resolution = FlagOpen, ""
				case f.Status != FlagOpen:
					continue
				}
				after.Reason = reason
				if after != f {
					after.UpdatedAt = at
					events = append(events, RedFlagMoved{EvaluationID: evaluationID, Before: f, After: after})
				}
				continue
			}
			item, _ := t.Item(fd.ItemID)
			itemID := fd.ItemID
			events = append(events, RedFlagRaised{EvaluationID: evaluationID, Flag: RedFlag{CustodianID: cid,
				Title: "Assurance document: " + fd.Kind.Label(), Description: "Required by the checklist item " + item.Key + ".",
				Severity: SeverityHigh, Status: FlagOpen, DocumentItemID: &itemID, Reason: reason, CreatedAt: at, UpdatedAt: at}})
		}
	}
	for _, f := range existing {
		if f.DocumentItemID == nil || f.Status != FlagOpen || want[key{f.CustodianID, *f.DocumentItemID}] {
			continue
		}
		after := f
		after.Status, after.Resolution, after.UpdatedAt = FlagClosed, AssuranceAutoClosed, at
		events = append(events, RedFlagMoved{EvaluationID: evaluationID, Before: f, After: after})
	}
	return events
}

// --- diligence status of a relationship --------------------------------------

// DiligenceStatus says whether a relationship's custodian's documents still
// hold: "current", or "stale" when one of the team's documents on it has
// lapsed (stale or expired).
type DiligenceStatus string

const (
	DiligenceCurrent DiligenceStatus = "current"
	DiligenceStale   DiligenceStatus = "stale"
)

// Diligence judges the team's active documents on a custodian (freshness
// set): stale with the reasons when any has lapsed. Of several documents of
// one kind only the latest counts, so a replaced report does not keep a
// relationship stale.
func Diligence(docs []AssuranceDocument) (DiligenceStatus, []string) {
	latest := map[DocumentKind]AssuranceDocument{}
	for _, d := range docs {
		if d.Status == DocumentArchived {
			continue
		}
		if b, ok := latest[d.Kind]; !ok || docEnd(d) > docEnd(b) {
			latest[d.Kind] = d
		}
	}
	reasons := []string{}
	for _, k := range DocumentKinds {
		d, ok := latest[k]
		if !ok || d.Freshness == nil || k == DocBridgeLetter {
			continue // a bridge letter only matters through the report it bridges
		}
		if d.Freshness.State == DocStale || d.Freshness.State == DocExpired {
			reasons = append(reasons, d.Freshness.Reason)
		}
	}
	if len(reasons) > 0 {
		return DiligenceStale, reasons
	}
	return DiligenceCurrent, reasons
}

// --- commands and events -----------------------------------------------------

// AssuranceDocumentAdded: a team recorded a document. The store assigns
// Document.ID when it saves it.
type AssuranceDocumentAdded struct{ Document AssuranceDocument }

// AssuranceDocumentChanged: a document's fields, CUEC confirmations, file or
// status changed. Action says which: update, confirm_cuec, attach_file or
// archive.
type AssuranceDocumentChanged struct {
	Action        string
	Before, After AssuranceDocument
}

// AssuranceDocumentDownloaded: someone of the team took a copy of a
// document's file (a SOC report is confidential: each copy is on record).
type AssuranceDocumentDownloaded struct{ Document AssuranceDocument }

func (AssuranceDocumentDownloaded) Evaluation() int64 { return 0 }
func (AssuranceDocumentDownloaded) event()            {}

// Assurance events belong to no evaluation.
func (AssuranceDocumentAdded) Evaluation() int64   { return 0 }
func (AssuranceDocumentChanged) Evaluation() int64 { return 0 }
func (AssuranceDocumentAdded) event()              {}
func (AssuranceDocumentChanged) event()            {}

func cuecsOf(texts []string) []CUEC {
	out := make([]CUEC, len(texts))
	for i, t := range texts {
		out[i] = CUEC{ID: i + 1, Text: t}
	}
	return out
}

// AddDocument records a document about a catalogue custodian.
func AddDocument(teamID, custodianID int64, inCatalogue bool, in DocumentInput, by int64, at time.Time) (AssuranceDocumentAdded, error) {
	if err := in.Validate(at); err != nil {
		return AssuranceDocumentAdded{}, err
	}
	if !inCatalogue {
		return AssuranceDocumentAdded{}, Errorf(ENOTFOUND, "custodian %d is not in the catalogue", custodianID)
	}
	return AssuranceDocumentAdded{Document: AssuranceDocument{TeamID: teamID, CustodianID: custodianID, Kind: in.Kind,
		Issuer: in.Issuer, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, ValidUntil: in.ValidUntil,
		IssuedOn: in.IssuedOn, Opinion: in.Opinion, Scope: in.Scope, CarveOuts: in.CarveOuts, CUECs: cuecsOf(in.CUECs),
		Status: DocumentActive, Version: 1, CreatedBy: by, CreatedAt: at, UpdatedAt: at}}, nil
}

func checkDocument(d AssuranceDocument, ifVersion int) error {
	if d.Status != DocumentActive {
		return Errorf(ECONFLICT, "the document is archived: it cannot change any more")
	}
	if ifVersion != 0 && ifVersion != d.Version {
		return Stale("the document")
	}
	return nil
}

// UpdateDocument rewrites a document's fields; the kind stays. A CUEC whose
// text is unchanged keeps its confirmation; a new or reworded one needs it
// again.
func UpdateDocument(d AssuranceDocument, ifVersion int, in DocumentInput, at time.Time) (AssuranceDocumentChanged, error) {
	if in.Kind == "" {
		in.Kind = d.Kind
	}
	if err := in.Validate(at); err != nil {
		return AssuranceDocumentChanged{}, err
	}
	if in.Kind != d.Kind {
		return AssuranceDocumentChanged{}, Invalid("kind", "cannot change: record a new document instead")
	}
	if err := checkDocument(d, ifVersion); err != nil {
		return AssuranceDocumentChanged{}, err
	}
	after := d
	after.Issuer, after.PeriodStart, after.PeriodEnd, after.ValidUntil = in.Issuer, in.PeriodStart, in.PeriodEnd, in.ValidUntil
	after.IssuedOn, after.Opinion, after.Scope, after.CarveOuts = in.IssuedOn, in.Opinion, in.Scope, in.CarveOuts
	confirmed := map[string]CUEC{}
	for _, c := range d.CUECs {
		if c.Confirmed {
			confirmed[c.Text] = c
		}
	}
	after.CUECs = cuecsOf(in.CUECs)
	for i, c := range after.CUECs {
		if old, ok := confirmed[c.Text]; ok {
			after.CUECs[i].Confirmed, after.CUECs[i].ConfirmedBy, after.CUECs[i].ConfirmedAt = true, old.ConfirmedBy, old.ConfirmedAt
		}
	}
	after.Version, after.UpdatedAt, after.Freshness = d.Version+1, at, nil
	return AssuranceDocumentChanged{Action: "update", Before: d, After: after}, nil
}

// ArchiveDocument takes a document out of account; it stays on record.
func ArchiveDocument(d AssuranceDocument, ifVersion int, at time.Time) (AssuranceDocumentChanged, error) {
	if err := checkDocument(d, ifVersion); err != nil {
		return AssuranceDocumentChanged{}, err
	}
	after := d
	after.Status, after.Version, after.UpdatedAt, after.Freshness = DocumentArchived, d.Version+1, at, nil
	return AssuranceDocumentChanged{Action: "archive", Before: d, After: after}, nil
}

// ConfirmCUEC records that the team operates (or, unconfirmed, no longer
// vouches for) one complementary user entity control, and who said so.
func ConfirmCUEC(d AssuranceDocument, cuecID int, confirmed bool, by int64, at time.Time) (AssuranceDocumentChanged, error) {
	if err := checkDocument(d, 0); err != nil {
		return AssuranceDocumentChanged{}, err
	}
	after := d
	after.CUECs = append([]CUEC(nil), d.CUECs...)
	found := false
	for i, c := range after.CUECs {
		if c.ID != cuecID {
			continue
		}
		found = true
		if confirmed {
			after.CUECs[i].Confirmed, after.CUECs[i].ConfirmedBy, after.CUECs[i].ConfirmedAt = true, &by, &at
		} else {
			after.CUECs[i].Confirmed, after.CUECs[i].ConfirmedBy, after.CUECs[i].ConfirmedAt = false, nil, nil
		}
	}
	if !found {
		return AssuranceDocumentChanged{}, Errorf(ENOTFOUND, "the document has no control %d", cuecID)
	}
	after.Version, after.UpdatedAt, after.Freshness = d.Version+1, at, nil
	return AssuranceDocumentChanged{Action: "confirm_cuec", Before: d, After: after}, nil
}

// AttachDocumentFile stores the document's file, checked as evidence is.
func AttachDocumentFile(d AssuranceDocument, label string, content []byte, by int64, at time.Time) (AssuranceDocumentChanged, error) {
	label, ctype, err := CheckEvidence(label, content)
	if err != nil {
		return AssuranceDocumentChanged{}, err
	}
	if err := checkDocument(d, 0); err != nil {
		return AssuranceDocumentChanged{}, err
	}
	sum := sha256.Sum256(content)
	after := d
	after.File = &DocumentFile{Label: label, ContentType: ctype, Size: int64(len(content)), SHA256: sum[:], UploadedBy: by, UploadedAt: at}
	after.Version, after.UpdatedAt, after.Freshness = d.Version+1, at, nil
	return AssuranceDocumentChanged{Action: "attach_file", Before: d, After: after}, nil
}
