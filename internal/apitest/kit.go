package apitest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
)

// Kit is the evaluation workflow's test kit: a stack with the demo data, the
// officer signed in, and the catalogue and default template at hand. Its
// helpers go through the API and decode answers into the domain types.
type Kit struct {
	T        *testing.T
	Env      *Env
	Treasury int64
	Other    int64
	Officer  *Client
	Template *custos.Template
	// bySlug maps a catalogue slug to the custodian's ID.
	bySlug map[string]int64
}

// NewKit builds the kit on a fresh database, with the stack's options.
func NewKit(t *testing.T, opts ...Option) *Kit {
	t.Helper()
	env := New(t, opts...)
	teams := env.SeedDemo()
	k := &Kit{T: t, Env: env, Treasury: teams[demo.TreasuryTeam], Other: teams[demo.OtherTeam],
		Officer: env.Login("officer@example.com"), bySlug: map[string]int64{}}
	res := k.Officer.Do(http.MethodGet, "/api/v1/custodians?limit=100", nil)
	ExpectStatus(t, res, http.StatusOK)
	for _, c := range Decode[custos.CustodianPage](t, res).Items {
		k.bySlug[c.Slug] = c.ID
	}
	res = k.Officer.Do(http.MethodGet, "/api/v1/templates/1", nil)
	ExpectStatus(t, res, http.StatusOK)
	k.Template = Decode[*custos.Template](t, res)
	if n := len(k.Template.Items()); n < 20 || len(k.Template.Criteria) != 6 {
		t.Fatalf("unexpected seeded template: %d items, %d criteria", n, len(k.Template.Criteria))
	}
	return k
}

// Ctx acts as the command line, for calls to the services themselves.
func (k *Kit) Ctx() context.Context {
	return custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})
}

// Custodian returns a seeded custodian's ID by slug.
func (k *Kit) Custodian(slug string) int64 {
	k.T.Helper()
	id, ok := k.bySlug[slug]
	if !ok {
		k.T.Fatalf("no custodian %q in the catalogue", slug)
	}
	return id
}

