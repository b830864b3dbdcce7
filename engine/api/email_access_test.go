package api_test

import (
	"strings"
	"testing"
)

// TestEmailOutboxAdminsOnly: the outbox holds emails rendered for records; analysts may neither
// list nor retry them.
func TestEmailOutboxAdminsOnly(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		analyst := h.ensureUser("ann@example.com", []string{"analyst"})
		as := []string{"Authorization", "Bearer " + analyst}
		for _, c := range []struct{ method, url string }{{"GET", "/api/emails"}, {"GET", "/api/emails?status=sent"}, {"POST", "/api/emails/e1/retry"}} {
			if r := h.mustDo(403, c.method, c.url, "", as...); !strings.Contains(r.Text, `"forbidden"`) {
				t.Errorf("%s %s: %s", c.method, c.url, r.Text)
			}
		}
		h.mustDo(200, "GET", "/api/emails", "")
		h.mustDo(404, "POST", "/api/emails/e1/retry", "")
	})
}
