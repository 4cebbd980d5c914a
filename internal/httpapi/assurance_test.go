package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/postgres"
)

// assuredTemplate writes, as the organisation admin, a template whose one
// item requires a current SOC 2 Type II report, and returns it.
func assuredTemplate(t *testing.T, k *apitest.Kit) *custos.Template {
	t.Helper()
	admin := k.Env.Login("admin@example.com")
	res := admin.Do(http.MethodPost, "/api/v1/templates", map[string]any{
		"family": "assured_screen", "name": "Assured screen",
		"criteria": []map[string]any{{"key": "security", "name": "Security", "weight": 100}},
		"sections": []map[string]any{{"key": "assurance", "title": "Assurance", "items": []map[string]any{
			{"key": "assurance.soc2", "prompt": "Is there a current SOC 2 Type II report?", "evidence_required": false,
				"required_document_kind": "soc2_type2"}}}},
	})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	tmpl := apitest.Decode[*custos.Template](t, res)
	if it := tmpl.Items()[0]; it.RequiredDocument != custos.DocSOC2Type2 {
		t.Fatalf("the item requires %q", it.RequiredDocument)
	}
	return tmpl
}

func docPath(k *apitest.Kit, custodianID int64) string {
	return fmt.Sprintf("/api/v1/teams/%d/custodians/%d/documents", k.Treasury, custodianID)
}

// documentFlag is the candidate's automatic document flag, if any.
func documentFlag(ws *custos.Workspace, custodianID int64) *custos.RedFlag {
	for _, a := range ws.Assessments {
		if a.Custodian.ID != custodianID {
			continue
		}
		for _, f := range a.RedFlags {
			if f.DocumentItemID != nil {
				return &f
			}
		}
	}
	return nil
}

// expectBlocked submits and expects a 409 whose assurance blocker says want.
func expectBlocked(t *testing.T, c *apitest.Client, id int64, want string) {
	t.Helper()
	p := apitest.ExpectProblem(t, c.Do(http.MethodPost, apitest.EvalPath(id, "/submit"), nil), http.StatusConflict)
	for _, b := range p.Blockers {
		if b.Code == "assurance_document" && strings.Contains(b.Message, want) {
			return
		}
	}
	t.Fatalf("no assurance_document blocker saying %q: %+v", want, p.Blockers)
}

