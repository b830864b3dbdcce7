package api_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

const leadWebForm = `{"name":"enquiry","label":{"en":"Talk to us","zh-CN":"联系我们"},"object":"lead","enabled":true,
 "fields":[{"field":"company","help":{"en":"Your company's name"}},{"field":"email","required":true},{"field":"stage"},{"field":"tags"}],
 "hidden":{"hot":true},"capture":{"utm_source":"notes","referrer":"website"},
 "thank_you":{"en":"Thanks, we will call you.","zh-CN":"谢谢，我们会联系您。"},"origins":["https://www.example.com"]}`

var tokenRE = regexp.MustCompile(`name="_token" value="([^"]+)"`)

// anonymous posts a form as a browser would, without a session.
func formPost(h *harness, path string, v url.Values, headers ...string) response {
	h.t.Helper()
	return h.do("POST", path, v.Encode(), append([]string{"Authorization", "", "Content-Type", "application/x-www-form-urlencoded"}, headers...)...)
}

func pageToken(h *harness, name string) string {
	h.t.Helper()
	page := h.mustDo(200, "GET", "/f/"+name+"?utm_source=newsletter", "", "Authorization", "")
	m := tokenRE.FindStringSubmatch(page.Text)
	if m == nil {
		h.t.Fatalf("no token on the page: %s", page.Text)
	}
	return m[1]
}

