package signing

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/digitorus/timestamp"
)

// TimestampCheck is what checking a signature's RFC 3161 timestamp found.
type TimestampCheck struct {
	// Time is when the time-stamping authority (TSA) says it saw the signature.
	Time time.Time
	// TSA is the authority's certificate, as carried in the token.
	TSA *x509.Certificate
	// Valid: the token's own signature verifies and its message imprint
	// is the digest of this signature's value, so the signature existed
	// at Time, by the TSA's word.
	Valid bool
	// Trusted: the TSA is one the verifier was told to trust. Only a valid
	// token of a trusted TSA proves the time: the token sits in the CMS's
	// unsigned attributes, so anyone can put one of their own TSA there.
	Trusted  bool
	Problems []string
}

// checkTimestamp verifies an RFC 3161 token found in a signature's
// unsigned attributes: the TSA's signature over the token (the token must
// carry the TSA's certificate), that its imprint covers signatureValue
// (PAdES B-T: the timestamp is over the signature, not the document), and,
// that the TSA is one of trustedTSAs: with none given the timestamp is
// reported as unverified (Valid but not Trusted), never as proof.
func checkTimestamp(token, signatureValue []byte, trustedTSAs []*x509.Certificate) *TimestampCheck {
	tc := &TimestampCheck{}
	ts, err := timestamp.Parse(token)
	if err != nil {
		tc.Problems = append(tc.Problems, "the timestamp token does not verify: "+err.Error())
		return tc
	}
	tc.Time = ts.Time.UTC()
	if len(ts.Certificates) == 0 {
		tc.Problems = append(tc.Problems, "the timestamp token carries no certificate of its authority, so it cannot be checked")
		return tc
	}
	tc.TSA = ts.Certificates[0]
	for _, c := range ts.Certificates {
		for _, u := range c.ExtKeyUsage {
			if u == x509.ExtKeyUsageTimeStamping {
				tc.TSA = c
			}
		}
	}
	if !ts.HashAlgorithm.Available() {
		tc.Problems = append(tc.Problems, "the timestamp uses an unsupported digest")
		return tc
	}
	h := ts.HashAlgorithm.New()
	h.Write(signatureValue)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		tc.Problems = append(tc.Problems, "the timestamp token is over other bytes than this signature")
		return tc
	}
	for _, c := range trustedTSAs {
		tc.Trusted = tc.Trusted || bytes.Equal(c.Raw, tc.TSA.Raw)
	}
	if len(trustedTSAs) > 0 && !tc.Trusted {
		tc.Problems = append(tc.Problems, fmt.Sprintf("the timestamp is by an authority that is not trusted (%s, fingerprint %s)", tc.TSA.Subject.CommonName, Fingerprint(tc.TSA)))
		return tc
	}
	tc.Valid = true
	return tc
}
