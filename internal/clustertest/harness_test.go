package clustertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/custos-dd/custos/internal/apitest"
)

// deadline bounds every wait on a condition: generous, for a busy 2-core
// machine; a healthy cluster meets each condition in milliseconds.
const deadline = 60 * time.Second

// demoPassword is the password `custos seed` gives the demo accounts.
const demoPassword = "cluster-demo-password"

// custosBin is the binary built from this checkout by TestMain.
var custosBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "custos-cluster-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	custosBin = filepath.Join(dir, "custos")
	build := exec.Command("go", "build", "-o", custosBin, "github.com/custos-dd/custos/cmd/custos")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "clustertest: building custos:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// haproxyPath finds Debian's haproxy, which lives in /usr/sbin.
func haproxyPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("haproxy"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/haproxy"); err == nil {
		return "/usr/sbin/haproxy"
	}
	t.Fatal("HAProxy is not installed: sudo apt-get install haproxy (make test installs it when run as root)")
	return ""
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a server the test started, and when it ended.
type process struct {
	name   string
	cmd    *exec.Cmd
	output *syncBuffer
	done   chan struct{}
	err    error
}

func start(t *testing.T, name string, env []string, path string, args ...string) *process {
	t.Helper()
	p := &process{name: name, output: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(deadline):
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("--- output of %s (last 4000 bytes):\n%s", name, tail(p.output.String(), 4000))
		}
	})
	return p
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitFor polls cond until it holds, failing the test at the deadline.
func waitFor(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	return waitWithin(t, deadline, what, cond)
}

// waitWithin polls cond until it holds, failing the test after limit.
func waitWithin(t *testing.T, deadline time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	began := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Since(began) > deadline {
			t.Fatalf("waited %s for %s", deadline, what)
		}
		<-tick.C
	}
	return time.Since(began)
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Replica is one `custos serve` process.
type Replica struct {
	*process
	Addr string
}

// Cluster is a database of the test's own, two replicas on it and HAProxy
// in front of them.
type Cluster struct {
	t        *testing.T
	DB       *sqlx.DB // the test's own view of the database, for counting
	DBURL    string   // as the application connects
	AdminURL string   // the same database as the server's superuser (pg_dump)
	Dir      string   // signing key and certificate, the HAProxy configuration
	Replicas []*Replica
	LB       string     // the balancer's host:port
	retired  []*Replica // killed replicas, whose logs still say what they served
	haproxy  *process
}