// A draft whose item requires a SOC 2 report: a missing one, a stale one, a
// qualified opinion and an unconfirmed CUEC each raise the item's flag and
// block submission with the reason; a bridge letter clears the staleness;
// once the documents hold, the flag closes by itself and the draft goes in.
func TestAssurance_RequiredDocumentRaisesTheFlagAndBlocksSubmission(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	tmpl := assuredTemplate(t, k)
	item := tmpl.Items()[0]
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	res := k.Officer.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.Treasury, "title": "Assured RFP",
		"template_id": tmpl.ID, "mandate": apitest.USMandate(), "custodian_ids": []int64{coinbase, anchorage}})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ws := apitest.Decode[*custos.Workspace](t, res)
	id := ws.Evaluation.ID

	// Missing: the flag is raised as the draft opens.
	f := documentFlag(ws, coinbase)
	if f == nil || f.Status != custos.FlagOpen || *f.DocumentItemID != item.ID || !strings.Contains(f.Reason, "No SOC 2 Type II report") {
		t.Fatalf("flag on opening: %+v", f)
	}
	k.Answer(k.Officer, id, coinbase, item.ID, "met", "The custodian sent its report.")
	k.Score(k.Officer, id, coinbase, "security", 4)
	k.Shortlist(k.Officer, id, coinbase)
	expectBlocked(t, k.Officer, id, "No SOC 2 Type II report on file.")

	// Stale: the period ended on 30 June 2025; the clock stands at 26 November 2026.
	res = k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "soc2_type2", "issuer": "Deloitte & Touche LLP",
		"period_start": "2024-07-01", "period_end": "2025-06-30", "issued_on": "2025-08-15", "opinion": "unqualified",
		"scope": "Custody operations", "carve_outs": "Sub-service data centres"})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	soc := apitest.Decode[custos.AssuranceDocument](t, res)
	if soc.Freshness == nil || soc.Freshness.State != custos.DocStale {
		t.Fatalf("freshness %+v", soc.Freshness)
	}
	ws = k.Workspace(k.Officer, id)
	if f := documentFlag(ws, coinbase); f == nil || f.Status != custos.FlagOpen || !strings.Contains(f.Reason, "stale") {
		t.Fatalf("flag with a stale report: %+v", f)
	}
	expectBlocked(t, k.Officer, id, "is stale since 2026-07-01")

	// A bridge letter that reaches to four months ago does not help…
	res = k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "bridge_letter", "issuer": "Coinbase Custody Trust",
		"period_start": "2025-07-01", "period_end": "2026-07-26", "issued_on": "2026-08-01"})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	expectBlocked(t, k.Officer, id, "is stale")
	// …one that reaches to within three months clears the staleness and the flag.
	res = k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "bridge_letter", "issuer": "Coinbase Custody Trust",
		"period_start": "2025-07-01", "period_end": "2026-10-31", "issued_on": "2026-11-05"})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ws = k.Workspace(k.Officer, id)
	if f := documentFlag(ws, coinbase); f == nil || f.Status != custos.FlagClosed || f.Resolution != custos.AssuranceAutoClosed {
		t.Fatalf("flag once bridged: %+v", f)
	}
	if len(ws.SubmitBlockers) != 0 {
		t.Fatalf("blockers once bridged: %+v", ws.SubmitBlockers)
	}

	// A qualified opinion reopens it.
	socPath := fmt.Sprintf("/api/v1/teams/%d/documents/%d", k.Treasury, soc.ID)
	body := map[string]any{"issuer": "Deloitte & Touche LLP", "period_start": "2024-07-01", "period_end": "2025-06-30",
		"issued_on": "2025-08-15", "opinion": "qualified"}
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodPatch, socPath, body), http.StatusOK)
	ws = k.Workspace(k.Officer, id)
	if f := documentFlag(ws, coinbase); f == nil || f.Status != custos.FlagOpen || !strings.Contains(f.Reason, "qualified opinion") {
		t.Fatalf("flag with a qualified opinion: %+v", f)
	}
	expectBlocked(t, k.Officer, id, "carries a qualified opinion")

	// An unqualified report with a control the team has not confirmed.
	body["opinion"], body["cuecs"] = "unqualified", []string{"Clients restrict who may approve withdrawals."}
	res = k.Officer.Do(http.MethodPatch, socPath, body)
	apitest.ExpectStatus(t, res, http.StatusOK)
	expectBlocked(t, k.Officer, id, `has not confirmed it operates the control "Clients restrict who may approve withdrawals."`)
	// The auditor may read but not confirm.
	auditor := k.Env.Login("auditor@example.com")
	apitest.ExpectProblem(t, auditor.Do(http.MethodPost, socPath+"/cuecs/1/confirm", map[string]any{"confirmed": true}), http.StatusForbidden)
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPost, socPath+"/cuecs/1/confirm", map[string]any{}), "confirmed")
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, socPath+"/cuecs/2/confirm", map[string]any{"confirmed": true}), http.StatusNotFound)
	res = k.Officer.Do(http.MethodPost, socPath+"/cuecs/1/confirm", map[string]any{"confirmed": true})
	apitest.ExpectStatus(t, res, http.StatusOK)
	if c := apitest.Decode[custos.AssuranceDocument](t, res).CUECs[0]; !c.Confirmed || c.ConfirmedBy == nil || *c.ConfirmedBy != k.UserID("officer@example.com") {
		t.Fatalf("confirmed control %+v", c)
	}
	ws = k.Workspace(k.Officer, id)
	if f := documentFlag(ws, coinbase); f == nil || f.Status != custos.FlagClosed {
		t.Fatalf("flag once confirmed: %+v", f)
	}
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodPost, apitest.EvalPath(id, "/submit"), nil), http.StatusOK)

	// Each change is one audit event of the document.
	res = auditor.Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&limit=100", k.Treasury), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var page struct {
		Items []struct {
			Action     string `json:"action"`
			ObjectType string `json:"object_type"`
		} `json:"items"`
	}
	res.JSON(&page)
	var actions []string
	for _, e := range page.Items {
		if e.ObjectType == "assurance_document" {
			actions = append(actions, e.Action)
		}
	}
	want := "assurance_document.confirm_cuec assurance_document.update assurance_document.update assurance_document.add assurance_document.add assurance_document.add"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit actions\n got %s\nwant %s", got, want)
	}
}

