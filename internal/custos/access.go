package custos

import (
	"context"
	"strconv"
)

// Role is what a person may do inside one team.
type Role string

const (
	RoleOfficer Role = "officer"
	RoleManager Role = "manager"
	RoleAuditor Role = "auditor"
	// RoleAdmin is a team admin: that team's settings and memberships, and
	// nothing in any other team. The organisation admin is User.OrgAdmin.
	RoleAdmin Role = "admin"
)

// Roles lists every team role.
var Roles = []Role{RoleOfficer, RoleManager, RoleAuditor, RoleAdmin}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Organisation-wide roles: every user is a member; an account marked
// OrgAdmin administers the organisation (users, teams, catalogue, templates,
// the whole audit trail); an auditor of any team may verify the audit chain.
// A team's admin membership grants nothing outside that team.
const (
	OrgRoleMember  = "member"
	OrgRoleAdmin   = "org-admin"
	OrgRoleAuditor = "org-auditor"
)

// Object is a kind of thing a permission is about.
type Object string

// Action is what is done to an object.
type Action string

// The objects and actions of the authorization policy (policies/policy.csv).
// Routes name their permission with these constants, never with a URL.
const (
	ObjSelf       Object = "self"
	ObjSession    Object = "session"
	ObjToken      Object = "token"
	ObjUser       Object = "user"
	ObjTeam       Object = "team"
	ObjMembership Object = "membership"
	ObjCustodian  Object = "custodian"
	ObjTemplate   Object = "template"
	ObjAudit      Object = "audit"
	ObjEvaluation Object = "evaluation"
	ObjEvidence   Object = "evidence"
	ObjMemo       Object = "memo"
	// ObjRelationship is a custody relationship (relationship.go).
	ObjRelationship Object = "relationship"
	// ObjAssurance is a team's assurance document on a custodian (assurance.go).
	ObjAssurance Object = "assurance_document"
	// ObjNotification is the signed-in user's own notifications.
	ObjNotification Object = "notification"

	ActRead     Action = "read"
	ActCreate   Action = "create"
	ActUpdate   Action = "update"
	ActDelete   Action = "delete"
	ActVerify   Action = "verify"
	ActSubmit   Action = "submit"
	ActApprove  Action = "approve"
	ActReturn   Action = "return"
	ActDownload Action = "download"
)

// OrgDomain is the authorization domain of organisation-wide objects.
const OrgDomain = "org"

// TeamDomain is the authorization domain of one team's objects.
func TeamDomain(teamID int64) string { return "team:" + strconv.FormatInt(teamID, 10) }

// Authorizer decides whether a user may act on an object in a domain. A grant
// in OrgDomain holds in every team.
type Authorizer interface {
	Allowed(ctx context.Context, userID int64, domain string, obj Object, act Action) (bool, error)
}
