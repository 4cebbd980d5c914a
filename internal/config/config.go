// Package config reads Custos's settings from environment variables and
// reports every problem at once.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/custos-dd/custos/internal/oidc"
)

// Config is the server's configuration.
type Config struct {
	DatabaseURL     string
	Addr            string
	TLSCert         string
	TLSKey          string
	SecureCookies   bool
	LogLevel        slog.Level
	LogFormat       string
	DBMaxConns      int
	MaxBodyBytes    int64
	SessionIdle     time.Duration
	SessionMax      time.Duration
	ShutdownTimeout time.Duration
	SigningCert     string
	SigningKey      string
	SigningGenerate bool
	// CheckpointEvery is how often the audit head is signed when it moved.
	CheckpointEvery time.Duration
	// TSAURL is the RFC 3161 time-stamping authority; empty: no timestamps.
	TSAURL string
	// PKCS#11: when PKCS11Module is set, the signing key is the key pair
	// labelled PKCS11KeyLabel in that token, and SigningKey is not used.
	PKCS11Module   string
	PKCS11Token    string
	PKCS11KeyLabel string
	PKCS11PIN      string // from CUSTOS_PKCS11_PIN_FILE or CUSTOS_PKCS11_PIN; never logged
	// TrustedProxies are the peers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// MetricsAddr is where /metrics is served, apart from the API; "" when off.
	MetricsAddr string
	// RequestTimeout bounds every request; past it the client gets 503.
	RequestTimeout time.Duration
	// DBStatementTimeout is PostgreSQL's statement_timeout on every connection.
	DBStatementTimeout time.Duration
	// DBConnectTimeout bounds opening one database connection.
	DBConnectTimeout time.Duration
	// OIDC is single sign-on with an OpenID Connect provider; off when
	// OIDC.Issuer is "".
	OIDC OIDC
	// LocalPasswords false refuses password sign-in to everyone but
	// BreakGlassAdmin (an organisation admin).
	LocalPasswords  bool
	BreakGlassAdmin string
	// SOCStaleMonths, BridgeMonths and ExpiringDays are the assurance
	// documents' freshness rules (custos.FreshnessPolicy).
	SOCStaleMonths, BridgeMonths, ExpiringDays int
	// SMTPURL turns e-mail notifications on (internal/notify parses it);
	// it may hold a password: never logged.
	SMTPURL string
	// PublicURL is the web app's address as users reach it, for links in e-mail.
	PublicURL string
	// NotifyEvery is how often the notification worker scans and sends.
	NotifyEvery time.Duration
	// RespondentMaxDocuments and RespondentMaxBytes bound what one
	// respondent invitation may upload (custos.UploadAllowance).
	RespondentMaxDocuments int
	RespondentMaxBytes     int64
}

// OIDC configures single sign-on.
type OIDC struct {
	Issuer, ClientID, RedirectURL, DisplayName string
	ClientSecret                               string // from CUSTOS_OIDC_CLIENT_SECRET_FILE or CUSTOS_OIDC_CLIENT_SECRET; never logged
	CreateUsers                                bool
	RoleClaim                                  string
	// RoleMap is CUSTOS_OIDC_ROLE_MAP: claim value to team roles.
	RoleMap map[string][]oidc.Grant
}

// Var documents one environment variable.
type Var struct {
	Name, Default, Help string
}

