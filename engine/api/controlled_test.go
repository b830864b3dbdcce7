package api_test

import (
	"strings"
	"testing"
)

// pactDef has a status only its approval decides and a stamp only an automation sets.
const pactDef = `{"name":"pact","fields":[
 {"name":"title","type":"text","required":true},
 {"name":"amount","type":"currency","currency":"CNY"},
 {"name":"status","type":"picklist","default":"draft","options":[{"value":"draft"},{"value":"pending"},{"value":"approved"},{"value":"rejected"}]},
 {"name":"approved_at","type":"datetime"}]}`

const pactProcess = `{"name":"pact_approval","object":"pact","entry_condition":"status == \"draft\"",
 "controlled_fields":CONTROLS,
 "recall_updates":{"status":"\"draft\""},
 "nodes":[{"id":"start","kind":"start"},
  {"id":"mark","kind":"action","updates":{"status":"\"pending\""}},
  {"id":"boss","kind":"approval","approvers":[{"type":"manager"}]},
  {"id":"approved","kind":"approved","updates":{"status":"\"approved\""}},
  {"id":"rejected","kind":"rejected","updates":{"status":"\"rejected\""}}],
 "edges":[{"id":"e1","from":"start","to":"mark"},{"id":"e2","from":"mark","to":"boss"},{"id":"e3","from":"boss","to":"approved"}]}`

const pactStamp = `{"name":"stamp_approval","object":"pact","trigger":{"type":"field_changed","fields":["status"]},
 "condition":"status == \"approved\"","actions":[{"type":"update","values":{"approved_at":"now()"}}],"controlled_fields":CONTROLS}`

// TestControlledFields: a field an approval process decides (and a stamp an automation sets) is
// refused to every user's write, admins included, and shown read-only, while the process's own
// updates still write it; definitions naming fields that do not exist are refused.
func TestControlledFields(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/meta/objects", pactDef)
		boss, bossAuth := h.person("pactboss@example.com", "", "")
		_, repAuth := h.person("pactrep@example.com", boss, "")
		rep := []string{"Authorization", repAuth}

		r := h.mustDo(422, "POST", "/api/meta/approval-processes", strings.Replace(pactProcess, "CONTROLS", `["status","nope","title","title"]`, 1))
		for _, want := range []string{`"pointer":"/controlled_fields/1"`, `"code":"unknown_field"`, `"pointer":"/controlled_fields/3"`, `"code":"duplicate_value"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("process refusal lacks %s: %s", want, r.Text)
			}
		}
		r = h.mustDo(422, "POST", "/api/meta/automations", strings.Replace(pactStamp, "CONTROLS", `["approved_at","nope","amount"]`, 1))
		for _, want := range []string{`"pointer":"/controlled_fields/1"`, `"code":"unknown_field"`, `"pointer":"/controlled_fields/2"`, `"code":"not_updated"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("automation refusal lacks %s: %s", want, r.Text)
			}
		}
		// status is controlled because the process's updates set it, listed or not.
		h.mustDo(201, "POST", "/api/meta/approval-processes", strings.Replace(pactProcess, "CONTROLS", `[]`, 1))
		h.mustDo(201, "POST", "/api/meta/automations", strings.Replace(pactStamp, "CONTROLS", `["approved_at"]`, 1))

		d := h.mustDo(201, "POST", "/api/records/pact", `{"title":"Big","amount":"100","status":"draft"}`, rep...)
		url := "/api/records/pact/" + d.JSON["id"].(string)
		refused := []string{`"code":"controlled_field"`, `"field":"status"`, `approval process pact_approval`}
		runScenarios(t, h, []scenario{
			{Name: "a rep approves her own deal", Method: "PATCH", URL: url, Body: `{"status":"approved"}`, Headers: rep,
				ExpectedStatus: 422, ExpectedContent: refused, Unchanged: snapshot("pact")},
			{Name: "an admin approves it", Method: "PATCH", URL: url, Body: `{"status":"approved","title":"Big!"}`,
				ExpectedStatus: 422, ExpectedContent: refused, Unchanged: snapshot("pact")},
			{Name: "in Chinese", Method: "PATCH", URL: url, Body: `{"status":"rejected"}`, Headers: append([]string{"Accept-Language", "zh-CN"}, rep...),
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`, `审批流程 pact_approval`}, Unchanged: snapshot("pact")},
			{Name: "the automation's stamp", Method: "PATCH", URL: url, Body: `{"approved_at":"2026-01-01T00:00:00Z"}`, Headers: rep,
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`, `"field":"approved_at"`, `automation stamp_approval`}, Unchanged: snapshot("pact")},
			{Name: "created approved", Method: "POST", URL: "/api/records/pact", Body: `{"title":"Forged","status":"approved"}`, Headers: rep,
				ExpectedStatus: 422, ExpectedContent: refused, Unchanged: snapshot("pact")},
			{Name: "the whole form sent back unchanged", Method: "PATCH", URL: url, Body: `{"title":"Bigger","status":"draft","approved_at":null}`, Headers: rep,
				ExpectedStatus: 200, ExpectedContent: []string{`"title":"Bigger"`, `"status":"draft"`}},
			{Name: "created with the default", Method: "POST", URL: "/api/records/pact", Body: `{"title":"Small","status":"draft","approved_at":""}`, Headers: rep,
				ExpectedStatus: 201, ExpectedContent: []string{`"status":"draft"`}},
			{Name: "evaluate shows the refusal", Method: "POST", URL: "/api/forms/pact/evaluate", Body: `{"id":"` + d.JSON["id"].(string) + `","values":{"status":"approved"}}`, Headers: rep,
				ExpectedStatus: 200, ExpectedContent: []string{`"status":{"visible":true,"required":false,"read_only":true}`, `"code":"controlled_field"`}},
		})
		form := h.mustDo(200, "GET", "/api/forms/pact", "", rep...)
		for _, f := range form.JSON["fields"].([]any) {
			m := f.(map[string]any)
			if ro := m["read_only"] == true; ro != (m["name"] == "status" || m["name"] == "approved_at") {
				t.Errorf("form field %s read_only %v", m["name"], m["read_only"])
			}
		}

		// The process and the automation still write them.
		sub := h.mustDo(201, "POST", url+"/approvals", `{}`, rep...)
		h.mustDo(200, "POST", "/api/approvals/"+sub.JSON["id"].(string)+"/approve", `{}`, "Authorization", bossAuth)
		got := h.mustDo(200, "GET", url, "", rep...)
		if got.JSON["status"] != "approved" || got.JSON["approved_at"] == nil {
			t.Fatalf("after the approval: %s", got.Text)
		}
		// Once the process is deleted the field is the users' again.
		h.mustDo(204, "DELETE", "/api/meta/approval-processes/pact_approval", "")
		h.mustDo(200, "PATCH", url, `{"status":"draft"}`, rep...)
	})
}
