// Package faulttest runs the real custos binary against real PostgreSQL
// processes and breaks things underneath it: the database stopped, frozen
// (SIGSTOP, which looks like a network partition on TCP), restarted under
// load, and the server itself killed with SIGKILL.
package faulttest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the custos command built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "custos-faulttest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "custos")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/custos")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build custos:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitFor polls cond until it holds or the deadline passes. It is the only
// way these tests wait: never a fixed sleep as synchronisation.
func waitFor(t *testing.T, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up after %v waiting for %s", deadline, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ---- PostgreSQL ----

// cluster is a PostgreSQL server of the test's own, on TCP loopback.
type cluster struct {
	t    *testing.T
	dir  string
	data string
	port int
	asPG bool // running as root: PostgreSQL runs as the postgres OS user
}

func pgBin(t *testing.T, name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) == 0 {
		t.Fatalf("%s not found: install the PostgreSQL server binaries (sudo apt-get install postgresql)", name)
	}
	return matches[len(matches)-1]
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// newCluster runs initdb and starts the server, listening on 127.0.0.1 only.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "custos-fault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir, data: filepath.Join(dir, "data"), port: freePort(t), asPG: os.Geteuid() == 0}
	if c.asPG {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal("running as root, but there is no postgres OS user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		c.signal(syscall.SIGCONT) // a frozen server cannot stop
		c.pgctl("-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	})
	if out, err := c.run(pgBin(t, "initdb"), "-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.start()
	return c
}

func (c *cluster) run(name string, args ...string) (string, error) {
	var cmd *exec.Cmd
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *cluster) pgctl(args ...string) (string, error) {
	return c.run(pgBin(c.t, "pg_ctl"), append([]string{"-D", c.data}, args...)...)
}

func (c *cluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=100 -c fsync=off -c synchronous_commit=off", c.port, c.dir)
	if out, err := c.pgctl("-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		c.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

func (c *cluster) stop() {
	c.t.Helper()
	if out, err := c.pgctl("-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (c *cluster) restart() {
	c.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=100 -c fsync=off -c synchronous_commit=off", c.port, c.dir)
	if out, err := c.pgctl("-m", "fast", "-w", "-t", "60", "-o", opts, "-l", filepath.Join(c.dir, "server.log"), "restart"); err != nil {
		c.t.Fatalf("pg_ctl restart: %v\n%s", err, out)
	}
}

func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// processes lists the postmaster and every process it forked.
func (c *cluster) processes() []int {
	raw, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if err != nil {
		return nil
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil {
		return nil
	}
	pids := []int{pm}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 {
			if ppid, _ := strconv.Atoi(fields[1]); ppid == pm {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// signal sends sig to the postmaster and all its children.
func (c *cluster) signal(sig syscall.Signal) {
	for _, pid := range c.processes() {
		syscall.Kill(pid, sig)
	}
}

// ---- the custos server ----

// server is a running `custos serve` process.
type server struct {
	t       *testing.T
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:port
	metrics string // http://127.0.0.1:port/metrics
	mu      sync.Mutex
	log     bytes.Buffer
	exited  chan struct{}
}

// custos runs a one-off custos command against url.
func custosCmd(t *testing.T, url string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "DATABASE_URL="+url), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("custos %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

const demoPassword = "fault-suite-demo-password"

// prepare migrates and seeds the database at url.
func prepare(t *testing.T, url string) {
	custosCmd(t, url, nil, "migrate")
	custosCmd(t, url, []string{"CUSTOS_DEMO_PASSWORD=" + demoPassword}, "seed")
}

// startServer runs custos serve on free ports and waits until it listens.
func startServer(t *testing.T, dbURL string, env ...string) *server {
	t.Helper()
	keys := t.TempDir()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"CUSTOS_ADDR=127.0.0.1:0",
		"CUSTOS_METRICS_ADDR=127.0.0.1:0",
		"CUSTOS_LOG_FORMAT=json",
		"CUSTOS_SIGNING_GENERATE=true",
		"CUSTOS_SIGNING_CERT="+filepath.Join(keys, "memo.crt"),
		"CUSTOS_SIGNING_KEY="+filepath.Join(keys, "memo.key"),
	), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan [2]string, 1)
	go func() {
		var base, metrics string
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			s.mu.Lock()
			s.log.Write(line)
			s.log.WriteByte('\n')
			s.mu.Unlock()
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal(line, &rec) == nil {
				switch rec.Msg {
				case "custos is listening":
					base = rec.URL
				case "metrics are served apart from the API":
					metrics = rec.URL
				}
				if base != "" && metrics != "" {
					urls <- [2]string{base, metrics}
					base = ""
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		if s.alive() {
			cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			s.mu.Lock()
			t.Logf("server log:\n%s", s.log.String())
			s.mu.Unlock()
		}
	})
	select {
	case u := <-urls:
		s.base, s.metrics = u[0], u[1]
	case <-s.exited:
		t.Fatalf("custos serve exited at start:\n%s", s.logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("custos serve did not listen within 60 s:\n%s", s.logText())
	}
	return s
}

func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// rss is the server process's resident memory in bytes.
func (s *server) rss() int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		s.t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	s.t.Fatal("no VmRSS")
	return 0
}

// ---- an HTTP client signed in as a demo user ----

type client struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

type answer struct {
	status  int
	header  http.Header
	body    []byte
	elapsed time.Duration
	err     error
}

func (a answer) String() string {
	if a.err != nil {
		return "error: " + a.err.Error()
	}
	return fmt.Sprintf("%d after %v: %s", a.status, a.elapsed.Round(time.Millisecond), bytes.TrimSpace(a.body))
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	// The client's own timeout is far past any deadline the server should
	// keep, so a hanging server shows as a failure, not as a client error.
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

func signIn(t *testing.T, base, email string) *client {
	t.Helper()
	c := newClient(t, base)
	a := c.do(http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": demoPassword})
	if a.status != http.StatusCreated && a.status != http.StatusOK {
		t.Fatalf("sign in as %s: %s", email, a)
	}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(a.body, &s)
	c.csrf = s.CSRF
	return c
}

func (c *client) do(method, path string, body any) answer {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, elapsed: time.Since(start)}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: b, elapsed: time.Since(start)}
}

// is503 checks that a is a 503 problem document with Retry-After.
func is503(a answer) bool {
	return a.err == nil && a.status == http.StatusServiceUnavailable &&
		strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") && a.header.Get("Retry-After") != ""
}
