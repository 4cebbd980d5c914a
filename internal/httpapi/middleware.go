package httpapi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/secret"
)

const (
	ctxRequestID       = "request_id"
	ctxClientRequestID = "client_request_id"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// newRequestID makes the server's own request ID: 96 random bits, so no two
// requests share one whatever clients send.
func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID puts the server's request ID (made in ServeHTTP) in the answer,
// the log and the audit trail. A client's own X-Request-ID, when sane, is
// kept beside it for the log, never used as the ID.
func (s *Server) requestID(c *gin.Context) {
	id := custos.RequestIDFrom(c.Request.Context())
	if id == "" {
		id = newRequestID()
		c.Request = c.Request.WithContext(custos.WithRequestID(c.Request.Context(), id))
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	if client := c.GetHeader("X-Request-ID"); requestIDPattern.MatchString(client) {
		c.Set(ctxClientRequestID, client)
		c.Request = c.Request.WithContext(custos.WithClientRequestID(c.Request.Context(), client))
	}
	c.Next()
}

func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(c.Request.Context(), "panic", "request_id", c.GetString(ctxRequestID), "panic", v)
			writeProblem(c, http.StatusInternalServerError, "internal error; quote the request ID when you report it", nil)
		}
	}()
	c.Next()
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "custos_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "custos_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// metricMethods are the only method label values; anything else a client
// sends is "other", so made-up methods cannot add series.
var metricMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
	http.MethodConnect: true, http.MethodTrace: true,
}

func methodLabel(m string) string {
	if metricMethods[m] {
		return m
	}
	return "other"
}

// routeLabel is the route template gin matched ("/api/v1/evaluations/:id"),
// never the path a client sent, or "unmatched".
func routeLabel(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// observe records metrics and one structured log line per request. It logs
// no headers, bodies or query strings, so no password or token can leak.
// Every label value comes from a fixed set: the route table, the known
// methods and the status codes the server writes.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route, method := routeLabel(c), methodLabel(c.Request.Method)
	status := c.Writer.Status()
	if timedOut(c.Request.Context()) {
		status = http.StatusServiceUnavailable // what the client was sent
	}
	d := time.Since(start)
	s.metrics.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(route, method).Observe(d.Seconds())
	level := slogLevel(status)
	attrs := []any{"request_id", c.GetString(ctxRequestID), "method", method, "route", route,
		"status", status, "duration_ms", float64(d.Microseconds()) / 1000, "user_id", custos.ActorFrom(c.Request.Context()).UserID}
	if client := c.GetString(ctxClientRequestID); client != "" {
		attrs = append(attrs, "client_request_id", client)
	}
	s.log.Log(c.Request.Context(), level, "request", attrs...)
}

// contentSecurityPolicy allows the app's own scripts and styles and nothing else.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(tls bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			// API answers carry account data: never cache them.
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// cookieName is the session cookie; over HTTPS the __Host- prefix pins it to
// this host, path / and Secure.
func (s *Server) cookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-custos_session"
	}
	return "custos_session"
}

// CSRFHeader carries the CSRF token on unsafe cookie-authenticated requests.
const CSRFHeader = "X-CSRF-Token"

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authenticate resolves the request's credentials: a bearer API token, else
// the session cookie. fromCookie tells which, for the CSRF check.
func (s *Server) authenticate(c *gin.Context) (a custos.Actor, fromCookie bool, err error) {
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return a, false, custos.Errorf(custos.EUNAUTHENTICATED, "use Authorization: Bearer <API token>")
		}
		a, err = s.Auth.TokenActor(c.Request.Context(), strings.TrimSpace(token))
		return a, false, err
	}
	cookie, err := c.Cookie(s.cookieName())
	if err != nil || cookie == "" {
		return a, false, custos.Errorf(custos.EUNAUTHENTICATED, "sign in first")
	}
	if r, ok := c.Get(ctxRoute); ok && r.(Route).loadsMe {
		// GET /me: the session, the account and its memberships in one statement.
		var u *custos.User
		var ms []custos.Membership
		a, u, ms, err = s.Auth.SessionMe(c.Request.Context(), cookie)
		if err == nil {
			c.Set(ctxMe, &meResponse{User: u, Memberships: ms})
		}
	} else {
		a, err = s.Auth.SessionActor(c.Request.Context(), cookie)
	}
	if err != nil {
		return a, true, err
	}
	if !safeMethod(c.Request.Method) {
		want := secret.CSRFToken(cookie)
		if subtle.ConstantTimeCompare([]byte(c.GetHeader(CSRFHeader)), []byte(want)) != 1 {
			return a, true, custos.Errorf(custos.EFORBIDDEN, "missing or wrong %s header; read csrf_token from GET /api/v1/me", CSRFHeader)
		}
	}
	return a, true, nil
}

