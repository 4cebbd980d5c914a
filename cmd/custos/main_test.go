package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/signing"
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
	db, conf := apitest.NewDB(t)
	url := conf.URL()

	out, err := cli(t, url, nil, "migrate")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate on a migrated database: %q, %v", out, err)
	}
	out, err = cli(t, url, map[string]string{"CUSTOS_DEMO_PASSWORD": "demo-password-for-tests"}, "seed")
	if err != nil || !strings.Contains(out, "officer2@example.com") || !strings.Contains(out, "Password: demo-password-for-tests") ||
		!strings.Contains(out, "organisation admin") || !strings.Contains(out, "teamadmin@example.com") {
		t.Fatalf("seed: %q, %v", out, err)
	}
	// Seeding again changes nothing but the passwords and the demo
	// respondent's link: only its hash is kept, so each seeding revokes the
	// last one and prints a new one.
	out, err = cli(t, url, map[string]string{"CUSTOS_DEMO_PASSWORD": "demo-password-for-tests", "CUSTOS_ADDR": "127.0.0.1:8080"}, "seed")
	if err != nil {
		t.Fatalf("second seed: %v", err)
	}
	_, link, ok := strings.Cut(out, "http://127.0.0.1:8080/respond#")
	token := strings.TrimSpace(link)
	if !ok || !strings.Contains(out, "Play the custodian") || len(token) != len(custos.InvitationTokenPrefix)+43 {
		t.Fatalf("second seed prints no respondent link: %q", out)
	}
	var open, all int
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE revoked_at IS NULL AND token_hash = sha256($1::bytea)), count(*)
		FROM respondent_invitations`, token).Scan(&open, &all); err != nil {
		t.Fatal(err)
	}
	if open != 1 || all != 2 {
		t.Fatalf("after two seedings: %d open invitation(s) with the printed token of %d, want 1 of 2", open, all)
	}
	var statuses []string
	if err := db.Select(&statuses, `SELECT status FROM evaluations ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(statuses, ",") != "submitted,draft,approved" {
		t.Fatalf("demo evaluations %v, want one submitted (awaiting approval), one draft and one approved", statuses)
	}
	var dues []string
	if err := db.Select(&dues, `SELECT next_review_due::text FROM custody_relationships WHERE status = 'active'`); err != nil || len(dues) != 1 {
		t.Fatalf("demo relationships: %v, %v; want one active, appointed from the approved evaluation", dues, err)
	}
	for _, weak := range []string{"password1234", "123456789012", "short"} {
		if _, err := cli(t, url, map[string]string{"CUSTOS_PASSWORD": weak}, "user", "add", "--email", "weak@example.com", "--name", "Weak"); err == nil || !strings.Contains(err.Error(), "password") {
			t.Fatalf("user add with the password %q: %v, want it refused naming the password", weak, err)
		}
	}
	if _, err := cli(t, url, map[string]string{"CUSTOS_DEMO_PASSWORD": "password1234"}, "seed"); err == nil {
		t.Fatal("seed accepted a common demo password")
	}
	out, err = cli(t, url, map[string]string{"CUSTOS_PASSWORD": "tangerine-quorum-sextant-9"}, "user", "add", "--email", "Olga@Example.com", "--name", "Olga", "--org-admin")
	if err != nil || !strings.Contains(out, "<olga@example.com>") {
		t.Fatalf("user add --org-admin: %q, %v", out, err)
	}
	var orgAdmin bool
	if err := db.Get(&orgAdmin, `SELECT org_admin FROM users WHERE email = 'olga@example.com'`); err != nil || !orgAdmin {
		t.Fatalf("user add --org-admin made org_admin = %v (%v)", orgAdmin, err)
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
	out, err = cli(t, conf.URL(), nil, "audit", "verify", "--full")
	if !errors.As(err, &code) || code != 1 || !strings.Contains(out, "BROKEN at event 1") {
		t.Fatalf("audit verify --full of a broken chain: %q, %v", out, err)
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

func TestMemoVerifyAcceptsAnIssuedMemoAndRejectsAlteredFiles(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	teams := env.SeedDemo()
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], 2)
	m, err := env.Memos.IssueMemo(env.As("officer@example.com"), ws.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, pdf, err := env.Memos.DownloadMemo(env.As("auditor@example.com"), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath := filepath.Join(dir, "memo-signing.crt")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: env.Signer.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vars := map[string]string{"CUSTOS_SIGNING_CERT": certPath}

	out, err := cli(t, env.Conf.URL(), vars, "memo", "verify", write("memo.pdf", pdf))
	if err != nil || !strings.Contains(out, "GENUINE: an unaltered memo issued by Custos") || !strings.Contains(out, "approved by Maya Manager") {
		t.Fatalf("memo verify of the issued memo: %q, %v", out, err)
	}

	flipped := bytes.Clone(pdf)
	flipped[len(flipped)/3] ^= 0x20
	other, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Sign(pdf, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		file   []byte
		reason string
	}{
		"flipped.pdf":  {flipped, "changed after signing"},
		"appended.pdf": {apitest.AppendUpdate(t, pdf), "appended after the signature"},
		"foreign.pdf":  {foreign, "another certificate"},
	} {
		out, err := cli(t, env.Conf.URL(), vars, "memo", "verify", write(name, c.file))
		var code exitError
		if !errors.As(err, &code) || code != 1 || !strings.Contains(out, "NOT GENUINE") || !strings.Contains(out, c.reason) {
			t.Errorf("memo verify %s: %q, %v; want exit 1 naming %q", name, out, err, c.reason)
		}
	}
}

func TestEveryCommandPrintsItsUsageForHelp(t *testing.T) {
	t.Parallel()
	// No database: a command that read --help as an argument would try to
	// open one (or the file "--help") and fail.
	for _, args := range [][]string{
		{"serve", "--help"}, {"migrate", "--help"}, {"seed", "-h"},
		{"user", "add", "--help"}, {"team", "add", "-h"}, {"member", "add", "--help"},
		{"audit", "verify", "--help"}, {"memo", "verify", "--help"}, {"memo", "verify", "-h"},
		{"memo", "--help"}, {"user", "-h"}, {"--help"}, {"help"},
	} {
		out, err := cli(t, "", nil, args...)
		if err != nil || !strings.Contains(out, "usage: custos") && !strings.Contains(out, "usage:\n") {
			t.Errorf("custos %s: %q, %v; want its usage and exit 0", strings.Join(args, " "), out, err)
		}
		want := args[0]
		if len(args) > 2 {
			want = args[0] + " " + args[1]
		}
		if want != "--help" && want != "help" && !strings.Contains(out, "custos "+want) {
			t.Errorf("custos %s printed %q, which does not name the command", strings.Join(args, " "), out)
		}
	}
	// A command group alone names its subcommand and exits 2.
	out, err := cli(t, "", nil, "memo")
	var code exitError
	if !errors.As(err, &code) || code != 2 || !strings.Contains(out, "custos memo verify FILE") {
		t.Errorf("custos memo: %q, %v", out, err)
	}
}
