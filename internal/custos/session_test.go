package custos

import (
	"github.com/google/go-cmp/cmp"
	"testing"
	"time"
)

func TestSessionActiveAt(t *testing.T) {
	login := time.Date(2025, 2, 3, 8, 0, 0, 0, time.UTC)
	p := DefaultSessionPolicy
	if p.IdleTimeout != 30*time.Minute || p.MaxLifetime != 12*time.Hour {
		t.Fatalf("DefaultSessionPolicy = %+v, want 30m idle, 12h absolute", p)
	}
	ended := login.Add(time.Hour)
	lastSeen := login.Add(11*time.Hour + 50*time.Minute)
	tests := []struct {
		name string
		s    Session
		now  time.Time
		want bool
	}{
		{"just after login it is active", Session{CreatedAt: login, LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour)}, login, true},
		{"idle 29:59 it is active", Session{LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(29*time.Minute + 59*time.Second), true},
		{"idle 29:59.999999999 it is active", Session{LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(30*time.Minute - time.Nanosecond), true},
		{"idle exactly 30:00 it is over", Session{LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(30 * time.Minute), false},
		{"idle 30:01 it is over", Session{LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(30*time.Minute + time.Second), false},
		{"recently used just before absolute expiry it is active", Session{LastSeenAt: lastSeen, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(12*time.Hour - time.Second), true},
		{"recently used at absolute expiry it is over", Session{LastSeenAt: lastSeen, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(12 * time.Hour), false},
		{"recently used after absolute expiry it is over", Session{LastSeenAt: lastSeen, ExpiresAt: login.Add(12 * time.Hour)}, login.Add(12*time.Hour + time.Minute), false},
		{"an ended session is over even if fresh", Session{LastSeenAt: login, ExpiresAt: login.Add(12 * time.Hour), EndedAt: &ended}, login.Add(time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.ActiveAt(tt.now, p); got != tt.want {
				t.Fatalf("ActiveAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoginThrottle(t *testing.T) {
	th := DefaultLoginThrottle.PerAccountAddress
	if th.MaxFailures != 5 || th.Window != 15*time.Minute || th.Block != 15*time.Minute {
		t.Fatalf("DefaultLoginThrottle.PerAccountAddress = %+v, want 5 failures in 15m block 15m", th)
	}
	t0 := time.Date(2025, 2, 3, 8, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }

	// fails applies failures at the given offsets from t0.
	fails := func(offsets ...time.Duration) LoginFailures {
		var f LoginFailures
		for _, o := range offsets {
			f = th.Fail(f, at(o))
		}
		return f
	}
	min := time.Minute
	tests := []struct {
		name         string
		state        LoginFailures
		now          time.Time
		wantFailures int
		wantBlocked  time.Duration
	}{
		{"no failures do not block", LoginFailures{}, t0, 0, 0},
		{"four failures in the window do not block", fails(0, 1*min, 2*min, 3*min), at(3 * min), 4, 0},
		{"the fifth failure in the window blocks for 15 minutes", fails(0, 1*min, 2*min, 3*min, 4*min), at(4 * min), 5, 15 * min},
		{"five failures within one second block", fails(0, 0, 0, 0, time.Second), at(time.Second), 5, 15 * min},
		{"the block counts down", fails(0, 1*min, 2*min, 3*min, 4*min), at(10 * min), 5, 9 * min},
		{"the block is still on one second before it ends", fails(0, 1*min, 2*min, 3*min, 4*min), at(19*min - time.Second), 5, time.Second},
		{"the block ends 15 minutes after the fifth failure", fails(0, 1*min, 2*min, 3*min, 4*min), at(19 * min), 5, 0},
		{"the fifth failure at 14:59 is still in the window", fails(0, 1*min, 2*min, 3*min, 14*min+59*time.Second), at(15 * min), 5, 14*min + 59*time.Second},
		{"the window resets after 15 minutes: the fifth failure at 15:00 starts over", fails(0, 1*min, 2*min, 3*min, 15*min), at(15 * min), 1, 0},
		{"after a reset, four more failures do not block", fails(0, 1*min, 2*min, 3*min, 15*min, 16*min, 17*min, 18*min), at(18 * min), 4, 0},
		{"after a reset, five failures in the new window block", fails(0, 1*min, 2*min, 3*min, 15*min, 16*min, 17*min, 18*min, 19*min), at(19 * min), 5, 15 * min},
		{"a failure after the block ended starts a new window", fails(0, 1*min, 2*min, 3*min, 4*min, 20*min), at(20 * min), 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.state.Failures != tt.wantFailures {
				t.Errorf("failures = %d, want %d", tt.state.Failures, tt.wantFailures)
			}
			if got := th.BlockedFor(tt.state, tt.now); got != tt.wantBlocked {
				t.Fatalf("BlockedFor = %v, want %v", got, tt.wantBlocked)
			}
		})
	}

	t.Run("a new window starts at the first failure", func(t *testing.T) {
		f := th.Fail(LoginFailures{}, at(7*min))
		if f.Failures != 1 || !f.WindowStartedAt.Equal(at(7*min)) || f.BlockedUntil != nil {
			t.Fatalf("state = %+v", f)
		}
	})
	t.Run("the block ends 15 minutes after the blocking failure", func(t *testing.T) {
		f := fails(0, 1*min, 2*min, 3*min, 4*min)
		if f.BlockedUntil == nil || !f.BlockedUntil.Equal(at(19*min)) {
			t.Fatalf("BlockedUntil = %v, want %v", f.BlockedUntil, at(19*min))
		}
	})
	t.Run("Fail does not change its argument", func(t *testing.T) {
		f := fails(0, 1*min)
		_ = th.Fail(f, at(2*min))
		if f.Failures != 2 {
			t.Fatalf("argument changed: %+v", f)
		}
	})
}

func TestTheAccountCeilingSlowsButNeverBlocks(t *testing.T) {
	th := DefaultLoginThrottle
	t0 := time.Date(2025, 2, 3, 8, 0, 0, 0, time.UTC)
	var f LoginFailures
	var delays []time.Duration
	for i := 0; i < 20; i++ {
		f = th.AccountFail(f, t0.Add(time.Duration(i)*time.Second))
		if f.BlockedUntil != nil {
			t.Fatalf("failure %d blocks the account", i+1)
		}
		delays = append(delays, th.AccountDelayFor(f, t0.Add(time.Duration(i)*time.Second)))
	}
	ms := time.Millisecond
	want := []time.Duration{0, 0, 0, 0, 0, 0, 0, 0, 0, 500 * ms, 1000 * ms, 2000 * ms, 4000 * ms, 8000 * ms, 8000 * ms, 8000 * ms, 8000 * ms, 8000 * ms, 8000 * ms, 8000 * ms}
	if diff := cmp.Diff(want, delays); diff != "" {
		t.Fatalf("delays after each failure (-want +got):\n%s", diff)
	}
	if d := th.AccountDelayFor(f, t0.Add(15*time.Minute)); d != 0 {
		t.Fatalf("delay once the window is over: %v, want 0", d)
	}
}

func TestThrottled_RoundsTheWaitUpToWholeSeconds(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want int
	}{
		{15 * time.Minute, 900},
		{time.Second, 1},
		{time.Millisecond, 1},
		{1500 * time.Millisecond, 2},
	}
	for _, tt := range tests {
		e := Throttled(tt.wait)
		if e.Code != ETHROTTLED || e.RetryAfterSeconds != tt.want {
			t.Errorf("Throttled(%v) = %s / %d, want %s / %d", tt.wait, e.Code, e.RetryAfterSeconds, ETHROTTLED, tt.want)
		}
	}
}
