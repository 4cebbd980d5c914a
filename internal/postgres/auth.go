package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/netip"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

// AuthService signs people in and resolves session and API tokens.
type AuthService struct{ db *DB }

// NewAuthService returns the authentication service.
func NewAuthService(db *DB) *AuthService { return &AuthService{db} }

type failureRow struct {
	Key             string     `db:"key"`
	Failures        int        `db:"failures"`
	WindowStartedAt time.Time  `db:"window_started_at"`
	BlockedUntil    *time.Time `db:"blocked_until"`
}

func (r failureRow) state() custos.LoginFailures {
	return custos.LoginFailures{Failures: r.Failures, WindowStartedAt: r.WindowStartedAt, BlockedUntil: r.BlockedUntil}
}

// throttleKeys are the rows of login_throttle one attempt counts against.
type throttleKeys struct{ pair, address, account string }

func keysFor(email, clientAddr string) throttleKeys {
	clientAddr = throttledAddr(clientAddr)
	return throttleKeys{pair: "account-address:" + email + " " + clientAddr, address: "address:" + clientAddr, account: "account:" + email}
}

// throttledAddr is the address a sign-in counts against: an IPv6 client by
// its /64, which one subscriber usually holds whole (counting each of its
// addresses alone would give one attacker 2^64 budgets).
func throttledAddr(clientAddr string) string {
	a, err := netip.ParseAddr(clientAddr)
	switch {
	case clientAddr == "":
		return "unknown"
	case err != nil:
		return clientAddr
	case a.Unmap().Is4():
		return a.Unmap().String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

func (k throttleKeys) all() []string { return []string{k.account, k.address, k.pair} } // a fixed lock order

// blockedFor is how long an attempt with these states is refused outright:
// its account from its address, or its address, is blocked.
func (s *AuthService) blockedFor(states map[string]failureRow, k throttleKeys, now time.Time) time.Duration {
	th := s.db.Throttle
	return max(th.PerAccountAddress.BlockedFor(states[k.pair].state(), now), th.PerAddress.BlockedFor(states[k.address].state(), now))
}

// Login checks the address and password. A wrong address and a wrong password
// get the same answer after the same work. Failures are throttled per
// (account, client address) and per client address, which block, and per
// account, which only slows further attempts (see custos.LoginThrottle).
func (s *AuthService) Login(ctx context.Context, a custos.LoginAttempt) (string, *custos.Session, error) {
	// The presented session ends first, whatever becomes of this attempt: a
	// sign-in refused early (invalid, busy, throttled) must not leave it alive.
	if a.PreviousSession != "" {
		if err := s.db.inTx(ctx, func(tx *Tx) error { return tx.endPresentedSession(ctx, a.PreviousSession) }); err != nil {
			return "", nil, err
		}
		a.PreviousSession = ""
	}
	email, password := custos.NormalizeEmail(a.Email), a.Password
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

	keys := keysFor(email, a.ClientAddr)
	now := s.db.Now()
	var rows []failureRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT key, failures, window_started_at, blocked_until FROM login_throttle
		WHERE key = ANY($1)`, pq.Array(keys.all())); err != nil {
		return "", nil, mapErr(err)
	}
	states := map[string]failureRow{}
	for _, r := range rows {
		states[r.Key] = r
	}
	if wait := s.blockedFor(states, keys, now); wait > 0 {
		// No event per refused attempt: the failure that started the block
		// is in the trail, and a flood of refused attempts would otherwise
		// grow the trail at no cost to the flooder.
		return "", nil, custos.Throttled(wait)
	}
	// Past the account's ceiling, every attempt waits for a slot of its own
	// before its password is checked, whoever makes it and on whichever
	// server: guessing slows down to one attempt per delay however many run
	// in parallel, and the real user, from an address that is not blocked,
	// still gets in.
	if d := s.db.Throttle.AccountDelayFor(states[keys.account].state(), now); d > 0 {
		wait, err := s.accountSlot(ctx, keys.account, d, now)
		if err != nil {
			return "", nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return "", nil, mapErr(ctx.Err())
		}
	}

	var u userRow
	err := s.db.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE email = $1`, email)
	switch {
	case err == sql.ErrNoRows:
		if err := secret.BurnPasswordCheck(ctx, password); err != nil {
			return "", nil, hashErr(err)
		}
		return "", nil, s.recordFailure(ctx, a, email, keys, "bad_credentials")
	case err != nil:
		return "", nil, mapErr(err)
	}
	ok, err := secret.CheckPassword(ctx, password, u.PasswordHash)
	if err != nil {
		return "", nil, hashErr(err)
	}
	if !ok || u.Disabled {
		return "", nil, s.recordFailure(ctx, a, email, keys, "bad_credentials")
	}

	token := secret.NewToken(secret.SessionPrefix)
	var sess custos.Session
	err = s.db.inTx(ctx, func(tx *Tx) error {
		// A block may have started while the password was being checked.
		states, err := tx.lockThrottle(ctx, keys)
		if err != nil {
			return err
		}
		if wait := s.blockedFor(states, keys, tx.now); wait > 0 {
			return custos.Throttled(wait)
		}
		// Only this account's count from this address starts over: the
		// address's and the account's counts run out with their windows, so
		// that signing in to one's own account does not reset a guesser's.
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = $1`, keys.pair); err != nil {
			return err
		}
		if sess, err = s.startSession(ctx, tx, u.ID, token, a.PreviousSession); err != nil {
			return err
		}
		actx := custos.WithActor(ctx, custos.Actor{UserID: u.ID, Email: u.Email})
		return tx.audit(actx, custos.NewAuditEvent{Action: "session.login", ObjectType: "session",
			ObjectID: strconv.FormatInt(sess.ID, 10), After: loginAudit{UserID: u.ID, ExpiresAt: sess.ExpiresAt, ClientAddr: a.ClientAddr}})
	})
	if err != nil {
		return "", nil, err
	}
	return token, &sess, nil
}

// slotMargin is the time left, after its slot, for an attempt's password
// check and answer within the request's deadline.
const slotMargin = 500 * time.Millisecond

// accountSlot takes the account's next sign-in slot (next_slot =
// greatest(next_slot, now) + delay) and says how long to wait for it. A slot
// beyond the request's deadline is not taken: the answer is 429 with
// Retry-After, and the queue does not grow by refused attempts.
func (s *AuthService) accountSlot(ctx context.Context, key string, delay time.Duration, now time.Time) (time.Duration, error) {
	latest := now.Add(time.Hour)
	if dl, ok := ctx.Deadline(); ok {
		latest = now.Add(time.Until(dl) - slotMargin)
	}
	var slot time.Time
	err := s.db.db.GetContext(ctx, &slot, `UPDATE login_throttle
		SET next_slot = greatest(next_slot, $2) + $3 * interval '1 microsecond'
		WHERE key = $1 AND greatest(next_slot, $2) + $3 * interval '1 microsecond' <= $4
		RETURNING next_slot`, key, now, delay.Microseconds(), latest)
	if err == nil {
		return slot.Sub(now), nil
	} else if err != sql.ErrNoRows {
		return 0, mapErr(err)
	}
	var next sql.NullTime
	if err := s.db.db.GetContext(ctx, &next, `SELECT next_slot FROM login_throttle WHERE key = $1`, key); err != nil && err != sql.ErrNoRows {
		return 0, mapErr(err)
	}
	wait := delay
	if next.Valid {
		wait = max(next.Time.Sub(now), delay)
	}
	return 0, custos.Throttled(wait)
}

// startSession opens a session for userID under token, ending the session
// the sign-in presented. Password and single sign-on sign-ins share it, so
// their sessions are of one kind.
func (s *AuthService) startSession(ctx context.Context, tx *Tx, userID int64, token, previous string) (custos.Session, error) {
	if err := tx.endPresentedSession(ctx, previous); err != nil {
		return custos.Session{}, err
	}
	sess := custos.Session{UserID: userID, CreatedAt: tx.now, LastSeenAt: tx.now, ExpiresAt: tx.now.Add(s.db.SessionPolicy.MaxLifetime)}
	err := tx.GetContext(ctx, &sess.ID, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $3, $4) RETURNING id`, secret.HashToken(token), userID, tx.now, sess.ExpiresAt)
	return sess, err
}

// hashErr is the answer when a password could not be checked at all.
func hashErr(err error) error {
	if err == secret.ErrBusy {
		return custos.ErrBusy()
	}
	return mapErr(err)
}

// endPresentedSession ends the session whose token a sign-in presented, so
// that signing in again (as anyone) never leaves the old session alive.
func (tx *Tx) endPresentedSession(ctx context.Context, token string) error {
	if token == "" || !secret.LooksLike(token, secret.SessionPrefix) {
		return nil
	}
	var ended struct {
		ID     int64  `db:"id"`
		UserID int64  `db:"user_id"`
		Email  string `db:"email"`
	}
	err := tx.GetContext(ctx, &ended, `UPDATE sessions s SET ended_at = $2 FROM users u
		WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.id = s.user_id RETURNING s.id, s.user_id, u.email`,
		secret.HashToken(token), tx.now)
	if err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return err
	}
	return tx.appendEvent(ctx, &ended.UserID, ended.Email, custos.NewAuditEvent{Action: "session.logout", ObjectType: "session",
		ObjectID: strconv.FormatInt(ended.ID, 10), After: sessionEndedAudit{Reason: "signed in again"}})
}

// lockThrottle returns the throttle rows of an attempt, locked, creating
// missing ones empty.
func (tx *Tx) lockThrottle(ctx context.Context, k throttleKeys) (map[string]failureRow, error) {
	for _, key := range k.all() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, window_started_at)
			VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING`, key, tx.now); err != nil {
			return nil, err
		}
	}
	var rows []failureRow
	// ORDER BY with FOR UPDATE locks in key order, the same in every transaction.
	if err := tx.SelectContext(ctx, &rows, `SELECT key, failures, window_started_at, blocked_until FROM login_throttle
		WHERE key = ANY($1) ORDER BY key FOR UPDATE`, pq.Array(k.all())); err != nil {
		return nil, err
	}
	out := map[string]failureRow{}
	for _, r := range rows {
		out[r.Key] = r
	}
	return out, nil
}

// recordFailure counts a failed login and audits it, then returns the error
// the caller answers with: 401, or 429 while the account at this address, or
// the address, is blocked.
func (s *AuthService) recordFailure(ctx context.Context, a custos.LoginAttempt, email string, keys throttleKeys, reason string) error {
	var answer error = custos.ErrBadCredentials()
	err := s.db.inTx(ctx, func(tx *Tx) error {
		states, err := tx.lockThrottle(ctx, keys)
		if err != nil {
			return err
		}
		if wait := s.blockedFor(states, keys, tx.now); wait > 0 {
			// Blocked while the password was checked: the block's first
			// failure is in the trail already (at most one event per block).
			answer = custos.Throttled(wait)
			return nil
		} else {
			th := s.db.Throttle
			next := map[string]custos.LoginFailures{
				keys.pair:    th.PerAccountAddress.Fail(states[keys.pair].state(), tx.now),
				keys.address: th.PerAddress.Fail(states[keys.address].state(), tx.now),
				keys.account: th.AccountFail(states[keys.account].state(), tx.now),
			}
			for _, key := range keys.all() {
				f := next[key]
				if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = $2, window_started_at = $3, blocked_until = $4
					WHERE key = $1`, key, f.Failures, f.WindowStartedAt, f.BlockedUntil); err != nil {
					return err
				}
			}
		}
		if err := tx.endPresentedSession(ctx, a.PreviousSession); err != nil {
			return err
		}
		if err := tx.deleteExpiredThrottle(ctx, s.db.Throttle); err != nil {
			return err
		}
		return tx.appendEvent(ctx, nil, "anonymous", custos.NewAuditEvent{Action: "session.login_failed", ObjectType: "session",
			ObjectID: "", After: loginFailedAudit{Email: email, Reason: reason, ClientAddr: a.ClientAddr}})
	})
	if err != nil {
		return err
	}
	return answer
}

