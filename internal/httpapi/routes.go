package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// TeamFrom says where a route finds the team whose domain it is authorized in.
type TeamFrom int

const (
	// OrgWide routes are authorized in the organisation domain.
	OrgWide TeamFrom = iota
	// TeamInPath routes name the team in the :teamID path parameter.
	TeamInPath
	// TeamInQuery routes may name a team in ?team=; without it they are org-wide.
	TeamInQuery
	// TeamOfEvaluation routes are authorized in the team of the evaluation
	// named by the :id path parameter.
	TeamOfEvaluation
	// TeamOfMemo routes are authorized in the team of the memo named by :id.
	TeamOfMemo
	// TeamInBody routes name the team in their JSON body; the guard only
	// authenticates and the handler calls allowTeam once it has bound the body.
	TeamInBody
)

// Route is one entry of the route table: where it is, what permission it
// needs, and its handler. Public routes need no sign-in.
type Route struct {
	Method string
	Path   string
	Public bool
	Object custos.Object
	Action custos.Action
	Team   TeamFrom
	// TeamRequired makes ?team= mandatory on a TeamInQuery route.
	TeamRequired bool
	// loadsMe makes a session's authentication load the account and its
	// memberships in the same statement (GET /me, polled by the web app).
	loadsMe bool
	// Respondent routes are for a custodian's respondent, authenticated by
	// an invitation token only (respondent.go); no session or API token
	// reaches them.
	Respondent bool
	handle     gin.HandlerFunc
}

func loadingMe(r Route) Route { r.loadsMe = true; return r }

// domain resolves the authorization domain of a request, answering 400 for
// a malformed team ID.
func (r Route) domain(c *gin.Context) (string, bool) {
	var raw string
	switch r.Team {
	case TeamOfEvaluation, TeamOfMemo:
		return "", false // resolved by the guard, which asks the store
	case TeamInPath:
		raw = c.Param("teamID")
	case TeamInQuery:
		raw = c.Query("team")
		if raw == "" && r.TeamRequired {
			writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: "team", Reason: "is required: name the team"}})
			return "", false
		} else if raw == "" {
			return custos.OrgDomain, true
		}
	default:
		return custos.OrgDomain, true
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		field := "teamID"
		if r.Team == TeamInQuery {
			field = "team"
		}
		writeProblem(c, http.StatusBadRequest, "the request is not valid", []custos.FieldError{{Field: field, Reason: "must be a positive integer"}})
		return "", false
	}
	return custos.TeamDomain(id), true
}

