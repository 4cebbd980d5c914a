package secret

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestTheDummyHashIsMadeOnFirstUseOnly(t *testing.T) {
	// Nothing in this package's tests has checked an unknown account yet: a
	// process (a CLI command) that never does must not pay for the hash.
	if DummyHashMade() {
		t.Fatal("the dummy hash was computed before anyone needed it")
	}
	if err := BurnPasswordCheck(context.Background(), "whatever-was-typed"); err != nil {
		t.Fatal(err)
	}
	if !DummyHashMade() {
		t.Fatal("BurnPasswordCheck did not compute the dummy hash")
	}
	first := dummyHash()
	if err := BurnPasswordCheck(context.Background(), "again"); err != nil {
		t.Fatal(err)
	}
	if dummyHash() != first {
		t.Fatal("the dummy hash is computed again on each use")
	}
}

func TestPasswordHashingIsBoundedAndTurnsAwayWhenEverySlotIsBusy(t *testing.T) {
	hash, err := HashPassword(context.Background(), "a-long-enough-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	// Hold every slot, as a flood of sign-ins would.
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	release := func() {
		for range cap(hashSlots) {
			<-hashSlots
		}
	}
	const wait = 50 * time.Millisecond
	SetHashWait(wait)
	defer SetHashWait(time.Second)
	start := time.Now()
	_, err = CheckPassword(context.Background(), "a-long-enough-passphrase", hash)
	if !errors.Is(err, ErrBusy) {
		release()
		t.Fatalf("CheckPassword with every slot taken: %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < wait {
		t.Errorf("turned away after %v, before waiting %v", waited, wait)
	}
	if _, err := HashPassword(context.Background(), "another-passphrase"); !errors.Is(err, ErrBusy) {
		t.Errorf("HashPassword with every slot taken: %v, want ErrBusy", err)
	}
	release()
	ok, err := CheckPassword(context.Background(), "a-long-enough-passphrase", hash)
	if err != nil || !ok {
		t.Fatalf("CheckPassword after the slots came free: %v, %v", ok, err)
	}
	if bad, _ := CheckPassword(context.Background(), "the-wrong-passphrase", hash); bad {
		t.Fatal("a wrong password matches")
	}
	if len(hashSlots) != 0 {
		t.Fatalf("%d slots still held after the checks ended", len(hashSlots))
	}
}
