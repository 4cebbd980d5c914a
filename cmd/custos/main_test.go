package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

// cli runs the custos command against the test's own database.
func cli(t *testing.T, url string, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return env[k]
	}
	err := run(context.Background(), args, &out, getenv)
	return out.String(), err
}

func TestCommandsMigrateSeedAndAdministerAFreshDatabase(t *testing.T) {
	t.Parallel()
	_, conf := apitest.NewDB(t)
	url := conf.URL()

	out, err := cli(t, url, nil, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate on a migrated database: %q, %v", out, err)
	}
	out, err = cli(t, url, map[string]string{"CUSTOS_DEMO_PASSWORD": "demo-password-for-tests"}, "seed")
	if err != nil || !strings.Contains(out, "officer2@example.com") || !strings.Contains(out, "Password: demo-password-for-tests") {
		t.Fatalf("seed: %q, %v", out, err)
	}
	// Seeding again changes nothing but the passwords.
	if _, err := cli(t, url, map[string]string{"CUSTOS_DEMO_PASSWORD": "demo-password-for-tests"}, "seed"); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	out, err = cli(t, url, nil, "user", "add", "--email", "Carol@Example.com", "--name", "Carol")
	if err != nil || !strings.Contains(out, "<carol@example.com>") || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: %q, %v", out, err)
	}
	if _, err := cli(t, url, nil, "team", "add", "--name", "Fund III"); err != nil {
		t.Fatalf("team add: %v", err)
	}
	out, err = cli(t, url, nil, "member", "add", "--team", "Fund III", "--email", "carol@example.com", "--role", "manager")
	if err != nil || !strings.Contains(out, "carol@example.com is now manager in Fund III") {
		t.Fatalf("member add: %q, %v", out, err)
	}
	if _, err := cli(t, url, nil, "member", "add", "--team", "Fund III", "--email", "carol@example.com", "--role", "owner"); err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("member add with a bad role: %v", err)
	}
	out, err = cli(t, url, nil, "audit", "verify")
	if err != nil || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("audit verify: %q, %v", out, err)
	}
}

func TestAuditVerifyExitsNonZeroAndNamesTheBrokenEvent(t *testing.T) {
	t.Parallel()
	_, conf := apitest.NewDB(t)
	if _, err := cli(t, conf.URL(), nil, "team", "add", "--name", "One"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, conf.URL(), nil, "team", "add", "--name", "Two"); err != nil {
		t.Fatal(err)
	}
	su := apitest.Superuser(t, conf)
	tx := su.MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	tx.MustExec(`UPDATE audit_events SET action = 'team.delete' WHERE seq = 1`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, conf.URL(), nil, "audit", "verify")
	var code exitError
	if !errors.As(err, &code) || code != 1 || !strings.Contains(out, "BROKEN at event 1") {
		t.Fatalf("audit verify of a broken chain: %q, %v", out, err)
	}
}

func TestServeReportsEveryConfigurationProblem(t *testing.T) {
	t.Parallel()
	_, err := cli(t, "", map[string]string{"CUSTOS_ADDR": "nowhere", "CUSTOS_LOG_LEVEL": "loud"}, "serve")
	if err == nil || !strings.Contains(err.Error(), "3 configuration problem(s)") {
		t.Fatalf("serve with a bad configuration: %v", err)
	}
	out, err := cli(t, "", nil, "serve", "--help")
	if err != nil || !strings.Contains(out, "CUSTOS_SESSION_IDLE") || !strings.Contains(out, "DATABASE_URL") {
		t.Fatalf("serve --help: %q, %v", out, err)
	}
}

func TestUnknownCommandPrintsUsage(t *testing.T) {
	t.Parallel()
	out, err := cli(t, "", nil, "frobnicate")
	if err == nil || !strings.Contains(out, "custos serve") {
		t.Fatalf("unknown command: %q, %v", out, err)
	}
}
