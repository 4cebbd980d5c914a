package signing

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/pdftest"
)

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// makePDF writes a small, valid one-page PDF by hand: classic xref table,
// uncompressed content stream of the given lines plus padding comment
// lines up to about minSize bytes.
func makePDF(lines []string, minSize int) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 56 780 Td 14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET\n")
	for i := 0; content.Len() < minSize; i++ {
		fmt.Fprintf(&content, "%% padding line %06d so that the test document has a realistic size .........\n", i)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Title (Custos test memo) /Producer (signing_test) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func memoPDF() []byte {
	return makePDF([]string{
		"Custos memo 42: approved custodian shortlist",
		"Hello committee. Ranked first: Example Custody Bank.",
		"Snapshot 9f2c6a1e",
	}, 0)
}

var pdfsigMu sync.Mutex

// pdfsig runs poppler's pdfsig on doc and returns its output. pdfsig exits
// 0 even for a digest mismatch, so callers read the output.
func pdfsig(t *testing.T, doc []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		t.Fatalf("pdfsig not found: install poppler-utils (apt-get install -y poppler-utils)")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	pdfsigMu.Lock()
	defer pdfsigMu.Unlock()
	out, _ := exec.Command(bin, p).CombinedOutput()
	return string(out)
}

func devSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := NewDevelopment(testNow)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hasProblem(c custos.SignatureCheck, p string) bool {
	for _, q := range c.Problems {
		if strings.Contains(q, p) {
			return true
		}
	}
	return false
}

func TestSignVerifyAndPdfsig(t *testing.T) {
	s := devSigner(t)
	in := memoPDF()
	signed, err := s.Sign(in, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, in) {
		t.Fatal("signed PDF is not an incremental update of the input")
	}
	for _, want := range []string{"/SubFilter /adbe.pkcs7.detached", "(" + Reason + ")", "/M (D:20260314093000"} {
		if !bytes.Contains(signed, []byte(want)) {
			t.Errorf("signed PDF lacks %q", want)
		}
	}

	c := s.Verifier().Verify(signed)
	if !c.Signed || !c.Valid || !c.CoversWholeFile || !c.OurCertificate || len(c.Problems) != 0 {
		t.Fatalf("check = %+v", c)
	}
	if c.SignerFingerprint != s.Fingerprint() || len(s.Fingerprint()) != 64 {
		t.Fatalf("fingerprint %q, signer %q", c.SignerFingerprint, s.Fingerprint())
	}

	out := pdfsig(t, signed)
	t.Logf("pdfsig:\n%s", out)
	for _, want := range []string{"Signature is Valid.", "Total document signed", "Custos development signing"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig output lacks %q", want)
		}
	}

	// Signing a signed file again is also an incremental update.
	again, err := s.Sign(signed, testNow.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Verifier().Verify(again); !c.Valid || !c.CoversWholeFile || !c.OurCertificate {
		t.Fatalf("re-signed: %+v", c)
	}
}

func TestFlippedByte(t *testing.T) {
	s := devSigner(t)
	signed, err := s.Sign(memoPDF(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(signed, []byte("Hello committee"))
	if i < 0 {
		t.Fatal("text not found")
	}
	bad := bytes.Clone(signed)
	bad[i] = 'J' // "Jello committee": still a well-formed PDF
	c := s.Verifier().Verify(bad)
	if !c.Signed || c.Valid || !hasProblem(c, ProblemContentChanged) {
		t.Fatalf("check = %+v", c)
	}
	out := pdfsig(t, bad)
	t.Logf("pdfsig:\n%s", out)
	if strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Digest Mismatch.") {
		t.Errorf("pdfsig should report a digest mismatch")
	}

	// A byte flipped in the padding of /Contents is not signed, but must not pass either.
	m := regexp.MustCompile(`/Contents\s*<[0-9a-fA-F]*?(0{16,})>`).FindSubmatchIndex(signed)
	if m == nil {
		t.Fatal("no zero padding in /Contents")
	}
	bad = bytes.Clone(signed)
	bad[m[2]+4] = '7'
	if c := s.Verifier().Verify(bad); c.Valid {
		t.Fatalf("padding change accepted: %+v", c)
	}
}

func TestAppendedUpdate(t *testing.T) {
	s := devSigner(t)
	signed, err := s.Sign(memoPDF(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	// Redefine the page content (object 5): the classic "shadow" attack.
	tampered := pdftest.AppendUpdate(t, signed, 5)
	c := s.Verifier().Verify(tampered)
	if !c.Signed || !c.Valid || c.CoversWholeFile || !c.OurCertificate || !hasProblem(c, ProblemAppended) {
		t.Fatalf("check = %+v", c)
	}
	out := pdfsig(t, tampered)
	t.Logf("pdfsig:\n%s", out)
	if !strings.Contains(out, "Not total document signed") {
		t.Errorf("pdfsig should say %q", "Not total document signed")
	}
	// Only whitespace appended is still "something appended".
	if c := s.Verifier().Verify(append(bytes.Clone(signed), '\n')); c.CoversWholeFile {
		t.Fatalf("appended newline: %+v", c)
	}
	// Cut off: the range runs past the end.
	if c := s.Verifier().Verify(signed[:len(signed)-10]); c.Valid || c.CoversWholeFile {
		t.Fatalf("truncated: %+v", c)
	}
}

func TestOtherCertificate(t *testing.T) {
	ours, other := devSigner(t), devSigner(t)
	signed, err := other.Sign(memoPDF(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	c := ours.Verifier().Verify(signed)
	if !c.Signed || !c.Valid || !c.CoversWholeFile || c.OurCertificate {
		t.Fatalf("check = %+v", c)
	}
	if c.SignerFingerprint != other.Fingerprint() ||
		!hasProblem(c, "signed by another certificate (fingerprint "+other.Fingerprint()+")") {
		t.Fatalf("check = %+v", c)
	}
	if c := (Verifier{}).Verify(signed); c.OurCertificate || len(c.Problems) == 0 {
		t.Fatalf("no trusted certificate: %+v", c)
	}
}

func TestUnsigned(t *testing.T) {
	c := devSigner(t).Verifier().Verify(memoPDF())
	if c.Signed || c.Valid || c.CoversWholeFile || c.OurCertificate || len(c.Problems) != 1 || c.Problems[0] != ProblemNotSigned {
		t.Fatalf("check = %+v", c)
	}
	if c := (Verifier{}).Verify(nil); c.Signed || !hasProblem(c, ProblemNotSigned) {
		t.Fatalf("empty: %+v", c)
	}
	if c := (Verifier{}).Verify([]byte("/ByteRange [0 1 2 3] /Contents <3000>")); c.Valid {
		t.Fatalf("garbage: %+v", c)
	}
}

func TestRSAKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "Custos RSA test", Organization: []string{"Custos"}, Locality: []string{"Zürich"}},
		NotBefore:    testNow.Add(-time.Hour),
		NotAfter:     testNow.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "rsa.crt"), filepath.Join(dir, "rsa.key")
	writePEM(t, certPath, "CERTIFICATE", der)
	writePEM(t, keyPath, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	s, err := LoadOrCreate(certPath, keyPath, false, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if s.Location != "Zürich" {
		t.Errorf("location %q", s.Location)
	}
	signed, err := s.Sign(memoPDF(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Verifier().Verify(signed); !c.Valid || !c.CoversWholeFile || !c.OurCertificate {
		t.Fatalf("check = %+v", c)
	}
	if out := pdfsig(t, signed); !strings.Contains(out, "Signature is Valid.") {
		t.Fatalf("pdfsig:\n%s", out)
	}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets", "signing")
	certPath, keyPath := filepath.Join(dir, "memo.crt"), filepath.Join(dir, "memo.key")

	if _, err := LoadOrCreate(certPath, keyPath, false, testNow); err == nil {
		t.Fatal("missing files without create: no error")
	}
	s, err := LoadOrCreate(certPath, keyPath, true, testNow)
	if err != nil {
		t.Fatal(err)
	}
	for path, perm := range map[string]os.FileMode{certPath: 0o644, keyPath: 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != perm {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), perm)
		}
	}
	cert := s.Certificate()
	if cert.Subject.CommonName != DevelopmentCommonName || cert.Subject.Organization[0] != "Custos" ||
		cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment ||
		cert.NotAfter.Before(testNow.AddDate(4, 11, 0)) {
		t.Fatalf("certificate: %+v", cert.Subject)
	}
	if _, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Fatalf("key type %T", cert.PublicKey)
	}

	again, err := LoadOrCreate(certPath, keyPath, true, testNow.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.Fingerprint() != s.Fingerprint() {
		t.Fatal("reload gave another certificate")
	}
	signed, err := again.Sign(memoPDF(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Verifier().Verify(signed); !c.Valid || !c.OurCertificate {
		t.Fatalf("check = %+v", c)
	}

	// Expired.
	if _, err := LoadOrCreate(certPath, keyPath, true, testNow.AddDate(6, 0, 0)); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired: %v", err)
	}

	// SEC 1 "EC PRIVATE KEY" form loads too.
	k, err := ParsePrivateKeyPEM(mustRead(t, keyPath))
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(k.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	ecPath := filepath.Join(dir, "memo-ec.key")
	writePEM(t, ecPath, "EC PRIVATE KEY", sec1)
	if s2, err := LoadOrCreate(certPath, ecPath, false, testNow); err != nil || s2.Fingerprint() != s.Fingerprint() {
		t.Fatalf("EC PRIVATE KEY: %v", err)
	}

	// Only one of the two files.
	lone := filepath.Join(t.TempDir(), "absent.key")
	if _, err := LoadOrCreate(certPath, lone, true, testNow); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("certificate without key: %v", err)
	}
	if _, err := LoadOrCreate(filepath.Join(t.TempDir(), "absent.crt"), keyPath, true, testNow); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("key without certificate: %v", err)
	}
}

func TestMismatchedKey(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "a.crt"), filepath.Join(dir, "a.key")
	if _, err := LoadOrCreate(certPath, keyPath, true, testNow); err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(other)
	if err != nil {
		t.Fatal(err)
	}
	wrong := filepath.Join(dir, "wrong.key")
	writePEM(t, wrong, "PRIVATE KEY", der)
	_, err = LoadOrCreate(certPath, wrong, true, testNow)
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched key: %v", err)
	}
	if _, err := New(devSigner(t).Certificate(), other); err == nil {
		t.Fatal("New accepted a mismatched key")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkSign100KB(b *testing.B) {
	s := devSigner(b)
	doc := makePDF([]string{"Custos benchmark memo"}, 100<<10)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Sign(doc, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify100KB(b *testing.B) {
	s := devSigner(b)
	signed, err := s.Sign(makePDF([]string{"Custos benchmark memo"}, 100<<10), testNow)
	if err != nil {
		b.Fatal(err)
	}
	v := s.Verifier()
	b.SetBytes(int64(len(signed)))
	b.ResetTimer()
	for b.Loop() {
		if c := v.Verify(signed); !c.Valid {
			b.Fatal(c.Problems)
		}
	}
}
