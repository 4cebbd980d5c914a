package main

import (
	"bytes"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/signing"
	"github.com/custos-dd/custos/internal/signing/tsatest"
)

// noDatabase is a DATABASE_URL where nothing listens: offline verification
// must not need one (and would fail loudly if it tried).
const noDatabase = "postgres://custos@127.0.0.1:1/gone?sslmode=disable&connect_timeout=2"

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func certPEM(certs ...*signing.Signer) []byte {
	var b []byte
	for _, s := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})...)
	}
	return b
}

func TestMemoVerifyOfflineWithNoDatabase(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	tsa := tsatest.New(t, env.Clock.Now())
	env.Signer.TSAURL = tsa.Serve(t)
	teams := env.SeedDemo()
	ws := env.ApprovedEvaluation(env.As("officer@example.com"), env.As("manager@example.com"), teams[demo.TreasuryTeam], 2)
	first, err := env.Memos.IssueMemo(env.As("officer@example.com"), ws.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := env.Memos.IssueMemo(env.As("officer@example.com"), ws.Evaluation.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, pdf, err := env.Memos.DownloadMemo(env.As("auditor@example.com"), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	env.SQL.Close() // from here on there is no database at all

	dir := t.TempDir()
	orgCert := writeFile(t, dir, "org.crt", certPEM(env.Signer))
	other, err := signing.NewDevelopment(env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherCert := writeFile(t, dir, "other-org.crt", certPEM(other))
	genuine := writeFile(t, dir, "memo.pdf", pdf)

	out, err := cli(t, noDatabase, nil, "memo", "verify", "--offline", "--cert", orgCert, "--tsa-cert",
		writeFile(t, dir, "tsa.crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tsa.Cert.Raw})), genuine)
	t.Logf("memo verify --offline:\n%s", out)
	if err != nil || !strings.Contains(out, "GENUINE: an unaltered memo signed with the organisation's key, verified offline") {
		t.Fatalf("offline verification of the issued memo: %v\n%s", err, out)
	}
	for _, want := range []string{"proven by the timestamp", "covers the signature: yes", "Custos test TSA", `"snapshot_sha256": "` + hex.EncodeToString(ws.Evaluation.SnapshotHash) + `"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the verdict lacks %q", want)
		}
	}

	// The manifest it printed states the evaluation, the approvals of its
	// snapshot, the audit head at approval and the memo it replaces.
	mf, _, err := memo.ReadManifest(pdf)
	if err != nil {
		t.Fatal(err)
	}
	type approval struct{ Manager, Snapshot string }
	var got []approval
	for _, a := range mf.Approvals {
		got = append(got, approval{a.Manager, a.SnapshotSHA256})
	}
	snap := hex.EncodeToString(ws.Evaluation.SnapshotHash)
	if diff := cmp.Diff([]approval{{"Maya Manager", snap}}, got); diff != "" {
		t.Errorf("manifest approvals (-want +got):\n%s", diff)
	}
	if mf.Evaluation.ID != ws.Evaluation.ID || mf.Memo.ID != m.ID || mf.AuditHead.Seq != m.AuditHeadSeq ||
		mf.AuditHead.SHA256 != hex.EncodeToString(m.AuditHeadHash) {
		t.Errorf("manifest %+v does not match memo %+v", mf, m)
	}
	if mf.Predecessor == nil || mf.Predecessor.MemoID != first.ID || mf.Predecessor.SHA256 != hex.EncodeToString(first.SHA256) {
		t.Errorf("predecessor %+v, want memo %d", mf.Predecessor, first.ID)
	}

	changed := bytes.Clone(pdf)
	changed[len(changed)/3] ^= 0x20
	for _, c := range []struct {
		name, cert string
		file       []byte
		reason     string
	}{
		{"changed.pdf", orgCert, changed, "changed after signing"},
		{"appended.pdf", orgCert, apitest.AppendUpdate(t, pdf), "appended after the signature"},
		{"memo.pdf", otherCert, pdf, "signed by another certificate"},
	} {
		out, err := cli(t, noDatabase, nil, "memo", "verify", "--offline", "--cert", c.cert, writeFile(t, dir, c.name, c.file))
		var code exitError
		if !errors.As(err, &code) || code != 1 || !strings.Contains(out, "NOT GENUINE") || !strings.Contains(out, c.reason) {
			t.Errorf("offline verification of %s with %s: %v, want exit 1 naming %q\n%s", c.name, filepath.Base(c.cert), err, c.reason, out)
		}
	}
}
