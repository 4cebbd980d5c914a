package signing

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// The problems Verify reports, in words.
const (
	ProblemNotSigned       = "not signed"
	ProblemContentChanged  = "the signature does not match the content (the file was changed after signing)"
	ProblemAppended        = "something was appended after the signature"
	problemOtherCertPrefix = "signed by another certificate (fingerprint "
)

// Verifier checks the last PDF signature in a file against the
// organisation's certificates.
type Verifier struct {
	// Trusted is our signing certificate; a signature by any other
	// certificate (than Trusted and Earlier) is reported as such.
	Trusted *x509.Certificate
	// Earlier are the organisation's certificates used before Trusted
	// (key rotation): their signatures are ours too.
	Earlier []*x509.Certificate
	// TSAs are the time-stamping authorities whose timestamps prove a
	// time. With none, a timestamp is reported but proves nothing (it is
	// unverified); with some, a timestamp by another TSA is a problem.
	TSAs []*x509.Certificate
}

// Result is everything Check found.
type Result struct {
	custos.SignatureCheck
	// Signer is the signer's certificate, when the signature could be read.
	Signer *x509.Certificate
	// ClaimedTime is the signer's own word on when it signed (not proof).
	ClaimedTime time.Time
	// Timestamp is the RFC 3161 timestamp check, nil when there is none.
	Timestamp *TimestampCheck
	// SignedAt is when the signature was made: the timestamp's time when it
	// is valid and by a trusted TSA, otherwise the signer's claim.
	SignedAt time.Time
	// TimeTrusted says SignedAt comes from a valid timestamp.
	TimeTrusted bool
}

// Verify checks doc; see Check.
func (v Verifier) Verify(doc []byte) custos.SignatureCheck { return v.Check(doc).SignatureCheck }

func (v Verifier) ours(c *x509.Certificate) bool {
	if v.Trusted != nil && bytes.Equal(c.Raw, v.Trusted.Raw) {
		return true
	}
	for _, e := range v.Earlier {
		if bytes.Equal(c.Raw, e.Raw) {
			return true
		}
	}
	return false
}

// Verify finds the last signature dictionary, checks its byte range itself
// (it must start at 0, have two segments, leave out exactly the /Contents
// hex string and end at the end of the file) and verifies the CMS signature
// over the two segments with the standard library. It then checks the
// signature's RFC 3161 timestamp, if any, and that the signer's certificate
// was valid when the signature was made (by the timestamp's time, or else
// by the signer's claim). The current time plays no part: a memo signed
// while its certificate was valid stays valid after the certificate expires.
func (v Verifier) Check(doc []byte) Result {
	r := Result{SignatureCheck: custos.SignatureCheck{Problems: []string{}}}
	c := &r.SignatureCheck
	sig, ok := findSignature(doc)
	if !ok {
		c.Problems = append(c.Problems, ProblemNotSigned)
		return r
	}
	c.Signed = true

	// Where the signature could be decoded, say who signed, even if the
	// byte range is broken.
	var cms *cmsSignature
	var cmsErr error
	if sig.contentsStart >= 0 {
		cms, cmsErr = decodeContents(doc[sig.contentsStart+1 : sig.contentsEnd-1])
	} else {
		cmsErr = fmt.Errorf("the signature dictionary has no /Contents hex string")
	}
	if cms != nil {
		r.Signer = cms.signer
		c.SignerFingerprint = Fingerprint(cms.signer)
		c.OurCertificate = v.ours(cms.signer)
	}

	rangeProblem := sig.checkRange(len(doc))
	switch {
	case rangeProblem != "":
		c.Problems = append(c.Problems, rangeProblem)
	case cmsErr != nil:
		c.Problems = append(c.Problems, "the signature cannot be read: "+cmsErr.Error())
	default:
		br := sig.byteRange
		content := make([]byte, 0, br[1]+br[3])
		content = append(content, doc[br[0]:br[0]+br[1]]...)
		content = append(content, doc[br[2]:br[2]+br[3]]...)
		switch err := cms.verify(content); err {
		case nil:
			c.Valid = true
		case errBadSignature:
			c.Problems = append(c.Problems, ProblemContentChanged)
		default:
			c.Problems = append(c.Problems, "the signature cannot be checked: "+err.Error())
		}
		c.CoversWholeFile = br[2]+br[3] == int64(len(doc))
		if !c.CoversWholeFile {
			c.Problems = append(c.Problems, ProblemAppended)
		}
	}

	if cms != nil && !c.OurCertificate {
		if v.Trusted == nil && len(v.Earlier) == 0 {
			c.Problems = append(c.Problems, "no trusted certificate is configured to compare the signer with")
		} else {
			c.Problems = append(c.Problems, problemOtherCertPrefix+c.SignerFingerprint+")")
		}
	}
	if cms != nil && c.Valid {
		// The claimed time: the dictionary's /M, which Custos writes from
		// its own clock, else the CMS signingTime (the signing library's
		// clock). Either is only the signer's word; a timestamp proves it.
		r.ClaimedTime = cms.signingTime
		if m, ok := dictionaryTime(doc, sig.keyAt); ok {
			r.ClaimedTime = m
		}
		r.SignedAt = r.ClaimedTime
		if cms.timestampToken != nil {
			r.Timestamp = checkTimestamp(cms.timestampToken, cms.signature, v.TSAs)
			c.Problems = append(c.Problems, r.Timestamp.Problems...)
			if r.Timestamp.Valid && r.Timestamp.Trusted {
				r.SignedAt, r.TimeTrusted = r.Timestamp.Time, true
			}
		}
		switch {
		case r.SignedAt.IsZero():
			c.Problems = append(c.Problems, "the signature says neither by a timestamp nor by its own claim when it was made")
		case r.SignedAt.Before(cms.signer.NotBefore) || r.SignedAt.After(cms.signer.NotAfter):
			when := "claims to be signed"
			if r.TimeTrusted {
				when = "signed (by its timestamp)"
			}
			c.Problems = append(c.Problems, fmt.Sprintf("%s at %s, when the signer's certificate was not valid (valid %s to %s)",
				when, r.SignedAt.Format(time.RFC3339), cms.signer.NotBefore.UTC().Format(time.RFC3339), cms.signer.NotAfter.UTC().Format(time.RFC3339)))
		}
	}
	return r
}

