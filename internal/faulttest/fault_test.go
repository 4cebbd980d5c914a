package faulttest

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/custos-dd/custos/internal/demo"
)

func openSQL(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func treasuryID(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(`SELECT id FROM teams WHERE name = $1`, demo.TreasuryTeam).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func newEvaluation(team int64, title string) map[string]any {
	return map[string]any{"team_id": team, "title": title, "template_id": 1, "custodian_ids": []int64{1, 4},
		"mandate": map[string]any{"regions": []string{"US"}, "qualified_custodian_required": true, "assets": []string{"BTC"}, "staking_required": false}}
}

// The database stopped: requests answer 503 problem+json with Retry-After
// within 1 s, /readyz says so, and once the database is back the same server
// process serves again.
func TestDatabaseStoppedAnswers503WithinOneSecondAndRecovers(t *testing.T) {
	pg := newCluster(t)
	prepare(t, pg.url())
	srv := startServer(t, pg.url(), "CUSTOS_REQUEST_TIMEOUT=5s")
	officer := signIn(t, srv.base, "officer@example.com")
	team := treasuryID(t, openSQL(t, pg.url()))
	list := fmt.Sprintf("/api/v1/evaluations?team=%d", team)
	if a := officer.do(http.MethodGet, list, nil); a.status != 200 {
		t.Fatalf("before the stop: %s", a)
	}

	pg.stop()
	var worst time.Duration
	for i := range 5 {
		a := officer.do(http.MethodGet, list, nil)
		if !is503(a) || a.elapsed > time.Second {
			t.Fatalf("read %d with the database stopped: %s; want 503 problem+json with Retry-After within 1 s", i, a)
		}
		w := officer.do(http.MethodPost, "/api/v1/evaluations", newEvaluation(team, fmt.Sprintf("while stopped %d", i)))
		if !is503(w) || w.elapsed > time.Second {
			t.Fatalf("write %d with the database stopped: %s; want 503 within 1 s", i, w)
		}
		worst = max(worst, a.elapsed, w.elapsed)
	}
	t.Logf("database stopped: slowest 503 after %v", worst)
	if a := officer.do(http.MethodGet, "/readyz", nil); !is503(a) || a.elapsed > 2*time.Second {
		t.Fatalf("/readyz with the database stopped: %s", a)
	}
	if strings.Contains(srv.logText(), `"status":500`) {
		t.Fatal("the server answered 500 while the database was stopped")
	}

	pg.start()
	waitFor(t, "the same server process to serve again", 30*time.Second, func() bool {
		return officer.do(http.MethodGet, list, nil).status == 200 && officer.do(http.MethodGet, "/readyz", nil).status == 200
	})
	if !srv.alive() {
		t.Fatal("the server process exited")
	}
}

// The database frozen with SIGSTOP (on TCP a network partition looks the
// same: nothing answers, nothing is refused) for 10 s: every request is
// answered 503 within its deadline, /readyz within 2 s, and after SIGCONT the
// same process recovers by itself.
func TestDatabaseFrozenAnswers503WithinTheDeadlineAndRecovers(t *testing.T) {
	const deadline = 3 * time.Second
	pg := newCluster(t)
	prepare(t, pg.url())
	srv := startServer(t, pg.url(), "CUSTOS_REQUEST_TIMEOUT="+deadline.String(), "CUSTOS_DB_STATEMENT_TIMEOUT=2s")
	officer := signIn(t, srv.base, "officer@example.com")
	team := treasuryID(t, openSQL(t, pg.url()))
	list := fmt.Sprintf("/api/v1/evaluations?team=%d", team)
	if a := officer.do(http.MethodGet, list, nil); a.status != 200 {
		t.Fatalf("before the freeze: %s", a)
	}

	frozenAt := time.Now()
	pg.signal(syscall.SIGSTOP)
	thawed := false
	thaw := func() {
		if !thawed {
			pg.signal(syscall.SIGCONT)
			thawed = true
		}
	}
	defer thaw()

	// While frozen: requests in parallel, each answered 503 in time.
	var wg sync.WaitGroup
	results := make([]answer, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				results[i] = officer.do(http.MethodGet, list, nil)
			} else {
				results[i] = officer.do(http.MethodPost, "/api/v1/evaluations", newEvaluation(team, fmt.Sprintf("while frozen %d", i)))
			}
		}()
	}
	ready := officer.do(http.MethodGet, "/readyz", nil)
	wg.Wait()
	slack := 1500 * time.Millisecond // a busy 2-core machine
	var worst time.Duration
	for i, a := range results {
		if !is503(a) || a.elapsed > deadline+slack {
			t.Errorf("request %d with the database frozen: %s; want 503 problem+json with Retry-After within %v", i, a, deadline)
		}
		worst = max(worst, a.elapsed)
	}
	if !is503(ready) || ready.elapsed > 2*time.Second {
		t.Errorf("/readyz with the database frozen: %s; want 503 within 2 s", ready)
	}
	// And again, once the pool's connections are all stuck on the frozen server.
	again := officer.do(http.MethodGet, list, nil)
	if !is503(again) || again.elapsed > deadline+slack {
		t.Errorf("a later request with the database frozen: %s", again)
	}
	ready2 := officer.do(http.MethodGet, "/readyz", nil)
	if !is503(ready2) || ready2.elapsed > 2*time.Second {
		t.Errorf("a later /readyz with the database frozen: %s", ready2)
	}
	t.Logf("database frozen: slowest 503 after %v (deadline %v); /readyz after %v and %v", worst, deadline, ready.elapsed, ready2.elapsed)

	// The scenario is a 10 s freeze: this wait is the fault, not synchronisation.
	time.Sleep(time.Until(frozenAt.Add(10 * time.Second)))
	thaw()
	thawedAt := time.Now()
	waitFor(t, "the same server process to serve again after SIGCONT", 60*time.Second, func() bool {
		return officer.do(http.MethodGet, list, nil).status == 200 && officer.do(http.MethodGet, "/readyz", nil).status == 200
	})
	t.Logf("recovered %v after SIGCONT", time.Since(thawedAt).Round(time.Millisecond))
	if w := officer.do(http.MethodPost, "/api/v1/evaluations", newEvaluation(team, "after the thaw")); w.status != http.StatusCreated {
		t.Fatalf("a write after recovery: %s", w)
	}
	if !srv.alive() {
		t.Fatal("the server process exited")
	}
	if strings.Contains(srv.logText(), `"status":500`) {
		t.Error("the server answered 500 during the freeze")
	}
}

