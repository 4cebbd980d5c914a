package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/apitest"
)

// buildServer builds this command into a temporary directory, so the test
// runs the real binary from a clean clone too.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "custos")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
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

// startServer runs `custos serve` on the test's own database and waits
// until it answers /healthz.
func startServer(t *testing.T, bin string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	_, conf := apitest.NewDB(t)
	addr := freeAddr(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+conf.URL(),
		"CUSTOS_ADDR="+addr,
		"CUSTOS_METRICS_ADDR=127.0.0.1:0",
		"CUSTOS_LOG_LEVEL=warn",
		"CUSTOS_SIGNING_GENERATE=true",
		"CUSTOS_SIGNING_CERT="+filepath.Join(dir, "memo.crt"),
		"CUSTOS_SIGNING_KEY="+filepath.Join(dir, "memo.key"),
	)
	cmd.Env = append(cmd.Env, env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd, base
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("custos serve exited: %v\n%s", err, logs.String())
		case <-time.After(50 * time.Millisecond): // poll interval while waiting for the listener
		}
		if time.Now().After(deadline) {
			t.Fatalf("custos serve did not answer /healthz within 60s\n%s", logs.String())
		}
	}
}

// procStatus reads a field of /proc/PID/status in kB.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// cpuTicks is the process's user plus system time in clock ticks.
func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100

// signIn posts one sign-in for an unknown account, as the client at addr
// (forwarded by the trusted proxy on loopback), and returns the status.
func signIn(client *http.Client, base string, n int, addr string) (int, error) {
	body := fmt.Sprintf(`{"email":"nobody-%d@example.com","password":"guessing-password-%d"}`, n, n)
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/session", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "" {
		return res.StatusCode, fmt.Errorf("503 without Retry-After")
	}
	return res.StatusCode, nil
}

// Issue 9 items 2 and 17: anonymous sign-ins for unknown accounts, each from
// its own address so that no throttle helps, must not exhaust memory; the
// CPU they cost is measured and logged.
func TestConcurrentAnonymousSignInsStayUnder300MB(t *testing.T) {
	t.Parallel()
	bin := buildServer(t)
	// Loopback is the trusted proxy: every request names its own client
	// address, the worst case for the per-address limits.
	cmd, base := startServer(t, bin, "CUSTOS_TRUSTED_PROXIES=127.0.0.1")
	pid := cmd.Process.Pid
	before := procStatus(t, pid, "VmRSS")

	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var failures []error
	start := make(chan struct{})
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, err := signIn(client, base, i, fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256))
			mu.Lock()
			defer mu.Unlock()
			statuses[status]++
			if err != nil {
				failures = append(failures, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	peak := procStatus(t, pid, "VmHWM")
	t.Logf("100 concurrent sign-ins for unknown accounts: RSS %d MB before, peak %d MB; answers %v", before/1024, peak/1024, statuses)
	if len(failures) > 0 {
		t.Fatalf("%d requests failed, first: %v", len(failures), failures[0])
	}
	for status, n := range statuses {
		if status != http.StatusUnauthorized && status != http.StatusServiceUnavailable {
			t.Errorf("%d answers %d, want 401 or 503 with Retry-After", n, status)
		}
	}
	if statuses[http.StatusUnauthorized] == 0 {
		t.Errorf("no sign-in was checked at all: %v", statuses)
	}
	if peak > 300*1024 {
		t.Fatalf("peak RSS %d MB, want under 300 MB", peak/1024)
	}

	// The CPU a flood costs: 8 clients for 3 seconds, first each request from
	// a new address (only the hashing bound holds), then all from one address
	// (its limit blocks it after 20 failures).
	flood := func(name string, addr func(n int) string) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		ticks, began := cpuTicks(t, pid), time.Now()
		var sent sync.WaitGroup
		var mu sync.Mutex
		answers := map[int]int{}
		for w := range 8 {
			sent.Add(1)
			go func() {
				defer sent.Done()
				for n := 0; ctx.Err() == nil; n++ {
					id := 1_000_000 + w*100_000 + n
					status, _ := signIn(client, base, id, addr(id))
					mu.Lock()
					answers[status]++
					mu.Unlock()
				}
			}()
		}
		sent.Wait()
		secs := time.Since(began).Seconds()
		cpu := float64(cpuTicks(t, pid)-ticks) / clockTicks
		t.Logf("flood of unknown-account sign-ins, %s: %.2f CPU-seconds per second over %.1f s; answers %v",
			name, cpu/secs, secs, answers)
	}
	flood("each from a new address", func(n int) string { return fmt.Sprintf("10.%d.%d.%d", n/65536%256, n/256%256, n%256) })
	flood("all from one address", func(int) string { return "192.0.2.200" })
}