// guard authenticates and authorizes a route before its handler runs:
// anonymous requests get 401, requests no policy allows 403.
func (s *Server) guard(r Route) gin.HandlerFunc {
	return func(c *gin.Context) {
		if r.Public {
			c.Next()
			return
		}
		c.Set(ctxRoute, r)
		if r.Respondent {
			s.guardRespondent(c)
			return
		}
		actor, _, err := s.authenticate(c)
		if err != nil {
			s.writeError(c, err)
			return
		}
		if actor.ReadOnly && !safeMethod(c.Request.Method) {
			writeProblem(c, http.StatusForbidden, "this API token is read-only", nil)
			return
		}
		c.Request = c.Request.WithContext(custos.WithActor(c.Request.Context(), actor))
		var domain string
		switch r.Team {
		case TeamInBody:
			c.Next() // the handler calls allowTeam after binding the body
			return
		case TeamOfEvaluation, TeamOfMemo:
			if g, ok := s.guardResource(c, actor.UserID, r); ok {
				c.Set(ctxGuarded, g)
				c.Next()
			}
			return
		default:
			var ok bool
			if domain, ok = r.domain(c); !ok {
				return
			}
		}
		if !s.allowed(c, actor.UserID, domain, r) {
			return
		}
		c.Next()
	}
}

const (
	ctxRoute = "route"
	// ctxMe holds GET /me's answer when authentication loaded it.
	ctxMe = "me"
)

// guardResource parses the :id of an evaluation or memo route, finds the
// team it belongs to and authorizes the request there. Someone who may not
// even read it is answered 404 exactly as for an ID that does not exist: a
// 403 would confirm that the ID is taken. Someone who may read it but not do
// this gets 403, which tells them nothing new.
func (s *Server) guardResource(c *gin.Context, userID int64, r Route) (guarded, bool) {
	id, ok := pathID(c, "id")
	if !ok {
		return guarded{}, false
	}
	kind, teamOf, readable := "evaluation", s.Evaluations.EvaluationTeam, custos.ObjEvaluation
	if r.Team == TeamOfMemo {
		kind, teamOf, readable = "memo", s.Memos.MemoTeam, custos.ObjMemo
	}
	team, err := teamOf(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return guarded{}, false
	}
	domain := custos.TeamDomain(team)
	if ok, err := s.Authz.Allowed(c.Request.Context(), userID, domain, readable, custos.ActRead); err != nil {
		s.writeError(c, custos.Internal(err))
		return guarded{}, false
	} else if !ok {
		s.writeError(c, custos.Errorf(custos.ENOTFOUND, "%s not found", kind))
		return guarded{}, false
	}
	if !s.allowed(c, userID, domain, r) {
		return guarded{}, false
	}
	return guarded{ID: id, TeamID: team}, true
}

// allowed enforces the route's permission in domain, answering 403 when the
// policy does not allow it.
func (s *Server) allowed(c *gin.Context, userID int64, domain string, r Route) bool {
	ok, err := s.Authz.Allowed(c.Request.Context(), userID, domain, r.Object, r.Action)
	if err != nil {
		s.writeError(c, custos.Internal(err))
		return false
	}
	if !ok {
		writeProblem(c, http.StatusForbidden, "your roles do not allow this", nil)
		return false
	}
	return true
}

// allowTeam authorizes a TeamInBody route once its handler knows the team.
func (s *Server) allowTeam(c *gin.Context, teamID int64) bool {
	r := c.MustGet(ctxRoute).(Route)
	return s.allowed(c, custos.ActorFrom(c.Request.Context()).UserID, custos.TeamDomain(teamID), r)
}

func slogLevel(status int) slog.Level {
	if status == http.StatusServiceUnavailable {
		return slog.LevelWarn // the database is away; the cause is logged where it was seen
	}
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
