package clustertest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// tally counts the requests each replica served.
func (c *Cluster) tally(t *testing.T, ids []string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, id := range ids {
		n[c.ServedBy(t, id).name]++
	}
	return n
}

// auditVerifies runs `custos audit verify` on the database.
func auditVerifies(t *testing.T, c *Cluster, dbURL string) string {
	t.Helper()
	out, err := c.CLIOn(dbURL, "audit", "verify")
	if err != nil || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("custos audit verify: %v\n%s", err, out)
	}
	return strings.TrimSpace(out)
}

func TestBalancerSpreadsTheJourneyOverBothReplicas(t *testing.T) {
	began := time.Now()
	c := NewCluster(t)
	t.Logf("cluster up in %s", time.Since(began).Round(time.Millisecond))

	// Round robin, no stickiness: one client's consecutive requests go to
	// both replicas in turn.
	anon := newClient(t, c.LB)
	for range 20 {
		anon.must(http.StatusOK, http.MethodGet, "/healthz", nil)
	}
	spread := c.tally(t, anon.sent)
	if spread["replica1"] < 8 || spread["replica2"] < 8 {
		t.Fatalf("20 requests through the balancer were served %v; want round robin over both replicas", spread)
	}

	// The officer → manager → auditor journey through the balancer: a
	// session made on one replica works on the other, and every write made
	// through either is there at the end.
	j := newJourney(t, c.LB)
	j.run()
	ids := j.requests()
	served := c.tally(t, ids)
	t.Logf("the journey's %d requests were served %v", len(ids), served)
	for _, r := range c.Replicas {
		if served[r.name] < len(ids)/4 {
			t.Errorf("%s served %d of the journey's %d requests; want round robin", r.name, served[r.name], len(ids))
		}
	}

	// A memo is produced once per request, whichever replica takes it:
	// concurrent issues through the balancer give as many memos as requests.
	const issues = 6
	var wg sync.WaitGroup
	got := make([]memoAnswer, issues)
	answers := make([]*answer, issues)
	for i := range issues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = j.manager.at(c.LB).do(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", j.evalID), nil)
		}()
	}
	wg.Wait()
	want := map[int64]bool{j.memo.ID: true}
	for i, a := range answers {
		if a.Status != http.StatusCreated {
			t.Fatalf("concurrent memo issue %d: %d %s", i, a.Status, truncate(a.Body))
		}
		a.decode(t, &got[i])
		want[got[i].ID] = true
	}
	if len(want) != issues+1 {
		t.Fatalf("%d memo requests answered %d distinct memos", issues+1, len(want))
	}
	var inRegistry []int64
	if err := c.DB.Select(&inRegistry, `SELECT id FROM memos WHERE evaluation_id = $1`, j.evalID); err != nil {
		t.Fatal(err)
	}
	var issueEvents int
	if err := c.DB.Get(&issueEvents, `SELECT count(*) FROM audit_events WHERE action = 'memo.issue'`); err != nil {
		t.Fatal(err)
	}
	if len(inRegistry) != len(want) || issueEvents != len(want) {
		t.Fatalf("%d memo requests left %d memos %v and %d memo.issue events", len(want), len(inRegistry), inRegistry, issueEvents)
	}
	for _, id := range inRegistry {
		if !want[id] {
			t.Errorf("memo %d is in the registry but no request was answered with it", id)
		}
	}
	t.Log(auditVerifies(t, c, c.DBURL))
}