// TestWebForms: a visitor's submission goes through the whole pipeline as the form's actor
// (assignment, duplicate rules, validation), with nothing but what the form names; spam is
// refused and counted; nothing internal reaches the visitor.
func TestWebForms(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		h := newHarnessWith(t, b.Open(t), engine.Config{Clock: clock.Now, WebForms: engine.WebFormLimits{PerAddress: 100}}, api.Config{})
		h.withLead()
		users := h.mustDo(200, "GET", "/api/users", "")
		var rep string
		for _, u := range users.JSON["items"].([]any) {
			if m := u.(map[string]any); m["email"] == "rep@example.com" {
				rep = m["id"].(string)
			}
		}
		h.mustDo(200, "PUT", "/api/meta/assignment-rules/lead", `{"rules":[{"name":"web","condition":"hot","target":{"type":"user","user":"`+rep+`"}}]}`)
		h.mustDo(200, "PUT", "/api/meta/duplicate-rules/lead", `{"object":"lead","rules":[{"name":"email","action":"block","conditions":[{"field":"email","match":"email"}]}]}`)

		// Save: every problem at once; a lookup, an unknown field, a bad origin, a bad fixed value.
		bad := h.mustDo(422, "POST", "/api/meta/web-forms", `{"name":"bad","object":"lead","fields":[{"field":"account"},{"field":"ghost"}],
		 "hidden":{"stage":"nope"},"capture":{"utm_x":"notes"},"origins":["https://a.example.com/path"],"redirect":"javascript:alert(1)"}`)
		for _, want := range []string{`"/fields/0/field"`, `"/fields/1/field"`, `"/hidden/stage"`, `"/capture/utm_x"`, `"/origins/0"`, `"/redirect"`} {
			if !strings.Contains(bad.Text, want) {
				t.Errorf("the refusal lacks %s: %s", want, bad.Text)
			}
		}
		h.mustDo(403, "POST", "/api/meta/web-forms", leadWebForm, "Authorization", "Bearer "+h.userToken)
		h.mustDo(201, "POST", "/api/meta/web-forms", leadWebForm)

		// The page: in the visitor's language, with the token and the trap, framed only by its site.
		page := h.mustDo(200, "GET", "/f/enquiry?lang=zh-CN", "", "Authorization", "")
		for _, want := range []string{"联系我们", `name="_token"`, `name="website_url"`, `name="company"`, "赢单", "Your company&#39;s name"} {
			if !strings.Contains(page.Text, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' https://www.example.com") {
			t.Errorf("CSP %q", csp)
		}
		if xfo := page.Header.Get("X-Frame-Options"); xfo != "" {
			t.Errorf("X-Frame-Options %q on a form its site may embed", xfo)
		}
		h.mustDo(404, "GET", "/f/ghost", "", "Authorization", "")
		h.mustDo(404, "POST", "/api/public/forms/ghost", `{}`, "Authorization", "")

		token := pageToken(h, "enquiry")
		fill := url.Values{"_token": {token}, "company": {"Acme"}, "email": {"buyer@acme.example"}, "stage": {"won"},
			"tags": {"vip", "partner"}, "_capture_utm_source": {"newsletter"}, "_capture_referrer": {"https://www.example.com/pricing"},
			"amount": {"999"}, "owner": {"someone"}, "account": {"x"}, "hot": {"false"}}

		// Sent sooner than a person fills a form: refused, nothing written.
		if r := formPost(h, "/api/public/forms/enquiry", fill); r.Status != 400 || !strings.Contains(r.Text, "quicker than a person") {
			t.Errorf("an instant submission: %d %s", r.Status, r.Text)
		}
		clock.Advance(5 * time.Second)
		// A bad email: the page again, with what was typed and the field's problem.
		wrong := url.Values{"_token": {token}, "company": {"Acme"}, "email": {"not-an-email"}}
		if r := formPost(h, "/api/public/forms/enquiry", wrong); r.Status != 422 || !strings.Contains(r.Text, `value="Acme"`) || !strings.Contains(r.Text, `class="err"`) {
			t.Errorf("an invalid submission: %d %s", r.Status, r.Text)
		}
		if n := h.count("lead"); n != 0 {
			t.Fatalf("%d leads after refusals", n)
		}
		ok := formPost(h, "/api/public/forms/enquiry", fill)
		if ok.Status != 200 || !strings.Contains(ok.Text, "Thanks, we will call you.") {
			t.Fatalf("a good submission: %d %s", ok.Status, ok.Text)
		}
		leads := h.mustDo(200, "GET", "/api/records/lead", "").JSON["items"].([]any)
		if len(leads) != 1 {
			t.Fatalf("%d leads", len(leads))
		}
		l := leads[0].(map[string]any)
		if l["owner"] != rep || l["hot"] != true || l["notes"] != "newsletter" || l["website"] != "https://www.example.com/pricing" ||
			l["amount"] != nil || l["account"] != nil || l["stage"] != "won" || len(l["tags"].([]any)) != 2 || l["created_by"] != "webform:enquiry" {
			t.Errorf("the lead: %v", l)
		}

		// The same buyer again: the block rule keeps one lead, and the visitor is told nothing.
		if r := formPost(h, "/api/public/forms/enquiry", fill); r.Status != 200 || !strings.Contains(r.Text, "Thanks") || strings.Contains(r.Text, l["id"].(string)) {
			t.Errorf("a duplicate submission: %d %s", r.Status, r.Text)
		}
		// A bot filling the trap: thanked, not stored.
		trap := url.Values{"_token": {token}, "company": {"Spam"}, "email": {"bot@spam.example"}, "website_url": {"http://spam"}}
		if r := formPost(h, "/api/public/forms/enquiry", trap); r.Status != 200 {
			t.Errorf("a honeypot catch: %d", r.Status)
		}
		// A forged token and an old page.
		forged := url.Values{"_token": {token + "x"}, "company": {"X"}, "email": {"x@x.example"}}
		if r := formPost(h, "/api/public/forms/enquiry", forged); r.Status != 400 {
			t.Errorf("a forged token: %d", r.Status)
		}
		clock.Advance(3 * time.Hour)
		old := url.Values{"_token": {token}, "company": {"Late"}, "email": {"late@x.example"}}
		if r := formPost(h, "/api/public/forms/enquiry", old); r.Status != 400 || !strings.Contains(r.Text, "open too long") {
			t.Errorf("an expired page: %d", r.Status)
		}
		if n := h.count("lead"); n != 1 {
			t.Errorf("%d leads, want 1", n)
		}

		// JSON from the form's own site: CORS for it, an answer without ids.
		token = pageToken(h, "enquiry")
		clock.Advance(5 * time.Second)
		js := h.do("POST", "/api/public/forms/enquiry", `{"token":"`+token+`","values":{"company":"Beta","email":"b@beta.example","tags":["vip"]}}`,
			"Authorization", "", "Origin", "https://www.example.com")
		if js.Status != 200 || js.Header.Get("Access-Control-Allow-Origin") != "https://www.example.com" || strings.Contains(js.Text, "id") {
			t.Errorf("a JSON submission: %d %v %s", js.Status, js.Header, js.Text)
		}
		other := h.do("OPTIONS", "/api/public/forms/enquiry", "", "Authorization", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
		if other.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("CORS for a site the form does not name")
		}

		// A disabled form is gone for the public.
		disabled := strings.Replace(strings.Replace(leadWebForm, `"enabled":true`, `"enabled":false`, 1), `"enquiry"`, `"closed"`, 1)
		h.mustDo(201, "POST", "/api/meta/web-forms", disabled)
		h.mustDo(404, "GET", "/f/closed", "", "Authorization", "")

		// Every outcome is counted, for analysts only.
		h.mustDo(403, "GET", "/api/meta/web-forms/enquiry/stats", "", "Authorization", "Bearer "+h.userToken)
		stats := h.mustDo(200, "GET", "/api/meta/web-forms/enquiry/stats", "").JSON["counts"].(map[string]any)
		want := map[string]float64{"accepted": 2, "web_form_too_fast": 1, "invalid": 1, "duplicate": 1, "honeypot": 1, "web_form_token_invalid": 1, "web_form_expired": 1}
		for k, n := range want {
			if stats[k] != n {
				t.Errorf("count %s = %v, want %v (all: %v)", k, stats[k], n, stats)
			}
		}
	})
}

