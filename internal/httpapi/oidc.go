package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/oidc"
	"github.com/custos-dd/custos/internal/secret"
)

// Single sign-on with OpenID Connect: the authorization code flow with PKCE.
// The sign-in under way is kept in the database (SSOStore), so the callback
// may land on any replica and its state is good for one use on all of them.

// SSOStore keeps sign-ins under way and signs verified identities in.
type SSOStore interface {
	BeginLogin(ctx context.Context, p oidc.PendingLogin, ttl time.Duration) error
	TakeLogin(ctx context.Context, stateHash, browserHash []byte) (*oidc.PendingLogin, error)
	RecordRefusal(ctx context.Context, email, reason, clientAddr string) error
	SignIn(ctx context.Context, in oidc.SignIn) (string, *custos.Session, error)
	// IsOrgAdmin reports whether the enabled account with this address is an
	// organisation admin.
	IsOrgAdmin(ctx context.Context, email string) (bool, error)
}

// SSOConfig turns single sign-on on, and password sign-in off.
type SSOConfig struct {
	// Client is the provider; nil when single sign-on is off.
	Client *oidc.Client
	Store  SSOStore
	// PasswordsOff refuses password sign-in to everyone but BreakGlassAdmin,
	// who must be an organisation admin.
	PasswordsOff    bool
	BreakGlassAdmin string
}

type ssoOption struct {
	// Name is shown as "Sign in with <name>".
	Name     string `json:"name"`
	LoginURL string `json:"login_url"`
}

type sessionOptions struct {
	// LocalPasswords is false when only the break-glass admin may use a password.
	LocalPasswords bool       `json:"local_passwords"`
	SSO            *ssoOption `json:"sso"`
}

const oidcLoginPath = "/api/v1/oidc/login"

func (s *Server) sessionOptions(c *gin.Context) {
	res := sessionOptions{LocalPasswords: !s.cfg.SSO.PasswordsOff}
	if cl := s.cfg.SSO.Client; cl != nil {
		res.SSO = &ssoOption{Name: cl.Config().DisplayName, LoginURL: oidcLoginPath}
	}
	c.JSON(http.StatusOK, res)
}

// oidcBrowserCookie binds a sign-in to the browser that started it: a state
// stolen on its way back cannot be finished in another browser. SameSite=Lax,
// since the provider sends the browser back with a cross-site navigation.
func (s *Server) oidcBrowserCookie() string {
	if s.cfg.SecureCookies {
		return "__Host-custos_oidc"
	}
	return "custos_oidc"
}

func (s *Server) oidcLogin(c *gin.Context) {
	cl := s.cfg.SSO.Client
	if cl == nil {
		writeProblem(c, http.StatusNotFound, "single sign-on is not configured", nil)
		return
	}
	state, nonce, browser := secret.NewToken(""), secret.NewToken(""), secret.NewToken("")
	verifier := oauth2.GenerateVerifier()
	dest, err := cl.AuthCodeURL(c.Request.Context(), state, nonce, verifier)
	if err != nil {
		s.log.Warn("single sign-on: the provider cannot be reached", "issuer", cl.Config().Issuer, "error", err.Error())
		s.ssoRefused(c, "", oidc.ReasonProvider)
		return
	}
	ttl := cl.Config().LoginTTL
	p := oidc.PendingLogin{StateHash: secret.HashToken(state), BrowserHash: secret.HashToken(browser),
		Nonce: nonce, CodeVerifier: verifier, ReturnTo: safeReturnTo(c.Query("return_to"))}
	if err := s.cfg.SSO.Store.BeginLogin(c.Request.Context(), p, ttl); err != nil {
		s.writeError(c, err)
		return
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(s.oidcBrowserCookie(), browser, int(ttl.Seconds()), "/", "", s.cfg.SecureCookies, true)
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, dest)
}