// CustodianIDs lists the IDs of the seeded catalogue.
func (k *Kit) CustodianIDs() []int64 {
	ids := make([]int64, 0, len(k.bySlug))
	for _, id := range k.bySlug {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// UserID returns a demo account's ID.
func (k *Kit) UserID(email string) int64 {
	k.T.Helper()
	u, err := k.Env.Users.FindUserByEmail(k.Ctx(), email)
	if err != nil {
		k.T.Fatal(err)
	}
	return u.ID
}

// Grant gives a user a role in a team and reloads the authorizer.
func (k *Kit) Grant(teamID, userID int64, role custos.Role) {
	k.T.Helper()
	if _, err := k.Env.Teams.AddMember(k.Ctx(), teamID, userID, role); err != nil {
		k.T.Fatal(err)
	}
	if err := k.Env.Authz.Reload(k.Ctx()); err != nil {
		k.T.Fatal(err)
	}
}

// SetApprovalsRequired changes the treasury team's setting as the admin.
func (k *Kit) SetApprovalsRequired(n int) {
	k.T.Helper()
	res := k.Env.Login("admin@example.com").Do(http.MethodPatch, fmt.Sprintf("/api/v1/teams/%d", k.Treasury),
		map[string]int{"approvals_required": n})
	ExpectStatus(k.T, res, http.StatusOK)
}

// USMandate is a US mandate that needs a qualified custodian.
func USMandate() map[string]any {
	return map[string]any{"regions": []string{"US"}, "qualified_custodian_required": true, "assets": []string{"BTC", "ETH"},
		"staking_required": false, "expected_assets_under_custody_usd": 250_000_000}
}

// EvalPath is the path of an evaluation, and of what is below it.
func EvalPath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/evaluations/%d", id) + strings.Join(rest, "")
}

// AnswerPath is the path of one checklist answer.
func AnswerPath(id, custodianID, itemID int64) string {
	return EvalPath(id, fmt.Sprintf("/custodians/%d/answers/%d", custodianID, itemID))
}

// ETag is the entity tag of a version.
func ETag(version int) string { return fmt.Sprintf(`"%d"`, version) }

// SHA256 is the digest of b.
func SHA256(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// Open opens an evaluation of the custodians as c and checks the 201, its
// Location and its ETag.
func (k *Kit) Open(c *Client, mandate map[string]any, custodianIDs ...int64) *custos.Workspace {
	k.T.Helper()
	res := c.Do(http.MethodPost, "/api/v1/evaluations", map[string]any{"team_id": k.Treasury, "title": "2027 custody RFP — Fund III",
		"template_id": 1, "mandate": mandate, "custodian_ids": custodianIDs, "due_date": "2027-03-31"})
	ExpectStatus(k.T, res, http.StatusCreated)
	ws := Decode[*custos.Workspace](k.T, res)
	if want := EvalPath(ws.Evaluation.ID); res.Header.Get("Location") != want {
		k.T.Errorf("Location = %q, want %q", res.Header.Get("Location"), want)
	}
	if want := ETag(ws.Evaluation.Version); res.Header.Get("ETag") != want {
		k.T.Errorf("ETag of the new workspace = %q, want %s", res.Header.Get("ETag"), want)
	}
	return ws
}

// Workspace reads the workspace as c.
func (k *Kit) Workspace(c *Client, id int64) *custos.Workspace {
	k.T.Helper()
	res := c.Do(http.MethodGet, EvalPath(id), nil)
	ExpectStatus(k.T, res, http.StatusOK)
	return Decode[*custos.Workspace](k.T, res)
}

// Answer puts one answer and expects 200.
func (k *Kit) Answer(c *Client, id, custodianID, itemID int64, status, note string) custos.Answer {
	k.T.Helper()
	res := c.Do(http.MethodPut, AnswerPath(id, custodianID, itemID), map[string]string{"status": status, "note": note})
	ExpectStatus(k.T, res, http.StatusOK)
	return Decode[custos.Answer](k.T, res)
}

// AnswerAll answers every checklist item of the candidates "met" with a note.
func (k *Kit) AnswerAll(c *Client, id int64, custodianIDs ...int64) {
	k.T.Helper()
	for _, cid := range custodianIDs {
		for _, it := range k.Template.Items() {
			k.Answer(c, id, cid, it.ID, "met", "Checked against the documents the custodian sent: "+it.Key+".")
		}
	}
}

// Multipart builds a multipart/form-data body with one file part, typed
// partType unless that is empty.
func Multipart(field, filename, partType string, content []byte) (io.Reader, http.Header) {
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
	return &buf, http.Header{"Content-Type": {w.FormDataContentType()}}
}

// Upload sends a file as evidence for an answer.
func Upload(c *Client, id, custodianID, itemID int64, filename, partType string, content []byte) *Response {
	body, header := Multipart("file", filename, partType, content)
	return c.Request(http.MethodPost, AnswerPath(id, custodianID, itemID)+"/evidence", body, header)
}

// AttachRequiredEvidence uploads a PDF to every evidence-required item of the candidates.
func (k *Kit) AttachRequiredEvidence(c *Client, id int64, custodianIDs ...int64) {
	k.T.Helper()
	for _, cid := range custodianIDs {
		for _, it := range k.Template.Items() {
			if it.EvidenceRequired {
				ExpectStatus(k.T, Upload(c, id, cid, it.ID, it.Key+".pdf", "application/pdf", TinyPDF), http.StatusCreated)
			}
		}
	}
}

// Score puts one criterion's score and expects 200.
func (k *Kit) Score(c *Client, id, custodianID int64, criterion string, score int) {
	k.T.Helper()
	res := c.Do(http.MethodPut, EvalPath(id, fmt.Sprintf("/custodians/%d/scores/%s", custodianID, criterion)),
		map[string]any{"score": score, "rationale": fmt.Sprintf("%s earns %d after the demo and the documents.", criterion, score)})
	ExpectStatus(k.T, res, http.StatusOK)
}

// ScoreAll scores the criteria in template order: liquidity, security,
// coverage, costs, ux, support.
func (k *Kit) ScoreAll(c *Client, id, custodianID int64, scores ...int) {
	k.T.Helper()
	if len(scores) != len(k.Template.Criteria) {
		k.T.Fatalf("ScoreAll: %d scores for %d criteria", len(scores), len(k.Template.Criteria))
	}
	for i, cr := range k.Template.Criteria {
		k.Score(c, id, custodianID, cr.Key, scores[i])
	}
}

// Raise raises a red flag and expects 201.
func (k *Kit) Raise(c *Client, id, custodianID int64, body map[string]any) custos.RedFlag {
	k.T.Helper()
	res := c.Do(http.MethodPost, EvalPath(id, fmt.Sprintf("/custodians/%d/red-flags", custodianID)), body)
	ExpectStatus(k.T, res, http.StatusCreated)
	return Decode[custos.RedFlag](k.T, res)
}

// Move changes a red flag's status and expects 200.
func (k *Kit) Move(c *Client, id, flagID int64, status, resolution string) custos.RedFlag {
	k.T.Helper()
	res := c.Do(http.MethodPatch, EvalPath(id, fmt.Sprintf("/red-flags/%d", flagID)), map[string]string{"status": status, "resolution": resolution})
	ExpectStatus(k.T, res, http.StatusOK)
	return Decode[custos.RedFlag](k.T, res)
}

// Shortlist puts the custodians on the shortlist in rank order.
func (k *Kit) Shortlist(c *Client, id int64, custodianIDs ...int64) *custos.Workspace {
	k.T.Helper()
	entries := []map[string]any{}
	for i, cid := range custodianIDs {
		entries = append(entries, map[string]any{"custodian_id": cid, "rank": i + 1,
			"rationale": fmt.Sprintf("Ranked %d: strongest fit on liquidity and security for the mandate.", i+1)})
	}
	res := c.Do(http.MethodPut, EvalPath(id, "/shortlist"), map[string]any{"entries": entries})
	ExpectStatus(k.T, res, http.StatusOK)
	return Decode[*custos.Workspace](k.T, res)
}

// Decide posts an approval or a return (decision "approve" or "return"),
// with a comment unless it is nil.
func Decide(c *Client, id int64, decision string, comment any) *Response {
	if comment == nil {
		return c.Do(http.MethodPost, EvalPath(id, "/"+decision), nil)
	}
	return c.Do(http.MethodPost, EvalPath(id, "/"+decision), map[string]any{"comment": comment})
}

// Submittable opens an evaluation of Coinbase and Anchorage (both US
// qualified custodians: no automatic flags), answers, evidences and scores
// Coinbase and shortlists it: it can be submitted at once.
func (k *Kit) Submittable() *custos.Workspace {
	k.T.Helper()
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	ws := k.Open(k.Officer, USMandate(), coinbase, anchorage)
	k.AnswerAll(k.Officer, ws.Evaluation.ID, coinbase)
	k.AttachRequiredEvidence(k.Officer, ws.Evaluation.ID, coinbase)
	for _, cr := range k.Template.Criteria {
		k.Score(k.Officer, ws.Evaluation.ID, coinbase, cr.Key, 4)
	}
	ws = k.Shortlist(k.Officer, ws.Evaluation.ID, coinbase)
	if len(ws.SubmitBlockers) != 0 {
		k.T.Fatalf("the fixture is not submittable: %+v", ws.SubmitBlockers)
	}
	return ws
}

// Submit submits and expects 200.
func (k *Kit) Submit(c *Client, id int64) *custos.Workspace {
	k.T.Helper()
	res := c.Do(http.MethodPost, EvalPath(id, "/submit"), nil)
	ExpectStatus(k.T, res, http.StatusOK)
	return Decode[*custos.Workspace](k.T, res)
}

// Managers makes n accounts that are managers of the treasury team and signs
// each in. Password hashing is deliberately slow, so it runs on a few
// goroutines.
func (k *Kit) Managers(n int) []*Client {
	k.T.Helper()
	start := time.Now()
	users := make([]*custos.User, n)
	errs := make([]error, n)
	clients := make([]*Client, n)
	parallel := func(fn func(i int)) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i := 0; i < n; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer func() { <-sem; wg.Done() }()
				fn(i)
			}(i)
		}
		wg.Wait()
	}
	parallel(func(i int) {
		users[i], errs[i] = k.Env.Users.CreateUser(k.Ctx(), custos.NewUser{Email: fmt.Sprintf("manager-%02d@example.com", i),
			Name: fmt.Sprintf("Manager %02d", i), Password: Password})
	})
	for i, err := range errs {
		if err != nil {
			k.T.Fatalf("create manager %d: %v", i, err)
		}
		if _, err := k.Env.Teams.AddMember(k.Ctx(), k.Treasury, users[i].ID, custos.RoleManager); err != nil {
			k.T.Fatal(err)
		}
	}
	if err := k.Env.Authz.Reload(k.Ctx()); err != nil {
		k.T.Fatal(err)
	}
	parallel(func(i int) { clients[i], errs[i] = k.Env.TryLogin(users[i].Email) })
	for _, err := range errs {
		if err != nil {
			k.T.Fatal(err)
		}
	}
	k.T.Logf("%d managers created and signed in in %v", n, time.Since(start).Round(time.Millisecond))
	return clients
}

