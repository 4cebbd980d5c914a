package httpapi_test

// API tests of the evaluation workflow (issue 3): the whole journey from an
// officer's draft to a manager's approval and the lock after it, two
// approvals, returns, mandate fit, submission blockers, the weighted-score
// arithmetic, the number of queries of a workspace load, ETags and evidence.
// Concurrency is in workflow_concurrency_test.go and bad input in
// workflow_badinput_test.go; the helpers below serve all three.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
)

// --- what the API answers -------------------------------------------------------

type wsMandate struct {
	Regions                    []string `json:"regions"`
	QualifiedCustodianRequired bool     `json:"qualified_custodian_required"`
	Assets                     []string `json:"assets"`
	StakingRequired            bool     `json:"staking_required"`
	ExpectedAUCUSD             int64    `json:"expected_assets_under_custody_usd"`
}

type wsEvaluation struct {
	ID           int64     `json:"id"`
	TeamID       int64     `json:"team_id"`
	Title        string    `json:"title"`
	TemplateID   int64     `json:"template_id"`
	Mandate      wsMandate `json:"mandate"`
	OwnerID      int64     `json:"owner_id"`
	DueDate      *string   `json:"due_date"`
	Status       string    `json:"status"`
	Version      int       `json:"version"`
	Round        int       `json:"round"`
	SubmittedBy  *int64    `json:"submitted_by"`
	SnapshotHash string    `json:"snapshot_hash"`
	ApprovedAt   *string   `json:"approved_at"`
}

type wsItem struct {
	ID               int64  `json:"id"`
	Key              string `json:"key"`
	Prompt           string `json:"prompt"`
	EvidenceRequired bool   `json:"evidence_required"`
}

type wsTemplate struct {
	ID       int64 `json:"id"`
	Criteria []struct {
		Key    string `json:"key"`
		Weight int    `json:"weight"`
	} `json:"criteria"`
	Sections []struct {
		Key   string   `json:"key"`
		Items []wsItem `json:"items"`
	} `json:"sections"`
	RedFlags []struct {
		ID              int64   `json:"id"`
		Key             string  `json:"key"`
		Title           string  `json:"title"`
		DefaultSeverity string  `json:"default_severity"`
		MandateRule     *string `json:"mandate_rule"`
	} `json:"red_flags"`
}

// items lists the checklist items in order.
func (t wsTemplate) items() []wsItem {
	var out []wsItem
	for _, s := range t.Sections {
		out = append(out, s.Items...)
	}
	return out
}

// definition returns the catalogue red flag with the key.
func (t wsTemplate) definition(tb testing.TB, key string) (id int64, title, severity string) {
	tb.Helper()
	for _, d := range t.RedFlags {
		if d.Key == key {
			return d.ID, d.Title, d.DefaultSeverity
		}
	}
	tb.Fatalf("the template has no red flag %q", key)
	return 0, "", ""
}

type wsAnswer struct {
	ItemID  int64  `json:"item_id"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

type wsFlag struct {
	ID           int64   `json:"id"`
	CustodianID  int64   `json:"custodian_id"`
	DefinitionID *int64  `json:"definition_id"`
	Title        string  `json:"title"`
	Severity     string  `json:"severity"`
	Status       string  `json:"status"`
	Resolution   string  `json:"resolution"`
	MandateRule  *string `json:"mandate_rule"`
	Reason       string  `json:"reason"`
}

type wsEvidence struct {
	ID          int64  `json:"id"`
	CustodianID int64  `json:"custodian_id"`
	ItemID      int64  `json:"item_id"`
	Label       string `json:"label"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

type wsAssessment struct {
	Custodian struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
		Name string `json:"name"`
	} `json:"custodian"`
	Answers []wsAnswer `json:"answers"`
	Scores  []struct {
		Criterion string `json:"criterion"`
		Score     int    `json:"score"`
		Rationale string `json:"rationale"`
	} `json:"scores"`
	RedFlags   []wsFlag     `json:"red_flags"`
	Evidence   []wsEvidence `json:"evidence"`
	Completion struct {
		Answered int     `json:"answered"`
		Total    int     `json:"total"`
		Percent  float64 `json:"percent"`
	} `json:"completion"`
	WeightedTotal float64 `json:"weighted_total"`
	Rank          int     `json:"rank"`
}

type wsShortlistEntry struct {
	CustodianID int64  `json:"custodian_id"`
	Rank        int    `json:"rank"`
	Rationale   string `json:"rationale"`
}

type wsApproval struct {
	Round        int    `json:"round"`
	ManagerID    int64  `json:"manager_id"`
	ManagerName  string `json:"manager_name"`
	Decision     string `json:"decision"`
	Comment      string `json:"comment"`
	SnapshotHash string `json:"snapshot_hash"`
}

type wsBlocker struct {
	Code        string `json:"code"`
	CustodianID *int64 `json:"custodian_id"`
	ItemID      *int64 `json:"item_id"`
	FlagID      *int64 `json:"flag_id"`
	Message     string `json:"message"`
}

// key identifies a blocker without its message.
func (b wsBlocker) key() string {
	n := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return fmt.Sprintf("%s c%d i%d f%d", b.Code, n(b.CustodianID), n(b.ItemID), n(b.FlagID))
}

type wsRankEntry struct {
	Rank          int     `json:"rank"`
	CustodianID   int64   `json:"custodian_id"`
	Name          string  `json:"name"`
	WeightedTotal float64 `json:"weighted_total"`
}

// wfWorkspace is GET /api/v1/evaluations/{id}.
type wfWorkspace struct {
	Evaluation        wsEvaluation       `json:"evaluation"`
	Template          wsTemplate         `json:"template"`
	Assessments       []wsAssessment     `json:"assessments"`
	Ranking           []wsRankEntry      `json:"ranking"`
	Shortlist         []wsShortlistEntry `json:"shortlist"`
	Approvals         []wsApproval       `json:"approvals"`
	ApprovalsRequired int                `json:"approvals_required"`
	ApprovalsReceived int                `json:"approvals_received"`
	SubmitBlockers    []wsBlocker        `json:"submit_blockers"`
}

// assessment returns the candidate's assessment.
func (w wfWorkspace) assessment(tb testing.TB, custodianID int64) wsAssessment {
	tb.Helper()
	for _, a := range w.Assessments {
		if a.Custodian.ID == custodianID {
			return a
		}
	}
	tb.Fatalf("custodian %d is not a candidate of evaluation %d", custodianID, w.Evaluation.ID)
	return wsAssessment{}
}

// flags returns every red flag of the workspace.
func (w wfWorkspace) flags() []wsFlag {
	var out []wsFlag
	for _, a := range w.Assessments {
		out = append(out, a.RedFlags...)
	}
	return out
}

// wfProblem decodes a problem document with the extra members of the
// workflow (blockers, current) kept raw.
type wfProblem struct {
	httpapi.Problem
	RawCurrent json.RawMessage `json:"current"`
}

// --- the fixture ---------------------------------------------------------------

// evalKit is a stack with the demo data, the officer signed in, and the
// catalogue and template at hand.
type evalKit struct {
	t        *testing.T
	env      *apitest.Env
	treasury int64
	other    int64
	officer  *apitest.Client
	// bySlug maps a catalogue slug to the custodian's ID.
	bySlug   map[string]int64
	template wsTemplate
}

// wfPDF is the smallest file the server takes for a PDF: it sniffs the
// "%PDF-" signature.
var wfPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func newEvalKit(t *testing.T) *evalKit {
	t.Helper()
	env := apitest.New(t)
	teams := env.SeedDemo()
	k := &evalKit{t: t, env: env, treasury: teams[demo.TreasuryTeam], other: teams[demo.OtherTeam],
		officer: env.Login("officer@example.com"), bySlug: map[string]int64{}}
	res := k.officer.Do(http.MethodGet, "/api/v1/custodians?limit=100", nil)
	expectStatus(t, res, http.StatusOK)
	var page struct {
		Items []struct {
			ID   int64  `json:"id"`
			Slug string `json:"slug"`
		} `json:"items"`
	}
	decodeInto(t, res, &page)
	for _, c := range page.Items {
		k.bySlug[c.Slug] = c.ID
	}
	res = k.officer.Do(http.MethodGet, "/api/v1/templates/1", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &k.template)
	if n := len(k.template.items()); n < 20 || len(k.template.Criteria) != 6 {
		t.Fatalf("unexpected seeded template: %d items, %d criteria", n, len(k.template.Criteria))
	}
	return k
}

func (k *evalKit) ctx() context.Context {
	return custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})
}

// id returns a seeded custodian's ID by slug.
func (k *evalKit) id(slug string) int64 {
	k.t.Helper()
	id, ok := k.bySlug[slug]
	if !ok {
		k.t.Fatalf("no custodian %q in the catalogue", slug)
	}
	return id
}

// userID returns a demo account's ID.
func (k *evalKit) userID(email string) int64 {
	k.t.Helper()
	u, err := k.env.Users.FindUserByEmail(k.ctx(), email)
	if err != nil {
		k.t.Fatal(err)
	}
	return u.ID
}

// grant gives a user a role in a team and reloads the authorizer.
func (k *evalKit) grant(teamID, userID int64, role custos.Role) {
	k.t.Helper()
	if _, err := k.env.Teams.AddMember(k.ctx(), teamID, userID, role); err != nil {
		k.t.Fatal(err)
	}
	if err := k.env.Authz.Reload(k.ctx()); err != nil {
		k.t.Fatal(err)
	}
}

