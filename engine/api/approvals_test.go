package api_test

import (
	"context"
	"strings"
	"testing"

	"crm/internal/testfixture"
)

// The contract and its approval process are the shared fixture (internal/testfixture).
const (
	contractObjectDef  = testfixture.ContractObject
	contractProcessDef = testfixture.ContractApproval
)

// person creates a sales user through the API and signs them in: id and bearer header value.
func (h *harness) person(email, manager, teams string) (string, string) {
	h.t.Helper()
	body := `{"email":"` + email + `","password":"password-123","roles":["sales"],"teams":[` + teams + `]`
	if manager != "" {
		body += `,"manager":"` + manager + `"`
	}
	r := h.mustDo(201, "POST", "/api/users", body+`}`)
	tok, _, err := h.engine.Login(context.Background(), email, "password-123")
	if err != nil {
		h.t.Fatal(err)
	}
	return r.JSON["id"].(string), "Bearer " + tok
}

// TestApprovalsThroughTheAPI: definitions refused with pointers naming nodes and edges; a
// 60,000 contract goes through the area manager and finance while its edits are refused, then
// is approved and editable again; the inbox, the timeline and the error codes on the way.
func TestApprovalsThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/meta/objects", contractObjectDef)
		h.mustDo(201, "POST", "/api/teams", `{"id":"finance"}`)
		h.mustDo(201, "POST", "/api/teams", `{"id":"legal"}`)
		boss, _ := h.person("boss@example.com", "", "")
		area, areaAuth := h.person("area@example.com", boss, "")
		rep, repAuth := h.person("rep2@example.com", area, "")
		_, finAuth := h.person("fin@example.com", "", `"finance"`)
		_ = rep

		bad := strings.Replace(contractProcessDef, `{"id":"e5","from":"amount","to":"terms","default":true},`, "", 1)
		bad = strings.Replace(bad, `"team":"finance"`, `"team":"treasury"`, 1)
		bad = strings.Replace(bad, `amount >= 50000`, `amount >= \"lots\"`, 1)
		r := h.mustDo(422, "POST", "/api/meta/approval-processes", bad)
		for _, want := range []string{`"code":"invalid_definition"`, `"pointer":"/nodes/3"`, `"code":"default_edge"`, `node \"amount\"`,
			`"pointer":"/nodes/4/approvers/0/team"`, `"pointer":"/edges/3/condition"`, `edge \"e4\"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("refusal lacks %s: %s", want, r.Text)
			}
		}
		h.mustDo(404, "GET", "/api/meta/approval-processes/contract_approval", "")
		h.mustDo(403, "POST", "/api/meta/approval-processes", contractProcessDef, "Authorization", repAuth)
		p := h.mustDo(201, "POST", "/api/meta/approval-processes", contractProcessDef)
		if p.JSON["version"] != float64(1) || !strings.Contains(p.Text, `"position":{"x":300,"y":200}`) {
			t.Errorf("saved process: %s", p.Text)
		}
		h.mustDo(409, "POST", "/api/meta/approval-processes", contractProcessDef)

		c := h.mustDo(201, "POST", "/api/records/contract", `{"title":"Big deal","amount":"60000","status":"draft"}`, "Authorization", repAuth)
		id := c.JSON["id"].(string)
		url := "/api/records/contract/" + id
		runScenarios(t, h, []scenario{
			{Name: "submit an unknown process", Method: "POST", URL: url + "/approvals", Body: `{"process":"nope"}`, Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 404, ExpectedContent: []string{`"approval_process_not_found"`}, Unchanged: snapshot("contract")},
			{Name: "submit with a typo", Method: "POST", URL: url + "/approvals", Body: `{"proces":"contract_approval"}`, Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: snapshot("contract")},
			{Name: "submit", Method: "POST", URL: url + "/approvals", Body: `{"comment":"urgent"}`, Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 201, ExpectedContent: []string{`"status":"pending"`, `"node":"area"`, `"process_version":1`, `"comment":"urgent"`}},
			{Name: "submit twice", Method: "POST", URL: url + "/approvals", Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 409, ExpectedContent: []string{`"approval_pending"`}},
			{Name: "edit while pending", Method: "PATCH", URL: url, Body: `{"amount":"1"}`, Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 409, ExpectedContent: []string{`"record_locked"`}, Unchanged: snapshot("contract")},
		})
		inbox := h.mustDo(200, "GET", "/api/approvals?assigned=me", "", "Authorization", areaAuth)
		items := inbox.JSON["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("the area manager's inbox: %s", inbox.Text)
		}
		approval := items[0].(map[string]any)["approval"].(string)
		act := "/api/approvals/" + approval
		runScenarios(t, h, []scenario{
			{Name: "finance cannot answer the area step", Method: "POST", URL: act + "/approve", Headers: []string{"Authorization", finAuth},
				ExpectedStatus: 403, ExpectedContent: []string{`"not_approver"`}},
			{Name: "an unknown action", Method: "POST", URL: act + "/bless", Headers: []string{"Authorization", areaAuth},
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_action"`}},
			{Name: "delegate to nobody", Method: "POST", URL: act + "/delegate", Body: `{"to":"ghost"}`, Headers: []string{"Authorization", areaAuth},
				ExpectedStatus: 422, ExpectedContent: []string{`"invalid_delegate"`}},
			{Name: "the area manager approves", Method: "POST", URL: act + "/approve", Body: `{"comment":"fine"}`, Headers: []string{"Authorization", areaAuth},
				ExpectedStatus: 200, ExpectedContent: []string{`"node":"finance"`, `"status":"pending"`}},
			{Name: "still locked at step two", Method: "PATCH", URL: url, Body: `{"title":"changed"}`, Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 409, ExpectedContent: []string{`"record_locked"`}, Unchanged: snapshot("contract")},
			{Name: "the area manager again", Method: "POST", URL: act + "/approve", Headers: []string{"Authorization", areaAuth},
				ExpectedStatus: 403, ExpectedContent: []string{`"not_approver"`}},
			{Name: "finance approves", Method: "POST", URL: act + "/approve", Headers: []string{"Authorization", finAuth},
				ExpectedStatus: 200, ExpectedContent: []string{`"status":"approved"`, `"finished_at"`}},
			{Name: "approved and editable", Method: "PATCH", URL: url, Body: `{"title":"Big deal, signed"}`, Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 200, ExpectedContent: []string{`"status":"approved"`, `"title":"Big deal, signed"`}},
			{Name: "recall after the end", Method: "POST", URL: act + "/recall", Headers: []string{"Authorization", repAuth},
				ExpectedStatus: 409, ExpectedContent: []string{`"not_pending"`}},
		})
		tl := h.mustDo(200, "GET", url+"/approvals", "", "Authorization", repAuth)
		for _, want := range []string{`"action":"submitted"`, `"comment":"fine"`, `"by":"` + area + `"`, `"decision":"approved"`, `"node":"finance"`, `"action":"finished"`, `"process_version":1`} {
			if !strings.Contains(tl.Text, want) {
				t.Errorf("timeline lacks %s: %s", want, tl.Text)
			}
		}
		if strings.Contains(tl.Text, `"outbox"`) {
			t.Errorf("the timeline shows the outbox: %s", tl.Text)
		}
		mine := h.mustDo(200, "GET", "/api/approvals?submitted=me&status=approved", "", "Authorization", repAuth)
		if n := len(mine.JSON["items"].([]any)); n != 1 {
			t.Errorf("my approved submissions: %s", mine.Text)
		}
		h.mustDo(400, "GET", "/api/approvals?assigned=someone", "", "Authorization", repAuth)
		done := h.mustDo(200, "GET", "/api/approvals?assigned=me&status=approved", "", "Authorization", finAuth)
		if n := len(done.JSON["items"].([]any)); n != 1 {
			t.Errorf("finance's answered tasks: %s", done.Text)
		}
		_, strangerAuth := h.person("stranger@example.com", "", "")
		h.mustDo(404, "GET", act, "", "Authorization", strangerAuth)
		h.mustDo(404, "GET", url+"/approvals", "", "Authorization", strangerAuth)

		// Editing makes version 2; the old one stays readable.
		v2 := strings.Replace(contractProcessDef, `amount >= 50000`, `amount >= 100000`, 1)
		h.mustDo(409, "PUT", "/api/meta/approval-processes/contract_approval", v2, "If-Match", `"7"`)
		p = h.mustDo(200, "PUT", "/api/meta/approval-processes/contract_approval", v2, "If-Match", `"1"`)
		if p.JSON["version"] != float64(2) {
			t.Errorf("edited: %s", p.Text)
		}
		old := h.mustDo(200, "GET", "/api/meta/approval-processes/contract_approval?version=1", "")
		if !strings.Contains(old.Text, `amount \u003e= 50000`) && !strings.Contains(old.Text, `amount >= 50000`) {
			t.Errorf("version 1: %s", old.Text)
		}
	})
}