// TeamAudit pages through a team's whole audit trail, newest first.
func TeamAudit(t testing.TB, c *Client, team int64) []*custos.AuditEvent {
	t.Helper()
	var all []*custos.AuditEvent
	path := fmt.Sprintf("/api/v1/audit?team=%d&limit=200", team)
	for {
		res := c.Do(http.MethodGet, path, nil)
		ExpectStatus(t, res, http.StatusOK)
		page := Decode[custos.AuditPage](t, res)
		all = append(all, page.Items...)
		if page.NextBefore == nil {
			return all
		}
		path = fmt.Sprintf("/api/v1/audit?team=%d&limit=200&before=%d", team, *page.NextBefore)
	}
}

// IsNull says whether a raw JSON value is absent or null.
func IsNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
}

// AssessmentOf returns a candidate's assessment in the workspace.
func AssessmentOf(t testing.TB, ws *custos.Workspace, custodianID int64) custos.Assessment {
	t.Helper()
	for _, a := range ws.Assessments {
		if a.Custodian.ID == custodianID {
			return a
		}
	}
	t.Fatalf("custodian %d is not a candidate of evaluation %d", custodianID, ws.Evaluation.ID)
	return custos.Assessment{}
}

// Flags returns every red flag of the workspace.
func Flags(ws *custos.Workspace) []custos.RedFlag {
	var out []custos.RedFlag
	for _, a := range ws.Assessments {
		out = append(out, a.RedFlags...)
	}
	return out
}

// Definition returns the template's catalogue red flag with the key.
func Definition(t testing.TB, tp *custos.Template, key string) custos.RedFlagDefinition {
	t.Helper()
	for _, d := range tp.RedFlags {
		if d.Key == key {
			return d
		}
	}
	t.Fatalf("the template has no red flag %q", key)
	return custos.RedFlagDefinition{}
}
