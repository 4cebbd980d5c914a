package config

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/oidc"
)

func TestOIDCSettingsWithTheSecretFromAFile(t *testing.T) {
	secretFile := t.TempDir() + "/client-secret"
	if err := os.WriteFile(secretFile, []byte("very-secret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@localhost/custos",
		"CUSTOS_OIDC_ISSUER": "https://id.example.com/", "CUSTOS_OIDC_CLIENT_ID": "custos",
		"CUSTOS_OIDC_CLIENT_SECRET_FILE": secretFile, "CUSTOS_OIDC_REDIRECT_URL": "https://custos.example.com/api/v1/oidc/callback",
		"CUSTOS_OIDC_NAME": "Example ID", "CUSTOS_OIDC_CREATE_USERS": "true",
		"CUSTOS_OIDC_ROLE_MAP":   "custody-officers=1:officer, custody-managers=1:manager,custody-managers=2:auditor",
		"CUSTOS_LOCAL_PASSWORDS": "false", "CUSTOS_BREAK_GLASS_ADMIN": "Root@Example.com"}))
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := OIDC{Issuer: "https://id.example.com/", ClientID: "custos", ClientSecret: "very-secret-value",
		RedirectURL: "https://custos.example.com/api/v1/oidc/callback", DisplayName: "Example ID", CreateUsers: true, RoleClaim: "groups",
		RoleMap: map[string][]oidc.Grant{
			"custody-officers": {{TeamID: 1, Role: custos.RoleOfficer}},
			"custody-managers": {{TeamID: 1, Role: custos.RoleManager}, {TeamID: 2, Role: custos.RoleAuditor}},
		}}
	if diff := cmp.Diff(want, c.OIDC); diff != "" {
		t.Errorf("OIDC settings (-want +got):\n%s", diff)
	}
	if c.LocalPasswords || c.BreakGlassAdmin != "root@example.com" {
		t.Errorf("local passwords %v, break-glass %q", c.LocalPasswords, c.BreakGlassAdmin)
	}
}

func TestOIDCProblemsNameTheVariableAndNeverTheSecret(t *testing.T) {
	_, problems := Load(env(map[string]string{"DATABASE_URL": "postgres://x@localhost/custos",
		"CUSTOS_OIDC_ISSUER": "id.example.com", "CUSTOS_OIDC_CLIENT_SECRET": "very-secret-value",
		"CUSTOS_OIDC_CLIENT_SECRET_FILE": "/nowhere", "CUSTOS_OIDC_ROLE_MAP": "custody-officers=treasury:officer,x=1:boss",
		"CUSTOS_OIDC_CREATE_USERS": "maybe"}))
	for _, name := range []string{"CUSTOS_OIDC_ISSUER", "CUSTOS_OIDC_CLIENT_ID", "CUSTOS_OIDC_REDIRECT_URL", "CUSTOS_OIDC_CLIENT_SECRET_FILE",
		"CUSTOS_OIDC_ROLE_MAP", "CUSTOS_OIDC_CREATE_USERS"} {
		found := false
		for _, p := range problems {
			found = found || strings.HasPrefix(p, name+": ")
		}
		if !found {
			t.Errorf("no problem reported for %s in %v", name, problems)
		}
	}
	if strings.Contains(strings.Join(problems, "\n"), "very-secret-value") {
		t.Errorf("a problem shows the client secret: %v", problems)
	}

	// Passwords off with no single sign-on would lock everyone out.
	_, problems = Load(env(map[string]string{"DATABASE_URL": "postgres://x@localhost/custos", "CUSTOS_LOCAL_PASSWORDS": "false"}))
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "CUSTOS_LOCAL_PASSWORDS: ") {
		t.Errorf("problems: %v", problems)
	}
}
