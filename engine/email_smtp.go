package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sending one message over SMTP with github.com/emersion/go-smtp's client. The message is a
// multipart/alternative of a plain-text and an HTML part (UTF-8, quoted-printable), headers
// encoded as RFC 2047 words. Every header value was checked for CR and LF before it got here.
const (
	smtpDialTimeout    = 15 * time.Second
	smtpCommandTimeout = 30 * time.Second
)

// outMessage is one email to send.
type outMessage struct {
	ID       string // the outbox id; also the Message-ID's left part
	From     string
	FromName string
	To       []string
	Subject  string
	Text     string
	HTML     string
	At       time.Time
}

// bytes renders the message with CRLF line ends.
func (m *outMessage) bytes() ([]byte, error) {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	// net/mail quotes a name holding specials (a comma, a quote) and encodes a non-ASCII one.
	h("From", (&mail.Address{Name: m.FromName, Address: m.From}).String())
	h("To", strings.Join(m.To, ", "))
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.At.UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+m.ID+"@"+m.From[strings.LastIndex(m.From, "@")+1:]+">")
	h("MIME-Version", "1.0")
	h("Auto-Submitted", "auto-generated")
	part := func(w *multipart.Writer, ctype, body string) error {
		p, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {ctype + "; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return err
		}
		q := quotedprintable.NewWriter(p)
		if _, err := q.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
			return err
		}
		return q.Close()
	}
	if m.HTML == "" {
		h("Content-Type", "text/plain; charset=utf-8")
		h("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		q := quotedprintable.NewWriter(&b)
		if _, err := q.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := q.Close(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h("Content-Type", "multipart/alternative; boundary="+w.Boundary())
	b.WriteString("\r\n")
	if err := part(w, "text/plain", m.Text); err != nil {
		return nil, err
	}
	if err := part(w, "text/html", m.HTML); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// uncertainError is a send whose outcome is unknown: the whole message went to the server, but
// its answer to the end of DATA never came. It may have been accepted, so it is never sent again
// without a person asking.
type uncertainError struct{ err error }

func (u uncertainError) Error() string {
	return "the server did not answer after the message was handed over; it may have been delivered: " + u.err.Error()
}

// sendSMTP sends m with the settings. commit, when given, runs after the whole message was
// written and before the final "." that hands it over: the outbox marks the email as being sent
// there, so that a crash after that point is known for what it is. An error of commit ends the
// session without handing the message over.
func (e *Engine) sendSMTP(ctx context.Context, s *SMTPSettings, m *outMessage, commit func() error) error {
	raw, err := m.bytes()
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(s.Host, strconv.FormatInt(s.Port, 10))
	d := net.Dialer{Timeout: smtpDialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	tc := &tls.Config{ServerName: s.Host, RootCAs: e.smtpRoots, MinVersion: tls.VersionTLS12}
	var c *smtp.Client
	switch s.Security {
	case SMTPTLS:
		t := tls.Client(conn, tc)
		hctx, cancel := context.WithTimeout(ctx, smtpDialTimeout)
		err = t.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return fmt.Errorf("TLS with %s: %w", addr, err)
		}
		c = smtp.NewClient(t)
	case SMTPStartTLS:
		if c, err = smtp.NewClientStartTLS(conn, tc); err != nil {
			conn.Close()
			return fmt.Errorf("STARTTLS with %s: %w", addr, err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = smtpCommandTimeout, smtpCommandTimeout
	// The greeting first, so that a failed TLS handshake after STARTTLS is told as such.
	if err := c.Hello("localhost"); err != nil {
		if s.Security == SMTPStartTLS {
			return fmt.Errorf("STARTTLS with %s: %w", addr, err)
		}
		return fmt.Errorf("EHLO: %w", err)
	}
	if s.Username != "" {
		var a sasl.Client
		switch {
		case c.SupportsAuth(sasl.Plain):
			a = sasl.NewPlainClient("", s.Username, s.Password)
		case c.SupportsAuth(sasl.Login):
			a = sasl.NewLoginClient(s.Username, s.Password)
		default:
			return errors.New("the server offers no PLAIN or LOGIN authentication")
		}
		if err := c.Auth(a); err != nil {
			return fmt.Errorf("authentication: %w", err)
		}
	}
	if err := c.Mail(m.From, nil); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, to := range m.To {
		if err := c.Rcpt(to, nil); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if commit != nil {
		if err := commit(); err != nil {
			return fmt.Errorf("not handed over: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return fmt.Errorf("the server refused the message: %w", err) // an answer: not accepted
		}
		return uncertainError{err}
	}
	_ = c.Quit() // the message is accepted; a failed goodbye changes nothing
	return nil
}
