package memo

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/memo/memotest"
	"github.com/custos-dd/custos/internal/signing"
	"github.com/custos-dd/custos/internal/signing/tsatest"
)

// offlineSigner signs through a TSA whose clock reads the sample's issue
// time, so the proven time of signing falls in the certificate's validity
// (the signer's own signingTime claim is the machine's clock).
func offlineSigner(t *testing.T) (*signing.Signer, signing.Verifier) {
	t.Helper()
	at := memotest.SampleContent(2).IssuedAt
	s, err := signing.NewDevelopment(at)
	if err != nil {
		t.Fatal(err)
	}
	tsa := tsatest.New(t, at)
	s.TSAURL = tsa.Serve(t)
	v := s.Verifier()
	v.TSAs = []*x509.Certificate{tsa.Cert}
	return s, v
}

func TestOfflineVerdictOfASignedMemo(t *testing.T) {
	s, trusting := offlineSigner(t)
	m := memotest.SampleContent(2)
	signed, err := s.Sign(render(t, m), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v := VerifyOffline(signed, signing.Verifier{Earlier: []*x509.Certificate{s.Certificate()}, TSAs: trusting.TSAs})
	if !v.Genuine || len(v.Reasons) != 0 || len(v.Warnings) != 0 {
		t.Fatalf("verdict %+v, warnings %q", v.Reasons, v.Warnings)
	}
	if v.Manifest.Evaluation.SnapshotSHA256 != hex.EncodeToString(m.Workspace.Evaluation.SnapshotHash) || len(v.Manifest.Approvals) != len(m.Approvers) {
		t.Errorf("manifest %+v", v.Manifest)
	}
	if !bytes.Contains(v.ManifestJSON, []byte(`"name": "Treasury & Digital Assets`)) {
		t.Errorf("the manifest escapes its text:\n%s", v.ManifestJSON)
	}
}

func TestOfflineVerdictNeedsAConsistentManifest(t *testing.T) {
	s, trusting := offlineSigner(t)
	m := memotest.SampleContent(2)
	// An approval of another snapshot than the memo describes.
	m.Approvers[0].SnapshotHash = bytes.Repeat([]byte{7}, 32)
	signed, err := s.Sign(render(t, m), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v := VerifyOffline(signed, trusting)
	if v.Genuine || !strings.Contains(strings.Join(v.Reasons, "; "), "approved snapshot 0707") {
		t.Fatalf("an approval of another snapshot: genuine=%v, reasons %q", v.Genuine, v.Reasons)
	}

	// A PDF the organisation signed that carries no manifest.
	var plain bytes.Buffer
	plain.WriteString("%PDF-1.7\n")
	var offsets []int
	for i, o := range []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"} {
		offsets = append(offsets, plain.Len())
		fmt.Fprintf(&plain, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := plain.Len()
	fmt.Fprintf(&plain, "xref\n0 4\n0000000000 65535 f \n")
	for _, off := range offsets {
		fmt.Fprintf(&plain, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&plain, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
	signedPlain, err := s.Sign(plain.Bytes(), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v = VerifyOffline(signedPlain, trusting)
	if v.Genuine || !strings.Contains(strings.Join(v.Reasons, "; "), "carries no custos-manifest.json attachment") {
		t.Fatalf("a signed PDF without a manifest: genuine=%v, reasons %q", v.Genuine, v.Reasons)
	}
}

// A timestamp by no TSA the verifier trusts is reported as unverified, and
// one far from the manifest's issued_at is flagged.
func TestOfflineVerdictFlagsAnUnverifiedOrDistantTimestamp(t *testing.T) {
	m := memotest.SampleContent(2)
	s, err := signing.NewDevelopment(m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	real := tsatest.New(t, m.IssuedAt.Add(time.Minute))
	s.TSAURL = real.Serve(t)
	signed, err := s.Sign(render(t, m), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Verifier()
	v.TSAs = []*x509.Certificate{real.Cert}
	if got := VerifyOffline(signed, v); !got.Genuine || len(got.Warnings) != 0 {
		t.Fatalf("a trusted timestamp a minute after issue: genuine=%v reasons %q warnings %q", got.Genuine, got.Reasons, got.Warnings)
	}
	if got := VerifyOffline(signed, s.Verifier()); !strings.Contains(strings.Join(got.Warnings, "; "), "unverified timestamp") {
		t.Errorf("no trusted TSA given: warnings %q", got.Warnings)
	}

	late := tsatest.New(t, m.IssuedAt.Add(11*time.Minute))
	s.TSAURL = late.Serve(t)
	signed, err = s.Sign(render(t, m), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v.TSAs = []*x509.Certificate{late.Cert}
	if got := VerifyOffline(signed, v); !strings.Contains(strings.Join(got.Warnings, "; "), "away from the manifest's issued_at") {
		t.Errorf("a timestamp 11 minutes after issue: warnings %q", got.Warnings)
	}
}
