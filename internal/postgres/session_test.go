package postgres_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
)

// A session's last_seen_at is written at most once a minute, and the
// 30-minute idle limit still holds to the minute: a session ends no later
// than 30 idle minutes after its last use and no earlier than 29.
func TestSessionsTouchLastSeenAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.SeedDemo()
	c := env.Login("officer@example.com")
	login := env.Clock.Now()
	lastSeen := func() time.Time {
		t.Helper()
		var at time.Time
		if err := env.SQL.Get(&at, `SELECT last_seen_at FROM sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		return at.UTC()
	}
	me := func(want int) {
		t.Helper()
		if got := c.Do(http.MethodGet, "/api/v1/me", nil).Status; got != want {
			t.Fatalf("GET /me at login+%v: %d, want %d", env.Clock.Now().Sub(login), got, want)
		}
	}

	// Within the minute: no write, whatever the number of requests.
	for range 5 {
		env.Clock.Advance(10 * time.Second)
		me(http.StatusOK)
	}
	if got := lastSeen(); !got.Equal(login) {
		t.Fatalf("last_seen_at after 50 s of requests = %v, want the login time %v (no write within a minute)", got, login)
	}
	// The first request a minute or more after the stored time writes it.
	env.Clock.Advance(10 * time.Second) // login+60s
	me(http.StatusOK)
	touched := env.Clock.Now()
	if got := lastSeen(); !got.Equal(touched) {
		t.Fatalf("last_seen_at at login+60s = %v, want %v", got, touched)
	}

	// Used at touched+59s (not written), then idle: the stored time lags the
	// last use by 59 s, so the session ends 29:01 after that use — between 29
	// and 30 minutes, never later than 30.
	env.Clock.Advance(59 * time.Second)
	me(http.StatusOK)
	lastUse := env.Clock.Now()
	if got := lastSeen(); !got.Equal(touched) {
		t.Fatalf("last_seen_at 59 s after a write = %v, want %v", got, touched)
	}
	env.Clock.Advance(29 * time.Minute) // lastUse+29:00 = touched+29:59
	me(http.StatusOK)                   // writes: the stored time is 29:59 old
	if got := lastSeen(); !got.Equal(lastUse.Add(29 * time.Minute)) {
		t.Fatalf("last_seen_at = %v, want %v", got, lastUse.Add(29*time.Minute))
	}
	env.Clock.Advance(30*time.Minute - time.Second)
	me(http.StatusOK) // 29:59 idle: still on, and written
	env.Clock.Advance(30 * time.Minute)
	me(http.StatusUnauthorized) // exactly 30:00 idle: over
}
