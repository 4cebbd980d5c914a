package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
)

// The parties of the matrix: anonymous, one per role in Demo Treasury (the
// organisation admin, who is also Demo Treasury's admin, and a team admin of
// Demo Treasury only), and an officer of another team.
var parties = []struct {
	name, email string
}{
	{"anonymous", ""},
	{"officer", "officer@example.com"},
	{"manager", "manager@example.com"},
	{"auditor", "auditor@example.com"},
	{"orgadmin", "admin@example.com"},
	{"teamadmin", "teamadmin@example.com"},
	{"outsider", "other.officer@example.com"},
}

// fixture is what a matrix cell can refer to.
type fixture struct {
	env   *apitest.Env
	party string
	email string
	// after, when a cell sets it, undoes what the cell's request changed.
	after    func()
	treasury int64
	officer  *custos.User
	n        int
	// appointable is an approved evaluation the relationship cells share:
	// a custodian can be appointed from it again once its relationship ends.
	appointable *custos.Workspace
}

func (f *fixture) approvedForRelationships() *custos.Workspace {
	if f.appointable == nil {
		f.appointable = f.approved()
	}
	return f.appointable
}

// unique returns a name no earlier cell used.
func (f *fixture) unique(prefix string) string {
	f.n++
	return fmt.Sprintf("%s-%s-%d", prefix, f.party, f.n)
}

func (f *fixture) ctx() context.Context {
	return custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})
}

func (f *fixture) asOfficer() context.Context { return f.env.As("officer@example.com") }

// draft opens a draft evaluation in Demo Treasury of custodians 1 and 2.
func (f *fixture) draft() *custos.Workspace {
	return f.env.OpenEvaluation(f.asOfficer(), f.treasury, 1, 2)
}

// approved is an evaluation of two custodians that the manager approved.
func (f *fixture) approved() *custos.Workspace {
	return f.env.ApprovedEvaluation(f.asOfficer(), f.env.As("manager@example.com"), f.treasury, 2)
}

// memo issues the memo of a fresh approved evaluation and returns it with its PDF.
func (f *fixture) memo() (*custos.Memo, []byte) {
	m, err := f.env.Memos.IssueMemo(f.asOfficer(), f.approved().Evaluation.ID)
	if err != nil {
		f.env.T.Fatal(err)
	}
	_, pdf, err := f.env.Memos.DownloadMemo(f.asOfficer(), m.ID)
	if err != nil {
		f.env.T.Fatal(err)
	}
	return m, pdf
}

// clearRelationships ends the treasury's active relationships, so that a
// cell can appoint custodian 1 again.
func (f *fixture) clearRelationships() {
	page, err := f.env.Server.Relationships.ListRelationships(f.ctx(), custos.RelationshipFilter{TeamID: f.treasury, Status: custos.ActiveRelationship, Limit: 100})
	if err != nil {
		f.env.T.Fatal(err)
	}
	for _, r := range page.Items {
		if _, err := f.env.Server.Relationships.EndRelationship(f.asOfficer(), f.treasury, r.ID, 0, "", "Cleared by the matrix."); err != nil {
			f.env.T.Fatal(err)
		}
	}
}

// relationship appoints custodian 1 from a fresh approved evaluation and
// returns its path.
func (f *fixture) relationship(rest string) string {
	f.clearRelationships()
	ws := f.approvedForRelationships()
	r, err := f.env.Server.Relationships.Appoint(f.asOfficer(), custos.NewRelationship{TeamID: f.treasury, EvaluationID: ws.Evaluation.ID, CustodianID: 1})
	if err != nil {
		f.env.T.Fatal(err)
	}
	return fmt.Sprintf("/api/v1/teams/%d/relationships/%d%s", f.treasury, r.ID, rest)
}

func (f *fixture) evalPath(ws *custos.Workspace, rest string) string {
	return fmt.Sprintf("/api/v1/evaluations/%d%s", ws.Evaluation.ID, rest)
}

// upload is a multipart body for a matrix cell.
type upload struct {
	r io.Reader
	h http.Header
}

// freshUser makes an account that is in no team.
func (f *fixture) freshUser() *custos.User {
	u, err := f.env.Users.CreateUser(f.ctx(), custos.NewUser{Email: f.unique("user") + "@example.com", Name: "Fresh User", Password: apitest.Password})
	if err != nil {
		f.env.T.Fatal(err)
	}
	return u
}

