package clustertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// requestSeq numbers the requests of the whole package: each carries its own
// X-Request-ID, which the replica that serves it logs as client_request_id.
var requestSeq atomic.Int64

// answer is what the server answered one request.
type answer struct {
	Status    int
	Header    http.Header
	Body      []byte
	RequestID string
}

// decode reads the JSON body into v.
func (a *answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("decode %d %s: %v", a.Status, truncate(a.Body), err)
	}
}

func truncate(b []byte) string {
	if len(b) > 500 {
		return string(b[:500]) + "…"
	}
	return string(b)
}

// client is one party talking to one address (the balancer or a replica)
// over real HTTP, with the session cookie and CSRF token once signed in.
type client struct {
	t      *testing.T
	base   string
	cookie *http.Cookie
	csrf   string
	// sent lists the IDs of the requests this client made, in order.
	sent []string
}

var httpClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

func newClient(t *testing.T, addr string) *client {
	return &client{t: t, base: "http://" + addr}
}

// at is the same party, signed in the same way, talking to another address.
func (c *client) at(addr string) *client {
	return &client{t: c.t, base: "http://" + addr, cookie: c.cookie, csrf: c.csrf}
}

// send makes one request; a transport error is an answer with status 0.
func (c *client) send(method, path string, body io.Reader, header http.Header) *answer {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	id := fmt.Sprintf("cluster-%d", requestSeq.Add(1))
	req.Header.Set("X-Request-ID", id)
	if c.cookie != nil {
		req.AddCookie(&http.Cookie{Name: c.cookie.Name, Value: c.cookie.Value})
		if method != http.MethodGet && c.csrf != "" {
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
	}
	c.sent = append(c.sent, id)
	res, err := httpClient.Do(req)
	if err != nil {
		return &answer{RequestID: id, Body: []byte(err.Error())}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return &answer{RequestID: id, Body: []byte(err.Error())}
	}
	// HAProxy's own answers (502, 503) do not come from a replica.
	// The server answers with a request ID of its own (never the client's,
	// which it logs beside it as client_request_id).
	if got := res.Header.Get("X-Request-ID"); (got == "" || got == id) && res.StatusCode != http.StatusBadGateway && res.StatusCode != http.StatusServiceUnavailable {
		c.t.Errorf("%s %s: X-Request-ID %q, want the server's own (not ours, %q)", method, path, got, id)
	}
	return &answer{Status: res.StatusCode, Header: res.Header, Body: b, RequestID: id}
}

// do sends body as JSON (nil for none).
func (c *client) do(method, path string, body any) *answer {
	c.t.Helper()
	var r io.Reader
	h := http.Header{}
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
		h.Set("Content-Type", "application/json")
	}
	return c.send(method, path, r, h)
}

// must sends the request and fails the test unless the answer is want.
func (c *client) must(want int, method, path string, body any) *answer {
	c.t.Helper()
	a := c.do(method, path, body)
	if a.Status != want {
		c.t.Fatalf("%s %s (request %s): %d %s, want %d", method, path, a.RequestID, a.Status, truncate(a.Body), want)
	}
	return a
}

// upload sends one file as multipart/form-data.
func (c *client) upload(want int, path, filename string, content []byte) *answer {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", filename)
	part.Write(content)
	w.Close()
	a := c.send(http.MethodPost, path, &buf, http.Header{"Content-Type": {w.FormDataContentType()}})
	if a.Status != want {
		c.t.Fatalf("POST %s (request %s): %d %s, want %d", path, a.RequestID, a.Status, truncate(a.Body), want)
	}
	return a
}

// login signs in with the demo password and keeps the session.
func (c *client) login(email string) *client {
	c.t.Helper()
	a := c.must(http.StatusCreated, http.MethodPost, "/api/v1/session", map[string]string{"email": email, "password": demoPassword})
	for _, line := range a.Header.Values("Set-Cookie") {
		if ck, err := http.ParseSetCookie(line); err == nil && strings.Contains(ck.Name, "custos_session") && ck.Value != "" {
			c.cookie = ck
		}
	}
	if c.cookie == nil {
		c.t.Fatalf("login %s: no session cookie in %v", email, a.Header.Values("Set-Cookie"))
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	a.decode(c.t, &me)
	c.csrf = me.CSRF
	return c
}