// decodeContents decodes the /Contents hex string (without its angle
// brackets) and parses the CMS in it. Only zero padding may follow the DER.
func decodeContents(hexText []byte) (*cmsSignature, error) {
	clean := make([]byte, 0, len(hexText))
	for _, b := range hexText {
		if !isSpace(b) {
			clean = append(clean, b)
		}
	}
	if len(clean)%2 == 1 { // PDF: a missing final digit is 0
		clean = append(clean, '0')
	}
	der := make([]byte, len(clean)/2)
	if _, err := hex.Decode(der, clean); err != nil {
		return nil, fmt.Errorf("/Contents is not a hex string")
	}
	if len(bytes.Trim(der, "\x00")) == 0 {
		return nil, fmt.Errorf("the signature field is empty")
	}
	cms, rest, err := parseCMS(der)
	if err != nil {
		return nil, err
	}
	for _, b := range rest {
		if b != 0 {
			return nil, fmt.Errorf("/Contents carries data after the signature")
		}
	}
	return cms, nil
}

type pdfSignature struct {
	// keyAt is the offset of the /ByteRange key in the signature dictionary.
	keyAt     int
	byteRange []int64
	// contentsStart is the offset of '<' of the /Contents hex string,
	// contentsEnd the offset after its '>'; -1 when not found.
	contentsStart, contentsEnd int
}

// checkRange returns what is wrong with the byte range, apart from not
// reaching the end of the file, or "".
func (s pdfSignature) checkRange(size int) string {
	br := s.byteRange
	if len(br) != 4 {
		return fmt.Sprintf("the signature's byte range has %d segments instead of 2 (part of the file is not signed)", len(br)/2)
	}
	for _, n := range br {
		if n < 0 {
			return "the signature's byte range is malformed"
		}
	}
	if br[0] != 0 {
		return "the signature's byte range does not start at the beginning of the file"
	}
	if br[2] > int64(size) || br[3] > int64(size)-br[2] || br[1] > br[2] {
		return "the signature's byte range runs past the end of the file (the file was cut or changed after signing)"
	}
	if s.contentsStart < 0 || br[1] != int64(s.contentsStart) || br[2] != int64(s.contentsEnd) {
		return "the signature's byte range does not leave out exactly the signature (part of the file is not signed)"
	}
	return ""
}

