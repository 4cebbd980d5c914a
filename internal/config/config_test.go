package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadAppliesDefaults(t *testing.T) {
	c, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@localhost/custos"}))
	if len(problems) > 0 {
		t.Fatalf("unexpected problems: %v", problems)
	}
	if c.Addr != "127.0.0.1:8080" || c.SessionIdle != 30*time.Minute || c.SessionMax != 12*time.Hour || c.SecureCookies {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestLoadReportsEveryProblemWithItsVariable(t *testing.T) {
	_, problems := Load(env(map[string]string{
		"CUSTOS_ADDR":         "nonsense",
		"CUSTOS_TLS_CERT":     "/etc/cert.pem",
		"CUSTOS_LOG_LEVEL":    "loud",
		"CUSTOS_SESSION_IDLE": "-5m",
		"CUSTOS_DB_MAX_CONNS": "many",
	}))
	for _, name := range []string{"DATABASE_URL", "CUSTOS_ADDR", "CUSTOS_TLS_CERT", "CUSTOS_LOG_LEVEL", "CUSTOS_SESSION_IDLE", "CUSTOS_DB_MAX_CONNS"} {
		found := false
		for _, p := range problems {
			if strings.HasPrefix(p, name+": ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem reported for %s in %v", name, problems)
		}
	}
}

func TestTLSTurnsOnSecureCookies(t *testing.T) {
	c, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db", "CUSTOS_TLS_CERT": "c", "CUSTOS_TLS_KEY": "k"}))
	if len(problems) > 0 || !c.SecureCookies {
		t.Fatalf("secure cookies = %v, problems %v", c.SecureCookies, problems)
	}
}

func TestMetricsListenApartAndRequestsHaveDeadlines(t *testing.T) {
	c, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db"}))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if c.MetricsAddr != "127.0.0.1:9090" || c.RequestTimeout != 15*time.Second || c.DBStatementTimeout != 10*time.Second || c.DBConnectTimeout != 5*time.Second {
		t.Fatalf("defaults: metrics %q, request %v, statement %v, connect %v", c.MetricsAddr, c.RequestTimeout, c.DBStatementTimeout, c.DBConnectTimeout)
	}
	c, problems = Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db", "CUSTOS_METRICS_ADDR": "off"}))
	if len(problems) > 0 || c.MetricsAddr != "" {
		t.Fatalf("metrics off: %q, %v", c.MetricsAddr, problems)
	}
	_, problems = Load(env(map[string]string{
		"DATABASE_URL": "postgres://x@h/db", "CUSTOS_METRICS_ADDR": "127.0.0.1:8080",
		"CUSTOS_REQUEST_TIMEOUT": "soon", "CUSTOS_DB_CONNECT_TIMEOUT": "200ms",
	}))
	for _, name := range []string{"CUSTOS_METRICS_ADDR", "CUSTOS_REQUEST_TIMEOUT", "CUSTOS_DB_CONNECT_TIMEOUT"} {
		found := false
		for _, p := range problems {
			found = found || strings.HasPrefix(p, name+": ")
		}
		if !found {
			t.Errorf("no problem reported for %s in %v", name, problems)
		}
	}
}
