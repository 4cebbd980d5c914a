package custos

import (
	"context"
	"strings"
	"time"
)

// SessionPolicy bounds how long a signed-in browser session lasts.
type SessionPolicy struct {
	// IdleTimeout ends a session that has not been used for this long.
	IdleTimeout time.Duration
	// MaxLifetime ends a session this long after login, however busy.
	MaxLifetime time.Duration
}

// DefaultSessionPolicy is 30 minutes idle, 12 hours absolute.
var DefaultSessionPolicy = SessionPolicy{IdleTimeout: 30 * time.Minute, MaxLifetime: 12 * time.Hour}

// Session is a browser login. Only the hash of its token is stored.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	EndedAt    *time.Time
}

// ActiveAt reports whether the session may still be used at now. A session
// used exactly at its idle limit is already over.
func (s Session) ActiveAt(now time.Time, p SessionPolicy) bool {
	if s.EndedAt != nil {
		return false
	}
	if !now.Before(s.ExpiresAt) {
		return false
	}
	return now.Sub(s.LastSeenAt) < p.IdleTimeout
}

// LoginLimit blocks a key (an account at one client address, or a client
// address) after MaxFailures failed logins within Window, for Block.
type LoginLimit struct {
	MaxFailures int
	Window      time.Duration
	Block       time.Duration
}

// LoginThrottle limits failed logins so that guessing is slow and yet nobody
// can shut a user out: per (account, client address) and per client address
// across accounts, failures block; per account across addresses they only
// slow each further attempt, so the real user's correct password from their
// own address still works while someone else guesses.
type LoginThrottle struct {
	// PerAccountAddress counts failures for one submitted e-mail address
	// from one client address.
	PerAccountAddress LoginLimit
	// PerAddress counts failures from one client address, whatever account.
	PerAddress LoginLimit
	// AccountCeiling failures of one account within AccountWindow, from any
	// addresses, make every further attempt on it wait AccountDelay, doubling
	// with each further failure up to AccountMaxDelay.
	AccountCeiling  int
	AccountWindow   time.Duration
	AccountDelay    time.Duration
	AccountMaxDelay time.Duration
}

// DefaultLoginThrottle: five failures for an account from one address, or
// twenty from one address, within 15 minutes block for 15 minutes; past ten
// failures of an account from anywhere, each attempt waits 0.5 s, doubling up
// to 8 s.
var DefaultLoginThrottle = LoginThrottle{
	PerAccountAddress: LoginLimit{MaxFailures: 5, Window: 15 * time.Minute, Block: 15 * time.Minute},
	PerAddress:        LoginLimit{MaxFailures: 20, Window: 15 * time.Minute, Block: 15 * time.Minute},
	AccountCeiling:    10,
	AccountWindow:     15 * time.Minute,
	AccountDelay:      500 * time.Millisecond,
	AccountMaxDelay:   8 * time.Second,
}

// LoginFailures is the throttle's state for one key.
type LoginFailures struct {
	Failures        int
	WindowStartedAt time.Time
	BlockedUntil    *time.Time
}

// BlockedFor returns how long the key is still blocked at now, or 0.
func (t LoginLimit) BlockedFor(f LoginFailures, now time.Time) time.Duration {
	if f.BlockedUntil != nil && now.Before(*f.BlockedUntil) {
		return f.BlockedUntil.Sub(now)
	}
	return 0
}

// Fail returns the state after one more failure at now.
func (t LoginLimit) Fail(f LoginFailures, now time.Time) LoginFailures {
	if f.WindowStartedAt.IsZero() || now.Sub(f.WindowStartedAt) >= t.Window {
		f = LoginFailures{WindowStartedAt: now}
	}
	f.Failures++
	f.BlockedUntil = nil
	if t.MaxFailures > 0 && f.Failures >= t.MaxFailures {
		until := now.Add(t.Block)
		f.BlockedUntil = &until
	}
	return f
}

// AccountFail returns an account's state after one more failure at now; it
// never blocks.
func (t LoginThrottle) AccountFail(f LoginFailures, now time.Time) LoginFailures {
	return LoginLimit{Window: t.AccountWindow}.Fail(f, now)
}

