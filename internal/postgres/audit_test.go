package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

var cli = custos.WithActor(context.Background(), custos.Actor{Email: "cli:test"})

// chainOf makes an env whose audit trail holds n events (one team each).
func chainOf(t *testing.T, n int) *apitest.Env {
	t.Helper()
	env := apitest.New(t)
	for i := 1; i <= n; i++ {
		if _, err := env.Teams.CreateTeam(cli, fmt.Sprintf("Team %02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

func verify(t *testing.T, env *apitest.Env) custos.ChainReport {
	t.Helper()
	r, err := env.Audit.VerifyAuditChain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tamper runs statements as the database superuser with triggers off, as an
// attacker with the database's keys could.
func tamper(t *testing.T, env *apitest.Env, statements ...string) {
	t.Helper()
	su := apitest.Superuser(t, env.Conf)
	tx := su.MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	for _, s := range statements {
		tx.MustExec(s)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestAuditChainOfOrdinaryWritesVerifies(t *testing.T) {
	t.Parallel()
	env := chainOf(t, 10)
	r := verify(t, env)
	if !r.Valid || r.Checked != 10 || r.HeadSeq != 10 || r.Broken != nil {
		t.Fatalf("report = %+v, want 10 valid events", r)
	}
}

func TestTamperingIsReportedAtTheFirstBrokenEvent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		statements []string
		wantSeq    int64
		wantReason string
	}{
		{"a flipped byte in a hash", []string{`UPDATE audit_events SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE seq = 5`}, 5, "content does not match"},
		{"a changed actor", []string{`UPDATE audit_events SET actor = 'someone-else' WHERE seq = 4`}, 4, "content does not match"},
		{"a changed after-image", []string{`UPDATE audit_events SET after = jsonb_set(after, '{name}', '"Team 99"') WHERE seq = 6`}, 6, "content does not match"},
		{"a changed time", []string{`UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 3`}, 3, "content does not match"},
		{"a deleted event", []string{`DELETE FROM audit_events WHERE seq = 7`}, 7, "missing"},
		{"the last event deleted", []string{`DELETE FROM audit_events WHERE seq = 10`}, 10, "head"},
		{"two events swapped", []string{
			`UPDATE audit_events SET seq = 1000 WHERE seq = 4`,
			`UPDATE audit_events SET seq = 4 WHERE seq = 5`,
			`UPDATE audit_events SET seq = 5 WHERE seq = 1000`,
		}, 4, "previous hash"},
		{"an event rewritten with a recomputed own hash", []string{
			// Without the chain the forger would recompute this event's hash; the
			// next event's prev_hash still names the original.
			`UPDATE audit_events SET prev_hash = decode(repeat('00', 32), 'hex') WHERE seq = 8`,
		}, 8, "previous hash"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := chainOf(t, 10)
			tamper(t, env, c.statements...)
			r := verify(t, env)
			if r.Valid || r.Broken == nil {
				t.Fatalf("tampering went unnoticed: %+v", r)
			}
			if r.Broken.Seq != c.wantSeq || !strings.Contains(r.Broken.Reason, c.wantReason) {
				t.Fatalf("broken at %d (%s), want %d (%s)", r.Broken.Seq, r.Broken.Reason, c.wantSeq, c.wantReason)
			}
		})
	}
}

func TestDatabaseRefusesToRewriteTheAuditTrail(t *testing.T) {
	t.Parallel()
	env := chainOf(t, 3)
	for _, stmt := range []string{
		`UPDATE audit_events SET actor = 'x' WHERE seq = 1`,
		`DELETE FROM audit_events WHERE seq = 3`,
		`TRUNCATE audit_events`,
		`DELETE FROM audit_head`,
	} {
		if _, err := env.SQL.Exec(stmt); err == nil || !strings.Contains(err.Error(), "not allowed") {
			t.Errorf("%s: err = %v, want a refusal", stmt, err)
		}
	}
	if r := verify(t, env); !r.Valid || r.Checked != 3 {
		t.Fatalf("chain after refused changes: %+v", r)
	}
}

func TestThousandConcurrentAppendsLeaveAChainThatVerifies(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	const writers, each = 40, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := env.Teams.CreateTeam(cli, fmt.Sprintf("Concurrent %02d-%02d", w, i)); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	r := verify(t, env)
	if !r.Valid || r.Checked != writers*each || r.HeadSeq != writers*each {
		t.Fatalf("report = %+v, want %d valid events", r, writers*each)
	}
	var distinctPrev int
	if err := env.SQL.Get(&distinctPrev, `SELECT count(DISTINCT prev_hash) FROM audit_events`); err != nil || distinctPrev != writers*each {
		t.Fatalf("%d distinct previous hashes for %d events: the chain forked", distinctPrev, writers*each)
	}
}

func TestAWriteThatFailsLeavesNoAuditEvent(t *testing.T) {
	t.Parallel()
	env := chainOf(t, 1)
	if _, err := env.Teams.CreateTeam(cli, "team 01"); custos.ErrorCode(err) != custos.ECONFLICT {
		t.Fatalf("duplicate team: %v, want conflict", err)
	}
	if r := verify(t, env); !r.Valid || r.HeadSeq != 1 {
		t.Fatalf("a failed write moved the chain: %+v", r)
	}
}
