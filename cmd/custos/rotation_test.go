package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

// TestRotatedKeysMemosOfOldAndNewKeyVerify: the organisation signs with
// key A, then rotates to key B. Memos of both verify against the database
// (given only B's certificate) and offline (given both certificates); the
// verdict names the key and whether it was the current one when it signed;
// a memo by a key the organisation never used does not verify.
func TestRotatedKeysMemosOfOldAndNewKeyVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := apitest.New(t)
	teams := env.SeedDemo()
	keyA := env.Signer
	if err := postgres.NewCheckpointService(env.Store, keyA).RegisterSigner(ctx); err != nil {
		t.Fatal(err)
	}
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], 2)
	issue := func(memos *postgres.MemoService) []byte {
		t.Helper()
		m, err := memos.IssueMemo(env.As("officer@example.com"), ws.Evaluation.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, pdf, err := memos.DownloadMemo(env.As("auditor@example.com"), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return pdf
	}
	byA := issue(env.Memos)

	env.Clock.Advance(24 * time.Hour)
	keyB, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewCheckpointService(env.Store, keyB).RegisterSigner(ctx); err != nil {
		t.Fatal(err)
	}
	renderer, err := memo.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	// Registering B again changes nothing; going back to the retired A is refused.
	if err := postgres.NewCheckpointService(env.Store, keyB).RegisterSigner(ctx); err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewCheckpointService(env.Store, keyA).RegisterSigner(ctx); err == nil || !strings.Contains(err.Error(), "was replaced on 2026-11-27T09:00:00Z") {
		t.Fatalf("re-registering the retired key: %v", err)
	}
	byB := issue(postgres.NewMemoService(env.Store, env.Evaluations, renderer, keyB, keyB.Verifier()))
	env.Clock.Advance(time.Hour)
	byAAfterRotation := issue(env.Memos) // a server still configured with the old key
	unknown, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	byUnknown := issue(postgres.NewMemoService(env.Store, env.Evaluations, renderer, unknown, unknown.Verifier()))

	dir := t.TempDir()
	vars := map[string]string{"CUSTOS_SIGNING_CERT": writeFile(t, dir, "current.crt", certPEM(keyB))}
	for _, c := range []struct {
		name    string
		pdf     []byte
		want    []string
		genuine bool
	}{
		{"by-a.pdf", byA, []string{"signing key:               CN=Custos development signing,O=Custos (fingerprint " + keyA.Fingerprint(), "the current key then:      yes"}, true},
		{"by-b.pdf", byB, []string{"(fingerprint " + keyB.Fingerprint() + "), in use from 2026-11-27T09:00:00Z until now", "the current key then:      yes"}, true},
		{"by-a-after.pdf", byAAfterRotation, []string{"until 2026-11-27T09:00:00Z", "the current key then:      NO"}, true},
		{"by-unknown.pdf", byUnknown, []string{"signed by another certificate (fingerprint " + unknown.Fingerprint()}, false},
	} {
		out, err := cli(t, env.Conf.URL(), vars, "memo", "verify", writeFile(t, dir, c.name, c.pdf))
		t.Logf("memo verify %s:\n%s", c.name, out)
		var code exitError
		if c.genuine && err != nil || !c.genuine && (!errors.As(err, &code) || code != 1) {
			t.Errorf("memo verify %s: %v, want genuine=%v", c.name, err, c.genuine)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("memo verify %s: the verdict lacks %q", c.name, w)
			}
		}
	}

	// Offline, ORG.crt holds every certificate the organisation has used,
	// as custos memo certs prints them.
	certs, err := cli(t, env.Conf.URL(), nil, "memo", "certs")
	if err != nil || strings.Count(certs, "BEGIN CERTIFICATE") != 2 || !strings.Contains(certs, "until 2026-11-27T09:00:00Z") {
		t.Fatalf("memo certs: %v\n%s", err, certs)
	}
	both := writeFile(t, dir, "org.crt", []byte(certs))
	for name, pdf := range map[string][]byte{"by-a.pdf": byA, "by-b.pdf": byB} {
		if out, err := cli(t, noDatabase, nil, "memo", "verify", "--offline", "--cert", both, writeFile(t, dir, name, pdf)); err != nil {
			t.Errorf("offline verification of %s with both certificates: %v\n%s", name, err, out)
		}
	}
	out, err := cli(t, noDatabase, nil, "memo", "verify", "--offline", "--cert", both, writeFile(t, dir, "by-unknown.pdf", byUnknown))
	if err == nil || !strings.Contains(out, "signed by another certificate") {
		t.Errorf("offline verification of a memo by an unknown key: %v\n%s", err, out)
	}
}
