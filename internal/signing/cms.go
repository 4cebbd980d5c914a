package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	_ "crypto/sha1" // register hashes CMS signatures may name
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// A small verifier for the detached CMS SignedData (RFC 5652) in a PDF
// signature's /Contents, built on encoding/asn1 only. It checks one signer:
// the content digest (messageDigest attribute, or the plain digest when there
// are no signed attributes) against the signed bytes, and the signature over
// the DER of the signed attributes with the signer certificate's public key.
// Certificate chains and revocation are out of scope: whether the signer is
// trusted is decided by comparing the certificate with our own.

var (
	oidSignedData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidData             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidAttrContentType  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDiget = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidRSASSAPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidAttrSigningTime  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	// id-aa-timeStampToken (RFC 3161 appendix A): a signature timestamp.
	oidAttrTimestampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// errBadSignature means the CMS is well-formed but does not verify.
var errBadSignature = errors.New("signature does not verify")

type cmsSignature struct {
	signer      *x509.Certificate
	digestAlg   crypto.Hash
	signedAttrs []byte // DER, re-tagged as SET OF, nil when absent
	msgDigest   []byte // messageDigest attribute
	sigAlg      asn1.ObjectIdentifier
	signature   []byte
	// signingTime is the signer's own claim of when it signed (zero when
	// absent); timestampToken is the RFC 3161 token in the unsigned
	// attributes (nil when absent), whose time a TSA vouches for.
	signingTime    time.Time
	timestampToken []byte
}

// parseCMS parses a DER ContentInfo holding a detached SignedData. Bytes
// after the DER value (the zero padding of /Contents) are returned in rest.
func parseCMS(der []byte) (*cmsSignature, []byte, error) {
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue // [0] EXPLICIT SignedData
	}
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return nil, nil, fmt.Errorf("not a CMS ContentInfo: %w", err)
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, nil, fmt.Errorf("CMS content type %v is not SignedData", ci.ContentType)
	}
	if ci.Content.Class != asn1.ClassContextSpecific || ci.Content.Tag != 0 || !ci.Content.IsCompound {
		return nil, nil, errors.New("CMS ContentInfo: bad content")
	}
	var sdRaw asn1.RawValue
	if r, err := asn1.Unmarshal(ci.Content.Bytes, &sdRaw); err != nil || len(r) != 0 {
		return nil, nil, errors.New("CMS ContentInfo: bad SignedData")
	}
	sd, err := elements(sdRaw, asn1.TagSequence)
	if err != nil {
		return nil, nil, fmt.Errorf("SignedData: %w", err)
	}
	// version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
	if len(sd) < 4 {
		return nil, nil, errors.New("SignedData is too short")
	}
	encap, err := elements(sd[2], asn1.TagSequence)
	if err != nil || len(encap) < 1 {
		return nil, nil, errors.New("SignedData: bad encapContentInfo")
	}
	if len(encap) > 1 {
		return nil, nil, errors.New("SignedData is not detached (it carries its own content)")
	}
	var certs []*x509.Certificate
	var signerInfos asn1.RawValue
	for _, e := range sd[3:] {
		switch {
		case e.Class == asn1.ClassContextSpecific && e.Tag == 0:
			certs, err = parseCertificateSet(e.Bytes)
			if err != nil {
				return nil, nil, err
			}
		case e.Class == asn1.ClassContextSpecific && e.Tag == 1: // crls
		case e.Class == asn1.ClassUniversal && e.Tag == asn1.TagSet:
			signerInfos = e
		}
	}
	sis, err := elements(signerInfos, asn1.TagSet)
	if err != nil {
		return nil, nil, fmt.Errorf("SignedData: signerInfos: %w", err)
	}
	if len(sis) != 1 {
		return nil, nil, fmt.Errorf("SignedData has %d signers, expected 1", len(sis))
	}
	sig, err := parseSignerInfo(sis[0], certs)
	if err != nil {
		return nil, nil, err
	}
	return sig, rest, nil
}

