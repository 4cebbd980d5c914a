package httpapi_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
)

// signInFrom tries a password for an account from a client address.
func signInFrom(env *apitest.Env, addr, email, password string, header ...string) *apitest.Response {
	c := env.Anonymous()
	c.RemoteAddr = addr + ":40000"
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
	return c.Request(http.MethodPost, "/api/v1/session", stringsReader(body), h)
}

func TestNobodyCanLockAUserOut(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	// Five wrong passwords from one address block that address for the account...
	for i := range 5 {
		if res := signInFrom(env, "198.51.100.1", "officer@example.com", fmt.Sprintf("guess-%d", i)); res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, res.Status)
		}
	}
	if res := signInFrom(env, "198.51.100.1", "officer@example.com", apitest.Password); res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("the guessing address: %d (Retry-After %q), want 429", res.Status, res.Header.Get("Retry-After"))
	}
	// ...and the real user's correct password from their own address still works.
	if res := signInFrom(env, "203.0.113.9", "officer@example.com", apitest.Password); res.Status != http.StatusCreated {
		t.Fatalf("the real user from another address: %d %s, want 201", res.Status, res.Body)
	}
}

func TestOneAddressIsThrottledAcrossAccounts(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	// Twenty failures spread over accounts, four each: no account is blocked
	// from this address, but the address is.
	for i := range 20 {
		email := fmt.Sprintf("spray%d@example.com", i%5)
		if res := signInFrom(env, "198.51.100.7", email, fmt.Sprintf("guess-%d", i)); res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, res.Status)
		}
	}
	if res := signInFrom(env, "198.51.100.7", "manager@example.com", apitest.Password); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the spraying address, with a right password: %d, want 429", res.Status)
	}
	if res := signInFrom(env, "198.51.100.8", "manager@example.com", apitest.Password); res.Status != http.StatusCreated {
		t.Fatalf("another address: %d, want 201", res.Status)
	}
	// The block lifts after 15 minutes.
	env.Clock.Advance(15*time.Minute + time.Second)
	if res := signInFrom(env, "198.51.100.7", "manager@example.com", apitest.Password); res.Status != http.StatusCreated {
		t.Fatalf("after the block: %d, want 201", res.Status)
	}
}

func TestTheAccountCeilingSlowsGuessesFromManyAddressesButLetsTheUserIn(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	// Ten failures from ten addresses: none blocked, the account at its ceiling.
	for i := range 10 {
		if res := signInFrom(env, fmt.Sprintf("198.51.100.%d", 20+i), "auditor@example.com", "guess"); res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, res.Status)
		}
	}
	start := time.Now()
	res := signInFrom(env, "203.0.113.5", "auditor@example.com", apitest.Password)
	took := time.Since(start)
	if res.Status != http.StatusCreated {
		t.Fatalf("the real user past the account's ceiling: %d %s, want 201", res.Status, res.Body)
	}
	if took < 500*time.Millisecond {
		t.Fatalf("an attempt past the account's ceiling took %v, want it slowed by at least 500ms", took)
	}
}

func TestXForwardedForCountsOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	// Without trusted proxies, the header is the client's word: ignored.
	env := apitest.New(t)
	env.SeedDemo()
	for i := range 5 {
		signInFrom(env, "198.51.100.1", "officer@example.com", "guess", "X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i+1))
	}
	if res := signInFrom(env, "198.51.100.1", "officer@example.com", apitest.Password, "X-Forwarded-For", "192.0.2.99"); res.Status != http.StatusTooManyRequests {
		t.Fatalf("a forged X-Forwarded-For escaped the throttle: %d, want 429", res.Status)
	}

	// Behind a trusted proxy, the forwarded address is the client's.
	proxied := apitest.New(t, apitest.TrustedProxies(netip.MustParsePrefix("10.0.0.0/8")))
	proxied.SeedDemo()
	for range 5 {
		signInFrom(proxied, "10.1.2.3", "officer@example.com", "guess", "X-Forwarded-For", "198.51.100.66, 10.9.9.9")
	}
	if res := signInFrom(proxied, "10.1.2.3", "officer@example.com", apitest.Password, "X-Forwarded-For", "198.51.100.66"); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the guessing client behind the proxy: %d, want 429", res.Status)
	}
	if res := signInFrom(proxied, "10.1.2.3", "officer@example.com", apitest.Password, "X-Forwarded-For", "203.0.113.7"); res.Status != http.StatusCreated {
		t.Fatalf("another client behind the same proxy: %d %s, want 201", res.Status, res.Body)
	}
	var addrs []string
	if err := proxied.SQL.Select(&addrs, `SELECT DISTINCT after->>'client_addr' FROM audit_events WHERE action LIKE 'session.login%' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(addrs) != "[198.51.100.66 203.0.113.7]" {
		t.Fatalf("audited client addresses %v, want the forwarded ones", addrs)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
