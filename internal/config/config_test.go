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

func TestTrustedProxiesAreNoneByDefaultAndParsed(t *testing.T) {
	c, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db"}))
	if len(problems) > 0 || len(c.TrustedProxies) != 0 {
		t.Fatalf("default trusted proxies = %v, problems %v; want none", c.TrustedProxies, problems)
	}
	c, problems = Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db", "CUSTOS_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,::1"}))
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if len(problems) > 0 || strings.Join(got, " ") != "10.0.0.0/8 192.0.2.7/32 ::1/128" {
		t.Fatalf("trusted proxies = %v, problems %v", got, problems)
	}
	_, problems = Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db", "CUSTOS_TRUSTED_PROXIES": "proxy.example"}))
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "CUSTOS_TRUSTED_PROXIES: ") {
		t.Fatalf("problems = %v, want one naming CUSTOS_TRUSTED_PROXIES", problems)
	}
}
