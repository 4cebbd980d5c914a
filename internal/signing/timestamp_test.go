package signing

import (
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/signing/tsatest"
)

var tsNow = testNow

// timestamped signs a small PDF with a development key valid from tsNow
// minus an hour for five years, through a TSA whose clock reads at.
func timestamped(t *testing.T, at time.Time, overOtherBytes bool) (*Signer, *tsatest.TSA, Result) {
	s, tsa, _, r := timestampedDoc(t, at, overOtherBytes)
	return s, tsa, r
}

func timestampedDoc(t *testing.T, at time.Time, overOtherBytes bool) (*Signer, *tsatest.TSA, []byte, Result) {
	t.Helper()
	s, err := NewDevelopment(tsNow)
	if err != nil {
		t.Fatal(err)
	}
	tsa := tsatest.New(t, at)
	if overOtherBytes {
		sum := sha256.Sum256([]byte("some other signature"))
		tsa.Imprint = sum[:]
	}
	s.TSAURL = tsa.Serve(t)
	signed, err := s.Sign(memoPDF(), at)
	if err != nil {
		t.Fatal(err)
	}
	if tsa.Requests != 1 {
		t.Fatalf("the TSA was asked %d times, want once", tsa.Requests)
	}
	v := s.Verifier()
	v.TSAs = []*x509.Certificate{tsa.Cert}
	return s, tsa, signed, v.Check(signed)
}

func TestTimestampedSignatureVerifies(t *testing.T) {
	at := tsNow.Add(24 * time.Hour)
	s, tsa, signed, r := timestampedDoc(t, at, false)
	if diff := cmp.Diff([]string{}, r.Problems); diff != "" {
		t.Fatalf("problems (-want +got):\n%s", diff)
	}
	if !r.Valid || !r.OurCertificate || r.Timestamp == nil || !r.Timestamp.Valid || !r.TimeTrusted {
		t.Fatalf("result %+v, timestamp %+v", r.SignatureCheck, r.Timestamp)
	}
	if !r.SignedAt.Equal(at) || r.Timestamp.TSA.Subject.CommonName != tsa.Cert.Subject.CommonName {
		t.Errorf("signed at %s by TSA %q; want %s by %q", r.SignedAt, r.Timestamp.TSA.Subject.CommonName, at, tsa.Cert.Subject.CommonName)
	}
	// PAdES B-T: the signature itself is unchanged, and readers accept it.
	out := pdfsig(t, signed)
	for _, want := range []string{"Signature is Valid.", "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig output lacks %q:\n%s", want, out)
		}
	}
	if s.TSAURL == "" {
		t.Fatal("the signer lost its TSA")
	}
}

func TestTimestampOverOtherBytesIsRefused(t *testing.T) {
	_, _, r := timestamped(t, tsNow.Add(time.Hour), true)
	if r.Timestamp == nil || r.Timestamp.Valid || r.TimeTrusted {
		t.Fatalf("a token over other bytes was accepted: %+v", r.Timestamp)
	}
	if !strings.Contains(strings.Join(r.Problems, "; "), "the timestamp token is over other bytes than this signature") {
		t.Errorf("problems %q do not say the token is over other bytes", r.Problems)
	}
}

func TestSignatureAfterExpiryIsRefusedAndOneBeforeStaysValid(t *testing.T) {
	// The development certificate is valid for five years from tsNow.
	_, _, after := timestamped(t, tsNow.AddDate(6, 0, 0), false)
	if len(after.Problems) == 0 || !strings.Contains(after.Problems[0], "when the signer's certificate was not valid") {
		t.Fatalf("a signature timestamped after the certificate expired: problems %q", after.Problems)
	}
	// Made a day before expiry: the verdict does not depend on today's
	// date, only on the timestamp's, so it stays valid after expiry.
	_, _, before := timestamped(t, tsNow.AddDate(5, 0, -1), false)
	if len(before.Problems) != 0 || !before.TimeTrusted {
		t.Fatalf("a signature timestamped before expiry: problems %q", before.Problems)
	}
}

