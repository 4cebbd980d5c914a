// Package signing signs PDF memos with the organisation's key and X.509
// certificate (a PAdES-style adbe.pkcs7.detached signature made by
// github.com/digitorus/pdfsign) and verifies such signatures.
//
// The verifier does not trust pdfsign's own verifier: it parses /ByteRange
// and /Contents itself, checks that the signed range covers the whole file
// except exactly the signature, and verifies the CMS SignedData with the
// standard library (see cms.go).
package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"

	"github.com/custos-dd/custos/internal/custos"
)

// Reason is the /Reason written into every memo signature.
const Reason = "Custos memo: approved custodian shortlist"

// DevelopmentCommonName is the subject CN of a generated development certificate.
const DevelopmentCommonName = "Custos development signing"

// developmentValidity is how long a generated development certificate is valid.
const developmentValidity = 5 * 365 * 24 * time.Hour

var (
	// id-kp-documentSigning (RFC 9336).
	oidExtKeyUsageDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	// Microsoft "Document Signing", which Acrobat also recognises.
	oidExtKeyUsageMSDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 12}
)

// Signer signs PDFs with one key and certificate. It is safe for concurrent use.
type Signer struct {
	cert        *x509.Certificate
	chain       []*x509.Certificate // intermediates after cert, may be empty
	key         crypto.Signer
	fingerprint string

	// Written into the signature dictionary. New sets Name to the
	// certificate's common name (or organisation), Reason to Reason and
	// Location to the certificate's locality/country or "Custos".
	Name        string
	Reason      string
	Location    string
	ContactInfo string

	// TSAURL, when set, is an RFC 3161 time-stamping authority: every
	// signature then carries its timestamp token (PAdES B-T), so that the
	// time of signing is proven, not claimed.
	TSAURL string
}

var (
	_ custos.Signer            = (*Signer)(nil)
	_ custos.SignatureVerifier = Verifier{}
	_ custos.SignatureVerifier = (*Verifier)(nil)
)

// New makes a Signer from a certificate, its private key and optionally
// the intermediate certificates above it. The key must match the certificate.
func New(cert *x509.Certificate, key crypto.Signer, intermediates ...*x509.Certificate) (*Signer, error) {
	if cert == nil || key == nil {
		return nil, errors.New("signing: certificate and key are required")
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("signing: the private key does not match the certificate")
	}
	switch key.Public().(type) {
	case *ecdsa.PublicKey, *rsa.PublicKey:
		// A key in memory or in a token (PKCS#11): pdfsign/pkcs7 calls
		// crypto.Signer.Sign, so the key itself never has to leave the token.
	default:
		// pdfsign/pkcs7 only signs with ECDSA and RSA keys.
		return nil, fmt.Errorf("signing: unsupported key type %T (use ECDSA or RSA)", key.Public())
	}
	s := &Signer{
		cert:        cert,
		chain:       intermediates,
		key:         key,
		fingerprint: Fingerprint(cert),
		Name:        cert.Subject.CommonName,
		Reason:      Reason,
		Location:    "Custos",
	}
	if s.Name == "" && len(cert.Subject.Organization) > 0 {
		s.Name = cert.Subject.Organization[0]
	}
	if len(cert.Subject.Locality) > 0 {
		s.Location = cert.Subject.Locality[0]
	} else if len(cert.Subject.Country) > 0 {
		s.Location = cert.Subject.Country[0]
	}
	return s, nil
}

// Fingerprint is the hex SHA-256 of a certificate's DER encoding.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// Fingerprint is the hex SHA-256 of the signing certificate (DER).
func (s *Signer) Fingerprint() string { return s.fingerprint }

// Certificate is the signing certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Key is the private key (in memory or a handle to a key in a token).
func (s *Signer) Key() crypto.Signer { return s.key }

// Verifier returns a verifier that trusts this signer's certificate.
func (s *Signer) Verifier() Verifier { return Verifier{Trusted: s.cert} }

// Sign returns pdf with a signature appended as an incremental update: an
// invisible certification signature (no changes permitted) over the whole
// file, SubFilter adbe.pkcs7.detached, SHA-256, /M = signedAt. The CMS
// signingTime attribute is the clock at signing (pdfsign sets it itself).
func (s *Signer) Sign(doc []byte, signedAt time.Time) ([]byte, error) {
	if signedAt.IsZero() {
		signedAt = time.Now()
	}
	in := bytes.NewReader(doc)
	rdr, err := pdf.NewReader(in, int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("signing: reading the PDF: %w", err)
	}
	chain := append([]*x509.Certificate{s.cert}, s.chain...)
	var out bytes.Buffer
	out.Grow(len(doc) + 8<<10)
	err = sign.Sign(in, &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
			Info: sign.SignDataSignatureInfo{
				Name:        s.Name,
				Location:    s.Location,
				Reason:      s.Reason,
				ContactInfo: s.ContactInfo,
				Date:        signedAt,
			},
		},
		Signer:            s.key,
		TSA:               sign.TSA{URL: s.TSAURL},
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.cert,
		CertificateChains: [][]*x509.Certificate{chain},
	})
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	return out.Bytes(), nil
}

