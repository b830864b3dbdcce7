package api_test

import (
	"context"
	"strings"
	"testing"

	"crm/internal/testenv"
)

// TestEmailRecipientFieldSecurity: an email action's user recipients each get the template
// filled with what their role may see: a field hidden from a rep renders empty in the rep's
// email, while the admin's email, and the one to an address from the record, show it.
func TestEmailRecipientFieldSecurity(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		srv := newSMTPServer(t, "", "", false)
		h := newHarness(t, b)
		h.withLead()
		h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"lead":{"stage":"hidden"},"account":{"name":"hidden"}}}`)
		h.mustDo(201, "POST", "/api/meta/email-templates", fieldTemplate)
		h.mustDo(200, "PUT", "/api/admin/smtp", srv.settings("none", ""))
		admin := h.mustDo(200, "GET", "/api/auth/me", "").JSON["id"].(string)
		h.mustDo(201, "POST", "/api/meta/automations", `{"name":"secret_mail","object":"lead","trigger":{"type":"created"},
		 "actions":[{"type":"email","template":"lead_secret","to":{"owner":true,"users":["`+admin+`"],"fields":["email"]}}]}`)
		rep := h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "Bearer "+h.userToken).JSON["id"].(string)
		acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Secret Account"}`).JSON["id"].(string)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Rep Co","stage":"won","account":"`+acc+`","email":"buyer@customer.example","owner":"`+rep+`"}`)
		if _, err := h.engine.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := srv.received()
		byTo := map[string]string{}
		for _, m := range got {
			text := parseMail(t, m.Data).Text
			for _, to := range m.To {
				byTo[to] = text
			}
		}
		if len(byTo) != 3 {
			t.Fatalf("received: %+v", got)
		}
		if got := strings.TrimSpace(byTo["rep@example.com"]); got != "company=Rep Co stage= account=" {
			t.Errorf("the rep's email shows hidden fields: %q", got)
		}
		for _, to := range []string{"admin@example.com", "buyer@customer.example"} {
			if got := strings.TrimSpace(byTo[to]); got != "company=Rep Co stage=Won account=Secret Account" {
				t.Errorf("%s: %q", to, got)
			}
		}
	})
}