// A report that goes stale with time, with no write to the draft, raises
// its item's flag at the next scheduled check, audited as the system's; a
// draft someone holds is left for the next round, not waited for; the
// check repeated changes nothing; a submitted evaluation is left alone.
func TestAssurance_ADocumentThatLapsesWithTimeRaisesTheFlagAtTheScheduledCheck(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	tmpl := assuredTemplate(t, k)
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	open := func(title string) int64 {
		res := k.Officer.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.Treasury, "title": title,
			"template_id": tmpl.ID, "mandate": apitest.USMandate(), "custodian_ids": []int64{coinbase, anchorage}})
		apitest.ExpectStatus(t, res, http.StatusCreated)
		return apitest.Decode[*custos.Workspace](t, res).Evaluation.ID
	}
	draft, submitted := open("Assured RFP"), open("Assured RFP, submitted")
	// Current today (26 November 2026): the period ended on 30 September.
	res := k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "soc2_type2", "issuer": "Deloitte & Touche LLP",
		"period_start": "2025-10-01", "period_end": "2026-09-30", "issued_on": "2026-10-20", "opinion": "unqualified"})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	item := tmpl.Items()[0]
	k.Answer(k.Officer, submitted, coinbase, item.ID, "met", "The report is current.")
	k.Score(k.Officer, submitted, coinbase, "security", 4)
	k.Shortlist(k.Officer, submitted, coinbase)
	k.Submit(k.Officer, submitted)
	if f := documentFlag(k.Workspace(k.Officer, draft), coinbase); f == nil || f.Status != custos.FlagClosed {
		t.Fatalf("flag with a current report: %+v", f)
	}
	outbox := postgres.NewOutbox(k.Env.Store)
	if n, err := outbox.ScanDocumentFlags(context.Background()); err != nil || n != 0 {
		t.Fatalf("scan with nothing lapsed: %d %v", n, err)
	}

	// A year and a month later the report is stale (12 months after its
	// period), and nobody has touched the draft.
	k.Env.Clock.Advance(396 * 24 * time.Hour)
	k.Officer = k.Env.Login("officer@example.com") // the session has ended meanwhile
	if f := documentFlag(k.Workspace(k.Officer, draft), coinbase); f == nil || f.Status != custos.FlagClosed {
		t.Fatalf("flag before the check: %+v", f)
	}
	// Someone holds the draft (a write in progress): the check leaves it for
	// later rather than wait, and takes it up again on the next round.
	held, err := k.Env.SQL.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := held.Exec(`SELECT 1 FROM evaluations WHERE id = $1 FOR UPDATE`, draft); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n, err := outbox.ScanDocumentFlags(ctx); err != nil || n != 0 {
		t.Fatalf("scan while the draft is held: %d changes, %v; want none, at once", n, err)
	}
	held.Rollback()
	n, err := outbox.ScanDocumentFlags(ctx)
	if err != nil || n != 1 {
		t.Fatalf("scan after the lapse: %d changes, %v; want 1", n, err)
	}
	if f := documentFlag(k.Workspace(k.Officer, draft), coinbase); f == nil || f.Status != custos.FlagOpen || !strings.Contains(f.Reason, "stale") {
		t.Fatalf("flag after the check: %+v", f)
	}
	// Another server's scan, the same day, finds nothing left to change.
	if n, err := postgres.NewOutbox(k.Env.Store).ScanDocumentFlags(ctx); err != nil || n != 0 {
		t.Fatalf("a repeated scan changed %d flags (%v); want none", n, err)
	}
	if f := documentFlag(k.Workspace(k.Officer, submitted), coinbase); f == nil || f.Status != custos.FlagClosed {
		t.Errorf("the submitted evaluation's flag changed: %+v", f)
	}
	res = k.Env.Login("auditor@example.com").Do(http.MethodGet, fmt.Sprintf("/api/v1/audit?team=%d&limit=5", k.Treasury), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var page struct {
		Items []struct {
			Actor    string `json:"actor"`
			Action   string `json:"action"`
			ObjectID string `json:"object_id"`
		} `json:"items"`
	}
	res.JSON(&page)
	want := []string{postgres.ScheduledActor, "red_flag.update", strconv.FormatInt(draft, 10)}
	if len(page.Items) == 0 {
		t.Fatal("no audit event")
	}
	got := []string{page.Items[0].Actor, page.Items[0].Action, page.Items[0].ObjectID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the newest audit event (-want +got):\n%s", diff)
	}
}

