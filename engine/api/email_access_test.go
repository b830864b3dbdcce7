package api_test

import (
	"strings"
	"testing"
)

// fieldTemplate names a field (stage) and a lookup's field (account.name) that the tests below
// hide from a role.
const fieldTemplate = `{"name":"lead_secret","object":"lead","subject":{"en":"Lead {{company}}"},
 "text":{"en":"company={{company}} stage={{stage}} account={{account.name}}"}}`

// TestEmailPreviewReadsAsCaller: an analyst previews a template only against a record they may
// read (another's record answers 404 record_not_found, as a read does), and the fields hidden from
// their role, on the record and through a lookup, render empty.
func TestEmailPreviewReadsAsCaller(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(200, "PUT", "/api/roles/analyst", `{"define":true,"objects":{"*":{"create":true,"read":true,"edit":true,"delete":true}},"fields":{"lead":{"stage":"hidden"},"account":{"name":"hidden"}}}`)
		analyst := h.ensureUser("ann@example.com", []string{"analyst"})
		as := []string{"Authorization", "Bearer " + analyst}
		h.mustDo(201, "POST", "/api/meta/email-templates", fieldTemplate)
		acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Secret Account"}`).JSON["id"].(string)
		adminLead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Admin Co","stage":"won","account":"`+acc+`"}`).JSON["id"].(string)
		// The admin's own lead is not shared with the analyst: a preview is a read.
		h.mustDo(404, "GET", "/api/records/lead/"+adminLead, "", as...)
		r := h.mustDo(404, "POST", "/api/meta/email-templates/lead_secret/preview", `{"record":"`+adminLead+`","locale":"en"}`, as...)
		if !strings.Contains(r.Text, `"record_not_found"`) || strings.Contains(r.Text, "Admin Co") {
			t.Errorf("a record the analyst may not read: %s", r.Text)
		}
		// Their own lead: the hidden stage and the account's hidden name render empty.
		ann := h.mustDo(200, "GET", "/api/auth/me", "", as...).JSON["id"].(string)
		annAcc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Secret Account","owner":"`+ann+`"}`).JSON["id"].(string)
		mine := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Ann Co","stage":"won","account":"`+annAcc+`","owner":"`+ann+`"}`).JSON["id"].(string)
		if r := h.mustDo(200, "GET", "/api/records/account/"+annAcc, "", as...); strings.Contains(r.Text, "Secret") {
			t.Fatalf("the analyst reads the hidden name: %s", r.Text)
		}
		p := h.mustDo(200, "POST", "/api/meta/email-templates/lead_secret/preview", `{"record":"`+mine+`","locale":"en"}`, as...)
		if p.JSON["text"] != "company=Ann Co stage= account=" {
			t.Errorf("the analyst's preview: %s", p.Text)
		}
		// The admin sees everything.
		p = h.mustDo(200, "POST", "/api/meta/email-templates/lead_secret/preview", `{"record":"`+mine+`","locale":"en"}`)
		if p.JSON["text"] != "company=Ann Co stage=Won account=Secret Account" {
			t.Errorf("the admin's preview: %s", p.Text)
		}
	})
}

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