// deleteExpiredThrottle deletes, a bounded batch at a time, the throttle
// rows that no longer count: their window is over and they block nothing.
// Failures (which are what add rows) clear them, so the table stays the size
// of recent failures.
func (tx *Tx) deleteExpiredThrottle(ctx context.Context, th custos.LoginThrottle) error {
	window := max(th.PerAccountAddress.Window, th.PerAddress.Window, th.AccountWindow)
	_, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key IN (
		SELECT key FROM login_throttle
		WHERE window_started_at < $1 AND (blocked_until IS NULL OR blocked_until < $2)
		LIMIT 100 FOR UPDATE SKIP LOCKED)`, tx.now.Add(-window), tx.now)
	return err
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

// sessionTouchInterval is how stale a session's last_seen_at may get before a
// request writes it again.
const sessionTouchInterval = time.Minute

// SessionActor resolves a session token and refreshes its idle timer.
func (s *AuthService) SessionActor(ctx context.Context, token string) (custos.Actor, error) {
	a, _, _, err := s.session(ctx, token, false)
	return a, err
}

// SessionMe is SessionActor that also loads, in the same statement, the
// account and its memberships: GET /api/v1/me is then one round trip. Nothing
// is cached: a session ended, expired or of a disabled account fails here on
// the next request.
func (s *AuthService) SessionMe(ctx context.Context, token string) (custos.Actor, *custos.User, []custos.Membership, error) {
	return s.session(ctx, token, true)
}

// sessionMeColumns are the account and its memberships (ordered as
// TeamService.UserMemberships orders them) beside the session.
const sessionMeColumns = `, u.name, u.org_admin, u.created_at AS user_created_at, u.updated_at AS user_updated_at,
	COALESCE((SELECT json_agg(json_build_object('team_id', m.team_id, 'team_name', t.name, 'user_id', m.user_id,
		'user_email', u.email, 'user_name', u.name, 'role', m.role, 'created_at', m.created_at) ORDER BY t.name, m.role)
		FROM memberships m JOIN teams t ON t.id = m.team_id WHERE m.user_id = u.id), '[]') AS memberships`

// Every request but the respondent's reads its session: hot statements.
var (
	sessionQuery = hot(`SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ended_at,
		u.email, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`)
	sessionMeQuery = hot(`SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ended_at,
		u.email, u.disabled` + sessionMeColumns + ` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`)
	tokenQuery = hot(`SELECT t.id, t.user_id, t.name, t.read_only, t.created_at, t.expires_at,
		t.revoked_at, t.last_used_at, u.email, u.disabled
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`)
)

func (s *AuthService) session(ctx context.Context, token string, me bool) (custos.Actor, *custos.User, []custos.Membership, error) {
	if !secret.LooksLike(token, secret.SessionPrefix) {
		return custos.Actor{}, nil, nil, errSessionOver()
	}
	now := s.db.Now()
	var r struct {
		sessionRow
		Name          string    `db:"name"`
		OrgAdmin      bool      `db:"org_admin"`
		UserCreatedAt time.Time `db:"user_created_at"`
		UserUpdatedAt time.Time `db:"user_updated_at"`
		Memberships   []byte    `db:"memberships"`
	}
	query := sessionQuery
	if me {
		query = sessionMeQuery
	}
	err := s.db.get(ctx, &r, query, secret.HashToken(token))
	if err == sql.ErrNoRows {
		return custos.Actor{}, nil, nil, errSessionOver()
	} else if err != nil {
		return custos.Actor{}, nil, nil, mapErr(err)
	}
	sess := custos.Session{ID: r.ID, UserID: r.UserID, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt, EndedAt: r.EndedAt}
	if r.Disabled || !sess.ActiveAt(now, s.db.SessionPolicy) {
		return custos.Actor{}, nil, nil, errSessionOver()
	}
	// Writing last_seen_at on every request made every read a write. It is
	// written only when it is a minute or more old, so the stored value lags
	// the last use by less than a minute: a session ends between 29 and 30
	// idle minutes, never later than the 30-minute limit.
	if now.Sub(r.LastSeenAt) >= sessionTouchInterval {
		if _, err := s.db.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, r.ID, now); err != nil {
			return custos.Actor{}, nil, nil, mapErr(err)
		}
	}
	actor := custos.Actor{UserID: r.UserID, Email: r.Email, SessionID: r.ID}
	if !me {
		return actor, nil, nil, nil
	}
	var rows []struct {
		TeamID    int64     `json:"team_id"`
		TeamName  string    `json:"team_name"`
		UserID    int64     `json:"user_id"`
		UserEmail string    `json:"user_email"`
		UserName  string    `json:"user_name"`
		Role      string    `json:"role"`
		CreatedAt time.Time `json:"created_at"`
	}
	if err := json.Unmarshal(r.Memberships, &rows); err != nil {
		return custos.Actor{}, nil, nil, mapErr(err)
	}
	ms := make([]custos.Membership, len(rows))
	for i, m := range rows {
		ms[i] = membershipRow(m).membership()
	}
	u := userRow{ID: r.UserID, Email: r.Email, Name: r.Name, Disabled: r.Disabled, OrgAdmin: r.OrgAdmin, CreatedAt: r.UserCreatedAt, UpdatedAt: r.UserUpdatedAt}
	return actor, u.user(), ms, nil
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
	err := s.db.get(ctx, &r, tokenQuery, secret.HashToken(token))
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

// errNeedsSession refuses what only a person at a browser session may do.
func errNeedsSession(what string) error {
	return custos.Errorf(custos.EFORBIDDEN, "%s needs a signed-in session and your password, not an API token", what)
}

// checkOwnPassword checks the signed-in user's password, typed again; a wrong
// one is an invalid field. Wrong ones count as failed sign-ins of the account
// from the client's address, so that a stolen session cannot be used to
// guess the password any faster than the sign-in form allows.
func (s *AuthService) checkOwnPassword(ctx context.Context, field, password string) (*userRow, error) {
	var u userRow
	if err := s.db.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, custos.ActorFrom(ctx).UserID); err != nil {
		return nil, mapErr(orNotFound(err, "user"))
	}
	attempt := custos.LoginAttempt{Email: u.Email, ClientAddr: custos.ClientAddrFrom(ctx)}
	keys := keysFor(u.Email, attempt.ClientAddr)
	var rows []failureRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT key, failures, window_started_at, blocked_until FROM login_throttle
		WHERE key = ANY($1)`, pq.Array(keys.all())); err != nil {
		return nil, mapErr(err)
	}
	states := map[string]failureRow{}
	for _, r := range rows {
		states[r.Key] = r
	}
	if wait := s.blockedFor(states, keys, s.db.Now()); wait > 0 {
		return nil, custos.Throttled(wait)
	}
	ok, err := secret.CheckPassword(ctx, password, u.PasswordHash)
	if err != nil {
		return nil, hashErr(err)
	}
	if !ok {
		answer := s.recordFailure(ctx, attempt, u.Email, keys, "wrong_password_typed_again")
		if custos.ErrorCode(answer) == custos.EUNAUTHENTICATED {
			// The session is fine: only the password typed again is wrong.
			return nil, custos.Invalid(field, "is not your current password")
		}
		return nil, answer
	}
	return &u, nil
}