// NewCluster starts it all on a fresh migrated database seeded with the demo
// data by `custos seed`, as an operator would.
func NewCluster(t *testing.T) *Cluster {
	t.Helper()
	db, conf := apitest.NewDB(t)
	c := &Cluster{t: t, DB: db, DBURL: conf.URL(), AdminURL: superuserURL(t, conf.Database), Dir: t.TempDir()}
	if out, err := c.CLI("seed"); err != nil {
		t.Fatalf("custos seed: %v\n%s", err, out)
	}
	// The first replica makes the development signing key; the second
	// starts once it is ready and signs with the same one.
	c.Replicas = append(c.Replicas, c.startReplica("replica1", freeAddr(t), true))
	c.Replicas = append(c.Replicas, c.startReplica("replica2", freeAddr(t), false))

	c.LB = freeAddr(t)
	var servers strings.Builder
	for _, r := range c.Replicas {
		fmt.Fprintf(&servers, "    server %s %s check inter 500ms fall 2 rise 1\n", r.name, r.Addr)
	}
	cfg := filepath.Join(c.Dir, "haproxy.cfg")
	// The settings of deploy/haproxy.cfg, on loopback addresses.
	text := fmt.Sprintf(`global
    log stderr format raw local0 info
defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    retries 2
    option redispatch 1
    http-reuse never
frontend custos
    bind %s
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    timeout check 5s
%s`, c.LB, servers.String())
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	hp := haproxyPath(t)
	if out, err := exec.Command(hp, "-c", "-q", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
	c.haproxy = start(t, "haproxy", nil, hp, "-db", "-f", cfg)
	waitFor(t, "the balancer to answer /readyz", func() bool {
		if c.haproxy.exited() {
			t.Fatalf("haproxy exited: %v\n%s", c.haproxy.err, c.haproxy.output.String())
		}
		return ready("http://" + c.LB)
	})
	return c
}

func (c *Cluster) env(addr string, generateKey bool) []string {
	return []string{
		"DATABASE_URL=" + c.DBURL,
		"CUSTOS_ADDR=" + addr,
		// Each replica serves its metrics on a port of its own.
		"CUSTOS_METRICS_ADDR=127.0.0.1:0",
		"CUSTOS_LOG_FORMAT=json",
		"CUSTOS_LOG_LEVEL=info",
		"CUSTOS_SIGNING_CERT=" + filepath.Join(c.Dir, "memo-signing.crt"),
		"CUSTOS_SIGNING_KEY=" + filepath.Join(c.Dir, "memo-signing.key"),
		fmt.Sprintf("CUSTOS_SIGNING_GENERATE=%t", generateKey),
		"CUSTOS_DEMO_PASSWORD=" + demoPassword,
		"CUSTOS_SHUTDOWN_TIMEOUT=5s",
	}
}

func (c *Cluster) startReplica(name, addr string, generateKey bool) *Replica {
	c.t.Helper()
	r := &Replica{Addr: addr, process: start(c.t, name, c.env(addr, generateKey), custosBin, "serve")}
	waitFor(c.t, name+" to answer /readyz", func() bool {
		if r.exited() {
			c.t.Fatalf("%s exited: %v\n%s", name, r.err, r.output.String())
		}
		return ready("http://" + addr)
	})
	return r
}

func ready(base string) bool {
	res, err := http.Get(base + "/readyz")
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// CLI runs a custos command against the cluster's database.
func (c *Cluster) CLI(args ...string) (string, error) {
	return c.CLIOn(c.DBURL, args...)
}

// CLIOn runs a custos command against another database.
func (c *Cluster) CLIOn(dbURL string, args ...string) (string, error) {
	cmd := exec.Command(custosBin, args...)
	env := c.env("127.0.0.1:1", false)
	env[0] = "DATABASE_URL=" + dbURL
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Kill ends a replica with SIGKILL, as a crash would: no graceful shutdown,
// and it returns once the process is gone.
func (r *Replica) Kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-r.done
}

// Restart starts replica i again on its address, after Kill.
func (c *Cluster) Restart(t *testing.T, i int) *Replica {
	t.Helper()
	old := c.Replicas[i]
	c.retired = append(c.retired, old)
	c.Replicas[i] = c.startReplica(old.name, old.Addr, false)
	return c.Replicas[i]
}

// ServedBy says which replica logged the request with this ID, waiting for
// the log line (the server writes it after the answer).
func (c *Cluster) ServedBy(t *testing.T, requestID string) *Replica {
	t.Helper()
	var who *Replica
	waitFor(t, "a replica to log request "+requestID, func() bool {
		var found []*Replica
		for _, r := range append(c.Replicas, c.retired...) {
			if r.logged(requestID) {
				found = append(found, r)
			}
		}
		if len(found) > 1 {
			t.Fatalf("request %s was served by %d replicas", requestID, len(found))
		}
		if len(found) == 1 {
			who = found[0]
		}
		return who != nil
	})
	return who
}

// logged reports whether the replica's request log has the client's request ID.
func (r *Replica) logged(requestID string) bool {
	sc := bufio.NewScanner(strings.NewReader(r.output.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg       string `json:"msg"`
			RequestID string `json:"client_request_id"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" && line.RequestID == requestID {
			return true
		}
	}
	return false
}

// superuserURL is DATABASE_URL (the test server's superuser) on another
// database, in a form libpq's tools (pg_dump, psql) read too.
func superuserURL(t *testing.T, database string) string {
	t.Helper()
	u, err := url.Parse(os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + database
	return u.String()
}

// ctx is a context bounded by the deadline.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return c
}
