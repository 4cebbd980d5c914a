// Package secret hashes passwords and makes and hashes bearer secrets
// (session and API tokens).
package secret

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"
)

// Argon2id parameters: the OWASP-recommended 19 MiB, two passes, one lane.
var params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Each argon2id computation takes 19 MiB and tens of milliseconds of one
// CPU, and anyone may ask for one by signing in. hashSlots bounds how many run
// at once, so that a flood of sign-ins costs at most the CPUs and a few times
// 19 MiB; the rest wait up to a second for a slot and are then turned away (the
// caller answers 503 with Retry-After).
var hashSlots = make(chan struct{}, runtime.NumCPU())

// hashWait is how long a password check waits for a free slot: 1 s unless
// SetHashWait changed it.
var hashWait atomic.Int64

func init() { hashWait.Store(int64(time.Second)) }

// SetHashWait changes how long a password check waits for a free slot. The
// test harness, whose parallel tests share one process and its slots on a
// busy machine, waits longer than a server should.
func SetHashWait(d time.Duration) { hashWait.Store(int64(d)) }

// ErrBusy is returned when no hashing slot came free in time.
var ErrBusy = errors.New("secret: every password-hashing slot is busy")

// withSlot runs f holding one hashing slot.
func withSlot(ctx context.Context, f func()) error {
	t := time.NewTimer(time.Duration(hashWait.Load()))
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-hashSlots }()
	f()
	return nil
}

// HashPassword returns an argon2id hash in PHC string form.
func HashPassword(ctx context.Context, pw string) (hash string, err error) {
	if serr := withSlot(ctx, func() { hash, err = argon2id.CreateHash(pw, params) }); serr != nil {
		return "", serr
	}
	return hash, err
}

// CheckPassword reports whether pw matches hash, in constant time. It fails
// only when no hashing slot came free (ErrBusy) or ctx ended.
func CheckPassword(ctx context.Context, pw, hash string) (bool, error) {
	var ok bool
	err := withSlot(ctx, func() {
		match, cerr := argon2id.ComparePasswordAndHash(pw, hash)
		ok = cerr == nil && match
	})
	return ok, err
}

// dummyHash is checked against when no account has the address, so that a
// wrong address costs the same time as a wrong password. It is made on first
// use, not at start: CLI commands never need it.
var (
	dummyOnce sync.Once
	dummy     string
	dummyMade atomic.Bool
)

func dummyHash() string {
	dummyOnce.Do(func() {
		h, err := argon2id.CreateHash("custos-no-such-account-placeholder", params)
		if err != nil {
			panic(err) // only crypto/rand can fail here, and it does not on Linux.
		}
		dummy = h
		dummyMade.Store(true)
	})
	return dummy
}

// BurnPasswordCheck spends the time of one password check.
func BurnPasswordCheck(ctx context.Context, pw string) error {
	_, err := CheckPassword(ctx, pw, dummyHash())
	return err
}

// DummyHashMade reports whether the dummy hash has been computed, for the
// test that CLI commands do not pay for it.
func DummyHashMade() bool { return dummyMade.Load() }

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