// Bad input is a problem naming the field, never a 500.
func TestAssurance_BadInputNamesTheField(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	path := docPath(k, k.Custodian("coinbase-prime-custody"))
	for _, c := range []struct {
		body   any
		fields []string
	}{
		{map[string]any{"kind": "soc3", "issuer": "X", "issued_on": "2026-01-01"}, []string{"kind"}},
		{map[string]any{"kind": "soc2_type2", "issuer": "X", "issued_on": "2026-01-01", "period_start": "2025-01-01"}, []string{"period_end", "opinion"}},
		{map[string]any{"kind": "soc2_type2", "issuer": "X", "issued_on": "2026-02-30", "period_start": "2025-06-01",
			"period_end": "2025-01-01", "opinion": "glowing"}, []string{"issued_on", "period_end", "opinion"}},
		{map[string]any{"kind": "iso27001", "issuer": " ", "issued_on": "2026-01-01", "opinion": "unqualified"}, []string{"issuer", "valid_until", "opinion"}},
		{map[string]any{"kind": "soc1_type2", "issuer": "X", "issued_on": "2026-01-01", "period_start": "2025-01-01",
			"period_end": "2025-12-31", "opinion": "unqualified", "cuecs": []string{"ok", ""}}, []string{"cuecs[1]"}},
		{map[string]any{"kind": "insurance", "issuer": "Lloyd's", "issued_on": "2026-01-01", "valid_until": 7}, []string{"valid_until"}},
	} {
		apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodPost, path, c.body), c.fields...)
	}
	apitest.ExpectProblem(t, k.Officer.Do(http.MethodPost, docPath(k, 999999), map[string]any{"kind": "iso27001", "issuer": "BSI",
		"issued_on": "2026-01-01", "valid_until": "2028-01-01"}), http.StatusNotFound)
	apitest.ExpectFieldErrors(t, k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/teams/%d/documents?due=soon", k.Treasury), nil), "due")
	// Another team's officer neither reads nor writes the treasury's documents.
	other := k.Env.Login("other.officer@example.com")
	apitest.ExpectProblem(t, other.Do(http.MethodGet, path, nil), http.StatusForbidden)
}