// AccountDelayFor is how long an attempt on an account with state f waits
// before its password is checked: 0 up to the ceiling, then AccountDelay
// doubling with each failure past it, at most AccountMaxDelay.
func (t LoginThrottle) AccountDelayFor(f LoginFailures, now time.Time) time.Duration {
	if f.WindowStartedAt.IsZero() || now.Sub(f.WindowStartedAt) >= t.AccountWindow || t.AccountCeiling <= 0 {
		return 0
	}
	over := f.Failures - t.AccountCeiling
	if over < 0 {
		return 0
	}
	d := t.AccountDelay
	for i := 0; i < over && d < t.AccountMaxDelay; i++ {
		d *= 2
	}
	return min(d, t.AccountMaxDelay)
}

// LoginAttempt is one sign-in.
type LoginAttempt struct {
	Email    string
	Password string
	// ClientAddr is the client's IP address as the server trusts it (the
	// peer, or what a trusted proxy forwarded).
	ClientAddr string
	// PreviousSession is the session token the client presented, if any: a
	// sign-in ends it, whatever the outcome.
	PreviousSession string
}

// Throttled is the error for a blocked login; it says nothing about whether
// the account exists.
func Throttled(wait time.Duration) *Error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &Error{Code: ETHROTTLED, Message: "too many failed logins for this address; try again later", RetryAfterSeconds: secs}
}

// ErrBusy answers a sign-in or password change when every password-hashing
// slot stayed taken: the server is not down, only saturated.
func ErrBusy() *Error {
	return &Error{Code: EBUSY, Message: "too many sign-ins are being checked at once; try again in a moment", RetryAfterSeconds: 1}
}

// ErrBadCredentials is the one answer to a wrong address or password.
func ErrBadCredentials() *Error {
	return Errorf(EUNAUTHENTICATED, "the e-mail address or password is wrong")
}

// APIToken is a personal token for scripts. Only its hash is stored; the
// secret is shown once, when it is created.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	ReadOnly   bool       `json:"read_only"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// NewAPIToken is a request for a token. Only a person signed in with a
// session who types their password again may make one: a token never makes
// tokens, so none outlives the credential that made it.
type NewAPIToken struct {
	Name     string
	Password string
	ReadOnly bool
	// ExpiresInDays defaults to 90 and is at most 365.
	ExpiresInDays int
}

// Validate checks the request and fills in the default lifetime.
func (t *NewAPIToken) Validate() error {
	var p Problems
	t.Name = strings.TrimSpace(t.Name)
	validName(&p, "name", t.Name, 100)
	if t.Password == "" {
		p.Add("password", "is required: type your password again to make a token")
	}
	if t.ExpiresInDays == 0 {
		t.ExpiresInDays = 90
	}
	if t.ExpiresInDays < 1 || t.ExpiresInDays > 365 {
		p.Add("expires_in_days", "must be between 1 and 365")
	}
	return p.Err()
}

// AuthService signs people in and out and resolves credentials to actors.
type AuthService interface {
	// Login checks an address and password and opens a session; it returns the
	// session token, which only the client keeps. It ends the session the
	// attempt presented, whatever the outcome.
	Login(ctx context.Context, a LoginAttempt) (token string, s *Session, err error)
	// ChangePassword changes the signed-in user's own password after checking
	// the current one, and ends their other sessions.
	ChangePassword(ctx context.Context, current, next string) error
	// Logout ends the session with the given token.
	Logout(ctx context.Context, token string) error
	// SessionActor resolves a session token, refreshing its idle timer.
	SessionActor(ctx context.Context, token string) (Actor, error)
	// SessionMe is SessionActor that also returns the account and its
	// memberships (what GET /me shows), read in the same round trip.
	SessionMe(ctx context.Context, token string) (Actor, *User, []Membership, error)
	// TokenActor resolves an API token.
	TokenActor(ctx context.Context, token string) (Actor, error)

	// CreateToken needs a session actor (never a token) and the password.
	CreateToken(ctx context.Context, t NewAPIToken) (secret string, tok *APIToken, err error)
	ListTokens(ctx context.Context) ([]*APIToken, error)
	RevokeToken(ctx context.Context, id int64) error
}