func TestMembershipChangeThroughOneReplicaReachesTheOther(t *testing.T) {
	c := NewCluster(t)
	r1, r2 := c.Replicas[0], c.Replicas[1]
	admin := newClient(t, r1.Addr).login("admin@example.com")
	treasury := teamID(t, admin, "Demo Treasury")
	// An officer of the other team, signed in on the second replica.
	outsider := newClient(t, r2.Addr).login("other.officer@example.com")
	var me struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	outsider.must(http.StatusOK, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
	list := fmt.Sprintf("/api/v1/evaluations?team=%d", treasury)
	outsider.must(http.StatusForbidden, http.MethodGet, list, nil)

	// Granted through replica 1: replica 2 lets the user in. The change
	// travels by PostgreSQL NOTIFY; the servers' periodic reload is a minute
	// apart, so meeting this within 15 s can only be the notification.
	const within = 15 * time.Second
	admin.must(http.StatusCreated, http.MethodPost, fmt.Sprintf("/api/v1/teams/%d/members", treasury),
		map[string]any{"user_id": me.User.ID, "role": "auditor"})
	lag := waitWithin(t, within, "the grant made on replica 1 to take effect on replica 2", func() bool {
		return outsider.do(http.MethodGet, list, nil).Status == http.StatusOK
	})
	t.Logf("grant on replica 1 effective on replica 2 after %s", lag.Round(time.Microsecond))
	outsider.at(r1.Addr).must(http.StatusOK, http.MethodGet, list, nil)

	// Revoked through replica 2: replica 1 shuts the user out.
	admin.at(r2.Addr).must(http.StatusNoContent, http.MethodDelete,
		fmt.Sprintf("/api/v1/teams/%d/members/%d/auditor", treasury, me.User.ID), nil)
	outsider.must(http.StatusForbidden, http.MethodGet, list, nil)
	lag = waitWithin(t, within, "the revocation made on replica 2 to take effect on replica 1", func() bool {
		return outsider.at(r1.Addr).do(http.MethodGet, list, nil).Status == http.StatusForbidden
	})
	t.Logf("revocation on replica 2 effective on replica 1 after %s", lag.Round(time.Microsecond))
}

func TestLoginThrottlingCountsAttemptsAcrossReplicas(t *testing.T) {
	c := NewCluster(t)
	r1, r2 := c.Replicas[0], c.Replicas[1]
	wrong := func(cl *client, email string) *answer {
		return cl.do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": "not-the-password-at-all"})
	}
	// How many failures one replica takes before it blocks an account.
	one := newClient(t, r1.Addr)
	alone := 0
	for ; alone <= 50; alone++ {
		a := wrong(one, "officer2@example.com")
		if a.Status == http.StatusTooManyRequests {
			break
		}
		if a.Status != http.StatusUnauthorized {
			t.Fatalf("failed login: %d %s", a.Status, truncate(a.Body))
		}
	}
	if alone == 0 || alone > 50 {
		t.Fatalf("one replica blocked after %d failures; want a limit between 1 and 50", alone)
	}

	// Alternating between the replicas must not buy more attempts: the
	// count lives in the database, not in each process.
	clients := []*client{newClient(t, r1.Addr), newClient(t, r2.Addr)}
	across := 0
	for ; across <= 2*alone; across++ {
		a := wrong(clients[across%2], "manager2@example.com")
		if a.Status == http.StatusTooManyRequests {
			if a.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			break
		}
		if a.Status != http.StatusUnauthorized {
			t.Fatalf("failed login: %d %s", a.Status, truncate(a.Body))
		}
	}
	if across > alone {
		t.Fatalf("alternating replicas allowed %d failed logins before blocking; one replica allows %d", across, alone)
	}
	// Blocked on both replicas and through the balancer, even with the right password.
	for _, addr := range []string{r1.Addr, r2.Addr, c.LB} {
		a := newClient(t, addr).do(http.MethodPost, "/api/v1/session", map[string]string{"email": "manager2@example.com", "password": demoPassword})
		if a.Status != http.StatusTooManyRequests {
			t.Errorf("login with the right password at %s after the block: %d, want 429", addr, a.Status)
		}
	}
	t.Logf("blocked after %d failures on one replica and after %d alternating between two", alone, across)
}

func TestKillingAReplicaMidJourneyLosesNoWrite(t *testing.T) {
	c := NewCluster(t)
	victim, survivor := c.Replicas[0], c.Replicas[1]
	j := newJourney(t, c.LB)
	var beforeKill []string
	j.afterWrite = func(n int) {
		if n != 15 {
			return
		}
		// Some of the writes acknowledged so far were made on the victim.
		beforeKill = append([]string(nil), j.officer.sent...)
		if served := c.tally(t, beforeKill); served[victim.name] == 0 {
			t.Fatalf("before the kill the victim served none of %d requests: %v", len(beforeKill), served)
		}
		victim.Kill(t)
		t.Logf("killed %s (SIGKILL) after %d acknowledged writes", victim.name, n)
	}
	// Every request after the kill must still succeed: the balancer sends
	// a request whose connection the dead replica refuses to the other one.
	j.run()
	if beforeKill == nil {
		t.Fatal("the journey made fewer than 15 writes; the kill never happened")
	}
	after := j.requests()[len(beforeKill):]
	if served := c.tally(t, after); served[survivor.name] != len(after) {
		t.Fatalf("after the kill %d requests were served %v; want all by %s", len(after), served, survivor.name)
	}
	t.Log(auditVerifies(t, c, c.DBURL))

	// Mid-request: a replica killed while memo requests are in flight. A
	// request may fail, but none is produced twice (the balancer retries
	// only connections that failed, never a request a replica received)
	// and none that was acknowledged is lost.
	restarted := c.Restart(t, 0)
	probe := newClient(t, c.LB)
	waitFor(t, "the balancer to send requests to the restarted replica again", func() bool {
		a := probe.do(http.MethodGet, "/healthz", nil)
		return a.Status == http.StatusOK && c.ServedBy(t, a.RequestID) == restarted
	})
	var before int
	if err := c.DB.Get(&before, `SELECT count(*) FROM memos`); err != nil {
		t.Fatal(err)
	}
	const inFlight = 8
	answers := make(chan *answer, inFlight)
	for range inFlight {
		go func() {
			answers <- j.manager.at(c.LB).do(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/memos", j.evalID), nil)
		}()
	}
	first := <-answers
	restarted.Kill(t)
	acked := map[int64]bool{}
	failed := 0
	for i := range inFlight {
		a := first
		if i > 0 {
			a = <-answers
		}
		if a.Status == http.StatusCreated {
			var m memoAnswer
			a.decode(t, &m)
			acked[m.ID] = true
		} else {
			failed++
		}
	}
	var made []int64
	if err := c.DB.Select(&made, `SELECT id FROM memos ORDER BY id OFFSET $1`, before); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d memo requests with a replica killed among them: %d acknowledged, %d failed, %d memos made", inFlight, len(acked), failed, len(made))
	if len(made) > inFlight {
		t.Fatalf("%d memo requests made %d memos", inFlight, len(made))
	}
	inDB := map[int64]bool{}
	for _, id := range made {
		inDB[id] = true
	}
	for id := range acked {
		if !inDB[id] {
			t.Errorf("memo %d was acknowledged but is not in the registry", id)
		}
	}
	t.Log(auditVerifies(t, c, c.DBURL))
}