// The database restarted under write load: no request gets 500 (503 while it
// is away is right), writes resume by themselves, and every acknowledged
// write is there.
func TestDatabaseRestartUnderWriteLoadGivesNo500(t *testing.T) {
	pg := newCluster(t)
	prepare(t, pg.url())
	srv := startServer(t, pg.url(), "CUSTOS_REQUEST_TIMEOUT=5s")
	db := openSQL(t, pg.url())
	team := treasuryID(t, db)

	var (
		stop      atomic.Bool
		mu        sync.Mutex
		acked     []string
		statuses  = map[int]int{}
		failures  []string
		afterBack atomic.Int64
		restarted atomic.Bool
	)
	var wg sync.WaitGroup
	for w := range 4 {
		officer := signIn(t, srv.base, "officer@example.com")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				title := fmt.Sprintf("restart load %d-%d", w, i)
				a := officer.do(http.MethodPost, "/api/v1/evaluations", newEvaluation(team, title))
				mu.Lock()
				if a.err != nil {
					failures = append(failures, a.String())
				} else {
					statuses[a.status]++
				}
				if a.status == http.StatusCreated {
					acked = append(acked, title)
					if restarted.Load() {
						afterBack.Add(1)
					}
				} else if a.err == nil && a.status != http.StatusServiceUnavailable {
					failures = append(failures, a.String())
				}
				mu.Unlock()
			}
		}()
	}
	waitFor(t, "writes to flow", 30*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 })
	pg.restart()
	restarted.Store(true)
	waitFor(t, "writes to resume after the restart", 60*time.Second, func() bool { return afterBack.Load() >= 20 })
	stop.Store(true)
	wg.Wait()

	t.Logf("answers during the restart: %v", statuses)
	if len(failures) > 0 {
		t.Fatalf("%d answers other than 201 or 503, e.g. %s", len(failures), failures[0])
	}
	for _, title := range acked {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM evaluations WHERE title = $1`, title).Scan(&n); err != nil || n != 1 {
			t.Fatalf("acknowledged evaluation %q: %d rows, %v", title, n, err)
		}
	}
	if !srv.alive() {
		t.Fatal("the server process exited")
	}
}

// kill -9 of the server under concurrent writes and approvals: every
// acknowledged write is in the database, the audit chain verifies, and no
// state exists without its audit event.
func TestServerKilledUnderWritesAndApprovalsLosesNothingAcknowledged(t *testing.T) {
	pg := newCluster(t)
	prepare(t, pg.url())
	db := openSQL(t, pg.url())
	team := treasuryID(t, db)
	// Two managers decide, so that approvals and rounds advance while the
	// officer writes.
	if _, err := db.Exec(`UPDATE teams SET approvals_required = 2 WHERE id = $1`, team); err != nil {
		t.Fatal(err)
	}
	var submitted []int64
	rows, err := db.Query(`SELECT id FROM evaluations WHERE status = 'submitted'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		submitted = append(submitted, id)
	}
	rows.Close()
	if len(submitted) == 0 {
		t.Fatal("the demo data has no submitted evaluation to approve")
	}
	srv := startServer(t, pg.url())

	var (
		mu            sync.Mutex
		ackedTitles   []string
		ackedApproval = map[string]bool{} // "evaluation/manager email"
	)
	var wg sync.WaitGroup
	for w := range 3 {
		officer := signIn(t, srv.base, "officer@example.com")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				title := fmt.Sprintf("kill load %d-%d", w, i)
				a := officer.do(http.MethodPost, "/api/v1/evaluations", newEvaluation(team, title))
				if a.err != nil {
					return // the server is gone
				}
				if a.status == http.StatusCreated {
					mu.Lock()
					ackedTitles = append(ackedTitles, title)
					mu.Unlock()
				}
			}
		}()
	}
	for _, email := range []string{"manager@example.com", "manager2@example.com"} {
		manager := signIn(t, srv.base, email)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range submitted {
				a := manager.do(http.MethodPost, fmt.Sprintf("/api/v1/evaluations/%d/approve", id), map[string]string{"comment": "Agreed."})
				if a.err != nil {
					return
				}
				if a.status == http.StatusOK {
					mu.Lock()
					ackedApproval[fmt.Sprintf("%d/%s", id, email)] = true
					mu.Unlock()
				}
			}
		}()
	}
	waitFor(t, "writes and approvals to be acknowledged", 60*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(ackedTitles) >= 30 && len(ackedApproval) >= 1
	})
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.exited
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	t.Logf("killed after %d acknowledged evaluations and %d acknowledged approvals", len(ackedTitles), len(ackedApproval))
	for _, title := range ackedTitles {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM evaluations WHERE title = $1`, title).Scan(&n); err != nil || n != 1 {
			t.Errorf("acknowledged evaluation %q: %d rows, %v", title, n, err)
		}
	}
	for key := range ackedApproval {
		id, email, _ := strings.Cut(key, "/")
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM approvals a JOIN users u ON u.id = a.manager_id
			WHERE a.evaluation_id = $1 AND u.email = $2 AND a.decision = 'approve'`, id, email).Scan(&n); err != nil || n != 1 {
			t.Errorf("acknowledged approval of evaluation %s by %s: %d rows, %v", id, email, n, err)
		}
	}
	// No state without its event: every evaluation has its creation event and
	// every approval its decision event.
	var orphans []string
	rows, err = db.Query(`SELECT 'evaluation ' || e.id FROM evaluations e WHERE NOT EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'evaluation.create' AND a.object_type = 'evaluation' AND a.object_id = e.id::text)
		UNION ALL
		SELECT 'approval ' || p.id FROM approvals p WHERE (SELECT count(*) FROM audit_events a
			WHERE a.action = 'evaluation.' || p.decision AND a.object_id = p.evaluation_id::text AND a.actor_id = p.manager_id) = 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		orphans = append(orphans, s)
	}
	rows.Close()
	if len(orphans) > 0 {
		t.Errorf("state without its audit event: %v", orphans)
	}
	out := custosCmd(t, pg.url(), nil, "audit", "verify")
	if !strings.HasPrefix(out, "OK: ") {
		t.Errorf("custos audit verify after kill -9: %s", out)
	}
	t.Log(strings.TrimSpace(out))
}

// 10,000 requests with made-up methods and paths against a real server
// process: the metrics' series and size and the process's memory stay bounded.
func TestRandomMethodsDoNotGrowMetricsOrMemory(t *testing.T) {
	pg := newCluster(t)
	prepare(t, pg.url())
	srv := startServer(t, pg.url())
	scrape := func() (size, series int) {
		res, err := http.Get(srv.metrics)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("scrape %s: %d %v", srv.metrics, res.StatusCode, err)
		}
		for _, line := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(line, "custos_http_") {
				series++
			}
		}
		return len(body), series
	}
	// Warm up with ordinary requests so that the "before" figures include
	// the series real traffic makes.
	anon := newClient(t, srv.base)
	for _, p := range []string{"/healthz", "/readyz", "/api/v1/me", "/nothing"} {
		anon.do(http.MethodGet, p, nil)
	}
	sizeBefore, seriesBefore := scrape()
	rssBefore := srv.rss()

	const total, workers = 10000, 8
	var next atomic.Int64
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: 30 * time.Second}
	var failed atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > total {
					return
				}
				req, _ := http.NewRequest(fmt.Sprintf("XFOO%d", i), fmt.Sprintf("%s/api/v1/r%d/%d", srv.base, i%97, i), nil)
				res, err := hc.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed", failed.Load(), total)
	}
	sizeAfter, seriesAfter := scrape()
	rssAfter := srv.rss()
	t.Logf("after %d random-method requests: /metrics %d → %d bytes, %d → %d custos_http_ lines; RSS %.1f → %.1f MB",
		total, sizeBefore, sizeAfter, seriesBefore, seriesAfter, float64(rssBefore)/1e6, float64(rssAfter)/1e6)
	// One new route/method/status combination ("unmatched", "other", its
	// status) adds a counter and a histogram: a few dozen lines at most.
	if seriesAfter-seriesBefore > 40 {
		t.Errorf("the metrics grew by %d lines: a client-chosen value became a label", seriesAfter-seriesBefore)
	}
	if sizeAfter-sizeBefore > 8<<10 {
		t.Errorf("/metrics grew by %d bytes", sizeAfter-sizeBefore)
	}
	if rssAfter-rssBefore > 40<<20 {
		t.Errorf("RSS grew by %.1f MB", float64(rssAfter-rssBefore)/1e6)
	}
}
