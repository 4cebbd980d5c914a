package httpapi_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
)

// (a) A sign-in refused before any password is checked (here: invalid)
// still ends the session it presented.
func TestASignInRefusedEarlyEndsThePresentedSession(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	first := env.Login("officer@example.com")
	again := env.Anonymous()
	again.Cookie = first.Cookie
	apitest.ExpectProblem(t, again.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "officer@example.com"}), http.StatusBadRequest)
	if got := me(first); got != http.StatusUnauthorized {
		t.Fatalf("the session presented at an invalid sign-in: %d, want 401", got)
	}
}

// (b) Changing one's own password revokes one's API tokens, as an admin's
// reset does: the password may have been changed because it leaked.
func TestChangingYourPasswordRevokesYourTokens(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	officer := env.Login("officer@example.com")
	res := officer.Do(http.MethodPost, "/api/v1/tokens", map[string]any{"name": "script", "password": apitest.Password})
	apitest.ExpectStatus(t, res, http.StatusCreated)
	var tok struct {
		Token string `json:"token"`
	}
	res.JSON(&tok)
	bot := env.Anonymous()
	bot.Bearer = tok.Token
	if got := me(bot); got != http.StatusOK {
		t.Fatalf("the token before: %d", got)
	}
	apitest.ExpectStatus(t, officer.Do(http.MethodPut, "/api/v1/me/password", map[string]string{"current_password": apitest.Password, "new_password": newPassword}), http.StatusNoContent)
	if got := me(bot); got != http.StatusUnauthorized {
		t.Fatalf("the token after the owner changed the password: %d, want 401", got)
	}
}

// (c) A proxy that writes the client's port ("1.2.3.4:5678") does not stop
// the walk: the client is still the address throttled.
func TestXForwardedForHopsWithAPortAreTheClient(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.TrustedProxies(netip.MustParsePrefix("10.0.0.0/8")))
	env.SeedDemo()
	for range 5 {
		signInFrom(env, "10.1.2.3", "officer@example.com", "guess", "X-Forwarded-For", "198.51.100.66:5678, 10.9.9.9:443")
	}
	if res := signInFrom(env, "10.1.2.3", "officer@example.com", apitest.Password, "X-Forwarded-For", "198.51.100.66:1111"); res.Status != http.StatusTooManyRequests {
		t.Fatalf("the guessing client, forwarded with a port: %d, want 429", res.Status)
	}
	if res := signInFrom(env, "10.1.2.3", "officer@example.com", apitest.Password, "X-Forwarded-For", "[2001:db8::7]:443"); res.Status != http.StatusCreated {
		t.Fatalf("another client behind the same proxy: %d %s, want 201", res.Status, res.Body)
	}
	var addrs []string
	if err := env.SQL.Select(&addrs, `SELECT DISTINCT after->>'client_addr' FROM audit_events WHERE action LIKE 'session.login%' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(addrs) != "[198.51.100.66 2001:db8::7]" {
		t.Fatalf("audited client addresses %v", addrs)
	}
}

// (d) An IPv6 client is throttled by its /64: hopping between the addresses
// of one subscriber's network buys no attempts.
func TestIPv6ClientsAreThrottledByTheirSlash64(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	from := func(addr, password string) *apitest.Response {
		c := env.Anonymous()
		c.RemoteAddr = "[" + addr + "]:40000"
		return c.Do(http.MethodPost, "/api/v1/session", map[string]string{"email": "officer@example.com", "password": password})
	}
	for i := range 5 {
		apitest.ExpectStatus(t, from(fmt.Sprintf("2001:db8:1:2::%x", i+1), "guess"), http.StatusUnauthorized)
	}
	apitest.ExpectStatus(t, from("2001:db8:1:2:ffff::1", apitest.Password), http.StatusTooManyRequests)
	apitest.ExpectStatus(t, from("2001:db8:1:3::1", apitest.Password), http.StatusCreated)
}

// (e) Attempts refused while blocked add nothing to the audit trail (the
// failure that started the block is there), and (f) throttle rows whose
// time is over are deleted.
func TestBlockedAttemptsAreNotAuditedAndOldThrottleRowsGo(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	count := func() (n int) {
		if err := env.SQL.Get(&n, `SELECT count(*) FROM audit_events WHERE action = 'session.login_failed'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for range 5 {
		apitest.ExpectStatus(t, signInFrom(env, "198.51.100.1", "officer@example.com", "guess"), http.StatusUnauthorized)
	}
	if n := count(); n != 5 {
		t.Fatalf("%d failures audited, want 5", n)
	}
	for range 20 {
		apitest.ExpectStatus(t, signInFrom(env, "198.51.100.1", "officer@example.com", "guess"), http.StatusTooManyRequests)
	}
	if n := count(); n != 5 {
		t.Fatalf("%d failures audited after 20 blocked attempts, want still 5", n)
	}

	var rows int
	if err := env.SQL.Get(&rows, `SELECT count(*) FROM login_throttle`); err != nil || rows != 3 {
		t.Fatalf("throttle rows %d (%v), want 3", rows, err)
	}
	env.Clock.Advance(time.Hour)
	apitest.ExpectStatus(t, signInFrom(env, "198.51.100.2", "manager@example.com", "guess"), http.StatusUnauthorized)
	var keys []string
	if err := env.SQL.Select(&keys, `SELECT key FROM login_throttle ORDER BY key`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(keys) != "[account-address:manager@example.com 198.51.100.2 account:manager@example.com address:198.51.100.2]" {
		t.Fatalf("throttle rows after an hour and one new failure: %v, want only the new failure's", keys)
	}
}

// (g) Past an account's ceiling, parallel attempts do not each sleep alone:
// the database hands out one slot per delay, and an attempt whose slot
// lies beyond its request's deadline is answered 429 with Retry-After.
func TestParallelAttemptsPastTheCeilingQueueForSlots(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.RequestTimeout(4*time.Second))
	env.SeedDemo()
	for i := range 10 {
		apitest.ExpectStatus(t, signInFrom(env, fmt.Sprintf("198.51.100.%d", 20+i), "auditor@example.com", "guess"), http.StatusUnauthorized)
	}
	const n = 12
	results := make(chan *apitest.Response, n)
	for i := range n {
		go func() {
			results <- signInFrom(env, fmt.Sprintf("203.0.113.%d", 10+i), "auditor@example.com", apitest.Password)
		}()
	}
	var served, throttled int
	for range n {
		res := <-results
		switch res.Status {
		case http.StatusCreated:
			served++
		case http.StatusTooManyRequests:
			throttled++
			if res.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
		default:
			t.Errorf("an attempt past the ceiling: %d %s", res.Status, res.Body)
		}
	}
	// Slots 0.5 s apart within a 4 s deadline less 0.5 s for the check: at
	// most 7 attempts get one, whatever the parallelism.
	if served < 1 || served > 7 || served+throttled != n {
		t.Fatalf("%d served, %d throttled of %d parallel attempts; want 1 to 7 served and the rest 429", served, throttled, n)
	}
}
