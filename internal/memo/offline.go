package memo

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/custos-dd/custos/internal/signing"
)

// OfflineVerdict answers, from the file and the organisation's
// certificates alone, "is this an unaltered memo that the organisation
// signed, and what does it say was approved?".
type OfflineVerdict struct {
	Genuine bool
	SHA256  [sha256.Size]byte
	Size    int
	// Signature is the signature, byte range, signer, timestamp and
	// certificate-validity check.
	Signature signing.Result
	// Manifest is what the memo states about itself (nil when absent or
	// unreadable), ManifestJSON its bytes as attached.
	Manifest     *Manifest
	ManifestJSON []byte
	// Reasons says, in words, why the file is not genuine.
	Reasons []string
	// Warnings are doubts that do not make the file a forgery: a timestamp
	// by no trusted TSA, a timestamp far from the manifest's issued_at.
	Warnings []string
}

// TimestampSkew is how far a timestamp may lie from the manifest's
// issued_at before it is flagged: signing follows issuing within seconds.
const TimestampSkew = 10 * time.Minute

// VerifyOffline checks doc with no database: the signature is valid, by one
// of the organisation's certificates (v.Trusted or v.Earlier), over the
// whole file; the certificate was valid when the signature was made (by its
// RFC 3161 timestamp when it has one, which must then verify and cover the
// signature); and the file carries a well-formed manifest inside the signed
// bytes, whose approvals are of the snapshot it describes.
func VerifyOffline(doc []byte, v signing.Verifier) *OfflineVerdict {
	out := &OfflineVerdict{SHA256: sha256.Sum256(doc), Size: len(doc), Signature: v.Check(doc)}
	out.Reasons = append(out.Reasons, out.Signature.Problems...)
	sig := out.Signature
	if sig.Signed && sig.Valid && sig.CoversWholeFile {
		// Only a manifest inside bytes the signature covers says anything.
		m, raw, err := ReadManifest(doc)
		out.ManifestJSON = raw
		switch {
		case err != nil:
			out.Reasons = append(out.Reasons, "manifest: "+err.Error())
		default:
			out.Manifest = m
			for _, p := range m.Check() {
				out.Reasons = append(out.Reasons, "manifest: "+p)
			}
		}
	}
	if ts := sig.Timestamp; ts != nil && ts.Valid && !ts.Trusted {
		out.Warnings = append(out.Warnings, "unverified timestamp: no trusted time-stamping authority certificate was given (--tsa-cert), so its time proves nothing")
	}
	if ts := sig.Timestamp; ts != nil && ts.Valid && out.Manifest != nil {
		if d := ts.Time.Sub(out.Manifest.Memo.IssuedAt); d > TimestampSkew || d < -TimestampSkew {
			out.Warnings = append(out.Warnings, fmt.Sprintf("the timestamp (%s) is %s away from the manifest's issued_at (%s)",
				ts.Time.Format(time.RFC3339), d.Abs().Round(time.Second), out.Manifest.Memo.IssuedAt.Format(time.RFC3339)))
		}
	}
	out.Genuine = sig.Signed && sig.Valid && sig.CoversWholeFile && sig.OurCertificate && out.Manifest != nil && len(out.Reasons) == 0
	return out
}
