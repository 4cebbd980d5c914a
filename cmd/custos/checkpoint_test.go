package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/config"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

// TestRewrittenHistoryIsCaughtBySignedCheckpoints: after a checkpoint is
// signed, the database superuser rewrites an old event and recomputes every
// hash after it, so the chain in the database verifies again; the audit
// bundle exported afterwards is refused offline against the checkpoint.
func TestRewrittenHistoryIsCaughtBySignedCheckpoints(t *testing.T) {
	ctx := context.Background()
	env := apitest.New(t)
	cps := postgres.NewCheckpointService(env.Store, env.Signer)
	if err := cps.RegisterSigner(ctx); err != nil {
		t.Fatal(err)
	}
	env.Memos.Checkpoints = cps
	teams := env.SeedDemo()
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], 2)
	if _, err := env.Memos.IssueMemo(env.As("officer@example.com"), ws.Evaluation.ID); err != nil {
		t.Fatal(err)
	}

	// The memo's transaction signed the head; a scheduled checkpoint has
	// nothing new to sign until another event is appended.
	if cp, err := cps.Checkpoint(ctx, "schedule"); err != nil || cp != nil {
		t.Fatalf("a checkpoint with nothing new: %+v, %v", cp, err)
	}
	if _, err := env.Teams.CreateTeam(env.As("admin@example.com"), "Fund IV"); err != nil {
		t.Fatal(err)
	}
	// The schedule signs the new head by itself.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go cps.Run(runCtx, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var head, scheduled int64
	for deadline := time.Now().Add(30 * time.Second); ; {
		if err := env.SQL.QueryRow(`SELECT (SELECT seq FROM audit_head), COALESCE((SELECT max(seq) FROM audit_checkpoints WHERE reason = 'schedule'), 0)`).Scan(&head, &scheduled); err != nil {
			t.Fatal(err)
		}
		if scheduled == head {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled checkpoint of head %d within 30 s (latest: %d)", head, scheduled)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
	}
	stop()
	if _, err := env.SQL.Exec(`UPDATE audit_checkpoints SET hash = $1 WHERE seq = $2`, make([]byte, 32), scheduled); err == nil {
		t.Fatal("the application's role changed a checkpoint")
	}

	dir := t.TempDir()
	vars := map[string]string{"CUSTOS_SIGNING_CERT": writeFile(t, dir, "org.crt", certPEM(env.Signer))}
	url := env.Conf.URL()
	export := func(name string) string {
		p := filepath.Join(dir, name)
		if out, err := cli(t, url, nil, "audit", "export", "--out", p); err != nil {
			t.Fatalf("audit export: %v\n%s", err, out)
		}
		return p
	}
	before := export("before.jsonl")
	out, err := cli(t, noDatabase, nil, "audit", "verify", "--bundle", before, "--cert", vars["CUSTOS_SIGNING_CERT"])
	t.Logf("audit verify --bundle (before):\n%s", out)
	if err != nil || !strings.Contains(out, "OK: the chain holds and every signed checkpoint matches it") || !strings.Contains(out, "verified: event") {
		t.Fatalf("the genuine bundle: %v\n%s", err, out)
	}

	// The superuser rewrites event 2 and recomputes every hash after it.
	events := readEvents(t, before)
	su := superuser(t, env.Conf.Database)
	tx := su.MustBegin()
	tx.MustExec(`ALTER TABLE audit_events DISABLE TRIGGER USER`)
	events[1].Actor = "mallory@example.com"
	prev := events[0].Hash
	for _, e := range events[1:] {
		h, err := e.ComputeHash(prev)
		if err != nil {
			t.Fatal(err)
		}
		tx.MustExec(`UPDATE audit_events SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4`, e.Actor, []byte(prev), h, e.Seq)
		prev = h
	}
	tx.MustExec(`UPDATE audit_head SET hash = $1 WHERE id = 1`, []byte(prev))
	tx.MustExec(`ALTER TABLE audit_events ENABLE TRIGGER USER`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if out, err := cli(t, url, nil, "audit", "verify"); err != nil || !strings.HasPrefix(out, "OK:") {
		t.Fatalf("the recomputed chain should verify in the database: %v\n%s", err, out)
	}

	after := export("after.jsonl")
	out, err = cli(t, noDatabase, nil, "audit", "verify", "--bundle", after, "--cert", vars["CUSTOS_SIGNING_CERT"])
	t.Logf("audit verify --bundle (after the rewrite):\n%s", out)
	var code exitError
	if !errors.As(err, &code) || code != 1 || !strings.Contains(out, "the history up to it was rewritten") {
		t.Fatalf("the rewritten history was not caught: %v\n%s", err, out)
	}
	// Another organisation's certificate does not vouch for the checkpoints.
	other, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err = cli(t, noDatabase, nil, "audit", "verify", "--bundle", before, "--cert", writeFile(t, dir, "other.crt", certPEM(other)))
	if !errors.As(err, &code) || code != 1 || !strings.Contains(out, "not the organisation's") {
		t.Fatalf("a bundle checked with another organisation's certificate: %v\n%s", err, out)
	}
}

func readEvents(t *testing.T, path string) []*custos.AuditEvent {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*custos.AuditEvent
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var l signing.BundleLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Event != nil {
			out = append(out, l.Event)
		}
	}
	return out
}

// superuser connects to the test's database as the cluster's superuser
// (the role of DATABASE_URL that make test starts).
func superuser(t *testing.T, database string) *sqlx.DB {
	t.Helper()
	u, err := url.Parse(os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + database
	db, err := sqlx.Open("postgres", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestServerSaysWhenMemosAreSignedWithoutATimestamp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, problems := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://x@localhost/custos", "CUSTOS_SIGNING_GENERATE": "true",
			"CUSTOS_SIGNING_CERT": filepath.Join(dir, "memo.crt"), "CUSTOS_SIGNING_KEY": filepath.Join(dir, "memo.key")}[k]
	})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	var logged bytes.Buffer
	signer, closeSigner, err := memoSigner(cfg, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeSigner()
	if signer.TSAURL != "" || !strings.Contains(logged.String(), "memos are signed WITHOUT a trusted timestamp") {
		t.Fatalf("no TSA configured; the log says:\n%s", logged.String())
	}
}