func TestUntrustedTSAIsRefused(t *testing.T) {
	s, err := NewDevelopment(tsNow)
	if err != nil {
		t.Fatal(err)
	}
	tsa := tsatest.New(t, tsNow)
	s.TSAURL = tsa.Serve(t)
	signed, err := s.Sign(memoPDF(), tsNow)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Verifier()
	v.TSAs = append(v.TSAs, tsatest.New(t, tsNow).Cert)
	r := v.Check(signed)
	if r.TimeTrusted || !strings.Contains(strings.Join(r.Problems, "; "), "not trusted") {
		t.Fatalf("a timestamp by an unlisted TSA: %+v", r.Problems)
	}
	v.TSAs = append(v.TSAs, tsa.Cert)
	if r := v.Check(signed); len(r.Problems) != 0 || !r.TimeTrusted {
		t.Fatalf("a timestamp by a listed TSA: %+v", r.Problems)
	}
}

// Without a timestamp the time of signing is the signer's claim: the
// dictionary's /M, written from the caller's clock.
func TestClaimedTimeIsTheDictionaryDate(t *testing.T) {
	s := devSigner(t)
	at := testNow.Add(90 * time.Minute)
	signed, err := s.Sign(memoPDF(), at)
	if err != nil {
		t.Fatal(err)
	}
	r := s.Verifier().Check(signed)
	if len(r.Problems) != 0 || r.TimeTrusted || !r.SignedAt.Equal(at) {
		t.Fatalf("signed at %s (trusted %v), problems %q; want the claim %s", r.SignedAt, r.TimeTrusted, r.Problems, at)
	}
	// A claim outside the certificate's validity is refused too.
	late, err := s.Sign(memoPDF(), testNow.AddDate(6, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Verifier().Check(late); len(r.Problems) == 0 || !strings.Contains(r.Problems[0], "claims to be signed at") {
		t.Fatalf("a claim after expiry: %q", r.Problems)
	}
}

// A timestamp sits in the signature's unsigned attributes, so anyone can
// put there a token of a TSA of their own, with any time. The review's
// forged token showed as "proven". Only a TSA the verifier trusts proves a
// time; with none given, a timestamp is unverified and the time is the
// signer's claim.
func TestAForgedTimestampIsNeverProof(t *testing.T) {
	s, err := NewDevelopment(tsNow)
	if err != nil {
		t.Fatal(err)
	}
	realTSA := tsatest.New(t, tsNow)
	forger := tsatest.New(t, tsNow.Add(-30*24*time.Hour)) // backdates by a month
	s.TSAURL = forger.Serve(t)
	claimed := tsNow.Add(time.Hour)
	signed, err := s.Sign(memoPDF(), claimed)
	if err != nil {
		t.Fatal(err)
	}

	r := s.Verifier().Check(signed) // no trusted TSA given
	if r.Timestamp == nil || !r.Timestamp.Valid || r.Timestamp.Trusted || r.TimeTrusted {
		t.Fatalf("with no trusted TSA: timestamp %+v, time trusted %v", r.Timestamp, r.TimeTrusted)
	}
	if !r.SignedAt.Equal(r.ClaimedTime) || r.SignedAt.Equal(r.Timestamp.Time) {
		t.Errorf("signed at %s, want the signer's claim %s, not the forged time %s", r.SignedAt, r.ClaimedTime, r.Timestamp.Time)
	}
	if diff := cmp.Diff([]string{}, r.Problems); diff != "" {
		t.Errorf("an unverified timestamp is no problem in itself (-want +got):\n%s", diff)
	}

	v := s.Verifier()
	v.TSAs = []*x509.Certificate{realTSA.Cert}
	r = v.Check(signed)
	if r.TimeTrusted || !strings.Contains(strings.Join(r.Problems, "; "), "not trusted") {
		t.Fatalf("with the real TSA trusted, the forged token: trusted %v, problems %q", r.TimeTrusted, r.Problems)
	}
}