// cell is one route's expectations.
type cell struct {
	// allowed lists the parties the policy lets through; nil means public.
	allowed []string
	success int
	// call returns the path and body; it may prepare state with the client.
	call func(f *fixture, c *apitest.Client) (path string, body any)
}

var (
	officers    = []string{"officer"}
	managers    = []string{"manager"}
	readers     = []string{"officer", "manager", "auditor"}
	everyone    = []string{"officer", "manager", "auditor", "orgadmin", "teamadmin", "outsider"}
	orgAdmin    = []string{"orgadmin"}
	teamAdmins  = []string{"orgadmin", "teamadmin"}
	teamMembers = []string{"officer", "manager", "auditor", "orgadmin", "teamadmin"}
)

func static(path string) func(*fixture, *apitest.Client) (string, any) {
	return func(*fixture, *apitest.Client) (string, any) { return path, nil }
}

// matrix has one entry per registered route; TestRouteRoleMatrix fails when
// a route is missing from it or it names a route that does not exist.
var matrix = map[string]cell{
	"GET /healthz":             {nil, 200, static("/healthz")},
	"GET /readyz":              {nil, 200, static("/readyz")},
	"GET /api/v1/openapi.json": {nil, 200, static("/api/v1/openapi.json")},
	"GET /":                    {nil, 200, static("/")},
	"POST /api/v1/session": {nil, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/session", map[string]string{"email": "manager2@example.com", "password": apitest.Password}
	}},
	"DELETE /api/v1/session": {everyone, 204, static("/api/v1/session")},
	"GET /api/v1/me":         {everyone, 200, static("/api/v1/me")},

	"GET /api/v1/session-options": {nil, 200, static("/api/v1/session-options")},
	// Single sign-on is not configured in this stack, so both answer 404 to
	// everyone; oidc_test.go runs them against a real provider.
	"GET /api/v1/oidc/login":    {nil, 404, static("/api/v1/oidc/login")},
	"GET /api/v1/oidc/callback": {nil, 404, static("/api/v1/oidc/callback?state=s&code=c")},

	"PUT /api/v1/me/password": {everyone, 204, func(f *fixture, c *apitest.Client) (string, any) {
		// The next cells sign in with apitest.Password: put it back.
		f.after = func() {
			if f.email == "" {
				return
			}
			u, err := f.env.Users.FindUserByEmail(context.Background(), f.email)
			if err != nil {
				f.env.T.Fatal(err)
			}
			pw := apitest.Password
			if _, err := f.env.Users.UpdateUser(f.ctx(), u.ID, custos.UserUpdate{Password: &pw}); err != nil {
				f.env.T.Fatal(err)
			}
		}
		return "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": "tangerine-quorum-sextant-9"}
	}},
	"POST /api/v1/tokens": {everyone, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/tokens", map[string]any{"name": f.unique("token"), "password": apitest.Password}
	}},
	"GET /api/v1/tokens": {everyone, 200, static("/api/v1/tokens")},
	"DELETE /api/v1/tokens/:id": {everyone, 204, func(f *fixture, c *apitest.Client) (string, any) {
		id := 1
		if c.Cookie != nil {
			var tok struct {
				ID int `json:"id"`
			}
			c.Do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": f.unique("doomed"), "password": apitest.Password}).JSON(&tok)
			id = tok.ID
		}
		return fmt.Sprintf("/api/v1/tokens/%d", id), nil
	}},
	"GET /api/v1/users": {orgAdmin, 200, static("/api/v1/users")},
	"POST /api/v1/users": {orgAdmin, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/users", map[string]string{"email": f.unique("new") + "@example.com", "name": "New Person", "password": apitest.Password}
	}},
	"GET /api/v1/users/:id": {orgAdmin, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/users/%d", f.officer.ID), nil
	}},
	"PATCH /api/v1/users/:id": {orgAdmin, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/users/%d", f.freshUser().ID), map[string]string{"name": "Renamed"}
	}},
	"GET /api/v1/teams": {orgAdmin, 200, static("/api/v1/teams")},
	"POST /api/v1/teams": {orgAdmin, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/teams", map[string]string{"name": f.unique("team")}
	}},
	"GET /api/v1/teams/:teamID": {teamMembers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d", f.treasury), nil
	}},
	"PATCH /api/v1/teams/:teamID": {teamAdmins, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d", f.treasury), map[string]int{"approvals_required": 1}
	}},
	"GET /api/v1/teams/:teamID/members": {teamMembers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d/members", f.treasury), nil
	}},
	"POST /api/v1/teams/:teamID/members": {teamAdmins, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d/members", f.treasury), map[string]any{"email": f.freshUser().Email, "role": "auditor"}
	}},
	"DELETE /api/v1/teams/:teamID/members/:userID/:role": {teamAdmins, 204, func(f *fixture, c *apitest.Client) (string, any) {
		u := f.freshUser()
		if _, err := f.env.Teams.AddMember(f.ctx(), f.treasury, u.ID, custos.RoleManager); err != nil {
			f.env.T.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/teams/%d/members/%d/manager", f.treasury, u.ID), nil
	}},
	"GET /api/v1/custodians":     {everyone, 200, static("/api/v1/custodians")},
	"GET /api/v1/custodians/:id": {everyone, 200, static("/api/v1/custodians/1")},
	"POST /api/v1/custodians": {orgAdmin, 201, func(f *fixture, c *apitest.Client) (string, any) {
		name := f.unique("custodian")
		return "/api/v1/custodians", map[string]any{"slug": name, "name": name, "legal_entity": "Example Trust Co.", "regions": []string{"EU"}}
	}},
	"PUT /api/v1/custodians/:id": {orgAdmin, 200, func(f *fixture, c *apitest.Client) (string, any) {
		cu, err := f.env.Server.Custodians.FindCustodian(context.Background(), 2)
		if err != nil {
			f.env.T.Fatal(err)
		}
		return "/api/v1/custodians/2", map[string]any{"version": cu.Version, "slug": cu.Slug, "name": cu.Name,
			"legal_entity": cu.LegalEntity, "regions": cu.Regions, "notes": "reviewed " + f.unique("note")}
	}},
	"POST /api/v1/mandate-fit": {everyone, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/mandate-fit", map[string]any{"mandate": map[string]any{"regions": []string{"SG"}}, "custodian_ids": []int{1, 2}}
	}},
	"GET /api/v1/templates":     {everyone, 200, static("/api/v1/templates")},
	"GET /api/v1/templates/:id": {everyone, 200, static("/api/v1/templates/1")},
	"POST /api/v1/templates": {orgAdmin, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/templates", smallTemplate(f.unique("family"))
	}},
	"POST /api/v1/evaluations": {officers, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return "/api/v1/evaluations", map[string]any{"team_id": f.treasury, "title": f.unique("RFP"), "template_id": 1,
			"mandate": map[string]any{"regions": []string{"US"}}, "custodian_ids": []int{1, 2}}
	}},
	"GET /api/v1/evaluations": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/evaluations?team=%d", f.treasury), nil
	}},
	"GET /api/v1/evaluations/:id": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), ""), nil
	}},
	"PATCH /api/v1/evaluations/:id": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), ""), map[string]any{"title": f.unique("renamed")}
	}},
	"POST /api/v1/evaluations/:id/candidates": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/candidates"), map[string]any{"custodian_id": 3}
	}},
	"DELETE /api/v1/evaluations/:id/candidates/:custodianID": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.env.OpenEvaluation(f.asOfficer(), f.treasury, 1, 2, 3)
		return f.evalPath(ws, "/candidates/3"), nil
	}},
	"PUT /api/v1/evaluations/:id/custodians/:custodianID/answers/:itemID": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		return f.evalPath(ws, fmt.Sprintf("/custodians/1/answers/%d", ws.Template.Items()[0].ID)), map[string]any{"status": "met"}
	}},
	"POST /api/v1/evaluations/:id/custodians/:custodianID/answers/:itemID/evidence": {officers, 201, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		r, h := apitest.Multipart("file", "licence.pdf", "", apitest.TinyPDF)
		return f.evalPath(ws, fmt.Sprintf("/custodians/1/answers/%d/evidence", ws.Template.Items()[0].ID)), upload{r, h}
	}},
	"GET /api/v1/evaluations/:id/evidence/:evidenceID": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		ev, err := f.env.Evaluations.AddEvidence(f.asOfficer(), ws.Evaluation.ID, 1, ws.Template.Items()[0].ID, 0, "soc2.pdf", apitest.TinyPDF)
		if err != nil {
			f.env.T.Fatal(err)
		}
		return f.evalPath(ws, fmt.Sprintf("/evidence/%d", ev.ID)), nil
	}},
	"PUT /api/v1/evaluations/:id/custodians/:custodianID/scores/:criterion": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/custodians/1/scores/liquidity"), map[string]any{"score": 4, "rationale": "Deep venues."}
	}},
	"POST /api/v1/evaluations/:id/custodians/:custodianID/red-flags": {officers, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/custodians/1/red-flags"), map[string]any{"title": "Late SOC report", "severity": "high"}
	}},
	"PATCH /api/v1/evaluations/:id/red-flags/:flagID": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		flag, err := f.env.Evaluations.RaiseRedFlag(f.asOfficer(), ws.Evaluation.ID, 1, 0, custos.NewRedFlag{Title: "Thin disclosures", Severity: custos.SeverityMedium})
		if err != nil {
			f.env.T.Fatal(err)
		}
		return f.evalPath(ws, fmt.Sprintf("/red-flags/%d", flag.ID)), map[string]any{"status": "mitigated", "resolution": "Disclosed on request."}
	}},
	"PUT /api/v1/evaluations/:id/shortlist": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/shortlist"), map[string]any{"entries": []map[string]any{{"custodian_id": 1, "rank": 1, "rationale": "Best fit."}}}
	}},
	"POST /api/v1/evaluations/:id/submit": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		f.env.CompleteAndShortlist(f.asOfficer(), ws, 1)
		return f.evalPath(ws, "/submit"), nil
	}},
	"POST /api/v1/evaluations/:id/approve": {managers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.env.SubmittedEvaluation(f.asOfficer(), f.treasury), "/approve"), map[string]any{"comment": "Agreed."}
	}},
	"POST /api/v1/evaluations/:id/return": {managers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.env.SubmittedEvaluation(f.asOfficer(), f.treasury), "/return"), map[string]any{"comment": "Score support again."}
	}},
	"POST /api/v1/evaluations/:id/withdraw": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.env.SubmittedEvaluation(f.asOfficer(), f.treasury), "/withdraw"), nil
	}},
	"POST /api/v1/evaluations/:id/red-flags/:flagID/withdraw": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		flag, err := f.env.Evaluations.RaiseRedFlag(f.asOfficer(), ws.Evaluation.ID, 1, 0, custos.NewRedFlag{Title: "Wrong candidate", Severity: custos.SeverityMedium})
		if err != nil {
			f.env.T.Fatal(err)
		}
		return f.evalPath(ws, fmt.Sprintf("/red-flags/%d/withdraw", flag.ID)), map[string]any{"reason": "Raised on the wrong candidate."}
	}},
	"GET /api/v1/evaluations/:id/history": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/history"), nil
	}},
	"DELETE /api/v1/evaluations/:id/evidence/:evidenceID": {officers, 204, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		ev, err := f.env.Evaluations.AddEvidence(f.asOfficer(), ws.Evaluation.ID, 1, ws.Template.Items()[0].ID, 0, "wrong.pdf", apitest.TinyPDF)
		if err != nil {
			f.env.T.Fatal(err)
		}
		return f.evalPath(ws, fmt.Sprintf("/evidence/%d", ev.ID)), nil
	}},
	"POST /api/v1/evaluations/:id/custodians/:custodianID/sections/:sectionKey/met": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws := f.draft()
		return f.evalPath(ws, "/custodians/1/sections/"+ws.Template.Sections[0].Key+"/met"), nil
	}},
	"POST /api/v1/evaluations/:id/memos": {[]string{"officer", "manager"}, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.approved(), "/memos"), nil
	}},
	"GET /api/v1/memos": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/memos?team=%d", f.treasury), nil
	}},
	"POST /api/v1/memos/verify": {everyone, 200, func(f *fixture, c *apitest.Client) (string, any) {
		_, pdf := f.memo()
		return "/api/v1/memos/verify", upload{bytes.NewReader(pdf), http.Header{"Content-Type": {"application/pdf"}}}
	}},
	"GET /api/v1/memos/:id": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		m, _ := f.memo()
		return fmt.Sprintf("/api/v1/memos/%d", m.ID), nil
	}},
	"GET /api/v1/memos/:id/pdf": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		m, _ := f.memo()
		return fmt.Sprintf("/api/v1/memos/%d/pdf", m.ID), nil
	}},
	"GET /api/v1/teams/:teamID/relationships": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d/relationships", f.treasury), nil
	}},
	"POST /api/v1/teams/:teamID/relationships": {[]string{"officer", "manager"}, 201, func(f *fixture, c *apitest.Client) (string, any) {
		f.clearRelationships()
		return fmt.Sprintf("/api/v1/teams/%d/relationships", f.treasury), map[string]any{"evaluation_id": f.approvedForRelationships().Evaluation.ID, "custodian_id": 1}
	}},
	"GET /api/v1/teams/:teamID/relationships/:relationshipID": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.relationship(""), nil
	}},
	"PATCH /api/v1/teams/:teamID/relationships/:relationshipID": {[]string{"officer", "manager"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.relationship(""), map[string]any{"review_months": 6}
	}},
	"POST /api/v1/teams/:teamID/relationships/:relationshipID/end": {[]string{"officer", "manager"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.relationship("/end"), map[string]any{"reason": "Moved the assets to another custodian."}
	}},
	"POST /api/v1/teams/:teamID/relationships/:relationshipID/rediligence": {officers, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return f.relationship("/rediligence"), nil
	}},
	"GET /api/v1/audit": {[]string{"auditor", "orgadmin"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/audit?team=%d", f.treasury), nil
	}},
	"GET /api/v1/audit/verify": {[]string{"auditor", "orgadmin"}, 200, static("/api/v1/audit/verify")},
}

