// Package tsatest is an RFC 3161 time-stamping authority for tests: an
// http.Handler that answers application/timestamp-query requests with
// tokens signed by its own key, at the time its clock says. Tests move the
// clock to make timestamps before or after a certificate's validity.
package tsatest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// TSA is a time-stamping authority with a self-signed certificate.
type TSA struct {
	Cert *x509.Certificate
	key  crypto.Signer

	mu  sync.Mutex
	now time.Time
	// Imprint, when set, replaces the digest the request asked to be
	// stamped: a token over other bytes.
	Imprint []byte
	// Requests counts the tokens issued.
	Requests int
}

// New makes a TSA whose certificate is valid from 2000 to 2100 and whose
// clock reads now.
func New(t testing.TB, now time.Time) *TSA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "Custos test TSA", Organization: []string{"Custos tests"}},
		NotBefore:             time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &TSA{Cert: cert, key: key, now: now}
}

// Set moves the TSA's clock.
func (a *TSA) Set(now time.Time) {
	a.mu.Lock()
	a.now = now
	a.mu.Unlock()
}

// Serve starts an HTTP server for the TSA, stopped when the test ends, and
// returns its URL.
func (a *TSA) Serve(t testing.TB) string {
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return srv.URL
}

// ServeHTTP answers one timestamp request (RFC 3161 section 3.4).
func (a *TSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
		http.Error(w, "POST an application/timestamp-query", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		resp, _ := timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
		return
	}
	a.mu.Lock()
	now := a.now
	imprint := req.HashedMessage
	if a.Imprint != nil {
		imprint = a.Imprint
	}
	a.Requests++
	a.mu.Unlock()
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     imprint,
		Time:              now.UTC(),
		Nonce:             req.Nonce,
		Policy:            asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		AddTSACertificate: true, // the verifier checks the token with it
	}
	resp, err := ts.CreateResponseWithOpts(a.Cert, a.key, crypto.SHA256)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(resp)
}
