// Command bench is the load and latency driver behind `make bench`
// (scripts/bench.sh starts its PostgreSQL and server and passes them here).
// It prints each figure with its interleaved repetitions: the median and the
// spread (min–max) of the repetitions.
package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/lib/pq"
)

var (
	base     = flag.String("addr", "http://127.0.0.1:8089", "the server")
	dbURL    = flag.String("db", os.Getenv("DATABASE_URL"), "the server's database")
	password = flag.String("password", os.Getenv("CUSTOS_DEMO_PASSWORD"), "the demo password")
	pid      = flag.Int("pid", 0, "the server's process ID (for its RSS)")
	pgLog    = flag.String("pglog", "", "PostgreSQL's log file (statements per request)")
	bin      = flag.String("bin", "bin/custos", "the custos binary (audit verify --full)")
	dur      = flag.Duration("duration", 5*time.Second, "length of one throughput run")
	reps     = flag.Int("reps", 3, "interleaved repetitions")
	only     = flag.String("only", os.Getenv("BENCH_ONLY"), "comma-separated sections to run (answers, me, catalogue, workspace, audit); all when empty")
)

// want says whether a section is to run.
func want(section string) bool {
	if *only == "" {
		return true
	}
	for _, s := range strings.Split(*only, ",") {
		if strings.TrimSpace(s) == section {
			return true
		}
	}
	return false
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type client struct {
	http *http.Client
	csrf string
}

func login(email string) (*client, error) {
	jar, _ := cookiejar.New(nil)
	c := &client{http: &http.Client{Jar: jar, Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}}
	body, _ := json.Marshal(map[string]string{"email": email, "password": *password})
	res, err := c.http.Post(*base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil || res.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("login %s: %d %v", email, res.StatusCode, err)
	}
	c.csrf = me.CSRF
	return c, nil
}

// do sends a request and returns its status and the bytes on the wire.
func (c *client) do(method, path string, body any, header ...string) (int, int, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, *base+path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, int(n), nil
}

func must(c *client, method, path string, body any, want int) {
	if st, _, err := c.do(method, path, body); err != nil || st != want {
		fmt.Fprintf(os.Stderr, "bench: %s %s: %d %v\n", method, path, st, err)
		os.Exit(1)
	}
}

// load runs fn from n workers for d and returns requests per second and
// the latencies.
func load(n int, d time.Duration, fn func(worker, i int) error) (float64, []time.Duration, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Value
	var count atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range n {
		wg.Go(func() {
			var mine []time.Duration
			for i := 0; time.Now().Before(stop); i++ {
				t := time.Now()
				if err := fn(w, i); err != nil {
					failed.Store(err)
					return
				}
				mine = append(mine, time.Since(t))
				count.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return 0, nil, err
	}
	return float64(count.Load()) / time.Since(start).Seconds(), lat, nil
}

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// stat is the median and spread of repetitions.
func stat(xs []float64) string {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return fmt.Sprintf("%8.1f  (%.1f–%.1f)", s[len(s)/2], s[0], s[len(s)-1])
}

// stat2 is stat with two decimals, for ratios.
func stat2(xs []float64) string {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return fmt.Sprintf("%.2f  (%.2f–%.2f)", s[len(s)/2], s[0], s[len(s)-1])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run() error {
	db, err := sql.Open("postgres", *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	officer, err := login("officer@example.com")
	if err != nil {
		return err
	}
	auditor, err := login("auditor@example.com")
	if err != nil {
		return err
	}
	var team, item int64
	if err := db.QueryRow(`SELECT id FROM teams WHERE name = 'Demo Treasury'`).Scan(&team); err != nil {
		return err
	}
	if err := db.QueryRow(`SELECT min(id) FROM template_items WHERE template_id = 1`).Scan(&item); err != nil {
		return err
	}
	open := func(title string, custodians []int64) (int64, error) {
		b, _ := json.Marshal(map[string]any{"team_id": team, "title": title, "template_id": 1,
			"mandate": map[string]any{"regions": []string{"US"}, "assets": []string{"BTC"}}, "custodian_ids": custodians})
		req, _ := http.NewRequest("POST", *base+"/api/v1/evaluations", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", officer.csrf)
		res, err := officer.http.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		var ws struct {
			Evaluation struct{ ID int64 } `json:"evaluation"`
		}
		if err := json.NewDecoder(res.Body).Decode(&ws); err != nil || res.StatusCode != 201 {
			return 0, fmt.Errorf("open evaluation: %d %v", res.StatusCode, err)
		}
		return ws.Evaluation.ID, nil
	}
	fmt.Printf("reps=%d, run=%v; figures are median (min–max) of the repetitions\n\n", *reps, *dur)
	rss := func() string {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", *pid))
		if err != nil {
			return "?"
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmRSS:") {
				return strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:"))
			}
		}
		return "?"
	}
	fmt.Printf("server RSS idle: %s\n\n", rss())

	// --- answer writes: one evaluation per client, as officers work on their own
	evals := make([]int64, 32)
	for i := range evals {
		if evals[i], err = open(fmt.Sprintf("Bench %d", i), []int64{1, 4}); err != nil {
			return err
		}
	}
	put := func(w, i int) error {
		status := []string{"met", "not_applicable"}[i%2]
		st, _, err := officer.do("PUT", fmt.Sprintf("/api/v1/evaluations/%d/custodians/1/answers/%d", evals[w], item),
			map[string]string{"status": status, "note": "Checked."})
		if err == nil && st != 200 {
			err = fmt.Errorf("PUT answer: %d", st)
		}
		return err
	}
	if want("answers") {
		// pgbench runs the same statements on a copy of the database, so the
		// server's audit chain stays whole.
		if _, err := db.Exec(`DROP DATABASE IF EXISTS bench_sql`); err != nil {
			return err
		}
		if _, err := db.Exec(`CREATE DATABASE bench_sql`); err != nil {
			return err
		}
		copyCmd := exec.Command("sh", "-c", `pg_dump --no-owner "$SRC" | psql -q -v ON_ERROR_STOP=1 "$DST" >/dev/null`)
		copyCmd.Env = append(os.Environ(), "SRC="+*dbURL, "DST="+benchSQLURL())
		if out, err := copyCmd.CombinedOutput(); err != nil {
			return fmt.Errorf("copy the database for pgbench: %v\n%s", err, out)
		}
		// The first write to an evaluation also reads its team, which the
		// server then remembers: capture a later one, as the load sends.
		if err := put(0, 1); err != nil {
			return err
		}
		script, err := capturedScript(db, evals[0], func() error { return put(0, 0) })
		if err != nil {
			return err
		}
		fmt.Println("answer write PUT …/answers/{item}: server vs pgbench running its SQL (-M extended), captured from PostgreSQL's statement log:")
		fmt.Println(indent(script.text))
		fmt.Println("clients  server req/s          pgbench tps           ratio   server p50/p99 ms   pgbench p50/p99 ms")
		var loadRSS string
		for _, c := range []int{1, 8, 32} {
			var app, pgb, ratio []float64
			var appLat, pgLat []time.Duration
			for range *reps {
				rate, lat, err := load(c, *dur, put)
				if err != nil {
					return err
				}
				if c == 32 {
					loadRSS = rss()
				}
				tps, plat, err := pgbench(script, c, *dur)
				if err != nil {
					return err
				}
				app, pgb, ratio = append(app, rate), append(pgb, tps), append(ratio, rate/tps)
				appLat, pgLat = append(appLat, lat...), append(pgLat, plat...)
			}
			fmt.Printf("%7d  %s  %s  %.2f   %6.1f / %-6.1f     %6.1f / %-6.1f\n", c, stat(app), stat(pgb), median(ratio),
				ms(pct(appLat, .5)), ms(pct(appLat, .99)), ms(pct(pgLat, .5)), ms(pct(pgLat, .99)))
		}
		fmt.Printf("server RSS after 32 clients: %s\n\n", loadRSS)

	}

	// --- statements per request, from PostgreSQL's own statement log
	if *pgLog != "" {
		fmt.Println("statements per request (PostgreSQL log_statement=all; with binary_parameters=yes each is one round trip)")
		for _, r := range []struct {
			name string
			fn   func() error
		}{
			{"PUT answer", func() error { return put(0, 1) }},
			{"GET /api/v1/me", func() error { _, _, err := officer.do("GET", "/api/v1/me", nil); return err }},
			{"GET workspace", func() error {
				_, _, err := officer.do("GET", fmt.Sprintf("/api/v1/evaluations/%d", evals[0]), nil)
				return err
			}},
		} {
			n, err := statements(db, r.fn)
			if err != nil {
				return err
			}
			fmt.Printf("  %-16s %d\n", r.name, n)
		}
		fmt.Println()
	}

	// --- GET /me against /healthz: short runs, alternated, and the median of
	// the ratios of each pair, so that a change in the machine's load between
	// the two weighs on both sides of a ratio.
	if want("me") {
		var meRate, hzRate, meRatio []float64
		for range 4 * *reps {
			r1, _, err := load(8, *dur/4, func(int, int) error { _, _, err := officer.do("GET", "/api/v1/me", nil); return err })
			if err != nil {
				return err
			}
			r2, _, err := load(8, *dur/4, func(int, int) error { _, _, err := officer.do("GET", "/healthz", nil); return err })
			if err != nil {
				return err
			}
			meRate, hzRate, meRatio = append(meRate, r1), append(hzRate, r2), append(meRatio, r1/r2)
		}
		fmt.Printf("GET /api/v1/me %s req/s vs /healthz %s req/s (8 clients): ratio %s\n\n", stat(meRate), stat(hzRate), strings.TrimSpace(stat2(meRatio)))

	}

	// --- catalogue search at 10 custodians, then at 10,000
	// Each shape returns the same page at both sizes (a limit where most
	// custodians would match), so that the ratio is the search's, not the
	// answer's size: a word, a name's beginning, no match, one and two
	// characters (below a trigram), a rare and a common region, a term and
	// a filter, a term most custodians match.
	if want("catalogue") {
		searches := []string{"q=anchorage", "q=ancho", "q=zzqxw", "q=pr", "q=zq", "q=a&limit=3", "region=SG", "region=US&limit=3",
			"q=trust&qualified=true", "q=custody&limit=3", "limit=3"}
		catalogue := func() map[string][]time.Duration {
			out := map[string][]time.Duration{}
			for range 50 * *reps {
				for _, q := range searches {
					t := time.Now()
					officer.do("GET", "/api/v1/custodians?"+q, nil)
					out[q] = append(out[q], time.Since(t))
				}
			}
			return out
		}
		small := catalogue()
		if err := generateCustodians(db); err != nil {
			return err
		}
		db.Exec(`VACUUM ANALYZE custodians`) // as autovacuum would leave it
		large := catalogue()
		fmt.Println("catalogue search, p50 ms: 10 custodians → 10,000 (ratio)")
		for _, q := range searches {
			a, b := pct(small[q], .5), pct(large[q], .5)
			fmt.Printf("  %-24s %6.2f → %6.2f  (%.2f×)\n", q, ms(a), ms(b), float64(b)/float64(a))
		}
		fmt.Println()

	}

	// --- workspace at 3 and 20 candidates
	if want("workspace") {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM custodians`).Scan(&n); err != nil {
			return err
		}
		if n < 20 { // the catalogue section did not run
			if err := generateCustodians(db); err != nil {
				return err
			}
		}
		var ids []int64
		rows, err := db.Query(`SELECT id FROM custodians ORDER BY id LIMIT 20`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		w3, err := open("Bench 3 candidates", ids[:3])
		if err != nil {
			return err
		}
		w20, err := open("Bench 20 candidates", ids)
		if err != nil {
			return err
		}
		var l3, l20 []time.Duration
		var b3, b20, z3, z20 int
		for range 50 * *reps {
			for _, w := range []int64{w3, w20} {
				t := time.Now()
				_, n, err := officer.do("GET", fmt.Sprintf("/api/v1/evaluations/%d", w), nil, "Accept-Encoding", "gzip")
				if err != nil {
					return err
				}
				_, plain, _ := officer.do("GET", fmt.Sprintf("/api/v1/evaluations/%d", w), nil)
				if w == w3 {
					l3, z3, b3 = append(l3, time.Since(t)), n, plain
				} else {
					l20, z20, b20 = append(l20, time.Since(t)), n, plain
				}
			}
		}
		fmt.Printf("workspace (gzip), p50 ms: 3 candidates %.2f (%d B, %d B plain) → 20 candidates %.2f (%d B, %d B plain): %.2f×\n\n",
			ms(pct(l3, .5)), z3, b3, ms(pct(l20, .5)), z20, b20, float64(pct(l20, .5))/float64(pct(l3, .5)))

	}

	if want("audit") {
		// --- memo issue needs an approved evaluation: the seeded submitted one
		manager, err := login("manager@example.com")
		if err != nil {
			return err
		}
		var approved int64
		if err := db.QueryRow(`SELECT id FROM evaluations WHERE title = '2027 custody RFP — Fund III'`).Scan(&approved); err != nil {
			return err
		}
		must(manager, "POST", fmt.Sprintf("/api/v1/evaluations/%d/approve", approved), map[string]string{"comment": "Bench."}, 200)
		issue := func() (time.Duration, error) {
			t := time.Now()
			st, _, err := manager.do("POST", fmt.Sprintf("/api/v1/evaluations/%d/memos", approved), nil)
			if err == nil && st != 201 {
				err = fmt.Errorf("issue memo: %d", st)
			}
			return time.Since(t), err
		}
		memoP50 := map[int64]time.Duration{}

		// --- audit list and verify at 1,000 and 100,000 events
		fmt.Println("audit trail: list (GET /api/v1/audit?limit=50) p50 ms; API verify since the last (default) and full=true ms; custos audit verify (since the last) s, first after the growth and again; --full s; memo issue p50 ms")
		for _, total := range []int64{1000, 100000} {
			if err := growTrail(db, total); err != nil {
				return err
			}
			db.Exec(`VACUUM ANALYZE audit_events`) // as autovacuum would leave it after the growth
			var list []time.Duration
			for range 50 * *reps {
				t := time.Now()
				auditor.do("GET", "/api/v1/audit?limit=50", nil)
				list = append(list, time.Since(t))
			}
			// Memo issue before the verifications: a full walk of 100,000 events
			// just before would weigh on one size only (the server's heap, the cache).
			var memo []time.Duration
			for range 3 { // warm-up, not counted: the first issues after the growth
				if _, err := issue(); err != nil {
					return err
				}
			}
			for range 20 * *reps {
				d, err := issue()
				if err != nil {
					return err
				}
				memo = append(memo, d)
			}
			memoP50[total] = pct(memo, .5)
			cli := func(args ...string) (float64, string, error) {
				t := time.Now()
				out, err := exec.Command(*bin, append([]string{"audit", "verify"}, args...)...).CombinedOutput()
				if err != nil {
					return 0, "", fmt.Errorf("audit verify %v: %v\n%s", args, err, out)
				}
				line := strings.TrimSpace(string(out))
				return time.Since(t).Seconds(), line[:min(32, len(line))], nil
			}
			first, _, err := cli()
			if err != nil {
				return err
			}
			again, _, err := cli()
			if err != nil {
				return err
			}
			var since, whole []time.Duration
			for range *reps {
				for _, q := range []string{"", "?full=true"} {
					t := time.Now()
					if st, _, err := auditor.do("GET", "/api/v1/audit/verify"+q, nil); err != nil || st != 200 {
						return fmt.Errorf("verify%s: %d %v", q, st, err)
					}
					if q == "" {
						since = append(since, time.Since(t))
					} else {
						whole = append(whole, time.Since(t))
					}
				}
			}
			full, line, err := cli("--full")
			if err != nil {
				return err
			}
			fmt.Printf("  %6d events: list %.2f, API %.1f / full %.0f, since-last %.2f / %.2f s, --full %.2f s, memo issue %.1f  [%s]\n", total,
				ms(pct(list, .5)), ms(pct(since, .5)), ms(pct(whole, .5)), first, again, full, ms(memoP50[total]), line)
		}
		fmt.Printf("memo issue, 100,000 / 1,000 events: %.2f×\n", float64(memoP50[100000])/float64(memoP50[1000]))
	}
	return nil
}

// generateCustodians grows the catalogue from the demo's 10 to 10,000.
func generateCustodians(db *sql.DB) error {
	_, err := db.Exec(`INSERT INTO custodians (slug, name, legal_entity, qualified_custodian, regions, key_management, staking, notes, created_at, updated_at)
		SELECT 'generated-' || g, 'Generated Custody ' || g, 'Generated Custody Holdings ' || g || ' Ltd', g % 2 = 0,
			ARRAY['US', 'EU'], ARRAY['mpc'], g % 3 = 0, 'Notes ' || md5(g::text), now(), now()
		FROM generate_series(1, 9990) g`)
	return err
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// growTrail appends chained events, hashed in the database exactly as the
// server hashes them, until the trail has total events: one statement, the
// chain computed by a recursive query (a loop of single appends would update
// the head row once per event inside one transaction, and slow down as its
// dead versions pile up).
func growTrail(db *sql.DB, total int64) error {
	const rest = `,"occurred_at":"2026-01-01T00:00:00Z","actor_id":null,"actor":"bench","team_id":null,"action":"bench.generated",` +
		`"object_type":"bench","object_id":"","before":null,"after":null,"request_id":""}`
	_, err := db.Exec(`WITH RECURSIVE head AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE),
		chain (seq, prev_hash, hash) AS (
			SELECT seq + 1, hash, sha256(hash || convert_to('{"seq":' || (seq + 1)::text || $2, 'UTF8')) FROM head WHERE seq < $1
			UNION ALL
			SELECT seq + 1, hash, sha256(hash || convert_to('{"seq":' || (seq + 1)::text || $2, 'UTF8')) FROM chain WHERE seq < $1),
		appended AS (
			INSERT INTO audit_events (seq, occurred_at, actor, action, object_type, object_id, prev_hash, hash)
			SELECT seq, '2026-01-01T00:00:00Z', 'bench', 'bench.generated', 'bench', '', prev_hash, hash FROM chain
			RETURNING seq, prev_hash, hash)
		UPDATE audit_head SET seq = last.seq, prev_hash = last.prev_hash, hash = last.hash
		FROM (SELECT * FROM appended ORDER BY seq DESC LIMIT 1) last WHERE audit_head.id = 1`, total, rest)
	return err
}

// statements counts what PostgreSQL logs while fn runs.
func statements(db *sql.DB, fn func() error) (int, error) {
	n := 0
	err := logged(db, fn, func(lines []string) error {
		for _, l := range lines {
			if strings.Contains(l, "LOG:  statement: ") || strings.Contains(l, "LOG:  execute ") {
				n++
			}
		}
		return nil
	})
	return n, err
}

// logged runs fn with log_statement = all and hands read the log's lines
// written meanwhile.
func logged(db *sql.DB, fn func() error, read func(lines []string) error) error {
	if _, err := db.Exec(`ALTER SYSTEM SET log_statement = 'all'`); err != nil {
		return err
	}
	defer func() { db.Exec(`ALTER SYSTEM RESET log_statement`); db.Exec(`SELECT pg_reload_conf()`) }()
	db.Exec(`SELECT pg_reload_conf()`)
	time.Sleep(300 * time.Millisecond) // the reload reaches the other backends asynchronously
	before, err := os.Stat(*pgLog)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	time.Sleep(300 * time.Millisecond)
	f, err := os.Open(*pgLog)
	if err != nil {
		return err
	}
	defer f.Close()
	f.Seek(before.Size(), io.SeekStart)
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return read(lines)
}

// pgbenchFile is a pgbench script and the variables (-D) it reads.
type pgbenchFile struct {
	path, text string
	vars       []string
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		fmt.Fprintf(&b, "    %.160s\n", l)
	}
	return strings.TrimRight(b.String(), "\n")
}

var (
	logEntry    = regexp.MustCompile(`^\S+ \S+ \S+ \[(\d+)\] (LOG|DETAIL):  (.*)$`)
	logParam    = regexp.MustCompile(`\$(\d+) = (NULL|'(?:[^']|'')*')`)
	placeholder = regexp.MustCompile(`\$(\d+)\b`)
)

// capturedScript runs one answer write (fn) with PostgreSQL logging every
// statement, and turns what the server's connection sent into a pgbench
// script: the same statements, with their parameters as pgbench variables
// (so that pgbench, with -M extended, sends them as parameters of
// unspecified type, as lib/pq does), and the evaluation's ID as :e, one
// evaluation per pgbench client as the server's load has one per worker.
func capturedScript(db *sql.DB, firstEval int64, fn func() error) (*pgbenchFile, error) {
	type stmt struct {
		sql    string
		params map[int]string // the logged literal, NULL or '...'
	}
	var sent []stmt
	var pid string
	err := logged(db, fn, func(lines []string) error {
		var cur *stmt
		for _, l := range lines {
			m := logEntry.FindStringSubmatch(l)
			if m == nil {
				if cur != nil { // a statement's next line
					cur.sql += "\n" + l
				}
				continue
			}
			cur = nil
			kind, text := m[2], m[3]
			if kind == "LOG" {
				q, ok := strings.CutPrefix(text, "statement: ")
				if !ok {
					if i := strings.Index(text, ": "); strings.HasPrefix(text, "execute ") && i > 0 {
						q, ok = text[i+2:], true
					}
				}
				if !ok || strings.Contains(q, "pg_reload_conf") || strings.Contains(q, "ALTER SYSTEM") {
					continue
				}
				if pid != "" && pid != m[1] {
					return fmt.Errorf("two connections logged statements during one answer write (%s, %s)", pid, m[1])
				}
				pid = m[1]
				sent = append(sent, stmt{sql: q, params: map[int]string{}})
				cur = &sent[len(sent)-1]
			} else if p, ok := strings.CutPrefix(text, "parameters: "); ok && len(sent) > 0 {
				for _, pm := range logParam.FindAllStringSubmatch(p, -1) {
					n, _ := strconv.Atoi(pm[1])
					sent[len(sent)-1].params[n] = pm[2]
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(sent) == 0 {
		return nil, errors.New("no statement of the answer write was logged")
	}
	evalID := fmt.Sprintf("'%d'", firstEval)
	var b strings.Builder
	fmt.Fprintf(&b, "\\set e %d + :client_id\n", firstEval)
	var vars []string
	for i, st := range sent {
		q := placeholder.ReplaceAllStringFunc(strings.TrimSpace(st.sql), func(ph string) string {
			n, _ := strconv.Atoi(ph[1:])
			v, ok := st.params[n]
			switch {
			case !ok:
				return ph
			case v == "NULL":
				return "NULL"
			case v == evalID:
				return ":e"
			case v == "''":
				return v // pgbench cannot define an empty variable
			}
			name := fmt.Sprintf("s%dp%d", i, n)
			vars = append(vars, name+"="+strings.ReplaceAll(v[1:len(v)-1], "''", "'"))
			return ":" + name
		})
		b.WriteString(strings.TrimSuffix(q, ";") + ";\n")
	}
	dir, err := os.MkdirTemp("", "custos-bench")
	if err != nil {
		return nil, err
	}
	f := &pgbenchFile{path: filepath.Join(dir, "answer.sql"), text: b.String(), vars: vars}
	return f, os.WriteFile(f.path, []byte(f.text), 0o644)
}

func benchSQLURL() string { return strings.Replace(*dbURL, "/postgres?", "/bench_sql?", 1) }

// pgbench runs the script on the copy and returns tps and latencies.
func pgbench(script *pgbenchFile, clients int, d time.Duration) (float64, []time.Duration, error) {
	u := benchSQLURL()
	dir := filepath.Dir(script.path)
	old, _ := filepath.Glob(filepath.Join(dir, "pgbench_log*"))
	for _, o := range old {
		os.Remove(o)
	}
	args := []string{"-n", "-M", "extended", "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, 4)),
		"-T", strconv.Itoa(int(d.Seconds())), "-f", script.path, "-l", "--log-prefix", filepath.Join(dir, "pgbench_log")}
	for _, v := range script.vars {
		args = append(args, "-D", v)
	}
	cmd := exec.Command("pgbench", append(args, u)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, nil, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	var tps float64
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "tps = ") {
			fmt.Sscanf(l, "tps = %f", &tps)
		}
	}
	if tps == 0 {
		return 0, nil, errors.New("pgbench printed no tps:\n" + string(out))
	}
	var lat []time.Duration
	logs, _ := filepath.Glob(filepath.Join(dir, "pgbench_log*"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 3 {
				us, _ := strconv.Atoi(f[2])
				lat = append(lat, time.Duration(us)*time.Microsecond)
			}
		}
	}
	return tps, lat, nil
}
