package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/internal/testenv"
	"crm/templates"
)

const leadMailTemplate = `{"name":"lead_hello","object":"lead",
 "subject":{"en":"Hello {{company}}","zh-CN":"您好 {{company}}"},
 "html":{"en":"<p>Dear {{company}} of {{account.name}}, stage {{stage}}: <a href=\"{{record_url}}\">open</a></p>","zh-CN":"<p>{{company}}（{{account.name}}）</p>"},
 "text":{"en":"Dear {{company}} of {{account.name}}\n{{record_url}}","zh-CN":"{{company}}（{{account.name}}）"}}`

// TestEmailSMTPSettings: admins set SMTP; the password is masked on read and kept when the mask
// comes back; bad input is refused with its code and changes nothing; the test email reaches a
// real SMTP server, and an authentication failure answers the server's text.
func TestEmailSMTPSettings(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		srv := newSMTPServer(t, "mailer", "s3cret", false)
		h := newHarness(t, b)
		h.mustDo(403, "GET", "/api/admin/smtp", "", "Authorization", "Bearer "+h.userToken)
		if r := h.mustDo(200, "GET", "/api/admin/smtp", ""); r.JSON["host"] != "" || r.JSON["security"] != "starttls" {
			t.Fatalf("defaults: %s", r.Text)
		}
		h.mustDo(409, "POST", "/api/admin/smtp/test", `{"to":"ops@example.com"}`)
		for _, c := range []struct{ body, code, ptr string }{
			{strings.Replace(srv.settings("none", "s3cret"), `"from_name":"CRM 系统"`, `"from_name":"CRM\r\nBcc: victim@example.com"`, 1), "header_injection", "/from_name"},
			{strings.Replace(srv.settings("none", "s3cret"), `"crm@example.com"`, `"not an address"`, 1), "invalid_email", "/from_address"},
			{strings.Replace(srv.settings("none", "s3cret"), `"crm@example.com"`, `"crm@example.com\r\nBcc: x@example.com"`, 1), "header_injection", "/from_address"},
			{strings.Replace(srv.settings("none", "s3cret"), `"none"`, `"ssl3"`, 1), "invalid_smtp_settings", "/security"},
		} {
			r := h.mustDo(422, "PUT", "/api/admin/smtp", c.body)
			if !strings.Contains(r.Text, `"code":"`+c.code+`"`) || !strings.Contains(r.Text, `"pointer":"`+c.ptr+`"`) {
				t.Errorf("%s: %s", c.code, r.Text)
			}
		}
		if r := h.mustDo(200, "GET", "/api/admin/smtp", ""); r.JSON["host"] != "" {
			t.Fatalf("a refused save changed the settings: %s", r.Text)
		}
		h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", "s3cret"))
		r := h.mustDo(200, "GET", "/api/admin/smtp", "")
		if r.JSON["password"] != engine.PasswordMask || strings.Contains(r.Text, "s3cret") {
			t.Fatalf("the password is not masked: %s", r.Text)
		}
		// The mask sent back keeps the stored password: the test email authenticates.
		h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", engine.PasswordMask))
		h.mustDo(200, "POST", "/api/admin/smtp/test", `{"to":"ops@example.com"}`)
		got := srv.received()
		if len(got) != 1 || got[0].Auth != "mailer" || got[0].To[0] != "ops@example.com" || got[0].From != "crm@example.com" {
			t.Fatalf("received: %+v", got)
		}
		m := parseMail(t, got[0].Data)
		if !strings.Contains(m.Subject, "测试邮件") || !strings.Contains(m.Text, "SMTP 设置可用") || m.From != "CRM 系统 <crm@example.com>" {
			t.Errorf("the test email: %+v", m)
		}
		h.mustDo(422, "POST", "/api/admin/smtp/test", `{"to":"a@example.com\r\nBcc: b@example.com"}`)
		// A wrong password: the answer carries the server's own words.
		h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", "wrong"))
		r = h.mustDo(422, "POST", "/api/admin/smtp/test", `{"to":"ops@example.com"}`)
		if !strings.Contains(r.Text, `"smtp_failed"`) || !strings.Contains(r.Text, "Authentication credentials invalid") {
			t.Errorf("auth failure: %s", r.Text)
		}
		// Not in an export: a backup carries no mail password.
		exp := h.mustDo(200, "GET", "/api/meta/export", "")
		if strings.Contains(exp.Text, "wrong") || strings.Contains(exp.Text, "smtp") {
			t.Errorf("the package export names the SMTP settings")
		}
	})
}