// ChangePassword changes the signed-in user's own password. The current
// password is required, the new one must pass the password policy, and every
// other session of the user ends (this one goes on), and every API token of
// the user is revoked.
func (s *AuthService) ChangePassword(ctx context.Context, current, next string) error {
	a := custos.ActorFrom(ctx)
	if a.SessionID == 0 {
		return errNeedsSession("changing your password")
	}
	var p custos.Problems
	if current == "" {
		p.Add("current_password", "is required")
	}
	if next == "" {
		p.Add("new_password", "is required")
	} else if next == current {
		p.Add("new_password", "must differ from the current password")
	}
	if err := p.Err(); err != nil {
		return err
	}
	// The new password's problems are found before the current one is
	// checked, so that a wrong current password and a weak new one are
	// named in one answer rather than one after the other.
	weak := custos.CheckNewPassword("new_password", next, a.Email)
	u, err := s.checkOwnPassword(ctx, "current_password", current)
	if err != nil {
		if custos.ErrorCode(err) == custos.EINVALID && weak != nil {
			return append(custos.Problems(custos.AsError(err).Fields), custos.AsError(weak).Fields...).Err()
		}
		return err
	}
	if err := custos.CheckNewPassword("new_password", next, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, a.UserID, hash, tx.now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = $3 WHERE user_id = $1 AND id <> $2 AND ended_at IS NULL`,
			a.UserID, a.SessionID, tx.now)
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		// As after an admin's reset: a password changed because it leaked
		// must shut out the tokens made with it too.
		res, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, a.UserID, tx.now)
		if err != nil {
			return err
		}
		revoked, _ := res.RowsAffected()
		return tx.audit(ctx, custos.NewAuditEvent{Action: "user.password_change", ObjectType: "user",
			ObjectID: strconv.FormatInt(a.UserID, 10), After: passwordChangedAudit{OtherSessionsEnded: ended, TokensRevoked: revoked}})
	})
}

// CreateToken makes an API token for the signed-in user and returns its
// secret once. Only a session may make one, with the password typed again:
// a token that made tokens could outlive itself through them.
func (s *AuthService) CreateToken(ctx context.Context, nt custos.NewAPIToken) (string, *custos.APIToken, error) {
	a := custos.ActorFrom(ctx)
	if a.SessionID == 0 {
		return "", nil, errNeedsSession("creating an API token")
	}
	if err := nt.Validate(); err != nil {
		return "", nil, err
	}
	if _, err := s.checkOwnPassword(ctx, "password", nt.Password); err != nil {
		return "", nil, err
	}
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
