package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

// AuthService signs people in and resolves session and API tokens.
type AuthService struct{ db *DB }

// NewAuthService returns the authentication service.
func NewAuthService(db *DB) *AuthService { return &AuthService{db} }

type failureRow struct {
	Failures        int        `db:"failures"`
	WindowStartedAt time.Time  `db:"window_started_at"`
	BlockedUntil    *time.Time `db:"blocked_until"`
}

func (r failureRow) state() custos.LoginFailures {
	return custos.LoginFailures{Failures: r.Failures, WindowStartedAt: r.WindowStartedAt, BlockedUntil: r.BlockedUntil}
}

// Login checks the address and password. A wrong address and a wrong password
// get the same answer after the same work; five failures for one address
// within the throttle window block it, whether or not an account has it.
func (s *AuthService) Login(ctx context.Context, email, password string) (string, *custos.Session, error) {
	email = custos.NormalizeEmail(email)
	var p custos.Problems
	if email == "" {
		p.Add("email", "is required")
	}
	if password == "" {
		p.Add("password", "is required")
	}
	if err := p.Err(); err != nil {
		return "", nil, err
	}
	if len(email) > 320 || len(password) > 1024 {
		return "", nil, custos.ErrBadCredentials()
	}

	now := s.db.Now()
	var f failureRow
	err := s.db.db.GetContext(ctx, &f, `SELECT failures, window_started_at, blocked_until FROM login_failures WHERE email = $1`, email)
	if err != nil && err != sql.ErrNoRows {
		return "", nil, mapErr(err)
	}
	if wait := s.db.Throttle.BlockedFor(f.state(), now); wait > 0 {
		return "", nil, s.recordFailure(ctx, email, "throttled")
	}

	var u userRow
	err = s.db.db.GetContext(ctx, &u, `SELECT id, email, name, password_hash, disabled, created_at, updated_at
		FROM users WHERE email = $1`, email)
	switch {
	case err == sql.ErrNoRows:
		secret.BurnPasswordCheck(password)
		return "", nil, s.recordFailure(ctx, email, "bad_credentials")
	case err != nil:
		return "", nil, mapErr(err)
	case !secret.CheckPassword(password, u.PasswordHash) || u.Disabled:
		return "", nil, s.recordFailure(ctx, email, "bad_credentials")
	}

	token := secret.NewToken(secret.SessionPrefix)
	var sess custos.Session
	err = s.db.inTx(ctx, func(tx *Tx) error {
		// A block may have started while the password was being checked.
		f, err := tx.lockFailures(ctx, email)
		if err != nil {
			return err
		}
		if wait := s.db.Throttle.BlockedFor(f.state(), tx.now); wait > 0 {
			return custos.Throttled(wait)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
			return err
		}
		sess = custos.Session{UserID: u.ID, CreatedAt: tx.now, LastSeenAt: tx.now, ExpiresAt: tx.now.Add(s.db.SessionPolicy.MaxLifetime)}
		if err := tx.GetContext(ctx, &sess.ID, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $3, $4) RETURNING id`, secret.HashToken(token), u.ID, tx.now, sess.ExpiresAt); err != nil {
			return err
		}
		actx := custos.WithActor(ctx, custos.Actor{UserID: u.ID, Email: u.Email})
		return tx.audit(actx, custos.NewAuditEvent{Action: "session.login", ObjectType: "session",
			ObjectID: strconv.FormatInt(sess.ID, 10), After: loginAudit{UserID: u.ID, ExpiresAt: sess.ExpiresAt}})
	})
	if err != nil {
		return "", nil, err
	}
	return token, &sess, nil
}

// lockFailures returns the throttle row of an address, locked, creating it empty.
func (tx *Tx) lockFailures(ctx context.Context, email string) (failureRow, error) {
	var f failureRow
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (email, failures, window_started_at)
		VALUES ($1, 0, $2) ON CONFLICT (email) DO NOTHING`, email, tx.now); err != nil {
		return f, err
	}
	err := tx.GetContext(ctx, &f, `SELECT failures, window_started_at, blocked_until FROM login_failures WHERE email = $1 FOR UPDATE`, email)
	return f, err
}

// recordFailure counts a failed login and audits it, then returns the error
// the caller answers with: 401, or 429 once the address is blocked.
func (s *AuthService) recordFailure(ctx context.Context, email, reason string) error {
	var answer error = custos.ErrBadCredentials()
	err := s.db.inTx(ctx, func(tx *Tx) error {
		f, err := tx.lockFailures(ctx, email)
		if err != nil {
			return err
		}
		state := f.state()
		if wait := s.db.Throttle.BlockedFor(state, tx.now); wait > 0 {
			answer = custos.Throttled(wait)
		} else {
			state = s.db.Throttle.Fail(state, tx.now)
			if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = $2, window_started_at = $3, blocked_until = $4
				WHERE email = $1`, email, state.Failures, state.WindowStartedAt, state.BlockedUntil); err != nil {
				return err
			}
		}
		return tx.appendEvent(ctx, nil, "anonymous", custos.NewAuditEvent{Action: "session.login_failed", ObjectType: "session",
			ObjectID: "", After: loginFailedAudit{Email: email, Reason: reason}})
	})
	if err != nil {
		return err
	}
	return answer
}

type sessionRow struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	CreatedAt  time.Time  `db:"created_at"`
	LastSeenAt time.Time  `db:"last_seen_at"`
	ExpiresAt  time.Time  `db:"expires_at"`
	EndedAt    *time.Time `db:"ended_at"`
	Email      string     `db:"email"`
	Disabled   bool       `db:"disabled"`
}

func errSessionOver() error {
	return custos.Errorf(custos.EUNAUTHENTICATED, "the session has ended; sign in again")
}

// SessionActor resolves a session token and refreshes its idle timer.
func (s *AuthService) SessionActor(ctx context.Context, token string) (custos.Actor, error) {
	if !secret.LooksLike(token, secret.SessionPrefix) {
		return custos.Actor{}, errSessionOver()
	}
	now := s.db.Now()
	var r sessionRow
	err := s.db.db.GetContext(ctx, &r, `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ended_at,
		u.email, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, secret.HashToken(token))
	if err == sql.ErrNoRows {
		return custos.Actor{}, errSessionOver()
	} else if err != nil {
		return custos.Actor{}, mapErr(err)
	}
	sess := custos.Session{ID: r.ID, UserID: r.UserID, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt, EndedAt: r.EndedAt}
	if r.Disabled || !sess.ActiveAt(now, s.db.SessionPolicy) {
		return custos.Actor{}, errSessionOver()
	}
	if _, err := s.db.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, r.ID, now); err != nil {
		return custos.Actor{}, mapErr(err)
	}
	return custos.Actor{UserID: r.UserID, Email: r.Email, SessionID: r.ID}, nil
}

// Logout ends the session with the given token. Ending an unknown or ended
// session is not an error: the client is signed out either way.
func (s *AuthService) Logout(ctx context.Context, token string) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, `UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL RETURNING id`,
			secret.HashToken(token), tx.now)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, custos.NewAuditEvent{Action: "session.logout", ObjectType: "session", ObjectID: strconv.FormatInt(id, 10)})
	})
}

