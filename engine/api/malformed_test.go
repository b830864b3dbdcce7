package api_test

import (
	"strings"
	"testing"
)

// writeRoutes is every route that reads a body, each with a body it accepts (or refuses only for
// its content). "zz" marks a text value, where the UTF-8 case puts an invalid byte.
var writeRoutes = []struct{ method, url, body string }{
	{"POST", "/api/auth/login", `{"email":"admin@example.com","password":"zz"}`},
	{"POST", "/api/auth/password", `{"current_password":"zz","new_password":"password-456"}`},
	{"POST", "/api/auth/tokens", `{"name":"zz"}`},
	{"POST", "/api/meta/objects", `{"name":"thing","label":{"en":"zz"},"fields":[{"name":"title","type":"text"}]}`},
	{"PUT", "/api/meta/objects/account", `{"name":"account","label":{"en":"zz"},"fields":[{"name":"name","type":"text","required":true,"max_length":100,"indexed":true}]}`},
	{"POST", "/api/meta/import", `{"format":"crm-package/1","name":"zz","roles":[{"name":"auditor","objects":{"lead":{"read":true}}}]}`},
	{"POST", "/api/meta/expressions/check", `{"object":"lead","expression":"company == \"zz\""}`},
	{"POST", "/api/forms/lead/evaluate", `{"values":{"company":"zz"}}`},
	{"POST", "/api/meta/forms/preview", `{"definition":{"name":"x","fields":[{"name":"t","type":"text","label":{"en":"zz"}}]},"values":{}}`},
	{"POST", "/api/users", `{"email":"olga@example.com","name":"zz","password":"correct-horse-olga","roles":["sales"]}`},
	{"PATCH", "/api/users/{rep}", `{"name":"zz"}`},
	{"POST", "/api/teams", `{"id":"north","label":{"en":"zz"}}`},
	{"PUT", "/api/teams/north", `{"id":"north","label":{"en":"zz"}}`},
	{"POST", "/api/roles", `{"name":"auditor","label":{"en":"zz"},"objects":{"lead":{"read":true}}}`},
	{"PUT", "/api/roles/auditor", `{"name":"auditor","label":{"en":"zz"},"objects":{"lead":{"read":true}}}`},
	{"POST", "/api/meta/automations", `{"name":"reassign","label":{"en":"zz"},"object":"lead","trigger":{"type":"field_changed","fields":["amount"]},"actions":[{"type":"assign"}]}`},
	{"PUT", "/api/meta/automations/reassign", `{"name":"reassign","label":{"en":"zz"},"object":"lead","trigger":{"type":"field_changed","fields":["amount"]},"actions":[{"type":"assign"}]}`},
	{"POST", "/api/meta/dashboards", `{"name":"sales","label":{"en":"zz"},"widgets":[]}`},
	{"PUT", "/api/meta/dashboards/sales", `{"name":"sales","label":{"en":"zz"},"widgets":[]}`},
	{"POST", "/api/meta/calendars", `{"name":"office","label":{"en":"zz"},"time_zone":"Europe/Berlin","hours":{"mon":[{"start":"09:00","end":"17:00"}]}}`},
	{"PUT", "/api/meta/calendars/office", `{"name":"office","label":{"en":"zz"},"time_zone":"Europe/Berlin","hours":{"mon":[{"start":"09:00","end":"17:00"}]}}`},
	{"POST", "/api/meta/sla-policies", `{"name":"std","label":{"en":"zz"},"object":"lead","applies_when":"hot","metrics":[{"name":"contact","target":"8h","stop_when":"last_contacted_at != nil"}]}`},
	{"PUT", "/api/meta/sla-policies/std", `{"name":"std","label":{"en":"zz"},"object":"lead","applies_when":"hot","metrics":[{"name":"contact","target":"8h","stop_when":"last_contacted_at != nil"}]}`},
	{"POST", "/api/meta/approval-processes", `{"name":"big_deal","label":{"en":"zz"},"object":"lead"}`},
	{"PUT", "/api/meta/approval-processes/big_deal", `{"name":"big_deal","label":{"en":"zz"},"object":"lead"}`},
	{"POST", "/api/views", `{"object":"lead","name":"zz","columns":["company"]}`},
	{"PUT", "/api/views/v1", `{"object":"lead","name":"zz","columns":["company"]}`},
	{"PUT", "/api/admin/webhook-allowlist", `{"entries":["https://zz.example.com"]}`},
	{"PUT", "/api/meta/assignment-rules/lead", `{"object":"lead","rules":[{"name":"all","label":{"en":"zz"},"when":"true","assign_to":{"type":"user","user":"{rep}"}}]}`},
	{"POST", "/api/approvals/a1/approve", `{"comment":"zz"}`},
	{"POST", "/api/records/lead/{lead}/approvals", `{"comment":"zz"}`},
	{"POST", "/api/records/lead", `{"company":"zz"}`},
	{"PATCH", "/api/records/lead/{lead}", `{"company":"zz"}`},
}

// malformedCorpus turns a route's body into bodies that are not exactly one JSON object in UTF-8.
var malformedCorpus = []struct {
	name string
	make func(body string) string
}{
	{"trailing data", func(b string) string { return b + "xx" }},
	{"two documents", func(b string) string { return b + b }},
	{"two documents with a newline", func(b string) string { return b + "\n" + b }},
	{"null", func(string) string { return "null" }},
	{"array", func(b string) string { return "[" + b + "]" }},
	{"invalid UTF-8 in a string", func(b string) string { return strings.Replace(b, "zz", "z\xffz", 1) }},
}

// TestMalformedBodies sends every write route every malformed body: each is a 400 malformed_json
// and nothing is written.
func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Acme"}`).JSON["id"].(string)
		var rep string
		for _, u := range h.mustDo(200, "GET", "/api/users", "").JSON["items"].([]any) {
			if u := u.(map[string]any); u["email"] == "rep@example.com" {
				rep = u["id"].(string)
			}
		}
		everything := func(h *harness) any {
			var out []string
			for _, u := range []string{"/api/meta/export", "/api/audit?limit=200", "/api/users", "/api/auth/tokens",
				"/api/views", "/api/admin/webhook-allowlist", "/api/meta/assignment-rules/lead",
				"/api/records/lead", "/api/approvals", "/api/jobs"} {
				r := h.do("GET", u, "")
				out = append(out, u+" "+r.Text)
			}
			return out
		}
		var scenarios []scenario
		for _, rt := range writeRoutes {
			url := strings.NewReplacer("{rep}", rep, "{lead}", lead).Replace(rt.url)
			body := strings.ReplaceAll(rt.body, "{rep}", rep)
			if !strings.Contains(body, "zz") {
				t.Fatalf("%s %s: the body has no zz", rt.method, rt.url)
			}
			for _, c := range malformedCorpus {
				scenarios = append(scenarios, scenario{
					Name: rt.method + " " + rt.url + " " + c.name, Method: rt.method, URL: url, Body: c.make(body),
					ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: everything})
			}
		}
		runScenarios(t, h, scenarios)
	})
}