// setApprovalsRequired changes the team setting as the admin.
func (k *evalKit) setApprovalsRequired(n int) {
	k.t.Helper()
	res := k.env.Login("admin@example.com").Do(http.MethodPatch, fmt.Sprintf("/api/v1/teams/%d", k.treasury),
		map[string]int{"approvals_required": n})
	expectStatus(k.t, res, http.StatusOK)
}

// wfUSMandate is a US mandate that needs a qualified custodian.
func wfUSMandate() map[string]any {
	return map[string]any{"regions": []string{"US"}, "qualified_custodian_required": true, "assets": []string{"BTC", "ETH"},
		"staking_required": false, "expected_assets_under_custody_usd": 250_000_000}
}

func wfPath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/evaluations/%d", id) + strings.Join(rest, "")
}

func wfAnswerPath(id, custodianID, itemID int64) string {
	return wfPath(id, fmt.Sprintf("/custodians/%d/answers/%d", custodianID, itemID))
}

// openEvaluation opens an evaluation of the custodians as c and checks the 201.
func (k *evalKit) openEvaluation(c *apitest.Client, mandate map[string]any, custodianIDs ...int64) wfWorkspace {
	k.t.Helper()
	res := c.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.treasury, "title": "2027 custody RFP — Fund III",
		"template_id": 1, "mandate": mandate, "custodian_ids": custodianIDs, "due_date": "2027-03-31"})
	expectStatus(k.t, res, http.StatusCreated)
	var ws wfWorkspace
	decodeInto(k.t, res, &ws)
	if want := wfPath(ws.Evaluation.ID); res.Header.Get("Location") != want {
		k.t.Errorf("Location = %q, want %q", res.Header.Get("Location"), want)
	}
	if want := fmt.Sprintf("%q", fmt.Sprint(ws.Evaluation.Version)); res.Header.Get("ETag") != want {
		k.t.Errorf("ETag of the new workspace = %q, want %s", res.Header.Get("ETag"), want)
	}
	return ws
}

// workspace reads the workspace as c.
func (k *evalKit) workspace(c *apitest.Client, id int64) wfWorkspace {
	k.t.Helper()
	res := c.Do(http.MethodGet, wfPath(id), nil)
	expectStatus(k.t, res, http.StatusOK)
	var ws wfWorkspace
	decodeInto(k.t, res, &ws)
	return ws
}

// answer puts one answer and expects 200.
func (k *evalKit) answer(c *apitest.Client, id, custodianID, itemID int64, status, note string) wsAnswer {
	k.t.Helper()
	res := c.Do(http.MethodPut, wfAnswerPath(id, custodianID, itemID), map[string]string{"status": status, "note": note})
	expectStatus(k.t, res, http.StatusOK)
	var a wsAnswer
	decodeInto(k.t, res, &a)
	return a
}

// answerAll answers every checklist item of the candidates "met" with a note.
func (k *evalKit) answerAll(c *apitest.Client, id int64, custodianIDs ...int64) {
	k.t.Helper()
	for _, cid := range custodianIDs {
		for _, it := range k.template.items() {
			k.answer(c, id, cid, it.ID, "met", "Checked against the documents the custodian sent: "+it.Key+".")
		}
	}
}

// wfMultipart builds a multipart/form-data body with one file part.
func wfMultipart(field, filename, partType string, content []byte) (io.Reader, http.Header) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	if partType != "" {
		h.Set("Content-Type", partType)
	}
	part, _ := w.CreatePart(h)
	part.Write(content)
	w.Close()
	header := http.Header{}
	header.Set("Content-Type", w.FormDataContentType())
	return &buf, header
}

// wfUpload sends a file as evidence for an answer.
func wfUpload(c *apitest.Client, id, custodianID, itemID int64, filename, partType string, content []byte) *apitest.Response {
	body, header := wfMultipart("file", filename, partType, content)
	return c.Request(http.MethodPost, wfAnswerPath(id, custodianID, itemID)+"/evidence", body, header)
}

// attachRequiredEvidence uploads a PDF to every evidence-required item of the candidates.
func (k *evalKit) attachRequiredEvidence(c *apitest.Client, id int64, custodianIDs ...int64) {
	k.t.Helper()
	for _, cid := range custodianIDs {
		for _, it := range k.template.items() {
			if !it.EvidenceRequired {
				continue
			}
			res := wfUpload(c, id, cid, it.ID, it.Key+".pdf", "application/pdf", wfPDF)
			expectStatus(k.t, res, http.StatusCreated)
		}
	}
}

// score puts one criterion's score and expects 200.
func (k *evalKit) score(c *apitest.Client, id, custodianID int64, criterion string, score int) {
	k.t.Helper()
	res := c.Do(http.MethodPut, wfPath(id, fmt.Sprintf("/custodians/%d/scores/%s", custodianID, criterion)),
		map[string]any{"score": score, "rationale": fmt.Sprintf("%s earns %d after the demo and the documents.", criterion, score)})
	expectStatus(k.t, res, http.StatusOK)
}

// scoreAll scores the criteria in template order: liquidity, security,
// coverage, costs, ux, support.
func (k *evalKit) scoreAll(c *apitest.Client, id, custodianID int64, scores ...int) {
	k.t.Helper()
	if len(scores) != len(k.template.Criteria) {
		k.t.Fatalf("scoreAll: %d scores for %d criteria", len(scores), len(k.template.Criteria))
	}
	for i, cr := range k.template.Criteria {
		k.score(c, id, custodianID, cr.Key, scores[i])
	}
}

// raise raises a red flag and expects 201.
func (k *evalKit) raise(c *apitest.Client, id, custodianID int64, body map[string]any) wsFlag {
	k.t.Helper()
	res := c.Do(http.MethodPost, wfPath(id, fmt.Sprintf("/custodians/%d/red-flags", custodianID)), body)
	expectStatus(k.t, res, http.StatusCreated)
	var f wsFlag
	decodeInto(k.t, res, &f)
	return f
}

// move changes a red flag's status and expects 200.
func (k *evalKit) move(c *apitest.Client, id, flagID int64, status, resolution string) wsFlag {
	k.t.Helper()
	res := c.Do(http.MethodPatch, wfPath(id, fmt.Sprintf("/red-flags/%d", flagID)), map[string]string{"status": status, "resolution": resolution})
	expectStatus(k.t, res, http.StatusOK)
	var f wsFlag
	decodeInto(k.t, res, &f)
	return f
}

// shortlist puts the custodians on the shortlist in rank order.
func (k *evalKit) shortlist(c *apitest.Client, id int64, custodianIDs ...int64) wfWorkspace {
	k.t.Helper()
	entries := []map[string]any{}
	for i, cid := range custodianIDs {
		entries = append(entries, map[string]any{"custodian_id": cid, "rank": i + 1,
			"rationale": fmt.Sprintf("Ranked %d: strongest fit on liquidity and security for the mandate.", i+1)})
	}
	res := c.Do(http.MethodPut, wfPath(id, "/shortlist"), map[string]any{"entries": entries})
	expectStatus(k.t, res, http.StatusOK)
	var ws wfWorkspace
	decodeInto(k.t, res, &ws)
	return ws
}

// wfDecide posts an approval or a return and returns the response.
func wfDecide(c *apitest.Client, id int64, decision string, comment any) *apitest.Response {
	if comment == nil {
		return c.Do(http.MethodPost, wfPath(id, "/"+decision), nil)
	}
	return c.Do(http.MethodPost, wfPath(id, "/"+decision), map[string]any{"comment": comment})
}

// submittable opens an evaluation of Coinbase and Anchorage (both US
// qualified custodians: no automatic flags), answers and evidences Coinbase
// and shortlists it: it can be submitted at once.
func (k *evalKit) submittable() wfWorkspace {
	k.t.Helper()
	coinbase, anchorage := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank")
	ws := k.openEvaluation(k.officer, wfUSMandate(), coinbase, anchorage)
	k.answerAll(k.officer, ws.Evaluation.ID, coinbase)
	k.attachRequiredEvidence(k.officer, ws.Evaluation.ID, coinbase)
	ws = k.shortlist(k.officer, ws.Evaluation.ID, coinbase)
	if len(ws.SubmitBlockers) != 0 {
		k.t.Fatalf("the fixture is not submittable: %+v", ws.SubmitBlockers)
	}
	return ws
}

// submit submits and expects 200.
func (k *evalKit) submit(c *apitest.Client, id int64) wfWorkspace {
	k.t.Helper()
	res := c.Do(http.MethodPost, wfPath(id, "/submit"), nil)
	expectStatus(k.t, res, http.StatusOK)
	var ws wfWorkspace
	decodeInto(k.t, res, &ws)
	return ws
}

