package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/oidc"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/secret"
)

// Two replicas are two services on one database: when the same state comes
// back to both at once (a replayed callback), exactly one takes it.
func TestAPendingSignInIsTakenOnceWhateverTheRace(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	replicas := []*postgres.SSOService{postgres.NewSSOService(env.Store), postgres.NewSSOService(env.Store)}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for round := range 5 {
		state, browser := secret.HashToken(secret.NewToken("s")), secret.HashToken("b")
		if err := replicas[0].BeginLogin(ctx, oidc.PendingLogin{StateHash: state, BrowserHash: browser, Nonce: "n",
			CodeVerifier: "v", ReturnTo: "/"}, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		const takers = 8
		results := make([]error, takers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range takers {
			wg.Go(func() {
				<-start
				_, results[i] = replicas[i%2].TakeLogin(ctx, state, browser)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case oidc.ReasonOf(err) != oidc.ReasonState:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d of %d concurrent takers got the sign-in, want exactly 1", round, won, takers)
		}
	}

	// Past its time a pending sign-in is refused, and starting another one
	// clears it out.
	state := secret.HashToken("late")
	if err := replicas[0].BeginLogin(ctx, oidc.PendingLogin{StateHash: state, BrowserHash: []byte("b"), Nonce: "n", CodeVerifier: "v", ReturnTo: "/"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(2 * time.Minute)
	if err := replicas[1].BeginLogin(ctx, oidc.PendingLogin{StateHash: secret.HashToken("next"), BrowserHash: []byte("b"), Nonce: "n", CodeVerifier: "v", ReturnTo: "/"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := env.SQL.Get(&left, `SELECT count(*) FROM oidc_pending_logins WHERE state_hash = $1`, state); err != nil || left != 0 {
		t.Errorf("expired pending sign-ins left: %d (%v)", left, err)
	}
	if _, err := replicas[1].TakeLogin(ctx, state, []byte("b")); oidc.ReasonOf(err) != oidc.ReasonState {
		t.Errorf("an expired sign-in: %v", err)
	}
}
