package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

// A bundle whose checkpoints were removed: from the middle it is caught by
// the chain of checkpoints; cut at the end (the newest checkpoints and
// events dropped) it is caught against a memo's audit head, and without a
// memo the time of the last signed checkpoint shows how old it is.
func TestABundleWithCheckpointsRemovedIsCaught(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := apitest.New(t)
	cps := postgres.NewCheckpointService(env.Store, env.Signer)
	if err := cps.RegisterSigner(ctx); err != nil {
		t.Fatal(err)
	}
	env.Memos.Checkpoints = cps
	teams := env.SeedDemo()
	for _, name := range []string{"Fund IV", "Fund V"} {
		if _, err := env.Teams.CreateTeam(env.As("admin@example.com"), name); err != nil {
			t.Fatal(err)
		}
		if cp, err := cps.Checkpoint(ctx, "schedule"); err != nil || cp == nil {
			t.Fatalf("checkpoint: %+v, %v", cp, err)
		}
	}
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], 2)
	m, err := env.Memos.IssueMemo(env.As("officer@example.com"), ws.Evaluation.ID) // signs a checkpoint too
	if err != nil {
		t.Fatal(err)
	}
	_, pdf, err := env.Memos.DownloadMemo(env.As("auditor@example.com"), m.ID)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	cert := writeFile(t, dir, "org.crt", certPEM(env.Signer))
	memoPDF := writeFile(t, dir, "memo.pdf", pdf)
	full := filepath.Join(dir, "full.jsonl")
	if out, err := cli(t, env.Conf.URL(), nil, "audit", "export", "--out", full); err != nil {
		t.Fatalf("audit export: %v\n%s", err, out)
	}
	lines := bundleLines(t, full)
	var cpAt []int // line numbers of checkpoints
	for i, l := range lines {
		if strings.HasPrefix(l, `{"checkpoint"`) {
			cpAt = append(cpAt, i)
		}
	}
	if len(cpAt) != 3 {
		t.Fatalf("%d checkpoints in the bundle, want 3", len(cpAt))
	}
	verify := func(name string, keep func(i int, l string) bool, extra ...string) (string, error) {
		var kept []string
		for i, l := range lines {
			if keep(i, l) {
				kept = append(kept, l)
			}
		}
		p := writeFile(t, dir, name, []byte(strings.Join(kept, "\n")+"\n"))
		return cli(t, noDatabase, nil, append([]string{"audit", "verify", "--bundle", p, "--cert", cert}, extra...)...)
	}

	out, err := verify("whole.jsonl", func(int, string) bool { return true }, "--memo", memoPDF)
	if err != nil || !strings.Contains(out, "OK:") || !strings.Contains(out, "last signed checkpoint:") || !strings.Contains(out, "as memo "+memoPDF+" says") {
		t.Fatalf("the whole bundle with its memo: %v\n%s", err, out)
	}

	var code exitError
	out, err = verify("middle.jsonl", func(i int, _ string) bool { return i != cpAt[1] })
	t.Logf("a middle checkpoint removed:\n%s", out)
	if !errors.As(err, &code) || !strings.Contains(out, "a checkpoint was removed") {
		t.Fatalf("a middle checkpoint removed: %v\n%s", err, out)
	}

	// Cut at the end: the memo's checkpoint and every event from the
	// second checkpoint's on are gone. The chain and the checkpoints left
	// are consistent, so only the memo's audit head catches it.
	var second signing.Checkpoint
	var line struct{ Checkpoint *signing.Checkpoint }
	if err := json.Unmarshal([]byte(lines[cpAt[1]]), &line); err != nil {
		t.Fatal(err)
	}
	second = *line.Checkpoint
	cut := func(i int, l string) bool {
		if i == cpAt[2] {
			return false
		}
		var e struct{ Event *struct{ Seq int64 } }
		if err := json.Unmarshal([]byte(l), &e); err == nil && e.Event != nil {
			return e.Event.Seq <= second.Seq
		}
		return true
	}
	out, err = verify("cut.jsonl", cut)
	if err != nil || !strings.Contains(out, "last signed checkpoint:        "+second.SignedAt.Format("2006-01-02T15:04:05Z07:00")) {
		t.Fatalf("a bundle cut after a checkpoint verifies by itself but must show its last checkpoint's time: %v\n%s", err, out)
	}
	out, err = verify("cut-memo.jsonl", cut, "--memo", memoPDF)
	t.Logf("cut at the end, with the memo:\n%s", out)
	if !errors.As(err, &code) || !strings.Contains(out, "which the bundle lacks (the trail was cut)") {
		t.Fatalf("a bundle cut before the memo's audit head: %v\n%s", err, out)
	}
}

func bundleLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
