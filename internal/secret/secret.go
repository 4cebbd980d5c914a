// Package secret hashes passwords and makes and hashes bearer secrets
// (session and API tokens).
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/alexedwards/argon2id"
)

// Argon2id parameters: the OWASP-recommended 19 MiB, two passes, one lane.
var params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword returns an argon2id hash in PHC string form.
func HashPassword(pw string) (string, error) { return argon2id.CreateHash(pw, params) }

// CheckPassword reports whether pw matches hash, in constant time.
func CheckPassword(pw, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// dummyHash is checked against when no account has the address, so that a
// wrong address costs the same time as a wrong password.
var dummyHash, _ = HashPassword("custos-no-such-account-placeholder")

// BurnPasswordCheck spends the time of one password check.
func BurnPasswordCheck(pw string) { CheckPassword(pw, dummyHash) }

// NewToken returns a random 256-bit secret, URL-safe, with a prefix that
// tells what it is (and lets secret scanners find leaked tokens).
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux.
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the database keeps of a token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Prefixes of the two kinds of bearer secret.
const (
	SessionPrefix  = "cs_"
	APITokenPrefix = "cst_"
)

// LooksLike reports whether s has the prefix and length of a token of that kind.
func LooksLike(s, prefix string) bool {
	return strings.HasPrefix(s, prefix) && len(s) == len(prefix)+43
}

// CSRFToken derives the CSRF token of a session from its secret token, so the
// server need not store it and no other session can produce it.
func CSRFToken(sessionToken string) string {
	h := sha256.Sum256([]byte("custos-csrf\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(h[:])
}