// TestWebFormRateLimits: a burst from one address is refused with Retry-After once its share
// is spent, counted, and other addresses are not held back by it.
func TestWebFormRateLimits(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	h := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{Clock: clock.Now, WebForms: engine.WebFormLimits{PerAddress: 3, PerForm: 4}},
		api.Config{TrustedProxies: []string{"127.0.0.1"}})
	h.withLead()
	h.mustDo(201, "POST", "/api/meta/web-forms", leadWebForm)
	token := pageToken(h, "enquiry")
	clock.Advance(5 * time.Second)
	send := func(ip string, i int) response {
		v := url.Values{"_token": {token}, "company": {"C"}, "email": {ip + "-" + string(rune('a'+i)) + "@x.example"}}
		return formPost(h, "/api/public/forms/enquiry", v, "X-Forwarded-For", ip)
	}
	for i := 0; i < 3; i++ {
		if r := send("203.0.113.7", i); r.Status != 200 {
			t.Fatalf("submission %d: %d %s", i, r.Status, r.Text)
		}
	}
	r := send("203.0.113.7", 3)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the fourth from one address: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	if r := send("198.51.100.9", 0); r.Status != 200 {
		t.Errorf("another address: %d", r.Status)
	}
	// The form's own share (4 a minute) is spent by now: a third address waits too.
	if r := send("192.0.2.1", 0); r.Status != 429 {
		t.Errorf("past the form's share: %d", r.Status)
	}
	clock.Advance(time.Minute)
	if r := send("203.0.113.7", 5); r.Status != 200 {
		t.Errorf("a minute later: %d", r.Status)
	}
	if n := h.count("lead"); n != 5 {
		t.Errorf("%d leads, want 5", n)
	}
	stats := h.mustDo(200, "GET", "/api/meta/web-forms/enquiry/stats", "").JSON["counts"].(map[string]any)
	if stats["rate_limited"] != 2.0 || stats["accepted"] != 5.0 {
		t.Errorf("counts %v", stats)
	}
}

// TestTemplateWebsiteEnquiry: the default template's "Website enquiry" form, filled in Chinese
// from a campaign link, makes a website lead that the template's rules give to the north team.
func TestTemplateWebsiteEnquiry(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	h := templateHarness(t, testenv.Backends()[0], clock)
	page := h.mustDo(200, "GET", "/f/website_enquiry?utm_source=baidu&utm_campaign=spring", "", "Authorization", "", "Accept-Language", "zh-CN,zh;q=0.9")
	if !strings.Contains(page.Text, "官网咨询") || !strings.Contains(page.Text, "华北") {
		t.Fatalf("the page is not in Chinese: %s", page.Text)
	}
	token := tokenRE.FindStringSubmatch(page.Text)[1]
	clock.Advance(10 * time.Second)
	v := url.Values{"_token": {token}, "company": {"北方制造有限公司"}, "contact_name": {"赵强"}, "email": {"zhao.qiang@north.example"},
		"region": {"north"}, "industry": {"manufacturing"}, "message": {"想了解报价"}, "_capture_utm_source": {"baidu"}, "_capture_utm_campaign": {"spring"}}
	r := formPost(h, "/api/public/forms/website_enquiry?lang=zh-CN", v)
	if r.Status != 200 || !strings.Contains(r.Text, "感谢您的咨询") {
		t.Fatalf("submission: %d %s", r.Status, r.Text)
	}
	leads := h.mustDo(200, "GET", "/api/records/lead?filter="+url.QueryEscape(`email = "zhao.qiang@north.example"`), "").JSON["items"].([]any)
	if len(leads) != 1 {
		t.Fatalf("%d leads", len(leads))
	}
	l := leads[0].(map[string]any)
	li := h.mustDo(200, "GET", "/api/records/lead/"+l["id"].(string), "", h.as("li")...)
	if l["source"] != "website" || l["status"] != "new" || l["utm_source"] != "baidu" || l["utm_campaign"] != "spring" || li.JSON["owner"] != l["owner"] {
		t.Errorf("the lead: %v", l)
	}
}
