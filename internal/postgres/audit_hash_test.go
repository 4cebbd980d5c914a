package postgres_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/postgres"
)

// An event's hash is computed twice, by design: the append hashes it in the
// database (sha256(prev_hash || '{"seq":N' || rest), in the one statement
// that takes the chain's head, since N is known only under that lock), and
// every verifier recomputes it in Go (custos.AuditEvent.ComputeHash), also
// offline from an exported bundle, with no database at all. The canonical
// content itself is built once, in Go (HashedContent): the database only
// puts the number in front and hashes. This test holds the two to the same
// answer over generated events: texts with every kind of character JSON
// escapes, numbers, nesting, absent fields, times at microsecond edges and
// sequence numbers that gain digits (9 → 10, 99 → 100).
func TestAuditHashInTheDatabaseIsTheGoHash(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	team, err := env.Teams.CreateTeam(cli, "Hashing")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(16, 20))
	pieces := []string{"", "a", "Zürich – Société Générale", `"quoted"`, `back\slash`, "tab\tnew\nline", "<script>&amp;</script>",
		"\u2028\u2029", "emoji 🔐", "\x01\x1f control", "日本語", "\ufeff", strings.Repeat("long ", 200)}
	text := func() string { return pieces[rng.IntN(len(pieces))] + pieces[rng.IntN(len(pieces))] }
	var value func(depth int) any
	value = func(depth int) any {
		switch rng.IntN(8) {
		case 0:
			return nil
		case 1:
			return rng.IntN(2) == 0
		case 2:
			return rng.Int64() - rng.Int64()
		case 3:
			return rng.Float64() * 1e6
		case 4:
			if depth < 3 {
				xs := []any{}
				for range rng.IntN(4) {
					xs = append(xs, value(depth+1))
				}
				return xs
			}
			return text()
		case 5:
			if depth < 3 {
				m := map[string]any{}
				for range rng.IntN(5) {
					m[text()] = value(depth + 1)
				}
				return m
			}
			return text()
		default:
			return text()
		}
	}
	const n = 130
	for i := range n {
		ctx := custos.WithRequestID(context.Background(), text())
		if rng.IntN(2) == 0 {
			ctx = custos.WithClientRequestID(ctx, text())
		}
		actor := custos.Actor{Email: "cli:" + text()}
		if rng.IntN(2) == 0 {
			actor = custos.Actor{UserID: 1, Email: "officer@example.com"}
		}
		ctx = custos.WithActor(ctx, actor)
		ne := custos.NewAuditEvent{Action: "test.hash", ObjectType: "test", ObjectID: text()}
		if rng.IntN(2) == 0 {
			ne.TeamID = &team.ID
		}
		if rng.IntN(3) > 0 {
			ne.Before = value(0)
		}
		if rng.IntN(3) > 0 {
			ne.After = map[string]any{"v": value(0), "i": i}
		}
		// Times at and around microsecond edges: the trail keeps microseconds.
		env.Clock.Advance(time.Duration(rng.Int64N(int64(time.Hour))) + time.Duration(rng.IntN(3))*999*time.Nanosecond)
		if err := postgres.AppendAuditEvent(ctx, env.Store, ne); err != nil {
			t.Fatalf("append %d: %v (%+v)", i, err, ne)
		}
	}
	// Recompute every stored hash in Go from the stored event.
	var events []*custos.AuditEvent
	for before := int64(0); ; {
		page, err := env.Audit.ListAuditEvents(context.Background(), custos.AuditFilter{Before: before, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, page.Items...)
		if page.NextBefore == nil {
			break
		}
		before = *page.NextBefore
	}
	if len(events) < n {
		t.Fatalf("%d events read back, want at least %d", len(events), n)
	}
	mismatches := 0
	for _, e := range events {
		got, err := e.ComputeHash(e.PrevHash)
		if err != nil {
			t.Fatalf("event %d: %v", e.Seq, err)
		}
		if d := cmp.Diff([]byte(e.Hash), []byte(got)); d != "" {
			mismatches++
			t.Errorf("event %d (%s): the database's hash and Go's differ (-database +Go):\n%s", e.Seq, e.Action, d)
		}
	}
	t.Logf("%d events, %d mismatches", len(events), mismatches)
	if r, err := env.Audit.VerifyAuditChain(context.Background()); err != nil || !r.Valid {
		t.Fatalf("chain: %+v %v", r, err)
	}
}
