package api_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 that keeps what it
// receives. With a user it requires authentication; with tls it offers STARTTLS with a
// self-signed certificate, whose pool roots holds.
type smtpServer struct {
	srv   *smtp.Server
	host  string
	port  int
	roots *x509.CertPool
	mu    sync.Mutex
	user  string
	pass  string
	got   []gotMail
}

type gotMail struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	Auth string
}

func newSMTPServer(t *testing.T, user, pass string, withTLS bool) *smtpServer {
	t.Helper()
	s := &smtpServer{user: user, pass: pass}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s, c: c}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = !withTLS
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, pool := selfSigned(t)
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.roots = pool
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	addr := ln.Addr().(*net.TCPAddr)
	s.host, s.port = "127.0.0.1", addr.Port
	return s
}

func (s *smtpServer) received() []gotMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]gotMail(nil), s.got...)
}

func (s *smtpServer) setPassword(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pass = p
}

// settings is the body of PUT /api/admin/smtp for this server.
func (s *smtpServer) settings(security, password string) string {
	return `{"host":"` + s.host + `","port":` + strconv.Itoa(s.port) + `,"security":"` + security + `","username":"` + s.user +
		`","password":"` + password + `","from_address":"crm@example.com","from_name":"CRM 系统","allowed_recipients":["partner.example","boss@other.example"],"app_url":"https://crm.example.com"}`
}

type smtpSession struct {
	s    *smtpServer
	c    *smtp.Conn
	auth string
	from string
	to   []string
}

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		x.s.mu.Lock()
		defer x.s.mu.Unlock()
		if user != x.s.user || pass != x.s.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		x.auth = user
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	need := x.s.user != ""
	x.s.mu.Unlock()
	if need && x.auth == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	x.from = from
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := x.c.TLSConnectionState()
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.got = append(x.s.got, gotMail{From: x.from, To: append([]string(nil), x.to...), Data: b, TLS: isTLS, Auth: x.auth})
	return nil
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// parsedMail is a received message read back: its decoded subject and parts.
type parsedMail struct {
	Header  mail.Header
	Subject string
	From    string
	Text    string
	HTML    string
}

func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, raw)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	from, _ := dec.DecodeHeader(m.Header.Get("From"))
	out := parsedMail{Header: m.Header, Subject: subject, From: from}
	ctype, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ctype, "multipart/") {
		b, _ := io.ReadAll(m.Body)
		out.Text = strings.ReplaceAll(string(qpDecode(t, b)), "\r\n", "\n")
		return out
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable itself
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			out.Text = string(b)
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			out.HTML = string(b)
		}
	}
	return out
}

func qpDecode(t *testing.T, b []byte) []byte {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(append([]byte("Content-Transfer-Encoding: quoted-printable\r\n\r\n"), b...)))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(strings.NewReader("--x\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+readAll(m.Body)+"\r\n--x--\r\n"), "x")
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(p)
	return out
}

func readAll(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}
