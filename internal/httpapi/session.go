package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

// sessions.

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type meResponse struct {
	User        *custos.User        `json:"user"`
	Memberships []custos.Membership `json:"memberships"`
	// CSRFToken goes in the X-CSRF-Token header of unsafe requests made
	// with the session cookie.
	CSRFToken string     `json:"csrf_token,omitempty"`
	ExpiresAt *time.Time `json:"session_expires_at,omitempty"`
}

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if err := s.passwordRefused(c.Request.Context(), req.Email); err != nil {
		s.writeError(c, err)
		return
	}
	attempt := custos.LoginAttempt{Email: req.Email, Password: req.Password, ClientAddr: s.clientAddr(c.Request)}
	if cookie, err := c.Cookie(s.cookieName()); err == nil {
		attempt.PreviousSession = cookie
	}
	token, sess, err := s.Auth.Login(c.Request.Context(), attempt)
	if err != nil {
		if code := custos.ErrorCode(err); attempt.PreviousSession != "" && (code == custos.EUNAUTHENTICATED || code == custos.ETHROTTLED) {
			// A decided attempt ended the presented session: say so to the browser.
			c.SetSameSite(http.SameSiteStrictMode)
			c.SetCookie(s.cookieName(), "", -1, "/", "", s.cfg.SecureCookies, true)
		}
		s.writeError(c, err)
		return
	}
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(s.cookieName(), token, int(time.Until(sess.ExpiresAt).Seconds()), "/", "", s.cfg.SecureCookies, true)
	res, err := s.meFor(c.Request.Context(), sess.UserID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	res.CSRFToken = secret.CSRFToken(token)
	res.ExpiresAt = &sess.ExpiresAt
	c.JSON(http.StatusCreated, res)
}

func (s *Server) meFor(ctx context.Context, userID int64) (*meResponse, error) {
	u, err := s.Users.FindUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	ms, err := s.Teams.UserMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []custos.Membership{}
	}
	return &meResponse{User: u, Memberships: ms}, nil
}

func (s *Server) logout(c *gin.Context) {
	if cookie, err := c.Cookie(s.cookieName()); err == nil && cookie != "" {
		if err := s.Auth.Logout(c.Request.Context(), cookie); err != nil {
			s.writeError(c, err)
			return
		}
	}
	c.SetSameSite(http.SameSiteStrictMode)
	c.SetCookie(s.cookieName(), "", -1, "/", "", s.cfg.SecureCookies, true)
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) {
	v, _ := c.Get(ctxMe)
	res, _ := v.(*meResponse)
	if res == nil { // an API token: authentication loaded only the actor
		var err error
		if res, err = s.meFor(c.Request.Context(), custos.ActorFrom(c.Request.Context()).UserID); err != nil {
			s.writeError(c, err)
			return
		}
	}
	if cookie, err := c.Cookie(s.cookieName()); err == nil && custos.ActorFrom(c.Request.Context()).SessionID != 0 {
		res.CSRFToken = secret.CSRFToken(cookie)
	}
	c.JSON(http.StatusOK, res)
}

// clientAddr is the address sign-ins are throttled by: the peer, or, when the
// peer is a trusted proxy, the nearest address in X-Forwarded-For that is
// not one. Without trusted proxies the header is ignored: anyone could write it.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	// The proxies append: walk from the nearest hop back to the first one not
	// ours. A hop that is not an address ends the walk: what is before it
	// cannot be trusted.
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := parseHop(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = hop.Unmap()
		if !s.trustedProxy(addr) {
			break
		}
	}
	return addr.String()
}

// parseHop reads one X-Forwarded-For entry: an address, or an address with
// a port ("1.2.3.4:5678", "[2001:db8::1]:443"), which some proxies write.
func parseHop(h string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(h); err == nil {
		return a, nil
	}
	ap, err := netip.ParseAddrPort(h)
	return ap.Addr(), err
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
