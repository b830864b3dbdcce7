package api_test

import (
	"net/url"
	"strings"
	"testing"

	"crm/internal/testenv"
)

// TestConvertUsesExistingRecords: a lead of a company we have is converted into the account and
// the contact that exist (as the duplicate rules find them) instead of new ones; a choice that is
// not the action's to use is refused and nothing runs; who may not see the lead learns nothing.
func TestConvertUsesExistingRecords(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := templateHarness(t, b, newTestClock())
		lin := h.as("lin")
		find := func(object, filter string) string {
			r := h.mustDo(200, "GET", "/api/records/"+object+"?filter="+url.QueryEscape(filter), "")
			items := r.JSON["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("%s %s: %s", object, filter, r.Text)
			}
			return items[0].(map[string]any)["id"].(string)
		}
		acme, amy := find("account", `name = "Acme Software"`), find("contact", `email = "amy@acme.example.com"`)
		lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Acme Software Co., Ltd.","contact_name":"Amy Zhang",
		  "email":"amy@acme.example.com","status":"qualified"}`).JSON["id"].(string) // the rules give it to someone
		// Who may not see the lead is told nothing of it nor of what it would match.
		h.mustDo(404, "GET", "/api/records/lead/"+lead+"/automations/convert_lead/matches", "", lin...)
		base := "/api/records/lead/" + lead + "/automations/convert_lead"

		// The record offers Convert while its condition holds, and nothing once converted.
		offered := "/api/records/lead/" + lead + "/automations"
		if r := h.mustDo(200, "GET", offered, ""); !strings.Contains(r.Text, `{"name":"convert_lead","label":"Convert"}`) {
			t.Errorf("a qualified lead does not offer Convert: %s", r.Text)
		}
		h.mustDo(404, "GET", offered, "", lin...)

		m := h.mustDo(200, "GET", base+"/matches", "")
		for _, want := range []string{`"as":"account"`, `"id":"` + acme + `"`, `"as":"contact"`, `"id":"` + amy + `"`, `"title":"Amy Zhang"`, `"as":"opportunity"`} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("matches lack %s: %s", want, m.Text)
			}
		}
		accounts, contacts := h.count("account"), h.count("contact")
		for _, bad := range []string{`{"use":{"acount":"` + acme + `"}}`, `{"use":{"account":"nope"}}`, `{"use":{"account":"` + amy + `"}}`} {
			r := h.mustDo(422, "POST", base, bad)
			if !strings.Contains(r.Text, `"invalid_use"`) {
				t.Errorf("%s: %s", bad, r.Text)
			}
		}
		if s := h.mustDo(200, "GET", "/api/records/lead/"+lead, "").JSON["status"]; s != "qualified" {
			t.Fatalf("a refused run changed the lead: %v", s)
		}

		h.mustDo(200, "POST", base, `{"use":{"account":"`+acme+`","contact":"`+amy+`"}}`)
		got := h.mustDo(200, "GET", "/api/records/lead/"+lead, "").JSON
		if got["status"] != "converted" || got["converted_account"] != acme || got["converted_contact"] != amy {
			t.Fatalf("converted lead: %v", got)
		}
		if r := h.mustDo(200, "GET", offered, ""); r.Text != `{"items":[]}` {
			t.Errorf("a converted lead still offers: %s", r.Text)
		}
		if a, c := h.count("account"), h.count("contact"); a != accounts || c != contacts {
			t.Errorf("accounts %d -> %d, contacts %d -> %d: new ones were made", accounts, a, contacts, c)
		}
		opp := h.mustDo(200, "GET", "/api/records/opportunity/"+got["converted_opportunity"].(string), "").JSON
		if opp["account"] != acme || opp["contact"] != amy {
			t.Errorf("the new opportunity links %v and %v", opp["account"], opp["contact"])
		}
	})
}
