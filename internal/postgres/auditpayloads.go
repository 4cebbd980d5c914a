package postgres

import (
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// Typed audit payloads of the writes outside the evaluation aggregate
// (accounts, sessions, tokens, teams, memberships, templates): what each
// event records is a declared shape, never a hand-built map.

// userAudit is what the trail records of an account: never the password hash.
type userAudit struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
	OrgAdmin bool   `json:"org_admin"`
	// PasswordReset appears only on the update that reset the password.
	PasswordReset bool `json:"password_reset,omitempty"`
}

type teamAudit struct {
	Name              string `json:"name"`
	ApprovalsRequired int    `json:"approvals_required"`
}

type membershipAudit struct {
	TeamID    int64       `json:"team_id"`
	UserID    int64       `json:"user_id"`
	UserEmail string      `json:"user_email"`
	Role      custos.Role `json:"role"`
}

// membershipRemovedAudit has no e-mail: the store does not read it to delete.
type membershipRemovedAudit struct {
	TeamID int64       `json:"team_id"`
	UserID int64       `json:"user_id"`
	Role   custos.Role `json:"role"`
}

type loginAudit struct {
	UserID     int64     `json:"user_id"`
	ExpiresAt  time.Time `json:"expires_at"`
	ClientAddr string    `json:"client_addr"`
}

// sessionEndedAudit records why a session ended without a sign-out.
type sessionEndedAudit struct {
	Reason string `json:"reason"`
}

// passwordChangedAudit records a user's own password change: never the
// password, only how many other sessions it ended and tokens it revoked.
type passwordChangedAudit struct {
	OtherSessionsEnded int64 `json:"other_sessions_ended"`
	TokensRevoked      int64 `json:"tokens_revoked,omitempty"`
}

type loginFailedAudit struct {
	Email      string `json:"email"`
	Reason     string `json:"reason"`
	ClientAddr string `json:"client_addr"`
}

type tokenCreatedAudit struct {
	Name      string    `json:"name"`
	ReadOnly  bool      `json:"read_only"`
	ExpiresAt time.Time `json:"expires_at"`
}

type tokenRevokedAudit struct {
	Name      string     `json:"name"`
	RevokedAt *time.Time `json:"revoked_at"`
}

type templateCreatedAudit struct {
	Family   string             `json:"family"`
	Version  int                `json:"version"`
	Name     string             `json:"name"`
	Criteria []custos.Criterion `json:"criteria"`
	Sections int                `json:"sections"`
	RedFlags int                `json:"red_flags"`
}