// routeTable is the one place routes are declared.
func (s *Server) routeTable() []Route {
	pub := func(method, path string, h gin.HandlerFunc) Route {
		return Route{Method: method, Path: path, Public: true, handle: h}
	}
	org := func(method, path string, obj custos.Object, act custos.Action, h gin.HandlerFunc) Route {
		return Route{Method: method, Path: path, Object: obj, Action: act, Team: OrgWide, handle: h}
	}
	team := func(method, path string, obj custos.Object, act custos.Action, h gin.HandlerFunc) Route {
		return Route{Method: method, Path: path, Object: obj, Action: act, Team: TeamInPath, handle: h}
	}
	memo := func(method, path string, obj custos.Object, act custos.Action, h gin.HandlerFunc) Route {
		return Route{Method: method, Path: path, Object: obj, Action: act, Team: TeamOfMemo, handle: h}
	}
	eval := func(method, path string, obj custos.Object, act custos.Action, h gin.HandlerFunc) Route {
		return Route{Method: method, Path: path, Object: obj, Action: act, Team: TeamOfEvaluation, handle: h}
	}
	respond := func(method, path string, h gin.HandlerFunc) Route {
		return Route{Method: method, Path: path, Respondent: true, handle: h}
	}
	const (
		GET, POST, PUT, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	)
	return []Route{
		pub(GET, "/healthz", s.healthz),
		pub(GET, "/readyz", s.readyz),
		pub(GET, "/api/v1/openapi.json", s.openAPI),
		pub(GET, "/", s.frontendIndex),

		pub(POST, "/api/v1/session", s.login),
		pub(GET, "/api/v1/session-options", s.sessionOptions),
		pub(GET, "/api/v1/oidc/login", s.oidcLogin),
		pub(GET, "/api/v1/oidc/callback", s.oidcCallback),
		org(DELETE, "/api/v1/session", custos.ObjSession, custos.ActDelete, s.logout),
		loadingMe(org(GET, "/api/v1/me", custos.ObjSelf, custos.ActRead, s.me)),
		org(PUT, "/api/v1/me/password", custos.ObjSelf, custos.ActUpdate, s.changePassword),

		org(POST, "/api/v1/tokens", custos.ObjToken, custos.ActCreate, s.createToken),
		org(GET, "/api/v1/tokens", custos.ObjToken, custos.ActRead, s.listTokens),
		org(DELETE, "/api/v1/tokens/:id", custos.ObjToken, custos.ActDelete, s.revokeToken),

		org(GET, "/api/v1/users", custos.ObjUser, custos.ActRead, s.listUsers),
		org(POST, "/api/v1/users", custos.ObjUser, custos.ActCreate, s.createUser),
		org(GET, "/api/v1/users/:id", custos.ObjUser, custos.ActRead, s.getUser),
		org(PATCH, "/api/v1/users/:id", custos.ObjUser, custos.ActUpdate, s.updateUser),

		org(GET, "/api/v1/teams", custos.ObjTeam, custos.ActRead, s.listTeams),
		org(POST, "/api/v1/teams", custos.ObjTeam, custos.ActCreate, s.createTeam),
		team(GET, "/api/v1/teams/:teamID", custos.ObjTeam, custos.ActRead, s.getTeam),
		team(PATCH, "/api/v1/teams/:teamID", custos.ObjTeam, custos.ActUpdate, s.updateTeam),
		team(GET, "/api/v1/teams/:teamID/members", custos.ObjMembership, custos.ActRead, s.listMembers),
		team(POST, "/api/v1/teams/:teamID/members", custos.ObjMembership, custos.ActCreate, s.addMember),
		team(DELETE, "/api/v1/teams/:teamID/members/:userID/:role", custos.ObjMembership, custos.ActDelete, s.removeMember),

		org(GET, "/api/v1/custodians", custos.ObjCustodian, custos.ActRead, s.listCustodians),
		org(POST, "/api/v1/custodians", custos.ObjCustodian, custos.ActCreate, s.createCustodian),
		org(GET, "/api/v1/custodians/:id", custos.ObjCustodian, custos.ActRead, s.getCustodian),
		org(PUT, "/api/v1/custodians/:id", custos.ObjCustodian, custos.ActUpdate, s.updateCustodian),
		org(POST, "/api/v1/mandate-fit", custos.ObjCustodian, custos.ActRead, s.mandateFit),
		org(GET, "/api/v1/catalogue/export", custos.ObjCustodian, custos.ActDownload, s.exportCatalogue),

		org(GET, "/api/v1/templates", custos.ObjTemplate, custos.ActRead, s.listTemplates),
		org(GET, "/api/v1/templates/:id", custos.ObjTemplate, custos.ActRead, s.getTemplate),
		org(POST, "/api/v1/templates", custos.ObjTemplate, custos.ActCreate, s.createTemplate),

		{Method: POST, Path: "/api/v1/evaluations", Object: custos.ObjEvaluation, Action: custos.ActCreate, Team: TeamInBody, handle: s.createEvaluation},
		{Method: GET, Path: "/api/v1/evaluations", Object: custos.ObjEvaluation, Action: custos.ActRead, Team: TeamInQuery, TeamRequired: true, handle: s.listEvaluations},
		eval(GET, "/api/v1/evaluations/:id", custos.ObjEvaluation, custos.ActRead, s.getWorkspace),
		eval(PATCH, "/api/v1/evaluations/:id", custos.ObjEvaluation, custos.ActUpdate, s.updateEvaluation),
		eval(POST, "/api/v1/evaluations/:id/candidates", custos.ObjEvaluation, custos.ActUpdate, s.addCandidate),
		eval(DELETE, "/api/v1/evaluations/:id/candidates/:custodianID", custos.ObjEvaluation, custos.ActUpdate, s.removeCandidate),
		eval(PUT, "/api/v1/evaluations/:id/custodians/:custodianID/answers/:itemID", custos.ObjEvaluation, custos.ActUpdate, s.putAnswer),
		eval(POST, "/api/v1/evaluations/:id/custodians/:custodianID/answers/:itemID/evidence", custos.ObjEvidence, custos.ActCreate, s.addEvidence),
		eval(GET, "/api/v1/evaluations/:id/evidence/:evidenceID", custos.ObjEvidence, custos.ActRead, s.downloadEvidence),
		eval(GET, "/api/v1/evaluations/:id/changes", custos.ObjEvaluation, custos.ActRead, s.rediligenceChanges),
		eval(GET, "/api/v1/evaluations/:id/export", custos.ObjEvaluation, custos.ActDownload, s.exportEvaluation),
		eval(PUT, "/api/v1/evaluations/:id/custodians/:custodianID/scores/:criterion", custos.ObjEvaluation, custos.ActUpdate, s.putScore),
		eval(POST, "/api/v1/evaluations/:id/custodians/:custodianID/red-flags", custos.ObjEvaluation, custos.ActUpdate, s.raiseRedFlag),
		eval(PATCH, "/api/v1/evaluations/:id/red-flags/:flagID", custos.ObjEvaluation, custos.ActUpdate, s.moveRedFlag),
		eval(PUT, "/api/v1/evaluations/:id/shortlist", custos.ObjEvaluation, custos.ActUpdate, s.putShortlist),
		eval(POST, "/api/v1/evaluations/:id/submit", custos.ObjEvaluation, custos.ActSubmit, s.submit),
		eval(POST, "/api/v1/evaluations/:id/approve", custos.ObjEvaluation, custos.ActApprove, s.approve),
		eval(POST, "/api/v1/evaluations/:id/return", custos.ObjEvaluation, custos.ActReturn, s.returnEvaluation),
		// Withdrawing undoes one's own submission: the submit permission (the
		// service lets only the submitter, before any decision).
		eval(POST, "/api/v1/evaluations/:id/withdraw", custos.ObjEvaluation, custos.ActSubmit, s.withdrawSubmission),
		eval(POST, "/api/v1/evaluations/:id/red-flags/:flagID/withdraw", custos.ObjEvaluation, custos.ActUpdate, s.withdrawRedFlag),
		eval(DELETE, "/api/v1/evaluations/:id/evidence/:evidenceID", custos.ObjEvidence, custos.ActDelete, s.removeEvidence),
		eval(GET, "/api/v1/evaluations/:id/history", custos.ObjEvaluation, custos.ActRead, s.evaluationHistory),
		eval(POST, "/api/v1/evaluations/:id/custodians/:custodianID/sections/:sectionKey/met", custos.ObjEvaluation, custos.ActUpdate, s.markSectionMet),

		eval(POST, "/api/v1/evaluations/:id/memos", custos.ObjMemo, custos.ActCreate, s.issueMemo),
		{Method: GET, Path: "/api/v1/memos", Object: custos.ObjMemo, Action: custos.ActRead, Team: TeamInQuery, TeamRequired: true, handle: s.listMemos},
		org(POST, "/api/v1/memos/verify", custos.ObjMemo, custos.ActVerify, s.verifyMemo),
		memo(GET, "/api/v1/memos/:id", custos.ObjMemo, custos.ActRead, s.getMemo),
		memo(GET, "/api/v1/memos/:id/pdf", custos.ObjMemo, custos.ActDownload, s.downloadMemo),

		team(GET, "/api/v1/teams/:teamID/relationships", custos.ObjRelationship, custos.ActRead, s.listRelationships),
		team(POST, "/api/v1/teams/:teamID/relationships", custos.ObjRelationship, custos.ActCreate, s.appointCustodian),
		team(GET, "/api/v1/teams/:teamID/relationships/:relationshipID", custos.ObjRelationship, custos.ActRead, s.getRelationship),
		team(PATCH, "/api/v1/teams/:teamID/relationships/:relationshipID", custos.ObjRelationship, custos.ActUpdate, s.updateRelationship),
		team(POST, "/api/v1/teams/:teamID/relationships/:relationshipID/end", custos.ObjRelationship, custos.ActUpdate, s.endRelationship),
		team(POST, "/api/v1/teams/:teamID/relationships/:relationshipID/rediligence", custos.ObjEvaluation, custos.ActCreate, s.startRediligence),
		team(GET, "/api/v1/teams/:teamID/documents", custos.ObjAssurance, custos.ActRead, s.listDocuments),
		team(GET, "/api/v1/teams/:teamID/custodians/:custodianID/documents", custos.ObjAssurance, custos.ActRead, s.listDocuments),
		team(POST, "/api/v1/teams/:teamID/custodians/:custodianID/documents", custos.ObjAssurance, custos.ActCreate, s.addDocument),
		team(GET, "/api/v1/teams/:teamID/documents/:documentID", custos.ObjAssurance, custos.ActRead, s.getDocument),
		team(PATCH, "/api/v1/teams/:teamID/documents/:documentID", custos.ObjAssurance, custos.ActUpdate, s.updateDocument),
		team(DELETE, "/api/v1/teams/:teamID/documents/:documentID", custos.ObjAssurance, custos.ActUpdate, s.archiveDocument),
		team(POST, "/api/v1/teams/:teamID/documents/:documentID/cuecs/:cuecID/confirm", custos.ObjAssurance, custos.ActUpdate, s.confirmCUEC),
		team(POST, "/api/v1/teams/:teamID/documents/:documentID/file", custos.ObjAssurance, custos.ActUpdate, s.attachDocumentFile),
		team(GET, "/api/v1/teams/:teamID/documents/:documentID/file", custos.ObjAssurance, custos.ActRead, s.downloadDocumentFile),

		org(GET, "/api/v1/notifications", custos.ObjNotification, custos.ActRead, s.listNotifications),
		org(POST, "/api/v1/notifications/read", custos.ObjNotification, custos.ActUpdate, s.markAllNotificationsRead),
		org(POST, "/api/v1/notifications/:id/read", custos.ObjNotification, custos.ActUpdate, s.markNotificationRead),

		eval(POST, "/api/v1/evaluations/:id/invitations", custos.ObjInvitation, custos.ActCreate, s.createInvitation),
		eval(GET, "/api/v1/evaluations/:id/invitations", custos.ObjInvitation, custos.ActRead, s.listInvitations),
		eval(POST, "/api/v1/evaluations/:id/invitations/:invitationID/revoke", custos.ObjInvitation, custos.ActUpdate, s.revokeInvitation),
		eval(GET, "/api/v1/evaluations/:id/invitations/:invitationID/documents/:documentID", custos.ObjInvitation, custos.ActRead, s.downloadResponseDocument),
		eval(POST, "/api/v1/evaluations/:id/invitations/:invitationID/items/:itemID/accept", custos.ObjInvitation, custos.ActReview, s.acceptResponse),
		eval(POST, "/api/v1/evaluations/:id/invitations/:invitationID/items/:itemID/clarify", custos.ObjInvitation, custos.ActReview, s.clarifyResponse),
		respond(GET, "/api/v1/respondent", s.getQuestionnaire),
		respond(PUT, "/api/v1/respondent/items/:itemID", s.saveResponse),
		respond(POST, "/api/v1/respondent/items/:itemID/documents", s.addResponseDocument),
		respond(POST, "/api/v1/respondent/submit", s.submitResponses),

		{Method: GET, Path: "/api/v1/audit", Object: custos.ObjAudit, Action: custos.ActRead, Team: TeamInQuery, handle: s.listAudit},
		org(GET, "/api/v1/audit/verify", custos.ObjAudit, custos.ActVerify, s.verifyAudit),
	}
}
