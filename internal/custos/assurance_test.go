package custos

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sp(s string) *string { return &s }

// now is 26 November 2026, 15:00 UTC: freshness is by the day.
var assuranceNow = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

func soc2(end string) AssuranceDocument {
	start := "2025-01-01"
	op := OpinionUnqualified
	return AssuranceDocument{ID: 1, CustodianID: 7, Kind: DocSOC2Type2, PeriodStart: &start, PeriodEnd: sp(end), Opinion: &op, Status: DocumentActive}
}

func bridge(start, end string) AssuranceDocument {
	return AssuranceDocument{ID: 2, CustodianID: 7, Kind: DocBridgeLetter, PeriodStart: sp(start), PeriodEnd: sp(end), Status: DocumentActive}
}

func cert(kind DocumentKind, until string) AssuranceDocument {
	return AssuranceDocument{ID: 3, CustodianID: 7, Kind: kind, ValidUntil: sp(until), Status: DocumentActive}
}

func TestFreshness(t *testing.T) {
	cases := []struct {
		name    string
		doc     AssuranceDocument
		bridges []AssuranceDocument
		want    FreshnessState
		until   string
	}{
		{"SOC report whose period ended 13 months ago is stale", soc2("2025-10-26"), nil, DocStale, "2026-10-26"},
		{"SOC report whose period ended 12 months ago today still counts (expiring)", soc2("2025-11-26"), nil, DocExpiring, "2026-11-26"},
		{"SOC report that lapses in 61 days is fresh", soc2("2026-01-26"), nil, DocFresh, "2027-01-26"},
		{"SOC report that lapses in exactly 60 days is expiring", soc2("2026-01-25"), nil, DocExpiring, "2027-01-25"},
		{"a bridge letter reaching to within 3 months clears staleness", soc2("2025-06-30"),
			[]AssuranceDocument{bridge("2025-07-01", "2026-08-26")}, DocExpiring, "2026-11-26"},
		{"a bridge letter reaching to 4 months ago does not", soc2("2025-06-30"),
			[]AssuranceDocument{bridge("2025-07-01", "2026-07-26")}, DocStale, "2026-10-26"},
		{"a bridge letter that leaves a gap after the period does not count", soc2("2025-06-30"),
			[]AssuranceDocument{bridge("2025-08-01", "2026-11-01")}, DocStale, "2026-06-30"},
		{"an archived bridge letter does not count", soc2("2025-06-30"),
			[]AssuranceDocument{func() AssuranceDocument {
				b := bridge("2025-07-01", "2026-11-01")
				b.Status = DocumentArchived
				return b
			}()}, DocStale, "2026-06-30"},
		{"a certificate past its date is expired", cert(DocISO27001, "2026-11-25"), nil, DocExpired, "2026-11-25"},
		{"a certificate valid until today is expiring", cert(DocInsurance, "2026-11-26"), nil, DocExpiring, "2026-11-26"},
		{"a certificate valid for exactly 60 more days is expiring", cert(DocCCSSAudit, "2027-01-25"), nil, DocExpiring, "2027-01-25"},
		{"a certificate valid for 61 more days is fresh", cert(DocISO27001, "2027-01-26"), nil, DocFresh, "2027-01-26"},
		// 2024-12-31 + 18 months = 2026-06-30: stale by 26 November 2026.
		{"audited financials count for 18 months", AssuranceDocument{Kind: DocAuditedFinancials, PeriodStart: sp("2024-01-01"),
			PeriodEnd: sp("2024-12-31"), Status: DocumentActive}, nil, DocStale, "2026-06-30"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Freshness(c.doc, c.bridges, assuranceNow)
			if got.State != c.want || got.Until != c.until {
				t.Errorf("got %s until %s (%s), want %s until %s", got.State, got.Until, got.Reason, c.want, c.until)
			}
			if got.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

// The policy is configurable: a 6-month SOC lifetime and a 30-day warning.
func TestFreshness_Configurable(t *testing.T) {
	p := FreshnessPolicy{MaxAgeMonths: map[DocumentKind]int{DocSOC2Type2: 6}, BridgeMonths: 1, ExpiringDays: 30}
	// 2026-05-01 + 6 months is 1 November: stale already.
	if got := p.Freshness(soc2("2026-05-01"), nil, assuranceNow); got.State != DocStale || got.Until != "2026-11-01" {
		t.Errorf("got %+v", got)
	}
	// 5 days left, within the 30-day warning.
	if got := p.Freshness(soc2("2026-06-01"), nil, assuranceNow); got.State != DocExpiring || got.Until != "2026-12-01" {
		t.Errorf("got %+v", got)
	}
	if got := p.Freshness(cert(DocISO27001, "2027-01-01"), nil, assuranceNow); got.State != DocFresh {
		t.Errorf("36 days left with a 30-day warning: got %+v", got)
	}
}

func TestDocumentInput_NamesTheField(t *testing.T) {
	q := Opinion("glowing")
	op := OpinionQualified
	cases := []struct {
		in     DocumentInput
		fields []string
	}{
		{DocumentInput{Kind: "soc3"}, []string{"kind"}},
		{DocumentInput{Kind: DocSOC2Type2, Issuer: "Deloitte", IssuedOn: "2026-01-10", PeriodStart: sp("2025-01-01")},
			[]string{"period_end", "opinion"}},
		{DocumentInput{Kind: DocSOC2Type2, Issuer: "Deloitte", IssuedOn: "2026-13-10", PeriodStart: sp("2025-06-01"), PeriodEnd: sp("2025-01-01"), Opinion: &q},
			[]string{"issued_on", "period_end", "opinion"}},
		{DocumentInput{Kind: DocISO27001, Issuer: "BSI", IssuedOn: "2027-01-10", Opinion: &op, CUECs: []string{"x"}},
			[]string{"issued_on", "valid_until", "opinion", "cuecs"}},
		{DocumentInput{Kind: DocSOC1Type2, Issuer: "", IssuedOn: "2026-01-10", PeriodStart: sp("2025-01-01"), PeriodEnd: sp("2025-12-31"), Opinion: &op, CUECs: []string{"ok", " "}},
			[]string{"issuer", "cuecs[1]"}},
	}
	for _, c := range cases {
		err := c.in.Validate(assuranceNow)
		var got []string
		for _, f := range AsError(err).Fields {
			got = append(got, f.Field)
		}
		if d := cmp.Diff(c.fields, got); d != "" {
			t.Errorf("%+v: fields (-want +got):\n%s", c.in, d)
		}
	}
}

func TestRequirementFindings(t *testing.T) {
	items := []ChecklistItem{{ID: 10, Key: "a.soc", RequiredDocument: DocSOC2Type2}, {ID: 11, Key: "a.other"}}
	judge := func(docs ...AssuranceDocument) []AssuranceFinding {
		DefaultFreshness.WithFreshness(docs, assuranceNow)
		return RequirementFindings(items, docs)
	}
	if got := judge(); len(got) != 1 || !strings.Contains(got[0].Reasons[0], "No SOC 2 Type II report") {
		t.Errorf("missing: %+v", got)
	}
	if got := judge(soc2("2026-06-30")); len(got) != 0 {
		t.Errorf("fresh and unqualified: %+v", got)
	}
	if got := judge(soc2("2025-06-30")); len(got) != 1 || !strings.Contains(got[0].Reasons[0], "stale") {
		t.Errorf("stale: %+v", got)
	}
	if got := judge(soc2("2025-06-30"), bridge("2025-07-01", "2026-10-31")); len(got) != 0 {
		t.Errorf("bridged: %+v", got)
	}
	q := soc2("2026-06-30")
	op := OpinionQualified
	q.Opinion = &op
	q.CUECs = []CUEC{{ID: 1, Text: "Clients review withdrawal whitelists.", Confirmed: true}, {ID: 2, Text: "Clients rotate API keys."}}
	got := judge(q)
	want := []AssuranceFinding{{ItemID: 10, Kind: DocSOC2Type2, Reasons: []string{"The SOC 2 Type II report carries a qualified opinion.",
		`The team has not confirmed it operates the control "Clients rotate API keys.".`}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("qualified and unconfirmed (-want +got):\n%s", d)
	}
	// The latest report counts: a stale old one beside a fresh one is fine.
	old := soc2("2024-06-30")
	old.ID = 9
	if got := judge(old, soc2("2026-06-30")); len(got) != 0 {
		t.Errorf("replaced: %+v", got)
	}
}

func TestReconcileAssurance(t *testing.T) {
	tmpl := &Template{Sections: []ChecklistSection{{Items: []ChecklistItem{{ID: 10, Key: "a.soc", RequiredDocument: DocSOC2Type2}}}}}
	at := assuranceNow
	findings := map[int64][]AssuranceFinding{7: {{ItemID: 10, Kind: DocSOC2Type2, Reasons: []string{"No SOC 2 Type II report on file."}}}}
	evs := ReconcileAssurance(5, tmpl, findings, nil, at)
	if len(evs) != 1 {
		t.Fatalf("raise: %+v", evs)
	}
	raised := evs[0].(RedFlagRaised).Flag
	if raised.DocumentItemID == nil || *raised.DocumentItemID != 10 || raised.Status != FlagOpen || raised.Reason != "No SOC 2 Type II report on file." {
		t.Errorf("raised %+v", raised)
	}
	raised.ID = 99
	// Same finding: nothing to do.
	if evs := ReconcileAssurance(5, tmpl, findings, []RedFlag{raised}, at); len(evs) != 0 {
		t.Errorf("unchanged: %+v", evs)
	}
	// Finding gone: closed by itself.
	evs = ReconcileAssurance(5, tmpl, nil, []RedFlag{raised}, at)
	closed := evs[0].(RedFlagMoved).After
	if closed.Status != FlagClosed || closed.Resolution != AssuranceAutoClosed {
		t.Errorf("closed %+v", closed)
	}
	// Back again: reopened with the new reason.
	findings[7][0].Reasons = []string{"The SOC 2 Type II report carries a qualified opinion."}
	evs = ReconcileAssurance(5, tmpl, findings, []RedFlag{closed}, at)
	reopened := evs[0].(RedFlagMoved).After
	if reopened.Status != FlagOpen || reopened.Reason != "The SOC 2 Type II report carries a qualified opinion." {
		t.Errorf("reopened %+v", reopened)
	}
	// Accepted by hand: left alone.
	accepted := raised
	accepted.Status, accepted.Resolution = FlagAccepted, "We rely on the bridge letter we hold on paper."
	if evs := ReconcileAssurance(5, tmpl, findings, []RedFlag{accepted}, at); len(evs) != 0 {
		t.Errorf("accepted: %+v", evs)
	}
}

func TestDiligence(t *testing.T) {
	docs := []AssuranceDocument{soc2("2025-06-30"), cert(DocISO27001, "2027-06-30")}
	DefaultFreshness.WithFreshness(docs, assuranceNow)
	if st, reasons := Diligence(docs); st != DiligenceStale || len(reasons) != 1 {
		t.Errorf("got %s %v", st, reasons)
	}
	docs = append(docs, bridge("2025-07-01", "2026-10-31"))
	DefaultFreshness.WithFreshness(docs, assuranceNow)
	if st, reasons := Diligence(docs); st != DiligenceCurrent || len(reasons) != 0 {
		t.Errorf("bridged: got %s %v", st, reasons)
	}
}

func TestCUECConfirmationSurvivesAnUnchangedText(t *testing.T) {
	op := OpinionUnqualified
	in := DocumentInput{Kind: DocSOC2Type2, Issuer: "EY", IssuedOn: "2026-08-01", PeriodStart: sp("2025-07-01"), PeriodEnd: sp("2026-06-30"),
		Opinion: &op, CUECs: []string{"Clients review withdrawal whitelists.", "Clients rotate API keys."}}
	added, err := AddDocument(1, 7, true, in, 3, assuranceNow)
	if err != nil {
		t.Fatal(err)
	}
	d := added.Document
	d.ID = 4
	ch, err := ConfirmCUEC(d, 2, true, 3, assuranceNow)
	if err != nil {
		t.Fatal(err)
	}
	if c := ch.After.CUECs[1]; !c.Confirmed || *c.ConfirmedBy != 3 || !c.ConfirmedAt.Equal(assuranceNow) {
		t.Errorf("confirmed %+v", c)
	}
	if _, err := ConfirmCUEC(d, 3, true, 3, assuranceNow); ErrorCode(err) != ENOTFOUND {
		t.Errorf("unknown control: %v", err)
	}
	in.CUECs = []string{"Clients rotate API keys.", "A new control."}
	up, err := UpdateDocument(ch.After, 2, in, assuranceNow)
	if err != nil {
		t.Fatal(err)
	}
	if !up.After.CUECs[0].Confirmed || up.After.CUECs[1].Confirmed {
		t.Errorf("after update %+v", up.After.CUECs)
	}
	if _, err := UpdateDocument(ch.After, 1, in, assuranceNow); ErrorCode(err) != EPRECONDITION {
		t.Errorf("stale version: %v", err)
	}
	arch, _ := ArchiveDocument(up.After, 0, assuranceNow)
	if _, err := ConfirmCUEC(arch.After, 1, true, 3, assuranceNow); ErrorCode(err) != ECONFLICT {
		t.Errorf("archived: %v", err)
	}
}
