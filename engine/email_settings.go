package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// The SMTP settings are one document, changed by admins only. The password is write-only: a read
// answers a mask in its place, a save that sends the mask back keeps the stored one, and the
// collection is not exported (`crm export` and packages leave it out), so a backup carries no
// mail credentials. It is stored as given: whoever reads the database reads it.
const (
	collSMTP     = "smtp_settings"
	smtpID       = "smtp"
	PasswordMask = "********"
)

// SMTP security modes.
const (
	SMTPNone     = "none"     // plain text: for a relay on the same machine or network
	SMTPStartTLS = "starttls" // upgrade with STARTTLS, refused when the server does not offer it
	SMTPTLS      = "tls"      // TLS from the first byte (port 465)
)

// SMTPSettings are the SMTP settings as the API shows and takes them.
type SMTPSettings struct {
	Host     string `json:"host"`
	Port     int64  `json:"port"`
	Security string `json:"security"`
	Username string `json:"username,omitempty"`
	// Password is write-only: reads answer PasswordMask when one is stored.
	Password    string `json:"password,omitempty"`
	FromAddress string `json:"from_address"`
	FromName    string `json:"from_name,omitempty"`
	// AllowedRecipients are the fixed addresses (a@example.com) and domains (example.com) an
	// email action may name besides users and the record's own fields.
	AllowedRecipients []string `json:"allowed_recipients"`
	// AppURL is the app's public address, for {{record_url}} (https://crm.example.com).
	AppURL  string `json:"app_url,omitempty"`
	Version int64  `json:"version"`
}

// configured tells whether the settings can send at all.
func (s *SMTPSettings) configured() bool { return s != nil && s.Host != "" && s.FromAddress != "" }

// emailInputError is refused email input: its code is the top-level one (header_injection,
// invalid_email, too_many_recipients), with the pointer of what is wrong.
func emailInputError(code, ptr, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	var out *Error
	switch code {
	case workflow.CodeHeaderInjection:
		out = &Error{Kind: KindValidation, Code: "header_injection", Message: msg}
	case workflow.CodeTooManyRecipients:
		out = &Error{Kind: KindValidation, Code: "too_many_recipients", Message: msg}
	default:
		out = &Error{Kind: KindValidation, Code: "invalid_email", Message: msg}
	}
	out.Problems = []forms.Problem{{Pointer: ptr, Code: out.Code, Message: msg}}
	return out
}

// checkAddress refuses what is not one plain address, with the code of why.
func checkAddress(ptr, addr string) error {
	switch workflow.CheckAddress(addr) {
	case "":
		return nil
	case workflow.CodeHeaderInjection:
		return emailInputError(workflow.CodeHeaderInjection, ptr, "an address holds no CR or LF")
	default:
		return emailInputError(workflow.CodeInvalidEmail, ptr, "%q is not a valid email address", addr)
	}
}

// checkSMTPSettings refuses settings that cannot work, at the first problem.
func checkSMTPSettings(s *SMTPSettings) error {
	for ptr, v := range map[string]string{"/host": s.Host, "/username": s.Username, "/password": s.Password, "/from_name": s.FromName, "/app_url": s.AppURL} {
		if workflow.CheckHeaderText(v) != "" {
			return emailInputError(workflow.CodeHeaderInjection, ptr, "no CR or LF")
		}
	}
	invalid := func(ptr, format string, args ...any) error {
		return &Error{Kind: KindValidation, Code: "invalid_smtp_settings", Message: fmt.Sprintf(format, args...),
			Problems: []forms.Problem{{Pointer: ptr, Code: "invalid", Message: fmt.Sprintf(format, args...)}}}
	}
	if strings.TrimSpace(s.Host) == "" || strings.ContainsAny(s.Host, " /:@") {
		return invalid("/host", "the host is a name or an address such as smtp.example.com")
	}
	if s.Port < 1 || s.Port > 65535 {
		return invalid("/port", "the port is between 1 and 65535 (587 for STARTTLS, 465 for TLS)")
	}
	switch s.Security {
	case SMTPNone, SMTPStartTLS, SMTPTLS:
	default:
		return invalid("/security", "security is one of none, starttls, tls")
	}
	if s.Security == SMTPNone && (s.Username != "" || s.Password != "") && !loopbackHost(s.Host) {
		ptr := "/username"
		if s.Username == "" {
			ptr = "/password"
		}
		msg := "credentials are sent only over STARTTLS or TLS: with security none they would cross the network in plain text (allowed only for a relay on this machine: localhost, 127.0.0.0/8, ::1)"
		return &Error{Kind: KindValidation, Code: "smtp_insecure_auth", Message: msg,
			Problems: []forms.Problem{{Pointer: ptr, Code: "smtp_insecure_auth", Message: msg}}}
	}
	if err := checkAddress("/from_address", s.FromAddress); err != nil {
		return err
	}
	if len(s.AllowedRecipients) > 200 {
		return emailInputError(workflow.CodeTooManyRecipients, "/allowed_recipients", "at most 200 entries")
	}
	for i, a := range s.AllowedRecipients {
		ptr := fmt.Sprintf("/allowed_recipients/%d", i)
		if strings.Contains(a, "@") && !strings.HasPrefix(a, "@") {
			if err := checkAddress(ptr, a); err != nil {
				return err
			}
			continue
		}
		if workflow.CheckAddress("x@"+strings.TrimPrefix(a, "@")) != "" {
			return emailInputError(workflow.CodeInvalidEmail, ptr, "%q is neither an address nor a domain such as example.com", a)
		}
	}
	if s.AppURL != "" {
		u, err := url.Parse(s.AppURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return invalid("/app_url", "the app's address is an http(s) URL such as https://crm.example.com")
		}
	}
	return nil
}