// TestEmailSTARTTLS: with security starttls the engine upgrades the connection and checks the
// server's certificate against the configured roots; without them the send fails, in words.
func TestEmailSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := newSMTPServer(t, "mailer", "s3cret", true)
	h := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{SMTPRootCAs: srv.roots}, api.Config{})
	h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("starttls", "s3cret"))
	h.mustDo(200, "POST", "/api/admin/smtp/test", `{"to":"ops@example.com"}`)
	if got := srv.received(); len(got) != 1 || !got[0].TLS || got[0].Auth != "mailer" {
		t.Fatalf("received: %+v", got)
	}
	untrusting := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{}, api.Config{})
	untrusting.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("starttls", "s3cret"))
	r := untrusting.mustDo(422, "POST", "/api/admin/smtp/test", `{"to":"ops@example.com"}`)
	if !strings.Contains(r.Text, "STARTTLS") || !strings.Contains(r.Text, "certificate") {
		t.Errorf("an untrusted certificate: %s", r.Text)
	}
	if len(srv.received()) != 1 {
		t.Errorf("a send over an untrusted connection reached the server")
	}
}

// TestEmailTemplates: unknown merge fields are refused with the pointer; the preview fills a
// real record, lookups one level deep, HTML-escaped in the HTML part only.
func TestEmailTemplates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	h.withLead()
	r := h.mustDo(422, "POST", "/api/meta/email-templates", strings.Replace(leadMailTemplate, "{{stage}}", "{{ghost}} {{account.nope}} {{company.name}}", 1))
	for _, want := range []string{`"invalid_definition"`, `"pointer":"/html/en"`, `ghost`, `account.nope`, `company.name`} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("want %s in %s", want, r.Text)
		}
	}
	r = h.mustDo(422, "POST", "/api/meta/email-templates", strings.Replace(leadMailTemplate, `"Hello {{company}}"`, `"Hello\r\nBcc: x@example.com"`, 1))
	if !strings.Contains(r.Text, `"pointer":"/subject/en","code":"header_injection"`) {
		t.Errorf("CRLF in a subject: %s", r.Text)
	}
	h.mustDo(201, "POST", "/api/meta/email-templates", leadMailTemplate)
	if r := h.mustDo(200, "GET", "/api/meta/email-templates/lead_hello", ""); r.JSON["version"] != float64(1) {
		t.Errorf("version: %s", r.Text)
	}
	acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme & <Sons>"}`).JSON["id"].(string)
	lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"<script>alert(1)</script>","stage":"won","account":"`+acc+`"}`).JSON["id"].(string)
	h.mustDo(200, "PUT", "/api/admin/smtp", `{"host":"127.0.0.1","port":25,"security":"none","from_address":"crm@example.com","allowed_recipients":[],"app_url":"https://crm.example.com"}`)
	p := h.mustDo(200, "POST", "/api/meta/email-templates/lead_hello/preview", `{"record":"`+lead+`","locale":"en"}`).JSON
	html, text, subject := p["html"].(string), p["text"].(string), p["subject"].(string)
	if !strings.Contains(html, "Dear &lt;script&gt;alert(1)&lt;/script&gt; of Acme &amp; &lt;Sons&gt;, stage Won") || strings.Contains(html, "<script>") {
		t.Errorf("html: %s", html)
	}
	if !strings.Contains(html, `href="https://crm.example.com/app/lead/`+lead+`"`) {
		t.Errorf("record_url: %s", html)
	}
	if text != "Dear <script>alert(1)</script> of Acme & <Sons>\nhttps://crm.example.com/app/lead/"+lead || subject != "Hello <script>alert(1)</script>" {
		t.Errorf("text %q subject %q", text, subject)
	}
	zh := h.mustDo(200, "POST", "/api/meta/email-templates/lead_hello/preview", `{"record":"`+lead+`","locale":"zh-CN"}`).JSON
	if zh["subject"] != "您好 <script>alert(1)</script>" {
		t.Errorf("zh subject: %v", zh["subject"])
	}
	// A draft previews before it is saved, with the save's checks.
	h.mustDo(422, "POST", "/api/meta/email-templates/lead_hello/preview", `{"record":"`+lead+`","template":{"name":"d","object":"lead","subject":{"en":"{{nope}}"},"text":{"en":"x"}}}`)
	h.mustDo(404, "POST", "/api/meta/email-templates/lead_hello/preview", `{"record":"nope"}`)
	// In the package.
	if exp := h.mustDo(200, "GET", "/api/meta/export", ""); !strings.Contains(exp.Text, `"email_templates"`) || !strings.Contains(exp.Text, "lead_hello") {
		t.Errorf("export: %s", exp.Text[:200])
	}
}

// emailAutomation emails a lead's owner, its email field and an allowed fixed address.
const emailAutomation = `{"name":"hello_mail","object":"lead","trigger":{"type":"created"},
 "actions":[{"type":"email","template":"lead_hello","to":{"owner":true,"fields":["email"],"addresses":["sales@partner.example"]}}]}`

func emailsOf(h *harness, record string) []any {
	h.t.Helper()
	return h.mustDo(200, "GET", "/api/emails?record="+url.QueryEscape(record), "").JSON["items"].([]any)
}

// TestEmailAction: the email action queues the template for the owner, a field and an allowed
// address; a refused authentication fails the attempt with the error visible and retries with
// backoff; once the password is right the email is sent, once, and shows on the record's history.
func TestEmailAction(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		srv := newSMTPServer(t, "mailer", "s3cret", false)
		clock := &apiClock{}
		h := newClockedHarness(t, b, clock)
		ctx := context.Background()
		h.withLead()
		h.mustDo(201, "POST", "/api/meta/email-templates", leadMailTemplate)
		// Bad recipients are refused at save with their codes.
		for code, body := range map[string]string{
			"invalid_email":       strings.Replace(emailAutomation, "sales@partner.example", "sales at partner", 1),
			"header_injection":    strings.Replace(emailAutomation, "sales@partner.example", `sales@partner.example\r\nBcc: x@y.example`, 1),
			"too_many_recipients": strings.Replace(emailAutomation, `"sales@partner.example"`, `"a@partner.example"`+strings.Repeat(`,"a@partner.example"`, 50), 1),
		} {
			if r := h.mustDo(422, "POST", "/api/meta/automations", body); !strings.Contains(r.Text, `"code":"`+code+`"`) {
				t.Errorf("%s: %s", code, r.Text)
			}
		}
		h.mustDo(201, "POST", "/api/meta/automations", emailAutomation)
		h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", "wrong"))
		lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Tom & Jerry","email":"buyer@customer.example"}`).JSON["id"].(string)
		if _, err := h.engine.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		items := emailsOf(h, lead)
		if len(items) != 1 {
			t.Fatalf("emails: %v", items)
		}
		m := items[0].(map[string]any)
		if m["status"] != "failed" || !strings.Contains(m["last_error"].(string), "Authentication credentials invalid") || m["attempts"] != float64(1) {
			t.Fatalf("after a refused login: %v", m)
		}
		to := m["to"].([]any)
		if len(to) != 3 {
			t.Errorf("recipients: %v", to)
		}
		h.mustDo(409, "POST", "/api/emails/"+m["id"].(string)+"/retry", "") // not dead: its retry is planned
		// The next attempt waits for its backoff (5 s).
		clock.Advance(2 * time.Second)
		h.engine.Tick(ctx)
		if m := emailsOf(h, lead)[0].(map[string]any); m["attempts"] != float64(1) {
			t.Fatalf("attempted before its backoff: %v", m)
		}
		srv.setPassword("wrong")
		clock.Advance(5 * time.Second)
		h.engine.Tick(ctx)
		m = emailsOf(h, lead)[0].(map[string]any)
		if m["status"] != "sent" || m["attempts"] != float64(2) {
			t.Fatalf("after the password was right: %v", m)
		}
		clock.Advance(time.Hour)
		h.engine.Tick(ctx)
		got := srv.received()
		if len(got) != 1 {
			t.Fatalf("received %d emails", len(got))
		}
		pm := parseMail(t, got[0].Data)
		if pm.Subject != "Hello Tom & Jerry" || !strings.Contains(pm.HTML, "Dear Tom &amp; Jerry of ,") || !strings.Contains(pm.Text, "Dear Tom & Jerry of \nhttps://crm.example.com/app/lead/"+lead) {
			t.Errorf("received: %+v", pm)
		}
		if strings.Join(got[0].To, " ") != strings.Join([]string{"buyer@customer.example", "sales@partner.example", "admin@example.com"}, " ") {
			t.Errorf("to: %v", got[0].To)
		}
		hist := h.mustDo(200, "GET", "/api/records/lead/"+lead+"/history", "")
		if !strings.Contains(hist.Text, `"action":"email_sent"`) || !strings.Contains(hist.Text, "Hello Tom \\u0026 Jerry") && !strings.Contains(hist.Text, "Hello Tom & Jerry") {
			t.Errorf("history: %s", hist.Text)
		}
		h.mustDo(200, "GET", "/api/emails?status=sent", "")
		h.mustDo(400, "GET", "/api/emails?status=nope", "")
		h.mustDo(403, "GET", "/api/emails", "", "Authorization", "Bearer "+h.userToken)
		// A fixed address the admin did not allow: the run fails and says why; nothing is queued.
		h.mustDo(200, "PUT", "/api/meta/automations/hello_mail", strings.Replace(emailAutomation, "sales@partner.example", "someone@elsewhere.example", 1))
		other := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Other"}`).JSON["id"].(string)
		if runs := h.mustDo(200, "GET", "/api/records/lead/"+other+"/runs", ""); !strings.Contains(runs.Text, "not on the SMTP settings' allowed recipients") {
			t.Errorf("runs: %s", runs.Text)
		}
		if n := len(emailsOf(h, other)); n != 0 {
			t.Errorf("%d emails queued to a refused address", n)
		}
	})
}

