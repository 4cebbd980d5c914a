package memo

import (
	"crypto/sha256"

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
}

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
	out.Genuine = sig.Signed && sig.Valid && sig.CoversWholeFile && sig.OurCertificate && out.Manifest != nil && len(out.Reasons) == 0
	return out
}