// findSignature finds the last /ByteRange array in the file whose
// dictionary also has /Contents. Signature dictionaries are written as
// plain objects (their /Contents is patched in place), so a byte search is
// enough; a /ByteRange hidden in a compressed object stream is not found.
func findSignature(doc []byte) (pdfSignature, bool) {
	key := []byte("/ByteRange")
	end := len(doc)
	for {
		i := bytes.LastIndex(doc[:end], key)
		if i < 0 {
			return pdfSignature{}, false
		}
		end = i
		br, ok := parseIntArray(doc[i+len(key):])
		if !ok {
			continue
		}
		s := pdfSignature{keyAt: i, byteRange: br, contentsStart: -1, contentsEnd: -1}
		// Prefer the hex string the byte range leaves out, when it is the
		// value of /Contents in this same object.
		if len(br) == 4 && br[1] >= 0 && br[2] > br[1] && br[2] <= int64(len(doc)) {
			a, b := int(br[1]), int(br[2])
			if isContentsHex(doc, a, b) && sameObject(doc, i, a) {
				s.contentsStart, s.contentsEnd = a, b
				return s, true
			}
		}
		if a, b, ok := findContents(doc, i); ok {
			s.contentsStart, s.contentsEnd = a, b
			return s, true
		}
	}
}

// isContentsHex reports whether doc[a:b] is a hex string "<...>" that is
// the value of a /Contents key.
func isContentsHex(doc []byte, a, b int) bool {
	if b-a < 2 || doc[a] != '<' || doc[b-1] != '>' {
		return false
	}
	for _, c := range doc[a+1 : b-1] {
		if !isHex(c) && !isSpace(c) {
			return false
		}
	}
	j := a
	for j > 0 && isSpace(doc[j-1]) {
		j--
	}
	return bytes.HasSuffix(doc[:j], []byte("/Contents"))
}

// sameObject reports whether offsets i and j are in one indirect object:
// no "endobj" lies between them.
func sameObject(doc []byte, i, j int) bool {
	if i > j {
		i, j = j, i
	}
	return !bytes.Contains(doc[i:j], []byte("endobj"))
}

// findContents looks for "/Contents <hex>" in the object holding offset i.
func findContents(doc []byte, i int) (int, int, bool) {
	lo := bytes.LastIndex(doc[:i], []byte("endobj"))
	if lo < 0 {
		lo = 0
	}
	hi := len(doc)
	if k := bytes.Index(doc[i:], []byte("endobj")); k >= 0 {
		hi = i + k
	}
	key := []byte("/Contents")
	obj := doc[lo:hi]
	for off := 0; ; {
		k := bytes.Index(obj[off:], key)
		if k < 0 {
			return 0, 0, false
		}
		p := lo + off + k + len(key)
		off += k + len(key)
		for p < hi && isSpace(doc[p]) {
			p++
		}
		if p+1 >= hi || doc[p] != '<' || doc[p+1] == '<' {
			continue
		}
		q := p + 1
		for q < hi && (isHex(doc[q]) || isSpace(doc[q])) {
			q++
		}
		if q < hi && doc[q] == '>' {
			return p, q + 1, true
		}
	}
}

// parseIntArray parses "[n n ...]" after optional white space.
func parseIntArray(b []byte) ([]int64, bool) {
	p := 0
	for p < len(b) && isSpace(b[p]) {
		p++
	}
	if p >= len(b) || b[p] != '[' {
		return nil, false
	}
	p++
	var out []int64
	for {
		for p < len(b) && isSpace(b[p]) {
			p++
		}
		if p >= len(b) {
			return nil, false
		}
		if b[p] == ']' {
			return out, len(out) > 0
		}
		q := p
		if b[q] == '-' || b[q] == '+' {
			q++
		}
		for q < len(b) && b[q] >= '0' && b[q] <= '9' {
			q++
		}
		n, err := strconv.ParseInt(string(b[p:q]), 10, 64)
		if err != nil || len(out) > 64 {
			return nil, false
		}
		out = append(out, n)
		p = q
	}
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\n', '\r', '\t', '\f', 0:
		return true
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

var pdfDateRE = regexp.MustCompile(`/M\s*\(D:(\d{14})(Z|[+-]\d{2}'?\d{2}'?)?\)`)

// dictionaryTime reads the /M entry of the signature dictionary holding
// offset i (a PDF date such as D:20260314093000+00'00').
func dictionaryTime(doc []byte, i int) (time.Time, bool) {
	lo := bytes.LastIndex(doc[:i], []byte("endobj"))
	if lo < 0 {
		lo = 0
	}
	hi := len(doc)
	if k := bytes.Index(doc[i:], []byte("endobj")); k >= 0 {
		hi = i + k
	}
	m := pdfDateRE.FindSubmatch(doc[lo:hi])
	if m == nil {
		return time.Time{}, false
	}
	zone := strings.ReplaceAll(string(m[2]), "'", "")
	switch {
	case zone == "" || zone == "Z":
		zone = "+0000"
	case len(zone) != 5:
		return time.Time{}, false
	}
	t, err := time.Parse("20060102150405-0700", string(m[1])+zone)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}