// TestEmailOutboxSurvivesRestart: an email queued by a process that stops before sending it is
// sent once by the next process on the same database; an email a process was handing over when
// it stopped is marked uncertain and never sent by itself, until an admin retries it.
func TestEmailOutboxSurvivesRestart(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		srv := newSMTPServer(t, "", "", false)
		var stores []store.Store
		dir := t.TempDir()
		if b.Name == "sqlite" {
			st, err := sqlite.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			stores = []store.Store{st}
		} else {
			stores = b.OpenShared(t, 2)
		}
		clock := &apiClock{}
		clock.ns.Store(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC).UnixNano())
		h := newHarnessWith(t, stores[0], engine.Config{Clock: clock.Now}, api.Config{})
		h.withLead()
		h.mustDo(201, "POST", "/api/meta/email-templates", leadMailTemplate)
		h.mustDo(201, "POST", "/api/meta/automations", strings.Replace(emailAutomation, `,"fields":["email"],"addresses":["sales@partner.example"]`, "", 1))
		h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", ""))
		lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Queued"}`).JSON["id"].(string)
		lead2 := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Handed over"}`).JSON["id"].(string)
		ids := map[string]string{}
		for _, l := range []string{lead, lead2} {
			ids[l] = emailsOf(h, l)[0].(map[string]any)["id"].(string)
		}
		// The second was being handed over when the process died.
		ctx := context.Background()
		d, err := stores[0].Get(ctx, "email_outbox", ids[lead2])
		if err != nil {
			t.Fatal(err)
		}
		v := d["version"].(int64)
		delete(d, "version")
		d["status"] = "sending"
		if err := stores[0].Replace(ctx, "email_outbox", d, v); err != nil {
			t.Fatal(err)
		}
		// The process stops without ticking; another starts on the same database.
		var st2 store.Store
		if b.Name == "sqlite" {
			if err := stores[0].Close(); err != nil {
				t.Fatal(err)
			}
			s, err := sqlite.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			st2 = s
		} else {
			st2 = stores[1]
		}
		e2, err := engine.New(ctx, engine.Config{Store: st2, Logger: quiet, Clock: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := e2.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
		}
		got := srv.received()
		if len(got) != 1 || parseMail(t, got[0].Data).Subject != "Hello Queued" {
			t.Fatalf("received %d: %+v", len(got), got)
		}
		admin := engine.SystemActor
		list, err := e2.ListEmails(ctx, admin, lead2, "", 10)
		if err != nil || len(list) != 1 || list[0].Status != "uncertain" {
			t.Fatalf("the handed-over email: %+v %v", list, err)
		}
		if _, err := e2.RetryEmail(ctx, admin, ids[lead2]); err != nil {
			t.Fatal(err)
		}
		e2.Tick(ctx)
		if n := len(srv.received()); n != 2 {
			t.Errorf("after the retry of the uncertain one: %d received", n)
		}
	})
}

