package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/notify"
)

// --- a go-smtp server that requires SMTP AUTH -------------------------------------

// The test's credentials. The password is long and odd enough that finding
// it in a log cannot be a coincidence.
const (
	mailUser     = "custos-mailer"
	mailPassword = "Pw-4f9c1e7a-never-logged"
)

// authAttempt is one AUTH PLAIN the server saw: as whom, whether over TLS,
// and whether the credentials were right.
type authAttempt struct {
	User   string
	TLS    bool
	Passed bool
}

// authMailServer is the test's mailServer behind SMTP AUTH: it takes mail
// only from a session that authenticated as mailUser with mailPassword.
type authMailServer struct {
	*mailServer
	mu       sync.Mutex
	attempts []authAttempt
}

func (m *authMailServer) authAttempts() []authAttempt {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]authAttempt(nil), m.attempts...)
}

// startAuthMailServer starts it on a plain TCP listener. With a
// certificate it offers STARTTLS and takes AUTH only after it; without,
// it offers no TLS and takes AUTH in clear (AllowInsecureAuth), so that a
// client willing to send the password in clear would succeed.
func startAuthMailServer(t *testing.T, cert *tls.Certificate) *authMailServer {
	t.Helper()
	m := &authMailServer{mailServer: &mailServer{}}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.ReadTimeout, m.srv.WriteTimeout = 30*time.Second, 30*time.Second
	if cert != nil {
		m.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	} else {
		m.srv.AllowInsecureAuth = true
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

// NewSession is called again after STARTTLS, on the TLS connection.
func (m *authMailServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &authSession{mailSession: &mailSession{m: m.mailServer}, server: m, tls: isTLS}, nil
}

type authSession struct {
	*mailSession
	server *authMailServer
	tls    bool
	authed bool
}

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *authSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnsupported
	}
	return sasl.NewPlainServer(func(_, user, password string) error {
		ok := user == mailUser && password == mailPassword
		s.server.mu.Lock()
		s.server.attempts = append(s.server.attempts, authAttempt{User: user, TLS: s.tls, Passed: ok})
		s.server.mu.Unlock()
		if !ok {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *authSession) Mail(from string, o *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return s.mailSession.Mail(from, o)
}

// testCertificate is a self-signed certificate for 127.0.0.1 and the pool
// that trusts it.
func testCertificate(t *testing.T) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "custos test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// logBuffer keeps what the worker logs, for the tests to search.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// authWorker is a worker over the stack's database that sends through
// rawURL, trusting pool (when set) for STARTTLS, and logs at debug level
// into log.
func (s *stack) authWorker(rawURL string, pool *x509.CertPool, log *logBuffer) *notify.Worker {
	s.env.T.Helper()
	mailer, err := notify.ParseSMTPURL(rawURL)
	if err != nil {
		s.env.T.Fatal(err)
	}
	if pool != nil {
		if err := mailer.TrustOnly(pool); err != nil {
			s.env.T.Fatal(err)
		}
	}
	w := s.workerOn(s.env.Store)
	w.Mailer = mailer
	w.Log = slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return w
}

func smtpURL(user, password, addr, query string) string {
	return "smtp://" + url.UserPassword(user, password).String() + "@" + addr + "?from=custos@example.com" + query
}

// recipients counts the messages the server took, by recipient.
func recipients(m *mailServer) map[string]int {
	got := map[string]int{}
	for _, r := range m.messages() {
		got[r.to]++
	}
	return got
}

// expectNoPassword fails if the password is in the log or in any row's
// last error.
func (s *stack) expectNoPassword(t *testing.T, log *logBuffer) {
	t.Helper()
	if strings.Contains(log.String(), mailPassword) {
		t.Errorf("the log holds the SMTP password:\n%s", log.String())
	}
	for _, st := range s.states() {
		if strings.Contains(st.Error, mailPassword) {
			t.Errorf("a notification's last error holds the SMTP password: %+v", st)
		}
	}
}

// --- the tests ----------------------------------------------------------------------

// TestSMTPAuthOverSTARTTLS: the URL's user and password authenticate
// (AUTH PLAIN) after STARTTLS, with no tls parameter, and the mail is
// delivered, each once.
func TestSMTPAuthOverSTARTTLS(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cert, pool := testCertificate(t)
	m := startAuthMailServer(t, cert)
	var log logBuffer
	w := s.authWorker(smtpURL(mailUser, mailPassword, m.addr, ""), pool, &log)
	s.env.SubmittedEvaluation(s.env.As("officer@example.com"), s.treasury) // tells manager and manager2
	if st := s.step(w); st.Sent != 2 || st.Failed != 0 {
		t.Fatalf("step: %+v; log:\n%s", st, log.String())
	}
	if d := cmp.Diff(map[string]int{"manager@example.com": 1, "manager2@example.com": 1}, recipients(m.mailServer)); d != "" {
		t.Errorf("received (-want +got):\n%s", d)
	}
	want := []authAttempt{{mailUser, true, true}, {mailUser, true, true}}
	if d := cmp.Diff(want, m.authAttempts()); d != "" {
		t.Errorf("AUTH attempts (-want +got):\n%s", d)
	}
	for _, st := range s.states() {
		if st.State != "sent" || st.Attempts != 1 {
			t.Errorf("%+v, want sent at the first attempt", st)
		}
	}
	s.expectNoPassword(t, &log)
}

// TestSMTPAuthWrongPassword: a refused password delivers nothing; each
// notification is a failed attempt retried with backoff, never before its
// time, and none is lost: once the password is put right it is delivered
// once. The password is in no log line and no recorded error.
func TestSMTPAuthWrongPassword(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cert, pool := testCertificate(t)
	m := startAuthMailServer(t, cert)
	var log logBuffer
	const wrong = "Pw-wrong-0b5d2c9e-never-logged"
	bad := s.authWorker(smtpURL(mailUser, wrong, m.addr, ""), pool, &log)
	s.env.SubmittedEvaluation(s.env.As("officer@example.com"), s.treasury)
	for i := range 2 {
		if st := s.step(bad); st.Failed != 2 || st.Sent != 0 {
			t.Fatalf("attempt %d with a wrong password: %+v", i+1, st)
		}
		for _, st := range s.states() {
			if st.State != "pending" || st.Attempts != i+1 || !strings.Contains(st.Error, "535") {
				t.Errorf("after a refused password: %+v, want pending, attempt %d, the server's 535", st, i+1)
			}
		}
		wait := 30 * time.Second << i
		s.env.Clock.Advance(wait - time.Second)
		if st := s.step(bad); st != (notify.Step{}) {
			t.Fatalf("retried a second early: %+v", st)
		}
		s.env.Clock.Advance(time.Second)
	}
	if got := m.messages(); len(got) != 0 {
		t.Fatalf("mail was taken without authentication: %+v", got)
	}
	if d := cmp.Diff([]authAttempt{{mailUser, true, false}, {mailUser, true, false}, {mailUser, true, false}, {mailUser, true, false}},
		m.authAttempts()); d != "" {
		t.Errorf("AUTH attempts (-want +got):\n%s", d)
	}
	if !strings.Contains(log.String(), "notification e-mail failed") {
		t.Fatalf("the failures were not logged, so the log proves nothing:\n%s", log.String())
	}
	if strings.Contains(log.String(), wrong) {
		t.Errorf("the log holds the password tried:\n%s", log.String())
	}

	// The operator puts the password right (a new worker, as after a restart).
	good := s.authWorker(smtpURL(mailUser, mailPassword, m.addr, ""), pool, &log)
	if st := s.step(good); st.Sent != 2 || st.Failed != 0 {
		t.Fatalf("with the right password: %+v", st)
	}
	if st := s.step(good); st != (notify.Step{}) {
		t.Fatalf("a step after delivery: %+v", st)
	}
	if d := cmp.Diff(map[string]int{"manager@example.com": 1, "manager2@example.com": 1}, recipients(m.mailServer)); d != "" {
		t.Errorf("received (-want +got):\n%s", d)
	}
	for _, st := range s.states() {
		if st.State != "sent" || st.Attempts != 3 {
			t.Errorf("%+v, want sent at the third attempt", st)
		}
	}
	s.expectNoPassword(t, &log)
}

// TestSMTPAuthNeedsTLS: with a password and no tls parameter, a server
// that offers no STARTTLS is refused before AUTH, even on 127.0.0.1 (where
// go-mail would otherwise send PLAIN in clear) and although this server
// would take it; the notification waits for its retry. Only an explicit
// tls=off sends the password in clear, and then the mail goes.
func TestSMTPAuthNeedsTLS(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	m := startAuthMailServer(t, nil)
	var log logBuffer
	w := s.authWorker(smtpURL(mailUser, mailPassword, m.addr, ""), nil, &log)
	s.env.SubmittedEvaluation(s.env.As("officer@example.com"), s.treasury)
	if st := s.step(w); st.Failed != 2 || st.Sent != 0 {
		t.Fatalf("without STARTTLS: %+v", st)
	}
	if got := m.authAttempts(); len(got) != 0 {
		t.Fatalf("the password went to a server without TLS: %+v", got)
	}
	for _, st := range s.states() {
		if st.State != "pending" || st.Attempts != 1 || !strings.Contains(st.Error, "STARTTLS") {
			t.Errorf("%+v, want pending after one attempt, failed for want of STARTTLS", st)
		}
	}

	s.env.Clock.Advance(30 * time.Second)
	clear := s.authWorker(smtpURL(mailUser, mailPassword, m.addr, "&tls=off"), nil, &log)
	if st := s.step(clear); st.Sent != 2 || st.Failed != 0 {
		t.Fatalf("with tls=off: %+v", st)
	}
	if d := cmp.Diff([]authAttempt{{mailUser, false, true}, {mailUser, false, true}}, m.authAttempts()); d != "" {
		t.Errorf("AUTH attempts (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]int{"manager@example.com": 1, "manager2@example.com": 1}, recipients(m.mailServer)); d != "" {
		t.Errorf("received (-want +got):\n%s", d)
	}
	s.expectNoPassword(t, &log)
}

// TestParseSMTPURLKeepsThePasswordOut: a malformed URL's error does not
// quote it; tls=opportunistic with a password is refused.
func TestParseSMTPURLKeepsThePasswordOut(t *testing.T) {
	for _, raw := range []string{
		"smtp://" + mailUser + ":" + mailPassword + "@mail.example.com:58%7?from=custos@example.com",
		"smtp://" + mailUser + ":" + mailPassword + "@mail.example.com\x7f?from=custos@example.com",
		"smtp://" + mailUser + ":" + mailPassword + "@mail.example.com?from=custos@example.com&tls=opportunistic",
	} {
		_, err := notify.ParseSMTPURL(raw)
		if err == nil {
			t.Errorf("%q was accepted", raw)
		} else if strings.Contains(err.Error(), mailPassword) {
			t.Errorf("the error quotes the password: %v", err)
		}
	}
	// A password with a character the URL needs encoded: the parser takes a
	// piece of it for a port or an escape, and would quote that piece.
	for _, password := range []string{"Hunter2#xk", "S3cr/etQ", "Qw9%zzWs", "Xy7?uery"} {
		raw := "smtp://" + mailUser + ":" + password + "@mail.example.com?from=custos@example.com"
		_, err := notify.ParseSMTPURL(raw)
		if err == nil {
			continue // parsed some other way (a host of its own): nothing to show
		}
		for _, piece := range strings.FieldsFunc(password, func(r rune) bool { return strings.ContainsRune("#/%?", r) }) {
			if strings.Contains(err.Error(), piece) {
				t.Errorf("the error for a password %q shows %q: %v", password, piece, err)
			}
		}
	}
	for _, ok := range []string{
		"smtp://mail.example.com?from=custos@example.com&tls=opportunistic",
		"smtp://" + mailUser + ":" + mailPassword + "@mail.example.com?from=custos@example.com&tls=required",
		"smtp://" + mailUser + ":" + mailPassword + "@relay.local?from=custos@example.com&tls=off",
	} {
		if _, err := notify.ParseSMTPURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}