// storedSMTP reads the settings with the password (nil when none were saved).
func (e *Engine) storedSMTP(ctx context.Context) (*SMTPSettings, error) {
	d, err := e.store.Get(ctx, collSMTP, smtpID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var s SMTPSettings
	if err := decodeDoc(collSMTP, d, &s); err != nil {
		return nil, err
	}
	if s.AllowedRecipients == nil {
		s.AllowedRecipients = []string{}
	}
	return &s, nil
}

func masked(s *SMTPSettings) *SMTPSettings {
	out := *s
	if out.Password != "" {
		out.Password = PasswordMask
	}
	return &out
}

// GetSMTPSettings shows the settings to admins, the password masked; empty settings when none
// were saved.
func (e *Engine) GetSMTPSettings(ctx context.Context, by *Actor) (*SMTPSettings, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	s, err := e.storedSMTP(ctx)
	if err != nil || s == nil {
		return &SMTPSettings{Security: SMTPStartTLS, Port: 587, AllowedRecipients: []string{}}, err
	}
	return masked(s), nil
}

// SetSMTPSettings replaces the settings (admins only). A password equal to the mask keeps the
// stored one; ifMatch, when not 0, is the version the admin read.
func (e *Engine) SetSMTPSettings(ctx context.Context, by *Actor, in *SMTPSettings, ifMatch int64) (*SMTPSettings, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	old, err := e.storedSMTP(ctx)
	if err != nil {
		return nil, err
	}
	s := *in
	s.Host, s.FromAddress, s.AppURL = strings.TrimSpace(s.Host), strings.TrimSpace(s.FromAddress), strings.TrimRight(strings.TrimSpace(s.AppURL), "/")
	if s.AllowedRecipients == nil {
		s.AllowedRecipients = []string{}
	}
	for i, a := range s.AllowedRecipients {
		s.AllowedRecipients[i] = strings.ToLower(strings.TrimSpace(a))
	}
	if s.Password == PasswordMask {
		s.Password = ""
		if old != nil {
			s.Password = old.Password
		}
	}
	if err := checkSMTPSettings(&s); err != nil {
		return nil, err
	}
	var version int64
	if old != nil {
		version = old.Version
	}
	if ifMatch != 0 && ifMatch != version {
		return nil, storeErr(store.ErrVersionConflict)
	}
	doc := store.Doc{"id": smtpID, "host": s.Host, "port": s.Port, "security": s.Security, "from_address": s.FromAddress,
		"allowed_recipients": toStoreKinds(anyList(s.AllowedRecipients))}
	setOrDelete(doc, "username", s.Username)
	setOrDelete(doc, "password", s.Password)
	setOrDelete(doc, "from_name", s.FromName)
	setOrDelete(doc, "app_url", s.AppURL)
	if old != nil {
		err = e.store.Replace(ctx, collSMTP, doc, old.Version)
	} else {
		err = e.store.Insert(ctx, collSMTP, doc)
		if errors.Is(err, store.ErrDuplicateID) {
			err = store.ErrVersionConflict
		}
	}
	if err != nil {
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "smtp_settings_saved", Object: "smtp", Record: smtpID})
	s.Version = version + 1
	return masked(&s), nil
}

// TestSMTP sends a test email to one address with the stored settings, at once (not through the
// outbox), and answers the SMTP server's error text when it fails.
func (e *Engine) TestSMTP(ctx context.Context, by *Actor, to string) error {
	if !by.IsAdmin() {
		return ErrForbidden
	}
	to = strings.TrimSpace(to)
	if err := checkAddress("/to", to); err != nil {
		return err
	}
	s, err := e.storedSMTP(ctx)
	if err != nil {
		return err
	}
	if !s.configured() {
		return errorf(KindConflict, "smtp_not_configured", "save the SMTP settings first")
	}
	m := &outMessage{ID: newID(), From: s.FromAddress, FromName: s.FromName, To: []string{to},
		Subject: "CRM test email / 测试邮件",
		Text:    "This is a test email from the CRM: the SMTP settings work.\n\n这是一封来自 CRM 的测试邮件：SMTP 设置可用。\n",
		At:      e.now()}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := e.sendSMTP(ctx, s, m, nil); err != nil {
		return &Error{Kind: KindValidation, Code: "smtp_failed", Message: err.Error()}
	}
	e.audit(ctx, by, auditEntry{Action: "smtp_test_sent", Object: "smtp", Record: smtpID, Email: to})
	return nil
}

// loopbackHost tells whether a host is this machine: localhost, 127.0.0.0/8 or ::1.
func loopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