// Vars lists every variable `custos serve` reads, for --help and the README.
var Vars = []Var{
	{"DATABASE_URL", "", "PostgreSQL connection URL (required), e.g. postgres://custos:secret@localhost:5432/custos?sslmode=disable"},
	{"CUSTOS_ADDR", "127.0.0.1:8080", "host:port to listen on"},
	{"CUSTOS_TLS_CERT", "", "PEM certificate file; with CUSTOS_TLS_KEY, serve HTTPS"},
	{"CUSTOS_TLS_KEY", "", "PEM private key file for CUSTOS_TLS_CERT"},
	{"CUSTOS_SECURE_COOKIES", "true with TLS, else false", "mark cookies Secure and use the __Host- prefix (set true behind an HTTPS proxy)"},
	{"CUSTOS_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"CUSTOS_LOG_FORMAT", "json", "json or text"},
	{"CUSTOS_DB_MAX_CONNS", "20", "largest number of open database connections"},
	{"CUSTOS_MAX_BODY_BYTES", "1048576", "largest accepted JSON request body"},
	{"CUSTOS_SESSION_IDLE", "30m", "a session unused this long ends"},
	{"CUSTOS_SESSION_MAX", "12h", "a session ends this long after login"},
	{"CUSTOS_METRICS_ADDR", "127.0.0.1:9090", "host:port that serves Prometheus /metrics, apart from the API listener; off to disable"},
	{"CUSTOS_REQUEST_TIMEOUT", "15s", "a request not answered by then gets 503 with Retry-After"},
	{"CUSTOS_DB_STATEMENT_TIMEOUT", "10s", "PostgreSQL statement_timeout on every connection of the server"},
	{"CUSTOS_DB_CONNECT_TIMEOUT", "5s", "how long opening one database connection may take (whole seconds)"},
	{"CUSTOS_SHUTDOWN_TIMEOUT", "15s", "how long to let requests finish on shutdown"},
	{"CUSTOS_SIGNING_CERT", "signing/memo-signing.crt", "PEM X.509 certificate that signs memos"},
	{"CUSTOS_SIGNING_KEY", "signing/memo-signing.key", "PEM private key (PKCS#8, EC or RSA) of CUSTOS_SIGNING_CERT"},
	{"CUSTOS_TRUSTED_PROXIES", "", "comma-separated IP addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client address (sign-in throttling); none by default"},
	{"CUSTOS_SIGNING_GENERATE", "false", "development only: create a self-signed key and certificate at those paths when both are missing"},
	{"CUSTOS_AUDIT_CHECKPOINT_EVERY", "1h", "sign a checkpoint of the audit chain's head this often, when it has moved (and at each memo)"},
	{"CUSTOS_TSA_URL", "", "RFC 3161 time-stamping authority URL: every memo signature carries its timestamp (unset: no trusted time)"},
	{"CUSTOS_PKCS11_MODULE", "", "PKCS#11 module (HSM) library path: sign with a key in the token instead of CUSTOS_SIGNING_KEY"},
	{"CUSTOS_PKCS11_TOKEN", "", "label of the PKCS#11 token"},
	{"CUSTOS_PKCS11_KEY_LABEL", "custos-memo-signing", "label of the signing key pair in the token (its certificate: CUSTOS_SIGNING_CERT)"},
	{"CUSTOS_PKCS11_PIN_FILE", "", "file holding the token's user PIN (or CUSTOS_PKCS11_PIN); never logged"},
	{"CUSTOS_OIDC_ISSUER", "", "OpenID Connect provider's issuer URL: turns single sign-on on"},
	{"CUSTOS_OIDC_CLIENT_ID", "", "Custos's client ID at the provider"},
	{"CUSTOS_OIDC_CLIENT_SECRET_FILE", "", "file holding the client secret (or CUSTOS_OIDC_CLIENT_SECRET); never logged"},
	{"CUSTOS_OIDC_REDIRECT_URL", "", "the callback as registered at the provider, e.g. https://custos.example.com/api/v1/oidc/callback"},
	{"CUSTOS_OIDC_NAME", "single sign-on", "what the sign-in page's button says after \"Sign in with\""},
	{"CUSTOS_OIDC_CREATE_USERS", "false", "create an account at first sign-in for a verified e-mail address whose groups give a role"},
	{"CUSTOS_OIDC_ROLE_CLAIM", "groups", "ID token claim whose values CUSTOS_OIDC_ROLE_MAP maps to team roles"},
	{"CUSTOS_OIDC_ROLE_MAP", "", "claim value=team ID:role, comma-separated, e.g. custody-officers=1:officer,custody-managers=1:manager"},
	{"CUSTOS_LOCAL_PASSWORDS", "true", "false: password sign-in only for CUSTOS_BREAK_GLASS_ADMIN (needs single sign-on)"},
	{"CUSTOS_SMTP_URL", "", "e-mail notifications through this SMTP server, e.g. smtp://user:pass@mail.example.com:587?from=custos@example.com (with a password, AUTH only after STARTTLS unless &tls=off; smtps:// for implicit TLS; unset: in-app notifications only)"},
	{"CUSTOS_PUBLIC_URL", "http(s)://CUSTOS_ADDR", "the web app's address as users reach it, for the links in notification e-mails"},
	{"CUSTOS_NOTIFY_EVERY", "1m", "how often the notification worker writes due review reminders and sends e-mail"},
	{"CUSTOS_RESPONDENT_MAX_DOCUMENTS", "50", "the most documents a custodian's respondent may upload through one invitation"},
	{"CUSTOS_RESPONDENT_MAX_BYTES", "104857600", "the most bytes of documents, all told, a custodian's respondent may upload through one invitation (100 MiB)"},
	{"CUSTOS_BREAK_GLASS_ADMIN", "", "e-mail of the organisation admin who may still use a password when CUSTOS_LOCAL_PASSWORDS is false"},
}

// Load reads the configuration through getenv. It returns every problem
// found, one clear sentence each.
func Load(getenv func(string) string) (Config, []string) {
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	duration := func(name, def string) time.Duration {
		d, err := time.ParseDuration(get(name, def))
		if err != nil || d <= 0 {
			bad(name, "%q is not a positive duration such as 30m or 12h", get(name, def))
		}
		return d
	}
	integer := func(name, def string, min, max int64) int64 {
		n, err := strconv.ParseInt(get(name, def), 10, 64)
		if err != nil || n < min || n > max {
			bad(name, "%q is not a whole number between %d and %d", get(name, def), min, max)
		}
		return n
	}

	c := Config{
		DatabaseURL: get("DATABASE_URL", ""),
		Addr:        get("CUSTOS_ADDR", "127.0.0.1:8080"),
		TLSCert:     get("CUSTOS_TLS_CERT", ""),
		TLSKey:      get("CUSTOS_TLS_KEY", ""),
		LogFormat:   get("CUSTOS_LOG_FORMAT", "json"),
	}
	if c.DatabaseURL == "" {
		bad("DATABASE_URL", "is not set; point it at a PostgreSQL database (make run sets one up for you)")
	} else if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("DATABASE_URL", "must start with postgres:// or postgresql://")
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		bad("CUSTOS_ADDR", "%q is not host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("CUSTOS_TLS_CERT", "CUSTOS_TLS_CERT and CUSTOS_TLS_KEY must be set together")
	}
	switch v := get("CUSTOS_SECURE_COOKIES", ""); v {
	case "":
		c.SecureCookies = c.TLSCert != ""
	case "true", "1", "yes":
		c.SecureCookies = true
	case "false", "0", "no":
		if c.TLSCert != "" {
			bad("CUSTOS_SECURE_COOKIES", "cannot be false while serving HTTPS")
		}
	default:
		bad("CUSTOS_SECURE_COOKIES", "%q is not true or false", v)
	}
	switch v := get("CUSTOS_LOG_LEVEL", "info"); v {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("CUSTOS_LOG_LEVEL", "%q is not debug, info, warn or error", v)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("CUSTOS_LOG_FORMAT", "%q is not json or text", c.LogFormat)
	}
	c.DBMaxConns = int(integer("CUSTOS_DB_MAX_CONNS", "20", 1, 1000))
	c.MaxBodyBytes = integer("CUSTOS_MAX_BODY_BYTES", "1048576", 1024, 1<<30)
	c.SessionIdle = duration("CUSTOS_SESSION_IDLE", "30m")
	c.SessionMax = duration("CUSTOS_SESSION_MAX", "12h")
	c.SOCStaleMonths = int(integer("CUSTOS_SOC_STALE_MONTHS", "12", 1, 60))
	c.BridgeMonths = int(integer("CUSTOS_BRIDGE_LETTER_MONTHS", "3", 1, 24))
	c.ExpiringDays = int(integer("CUSTOS_DOCUMENT_EXPIRING_DAYS", "60", 1, 365))
	c.RespondentMaxDocuments = int(integer("CUSTOS_RESPONDENT_MAX_DOCUMENTS", "50", 1, 100000))
	c.RespondentMaxBytes = integer("CUSTOS_RESPONDENT_MAX_BYTES", "104857600", 1<<20, 1<<40)
	c.ShutdownTimeout = duration("CUSTOS_SHUTDOWN_TIMEOUT", "15s")
	c.RequestTimeout = duration("CUSTOS_REQUEST_TIMEOUT", "15s")
	c.DBStatementTimeout = duration("CUSTOS_DB_STATEMENT_TIMEOUT", "10s")
	c.DBConnectTimeout = duration("CUSTOS_DB_CONNECT_TIMEOUT", "5s")
	if c.DBConnectTimeout > 0 && c.DBConnectTimeout < time.Second {
		bad("CUSTOS_DB_CONNECT_TIMEOUT", "must be at least 1s (PostgreSQL counts it in whole seconds)")
	}
	switch v := get("CUSTOS_METRICS_ADDR", "127.0.0.1:9090"); v {
	case "off", "false", "no":
	default:
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			bad("CUSTOS_METRICS_ADDR", "%q is not host:port (e.g. 127.0.0.1:9090) or off", v)
		} else if v == c.Addr && port != "0" {
			bad("CUSTOS_METRICS_ADDR", "must differ from CUSTOS_ADDR: metrics are not served on the API listener")
		}
		c.MetricsAddr = v
	}
	c.SigningCert = get("CUSTOS_SIGNING_CERT", "signing/memo-signing.crt")
	c.SigningKey = get("CUSTOS_SIGNING_KEY", "signing/memo-signing.key")
	switch v := get("CUSTOS_SIGNING_GENERATE", "false"); v {
	case "true", "1", "yes":
		c.SigningGenerate = true
	case "false", "0", "no":
	default:
		bad("CUSTOS_SIGNING_GENERATE", "%q is not true or false", v)
	}
	c.CheckpointEvery = duration("CUSTOS_AUDIT_CHECKPOINT_EVERY", "1h")
	c.TSAURL = get("CUSTOS_TSA_URL", "")
	if c.TSAURL != "" {
		if u, err := url.Parse(c.TSAURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("CUSTOS_TSA_URL", "is not an http(s) URL")
		}
	}
	c.PKCS11Module = get("CUSTOS_PKCS11_MODULE", "")
	c.PKCS11Token = get("CUSTOS_PKCS11_TOKEN", "")
	c.PKCS11KeyLabel = get("CUSTOS_PKCS11_KEY_LABEL", "custos-memo-signing")
	if c.PKCS11Module != "" {
		if c.PKCS11Token == "" {
			bad("CUSTOS_PKCS11_TOKEN", "is required with CUSTOS_PKCS11_MODULE")
		}
		pinFile, pin := get("CUSTOS_PKCS11_PIN_FILE", ""), getenv("CUSTOS_PKCS11_PIN")
		switch {
		case pinFile != "" && pin != "":
			bad("CUSTOS_PKCS11_PIN_FILE", "set CUSTOS_PKCS11_PIN_FILE or CUSTOS_PKCS11_PIN, not both")
		case pinFile != "":
			b, err := os.ReadFile(pinFile)
			c.PKCS11PIN = strings.TrimRight(string(b), "\r\n")
			if err != nil {
				bad("CUSTOS_PKCS11_PIN_FILE", "cannot be read: %v", err)
			} else if c.PKCS11PIN == "" {
				bad("CUSTOS_PKCS11_PIN_FILE", "%s is empty", pinFile)
			}
		case pin != "":
			c.PKCS11PIN = pin
		default:
			bad("CUSTOS_PKCS11_PIN_FILE", "the token's PIN is required (CUSTOS_PKCS11_PIN_FILE or CUSTOS_PKCS11_PIN)")
		}
	}
	for _, v := range strings.Split(get("CUSTOS_TRUSTED_PROXIES", ""), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if a, err := netip.ParseAddr(v); err == nil {
			c.TrustedProxies = append(c.TrustedProxies, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else if p, err := netip.ParsePrefix(v); err == nil {
			c.TrustedProxies = append(c.TrustedProxies, p.Masked())
		} else {
			bad("CUSTOS_TRUSTED_PROXIES", "%q is not an IP address or a CIDR range such as 10.0.0.0/8", v)
		}
	}
	boolean := func(name, def string) bool {
		switch v := get(name, def); v {
		case "true", "1", "yes":
			return true
		case "false", "0", "no":
			return false
		default:
			bad(name, "%q is not true or false", v)
			return false
		}
	}
	c.OIDC = OIDC{Issuer: get("CUSTOS_OIDC_ISSUER", ""), ClientID: get("CUSTOS_OIDC_CLIENT_ID", ""),
		RedirectURL: get("CUSTOS_OIDC_REDIRECT_URL", ""), DisplayName: get("CUSTOS_OIDC_NAME", "single sign-on"),
		CreateUsers: boolean("CUSTOS_OIDC_CREATE_USERS", "false"), RoleClaim: get("CUSTOS_OIDC_ROLE_CLAIM", "groups"),
	}
	if c.OIDC.Issuer != "" {
		if u, err := url.Parse(c.OIDC.Issuer); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("CUSTOS_OIDC_ISSUER", "is not an http(s) URL")
		}
		if c.OIDC.ClientID == "" {
			bad("CUSTOS_OIDC_CLIENT_ID", "is required with CUSTOS_OIDC_ISSUER")
		}
		if u, err := url.Parse(c.OIDC.RedirectURL); c.OIDC.RedirectURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("CUSTOS_OIDC_REDIRECT_URL", "is required with CUSTOS_OIDC_ISSUER: the http(s) URL of /api/v1/oidc/callback")
		}
		secretFile, secret := get("CUSTOS_OIDC_CLIENT_SECRET_FILE", ""), getenv("CUSTOS_OIDC_CLIENT_SECRET")
		switch {
		case secretFile != "" && secret != "":
			bad("CUSTOS_OIDC_CLIENT_SECRET_FILE", "set CUSTOS_OIDC_CLIENT_SECRET_FILE or CUSTOS_OIDC_CLIENT_SECRET, not both")
		case secretFile != "":
			b, err := os.ReadFile(secretFile)
			c.OIDC.ClientSecret = strings.TrimRight(string(b), "\r\n")
			if err != nil {
				bad("CUSTOS_OIDC_CLIENT_SECRET_FILE", "cannot be read: %v", err)
			} else if c.OIDC.ClientSecret == "" {
				bad("CUSTOS_OIDC_CLIENT_SECRET_FILE", "%s is empty", secretFile)
			}
		case secret != "":
			c.OIDC.ClientSecret = secret
		default:
			bad("CUSTOS_OIDC_CLIENT_SECRET_FILE", "the client secret is required (CUSTOS_OIDC_CLIENT_SECRET_FILE or CUSTOS_OIDC_CLIENT_SECRET)")
		}
		roles, err := oidc.ParseRoleMap(get("CUSTOS_OIDC_ROLE_MAP", ""))
		if err != nil {
			bad("CUSTOS_OIDC_ROLE_MAP", "%v", err)
		}
		c.OIDC.RoleMap = roles
	}
	c.LocalPasswords = boolean("CUSTOS_LOCAL_PASSWORDS", "true")
	c.BreakGlassAdmin = strings.ToLower(get("CUSTOS_BREAK_GLASS_ADMIN", ""))
	if !c.LocalPasswords && c.OIDC.Issuer == "" {
		bad("CUSTOS_LOCAL_PASSWORDS", "can be false only with single sign-on (CUSTOS_OIDC_ISSUER): no one could sign in")
	}
	c.SMTPURL = getenv("CUSTOS_SMTP_URL")
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		bad("CUSTOS_SMTP_URL", "must start with smtp:// or smtps://")
	}
	scheme := "http://"
	if c.TLSCert != "" {
		scheme = "https://"
	}
	c.PublicURL = strings.TrimSuffix(get("CUSTOS_PUBLIC_URL", scheme+c.Addr), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("CUSTOS_PUBLIC_URL", "is not an http(s) URL")
	}
	c.NotifyEvery = duration("CUSTOS_NOTIFY_EVERY", "1m")
	if c.SessionIdle > 0 && c.SessionMax > 0 && c.SessionIdle > c.SessionMax {
		bad("CUSTOS_SESSION_IDLE", "must not be longer than CUSTOS_SESSION_MAX")
	}
	return c, problems
}