// TestEmailWebLeadEndToEnd: a visitor posts the default template's website form; the lead is
// assigned by the template's rules and its owner gets the "new web lead" email.
func TestEmailWebLeadEndToEnd(t *testing.T) {
	t.Parallel()
	srv := newSMTPServer(t, "mailer", "s3cret", false)
	clock := newTestClock()
	h := templateHarness(t, testenv.Backends()[0], clock)
	h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", "s3cret"))
	page := h.mustDo(200, "GET", "/f/website_enquiry", "", "Authorization", "")
	token := tokenRE.FindStringSubmatch(page.Text)[1]
	clock.Advance(10 * time.Second)
	v := url.Values{"_token": {token}, "company": {"北方制造 <有限公司>"}, "contact_name": {"赵强"}, "email": {"zhao.qiang@north.example"},
		"region": {"north"}, "industry": {"manufacturing"}, "message": {"想了解报价 & 交期"}}
	if r := formPost(h, "/api/public/forms/website_enquiry?lang=zh-CN", v); r.Status != 200 {
		t.Fatalf("submission: %d %s", r.Status, r.Text)
	}
	leads := h.mustDo(200, "GET", "/api/records/lead?filter="+url.QueryEscape(`email = "zhao.qiang@north.example"`), "").JSON["items"].([]any)
	l := leads[0].(map[string]any)
	owner := h.mustDo(200, "GET", "/api/users/"+l["owner"].(string), "").JSON
	if _, err := h.engine.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != owner["email"] {
		t.Fatalf("received %+v; the owner is %v", got, owner["email"])
	}
	m := parseMail(t, got[0].Data)
	if !strings.Contains(m.Subject, "北方制造 <有限公司>") || !strings.Contains(m.HTML, "北方制造 &lt;有限公司&gt;") || !strings.Contains(m.Text, "想了解报价 & 交期") {
		t.Errorf("the email: %+v", m)
	}
	t.Logf("owner %v got %q", owner["email"], m.Subject)
}

