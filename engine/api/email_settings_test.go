package api_test

import (
	"strings"
	"testing"

	"crm/internal/testenv"
)

// TestEmailSMTPInsecureAuth: credentials are not sent in plain text to a remote host: with
// security none they are refused unless the host is a loopback address.
func TestEmailSMTPInsecureAuth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	body := func(host, user, pass string) string {
		return `{"host":"` + host + `","port":25,"security":"none","username":"` + user + `","password":"` + pass +
			`","from_address":"crm@example.com","allowed_recipients":[]}`
	}
	for _, c := range []struct{ host, user, pass string }{
		{"smtp.example.com", "mailer", "s3cret"}, {"smtp.example.com", "mailer", ""}, {"smtp.example.com", "", "s3cret"}, {"10.0.0.5", "mailer", "s3cret"},
	} {
		r := h.mustDo(422, "PUT", "/api/admin/smtp", body(c.host, c.user, c.pass))
		if !strings.Contains(r.Text, `"code":"smtp_insecure_auth"`) || !strings.Contains(r.Text, "STARTTLS") {
			t.Errorf("%+v: %s", c, r.Text)
		}
	}
	if r := h.mustDo(200, "GET", "/api/admin/smtp", ""); r.JSON["host"] != "" {
		t.Fatalf("a refused save changed the settings: %s", r.Text)
	}
	for _, host := range []string{"127.0.0.1", "127.1.2.3", "localhost"} {
		h.mustDo(200, "PUT", "/api/admin/smtp", body(host, "mailer", "s3cret"))
	}
	h.mustDo(200, "PUT", "/api/admin/smtp", body("smtp.example.com", "", ""))
	h.mustDo(200, "PUT", "/api/admin/smtp", strings.Replace(body("smtp.example.com", "mailer", "s3cret"), `"none"`, `"starttls"`, 1))
}
