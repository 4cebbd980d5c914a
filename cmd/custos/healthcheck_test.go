package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/custos-dd/custos/internal/apitest"
)

func TestHealthcheckAsksTheServerAtCustosAddr(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	srv := httptest.NewServer(env.Server)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))

	probe := func(addr string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), []string{"healthcheck"}, &out, func(k string) string {
			if k == "CUSTOS_ADDR" {
				return addr
			}
			return ""
		})
		return out.String(), err
	}
	// A server listening on every address is probed on the loopback one.
	if out, err := probe("0.0.0.0:" + port); err != nil || !strings.Contains(out, "ready: http://127.0.0.1:"+port+"/readyz") {
		t.Fatalf("probe of a ready server: %q, %v", out, err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	out, err := probe(closed)
	var ee exitError
	if !errors.As(err, &ee) || ee != 1 || !strings.HasPrefix(out, "not ready:") {
		t.Fatalf("probe of nothing listening: %q, %v; want exit 1 and 'not ready'", out, err)
	}
}