// TestEmailNotificationPreference: a user who asks for notifications by email gets each one as
// an email too; the others get them in the app only.
func TestEmailNotificationPreference(t *testing.T) {
	t.Parallel()
	srv := newSMTPServer(t, "", "", false)
	h := newHarness(t, testenv.Backends()[0])
	h.withLead()
	h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", ""))
	me := h.mustDo(200, "PATCH", "/api/auth/me", `{"email_notifications":true}`)
	if me.JSON["email_notifications"] != true {
		t.Fatalf("me: %s", me.Text)
	}
	if again := h.mustDo(200, "GET", "/api/auth/me", ""); again.JSON["email_notifications"] != true {
		t.Fatalf("not kept: %s", again.Text)
	}
	h.mustDo(201, "POST", "/api/meta/automations", `{"name":"tell","object":"lead","trigger":{"type":"created"},
	 "actions":[{"type":"notify","to":{"owner":true},"title":{"en":"New lead {{company}}","zh-CN":"新线索 {{company}}"}}]}`)
	h.mustDo(201, "POST", "/api/records/lead", `{"company":"Mine"}`)
	h.mustDo(201, "POST", "/api/records/lead", `{"company":"Theirs"}`, "Authorization", "Bearer "+h.userToken)
	h.engine.Tick(context.Background())
	got := srv.received()
	if len(got) != 1 || got[0].To[0] != "admin@example.com" || parseMail(t, got[0].Data).Subject != "New lead Mine" {
		t.Fatalf("received: %+v", got)
	}
}

// TestTemplateEmailTemplates: the default template ships its email templates and they are valid.
func TestTemplateEmailTemplates(t *testing.T) {
	t.Parallel()
	body, err := templates.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"new_web_lead", "lead_follow_up_reminder", "ticket_sla_breach"} {
		if !strings.Contains(string(body), `"`+want+`"`) {
			t.Errorf("the template has no %s", want)
		}
	}
}