// A relationship whose custodian's documents lapse shows "diligence stale"
// with the reason; the due list names the document; a bridge letter makes
// the diligence current again.
func TestAssurance_RelationshipDiligenceGoesStale(t *testing.T) {
	t.Parallel()
	k, ws := approvedKit(t)
	coinbase := k.Custodian("coinbase-prime-custody")
	res := k.Officer.Do(http.MethodPost, fmt.Sprintf("/api/v1/teams/%d/relationships", k.Treasury),
		map[string]any{"evaluation_id": ws.Evaluation.ID, "custodian_id": coinbase})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	rel := apitest.Decode[custos.Relationship](t, res)
	relPath := fmt.Sprintf("/api/v1/teams/%d/relationships/%d", k.Treasury, rel.ID)
	if rel.DiligenceStatus != custos.DiligenceCurrent {
		t.Fatalf("new relationship: %s", rel.DiligenceStatus)
	}
	// An ISO certificate that expires in 30 days is only expiring.
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "iso27001", "issuer": "BSI",
		"issued_on": "2024-01-01", "valid_until": "2026-12-26"}), http.StatusCreated)
	res = k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "soc2_type2", "issuer": "Deloitte & Touche LLP",
		"period_start": "2024-07-01", "period_end": "2025-06-30", "issued_on": "2025-08-15", "opinion": "unqualified"})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	res = k.Officer.Do(http.MethodGet, relPath, nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	rel = apitest.Decode[custos.Relationship](t, res)
	if rel.DiligenceStatus != custos.DiligenceStale || len(rel.DiligenceReasons) != 1 || !strings.Contains(rel.DiligenceReasons[0], "SOC 2 Type II report is stale") {
		t.Fatalf("diligence %s %q", rel.DiligenceStatus, rel.DiligenceReasons)
	}
	res = k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/teams/%d/documents?due=true", k.Treasury), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var due struct{ Items []custos.AssuranceDocument }
	res.JSON(&due)
	var states []string
	for _, d := range due.Items {
		states = append(states, string(d.Kind)+":"+string(d.Freshness.State))
	}
	if got := strings.Join(states, " "); got != "soc2_type2:stale iso27001:expiring" {
		t.Errorf("due documents: %s", got)
	}
	apitest.ExpectStatus(t, k.Officer.Do(http.MethodPost, docPath(k, coinbase), map[string]any{"kind": "bridge_letter", "issuer": "Coinbase",
		"period_start": "2025-07-01", "period_end": "2026-10-31", "issued_on": "2026-11-05"}), http.StatusCreated)
	res = k.Officer.Do(http.MethodGet, relPath, nil)
	if rel = apitest.Decode[custos.Relationship](t, res); rel.DiligenceStatus != custos.DiligenceCurrent {
		t.Fatalf("diligence once bridged: %s %q", rel.DiligenceStatus, rel.DiligenceReasons)
	}
	// Time passes: 61 more days and the ISO certificate has expired.
	k.Env.Clock.Advance(61 * 24 * time.Hour)
	k.Officer = k.Env.Login("officer@example.com")
	res = k.Officer.Do(http.MethodGet, relPath, nil)
	if rel = apitest.Decode[custos.Relationship](t, res); rel.DiligenceStatus != custos.DiligenceStale || !strings.Contains(strings.Join(rel.DiligenceReasons, " "), "ISO 27001 certificate is expired") {
		t.Fatalf("diligence once the certificate expired: %s %q", rel.DiligenceStatus, rel.DiligenceReasons)
	}
}

// The custody due inquiry's SOC report, audited financial statements and
// insurance items require their documents: a draft on it shows each as a
// finding and a flag while the team holds none.
func TestAssurance_CustodyDueInquiryRequiresItsDocuments(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t)
	res := k.Officer.Do(http.MethodGet, "/api/v1/templates", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var list struct{ Items []custos.TemplateSummary }
	res.JSON(&list)
	var id int64
	for _, s := range list.Items {
		if s.Family == "custody_due_inquiry" {
			id = s.ID
		}
	}
	res = k.Officer.Do(http.MethodGet, fmt.Sprintf("/api/v1/templates/%d", id), nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	tmpl := apitest.Decode[*custos.Template](t, res)
	required := map[string]custos.DocumentKind{}
	for _, it := range tmpl.Items() {
		if it.RequiredDocument != "" {
			required[it.Key] = it.RequiredDocument
		}
	}
	want := map[string]custos.DocumentKind{"state_trust.soc_report": custos.DocSOC2Type2,
		"state_trust.audited_financials": custos.DocAuditedFinancials, "reserves_resilience.insurance_fit": custos.DocInsurance}
	if d := cmp.Diff(want, required); d != "" {
		t.Fatalf("required documents (-want +got):\n%s", d)
	}
	coinbase := k.Custodian("coinbase-prime-custody")
	res = k.Officer.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.Treasury, "title": "Due inquiry",
		"template_id": id, "mandate": apitest.USMandate(), "custodian_ids": []int64{coinbase, k.Custodian("anchorage-digital-bank")}})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	ws := apitest.Decode[*custos.Workspace](t, res)
	var kinds []string
	flags := 0
	for _, a := range ws.Assessments {
		if a.Custodian.ID != coinbase {
			continue
		}
		for _, f := range a.Assurance {
			kinds = append(kinds, string(f.Kind))
		}
		for _, f := range a.RedFlags {
			if f.DocumentItemID != nil && f.Status == custos.FlagOpen {
				flags++
			}
		}
	}
	if got := strings.Join(kinds, " "); got != "audited_financials soc2_type2 insurance" || flags != 3 {
		t.Errorf("findings %q, %d open document flags", got, flags)
	}
}