func parseSignerInfo(raw asn1.RawValue, certs []*x509.Certificate) (*cmsSignature, error) {
	f, err := elements(raw, asn1.TagSequence)
	if err != nil {
		return nil, fmt.Errorf("SignerInfo: %w", err)
	}
	// version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs?
	if len(f) < 5 {
		return nil, errors.New("SignerInfo is too short")
	}
	s := &cmsSignature{}
	if s.signer, err = findSigner(f[1], certs); err != nil {
		return nil, err
	}
	if s.digestAlg, err = digestAlgorithm(f[2]); err != nil {
		return nil, err
	}
	i := 3
	if f[i].Class == asn1.ClassContextSpecific && f[i].Tag == 0 {
		s.signedAttrs = append([]byte(nil), f[i].FullBytes...)
		s.signedAttrs[0] = 0x31 // [0] IMPLICIT -> SET OF, as signed (RFC 5652 5.4)
		if err := s.readSignedAttrs(f[i]); err != nil {
			return nil, err
		}
		i++
	}
	if len(f) < i+2 {
		return nil, errors.New("SignerInfo is too short")
	}
	var alg struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(f[i].FullBytes, &alg); err != nil {
		return nil, fmt.Errorf("SignerInfo: signatureAlgorithm: %w", err)
	}
	s.sigAlg = alg.Algorithm
	if f[i+1].Class != asn1.ClassUniversal || f[i+1].Tag != asn1.TagOctetString {
		return nil, errors.New("SignerInfo: signature is not an OCTET STRING")
	}
	s.signature = f[i+1].Bytes
	if len(f) > i+2 && f[i+2].Class == asn1.ClassContextSpecific && f[i+2].Tag == 1 {
		if err := s.readUnsignedAttrs(f[i+2]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readUnsignedAttrs keeps the signature timestamp token, if any.
func (s *cmsSignature) readUnsignedAttrs(raw asn1.RawValue) error {
	for rest := raw.Bytes; len(rest) > 0; {
		var attr struct {
			Type   asn1.ObjectIdentifier
			Values asn1.RawValue `asn1:"set"`
		}
		var err error
		rest, err = asn1.Unmarshal(rest, &attr)
		if err != nil {
			return fmt.Errorf("unsigned attributes: %w", err)
		}
		if attr.Type.Equal(oidAttrTimestampToken) {
			if s.timestampToken != nil {
				return errors.New("unsigned attributes: more than one timestamp token")
			}
			var tok asn1.RawValue
			if _, err := asn1.Unmarshal(attr.Values.Bytes, &tok); err != nil {
				return errors.New("unsigned attributes: bad timestamp token")
			}
			s.timestampToken = tok.FullBytes
		}
	}
	return nil
}

func (s *cmsSignature) readSignedAttrs(raw asn1.RawValue) error {
	var contentType bool
	for rest := raw.Bytes; len(rest) > 0; {
		var attr struct {
			Type   asn1.ObjectIdentifier
			Values asn1.RawValue `asn1:"set"`
		}
		var err error
		rest, err = asn1.Unmarshal(rest, &attr)
		if err != nil {
			return fmt.Errorf("signed attributes: %w", err)
		}
		switch {
		case attr.Type.Equal(oidAttrMessageDiget):
			if s.msgDigest != nil {
				return errors.New("signed attributes: more than one messageDigest")
			}
			var d []byte
			if r, err := asn1.Unmarshal(attr.Values.Bytes, &d); err != nil || len(r) != 0 {
				return errors.New("signed attributes: bad messageDigest")
			}
			s.msgDigest = d
		case attr.Type.Equal(oidAttrSigningTime):
			var t time.Time
			if _, err := asn1.Unmarshal(attr.Values.Bytes, &t); err == nil {
				s.signingTime = t.UTC()
			}
		case attr.Type.Equal(oidAttrContentType):
			var ct asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(attr.Values.Bytes, &ct); err != nil || !ct.Equal(oidData) {
				return errors.New("signed attributes: content type is not id-data")
			}
			contentType = true
		}
	}
	if s.msgDigest == nil || !contentType {
		return errors.New("signed attributes lack messageDigest or contentType")
	}
	return nil
}

// verify checks the signature over content (the concatenated byte range).
func (s *cmsSignature) verify(content []byte) error {
	h := s.digestAlg.New()
	h.Write(content)
	digest := h.Sum(nil)
	signed := digest // what the signature is over, hashed
	if s.signedAttrs != nil {
		if !bytes.Equal(digest, s.msgDigest) {
			return errBadSignature
		}
		h.Reset()
		h.Write(s.signedAttrs)
		signed = h.Sum(nil)
	}
	switch pub := s.signer.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, signed, s.signature) {
			return errBadSignature
		}
	case *rsa.PublicKey:
		var err error
		if s.sigAlg.Equal(oidRSASSAPSS) {
			err = rsa.VerifyPSS(pub, s.digestAlg, signed, s.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		} else {
			err = rsa.VerifyPKCS1v15(pub, s.digestAlg, signed, s.signature)
		}
		if err != nil {
			return errBadSignature
		}
	case ed25519.PublicKey:
		msg := s.signedAttrs
		if msg == nil {
			msg = content
		}
		if !ed25519.Verify(pub, msg, s.signature) {
			return errBadSignature
		}
	default:
		return fmt.Errorf("unsupported signer key type %T", pub)
	}
	return nil
}

func findSigner(sid asn1.RawValue, certs []*x509.Certificate) (*x509.Certificate, error) {
	switch {
	case sid.Class == asn1.ClassUniversal && sid.Tag == asn1.TagSequence:
		var ias struct {
			Issuer asn1.RawValue
			Serial *big.Int
		}
		if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil {
			return nil, fmt.Errorf("SignerInfo: issuerAndSerialNumber: %w", err)
		}
		for _, c := range certs {
			if c.SerialNumber.Cmp(ias.Serial) == 0 && bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) {
				return c, nil
			}
		}
	case sid.Class == asn1.ClassContextSpecific && sid.Tag == 0:
		for _, c := range certs {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				return c, nil
			}
		}
	default:
		return nil, errors.New("SignerInfo: unknown signer identifier")
	}
	return nil, errors.New("the signer's certificate is not included in the signature")
}

