package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/oidc"
	"github.com/custos-dd/custos/internal/secret"
)

// SSOService keeps the sign-ins under way at the OpenID Connect provider and
// turns a verified identity into an account, team roles and a session.
type SSOService struct {
	db   *DB
	auth *AuthService
}

// NewSSOService returns the single sign-on service.
func NewSSOService(db *DB) *SSOService { return &SSOService{db: db, auth: NewAuthService(db)} }

// ssoLoginAudit is what the trail records of a sign-in through the provider:
// who the provider said it was, and what the sign-in changed.
type ssoLoginAudit struct {
	UserID      int64        `json:"user_id"`
	ExpiresAt   time.Time    `json:"expires_at"`
	ClientAddr  string       `json:"client_addr"`
	Issuer      string       `json:"issuer"`
	Subject     string       `json:"subject"`
	UserCreated bool         `json:"user_created"`
	Granted     []oidc.Grant `json:"granted"`
	// UnknownTeams are mapped teams that do not exist, so gave no role.
	UnknownTeams []int64 `json:"unknown_teams,omitempty"`
}

// BeginLogin records a sign-in leaving for the provider, which must come
// back within ttl, and forgets the ones whose time ran out.
func (s *SSOService) BeginLogin(ctx context.Context, p oidc.PendingLogin, ttl time.Duration) error {
	now := s.db.Now()
	p.ExpiresAt = now.Add(ttl)
	if _, err := s.db.db.ExecContext(ctx, `DELETE FROM oidc_pending_logins WHERE expires_at <= $1`, now); err != nil {
		return mapErr(err)
	}
	_, err := s.db.db.ExecContext(ctx, `INSERT INTO oidc_pending_logins
		(state_hash, browser_hash, nonce, code_verifier, return_to, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.StateHash, p.BrowserHash, p.Nonce, p.CodeVerifier, p.ReturnTo, now, p.ExpiresAt)
	return mapErr(err)
}

// TakeLogin takes the sign-in with this state out of the store, so that no
// replica can take it again, and checks that it has not expired and that
// the browser finishing it is the one that started it.
func (s *SSOService) TakeLogin(ctx context.Context, stateHash, browserHash []byte) (*oidc.PendingLogin, error) {
	var r struct {
		BrowserHash  []byte    `db:"browser_hash"`
		Nonce        string    `db:"nonce"`
		CodeVerifier string    `db:"code_verifier"`
		ReturnTo     string    `db:"return_to"`
		ExpiresAt    time.Time `db:"expires_at"`
	}
	err := s.db.db.GetContext(ctx, &r, `DELETE FROM oidc_pending_logins WHERE state_hash = $1
		RETURNING browser_hash, nonce, code_verifier, return_to, expires_at`, stateHash)
	if err == sql.ErrNoRows {
		return nil, oidc.Refused(oidc.ReasonState)
	} else if err != nil {
		return nil, mapErr(err)
	}
	if !r.ExpiresAt.After(s.db.Now()) || string(r.BrowserHash) != string(browserHash) {
		return nil, oidc.Refused(oidc.ReasonState)
	}
	return &oidc.PendingLogin{StateHash: stateHash, BrowserHash: r.BrowserHash, Nonce: r.Nonce,
		CodeVerifier: r.CodeVerifier, ReturnTo: r.ReturnTo, ExpiresAt: r.ExpiresAt}, nil
}

// RecordRefusal audits a sign-in through the provider that was turned away.
func (s *SSOService) RecordRefusal(ctx context.Context, email, reason, clientAddr string) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		return tx.appendEvent(ctx, nil, "anonymous", custos.NewAuditEvent{Action: "session.login_failed", ObjectType: "session",
			After: loginFailedAudit{Email: email, Reason: "sso_" + reason, ClientAddr: clientAddr}})
	})
}

// SignIn signs in the person a verified ID token names: the account with
// that verified e-mail address (created when allowed and the claim gives a
// role), the mapped team roles it lacks, and a session like a password
// sign-in's. A refusal is audited and returned as *oidc.Refusal.
func (s *SSOService) SignIn(ctx context.Context, in oidc.SignIn) (string, *custos.Session, error) {
	id := in.Identity
	email := custos.NormalizeEmail(id.Email)
	refuse := func(reason string) (string, *custos.Session, error) {
		if err := s.RecordRefusal(ctx, email, reason, in.ClientAddr); err != nil {
			return "", nil, err
		}
		return "", nil, oidc.Refused(reason)
	}
	if email == "" || !id.EmailVerified {
		return refuse(oidc.ReasonEmailUnverified)
	}

	token := secret.NewToken(secret.SessionPrefix)
	var sess custos.Session
	refusal := ""
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var u userRow
		err := tx.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE email = $1 FOR UPDATE`, email)
		created := false
		switch {
		case err == sql.ErrNoRows && !in.CreateUsers:
			refusal = oidc.ReasonNoAccount
			return nil
		case err == sql.ErrNoRows && len(in.Grants) == 0:
			refusal = oidc.ReasonNoRole
			return nil
		case err == sql.ErrNoRows:
			// The account has no usable password: a random one, never told.
			hash, err := hashPassword(ctx, secret.NewToken(""))
			if err != nil {
				return err
			}
			name := id.Name
			if name == "" {
				name = email
			}
			actx := custos.WithActor(ctx, custos.Actor{Email: "oidc:" + id.Issuer})
			nu, err := tx.createUser(actx, email, name, hash, false)
			if err != nil {
				return err
			}
			u = userRow{ID: nu.ID, Email: nu.Email, Name: nu.Name}
			created = true
		case err != nil:
			return err
		case u.Disabled:
			refusal = oidc.ReasonDisabled
			return nil
		}

		actx := custos.WithActor(ctx, custos.Actor{UserID: u.ID, Email: u.Email})
		audit := ssoLoginAudit{UserID: u.ID, ClientAddr: in.ClientAddr, Issuer: id.Issuer, Subject: id.Subject,
			UserCreated: created, Granted: []oidc.Grant{}}
		for _, g := range in.Grants {
			var team, held bool
			if err := tx.GetContext(ctx, &team, `SELECT EXISTS (SELECT 1 FROM teams WHERE id = $1)`, g.TeamID); err != nil {
				return err
			}
			if !team {
				audit.UnknownTeams = append(audit.UnknownTeams, g.TeamID)
				continue
			}
			if err := tx.GetContext(ctx, &held, `SELECT EXISTS (SELECT 1 FROM memberships WHERE team_id = $1 AND user_id = $2 AND role = $3)`,
				g.TeamID, u.ID, g.Role); err != nil {
				return err
			}
			if held {
				continue
			}
			// The grant is the identity provider's mapping, not the user's own
			// act: it is recorded under the issuer, as the account creation is.
			grantCtx := custos.WithActor(ctx, custos.Actor{Email: "oidc:" + id.Issuer})
			if _, err := tx.addMember(grantCtx, g.TeamID, "user_id", u.ID, g.Role); err != nil {
				return err
			}
			audit.Granted = append(audit.Granted, g)
		}
		if created && len(audit.Granted) == 0 {
			// Every mapped team was unknown: no account without a role.
			refusal = oidc.ReasonNoRole
			return errRollback
		}
		if sess, err = s.auth.startSession(ctx, tx, u.ID, token, in.PreviousSession); err != nil {
			return err
		}
		audit.ExpiresAt = sess.ExpiresAt
		return tx.audit(actx, custos.NewAuditEvent{Action: "session.login_sso", ObjectType: "session",
			ObjectID: strconv.FormatInt(sess.ID, 10), After: audit})
	})
	if err == errRollback || (err == nil && refusal != "") {
		return refuse(refusal)
	}
	if err != nil {
		return "", nil, err
	}
	return token, &sess, nil
}

// errRollback undoes a transaction whose outcome is a refusal.
var errRollback = custos.Errorf(custos.EFORBIDDEN, "rolled back")

// IsOrgAdmin reports whether the enabled account with this address is an
// organisation admin: the only one who may use a password when passwords
// are turned off.
func (s *SSOService) IsOrgAdmin(ctx context.Context, email string) (bool, error) {
	var admin bool
	err := s.db.db.GetContext(ctx, &admin, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1 AND org_admin AND NOT disabled)`,
		custos.NormalizeEmail(email))
	return admin, mapErr(err)
}
