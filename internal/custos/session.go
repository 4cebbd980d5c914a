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

// LoginThrottle limits failed logins per submitted address.
type LoginThrottle struct {
	// MaxFailures within Window blocks the address for Block.
	MaxFailures int
	Window      time.Duration
	Block       time.Duration
}

// DefaultLoginThrottle: five failures within 15 minutes block for 15 minutes.
var DefaultLoginThrottle = LoginThrottle{MaxFailures: 5, Window: 15 * time.Minute, Block: 15 * time.Minute}

// LoginFailures is the throttle's state for one address.
type LoginFailures struct {
	Failures        int
	WindowStartedAt time.Time
	BlockedUntil    *time.Time
}

// BlockedFor returns how long the address is still blocked at now, or 0.
func (t LoginThrottle) BlockedFor(f LoginFailures, now time.Time) time.Duration {
	if f.BlockedUntil != nil && now.Before(*f.BlockedUntil) {
		return f.BlockedUntil.Sub(now)
	}
	return 0
}

// Fail returns the state after one more failure at now.
func (t LoginThrottle) Fail(f LoginFailures, now time.Time) LoginFailures {
	if f.WindowStartedAt.IsZero() || now.Sub(f.WindowStartedAt) >= t.Window {
		f = LoginFailures{WindowStartedAt: now}
	}
	f.Failures++
	f.BlockedUntil = nil
	if f.Failures >= t.MaxFailures {
		until := now.Add(t.Block)
		f.BlockedUntil = &until
	}
	return f
}

// Throttled is the error for a blocked login; it says nothing about whether
// the account exists.
func Throttled(wait time.Duration) *Error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &Error{Code: ETHROTTLED, Message: "too many failed logins for this address; try again later", RetryAfterSeconds: secs}
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

// NewAPIToken is a request for a token.
type NewAPIToken struct {
	Name     string
	ReadOnly bool
	// ExpiresInDays defaults to 90 and is at most 365.
	ExpiresInDays int
}

// Validate checks the request and fills in the default lifetime.
func (t *NewAPIToken) Validate() error {
	var p Problems
	t.Name = strings.TrimSpace(t.Name)
	validName(&p, "name", t.Name, 100)
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
	// session token, which only the client keeps.
	Login(ctx context.Context, email, password string) (token string, s *Session, err error)
	// Logout ends the session with the given token.
	Logout(ctx context.Context, token string) error
	// SessionActor resolves a session token, refreshing its idle timer.
	SessionActor(ctx context.Context, token string) (Actor, error)
	// TokenActor resolves an API token.
	TokenActor(ctx context.Context, token string) (Actor, error)

	CreateToken(ctx context.Context, t NewAPIToken) (secret string, tok *APIToken, err error)
	ListTokens(ctx context.Context) ([]*APIToken, error)
	RevokeToken(ctx context.Context, id int64) error
}
