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
	// The respondent is anonymous but for an invitation token in its
	// header: it reaches the respondent routes and, everywhere else, is
	// answered exactly as anonymous is.
	{"respondent", ""},
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
	// token is a live invitation token the respondent party sends on
	// every other route.
	token string
	// appointable is an approved evaluation the relationship cells share:
	// a custodian can be appointed from it again once its relationship ends.
	appointable *custos.Workspace
	// lastDocument is the ID of the document the last document() recorded.
	lastDocument int64
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

// document records a SOC 2 report with one CUEC on custodian 1 in the
// treasury and returns its path.
func (f *fixture) document(rest string) string {
	start, end, op := "2025-07-01", "2026-06-30", custos.OpinionUnqualified
	d, err := f.env.Server.Assurance.AddDocument(f.asOfficer(), f.treasury, 1, custos.DocumentInput{Kind: custos.DocSOC2Type2,
		Issuer: "Deloitte & Touche LLP", IssuedOn: "2026-08-01", PeriodStart: &start, PeriodEnd: &end, Opinion: &op,
		CUECs: []string{"Clients review their withdrawal whitelists."}})
	if err != nil {
		f.env.T.Fatal(err)
	}
	f.lastDocument = d.ID
	return fmt.Sprintf("/api/v1/teams/%d/documents/%d%s", f.treasury, d.ID, rest)
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

// invitation opens a draft and invites a contact at custodian 1; it
// returns the draft, the invitation and its token.
func (f *fixture) invitation() (*custos.Workspace, *custos.IssuedInvitation) {
	ws := f.draft()
	issued, err := f.env.Invitations.Invite(f.asOfficer(), ws.Evaluation.ID, custos.NewInvitation{CustodianID: 1,
		Name: "Rita Respondent", Email: "rita@custodian.example"})
	if err != nil {
		f.env.T.Fatal(err)
	}
	return ws, issued
}

// respondentCell gives the respondent party a fresh invitation; any other
// party calls the route with no token at all.
func (f *fixture) respondentCell(c *apitest.Client) (*custos.Workspace, *custos.IssuedInvitation) {
	ws, issued := f.invitation()
	if f.party == "respondent" {
		c.Invitation = issued.Token
	}
	return ws, issued
}

// submittedResponse is an invitation whose respondent answered the first
// item, with a document, and submitted.
func (f *fixture) submittedResponse() (*custos.Workspace, *custos.IssuedInvitation, int64, *custos.ResponseDocument) {
	ws, issued := f.invitation()
	item := ws.Template.Items()[0].ID
	ctx := context.Background()
	if _, err := f.env.Invitations.SaveResponse(ctx, issued.Token, item, custos.AnswerInput{Status: custos.AnswerMet, Note: "Yes."}); err != nil {
		f.env.T.Fatal(err)
	}
	doc, err := f.env.Invitations.AddResponseDocument(ctx, issued.Token, item, "soc2.pdf", apitest.TinyPDF)
	if err != nil {
		f.env.T.Fatal(err)
	}
	if _, err := f.env.Invitations.SubmitResponses(ctx, issued.Token); err != nil {
		f.env.T.Fatal(err)
	}
	return ws, issued, item, doc
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
	"GET /api/v1/custodians":       {everyone, 200, static("/api/v1/custodians")},
	"GET /api/v1/custodians/:id":   {everyone, 200, static("/api/v1/custodians/1")},
	"GET /api/v1/catalogue/export": {everyone, 200, static("/api/v1/catalogue/export")},
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
	"GET /api/v1/evaluations/:id/changes": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		f.clearRelationships()
		r, err := f.env.Server.Relationships.Appoint(f.asOfficer(), custos.NewRelationship{TeamID: f.treasury,
			EvaluationID: f.approvedForRelationships().Evaluation.ID, CustodianID: 1})
		if err != nil {
			f.env.T.Fatal(err)
		}
		id, err := f.env.Server.Relationships.StartRediligence(f.asOfficer(), f.treasury, r.ID)
		if err != nil {
			f.env.T.Fatal(err)
		}
		return fmt.Sprintf("/api/v1/evaluations/%d/changes", id), nil
	}},
	"GET /api/v1/evaluations/:id/export": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/export?format=xlsx"), nil
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
	"GET /api/v1/teams/:teamID/documents": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d/documents?due=true", f.treasury), nil
	}},
	"GET /api/v1/teams/:teamID/custodians/:custodianID/documents": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d/custodians/1/documents", f.treasury), nil
	}},
	"POST /api/v1/teams/:teamID/custodians/:custodianID/documents": {[]string{"officer", "manager"}, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/teams/%d/custodians/1/documents", f.treasury), map[string]any{"kind": "iso27001",
			"issuer": "BSI", "issued_on": "2026-01-15", "valid_until": "2029-01-14"}
	}},
	"GET /api/v1/teams/:teamID/documents/:documentID": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.document(""), nil
	}},
	"PATCH /api/v1/teams/:teamID/documents/:documentID": {[]string{"officer", "manager"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.document(""), map[string]any{"issuer": "Deloitte & Touche LLP", "issued_on": "2026-08-01", "period_start": "2025-07-01",
			"period_end": "2026-06-30", "opinion": "unqualified", "cuecs": []string{"Clients review their withdrawal whitelists."}}
	}},
	"DELETE /api/v1/teams/:teamID/documents/:documentID": {[]string{"officer", "manager"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.document(""), nil
	}},
	"POST /api/v1/teams/:teamID/documents/:documentID/cuecs/:cuecID/confirm": {[]string{"officer", "manager"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return f.document("/cuecs/1/confirm"), map[string]any{"confirmed": true}
	}},
	"POST /api/v1/teams/:teamID/documents/:documentID/file": {[]string{"officer", "manager"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		r, h := apitest.Multipart("file", "soc2.pdf", "application/pdf", apitest.TinyPDF)
		return f.document("/file"), upload{r, h}
	}},
	"GET /api/v1/teams/:teamID/documents/:documentID/file": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		path := f.document("/file")
		if _, err := f.env.Server.Assurance.AttachDocumentFile(f.asOfficer(), f.treasury, f.lastDocument, "soc2.pdf", apitest.TinyPDF); err != nil {
			f.env.T.Fatal(err)
		}
		return path, nil
	}},
	"GET /api/v1/notifications":       {everyone, 200, static("/api/v1/notifications?unread=true")},
	"POST /api/v1/notifications/read": {everyone, 200, static("/api/v1/notifications/read")},
	"POST /api/v1/notifications/:id/read": {everyone, 204, func(f *fixture, c *apitest.Client) (string, any) {
		// Each party marks one of their own.
		return fmt.Sprintf("/api/v1/notifications/%d/read", f.notificationOf(f.email)), nil
	}},
	"GET /api/v1/audit": {[]string{"auditor", "orgadmin"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		return fmt.Sprintf("/api/v1/audit?team=%d", f.treasury), nil
	}},
	"GET /api/v1/audit/verify": {[]string{"auditor", "orgadmin"}, 200, static("/api/v1/audit/verify")},

	"POST /api/v1/evaluations/:id/invitations": {officers, 201, func(f *fixture, c *apitest.Client) (string, any) {
		return f.evalPath(f.draft(), "/invitations"), map[string]any{"custodian_id": 1, "name": "Rita", "email": "rita@custodian.example"}
	}},
	"GET /api/v1/evaluations/:id/invitations": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, _ := f.invitation()
		return f.evalPath(ws, "/invitations"), nil
	}},
	"POST /api/v1/evaluations/:id/invitations/:invitationID/revoke": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, issued := f.invitation()
		return f.evalPath(ws, fmt.Sprintf("/invitations/%d/revoke", issued.Invitation.ID)), nil
	}},
	"GET /api/v1/evaluations/:id/invitations/:invitationID/documents/:documentID": {readers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, issued, _, doc := f.submittedResponse()
		return f.evalPath(ws, fmt.Sprintf("/invitations/%d/documents/%d", issued.Invitation.ID, doc.ID)), nil
	}},
	"POST /api/v1/evaluations/:id/invitations/:invitationID/items/:itemID/accept": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, issued, item, _ := f.submittedResponse()
		return f.evalPath(ws, fmt.Sprintf("/invitations/%d/items/%d/accept", issued.Invitation.ID, item)), nil
	}},
	"POST /api/v1/evaluations/:id/invitations/:invitationID/items/:itemID/clarify": {officers, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, issued, item, _ := f.submittedResponse()
		return f.evalPath(ws, fmt.Sprintf("/invitations/%d/items/%d/clarify", issued.Invitation.ID, item)), map[string]string{"comment": "Which report?"}
	}},
	"GET /api/v1/respondent": {[]string{"respondent"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		f.respondentCell(c)
		return "/api/v1/respondent", nil
	}},
	"PUT /api/v1/respondent/items/:itemID": {[]string{"respondent"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, _ := f.respondentCell(c)
		return fmt.Sprintf("/api/v1/respondent/items/%d", ws.Template.Items()[0].ID), map[string]string{"status": "met", "note": "Yes."}
	}},
	"POST /api/v1/respondent/items/:itemID/documents": {[]string{"respondent"}, 201, func(f *fixture, c *apitest.Client) (string, any) {
		ws, _ := f.respondentCell(c)
		r, h := apitest.Multipart("file", "soc2.pdf", "", apitest.TinyPDF)
		return fmt.Sprintf("/api/v1/respondent/items/%d/documents", ws.Template.Items()[0].ID), upload{r, h}
	}},
	"POST /api/v1/respondent/submit": {[]string{"respondent"}, 200, func(f *fixture, c *apitest.Client) (string, any) {
		ws, issued := f.respondentCell(c)
		if _, err := f.env.Invitations.SaveResponse(context.Background(), issued.Token, ws.Template.Items()[0].ID,
			custos.AnswerInput{Status: custos.AnswerMet, Note: "Yes."}); err != nil {
			f.env.T.Fatal(err)
		}
		return "/api/v1/respondent/submit", nil
	}},
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
			if p.name == "respondent" {
				_, issued := f.invitation()
				f.token = issued.Token
			}
			for key, cl := range matrix {
				var c *apitest.Client
				if p.email == "" {
					c = env.Anonymous()
					c.Invitation = f.token
				} else {
					c = env.Login(p.email)
				}
				want := cl.success
				respondentRoute := strings.Contains(key, " /api/v1/respondent")
				switch {
				case respondentRoute && p.name != "respondent":
					want = http.StatusUnauthorized // no token: a session or API token opens nothing here
				case respondentRoute:
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

// notificationOf writes a notification for the party (any party may be
// notified, whatever their role) and returns its ID; 1 for anonymous.
func (f *fixture) notificationOf(email string) int64 {
	if email == "" {
		return 1
	}
	var id int64
	if err := f.env.SQL.Get(&id, `INSERT INTO notifications (user_id, kind, object_type, object_id, subject, body, link,
			created_at, next_attempt_at)
		SELECT id, 'evaluation.submitted', 'evaluation', '1', 'Shortlist to approve', 'Please review it.', '/evaluations/1', now(), now()
		FROM users WHERE email = $1 RETURNING id`, email); err != nil {
		f.env.T.Fatal(err)
	}
	return id
}
