package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

func loadOpenAPIDocument(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPIYAML)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPIDocument(t)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	// Every operation is named, summarised and tagged.
	seen := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
				t.Errorf("%s: operationId, summary and tags are required", where)
			}
			if other, dup := seen[op.OperationID]; dup {
				t.Errorf("%s: operationId %q is also used by %s", where, op.OperationID, other)
			}
			seen[op.OperationID] = where
		}
	}
}

var ginParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// openAPIPath turns a gin path (/users/:id) into an OpenAPI one (/users/{id}).
func openAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

func TestEveryRouteIsDocumented(t *testing.T) {
	doc := loadOpenAPIDocument(t)
	s := New(Services{}, Config{}, slog.New(slog.DiscardHandler))

	routes := map[string]Route{}
	for _, r := range s.Routes() {
		if r.Method == http.MethodGet && r.Path == "/" {
			continue // the web app, not the API
		}
		key := r.Method + " " + openAPIPath(r.Path)
		routes[key] = r
		item := doc.Paths.Value(openAPIPath(r.Path))
		if item == nil {
			t.Errorf("%s: path is not documented", key)
			continue
		}
		op := item.GetOperation(r.Method)
		if op == nil {
			t.Errorf("%s: method is not documented", key)
			continue
		}
		// Public routes need no credentials; the others may be refused.
		if r.Public {
			if op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("%s: a public route must say security: []", key)
			}
		} else {
			if op.Security != nil && len(*op.Security) == 0 {
				t.Errorf("%s: an authenticated route must not say security: []", key)
			}
			for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden} {
				if op.Responses.Status(code) == nil {
					t.Errorf("%s: response %d is not documented", key, code)
				}
			}
		}
	}

	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	sort.Strings(documented)
	for _, key := range documented {
		if _, ok := routes[key]; !ok {
			t.Errorf("%s: documented, but there is no such route", key)
		}
	}
	if len(documented) != len(routes) {
		t.Errorf("%d operations documented, %d routes", len(documented), len(routes))
	}
}

// validateAgainst marshals v as the handlers do and checks it against the
// named component schema.
func validateAgainst(t *testing.T, doc *openapi3.T, schema string, v any) error {
	t.Helper()
	ref := doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		t.Fatalf("components/schemas/%s is not documented", schema)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return ref.Value.VisitJSON(generic, openapi3.EnableJSONSchema2020())
}

