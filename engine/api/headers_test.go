package api_test

import (
	"strings"
	"testing"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

// TestSecurityHeaders: every answer, JSON, error or the app's page, carries the protective
// headers; HSTS only when the server is configured as served over TLS.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newHarnessOn(t, testenv.OpenSQLite(t))
	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
		"Content-Security-Policy": "frame-ancestors 'none'",
	}
	for _, req := range []struct{ method, url, auth string }{
		{"GET", "/api/health", ""},
		{"GET", "/api/meta/objects", "Bearer nope"}, // 401
		{"GET", "/api/nothing", ""},                 // 404
		{"POST", "/api/auth/login", ""},             // 400
		{"GET", "/", ""},                            // the app
	} {
		r := h.do(req.method, req.url, "", "Authorization", req.auth)
		for k, v := range want {
			if got := r.Header.Get(k); !strings.Contains(got, v) {
				t.Errorf("%s %s (%d): %s = %q, want %q", req.method, req.url, r.Status, k, got, v)
			}
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self' 'unsafe-inline'") {
			t.Errorf("%s CSP %q", req.url, csp)
		}
		if hsts := r.Header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("%s: HSTS %q without TLS", req.url, hsts)
		}
	}

	secure := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{}, api.Config{SecureCookie: true})
	r := secure.mustDo(200, "GET", "/api/health", "")
	if hsts := r.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=31536000") {
		t.Errorf("HSTS behind TLS: %q", hsts)
	}
	l := secure.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "")
	if c := strings.Join(l.Header["Set-Cookie"], "\n"); strings.Count(strings.ToLower(c), "secure") != 2 {
		t.Errorf("both cookies Secure: %s", c)
	}
}