func digestAlgorithm(raw asn1.RawValue) (crypto.Hash, error) {
	var alg struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(raw.FullBytes, &alg); err != nil {
		return 0, fmt.Errorf("SignerInfo: digestAlgorithm: %w", err)
	}
	switch {
	case alg.Algorithm.Equal(oidSHA256):
		return crypto.SHA256, nil
	case alg.Algorithm.Equal(oidSHA384):
		return crypto.SHA384, nil
	case alg.Algorithm.Equal(oidSHA512):
		return crypto.SHA512, nil
	case alg.Algorithm.Equal(oidSHA1):
		return crypto.SHA1, nil
	}
	return 0, fmt.Errorf("unsupported digest algorithm %v", alg.Algorithm)
}

func parseCertificateSet(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for len(b) > 0 {
		var rv asn1.RawValue
		var err error
		b, err = asn1.Unmarshal(b, &rv)
		if err != nil {
			return nil, fmt.Errorf("SignedData: certificates: %w", err)
		}
		if rv.Class != asn1.ClassUniversal || rv.Tag != asn1.TagSequence {
			continue // attribute certificates and other choices
		}
		c, err := x509.ParseCertificate(rv.FullBytes)
		if err != nil {
			return nil, fmt.Errorf("SignedData: certificate: %w", err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// elements checks that raw is a universal constructed value with the given
// tag and returns its direct children.
func elements(raw asn1.RawValue, tag int) ([]asn1.RawValue, error) {
	if raw.Class != asn1.ClassUniversal || raw.Tag != tag || !raw.IsCompound {
		return nil, fmt.Errorf("expected tag %d, got class %d tag %d", tag, raw.Class, raw.Tag)
	}
	var out []asn1.RawValue
	for b := raw.Bytes; len(b) > 0; {
		var rv asn1.RawValue
		var err error
		b, err = asn1.Unmarshal(b, &rv)
		if err != nil {
			return nil, err
		}
		out = append(out, rv)
	}
	return out, nil
}
