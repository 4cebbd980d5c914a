package config

import (
	"os"
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

func TestPKCS11PINComesFromAFileAndIsNeverInAProblem(t *testing.T) {
	pinFile := t.TempDir() + "/pin"
	if err := os.WriteFile(pinFile, []byte("s3cret-pin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"DATABASE_URL": "postgres://x@localhost/custos", "CUSTOS_PKCS11_MODULE": "/usr/lib/softhsm/libsofthsm2.so",
		"CUSTOS_PKCS11_TOKEN": "custos", "CUSTOS_PKCS11_PIN_FILE": pinFile, "CUSTOS_TSA_URL": "http://tsa.example/"}
	c, problems := Load(env(base))
	if len(problems) > 0 || c.PKCS11PIN != "s3cret-pin" || c.PKCS11KeyLabel != "custos-memo-signing" || c.TSAURL != "http://tsa.example/" {
		t.Fatalf("config %+v, problems %v", c, problems)
	}
	base["CUSTOS_PKCS11_PIN"] = "s3cret-pin"
	base["CUSTOS_TSA_URL"] = "tsa.example"
	_, problems = Load(env(base))
	if len(problems) != 2 || strings.Contains(strings.Join(problems, " "), "s3cret") {
		t.Fatalf("both PIN sources and a bad TSA URL: %q", problems)
	}
	delete(base, "CUSTOS_PKCS11_PIN")
	delete(base, "CUSTOS_PKCS11_PIN_FILE")
	base["CUSTOS_TSA_URL"] = ""
	if _, problems = Load(env(base)); len(problems) != 1 || !strings.Contains(problems[0], "PIN is required") {
		t.Fatalf("no PIN: %q", problems)
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

func TestRespondentUploadAllowance(t *testing.T) {
	c, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db"}))
	if len(problems) > 0 || c.RespondentMaxDocuments != 50 || c.RespondentMaxBytes != 100<<20 {
		t.Errorf("defaults: %d documents, %d bytes, problems %v", c.RespondentMaxDocuments, c.RespondentMaxBytes, problems)
	}
	c, problems = Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db",
		"CUSTOS_RESPONDENT_MAX_DOCUMENTS": "5", "CUSTOS_RESPONDENT_MAX_BYTES": "20971520"}))
	if len(problems) > 0 || c.RespondentMaxDocuments != 5 || c.RespondentMaxBytes != 20<<20 {
		t.Errorf("set: %d documents, %d bytes, problems %v", c.RespondentMaxDocuments, c.RespondentMaxBytes, problems)
	}
	_, problems = Load(env(map[string]string{"DATABASE_URL": "postgres://x@h/db",
		"CUSTOS_RESPONDENT_MAX_DOCUMENTS": "0", "CUSTOS_RESPONDENT_MAX_BYTES": "lots"}))
	if len(problems) != 2 || !strings.HasPrefix(problems[0], "CUSTOS_RESPONDENT_MAX_DOCUMENTS: ") ||
		!strings.HasPrefix(problems[1], "CUSTOS_RESPONDENT_MAX_BYTES: ") {
		t.Errorf("bad values: %v", problems)
	}
}