// NewDevelopment generates, in memory only, an ECDSA P-256 key and a
// self-signed development certificate valid from now for five years.
func NewDevelopment(now time.Time) (*Signer, error) {
	cert, key, err := generate(now)
	if err != nil {
		return nil, err
	}
	return New(cert, key)
}

func generate(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("signing: generating key: %w", err)
	}
	cert, err := selfSigned(key, now)
	return cert, key, err
}

// selfSigned makes the development certificate for key, valid from an hour
// before now for five years. key may live in a token.
func selfSigned(key crypto.Signer, now time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("signing: generating serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial.Add(serial, big.NewInt(1)),
		Subject: pkix.Name{
			CommonName:   DevelopmentCommonName,
			Organization: []string{"Custos"},
		},
		NotBefore:             now.Add(-time.Hour).UTC(),
		NotAfter:              now.Add(developmentValidity).UTC(),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidExtKeyUsageDocumentSigning, oidExtKeyUsageMSDocumentSigning},
		BasicConstraintsValid: true,
		IsCA:                  false,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("signing: creating certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// LoadOrCreate loads the PEM certificate at certPath (the signing
// certificate first, then any intermediates) and the PEM private key at
// keyPath (PKCS#8, SEC 1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY").
//
// When both files are missing and create is true, it generates an ECDSA
// P-256 key and a self-signed development certificate valid for five years,
// writes them (key 0600, certificate 0644, creating folders 0700) and
// returns the signer. It fails when only one of the files exists, when the
// key does not match the certificate, or when the certificate is expired or
// not yet valid at now.
func LoadOrCreate(certPath, keyPath string, create bool, now time.Time) (*Signer, error) {
	certExists, err := exists(certPath)
	if err != nil {
		return nil, err
	}
	keyExists, err := exists(keyPath)
	if err != nil {
		return nil, err
	}
	switch {
	case !certExists && !keyExists:
		if !create {
			return nil, fmt.Errorf("signing: certificate %s and key %s not found; configure the organisation's signing certificate and key (PEM)", certPath, keyPath)
		}
		return createFiles(certPath, keyPath, now)
	case certExists && !keyExists:
		return nil, fmt.Errorf("signing: certificate %s exists but key %s is missing; provide both or neither", certPath, keyPath)
	case !certExists && keyExists:
		return nil, fmt.Errorf("signing: key %s exists but certificate %s is missing; provide both or neither", keyPath, certPath)
	}

	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	certs, err := ParseCertificatesPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("signing: certificate %s: %w", certPath, err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	key, err := ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("signing: key %s: %w", keyPath, err)
	}
	cert := certs[0]
	if now.After(cert.NotAfter) {
		return nil, fmt.Errorf("signing: certificate %s (%s) expired on %s", certPath, cert.Subject.CommonName, cert.NotAfter.UTC().Format(time.RFC3339))
	}
	if now.Before(cert.NotBefore) {
		return nil, fmt.Errorf("signing: certificate %s (%s) is not valid before %s", certPath, cert.Subject.CommonName, cert.NotBefore.UTC().Format(time.RFC3339))
	}
	s, err := New(cert, key, certs[1:]...)
	if err != nil {
		return nil, fmt.Errorf("%w (certificate %s, key %s)", err, certPath, keyPath)
	}
	return s, nil
}

func exists(path string) (bool, error) {
	if path == "" {
		return false, errors.New("signing: empty certificate or key path")
	}
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("signing: %w", err)
}

func createFiles(certPath, keyPath string, now time.Time) (*Signer, error) {
	cert, key, err := generate(now)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("signing: encoding key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if err := writeNew(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(certPath, certPEM, 0o644); err != nil {
		_ = os.Remove(keyPath)
		return nil, err
	}
	return New(cert, key)
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("signing: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("signing: writing %s: %w", path, err)
	}
	// The umask may have narrowed perm; the certificate should be readable.
	return os.Chmod(path, perm)
}

// ParseCertificatesPEM parses every CERTIFICATE block; the first is the
// signing certificate.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block found")
	}
	return certs, nil
}

// ParsePrivateKeyPEM parses the first private key block: "PRIVATE KEY"
// (PKCS#8), "EC PRIVATE KEY" (SEC 1) or "RSA PRIVATE KEY" (PKCS#1).
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no PEM private key block found")
		}
		if _, encrypted := block.Headers["DEK-Info"]; encrypted {
			return nil, errors.New("encrypted private keys are not supported")
		}
		var key any
		var err error
		switch block.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted private keys are not supported")
		default:
			continue // e.g. "EC PARAMETERS" before the key
		}
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", block.Type, err)
		}
		switch k := key.(type) {
		case *ecdsa.PrivateKey:
			return k, nil
		case *rsa.PrivateKey:
			return k, nil
		case ed25519.PrivateKey:
			return nil, errors.New("Ed25519 keys are not supported for PDF signing (use ECDSA or RSA)")
		default:
			return nil, fmt.Errorf("unsupported private key type %T", key)
		}
	}
}
