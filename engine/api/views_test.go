package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestListViews: each user keeps their own views and sees shared ones; filter, sort and columns
// are checked like a list's at save, so fields hidden from the owner are refused; others' views
// cannot be changed or deleted.
func TestListViews(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, _ := h.people()
		h.mustDo(201, "POST", "/api/meta/objects", dealDef)
		h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"deal":{"salary":"hidden"}}}`)
		as := func(who string) []string { return []string{"Authorization", "Bearer " + tok[who]} }

		mine := h.mustDo(201, "POST", "/api/views", `{"object":"deal","name":"North","columns":["company","region","owner"],
			"filter":"region = \"north\"","sort":"-created_at","q":"co","kanban_field":"region"}`, as("anna")...)
		id := mine.JSON["id"].(string)
		h.mustDo(201, "POST", "/api/views", `{"object":"deal","name":"Team south","columns":["company"],"filter":"region = \"south\"","shared":true}`, as("maria")...)
		h.mustDo(201, "POST", "/api/views", `{"object":"deal","name":"Private","columns":["company"]}`, as("maria")...)
		// an admin's shared view with a column sales may not see: they get it without that column
		h.mustDo(201, "POST", "/api/views", `{"object":"deal","name":"Pay","columns":["company","salary"],"shared":true}`)
		views := func(who string) string { return h.mustDo(200, "GET", "/api/views?object=deal", "", as(who)...).Text }

		runScenarios(t, h, []scenario{
			{Name: "own and shared", Method: "GET", URL: "/api/views?object=deal", Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent:    []string{`"name":"North"`, `"name":"Team south"`, `"name":"Pay","columns":["company"]`, `"kanban_field":"region"`},
				NotExpectedContent: []string{`"name":"Private"`, `salary`}},
			{Name: "not another's", Method: "GET", URL: "/api/views?object=deal", Headers: as("ben"), ExpectedStatus: 200,
				NotExpectedContent: []string{`"name":"North"`, `"name":"Private"`}},
			{Name: "hidden field in filter", Method: "POST", URL: "/api/views", Headers: as("anna"), ExpectedStatus: 422,
				Body:            `{"object":"deal","name":"Rich","columns":["company"],"filter":"salary > 100"}`,
				ExpectedContent: []string{`"pointer":"/filter"`, `"code":"invalid_filter"`}, Unchanged: func(h *harness) any { return views("anna") }},
			{Name: "hidden field as column and sort", Method: "POST", URL: "/api/views", Headers: as("anna"), ExpectedStatus: 422,
				Body:            `{"object":"deal","name":"Rich","columns":["company","salary"],"sort":"salary","kanban_field":"company","q":""}`,
				ExpectedContent: []string{`"pointer":"/columns/1"`, `"pointer":"/sort"`, `"code":"invalid_sort"`, `"pointer":"/kanban_field"`}},
			{Name: "no name, bad filter", Method: "POST", URL: "/api/views", Headers: as("anna"), ExpectedStatus: 422,
				Body:            `{"object":"deal","name":" ","columns":[],"filter":"region = "}`,
				ExpectedContent: []string{`"pointer":"/name"`, `"pointer":"/filter"`}},
			{Name: "unknown object", Method: "POST", URL: "/api/views", Headers: as("anna"), ExpectedStatus: 404,
				Body: `{"object":"nope","name":"x","columns":[]}`},
			{Name: "missing object param", Method: "GET", URL: "/api/views", Headers: as("anna"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"missing_object"`}},
			{Name: "another's view cannot be changed", Method: "PUT", URL: "/api/views/" + id, Headers: as("ben"), ExpectedStatus: 404,
				Body: `{"name":"Mine now","columns":[]}`, Unchanged: func(h *harness) any { return views("anna") }},
			{Name: "another's view cannot be deleted", Method: "DELETE", URL: "/api/views/" + id, Headers: as("ben"), ExpectedStatus: 404,
				Unchanged: func(h *harness) any { return views("anna") }},
			{Name: "owner renames", Method: "PUT", URL: "/api/views/" + id, Headers: append(as("anna"), "If-Match", "1"), ExpectedStatus: 200,
				Body: `{"name":"North deals","columns":["company"],"filter":"region = \"north\""}`, ExpectedContent: []string{`"version":2`, `"object":"deal"`}},
			{Name: "stale version", Method: "PUT", URL: "/api/views/" + id, Headers: append(as("anna"), "If-Match", "1"), ExpectedStatus: 409,
				Body: `{"name":"Again","columns":[]}`},
			{Name: "moved to another object", Method: "PUT", URL: "/api/views/" + id, Headers: as("anna"), ExpectedStatus: 400,
				Body: `{"object":"lead","name":"x","columns":[]}`},
			{Name: "owner deletes", Method: "DELETE", URL: "/api/views/" + id, Headers: as("anna"), ExpectedStatus: 204},
		})
		if v := views("anna"); len(v) == 0 || strings.Contains(v, `"North`) {
			t.Errorf("after delete: %s", v)
		}
		// Four views made and one renamed, one deleted; refusals wrote nothing.
		if n := len(h.mustDo(200, "GET", "/api/audit?action=view_saved", "").JSON["items"].([]any)); n != 5 {
			t.Errorf("%d view_saved entries, want 5", n)
		}
		deleted := h.mustDo(200, "GET", "/api/audit?action=view_deleted", "").JSON["items"].([]any)
		if len(deleted) != 1 || !strings.Contains(fmt.Sprint(deleted[0]), id) {
			t.Errorf("view_deleted entries: %v", deleted)
		}
	})
}
