//go:build cgo

package signing

import (
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ThalesGroup/crypto11"
)

// Token is a PKCS#11 token (a hardware security module, or SoftHSM2 in
// tests) holding the memo signing key. The key is made in the token as
// sensitive and not extractable, and signs there: Custos only ever holds a
// handle to it.
type Token struct {
	ctx       *crypto11.Context
	closeOnce sync.Once
	closeErr  error
}

// TokenConfig names the PKCS#11 module, the token and its user PIN.
type TokenConfig struct {
	Module     string // path of the module's shared library
	TokenLabel string
	PIN        string // never logged or put into an error
}

// OpenToken logs in to the token.
func OpenToken(c TokenConfig) (*Token, error) {
	if c.Module == "" || c.TokenLabel == "" || c.PIN == "" {
		return nil, errors.New("signing: the PKCS#11 module, token label and PIN are all required")
	}
	if _, err := os.Stat(c.Module); err != nil {
		return nil, fmt.Errorf("signing: PKCS#11 module: %w", err)
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: c.Module, TokenLabel: c.TokenLabel, Pin: c.PIN})
	if err != nil {
		// crypto11's errors name the module and token, never the PIN.
		return nil, fmt.Errorf("signing: opening PKCS#11 token %q with %s: %w", c.TokenLabel, c.Module, err)
	}
	return &Token{ctx: ctx}, nil
}

// Close logs out and releases the module. Closing twice is harmless
// (crypto11 itself panics on a second Close).
func (t *Token) Close() error {
	t.closeOnce.Do(func() { t.closeErr = t.ctx.Close() })
	return t.closeErr
}

// Context is the crypto11 context, for tests that inspect key attributes.
func (t *Token) Context() *crypto11.Context { return t.ctx }

// Signer finds the key pair labelled keyLabel in the token and returns a
// signer for it with certs (the signing certificate first, then any
// intermediates), which must match the key and be valid at now.
func (t *Token) Signer(keyLabel string, certs []*x509.Certificate, now time.Time) (*Signer, error) {
	key, err := t.ctx.FindKeyPair(nil, []byte(keyLabel))
	if err != nil {
		return nil, fmt.Errorf("signing: finding key %q in the token: %w", keyLabel, err)
	}
	if key == nil {
		return nil, fmt.Errorf("signing: the token has no key pair labelled %q", keyLabel)
	}
	if len(certs) == 0 {
		return nil, errors.New("signing: the certificate of the token's key is required")
	}
	if now.After(certs[0].NotAfter) || now.Before(certs[0].NotBefore) {
		return nil, fmt.Errorf("signing: certificate %s is not valid now (valid %s to %s)", certs[0].Subject.CommonName,
			certs[0].NotBefore.UTC().Format(time.RFC3339), certs[0].NotAfter.UTC().Format(time.RFC3339))
	}
	return New(certs[0], key, certs[1:]...)
}

// GenerateDevelopment makes an ECDSA P-256 key pair labelled keyLabel in
// the token (sensitive, not extractable: crypto11's defaults) and a
// self-signed development certificate for it, signed in the token.
func (t *Token) GenerateDevelopment(keyLabel string, now time.Time) (*Signer, error) {
	if existing, err := t.ctx.FindKeyPair(nil, []byte(keyLabel)); err == nil && existing != nil {
		return nil, fmt.Errorf("signing: the token already has a key labelled %q", keyLabel)
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	key, err := t.ctx.GenerateECDSAKeyPairWithLabel(id, []byte(keyLabel), elliptic.P256())
	if err != nil {
		return nil, fmt.Errorf("signing: generating a key in the token: %w", err)
	}
	cert, err := selfSigned(key, now)
	if err != nil {
		return nil, err
	}
	return New(cert, key)
}

// LoadTokenSigner is the server's way in: the key labelled keyLabel in the
// token, the certificate in the PEM file certPath. When neither the key nor
// the certificate exists and generate is true (development), it makes the
// key in the token and writes a self-signed certificate to certPath.
func LoadTokenSigner(t *Token, keyLabel, certPath string, generate bool, now time.Time) (*Signer, error) {
	certExists, err := exists(certPath)
	if err != nil {
		return nil, err
	}
	if !certExists {
		if !generate {
			return nil, fmt.Errorf("signing: certificate %s of the token's key %q not found", certPath, keyLabel)
		}
		s, err := t.GenerateDevelopment(keyLabel, now)
		if err != nil {
			return nil, err
		}
		if err := writeNew(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cert.Raw}), 0o644); err != nil {
			return nil, err
		}
		return s, nil
	}
	b, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	certs, err := ParseCertificatesPEM(b)
	if err != nil {
		return nil, fmt.Errorf("signing: certificate %s: %w", certPath, err)
	}
	return t.Signer(keyLabel, certs, now)
}