func TestRouteRoleMatrix(t *testing.T) {
	t.Parallel()
	// Every registered route is in the matrix and every matrix entry is registered.
	probe := apitest.New(t)
	registered := map[string]bool{}
	for _, r := range probe.Server.RegisteredRoutes() {
		key := r.Method + " " + r.Path
		registered[key] = true
		if _, ok := matrix[key]; !ok {
			t.Errorf("route %s is not in the route × role matrix", key)
		}
	}
	for key := range matrix {
		if !registered[key] {
			t.Errorf("the matrix lists %s, which is not a registered route", key)
		}
	}

	for _, p := range parties {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			env := apitest.New(t)
			teams := env.SeedDemo()
			officer, err := env.Users.FindUserByEmail(context.Background(), "officer@example.com")
			if err != nil {
				t.Fatal(err)
			}
			f := &fixture{env: env, party: p.name, email: p.email, treasury: teams[demo.TreasuryTeam], officer: officer}
			for key, cl := range matrix {
				var c *apitest.Client
				if p.email == "" {
					c = env.Anonymous()
				} else {
					c = env.Login(p.email)
				}
				want := cl.success
				switch {
				case cl.allowed == nil:
				case p.email == "":
					want = http.StatusUnauthorized
				case !slices.Contains(cl.allowed, p.name) && hidesFrom(key, p.name):
					want = http.StatusNotFound
				case !slices.Contains(cl.allowed, p.name):
					want = http.StatusForbidden
				}
				method, _, _ := strings.Cut(key, " ")
				path, body := cl.call(f, c)
				var res *apitest.Response
				if up, ok := body.(upload); ok {
					res = c.Request(method, path, up.r, up.h)
				} else {
					res = c.Do(method, path, body)
				}
				if res.Status != want {
					t.Errorf("%s as %s: got %d, want %d (%s)", key, p.name, res.Status, want, truncate(res.Body))
				}
				if f.after != nil {
					f.after()
					f.after = nil
				}
			}
		})
	}
}

// hidesFrom says whether a route answers party 404 rather than 403: an
// evaluation or memo is no one's business but its team's readers, and
// telling anyone else "forbidden" would confirm that the ID exists.
func hidesFrom(route, party string) bool {
	_, path, _ := strings.Cut(route, " ")
	guarded := strings.HasPrefix(path, "/api/v1/evaluations/:id") || strings.HasPrefix(path, "/api/v1/memos/:id")
	return guarded && !slices.Contains([]string{"officer", "manager", "auditor"}, party)
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func itoa(n int) string { return fmt.Sprint(n) }

// smallTemplate is a valid template body: one criterion, one item.
func smallTemplate(family string) map[string]any {
	return map[string]any{
		"family": strings.ReplaceAll(family, "-", "_"), "name": "Quick screen",
		"criteria": []map[string]any{{"key": "security", "name": "Security", "weight": 100}},
		"sections": []map[string]any{{"key": "basics", "title": "Basics", "items": []map[string]any{
			{"key": "basics.soc2", "prompt": "Is there a current SOC 2 Type II report?", "evidence_required": true}}}},
	}
}
