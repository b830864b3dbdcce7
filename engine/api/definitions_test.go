package api_test

import (
	"strings"
	"testing"

	"crm/internal/testenv"
)

// TestDefinitionsShareOneShape: every named definition answers the same HTTP contract. Create
// answers 201 with its version as ETag and refuses a second one of the same key; a replace takes
// the key from the path whatever the body says, moves the version, and refuses a stale If-Match;
// list finds it; delete answers 204, then 404.
func TestDefinitionsShareOneShape(t *testing.T) {
	t.Parallel()
	kinds := []struct {
		path, key, keyField string
		body                func(key string) string
	}{
		{"/api/teams", "conformance_team", "id", func(k string) string { return `{"id":"` + k + `","label":{"en":"Conformance"}}` }},
		{"/api/roles", "conformance_role", "name", func(k string) string {
			return `{"name":"` + k + `","objects":{"lead":{"read":true}}}`
		}},
		{"/api/meta/automations", "conformance_automation", "name", func(k string) string {
			return `{"name":"` + k + `","object":"lead","trigger":{"type":"created"},"actions":[{"type":"assign"}]}`
		}},
		{"/api/meta/dashboards", "conformance_dashboard", "name", func(k string) string {
			return `{"name":"` + k + `","widgets":[{"name":"n","type":"number","object":"lead","measures":["count"]}]}`
		}},
		{"/api/meta/calendars", "conformance_calendar", "name", func(k string) string {
			return `{"name":"` + k + `","time_zone":"Europe/Berlin","hours":{"mon":[{"start":"09:00","end":"17:00"}]}}`
		}},
		{"/api/meta/sla-policies", "conformance_policy", "name", func(k string) string {
			return `{"name":"` + k + `","object":"ticket","calendar":"conformance_calendar","applies_when":"priority == \"low\"",
			 "metrics":[{"name":"resolution","target":"8h","stop_when":"resolved_at != nil"}]}`
		}},
		{"/api/meta/approval-processes", "conformance_process", "name", func(k string) string {
			return `{"name":"` + k + `","object":"contract","entry_condition":"amount > 1000000",
			 "nodes":[{"id":"start","kind":"start"},{"id":"boss","kind":"approval","approvers":[{"type":"manager","levels":1}]},
			  {"id":"yes","kind":"approved"},{"id":"no","kind":"rejected"}],
			 "edges":[{"id":"e1","from":"start","to":"boss"},{"id":"e2","from":"boss","to":"yes"}]}`
		}},
	}
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := templateHarness(t, b, newTestClock())
		for _, k := range kinds {
			one := k.path + "/" + k.key
			r := h.mustDo(201, "POST", k.path, k.body(k.key))
			if got := r.Header.Get("ETag"); got != `"1"` {
				t.Errorf("%s: create ETag %q", k.path, got)
			}
			h.mustDo(409, "POST", k.path, k.body(k.key))
			if got := h.mustDo(200, "GET", one, "").Header.Get("ETag"); got != `"1"` {
				t.Errorf("%s: get ETag %q", k.path, got)
			}

			r = h.mustDo(200, "PUT", one, k.body("elsewhere"), "If-Match", `"1"`)
			if got := r.Header.Get("ETag"); got != `"2"` || r.JSON[k.keyField] != k.key {
				t.Errorf("%s: replace answered ETag %q, %s %v", k.path, got, k.keyField, r.JSON[k.keyField])
			}
			h.mustDo(404, "GET", k.path+"/elsewhere", "")
			h.mustDo(409, "PUT", one, k.body(k.key), "If-Match", `"1"`)
			if r := h.mustDo(200, "GET", k.path, ""); !strings.Contains(r.Text, `"`+k.key+`"`) {
				t.Errorf("%s: list lacks %s", k.path, k.key)
			}
		}
		// Deleted in reverse: the policy names the calendar.
		for i := len(kinds) - 1; i >= 0; i-- {
			one := kinds[i].path + "/" + kinds[i].key
			h.mustDo(204, "DELETE", one, "")
			h.mustDo(404, "GET", one, "")
			h.mustDo(404, "DELETE", one, "")
		}
	})
}
