package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the server that this environment configures (CUSTOS_ADDR,
// and HTTPS when CUSTOS_TLS_CERT is set) whether it is ready, so that a
// container needs no curl for its HEALTHCHECK. Exit 0 when /readyz answers
// 200, 1 otherwise.
func healthcheck(ctx context.Context, out io.Writer, getenv func(string) string) error {
	addr := getenv("CUSTOS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("CUSTOS_ADDR %q is not host:port", addr)
	}
	// A server listening on every address is reached on the loopback one.
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	scheme := "http"
	client := &http.Client{Timeout: 5 * time.Second}
	if getenv("CUSTOS_TLS_CERT") != "" {
		scheme = "https"
		// The probe asks its own process over loopback; the certificate is
		// for the public name, not 127.0.0.1.
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	url := scheme + "://" + net.JoinHostPort(host, port) + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(out, "not ready: %v\n", err)
		return exitError(1)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(out, "not ready: %s answered %d\n", url, res.StatusCode)
		return exitError(1)
	}
	fmt.Fprintf(out, "ready: %s\n", url)
	return nil
}
