// Package oidc is the adapter to the organisation's OpenID Connect provider:
// the authorization code flow with PKCE (coreos/go-oidc and x/oauth2), the
// checks on the ID token, and the mapping of a claim (such as groups) to
// team roles. It keeps no state: a sign-in under way is kept in PostgreSQL
// (internal/postgres), so that any replica can finish it, and only once.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/custos-dd/custos/internal/custos"
)

// Grant is one team role that a value of the role claim gives.
type Grant struct {
	TeamID int64       `json:"team_id"`
	Role   custos.Role `json:"role"`
}

// Config is how Custos knows its provider.
type Config struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer   string
	ClientID string
	// ClientSecret is never logged.
	ClientSecret string
	// RedirectURL is Custos's callback as the provider knows it, e.g.
	// https://custos.example.com/api/v1/oidc/callback.
	RedirectURL string
	// DisplayName is shown on the sign-in button: "Sign in with <DisplayName>".
	DisplayName string
	// CreateUsers lets a person with no account get one at first sign-in.
	CreateUsers bool
	// RoleClaim is the ID token claim whose values RoleMap maps; "" for none.
	RoleClaim string
	// RoleMap maps a value of RoleClaim to the team roles it gives.
	RoleMap map[string][]Grant
	// LoginTTL is how long a sign-in may stay at the provider.
	LoginTTL time.Duration
}

// ParseRoleMap reads "group=team:role,group=team:role" (a group may appear
// more than once to give several roles).
func ParseRoleMap(s string) (map[string][]Grant, error) {
	out := map[string][]Grant{}
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		group, target, ok := strings.Cut(entry, "=")
		team, role, ok2 := strings.Cut(target, ":")
		group = strings.TrimSpace(group)
		if !ok || !ok2 || group == "" {
			return nil, fmt.Errorf("%q is not group=team:role, e.g. custody-officers=1:officer", entry)
		}
		id, err := strconv.ParseInt(strings.TrimSpace(team), 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q: the team must be a team ID (a positive whole number)", entry)
		}
		r := custos.Role(strings.TrimSpace(role))
		if !r.Valid() {
			return nil, fmt.Errorf("%q: %q is not a role (officer, manager, auditor or admin)", entry, r)
		}
		out[group] = append(out[group], Grant{TeamID: id, Role: r})
	}
	return out, nil
}

// GrantsFor returns the team roles the claim's values give, each once, in a
// stable order.
func (c Config) GrantsFor(values []string) []Grant {
	seen := map[Grant]bool{}
	var out []Grant
	for _, v := range values {
		for _, g := range c.RoleMap[v] {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].TeamID != out[j].TeamID {
			return out[i].TeamID < out[j].TeamID
		}
		return out[i].Role < out[j].Role
	})
	return out
}

// Identity is what a verified ID token says of the person.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// ClaimValues are the values of the configured role claim.
	ClaimValues []string
}

// PendingLogin is a sign-in that has gone to the provider. The state and
// the browser binding are kept only as hashes.
type PendingLogin struct {
	StateHash    []byte
	BrowserHash  []byte
	Nonce        string
	CodeVerifier string
	ReturnTo     string
	ExpiresAt    time.Time
}

// Refusal is why a verified sign-in is turned away. Its Reason is also the
// code the sign-in page is sent back with.
type Refusal struct{ Reason string }

func (r *Refusal) Error() string { return "single sign-on refused: " + r.Reason }

// The reasons a sign-in is refused.
const (
	ReasonState           = "state"            // unknown, used or expired state, or another browser's
	ReasonProvider        = "provider"         // the provider answered with an error or could not be reached
	ReasonToken           = "token"            // the ID token failed a check (signature, issuer, audience, expiry, nonce)
	ReasonEmailUnverified = "email_unverified" // the provider does not vouch for the e-mail address
	ReasonNoAccount       = "no_account"       // no account, and accounts are not created at sign-in
	ReasonNoRole          = "no_role"          // a new account would have no role in any team
	ReasonDisabled        = "disabled"         // the account is disabled
)

// Refused returns the refusal for reason.
func Refused(reason string) error { return &Refusal{Reason: reason} }

// Client talks to the provider. It discovers the provider on first use and
// keeps the answer; a failed discovery is tried again on the next sign-in,
// so Custos starts while its provider is down.
type Client struct {
	cfg  Config
	now  func() time.Time
	http *http.Client

	mu       sync.Mutex
	provider *gooidc.Provider
}

// NewClient returns a client for cfg that checks token times against now.
func NewClient(cfg Config, now func() time.Time) *Client {
	if cfg.LoginTTL <= 0 {
		cfg.LoginTTL = 10 * time.Minute
	}
	return &Client{cfg: cfg, now: now, http: &http.Client{Timeout: 10 * time.Second}}
}

// Config returns the client's configuration.
func (c *Client) Config() Config { return c.cfg }

func (c *Client) discover(ctx context.Context) (*gooidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, c.http), c.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth2(p *gooidc.Provider) *oauth2.Config {
	scopes := []string{gooidc.ScopeOpenID, "email", "profile"}
	if c.cfg.RoleClaim != "" {
		// Providers that release groups only on request (mockoidc among them)
		// name the scope after the claim; the others ignore an unknown scope.
		scopes = append(scopes, c.cfg.RoleClaim)
	}
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: scopes}
}

// AuthCodeURL is where the browser goes to sign in: the state, the nonce,
// and the PKCE challenge (S256) of verifier.
func (c *Client) AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", fmt.Errorf("%w: %v", Refused(ReasonProvider), err)
	}
	return c.oauth2(p).AuthCodeURL(state, gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Exchange trades the code for tokens with the PKCE verifier, verifies the
// ID token (signature, issuer, audience, expiry against the injected clock)
// and its nonce, and returns who it names.
func (c *Client) Exchange(ctx context.Context, code, verifier, nonce string) (*Identity, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", Refused(ReasonProvider), err)
	}
	tok, err := c.oauth2(p).Exchange(gooidc.ClientContext(ctx, c.http), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", Refused(ReasonProvider), err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("%w: the provider sent no ID token", Refused(ReasonToken))
	}
	idt, err := p.VerifierContext(gooidc.ClientContext(ctx, c.http), &gooidc.Config{ClientID: c.cfg.ClientID, Now: c.now}).Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", Refused(ReasonToken), err)
	}
	if idt.Nonce == "" || idt.Nonce != nonce {
		return nil, fmt.Errorf("%w: the nonce does not match this sign-in", Refused(ReasonToken))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: %v", Refused(ReasonToken), err)
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject}
	id.Email, _ = claims["email"].(string)
	id.Name, _ = claims["name"].(string)
	switch v := claims["email_verified"].(type) {
	case bool:
		id.EmailVerified = v
	case string: // some providers send "true"
		id.EmailVerified = v == "true"
	}
	if c.cfg.RoleClaim != "" {
		switch v := claims[c.cfg.RoleClaim].(type) {
		case string:
			id.ClaimValues = []string{v}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					id.ClaimValues = append(id.ClaimValues, s)
				}
			}
		}
	}
	return id, nil
}

// ReasonOf returns the refusal reason in err, or "" when err is not a refusal.
func ReasonOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

// SignIn is a verified identity to sign in, with what the configuration
// makes of it.
type SignIn struct {
	Identity    Identity
	Grants      []Grant
	CreateUsers bool
	ClientAddr  string
	// PreviousSession is the session token the browser presented, ended by
	// the sign-in as a password sign-in ends it.
	PreviousSession string
}