// wfAuditEvent is one event of GET /api/v1/audit.
type wfAuditEvent struct {
	Seq        int64           `json:"seq"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

// wfTeamAudit pages through a team's whole audit trail, newest first.
func wfTeamAudit(t *testing.T, c *apitest.Client, team int64) []wfAuditEvent {
	t.Helper()
	var all []wfAuditEvent
	path := fmt.Sprintf("/api/v1/audit?team=%d&limit=200", team)
	for {
		res := c.Do(http.MethodGet, path, nil)
		expectStatus(t, res, http.StatusOK)
		var page struct {
			Items      []wfAuditEvent `json:"items"`
			NextBefore *int64         `json:"next_before"`
		}
		decodeInto(t, res, &page)
		all = append(all, page.Items...)
		if page.NextBefore == nil {
			return all
		}
		path = fmt.Sprintf("/api/v1/audit?team=%d&limit=200&before=%d", team, *page.NextBefore)
	}
}

func wfIsNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

func wfETag(version int) string { return fmt.Sprintf(`"%d"`, version) }

// --- 1. the whole journey ----------------------------------------------------------

func TestJourney_OfficerPreparesManagerApprovesAndTheEvaluationLocks(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	env, officer := k.env, k.officer
	officerID := k.userID("officer@example.com")
	// The officer is a manager of the team too, so that what refuses their
	// approval below is the submitter rule, not the policy.
	k.grant(k.treasury, officerID, custos.RoleManager)

	coinbase, anchorage, komainu := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank"), k.id("komainu")
	ws := k.openEvaluation(officer, wfUSMandate(), coinbase, anchorage, komainu)
	id := ws.Evaluation.ID
	if ws.Evaluation.Status != "draft" || ws.Evaluation.OwnerID != officerID || ws.Evaluation.TeamID != k.treasury ||
		ws.Evaluation.Round != 0 || len(ws.Assessments) != 3 || ws.ApprovalsRequired != 1 || ws.ApprovalsReceived != 0 {
		t.Fatalf("new evaluation: %+v", ws.Evaluation)
	}
	if ws.Evaluation.DueDate == nil || *ws.Evaluation.DueDate != "2027-03-31" || ws.Evaluation.Mandate.Regions[0] != "US" ||
		!ws.Evaluation.Mandate.QualifiedCustodianRequired || ws.Evaluation.Mandate.ExpectedAUCUSD != 250_000_000 {
		t.Errorf("the mandate or due date did not round-trip: %+v", ws.Evaluation)
	}
	// Komainu is neither a qualified custodian nor present in the US: mandate
	// fit raised two flags; the two US trust companies have none.
	if n := len(ws.assessment(t, komainu).RedFlags); n != 2 {
		t.Fatalf("Komainu has %d automatic flags, want 2: %+v", n, ws.assessment(t, komainu).RedFlags)
	}
	if n := len(ws.assessment(t, coinbase).RedFlags) + len(ws.assessment(t, anchorage).RedFlags); n != 0 {
		t.Fatalf("US qualified custodians got %d automatic flags", n)
	}

	// Every item of every candidate: mostly met, one partly met and one not
	// applicable, each with a note.
	items := k.template.items()
	for _, cid := range []int64{coinbase, anchorage, komainu} {
		for i, it := range items {
			switch i {
			case 1:
				k.answer(officer, id, cid, it.ID, "partly_met", "Licensed in the US; the EU entity is still pending.")
			case 5:
				k.answer(officer, id, cid, it.ID, "not_applicable", "The mandate needs no staking.")
			default:
				k.answer(officer, id, cid, it.ID, "met", "Checked against the custodian's documents.")
			}
		}
	}
	k.attachRequiredEvidence(officer, id, coinbase, anchorage, komainu)
	// Scores: every criterion of the shortlisted two, some of Komainu.
	k.scoreAll(officer, id, coinbase, 5, 4, 4, 3, 4, 3)
	k.scoreAll(officer, id, anchorage, 3, 5, 3, 3, 4, 4)
	k.score(officer, id, komainu, "liquidity", 2)
	k.score(officer, id, coinbase, "costs", 2) // a second score of a criterion: audited with before and after

	// Red flags: one from the catalogue, one custom, one critical; each resolved.
	soc, socTitle, socSeverity := k.template.definition(t, "no_soc_report")
	fromCatalogue := k.raise(officer, id, coinbase, map[string]any{"definition_id": soc})
	if fromCatalogue.Title != socTitle || fromCatalogue.Severity != socSeverity || fromCatalogue.Status != "open" ||
		fromCatalogue.DefinitionID == nil || *fromCatalogue.DefinitionID != soc || fromCatalogue.CustodianID != coinbase {
		t.Errorf("catalogue flag: %+v", fromCatalogue)
	}
	custom := k.raise(officer, id, anchorage, map[string]any{"title": "Insurance limit shared across all clients",
		"description": "The broker letter shows one limit for every client.", "severity": "medium"})
	if custom.DefinitionID != nil || custom.Severity != "medium" || custom.Title != "Insurance limit shared across all clients" {
		t.Errorf("custom flag: %+v", custom)
	}
	commingled, _, _ := k.template.definition(t, "commingled_wallets")
	critical := k.raise(officer, id, anchorage, map[string]any{"definition_id": commingled})
	if critical.Severity != "critical" {
		t.Errorf("commingled wallets is critical in the catalogue, got %+v", critical)
	}
	if f := k.move(officer, id, fromCatalogue.ID, "mitigated", "The SOC 2 Type II report for 2026 arrived."); f.Status != "mitigated" {
		t.Errorf("mitigated: %+v", f)
	}
	if f := k.move(officer, id, custom.ID, "accepted", "The shared limit exceeds our expected assets tenfold."); f.Status != "accepted" ||
		f.Resolution != "The shared limit exceeds our expected assets tenfold." {
		t.Errorf("accepted: %+v", f)
	}
	k.move(officer, id, critical.ID, "closed", "Wallet attestation shows segregated addresses.")
	for _, f := range k.workspace(officer, id).assessment(t, komainu).RedFlags {
		if f.Severity == "critical" {
			k.move(officer, id, f.ID, "accepted", "Komainu is kept for comparison only; it is not shortlisted.")
		} else {
			k.move(officer, id, f.ID, "closed", "Not shortlisted.")
		}
	}

	ws = k.workspace(officer, id)
	for _, cid := range []int64{coinbase, anchorage, komainu} {
		a := ws.assessment(t, cid)
		if a.Completion.Answered != len(items) || a.Completion.Total != len(items) || a.Completion.Percent != 100 {
			t.Errorf("completion of %s: %+v", a.Custodian.Name, a.Completion)
		}
		required := 0
		for _, it := range items {
			if it.EvidenceRequired {
				required++
			}
		}
		if len(a.Evidence) != required {
			t.Errorf("%s has %d evidence files, want %d", a.Custodian.Name, len(a.Evidence), required)
		}
		for _, f := range a.RedFlags {
			if f.Status == "open" {
				t.Errorf("flag still open: %+v", f)
			}
		}
	}
	if len(ws.SubmitBlockers) != 1 || ws.SubmitBlockers[0].Code != "shortlist_empty" {
		t.Fatalf("before the shortlist the only blocker is the empty shortlist: %+v", ws.SubmitBlockers)
	}

	ws = k.shortlist(officer, id, coinbase, anchorage)
	if len(ws.Shortlist) != 2 || ws.Shortlist[0].CustodianID != coinbase || ws.Shortlist[1].Rank != 2 || ws.Shortlist[1].Rationale == "" {
		t.Fatalf("shortlist: %+v", ws.Shortlist)
	}
	if len(ws.SubmitBlockers) != 0 {
		t.Fatalf("blockers with everything done: %+v", ws.SubmitBlockers)
	}

	ws = k.submit(officer, id)
	if ws.Evaluation.Status != "submitted" || ws.Evaluation.Round != 1 || ws.Evaluation.SubmittedBy == nil ||
		*ws.Evaluation.SubmittedBy != officerID || len(ws.Evaluation.SnapshotHash) != 64 {
		t.Fatalf("submitted: %+v", ws.Evaluation)
	}
	snapshot := ws.Evaluation.SnapshotHash
	// Submitted means frozen.
	res := officer.Do(http.MethodPut, wfAnswerPath(id, coinbase, items[0].ID), map[string]string{"status": "not_met", "note": "changed my mind"})
	expectProblem(t, res, http.StatusConflict)

	// The submitter holds the manager role but still cannot approve their own work.
	res = wfDecide(officer, id, "approve", nil)
	if p := expectProblem(t, res, http.StatusForbidden); !strings.Contains(p.Detail, "submitted") {
		t.Errorf("the refusal does not say why: %q", p.Detail)
	}

	manager := env.Login("manager@example.com")
	res = wfDecide(manager, id, "approve", "Sound work; Coinbase first.")
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if ws.Evaluation.Status != "approved" || ws.Evaluation.ApprovedAt == nil || ws.ApprovalsReceived != 1 {
		t.Fatalf("approved: %+v (received %d)", ws.Evaluation, ws.ApprovalsReceived)
	}
	if len(ws.Approvals) != 1 {
		t.Fatalf("approvals: %+v", ws.Approvals)
	}
	ap := ws.Approvals[0]
	if ap.ManagerName != "Maya Manager" || ap.ManagerID != k.userID("manager@example.com") || ap.Round != 1 ||
		ap.Decision != "approve" || ap.Comment != "Sound work; Coinbase first." {
		t.Errorf("approval: %+v", ap)
	}
	if ap.SnapshotHash != snapshot || ws.Evaluation.SnapshotHash != snapshot {
		t.Errorf("the approval's snapshot %s is not the submitted one %s", ap.SnapshotHash, snapshot)
	}
	// The hash is the SHA-256 of the canonical snapshot of what was submitted:
	// recomputed from the frozen evaluation it is the same.
	stored, err := env.Evaluations.Workspace(k.ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, sum := custos.Snapshot(stored); hex.EncodeToString(sum) != snapshot {
		t.Errorf("snapshot of the approved evaluation hashes to %x, the approval recorded %s", []byte(sum), snapshot)
	}

	// Approved means locked: every write is refused with 409.
	manager2 := env.Login("manager2@example.com")
	body, header := wfMultipart("file", "late.pdf", "application/pdf", wfPDF)
	later := []struct {
		name string
		res  *apitest.Response
	}{
		{"answer", officer.Do(http.MethodPut, wfAnswerPath(id, coinbase, items[0].ID), map[string]string{"status": "met", "note": "again"})},
		{"evidence", officer.Request(http.MethodPost, wfAnswerPath(id, coinbase, items[0].ID)+"/evidence", body, header)},
		{"score", officer.Do(http.MethodPut, wfPath(id, fmt.Sprintf("/custodians/%d/scores/liquidity", coinbase)),
			map[string]any{"score": 1, "rationale": "late"})},
		{"red flag", officer.Do(http.MethodPost, wfPath(id, fmt.Sprintf("/custodians/%d/red-flags", coinbase)),
			map[string]any{"title": "Late", "severity": "low"})},
		{"move flag", officer.Do(http.MethodPatch, wfPath(id, fmt.Sprintf("/red-flags/%d", custom.ID)), map[string]string{"status": "open"})},
		{"shortlist", officer.Do(http.MethodPut, wfPath(id, "/shortlist"), map[string]any{"entries": []map[string]any{
			{"custodian_id": anchorage, "rank": 1, "rationale": "late"}}})},
		{"patch", officer.Do(http.MethodPatch, wfPath(id), map[string]any{"title": "Renamed"})},
		{"add candidate", officer.Do(http.MethodPost, wfPath(id, "/candidates"), map[string]any{"custodian_id": k.id("gemini-custody")})},
		{"remove candidate", officer.Do(http.MethodDelete, wfPath(id, fmt.Sprintf("/candidates/%d", komainu)), nil)},
		{"submit", officer.Do(http.MethodPost, wfPath(id, "/submit"), nil)},
		{"approve again", wfDecide(manager2, id, "approve", nil)},
		{"return", wfDecide(manager2, id, "return", "Too late to return.")},
	}
	for _, w := range later {
		if w.res.Status != http.StatusConflict {
			t.Errorf("%s after approval: %d %s, want 409", w.name, w.res.Status, w.res.Body)
		}
	}
	after := k.workspace(manager, id)
	if after.Evaluation.Status != "approved" || after.Evaluation.Version != ws.Evaluation.Version || len(after.Approvals) != 1 {
		t.Errorf("refused writes changed the approved evaluation: %+v, %d approvals", after.Evaluation, len(after.Approvals))
	}

	// The database holds the lock too, even for the application's own role.
	for _, stmt := range []struct{ sql, want string }{
		{`UPDATE answers SET note = 'tampered' WHERE evaluation_id = $1`, "cannot change"},
		{fmt.Sprintf(`INSERT INTO scores (evaluation_id, custodian_id, criterion, score, rationale, updated_by, updated_at)
			VALUES ($1, %d, 'security', 5, 'tampered', %d, now())`, komainu, officerID), "cannot change"},
		{`DELETE FROM evidence WHERE evaluation_id = $1`, "cannot change"},
		{`UPDATE evaluations SET title = 'tampered' WHERE id = $1`, "locked"},
	} {
		if _, err := env.SQL.Exec(stmt.sql, id); err == nil || !strings.Contains(err.Error(), stmt.want) {
			t.Errorf("%s: err = %v, want one saying %q", strings.Fields(stmt.sql)[0]+" "+strings.Fields(stmt.sql)[1], err, stmt.want)
		}
	}

	// The audit trail verifies and tells the story with before and after.
	auditor := env.Login("auditor@example.com")
	var report struct {
		Valid bool `json:"valid"`
	}
	res = auditor.Do(http.MethodGet, "/api/v1/audit/verify", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &report)
	if !report.Valid {
		t.Errorf("the audit chain does not verify: %s", res.Body)
	}
	events := wfTeamAudit(t, auditor, k.treasury)
	byAction := map[string][]wfAuditEvent{}
	for _, e := range events {
		byAction[e.Action] = append(byAction[e.Action], e)
	}
	// Actions that change something must show before and after; creations show after.
	wantBefore := map[string]bool{"answer.put": true, "score.put": true, "red_flag.update": true, "evaluation.submit": true, "evaluation.approve": true}
	for _, action := range []string{"evaluation.create", "answer.put", "evidence.add", "score.put", "red_flag.raise",
		"red_flag.update", "shortlist.put", "evaluation.submit", "evaluation.approve"} {
		evs := byAction[action]
		if len(evs) == 0 {
			t.Errorf("no %s event in the audit trail", action)
			continue
		}
		sawBefore := false
		for _, e := range evs {
			if wfIsNull(e.After) {
				t.Errorf("%s event %d has no after", action, e.Seq)
			}
			sawBefore = sawBefore || !wfIsNull(e.Before)
		}
		if wantBefore[action] && !sawBefore {
			t.Errorf("no %s event has a before", action)
		}
	}
	wantCounts := map[string]int{
		"evaluation.create":  1,
		"answer.put":         3 * len(items),
		"evaluation.submit":  1,
		"evaluation.approve": 1,
		"shortlist.put":      1,
	}
	for action, n := range wantCounts {
		if len(byAction[action]) != n {
			t.Errorf("%d %s events, want %d", len(byAction[action]), action, n)
		}
	}
	if evs := byAction["evaluation.approve"]; len(evs) == 1 {
		var before, after map[string]any
		json.Unmarshal(evs[0].Before, &before)
		json.Unmarshal(evs[0].After, &after)
		if before["status"] != "submitted" || after["status"] != "approved" || after["snapshot_sha256"] != snapshot ||
			evs[0].Actor != "manager@example.com" || evs[0].ObjectID != fmt.Sprint(id) {
			t.Errorf("approve event: %+v before %v after %v", evs[0], before, after)
		}
	}
	for _, e := range byAction["evidence.add"] {
		var after map[string]any
		json.Unmarshal(e.After, &after)
		if after["sha256"] != hex.EncodeToString(wfSHA256(wfPDF)) {
			t.Errorf("evidence event without the file's digest: %s", e.After)
			break
		}
	}
}

func wfSHA256(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// --- 2. two approvals -------------------------------------------------------------

func TestApproval_TwoRequiredNeedTwoDifferentManagers_OnePersonCountsOnce(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	k.setApprovalsRequired(2)
	ws := k.submittable()
	id := ws.Evaluation.ID
	ws = k.submit(k.officer, id)
	if ws.ApprovalsRequired != 2 || ws.ApprovalsReceived != 0 {
		t.Fatalf("submitted: required %d received %d", ws.ApprovalsRequired, ws.ApprovalsReceived)
	}

	manager := k.env.Login("manager@example.com")
	res := wfDecide(manager, id, "approve", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if ws.Evaluation.Status != "submitted" || ws.ApprovalsReceived != 1 || ws.Evaluation.ApprovedAt != nil {
		t.Fatalf("after one of two approvals: status %s, received %d", ws.Evaluation.Status, ws.ApprovalsReceived)
	}

	res = wfDecide(manager, id, "approve", "once more")
	if p := expectProblem(t, res, http.StatusConflict); !strings.Contains(p.Detail, "once") {
		t.Errorf("the second approval by the same manager: %q", p.Detail)
	}
	ws = k.workspace(manager, id)
	if ws.Evaluation.Status != "submitted" || ws.ApprovalsReceived != 1 || len(ws.Approvals) != 1 {
		t.Fatalf("the same manager counted twice: status %s, received %d, %d approvals", ws.Evaluation.Status, ws.ApprovalsReceived, len(ws.Approvals))
	}

	res = wfDecide(k.env.Login("manager2@example.com"), id, "approve", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if ws.Evaluation.Status != "approved" || ws.ApprovalsReceived != 2 || len(ws.Approvals) != 2 {
		t.Fatalf("after the second manager: status %s, received %d", ws.Evaluation.Status, ws.ApprovalsReceived)
	}
	names := []string{ws.Approvals[0].ManagerName, ws.Approvals[1].ManagerName}
	if !slices.Equal(names, []string{"Maya Manager", "Mateo Manager"}) {
		t.Errorf("approvers: %v", names)
	}
	for _, ap := range ws.Approvals {
		if ap.SnapshotHash != ws.Evaluation.SnapshotHash || ap.Round != 1 {
			t.Errorf("approval %+v is not of the submitted snapshot %s", ap, ws.Evaluation.SnapshotHash)
		}
	}
}

// --- 3. return ------------------------------------------------------------------------

func TestReturn_NeedsACommentSendsBackToDraftAndVoidsTheApprovals(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	k.setApprovalsRequired(2)
	ws := k.submittable()
	id := ws.Evaluation.ID
	coinbase := k.id("coinbase-prime-custody")
	first := k.submit(k.officer, id)

	manager, manager2 := k.env.Login("manager@example.com"), k.env.Login("manager2@example.com")
	expectStatus(t, wfDecide(manager, id, "approve", nil), http.StatusOK)

	// A return needs a comment.
	expectFieldErrors(t, wfDecide(manager2, id, "return", nil), "comment")
	expectFieldErrors(t, wfDecide(manager2, id, "return", "   "), "comment")
	if ws = k.workspace(manager2, id); ws.Evaluation.Status != "submitted" {
		t.Fatalf("a refused return changed the status to %s", ws.Evaluation.Status)
	}

	res := wfDecide(manager2, id, "return", "Explain the insurance exclusions before we sign off.")
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if ws.Evaluation.Status != "draft" {
		t.Fatalf("returned: status %s", ws.Evaluation.Status)
	}
	if ws.ApprovalsReceived != 0 {
		t.Errorf("a returned draft still counts %d approval(s); a return voids the approvals so far", ws.ApprovalsReceived)
	}
	var returned *wsApproval
	for i := range ws.Approvals {
		if ws.Approvals[i].Decision == "return" {
			returned = &ws.Approvals[i]
		}
	}
	if returned == nil || returned.ManagerName != "Mateo Manager" || returned.Comment != "Explain the insurance exclusions before we sign off." || returned.Round != 1 {
		t.Fatalf("the return is not recorded with its comment: %+v", ws.Approvals)
	}
	// Returning a draft again is refused.
	expectProblem(t, wfDecide(manager, id, "return", "again"), http.StatusConflict)

	// The draft can be edited and resubmitted: a new round with a new snapshot.
	item := k.template.items()[0]
	k.answer(k.officer, id, coinbase, item.ID, "met", "Charter confirmed on the NYDFS register on 2027-01-12.")
	second := k.submit(k.officer, id)
	if second.Evaluation.Round != 2 || second.Evaluation.Status != "submitted" {
		t.Fatalf("resubmitted: %+v", second.Evaluation)
	}
	if second.Evaluation.SnapshotHash == first.Evaluation.SnapshotHash || len(second.Evaluation.SnapshotHash) != 64 {
		t.Errorf("round 2 snapshot %q, round 1 %q: want a new hash", second.Evaluation.SnapshotHash, first.Evaluation.SnapshotHash)
	}
	if second.ApprovalsReceived != 0 {
		t.Errorf("round 2 starts with %d approvals, want 0", second.ApprovalsReceived)
	}

	// Round 1's approver may approve round 2; two approvals of round 2 approve.
	res = wfDecide(manager, id, "approve", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if ws.Evaluation.Status != "submitted" || ws.ApprovalsReceived != 1 {
		t.Fatalf("round 2, first approval: %s, received %d", ws.Evaluation.Status, ws.ApprovalsReceived)
	}
	res = wfDecide(manager2, id, "approve", nil)
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if ws.Evaluation.Status != "approved" || ws.ApprovalsReceived != 2 {
		t.Fatalf("round 2, second approval: %s, received %d", ws.Evaluation.Status, ws.ApprovalsReceived)
	}
	for _, ap := range ws.Approvals {
		if ap.Round == 2 && ap.SnapshotHash != second.Evaluation.SnapshotHash {
			t.Errorf("round 2 approval of snapshot %s, want %s", ap.SnapshotHash, second.Evaluation.SnapshotHash)
		}
		if ap.Round == 1 && ap.SnapshotHash != first.Evaluation.SnapshotHash {
			t.Errorf("round 1 decision of snapshot %s, want %s", ap.SnapshotHash, first.Evaluation.SnapshotHash)
		}
	}
}

// --- 4. mandate fit -----------------------------------------------------------------------

// wfFlagWant is what mandate fit decides about a flag.
type wfFlagWant struct {
	custodian int64
	rule      string
	severity  string
	status    string
	reason    string
}

func wfMandateFlags(ws wfWorkspace) map[string]wsFlag {
	out := map[string]wsFlag{}
	for _, f := range ws.flags() {
		if f.MandateRule != nil {
			out[fmt.Sprintf("%d %s %s", f.CustodianID, *f.MandateRule, f.Reason)] = f
		}
	}
	return out
}

func TestMandateFit_RaisesEachAutomaticFlagWithItsReason_AndFollowsChanges(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	komainu, zodia, anchorage := k.id("komainu"), k.id("zodia-custody"), k.id("anchorage-digital-bank")
	// Regions in the catalogue: Komainu EU UK MENA JE AE IT (staking, not
	// qualified); Zodia UK EU MENA APAC IE LU AE (no staking, not qualified);
	// Anchorage US (staking, qualified). APAC covers SG and HK.
	mandate := map[string]any{"regions": []string{"US", "SG"}, "qualified_custodian_required": true,
		"assets": []string{"ETH", "SOL"}, "staking_required": true, "expected_assets_under_custody_usd": 80_000_000}
	ws := k.openEvaluation(k.officer, mandate, komainu, zodia, anchorage)
	id := ws.Evaluation.ID

	qualified := func(name string) string {
		return "The mandate requires a qualified custodian; the catalogue does not list " + name + " as one."
	}
	region := func(r, name string) string {
		return "The mandate covers " + r + "; the catalogue lists no licence or presence of " + name + " there."
	}
	staking := func(name string) string {
		return "The mandate needs staking; the catalogue lists no staking from custody at " + name + "."
	}
	want := []wfFlagWant{
		{komainu, "qualified_custodian", "critical", "open", qualified("Komainu")},
		{komainu, "region_licence", "high", "open", region("US", "Komainu")},
		{komainu, "region_licence", "high", "open", region("SG", "Komainu")},
		{zodia, "qualified_custodian", "critical", "open", qualified("Zodia Custody")},
		{zodia, "region_licence", "high", "open", region("US", "Zodia Custody")},
		{zodia, "staking", "medium", "open", staking("Zodia Custody")},
		{anchorage, "region_licence", "high", "open", region("SG", "Anchorage Digital Bank")},
	}
	defs := map[string]int64{}
	for _, d := range k.template.RedFlags {
		if d.MandateRule != nil {
			defs[*d.MandateRule] = d.ID
		}
	}
	check := func(stage string, ws wfWorkspace, want []wfFlagWant) map[string]wsFlag {
		t.Helper()
		got := wfMandateFlags(ws)
		if len(got) != len(want) {
			t.Errorf("%s: %d automatic flags, want %d: %+v", stage, len(got), len(want), got)
		}
		for _, w := range want {
			f, ok := got[fmt.Sprintf("%d %s %s", w.custodian, w.rule, w.reason)]
			if !ok {
				t.Errorf("%s: no %s flag for custodian %d with reason %q", stage, w.rule, w.custodian, w.reason)
				continue
			}
			if f.Severity != w.severity || f.Status != w.status {
				t.Errorf("%s: %s flag of %d is %s/%s, want %s/%s", stage, w.rule, w.custodian, f.Severity, f.Status, w.severity, w.status)
			}
			if f.DefinitionID == nil || *f.DefinitionID != defs[w.rule] || f.Title == "" {
				t.Errorf("%s: %s flag does not point at the catalogue's definition %d: %+v", stage, w.rule, defs[w.rule], f)
			}
			if w.status == "closed" && !strings.Contains(f.Resolution, "No longer applies") {
				t.Errorf("%s: auto-closed flag without the reason it closed: %q", stage, f.Resolution)
			}
		}
		return got
	}
	opened := check("opened", ws, want)

	// A narrower mandate: no qualified custodian needed, HK instead of SG,
	// staking still needed. Flags that no longer apply close; new ones open.
	res := k.officer.Do(http.MethodPatch, wfPath(id), map[string]any{"mandate": map[string]any{"regions": []string{"US", "HK"},
		"qualified_custodian_required": false, "assets": []string{"ETH"}, "staking_required": true}})
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	changed := []wfFlagWant{
		{komainu, "qualified_custodian", "critical", "closed", qualified("Komainu")},
		{komainu, "region_licence", "high", "open", region("US", "Komainu")},
		{komainu, "region_licence", "high", "closed", region("SG", "Komainu")},
		{komainu, "region_licence", "high", "open", region("HK", "Komainu")},
		{zodia, "qualified_custodian", "critical", "closed", qualified("Zodia Custody")},
		{zodia, "region_licence", "high", "open", region("US", "Zodia Custody")},
		{zodia, "staking", "medium", "open", staking("Zodia Custody")},
		{anchorage, "region_licence", "high", "closed", region("SG", "Anchorage Digital Bank")},
		{anchorage, "region_licence", "high", "open", region("HK", "Anchorage Digital Bank")},
	}
	got := check("after the mandate changed", ws, changed)
	// A flag that still applies is the same flag, not a new one.
	for key, f := range opened {
		if g, ok := got[key]; ok && g.ID != f.ID {
			t.Errorf("flag %q was replaced (%d → %d)", key, f.ID, g.ID)
		}
	}

	// Requiring a qualified custodian again reopens the same flags; dropping
	// staking closes the staking flag.
	res = k.officer.Do(http.MethodPatch, wfPath(id), map[string]any{"mandate": map[string]any{"regions": []string{"US", "HK"},
		"qualified_custodian_required": true, "assets": []string{"ETH"}, "staking_required": false}})
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	changed[0].status, changed[4].status, changed[6].status = "open", "open", "closed"
	got = check("after the mandate changed back", ws, changed)
	for _, key := range []string{fmt.Sprintf("%d qualified_custodian %s", komainu, qualified("Komainu")),
		fmt.Sprintf("%d qualified_custodian %s", zodia, qualified("Zodia Custody"))} {
		if got[key].ID != opened[key].ID {
			t.Errorf("the reopened flag %q is a new flag (%d, was %d)", key, got[key].ID, opened[key].ID)
		}
	}

	// A new candidate is checked at once: Hex Trust is not qualified and not
	// in the US (HK is covered).
	hex := k.id("hex-trust")
	res = k.officer.Do(http.MethodPost, wfPath(id, "/candidates"), map[string]any{"custodian_id": hex})
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	changed = append(changed,
		wfFlagWant{hex, "qualified_custodian", "critical", "open", qualified("Hex Trust")},
		wfFlagWant{hex, "region_licence", "high", "open", region("US", "Hex Trust")})
	check("after adding Hex Trust", ws, changed)

	// A flag an officer resolved by hand is left alone when mandate fit runs
	// again (the same mandate sent again).
	manualKey := fmt.Sprintf("%d region_licence %s", komainu, region("US", "Komainu"))
	k.move(k.officer, id, got[manualKey].ID, "accepted", "Komainu would serve us from Jersey; counsel agrees.")
	res = k.officer.Do(http.MethodPatch, wfPath(id), map[string]any{"mandate": map[string]any{"regions": []string{"US", "HK"},
		"qualified_custodian_required": true, "assets": []string{"ETH"}, "staking_required": false}})
	expectStatus(t, res, http.StatusOK)
	decodeInto(t, res, &ws)
	if f := wfMandateFlags(ws)[manualKey]; f.Status != "accepted" || f.ID != got[manualKey].ID {
		t.Errorf("mandate fit moved a hand-resolved flag: %+v", f)
	}
	if n := len(wfMandateFlags(ws)); n != len(changed) {
		t.Errorf("running mandate fit again raised duplicates: %d flags, want %d", n, len(changed))
	}
}

// --- 5. submission blockers ---------------------------------------------------------------

func TestSubmit_RefusedWithEveryReasonListed(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	officer := k.officer
	coinbase, komainu, anchorage := k.id("coinbase-prime-custody"), k.id("komainu"), k.id("anchorage-digital-bank")
	ws := k.openEvaluation(officer, wfUSMandate(), coinbase, komainu, anchorage)
	id := ws.Evaluation.ID

	refused := func(stage string) []wsBlocker {
		t.Helper()
		res := officer.Do(http.MethodPost, wfPath(id, "/submit"), nil)
		expectProblem(t, res, http.StatusConflict)
		var p struct {
			Detail   string      `json:"detail"`
			Blockers []wsBlocker `json:"blockers"`
		}
		decodeInto(t, res, &p)
		for _, b := range p.Blockers {
			if b.Message == "" {
				t.Errorf("%s: blocker without a message: %+v", stage, b)
			}
		}
		return p.Blockers
	}
	keys := func(bs []wsBlocker) []string {
		out := []string{}
		for _, b := range bs {
			out = append(out, b.key())
		}
		sort.Strings(out)
		return out
	}

	// Nothing shortlisted: that is the one reason (the candidates' own gaps
	// matter only once they are shortlisted).
	bs := refused("empty")
	if len(bs) != 1 || bs[0].Code != "shortlist_empty" || bs[0].CustodianID != nil {
		t.Fatalf("with an empty shortlist: %+v", bs)
	}

	// Coinbase: two items unanswered (one of them needs evidence), two
	// evidence-required items answered met without evidence, one
	// evidence-required item not met (needs no evidence) and one not
	// applicable; the rest met with evidence.
	items := k.template.items()
	var required []wsItem
	var plain []wsItem
	for _, it := range items {
		if it.EvidenceRequired {
			required = append(required, it)
		} else {
			plain = append(plain, it)
		}
	}
	if len(required) < 6 || len(plain) < 2 {
		t.Fatalf("the template has %d evidence-required and %d other items", len(required), len(plain))
	}
	unanswered := []int64{required[0].ID, plain[0].ID}
	noEvidence := []int64{required[1].ID, required[2].ID}
	for _, it := range items {
		switch it.ID {
		case unanswered[0], unanswered[1]:
		case required[3].ID:
			k.answer(officer, id, coinbase, it.ID, "not_met", "No SOC 2 report for the custody entity.")
		case required[4].ID:
			k.answer(officer, id, coinbase, it.ID, "not_applicable", "Out of scope for this mandate.")
		default:
			k.answer(officer, id, coinbase, it.ID, "met", "Verified.")
			if it.EvidenceRequired && it.ID != noEvidence[0] && it.ID != noEvidence[1] {
				expectStatus(t, wfUpload(officer, id, coinbase, it.ID, it.Key+".pdf", "", wfPDF), http.StatusCreated)
			}
		}
	}
	// A critical flag that was mitigated does not block.
	commingled, _, _ := k.template.definition(t, "commingled_wallets")
	mitigated := k.raise(officer, id, coinbase, map[string]any{"definition_id": commingled})
	k.move(officer, id, mitigated.ID, "mitigated", "Segregated addresses attested.")
	// Komainu: everything not applicable (no evidence needed); its automatic
	// critical flag (not a qualified custodian) is open and blocks, its high
	// regional flag does not.
	for _, it := range items {
		k.answer(officer, id, komainu, it.ID, "not_applicable", "Out of scope.")
	}
	// Anchorage is not shortlisted: its open critical flag and its
	// unanswered items do not block.
	k.raise(officer, id, anchorage, map[string]any{"title": "Key ceremony not witnessed", "severity": "critical"})

	ws = k.shortlist(officer, id, coinbase, komainu)
	var komainuCritical int64
	for _, f := range ws.assessment(t, komainu).RedFlags {
		if f.Severity == "critical" {
			komainuCritical = f.ID
		}
	}
	c, kk := coinbase, komainu
	var want []wsBlocker
	for _, item := range unanswered {
		item := item
		want = append(want, wsBlocker{Code: "unanswered", CustodianID: &c, ItemID: &item})
	}
	for _, item := range noEvidence {
		item := item
		want = append(want, wsBlocker{Code: "evidence_missing", CustodianID: &c, ItemID: &item})
	}
	want = append(want, wsBlocker{Code: "open_critical_flag", CustodianID: &kk, FlagID: &komainuCritical})

	bs = refused("incomplete")
	if !slices.Equal(keys(bs), keys(want)) {
		t.Fatalf("blockers\n got %v\nwant %v", keys(bs), keys(want))
	}
	if !slices.Equal(keys(ws.SubmitBlockers), keys(want)) {
		t.Errorf("the workspace's submit_blockers %v differ from the refusal's %v", keys(ws.SubmitBlockers), keys(want))
	}
	for _, b := range bs {
		if b.Code == "open_critical_flag" && !strings.Contains(b.Message, "Komainu") {
			t.Errorf("the blocker does not name the custodian: %q", b.Message)
		}
	}
	if after := k.workspace(officer, id); after.Evaluation.Status != "draft" || after.Evaluation.Version != ws.Evaluation.Version {
		t.Fatalf("a refused submission changed the evaluation: %+v", after.Evaluation)
	}

	// Finishing the work lifts every blocker.
	k.answer(officer, id, coinbase, unanswered[0], "not_met", "Charter not confirmed.")
	k.answer(officer, id, coinbase, unanswered[1], "met", "Verified.")
	for _, item := range noEvidence {
		expectStatus(t, wfUpload(officer, id, coinbase, item, "letter.pdf", "", wfPDF), http.StatusCreated)
	}
	k.move(officer, id, komainuCritical, "accepted", "Counsel confirmed the fund may use a non-qualified custodian for this sleeve.")
	if ws = k.submit(officer, id); ws.Evaluation.Status != "submitted" {
		t.Fatalf("status %s", ws.Evaluation.Status)
	}
}

// --- 6. weighted scores ---------------------------------------------------------------------

func TestScores_WeightedTotalAndRankingMatchTheHandArithmetic(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	officer := k.officer
	coinbase, fidelity, bitgo, gemini := k.id("coinbase-prime-custody"), k.id("fidelity-digital-assets"), k.id("bitgo-custody"), k.id("gemini-custody")
	ws := k.openEvaluation(officer, wfUSMandate(), coinbase, fidelity, bitgo, gemini)
	id := ws.Evaluation.ID

	// The weights: liquidity 30, security 25, coverage 15, costs 15, ux 10,
	// support 5. The weighted total is Σ weight × score / 5 (out of 100).
	weights := map[string]int{}
	for _, c := range ws.Template.Criteria {
		weights[c.Key] = c.Weight
	}
	if !wfSameWeights(weights, map[string]int{"liquidity": 30, "security": 25, "coverage": 15, "costs": 15, "ux": 10, "support": 5}) {
		t.Fatalf("template weights: %v", weights)
	}

	// Before any score every total is 0; ties rank by name.
	ws = k.workspace(officer, id)
	for _, r := range ws.Ranking {
		if r.WeightedTotal != 0 {
			t.Fatalf("unscored total: %+v", r)
		}
	}
	if ws.Ranking[0].Name != "BitGo Custody" || ws.Ranking[3].Name != "Gemini Custody" {
		t.Errorf("ties must rank by name: %+v", ws.Ranking)
	}

	// Coinbase 5 4 4 3 4 3: 150 + 100 + 60 + 45 + 40 + 15 = 410 → 410/5 = 82
	k.scoreAll(officer, id, coinbase, 5, 4, 4, 3, 4, 3)
	// Fidelity 3 5 2 4 3 5: 90 + 125 + 30 + 60 + 30 + 25 = 360 → 72
	k.scoreAll(officer, id, fidelity, 3, 5, 2, 4, 3, 5)
	// BitGo 4 4 5 3 2 1: 120 + 100 + 75 + 45 + 20 + 5 = 365 → 73
	k.scoreAll(officer, id, bitgo, 4, 4, 5, 3, 2, 1)
	// Gemini: only UX 3, the rest unscored (count 0): 10 × 3 = 30 → 6
	k.score(officer, id, gemini, "ux", 3)

	type line struct {
		name  string
		total float64
	}
	expect := func(stage string, want ...line) {
		t.Helper()
		ws := k.workspace(officer, id)
		if len(ws.Ranking) != len(want) {
			t.Fatalf("%s: ranking %+v", stage, ws.Ranking)
		}
		for i, w := range want {
			r := ws.Ranking[i]
			if r.Rank != i+1 || r.Name != w.name || r.WeightedTotal != w.total {
				t.Errorf("%s: rank %d is %+v, want %s with %v", stage, i+1, r, w.name, w.total)
			}
			a := ws.assessment(t, r.CustodianID)
			if a.WeightedTotal != w.total || a.Rank != i+1 {
				t.Errorf("%s: assessment of %s has total %v rank %d, want %v rank %d", stage, w.name, a.WeightedTotal, a.Rank, w.total, i+1)
			}
		}
	}
	expect("all scored", line{"Coinbase Prime Custody", 82}, line{"BitGo Custody", 73}, line{"Fidelity Digital Assets", 72}, line{"Gemini Custody", 6})

	// Rescoring replaces: Fidelity security 5 → 0 takes 25 × 5 = 125 off:
	// 360 − 125 = 235 → 47.
	k.score(officer, id, fidelity, "security", 0)
	// Coinbase liquidity 5 → 4 and costs 3 → 1: 410 − 30 − 30 = 350 → 70.
	k.score(officer, id, coinbase, "liquidity", 4)
	k.score(officer, id, coinbase, "costs", 1)
	expect("rescored", line{"BitGo Custody", 73}, line{"Coinbase Prime Custody", 70}, line{"Fidelity Digital Assets", 47}, line{"Gemini Custody", 6})

	// A tie: Coinbase coverage 4 → 5 adds 15 × 1 = 15: 350 + 15 = 365 → 73,
	// equal to BitGo; ties rank by name (BitGo before Coinbase).
	k.score(officer, id, coinbase, "coverage", 5)
	expect("tied", line{"BitGo Custody", 73}, line{"Coinbase Prime Custody", 73}, line{"Fidelity Digital Assets", 47}, line{"Gemini Custody", 6})

	// All fives are 100; all zeros are 0.
	k.scoreAll(officer, id, gemini, 5, 5, 5, 5, 5, 5)
	k.scoreAll(officer, id, fidelity, 0, 0, 0, 0, 0, 0)
	expect("extremes", line{"Gemini Custody", 100}, line{"BitGo Custody", 73}, line{"Coinbase Prime Custody", 73}, line{"Fidelity Digital Assets", 0})
}

func wfSameWeights(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// --- 7. queries per workspace load -----------------------------------------------------------

func TestWorkspace_LoadsWithTheSameNumberOfQueriesFor3And20Candidates(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	officer := k.officer
	admin := k.env.Login("admin@example.com")

	// Ten seeded custodians and ten more: twenty candidates.
	all := []int64{}
	for _, id := range k.bySlug {
		all = append(all, id)
	}
	for i := 1; i <= 11; i++ {
		res := admin.Do(http.MethodPost, "/api/v1/custodians", map[string]any{"slug": fmt.Sprintf("extra-custodian-%d", i),
			"name": fmt.Sprintf("Extra Custodian %02d", i), "legal_entity": "Extra Trust Co.", "regions": []string{"EU"}})
		expectStatus(t, res, http.StatusCreated)
		var c struct {
			ID int64 `json:"id"`
		}
		decodeInto(t, res, &c)
		all = append(all, c.ID)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) != 21 {
		t.Fatalf("%d custodians", len(all))
	}
	all, spare := all[:20], all[20]

	// fill answers every item of every candidate and adds a score, a flag
	// and an evidence file to each, and a shortlist.
	fill := func(ids []int64) int64 {
		ws := k.openEvaluation(officer, wfUSMandate(), ids...)
		id := ws.Evaluation.ID
		k.answerAll(officer, id, ids...)
		item := k.template.items()[0]
		for _, cid := range ids {
			k.score(officer, id, cid, "security", 4)
			k.raise(officer, id, cid, map[string]any{"title": "Limited disclosures", "severity": "low"})
			expectStatus(t, wfUpload(officer, id, cid, item.ID, "charter.pdf", "", wfPDF), http.StatusCreated)
		}
		k.shortlist(officer, id, ids[0], ids[1])
		return id
	}
	small := fill(all[:3])
	large := fill(all)

	load := func(id int64) wfWorkspace {
		var ws wfWorkspace
		res := officer.Do(http.MethodGet, wfPath(id), nil)
		expectStatus(t, res, http.StatusOK)
		decodeInto(t, res, &ws)
		return ws
	}
	// Warm the template cache (and the session) first.
	load(small)
	load(large)
	var wsSmall, wsLarge wfWorkspace
	nSmall := k.env.Queries.During(func() { wsSmall = load(small) })
	nLarge := k.env.Queries.During(func() { wsLarge = load(large) })
	items := len(k.template.items())
	t.Logf("workspace load: %d queries for 3 candidates × %d items, %d queries for 20 candidates × %d items", nSmall, items, nLarge, items)
	if len(wsSmall.Assessments) != 3 || len(wsLarge.Assessments) != 20 {
		t.Fatalf("assessments: %d and %d", len(wsSmall.Assessments), len(wsLarge.Assessments))
	}
	for _, a := range wsLarge.Assessments {
		if a.Completion.Answered != items || len(a.Scores) != 1 || len(a.Evidence) != 1 || len(a.RedFlags) == 0 {
			t.Fatalf("the large workspace is not full: %s %+v", a.Custodian.Name, a.Completion)
		}
	}
	if nSmall != nLarge {
		t.Errorf("a workspace load takes %d queries for 3 candidates but %d for 20", nSmall, nLarge)
	}
	// The store's read alone, without the request's authentication and
	// authorization.
	read := func(id int64) func() {
		return func() {
			if _, err := k.env.Evaluations.Workspace(k.ctx(), id); err != nil {
				t.Fatal(err)
			}
		}
	}
	sSmall, sLarge := k.env.Queries.During(read(small)), k.env.Queries.During(read(large))
	t.Logf("workspace read in the store: %d queries for 3 candidates, %d for 20", sSmall, sLarge)
	if sSmall != sLarge {
		t.Errorf("the store reads a workspace with %d queries for 3 candidates but %d for 20", sSmall, sLarge)
	}
	// Twenty is the most an evaluation takes.
	expectFieldErrors(t, officer.Do(http.MethodPost, wfPath(large, "/candidates"), map[string]any{"custodian_id": spare}), "custodian_id")
	if nSmall > 15 {
		t.Errorf("a workspace load takes %d queries; it should be a fixed handful", nSmall)
	}
}

// --- 8. ETags ----------------------------------------------------------------------------------

func TestETags_ConditionalReadsAndStaleWritesGet304And412(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	officer, officer2 := k.officer, k.env.Login("officer2@example.com")
	coinbase, anchorage := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank")
	ws := k.openEvaluation(officer, wfUSMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID

	res := officer.Do(http.MethodGet, wfPath(id), nil)
	expectStatus(t, res, http.StatusOK)
	tag := res.Header.Get("ETag")
	decodeInto(t, res, &ws)
	if tag != wfETag(ws.Evaluation.Version) {
		t.Fatalf("ETag %q for version %d", tag, ws.Evaluation.Version)
	}

	// A conditional read of an unchanged workspace: 304 without a body.
	res = officer.Request(http.MethodGet, wfPath(id), nil, http.Header{"If-None-Match": {tag}})
	if res.Status != http.StatusNotModified || len(res.Body) != 0 || res.Header.Get("ETag") != tag {
		t.Fatalf("If-None-Match with the current ETag: %d %q ETag %q", res.Status, res.Body, res.Header.Get("ETag"))
	}
	res = officer.Request(http.MethodGet, wfPath(id), nil, http.Header{"If-None-Match": {`"999"`}})
	expectStatus(t, res, http.StatusOK)

	// Officer 2 renames it with the right If-Match; the ETag moves on.
	rename := func(c *apitest.Client, ifMatch, title string) *apitest.Response {
		body, _ := json.Marshal(map[string]any{"title": title})
		return c.Request(http.MethodPatch, wfPath(id), bytes.NewReader(body),
			http.Header{"Content-Type": {"application/json"}, "If-Match": {ifMatch}})
	}
	res = rename(officer2, tag, "Renamed by Omar")
	expectStatus(t, res, http.StatusOK)
	newTag := res.Header.Get("ETag")
	if newTag == tag || newTag == "" {
		t.Fatalf("the ETag did not change with the title: %q → %q", tag, newTag)
	}
	// The officer, still holding the old ETag, is refused with the current state.
	res = rename(officer, tag, "Renamed by Olivia")
	p := expectProblem(t, res, http.StatusPreconditionFailed)
	var stale wfProblem
	decodeInto(t, res, &stale)
	var current wfWorkspace
	if err := json.Unmarshal(stale.RawCurrent, &current); err != nil || current.Evaluation.ID != id {
		t.Fatalf("412 without the current workspace: %s (%v)", res.Body, err)
	}
	if current.Evaluation.Title != "Renamed by Omar" || wfETag(current.Evaluation.Version) != newTag || res.Header.Get("ETag") != newTag {
		t.Errorf("412 current = %q version %d, ETag %q; want Omar's title at %s", current.Evaluation.Title, current.Evaluation.Version,
			res.Header.Get("ETag"), newTag)
	}
	if p.Detail == "" {
		t.Error("412 without a detail")
	}
	if ws = k.workspace(officer, id); ws.Evaluation.Title != "Renamed by Omar" {
		t.Fatalf("a stale write went through: %q", ws.Evaluation.Title)
	}
	// A malformed If-Match never matches; "*" always does.
	expectProblem(t, rename(officer, "not-a-tag", "x"), http.StatusPreconditionFailed)
	expectStatus(t, rename(officer, "*", "Renamed by Olivia"), http.StatusOK)

	// A stale If-Match on the shortlist and on submit is refused too.
	entries := map[string]any{"entries": []map[string]any{{"custodian_id": coinbase, "rank": 1, "rationale": "Deepest liquidity."}}}
	raw, _ := json.Marshal(entries)
	res = officer.Request(http.MethodPut, wfPath(id, "/shortlist"), bytes.NewReader(raw),
		http.Header{"Content-Type": {"application/json"}, "If-Match": {tag}})
	expectProblem(t, res, http.StatusPreconditionFailed)
	res = officer.Request(http.MethodPost, wfPath(id, "/submit"), nil, http.Header{"If-Match": {tag}})
	expectProblem(t, res, http.StatusPreconditionFailed)

	// Answers carry their own ETag: the answer's version.
	item := k.template.items()[3].ID
	put := func(c *apitest.Client, ifMatch, status, note string) *apitest.Response {
		body, _ := json.Marshal(map[string]string{"status": status, "note": note})
		h := http.Header{"Content-Type": {"application/json"}}
		if ifMatch != "" {
			h.Set("If-Match", ifMatch)
		}
		return c.Request(http.MethodPut, wfAnswerPath(id, anchorage, item), bytes.NewReader(body), h)
	}
	// An item never answered is at version 0: If-Match "0" creates it once.
	res = put(officer, `"0"`, "met", "First look.")
	expectStatus(t, res, http.StatusOK)
	first := res.Header.Get("ETag")
	res = put(officer2, `"0"`, "not_met", "Created again from a stale page.")
	expectProblem(t, res, http.StatusPreconditionFailed)
	if first != `"1"` {
		t.Fatalf("first answer ETag %q", first)
	}
	res = put(officer2, first, "partly_met", "One enforcement action in 2024, remediated.")
	expectStatus(t, res, http.StatusOK)
	second := res.Header.Get("ETag")
	if second != `"2"` {
		t.Fatalf("second answer ETag %q", second)
	}
	// Olivia's write based on version 1 is refused with Omar's answer.
	res = put(officer, first, "met", "Looks fine to me.")
	expectProblem(t, res, http.StatusPreconditionFailed)
	decodeInto(t, res, &stale)
	var cur wsAnswer
	if err := json.Unmarshal(stale.RawCurrent, &cur); err != nil {
		t.Fatalf("412 without the current answer: %s", res.Body)
	}
	if cur.ItemID != item || cur.Version != 2 || cur.Status != "partly_met" || cur.Note != "One enforcement action in 2024, remediated." ||
		res.Header.Get("ETag") != second {
		t.Errorf("412 current answer %+v, ETag %q", cur, res.Header.Get("ETag"))
	}
	// With the current ETag it goes through.
	res = put(officer, second, "met", "Remediation confirmed by the regulator.")
	expectStatus(t, res, http.StatusOK)
	if res.Header.Get("ETag") != `"3"` {
		t.Errorf("third answer ETag %q", res.Header.Get("ETag"))
	}
	a := k.workspace(officer, id).assessment(t, anchorage)
	for _, ans := range a.Answers {
		if ans.ItemID == item && (ans.Status != "met" || ans.Version != 3) {
			t.Errorf("stored answer %+v", ans)
		}
	}
}

// --- 10. evidence -----------------------------------------------------------------------------

func TestEvidence_TypeFromTheBytesSafeDownloadAndTeamAccess(t *testing.T) {
	t.Parallel()
	k := newEvalKit(t)
	officer := k.officer
	coinbase, anchorage, gemini := k.id("coinbase-prime-custody"), k.id("anchorage-digital-bank"), k.id("gemini-custody")
	ws := k.openEvaluation(officer, wfUSMandate(), coinbase, anchorage)
	id := ws.Evaluation.ID
	item := k.template.items()[0].ID

	// A PDF named like a PNG and sent as image/png is stored as a PDF; the
	// name is only a label, without its directories.
	res := wfUpload(officer, id, coinbase, item, `..\..\reports/x.png`, "image/png", wfPDF)
	expectStatus(t, res, http.StatusCreated)
	var ev wsEvidence
	decodeInto(t, res, &ev)
	wantSum := hex.EncodeToString(wfSHA256(wfPDF))
	if ev.ContentType != "application/pdf" || ev.Size != int64(len(wfPDF)) || ev.SHA256 != wantSum || ev.Label != "x.png" ||
		ev.CustodianID != coinbase || ev.ItemID != item {
		t.Fatalf("stored evidence: %+v", ev)
	}

	// Other accepted types, detected from their bytes.
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 32)...)
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 32)...)
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"scan.pdf", png, "image/png"},
		{"photo", jpeg, "image/jpeg"},
		{"notes.pdf", []byte("Call with the custodian on 2027-01-10: SOC 2 report promised.\n"), "text/plain"},
	} {
		res := wfUpload(officer, id, coinbase, item, c.name, "application/pdf", c.content)
		expectStatus(t, res, http.StatusCreated)
		var e wsEvidence
		decodeInto(t, res, &e)
		if e.ContentType != c.want {
			t.Errorf("%s stored as %s, want %s", c.name, e.ContentType, c.want)
		}
	}

	// Refused: HTML (whatever its name), an empty file, no file, and a body
	// that is not multipart.
	html := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	expectFieldErrors(t, wfUpload(officer, id, coinbase, item, "report.pdf", "application/pdf", html), "file")
	expectFieldErrors(t, wfUpload(officer, id, coinbase, item, "empty.pdf", "application/pdf", nil), "file")
	body, header := wfMultipart("attachment", "x.pdf", "", wfPDF)
	expectFieldErrors(t, officer.Request(http.MethodPost, wfAnswerPath(id, coinbase, item)+"/evidence", body, header), "file")
	res = officer.Request(http.MethodPost, wfAnswerPath(id, coinbase, item)+"/evidence", bytes.NewReader(wfPDF),
		http.Header{"Content-Type": {"application/json"}})
	expectProblem(t, res, http.StatusUnsupportedMediaType)
	res = officer.Request(http.MethodPost, wfAnswerPath(id, coinbase, item)+"/evidence", bytes.NewReader(wfPDF),
		http.Header{"Content-Type": {"application/pdf"}})
	expectProblem(t, res, http.StatusUnsupportedMediaType)
	// Over 10 MiB: 413.
	big := append(append([]byte{}, wfPDF...), bytes.Repeat([]byte(" "), custos.MaxEvidenceBytes)...)
	expectProblem(t, wfUpload(officer, id, coinbase, item, "big.pdf", "", big), http.StatusRequestEntityTooLarge)
	// Not a candidate, not an item of the template: 404.
	expectProblem(t, wfUpload(officer, id, gemini, item, "x.pdf", "", wfPDF), http.StatusNotFound)
	expectProblem(t, wfUpload(officer, id, coinbase, 999999, "x.pdf", "", wfPDF), http.StatusNotFound)
	// To another team's officer the evaluation does not exist.
	outsider := k.env.Login("other.officer@example.com")
	expectProblem(t, wfUpload(outsider, id, coinbase, item, "x.pdf", "", wfPDF), http.StatusNotFound)

	ws = k.workspace(officer, id)
	a := ws.assessment(t, coinbase)
	if len(a.Evidence) != 4 {
		t.Fatalf("%d evidence files stored, want 4: %+v", len(a.Evidence), a.Evidence)
	}
	listed := a.Evidence[0]
	if listed.ID != ev.ID || listed.SHA256 != wantSum {
		t.Fatalf("workspace lists %+v", listed)
	}

	// The download: the stored bytes, as an attachment that is never sniffed.
	download := func(c *apitest.Client, evalID, evidenceID int64) *apitest.Response {
		return c.Do(http.MethodGet, wfPath(evalID, fmt.Sprintf("/evidence/%d", evidenceID)), nil)
	}
	for _, who := range []string{"officer@example.com", "auditor@example.com", "manager@example.com"} {
		res := download(k.env.Login(who), id, ev.ID)
		expectStatus(t, res, http.StatusOK)
		if !bytes.Equal(res.Body, wfPDF) {
			t.Errorf("%s downloaded other bytes", who)
		}
		if got := hex.EncodeToString(wfSHA256(res.Body)); got != listed.SHA256 {
			t.Errorf("downloaded SHA-256 %s, workspace lists %s", got, listed.SHA256)
		}
		disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || params["filename"] == "" || strings.ContainsAny(params["filename"], `/\`) ||
			!strings.HasSuffix(params["filename"], ".pdf") {
			t.Errorf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/pdf") {
			t.Errorf("download headers: %v", res.Header)
		}
		if got := res.Header.Get("X-Content-SHA256"); got != listed.SHA256 {
			t.Errorf("X-Content-SHA256 %q, want %s", got, listed.SHA256)
		}
	}
	expectProblem(t, download(outsider, id, ev.ID), http.StatusNotFound)
	expectProblem(t, download(officer, id, 999999), http.StatusNotFound)

	// Evidence of one evaluation cannot be fetched through another.
	other := k.openEvaluation(officer, wfUSMandate(), coinbase, anchorage)
	expectProblem(t, download(officer, other.Evaluation.ID, ev.ID), http.StatusNotFound)
}
