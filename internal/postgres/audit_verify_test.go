package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/custos"
)

// custos audit verify goes on from the last verified event: it trusts the
// events before it (the database refuses to change them) as long as the
// event verified last keeps its hash; the whole walk (the API, --full)
// reads everything again.
func TestAuditVerificationGoesOnFromTheLastVerifiedEvent(t *testing.T) {
	t.Parallel()
	env := chainOf(t, 10)
	since := func() custos.ChainReport {
		t.Helper()
		r, err := env.Audit.VerifyAuditChainSince(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := since(); !r.Valid || r.Checked != 10 {
		t.Fatalf("first verification = %+v, want 10 valid events", r)
	}
	var mark int64
	if err := env.SQL.Get(&mark, `SELECT seq FROM audit_verified`); err != nil || mark != 10 {
		t.Fatalf("verified mark = %d, %v; want 10", mark, err)
	}
	for i := 11; i <= 15; i++ {
		if _, err := env.Teams.CreateTeam(cli, fmt.Sprintf("Team %02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// A change before the mark that leaves the mark's hash alone: the
	// incremental walk does not read it, the whole walk does.
	tamper(t, env, `UPDATE audit_events SET actor = 'someone-else' WHERE seq = 4`)
	type summary struct {
		Valid   bool
		Checked int64
		Head    int64
		Broken  int64
	}
	sum := func(r custos.ChainReport) summary {
		s := summary{r.Valid, r.Checked, r.HeadSeq, 0}
		if r.Broken != nil {
			s.Broken = r.Broken.Seq
		}
		return s
	}
	if d := cmp.Diff(summary{Valid: true, Checked: 15, Head: 15}, sum(since())); d != "" {
		t.Errorf("incremental verification (-want +got):\n%s", d)
	}
	if d := cmp.Diff(summary{Valid: false, Checked: 3, Head: 15, Broken: 4}, sum(verify(t, env))); d != "" {
		t.Errorf("whole verification (-want +got):\n%s", d)
	}

	// A rewrite that reaches the verified event changes its hash: caught
	// without walking the prefix.
	tamper(t, env, `UPDATE audit_events SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE seq = 15`)
	r := since()
	if r.Valid || r.Broken == nil || r.Broken.Seq != 15 || !strings.Contains(r.Broken.Reason, "verified last") {
		t.Fatalf("a changed verified event: %+v", r)
	}
}