func (s *Server) oidcCallback(c *gin.Context) {
	cl := s.cfg.SSO.Client
	if cl == nil {
		writeProblem(c, http.StatusNotFound, "single sign-on is not configured", nil)
		return
	}
	ctx := c.Request.Context()
	browser, _ := c.Cookie(s.oidcBrowserCookie())
	state := c.Query("state")
	if state == "" || browser == "" {
		s.ssoRefused(c, "", oidc.ReasonState)
		return
	}
	// Taken first, whatever the provider answered: a state is used once.
	pending, err := s.cfg.SSO.Store.TakeLogin(ctx, secret.HashToken(state), secret.HashToken(browser))
	if err != nil {
		s.ssoFailed(c, "", err)
		return
	}
	if e := c.Query("error"); e != "" {
		s.log.Info("single sign-on: the provider refused", "error", e, "description", c.Query("error_description"))
		s.ssoRefused(c, "", oidc.ReasonProvider)
		return
	}
	id, err := cl.Exchange(ctx, c.Query("code"), pending.CodeVerifier, pending.Nonce)
	if err != nil {
		s.log.Info("single sign-on: the ID token was refused", "error", err.Error())
		s.ssoFailed(c, "", err)
		return
	}
	in := oidc.SignIn{Identity: *id, Grants: cl.Config().GrantsFor(id.ClaimValues), CreateUsers: cl.Config().CreateUsers,
		ClientAddr: s.clientAddr(c.Request)}
	if cookie, err := c.Cookie(s.cookieName()); err == nil {
		in.PreviousSession = cookie
	}
	token, sess, err := s.cfg.SSO.Store.SignIn(ctx, in)
	if reason := oidc.ReasonOf(err); reason != "" {
		s.clearBrowserCookie(c)
		c.Redirect(http.StatusSeeOther, "/login?sso_error="+url.QueryEscape(reason))
		return
	} else if err != nil {
		s.writeError(c, err)
		return
	}
	s.clearBrowserCookie(c)
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(s.cookieName(), token, int(time.Until(sess.ExpiresAt).Seconds()), "/", "", s.cfg.SecureCookies, true)
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, pending.ReturnTo)
}

// ssoFailed answers an error before the sign-in reached the store: refusals
// are audited and sent back to the sign-in page, anything else is a problem.
func (s *Server) ssoFailed(c *gin.Context, email string, err error) {
	if reason := oidc.ReasonOf(err); reason != "" {
		s.ssoRefused(c, email, reason)
		return
	}
	s.writeError(c, err)
}

// ssoRefused audits a refused sign-in and sends the browser to the sign-in
// page with the reason, which the page explains.
func (s *Server) ssoRefused(c *gin.Context, email, reason string) {
	if err := s.cfg.SSO.Store.RecordRefusal(c.Request.Context(), email, reason, s.clientAddr(c.Request)); err != nil {
		s.writeError(c, err)
		return
	}
	s.clearBrowserCookie(c)
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, "/login?sso_error="+url.QueryEscape(reason))
}

func (s *Server) clearBrowserCookie(c *gin.Context) {
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(s.oidcBrowserCookie(), "", -1, "/", "", s.cfg.SecureCookies, true)
}

// safeReturnTo keeps the page to go back to inside Custos: a path on this
// origin, never another site (no scheme, no host, no //, no backslash).
func safeReturnTo(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") || strings.HasPrefix(p, "/login") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return p
}

// passwordRefused says why a password sign-in is refused outright: local
// passwords are off and this is not the break-glass organisation admin.
func (s *Server) passwordRefused(ctx context.Context, email string) error {
	if !s.cfg.SSO.PasswordsOff {
		return nil
	}
	off := custos.Errorf(custos.EFORBIDDEN, "password sign-in is turned off: sign in with single sign-on")
	email = custos.NormalizeEmail(email)
	if email == "" || s.cfg.SSO.BreakGlassAdmin == "" || email != custos.NormalizeEmail(s.cfg.SSO.BreakGlassAdmin) {
		return off
	}
	admin, err := s.cfg.SSO.Store.IsOrgAdmin(ctx, email)
	if err == nil && !admin {
		return off
	}
	return err
}