type tokenRow struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	Name       string     `db:"name"`
	ReadOnly   bool       `db:"read_only"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  time.Time  `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

func (r *tokenRow) token() *custos.APIToken {
	return &custos.APIToken{ID: r.ID, Name: r.Name, ReadOnly: r.ReadOnly, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), RevokedAt: r.RevokedAt, LastUsedAt: r.LastUsedAt}
}

const tokenColumns = `id, user_id, name, read_only, created_at, expires_at, revoked_at, last_used_at`

// TokenActor resolves an API token.
func (s *AuthService) TokenActor(ctx context.Context, token string) (custos.Actor, error) {
	bad := custos.Errorf(custos.EUNAUTHENTICATED, "the API token is not valid")
	if !secret.LooksLike(token, secret.APITokenPrefix) {
		return custos.Actor{}, bad
	}
	now := s.db.Now()
	var r struct {
		tokenRow
		Email    string `db:"email"`
		Disabled bool   `db:"disabled"`
	}
	err := s.db.db.GetContext(ctx, &r, `SELECT t.id, t.user_id, t.name, t.read_only, t.created_at, t.expires_at,
		t.revoked_at, t.last_used_at, u.email, u.disabled
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, secret.HashToken(token))
	if err == sql.ErrNoRows {
		return custos.Actor{}, bad
	} else if err != nil {
		return custos.Actor{}, mapErr(err)
	}
	if r.RevokedAt != nil || !now.Before(r.ExpiresAt) || r.Disabled {
		return custos.Actor{}, bad
	}
	// Recording every use would write on every request; a minute's precision is enough.
	if _, err := s.db.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, r.ID, now); err != nil {
		return custos.Actor{}, mapErr(err)
	}
	return custos.Actor{UserID: r.UserID, Email: r.Email, ReadOnly: r.ReadOnly, TokenID: r.ID}, nil
}

// CreateToken makes an API token for the signed-in user and returns its secret once.
func (s *AuthService) CreateToken(ctx context.Context, nt custos.NewAPIToken) (string, *custos.APIToken, error) {
	if err := nt.Validate(); err != nil {
		return "", nil, err
	}
	a := custos.ActorFrom(ctx)
	secretToken := secret.NewToken(secret.APITokenPrefix)
	var out *custos.APIToken
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var r tokenRow
		if err := tx.GetContext(ctx, &r, `INSERT INTO api_tokens (user_id, name, token_hash, read_only, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+tokenColumns,
			a.UserID, nt.Name, secret.HashToken(secretToken), nt.ReadOnly, tx.now,
			tx.now.Add(time.Duration(nt.ExpiresInDays)*24*time.Hour)); err != nil {
			return err
		}
		out = r.token()
		return tx.audit(ctx, custos.NewAuditEvent{Action: "token.create", ObjectType: "api_token", ObjectID: strconv.FormatInt(r.ID, 10),
			After: tokenCreatedAudit{Name: out.Name, ReadOnly: out.ReadOnly, ExpiresAt: out.ExpiresAt}})
	})
	if err != nil {
		return "", nil, err
	}
	return secretToken, out, nil
}

// ListTokens returns the signed-in user's tokens, newest first.
func (s *AuthService) ListTokens(ctx context.Context) ([]*custos.APIToken, error) {
	var rows []tokenRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`,
		custos.ActorFrom(ctx).UserID); err != nil {
		return nil, mapErr(err)
	}
	out := make([]*custos.APIToken, len(rows))
	for i := range rows {
		out[i] = rows[i].token()
	}
	return out, nil
}

// RevokeToken revokes one of the signed-in user's tokens.
func (s *AuthService) RevokeToken(ctx context.Context, id int64) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		var r tokenRow
		err := tx.GetContext(ctx, &r, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3)
			WHERE id = $1 AND user_id = $2 RETURNING `+tokenColumns, id, custos.ActorFrom(ctx).UserID, tx.now)
		if err != nil {
			return orNotFound(err, "API token")
		}
		return tx.audit(ctx, custos.NewAuditEvent{Action: "token.revoke", ObjectType: "api_token", ObjectID: strconv.FormatInt(id, 10),
			After: tokenRevokedAudit{Name: r.Name, RevokedAt: r.RevokedAt}})
	})
}
