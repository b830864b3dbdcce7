package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// cookieLogin signs in like the browser does and returns the session and CSRF cookie values.
func (h *harness) cookieLogin(email, password string) (session, csrf string) {
	h.t.Helper()
	r := h.mustDo(200, "POST", "/api/auth/login", loginBody(email, password), "Authorization", "")
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		switch c.Name {
		case "crm_session":
			session = c.Value
			if !c.HttpOnly {
				h.t.Errorf("the session cookie is readable by scripts")
			}
		case "crm_csrf":
			csrf = c.Value
			if c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				h.t.Errorf("crm_csrf must be readable by the app and same-site: %v", c)
			}
		}
	}
	if session == "" || csrf == "" {
		h.t.Fatalf("login set no session or CSRF cookie: %v", r.Header["Set-Cookie"])
	}
	return session, csrf
}

// TestCSRF: a change authenticated by the session cookie needs the X-CSRF-Token header that
// matches the crm_csrf cookie; reads and Bearer requests do not.
func TestCSRF(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		session, csrf := h.cookieLogin("rep@example.com", "password-123")
		_, otherCSRF := h.cookieLogin("admin@example.com", "password-123")
		jar := "crm_session=" + session + "; crm_csrf=" + csrf
		cookie := func(extra ...string) []string {
			return append([]string{"Authorization", "", "Cookie", jar}, extra...)
		}
		lead := `{"company":"Cookie Co"}`
		runScenarios(t, h, []scenario{
			{Name: "cookie read needs no token", Method: "GET", URL: "/api/records/lead", Headers: cookie(), ExpectedStatus: 200},
			{Name: "cookie create without the header", Method: "POST", URL: "/api/records/lead", Body: lead, Headers: cookie(),
				ExpectedStatus: 403, ExpectedContent: []string{`"csrf_failed"`}, Unchanged: snapshot("lead")},
			{Name: "cookie create with another session's token", Method: "POST", URL: "/api/records/lead", Body: lead,
				Headers: cookie("X-CSRF-Token", otherCSRF), ExpectedStatus: 403, ExpectedContent: []string{`"csrf_failed"`}, Unchanged: snapshot("lead")},
			{Name: "cookie create sent from another site", Method: "POST", URL: "/api/records/lead", Body: lead,
				Headers: cookie("X-CSRF-Token", csrf, "Sec-Fetch-Site", "cross-site"), ExpectedStatus: 403, ExpectedContent: []string{`"csrf_failed"`}, Unchanged: snapshot("lead")},
			{Name: "cookie delete without the header", Method: "DELETE", URL: "/api/auth/tokens/x", Headers: cookie(),
				ExpectedStatus: 403, ExpectedContent: []string{`"csrf_failed"`}},
			{Name: "cookie logout without the header", Method: "POST", URL: "/api/auth/logout", Headers: cookie(),
				ExpectedStatus: 403, ExpectedContent: []string{`"csrf_failed"`}},
			{Name: "cookie create with the header", Method: "POST", URL: "/api/records/lead", Body: lead,
				Headers: cookie("X-CSRF-Token", csrf, "Sec-Fetch-Site", "same-origin"), ExpectedStatus: 201, ExpectedContent: []string{`"Cookie Co"`}},
			{Name: "bearer needs no header", Method: "POST", URL: "/api/records/lead", Body: `{"company":"Bearer Co"}`,
				Headers: []string{"Authorization", "Bearer " + h.userToken, "Cookie", jar}, ExpectedStatus: 201},
		})
		h.t = t
		h.mustDo(200, "GET", "/api/auth/me", "", cookie()...) // the failed logout left the session alone
		h.mustDo(204, "POST", "/api/auth/logout", "", cookie("X-CSRF-Token", csrf)...)
		h.mustDo(401, "GET", "/api/auth/me", "", cookie()...)

		// A session from before the CSRF cookie gets one on its next read.
		session, _ = h.cookieLogin("rep@example.com", "password-123")
		r := h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "", "Cookie", "crm_session="+session)
		if !strings.Contains(strings.Join(r.Header["Set-Cookie"], "\n"), "crm_csrf=") {
			t.Errorf("no crm_csrf cookie handed out: %v", r.Header["Set-Cookie"])
		}
	})
}
