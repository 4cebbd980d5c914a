package memo

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/memo/memotest"
	"github.com/custos-dd/custos/internal/signing"
	"github.com/custos-dd/custos/internal/signing/tsatest"
)

// offlineSigner signs through a TSA whose clock reads the sample's issue
// time, so the proven time of signing falls in the certificate's validity
// (the signer's own signingTime claim is the machine's clock).
func offlineSigner(t *testing.T) *signing.Signer {
	t.Helper()
	at := memotest.SampleContent(2).IssuedAt
	s, err := signing.NewDevelopment(at)
	if err != nil {
		t.Fatal(err)
	}
	s.TSAURL = tsatest.New(t, at).Serve(t)
	return s
}

func TestOfflineVerdictOfASignedMemo(t *testing.T) {
	s := offlineSigner(t)
	m := memotest.SampleContent(2)
	signed, err := s.Sign(render(t, m), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v := VerifyOffline(signed, signing.Verifier{Earlier: []*x509.Certificate{s.Certificate()}})
	if !v.Genuine || len(v.Reasons) != 0 {
		t.Fatalf("verdict %+v", v.Reasons)
	}
	if v.Manifest.Evaluation.SnapshotSHA256 != hex.EncodeToString(m.Workspace.Evaluation.SnapshotHash) || len(v.Manifest.Approvals) != len(m.Approvers) {
		t.Errorf("manifest %+v", v.Manifest)
	}
	if !bytes.Contains(v.ManifestJSON, []byte(`"name": "Treasury & Digital Assets`)) {
		t.Errorf("the manifest escapes its text:\n%s", v.ManifestJSON)
	}
}

func TestOfflineVerdictNeedsAConsistentManifest(t *testing.T) {
	s := offlineSigner(t)
	m := memotest.SampleContent(2)
	// An approval of another snapshot than the memo describes.
	m.Approvers[0].SnapshotHash = bytes.Repeat([]byte{7}, 32)
	signed, err := s.Sign(render(t, m), m.IssuedAt)
	if err != nil {
		t.Fatal(err)
	}
	v := VerifyOffline(signed, s.Verifier())
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
	v = VerifyOffline(signedPlain, s.Verifier())
	if v.Genuine || !strings.Contains(strings.Join(v.Reasons, "; "), "carries no custos-manifest.json attachment") {
		t.Fatalf("a signed PDF without a manifest: genuine=%v, reasons %q", v.Genuine, v.Reasons)
	}
}
