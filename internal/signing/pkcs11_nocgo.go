//go:build !cgo

package signing

import (
	"errors"
	"time"
)

// PKCS#11 modules are C libraries: a binary built with CGO_ENABLED=0 can
// sign with key files only.
var errNoCgo = errors.New("signing: this custos was built without cgo, so it cannot load a PKCS#11 module; build it with CGO_ENABLED=1")

// Token is unavailable without cgo.
type Token struct{}

// TokenConfig names the PKCS#11 module, the token and its user PIN.
type TokenConfig struct {
	Module     string
	TokenLabel string
	PIN        string
}

// OpenToken fails: see errNoCgo.
func OpenToken(TokenConfig) (*Token, error) { return nil, errNoCgo }

// Close does nothing.
func (t *Token) Close() error { return nil }

// LoadTokenSigner fails: see errNoCgo.
func LoadTokenSigner(*Token, string, string, bool, time.Time) (*Signer, error) { return nil, errNoCgo }
