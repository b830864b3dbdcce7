// Command smtpsink is a real SMTP server for the browser tests (builder-ui/e2e/email.spec.ts): it
// listens on 127.0.0.1 (github.com/emersion/go-smtp, the library the engine sends with), accepts
// every message, and keeps each as a JSON file in --dir with its envelope and its decoded subject,
// plain-text and HTML parts, so a test can read what a person would have received. With --user and
// --pass it requires AUTH PLAIN and refuses any other login with 535.
//
// It is a test tool: it relays nothing and keeps everything in --dir. It prints
// "smtpsink addr=127.0.0.1:PORT" once it listens.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the sink stores it.
type received struct {
	From    string   `json:"from"`
	To      []string `json:"to"`
	Auth    string   `json:"auth,omitempty"`
	Subject string   `json:"subject"`
	Header  string   `json:"from_header"`
	Text    string   `json:"text"`
	HTML    string   `json:"html"`
	Raw     string   `json:"raw"`
}

type sink struct {
	dir        string
	user, pass string
	mu         sync.Mutex
	n          int
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "where to listen")
	dir := flag.String("dir", "", "the directory that receives one JSON file per message (required)")
	user := flag.String("user", "", "require AUTH PLAIN with this user name")
	pass := flag.String("pass", "", "the password of --user")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "smtpsink: --dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "smtpsink:", err)
		os.Exit(1)
	}
	s := &sink{dir: *dir, user: *user, pass: *pass}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // plain text on 127.0.0.1 only: a test server
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 10 << 20
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "smtpsink:", err)
		os.Exit(1)
	}
	fmt.Printf("smtpsink addr=%s\n", ln.Addr())
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
		<-stop
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "smtpsink:", err)
		os.Exit(1)
	}
}

// keep writes one message: to a temporary name first, so a reader never sees half a file.
func (s *sink) keep(m received) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.n++
	name := filepath.Join(s.dir, fmt.Sprintf("%05d.json", s.n))
	s.mu.Unlock()
	if err := os.WriteFile(name+".tmp", b, 0o644); err != nil {
		return err
	}
	return os.Rename(name+".tmp", name)
}

type session struct {
	s    *sink
	auth string
	from string
	to   []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if x.s.user == "" || user != x.s.user || pass != x.s.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		x.auth = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && x.auth == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := received{From: x.from, To: append([]string(nil), x.to...), Auth: x.auth, Raw: string(raw)}
	if err := decode(raw, &m); err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "not a message: " + err.Error()}
	}
	return x.s.keep(m)
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// decode reads the subject, the From header and the text and HTML parts of a message.
func decode(raw []byte, m *received) error {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return err
	}
	m.Header, _ = dec.DecodeHeader(msg.Header.Get("From"))
	ctype, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	if !strings.HasPrefix(ctype, "multipart/") {
		b, err := part(msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
		m.Text = b
		return err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable itself
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		b, err := part(p, "")
		if err != nil {
			return err
		}
		switch ct := p.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			m.Text = b
		case strings.HasPrefix(ct, "text/html"):
			m.HTML = b
		}
	}
}

// part reads a body, decoding quoted-printable when cte says so, with LF line ends.
func part(r io.Reader, cte string) (string, error) {
	if strings.EqualFold(cte, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	return strings.ReplaceAll(string(b), "\r\n", "\n"), err
}