// TestOpenAPISchemasMatchGoTypes checks that what the Go code marshals fits
// the documented schemas, with pointers nil and set, and that the schemas
// refuse undocumented fields.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := loadOpenAPIDocument(t)
	now := time.Date(2025, 9, 30, 12, 0, 0, 123456000, time.UTC)
	later := now.Add(time.Hour)
	one, seven := int64(1), int64(7)
	rule := "qualified_custodian"
	hash := make(custos.HashBytes, 32)
	hash[0] = 0xab

	user := &custos.User{ID: 1, Email: "ada@example.org", Name: "Ada", CreatedAt: now, UpdatedAt: now}
	team := &custos.Team{ID: 2, Name: "Treasury", ApprovalsRequired: 2, CreatedAt: now, UpdatedAt: later}
	member := custos.Membership{TeamID: 2, TeamName: "Treasury", UserID: 1, UserEmail: "ada@example.org", UserName: "Ada", Role: custos.RoleOfficer, CreatedAt: now}
	token := &custos.APIToken{ID: 3, Name: "ci", ReadOnly: true, CreatedAt: now, ExpiresAt: later}
	usedToken := &custos.APIToken{ID: 4, Name: "old", CreatedAt: now, ExpiresAt: later, RevokedAt: &later, LastUsedAt: &now}
	cu := &custos.Custodian{ID: 5, Slug: "acme-custody", Name: "Acme Custody", LegalEntity: "Acme Trust Co.",
		Licences: []custos.Licence{{Name: "Trust charter", Regulator: "NYDFS", Jurisdiction: "US-NY"}}, QualifiedCustodian: true,
		Regions: []string{"US", "EU"}, KeyManagement: []string{"hsm", "mpc"}, Staking: true, SettlementNetwork: "Acme Net",
		FeeModel: "bps of AUC", Notes: "n", Provenance: map[string]custos.Provenance{"licences": {Source: "https://example.org", VerifiedOn: "2025-09-30"}, "notes": {Source: "call"}},
		Version: 3, CreatedAt: now, UpdatedAt: later}
	emptyCu := &custos.Custodian{ID: 6, Slug: "b", Name: "B", LegalEntity: "B Ltd", Licences: []custos.Licence{}, Regions: []string{"GLOBAL"},
		KeyManagement: []string{}, Provenance: map[string]custos.Provenance{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	summary := custos.TemplateSummary{ID: 1, Family: "custodian-dd", Version: 1, Name: "Custodian DD", Description: "d", CreatedAt: now}
	tpl := &custos.Template{ID: 1, Family: "custodian-dd", Version: 1, Name: "Custodian DD", Description: "d", CreatedAt: now,
		Criteria: []custos.Criterion{{Key: "security", Name: "Security", Description: "d", Weight: 30}},
		Sections: []custos.ChecklistSection{{Key: "s", Title: "S", Items: []custos.ChecklistItem{{ID: 9, Key: "s.q", Prompt: "p", Guidance: "g", EvidenceRequired: true}}}, {Key: "e", Title: "E", Items: []custos.ChecklistItem{}}},
		RedFlags: []custos.RedFlagDefinition{
			{ID: 1, Key: "a", Title: "A", Description: "d", DefaultSeverity: custos.SeverityCritical, Origin: "red_flag", MandateRule: &rule},
			{ID: 2, Key: "b", Title: "B", Description: "d", DefaultSeverity: custos.SeverityLow, Origin: "practice"},
		}}
	event := &custos.AuditEvent{Seq: 1, OccurredAt: now, Actor: "anonymous", Action: "session.login_failed", ObjectType: "session",
		After: json.RawMessage(`{"email":"x@example.org","reason":"bad_credentials"}`), RequestID: "r1", PrevHash: custos.GenesisHash, Hash: hash}
	teamEvent := &custos.AuditEvent{Seq: 2, OccurredAt: now, ActorID: &one, Actor: "ada@example.org", TeamID: &seven, Action: "team.update",
		ObjectType: "team", ObjectID: "7", Before: json.RawMessage(`{"name":"a"}`), After: json.RawMessage(`[1,"x",null]`), PrevHash: hash, Hash: hash}

	// An evaluation workspace, assembled as the store does: a submitted one
	// with every kind of part, and a fresh draft.
	two, flagID := int64(2), int64(11)
	due := "2025-12-31"
	mandate := custos.Mandate{Regions: []string{"EU", "US"}, QualifiedCustodianRequired: true, Assets: []string{"BTC"}, StakingRequired: true, ExpectedAUCUSD: 5000000}
	evaluation := custos.Evaluation{ID: 12, TeamID: 2, Title: "Treasury custody 2025", TemplateID: 1, Mandate: mandate, OwnerID: 1,
		DueDate: &due, Status: custos.StatusSubmitted, Version: 9, Round: 1, SubmittedBy: &one, SubmittedAt: &later, SnapshotHash: hash,
		CreatedAt: now, UpdatedAt: later}
	draft := custos.Evaluation{ID: 13, TeamID: 2, Title: "Draft", TemplateID: 1, Mandate: custos.Mandate{Regions: []string{"EU"}, Assets: []string{}},
		OwnerID: 1, Status: custos.StatusDraft, Version: 1, CreatedAt: now, UpdatedAt: now}
	candidates := []custos.CandidateSummary{
		{ID: 5, Slug: "acme-custody", Name: "Acme Custody", QualifiedCustodian: true, Regions: []string{"US", "EU"}, Staking: true},
		{ID: 6, Slug: "b", Name: "B", Regions: []string{"GLOBAL"}},
	}
	answer := custos.Answer{ItemID: 9, Status: custos.AnswerPartlyMet, Note: "only in the EU", Version: 3, UpdatedBy: &one, UpdatedAt: &later}
	score := custos.Score{Criterion: "security", Score: 4, Rationale: "SOC 2 type II", UpdatedBy: 1, UpdatedAt: now}
	evidence := custos.Evidence{ID: 3, CustodianID: 5, ItemID: 9, Label: "soc2.pdf", ContentType: "application/pdf", Size: 1234, SHA256: hash, UploadedBy: 1, UploadedAt: now}
	manualFlag := custos.RedFlag{ID: 10, CustodianID: 5, DefinitionID: &two, Title: "B", Description: "d", Severity: custos.SeverityLow,
		Status: custos.FlagAccepted, Resolution: "insured", RaisedBy: &one, CreatedAt: now, UpdatedAt: later}
	mandateFlag := custos.RedFlag{ID: flagID, CustodianID: 6, Title: "Not a qualified custodian", Severity: custos.SeverityCritical,
		Status: custos.FlagOpen, MandateRule: &rule, Reason: "The mandate requires a qualified custodian.", CreatedAt: now, UpdatedAt: now}
	submitted := custos.Assemble(custos.WorkspaceParts{Evaluation: evaluation, Template: tpl, Candidates: candidates,
		Answers:   map[int64][]custos.Answer{5: {answer}},
		Scores:    map[int64][]custos.Score{5: {score}},
		RedFlags:  map[int64][]custos.RedFlag{5: {manualFlag}, 6: {mandateFlag}},
		Evidence:  map[int64][]custos.Evidence{5: {evidence}},
		Shortlist: []custos.ShortlistEntry{{CustodianID: 5, Rank: 1, Rationale: "best fit"}, {CustodianID: 6, Rank: 2, Rationale: "cheaper"}},
		Approvals: []custos.Approval{{ID: 1, Round: 1, ManagerID: 2, ManagerName: "Grace", Decision: custos.DecisionApprove, SnapshotHash: hash, CreatedAt: later},
			{ID: 2, Round: 1, ManagerID: 3, ManagerName: "Linus", Decision: custos.DecisionReturn, Comment: "more evidence", SnapshotHash: hash, CreatedAt: later}},
		ApprovalsRequired: 2})
	fresh := custos.Assemble(custos.WorkspaceParts{Evaluation: draft, Template: tpl, Candidates: candidates, ApprovalsRequired: 1})
	if len(submitted.SubmitBlockers) == 0 || len(fresh.SubmitBlockers) == 0 {
		t.Fatalf("the test workspaces should have submit blockers: %+v %+v", submitted.SubmitBlockers, fresh.SubmitBlockers)
	}
	pending := fresh.Assessments[0].Answers[0]

	valid := []struct {
		schema string
		value  any
	}{
		{"Workspace", submitted},
		{"Workspace", fresh},
		{"Workspace", custos.Assemble(custos.WorkspaceParts{Evaluation: draft, Template: &custos.Template{ID: 2, Family: "f", Version: 1, Name: "Empty",
			CreatedAt: now, Criteria: []custos.Criterion{}, Sections: []custos.ChecklistSection{}, RedFlags: []custos.RedFlagDefinition{}}, ApprovalsRequired: 1})},
		{"Evaluation", evaluation},
		{"Evaluation", draft},
		{"EvaluationPage", &custos.EvaluationPage{Items: []custos.EvaluationSummary{{Evaluation: evaluation, Candidates: 2}, {Evaluation: draft, Candidates: 20}}, NextBefore: &seven}},
		{"EvaluationPage", &custos.EvaluationPage{Items: []custos.EvaluationSummary{}}},
		{"Answer", answer},
		{"Answer", pending},
		{"Score", score},
		{"Evidence", evidence},
		{"RedFlag", manualFlag},
		{"RedFlag", mandateFlag},
		{"Problem", Problem{Type: problemType(409), Title: "Conflict", Status: 409, Detail: "the shortlist cannot be submitted yet", Blockers: fresh.SubmitBlockers}},
		{"Problem", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412, Current: submitted}},
		{"Problem", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412, Current: &answer}},
		{"Health", gin.H{"status": "ok"}},
		{"Ready", gin.H{"status": "ready"}},
		{"Problem", Problem{Type: problemType(404), Title: "Not Found", Status: 404, Detail: "user not found", Instance: "/api/v1/users/9", RequestID: "abc"}},
		{"Problem", Problem{Type: problemType(400), Title: "Bad Request", Status: 400, Errors: []custos.FieldError{{Field: "name", Reason: "is required"}}}},
		{"Me", meResponse{User: user, Memberships: []custos.Membership{}}},
		{"Me", meResponse{User: user, Memberships: []custos.Membership{member}, CSRFToken: "csrf", ExpiresAt: &later}},
		{"CreatedToken", createdToken{APIToken: token, Token: "cst_" + strings.Repeat("A", 43)}},
		{"APITokenList", items([]*custos.APIToken(nil))},
		{"APITokenList", items([]*custos.APIToken{token, usedToken})},
		{"User", user},
		{"UserList", items([]*custos.User{user})},
		{"Team", team},
		{"TeamList", items([]*custos.Team{team})},
		{"Membership", member},
		{"MembershipList", items([]custos.Membership{member})},
		{"Custodian", cu},
		{"Custodian", emptyCu},
		{"CustodianPage", &custos.CustodianPage{Items: []*custos.Custodian{cu, emptyCu}, NextCursor: "abc"}},
		{"CustodianPage", &custos.CustodianPage{Items: []*custos.Custodian{}}},
		{"TemplateSummaryList", items([]custos.TemplateSummary{summary})},
		{"MandateFitList", items([]MandateFitCandidate{{CustodianID: 6, Name: "B", Flags: []MandateFitFlag{{Rule: rule, Severity: custos.SeverityCritical, Title: "Not a qualified custodian", Reason: "r"}}}, {CustodianID: 5, Name: "Acme Custody", Flags: []MandateFitFlag{}}})},
		{"Template", tpl},
		{"AuditEvent", event},
		{"AuditPage", &custos.AuditPage{Items: []*custos.AuditEvent{teamEvent, event}, NextBefore: &one}},
		{"AuditPage", &custos.AuditPage{Items: []*custos.AuditEvent{}}},
		{"ChainReport", custos.ChainReport{Valid: true, Checked: 2, HeadSeq: 2, HeadHash: hash}},
		{"ChainReport", custos.ChainReport{Checked: 1, HeadSeq: 3, HeadHash: custos.GenesisHash, Broken: &custos.ChainBreak{Seq: 2, Reason: "its content does not match its hash"}}},
	}
	for _, c := range valid {
		if err := validateAgainst(t, doc, c.schema, c.value); err != nil {
			t.Errorf("%s does not fit %T: %v", c.schema, c.value, err)
		}
	}

	// A stale write's 412 carries the current state in the shape the
	// operation names.
	for _, c := range []struct {
		response string
		value    any
		ok       bool
	}{
		{"StaleWorkspace", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412, Current: submitted}, true},
		{"StaleWorkspace", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412, Current: &answer}, false},
		{"StaleWorkspace", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412}, false},
		{"StaleAnswer", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412, Current: &pending}, true},
		{"StaleAnswer", Problem{Type: problemType(412), Title: "Precondition Failed", Status: 412, Current: fresh}, false},
	} {
		resp := doc.Components.Responses[c.response]
		if resp == nil || resp.Value == nil || resp.Value.Content.Get("application/problem+json") == nil {
			t.Fatalf("components/responses/%s is not documented as a problem", c.response)
		}
		b, _ := json.Marshal(c.value)
		var generic any
		_ = json.Unmarshal(b, &generic)
		err := resp.Value.Content.Get("application/problem+json").Schema.Value.VisitJSON(generic, openapi3.EnableJSONSchema2020())
		if (err == nil) != c.ok {
			t.Errorf("%s with %s: got error %v, want ok=%v", c.response, b, err, c.ok)
		}
	}

	invalid := []struct {
		schema string
		value  any
	}{
		{"User", map[string]any{"id": 1, "email": "a@example.org", "name": "A", "disabled": false, "created_at": "2025-09-30T12:00:00Z", "updated_at": "2025-09-30T12:00:00Z", "password_hash": "x"}},
		{"Problem", map[string]any{"type": "about:blank", "title": "x", "status": 400, "extra": 1}},
		{"APIToken", map[string]any{"id": 1, "name": "x", "read_only": false, "created_at": "2025-09-30T12:00:00Z", "expires_at": "2025-09-30T12:00:00Z"}},
		{"Membership", map[string]any{"team_id": 1, "team_name": "t", "user_id": 1, "user_email": "e", "user_name": "n", "role": "owner", "created_at": "2025-09-30T12:00:00Z"}},
		{"AuditPage", map[string]any{"items": nil, "next_before": nil}},
		{"Problem", map[string]any{"type": "about:blank", "title": "x", "status": 412, "current": map[string]any{"anything": 1}}},
		{"Blocker", map[string]any{"code": "unanswered", "custodian_id": 1, "item_id": 2, "message": "m"}},
		{"Evaluation", map[string]any{"id": 1}},
	}
	for _, c := range invalid {
		if err := validateAgainst(t, doc, c.schema, c.value); err == nil {
			t.Errorf("%s accepts %v", c.schema, c.value)
		}
	}

	requests := []struct {
		schema string
		body   string
		ok     bool
	}{
		{"LoginRequest", `{"email":"a@example.org","password":"secret"}`, true},
		{"LoginRequest", `{"email":"a@example.org"}`, false},
		{"CreateTokenRequest", `{"name":"ci","password":"typed-again","read_only":true,"expires_in_days":30}`, true},
		{"CreateTokenRequest", `{"name":"ci","scopes":[]}`, false},
		{"CreateUserRequest", `{"email":"a@example.org","name":"A","password":"correct horse battery"}`, true},
		{"UpdateUserRequest", `{"name":null,"disabled":true}`, true},
		{"UpdateTeamRequest", `{"approvals_required":11}`, false},
		{"AddMemberRequest", `{"user_id":1,"role":"manager"}`, true},
		{"AddMemberRequest", `{"user_id":1,"role":"owner"}`, false},
		{"CustodianRequest", `{"slug":"acme","name":"Acme","legal_entity":"Acme Ltd","regions":["EU"],"provenance":{"regions":{"source":"web","verified_on":"2025-09-30"}}}`, true},
		{"CustodianRequest", `{"slug":"acme","name":"Acme","legal_entity":"Acme Ltd","regions":["EU"],"provenance":{"colour":{"source":"web"}}}`, false},
		{"CustodianUpdateRequest", `{"slug":"acme","name":"Acme","legal_entity":"Acme Ltd","regions":["EU"],"version":2}`, true},
		{"CustodianUpdateRequest", `{"slug":"acme","name":"Acme","legal_entity":"Acme Ltd","regions":["EU"]}`, false},
		{"CustodianUpdateRequest", `{"slug":"acme","name":"Acme","legal_entity":"Acme Ltd","regions":["EU"],"version":2,"id":5}`, false},
		{"CreateEvaluationRequest", `{"team_id":2,"title":"T","template_id":1,"mandate":{"regions":["EU"]},"custodian_ids":[5,6],"due_date":null}`, true},
		{"CreateEvaluationRequest", `{"team_id":2,"title":"T","template_id":1,"mandate":{"regions":["EU"],"qualified_custodian_required":true,"assets":["BTC"],"staking_required":false,"expected_assets_under_custody_usd":1},"custodian_ids":[5,6],"due_date":"2025-12-31"}`, true},
		{"CreateEvaluationRequest", `{"team_id":2,"title":"T","template_id":1,"mandate":{"regions":["EU"]},"custodian_ids":[5]}`, false},
		{"CreateEvaluationRequest", `{"team_id":2,"title":"T","template_id":1,"mandate":{"regions":["EU"],"colour":"red"},"custodian_ids":[5,6]}`, false},
		{"UpdateEvaluationRequest", `{"title":null,"mandate":null,"due_date":null,"clear_due_date":true}`, true},
		{"UpdateEvaluationRequest", `{"mandate":{"regions":[]}}`, false},
		{"AddCandidateRequest", `{"custodian_id":5}`, true},
		{"AnswerRequest", `{"status":"not_met","note":"no licence"}`, true},
		{"AnswerRequest", `{"status":"done"}`, false},
		{"ScoreRequest", `{"score":5,"rationale":"r"}`, true},
		{"ScoreRequest", `{"score":6,"rationale":"r"}`, false},
		{"RaiseRedFlagRequest", `{"definition_id":2}`, true},
		{"RaiseRedFlagRequest", `{"definition_id":null,"title":"T","description":"d","severity":"high"}`, true},
		{"RaiseRedFlagRequest", `{"title":"T","severity":"urgent"}`, false},
		{"MoveRedFlagRequest", `{"status":"accepted","resolution":"insured"}`, true},
		{"MoveRedFlagRequest", `{"resolution":"insured"}`, false},
		{"ShortlistRequest", `{"entries":[{"custodian_id":5,"rank":1,"rationale":"r"}]}`, true},
		{"ShortlistRequest", `{"entries":[{"custodian_id":5,"rank":0,"rationale":"r"}]}`, false},
		{"ApproveRequest", `{}`, true},
		{"ApproveRequest", `{"comment":"fine"}`, true},
		{"ReturnRequest", `{"comment":"more evidence"}`, true},
		{"ReturnRequest", `{}`, false},
	}
	for _, c := range requests {
		err := validateAgainst(t, doc, c.schema, json.RawMessage(c.body))
		if (err == nil) != c.ok {
			t.Errorf("%s with %s: got error %v, want ok=%v", c.schema, c.body, err, c.ok)
		}
	}
}

// TestOpenAPIDocumentIsServed checks that the server serves the document as JSON.
func TestOpenAPIDocumentIsServed(t *testing.T) {
	s := New(Services{}, Config{}, slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d: %s", rec.Code, rec.Body)
	}
	var served struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &served); err != nil {
		t.Fatalf("the served document is not JSON: %v", err)
	}
	if served.OpenAPI != "3.1.0" || served.Paths["/api/v1/custodians/{id}"] == nil {
		t.Errorf("the served document is not the API description: openapi=%q, %d paths", served.OpenAPI, len(served.Paths))
	}
}
