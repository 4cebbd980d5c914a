package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/custos-dd/custos/internal/custos"
)

// SMTP sends notifications as plain-text e-mail through one SMTP server
// (go-mail: STARTTLS, implicit TLS, SMTP AUTH, RFC 5322 headers, so none of
// it is written here).
type SMTP struct {
	client *mail.Client
	from   string
	// Host is the server's host:port, for the start-up log (never the password).
	Host string
}

// ParseSMTPURL reads CUSTOS_SMTP_URL:
//
//	smtp://host:25?from=custos@example.com             STARTTLS when the server offers it
//	smtp://user:pass@host:587?from=…                   SMTP AUTH (PLAIN) only after STARTTLS
//	smtps://user:pass@host:465?from=…                  implicit TLS
//	…?tls=required                                      refuse to send without STARTTLS
//	…?tls=off                                           never TLS (a local relay, tests);
//	                                                    with user:pass, the password goes in clear
//
// from is required; user and password are optional (no SMTP AUTH without).
// With a password, TLS is required unless tls=off says otherwise:
// opportunistic STARTTLS would let anyone on the path strip the STARTTLS
// offer, and then go-mail refuses PLAIN over plain text (the password is
// safe, the mail undelivered) except to a server named localhost or
// 127.0.0.1, where it would send it in clear. Requiring STARTTLS makes that
// a clear failure, the same for every host.
//
// Errors never quote the URL, which may hold the password.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// The parser's own message quotes the URL, or the part of the
		// password it took for a port or an escape: none of it is shown.
		return nil, errors.New("not a valid URL (percent-encode @ : / ? # and % in the user name and password)")
	}
	q := u.Query()
	user := u.User.Username()
	from := q.Get("from")
	if from == "" {
		return nil, fmt.Errorf("names no sender: add ?from=custos@example.com")
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("names no host")
	}
	opts := []mail.Option{mail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch q.Get("tls") {
		case "":
			if user != "" {
				opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
			} else {
				opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
			}
		case "opportunistic":
			if user != "" {
				return nil, fmt.Errorf("tls=opportunistic with a user and password would depend on the path for the password's safety: " +
					"leave tls out (STARTTLS is then required) or say tls=off for a relay you trust")
			}
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		case "required":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		case "off":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
			port = 25
		default:
			return nil, fmt.Errorf("tls=%q is not opportunistic, required or off", q.Get("tls"))
		}
	case "smtps":
		opts = append(opts, mail.WithSSL())
		port = 465
	default:
		return nil, fmt.Errorf("must start with smtp:// or smtps://")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("port %q is not a number", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if user != "" {
		pass, _ := u.User.Password()
		// PLAIN only over TLS, unless the operator said tls=off for a local relay.
		auth := mail.SMTPAuthPlain
		if q.Get("tls") == "off" {
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(user), mail.WithPassword(pass))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, err
	}
	return &SMTP{client: c, from: from, Host: host + ":" + strconv.Itoa(port)}, nil
}

// Send sends one notification. Its Message-ID is derived from the
// notification's ID, so that in the rare case it is sent twice (see
// Worker.deliver) a mail client can tell the copies are one message.
func (s *SMTP) Send(ctx context.Context, e custos.OutboxEmail, link string) error {
	m := mail.NewMsg()
	if err := m.From(s.from); err != nil {
		return fmt.Errorf("sender: %w", err)
	}
	if err := m.AddToFormat(e.ToName, e.To); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(fmt.Sprintf("notification-%d@%s", e.ID, hostOf(s.from)))
	m.SetGenHeader("X-Custos-Notification", strconv.FormatInt(e.ID, 10))
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, e.Body+"\n\nOpen it in Custos: "+link+"\n")
	return s.client.DialAndSendWithContext(ctx, m)
}

func hostOf(addr string) string {
	if _, h, ok := strings.Cut(addr, "@"); ok && h != "" {
		return strings.TrimSuffix(h, ">")
	}
	return "custos"
}
