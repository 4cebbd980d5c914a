package notify

import (
	"crypto/tls"
	"crypto/x509"
	"net"
)

// TrustOnly makes the mailer verify the server's certificate against pool
// alone, as it verifies a real server's against the system's roots: the
// tests' SMTP server has a certificate of its own making.
func (s *SMTP) TrustOnly(pool *x509.CertPool) error {
	host, _, err := net.SplitHostPort(s.Host)
	if err != nil {
		return err
	}
	return s.client.SetTLSConfig(&tls.Config{ServerName: host, RootCAs: pool, MinVersion: tls.VersionTLS12})
}
