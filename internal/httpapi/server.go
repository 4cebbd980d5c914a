// Package httpapi is the HTTP adapter: the gin engine, its one route table,
// middleware, and handlers that bind a request, call the domain and render.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/custos-dd/custos/internal/custos"
)

// Authorizer answers the policy and can be told that memberships changed.
type Authorizer interface {
	custos.Authorizer
	Reload(ctx context.Context) error
}

// EvaluationService is the workflow plus reading one answer back, which a
// stale write's 412 shows.
type EvaluationService interface {
	custos.EvaluationService
	Answer(ctx context.Context, id, custodianID, itemID int64) (*custos.Answer, error)
	// Changes is what changed in a re-diligence since the evaluation it follows.
	Changes(ctx context.Context, id int64) (*custos.Changes, error)
}

// Services are the domain services the handlers call.
type Services struct {
	Auth        custos.AuthService
	Users       custos.UserService
	Teams       custos.TeamService
	Custodians  custos.CustodianService
	Templates   custos.TemplateService
	Audit       custos.AuditService
	Evaluations EvaluationService
	Memos       custos.MemoService
	Authz       Authorizer
	// Ready reports whether the database answers.
	Ready func(ctx context.Context) error

	// Relationships are the custody relationships (relationships.go).
	Relationships custos.RelationshipService
	// Exports are the audited downloads of evaluations and the catalogue (exports.go).
	Exports custos.ExportService
	// Assurance keeps the teams' assurance documents (assurance.go).
	Assurance custos.AssuranceService
	// Notifications are the signed-in user's notifications (notifications.go).
	Notifications custos.NotificationService

	// Invitations are respondent invitations and their questionnaire
	// (respondent.go); the service queues each new link for e-mail when the
	// server sends e-mail.
	Invitations custos.InvitationService
}

// Config tunes the adapter.
type Config struct {
	// MaxBodyBytes bounds JSON request bodies.
	MaxBodyBytes int64
	// SecureCookies is set when clients reach Custos over HTTPS (directly or
	// through a proxy): cookies get Secure and the __Host- prefix.
	SecureCookies bool
	// Frontend is the built web app, served at /.
	Frontend fs.FS
	// Metrics is where request metrics are registered; nil for a private
	// registry. They are served by MetricsHandler, on a listener of their own.
	Metrics *prometheus.Registry
	// TrustedProxies are the peers whose X-Forwarded-For names the client
	// address that sign-ins are throttled by; none by default.
	TrustedProxies []netip.Prefix
	// RequestTimeout is every request's deadline; zero means 15 s.
	RequestTimeout time.Duration
	// SSO is single sign-on with OpenID Connect (off when its Client is nil)
	// and whether password sign-in is turned off.
	SSO SSOConfig
	// RespondentRequestsPerMinute and RespondentBadLinksPerMinute bound each
	// client address on the respondent routes; zero means 120 and 10.
	RespondentRequestsPerMinute, RespondentBadLinksPerMinute int
	// Now is the clock of the respondent limiter; nil means time.Now.
	Now func() time.Time
}

// Server holds the engine and what the handlers need.
type Server struct {
	Services
	cfg     Config
	log     *slog.Logger
	engine  *gin.Engine
	routes  []Route
	metrics *metrics
	// respondents bounds the respondent routes by client address.
	respondents *respondentLimiter
}

// New builds the engine with every route.
func New(svc Services, cfg Config, log *slog.Logger) *Server {
	gin.SetMode(gin.ReleaseMode)
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 15 * time.Second
	}
	if cfg.Metrics == nil {
		cfg.Metrics = prometheus.NewRegistry()
	}
	if cfg.RespondentRequestsPerMinute <= 0 {
		cfg.RespondentRequestsPerMinute = 120
	}
	if cfg.RespondentBadLinksPerMinute <= 0 {
		cfg.RespondentBadLinksPerMinute = 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{Services: svc, cfg: cfg, log: log, metrics: newMetrics(cfg.Metrics),
		respondents: newRespondentLimiter(cfg.RespondentRequestsPerMinute, cfg.RespondentBadLinksPerMinute, cfg.Now)}
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.Use(s.requestID, s.recoverPanics, s.observe, securityHeaders(cfg.SecureCookies))
	e.NoRoute(s.noRoute)
	e.NoMethod(func(c *gin.Context) {
		writeProblem(c, http.StatusMethodNotAllowed, "this method is not allowed here", nil)
	})
	s.engine = e
	s.routes = s.routeTable()
	for _, r := range s.routes {
		e.Handle(r.Method, r.Path, s.guard(r), r.handle)
	}
	return s
}

// MetricsHandler serves the Prometheus metrics. It is not on the API's
// listener: cmd/custos serves it on CUSTOS_METRICS_ADDR.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.cfg.Metrics, promhttp.HandlerOpts{})
}

// Routes returns the route table, for tests and documentation.
func (s *Server) Routes() []Route { return s.routes }

// RegisteredRoutes lists what the gin engine actually registered.
func (s *Server) RegisteredRoutes() gin.RoutesInfo { return s.engine.Routes() }
