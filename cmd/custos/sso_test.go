package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/custos-dd/custos/internal/apitest"
)

// The real binary, configured by environment as an operator would, signs a
// person in through a real provider (mockoidc on loopback), over real HTTP
// with a browser's cookie jar following every redirect.
func TestServeSignsInThroughTheConfiguredProvider(t *testing.T) {
	t.Parallel()
	bin := buildServer(t)
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()

	_, conf := apitest.NewDB(t)
	if _, err := cli(t, conf.URL(), map[string]string{"CUSTOS_DEMO_PASSWORD": "demo-password-for-tests"}, "seed"); err != nil {
		t.Fatal(err)
	}
	secretFile := filepath.Join(t.TempDir(), "oidc-secret")
	if err := os.WriteFile(secretFile, []byte(cfg.ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The provider sends the browser to the registered redirect URL; the
	// browser below resolves its host to the server, whose port is known
	// only once it runs.
	_, base := startServer(t, bin, "DATABASE_URL="+conf.URL(), "CUSTOS_METRICS_ADDR=off",
		"CUSTOS_OIDC_ISSUER="+cfg.Issuer, "CUSTOS_OIDC_CLIENT_ID="+cfg.ClientID, "CUSTOS_OIDC_CLIENT_SECRET_FILE="+secretFile,
		"CUSTOS_OIDC_REDIRECT_URL=http://custos.test/api/v1/oidc/callback", "CUSTOS_OIDC_NAME=Example ID",
		"CUSTOS_OIDC_CREATE_USERS=true", "CUSTOS_OIDC_ROLE_MAP=custody-officers=1:officer",
		"CUSTOS_LOCAL_PASSWORDS=false", "CUSTOS_BREAK_GLASS_ADMIN=admin@example.com")

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var landed string
	browser := &http.Client{Jar: jar, Timeout: 60 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == "custos.test" {
			req.URL.Host = strings.TrimPrefix(base, "http://")
		}
		if strings.HasPrefix(req.URL.String(), base) && !strings.HasPrefix(req.URL.Path, "/api/") {
			landed = req.URL.RequestURI() // the web app's page: stop here
			return http.ErrUseLastResponse
		}
		return nil
	}}
	get := func(path string, v any) int {
		t.Helper()
		res, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if v != nil && res.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, v); err != nil {
				t.Fatalf("%s: %v: %s", path, err, body)
			}
		}
		return res.StatusCode
	}

	var opts struct {
		LocalPasswords bool `json:"local_passwords"`
		SSO            struct {
			Name string `json:"name"`
		} `json:"sso"`
	}
	if get("/api/v1/session-options", &opts); opts.LocalPasswords || opts.SSO.Name != "Example ID" {
		t.Fatalf("session options: %+v", opts)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "e2e-1", Email: "ines.new@example.com", EmailVerified: true, Groups: []string{"custody-officers"}})
	get("/api/v1/oidc/login?return_to=/evaluations", nil)
	if landed != "/evaluations" {
		t.Fatalf("the sign-in landed on %q, want /evaluations", landed)
	}
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Memberships []struct {
			TeamID int64  `json:"team_id"`
			Role   string `json:"role"`
		} `json:"memberships"`
	}
	if status := get("/api/v1/me", &me); status != http.StatusOK || me.User.Email != "ines.new@example.com" ||
		len(me.Memberships) != 1 || me.Memberships[0].Role != "officer" {
		t.Fatalf("after single sign-on /api/v1/me answered %d: %+v", status, me)
	}

	// With local passwords off, a demo officer's password is refused.
	res, err := http.Post(base+"/api/v1/session", "application/json",
		strings.NewReader(`{"email":"officer@example.com","password":"demo-password-for-tests"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("password sign-in with passwords off: %d, want 403", res.StatusCode)
	}
}
