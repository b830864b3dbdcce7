package api_test

import (
	"strings"
	"testing"
)

const taskDef = `{"name":"task","fields":[{"name":"subject","type":"text","required":true},{"name":"lead","type":"lookup","target":"lead"}]}`

func TestAutomationsThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(201, "POST", "/api/meta/objects", taskDef)

		// Every mistake of a definition at once, with pointers and positions.
		r := h.mustDo(422, "POST", "/api/meta/automations", `{"name":"bad","object":"lead","trigger":{"type":"field_changed","fields":["stge"]},
		 "condition":"stage == \"won\" && amont > 1",
		 "actions":[{"type":"update","values":{"nope":"1"}},{"type":"create","object":"task","values":{"subject":"employees"}},{"type":"notify"},
		            {"type":"assign","target":{"user":"nobody"}}]}`)
		// The unknown user too, in the same answer (it once came only after the rest was fixed).
		for _, want := range []string{`"/trigger/fields/0"`, `"/condition"`, `"column":19`, `"/actions/0/values/nope"`, `"/actions/1/values/subject"`, `"/actions/2/to"`, `"/actions/3/target/user"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("refusal lacks %s: %s", want, r.Text)
			}
		}
		h.mustDo(403, "POST", "/api/meta/automations", `{"name":"x","object":"lead","trigger":{"type":"created"},"actions":[{"type":"assign"}]}`,
			"Authorization", "Bearer "+h.userToken)

		h.mustDo(201, "POST", "/api/meta/automations", `{"name":"won_task","object":"lead","trigger":{"type":"field_changed","fields":["stage"]},
		 "condition":"stage == \"won\"",
		 "actions":[{"type":"create","object":"task","values":{"subject":"\"Kick-off with \" + company","lead":"id"}},
		            {"type":"notify","to":{"owner":true},"message":{"en":"{{company}} is won","zh-CN":"{{company}} 已赢单"}}]}`)
		h.mustDo(201, "POST", "/api/meta/automations", `{"name":"convert","object":"lead","trigger":{"type":"manual"},
		 "actions":[{"type":"create","object":"account","values":{"name":"company"}},{"type":"update","values":{"stage":"\"won\""}}]}`)

		lead := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Acme","stage":"new"}`, "Authorization", "Bearer "+h.userToken)
		id := lead.JSON["id"].(string)
		if n := h.count("task"); n != 0 {
			t.Fatalf("%d tasks before the stage changed", n)
		}
		h.mustDo(200, "PATCH", "/api/records/lead/"+id, `{"stage":"won"}`, "Authorization", "Bearer "+h.userToken)
		if n := h.count("task"); n != 1 {
			t.Fatalf("%d tasks after the stage changed to won", n)
		}
		r = h.mustDo(200, "GET", "/api/notifications", "", "Authorization", "Bearer "+h.userToken)
		if r.JSON["unread"] != 1.0 || !strings.Contains(r.Text, `"message":"Acme is won"`) {
			t.Errorf("notifications: %s", r.Text)
		}
		note := r.JSON["items"].([]any)[0].(map[string]any)["id"].(string)
		h.mustDo(204, "POST", "/api/notifications/"+note+"/read", "", "Authorization", "Bearer "+h.userToken)
		h.mustDo(404, "POST", "/api/notifications/"+note+"/read", "") // someone else's
		if r := h.mustDo(200, "GET", "/api/notifications", "", "Authorization", "Bearer "+h.userToken); r.JSON["unread"] != 0.0 {
			t.Errorf("unread after marking read: %s", r.Text)
		}
		r = h.mustDo(200, "GET", "/api/records/lead/"+id+"/runs", "", "Authorization", "Bearer "+h.userToken)
		if !strings.Contains(r.Text, `"automation":"won_task"`) || !strings.Contains(r.Text, `"result":"done"`) {
			t.Errorf("runs: %s", r.Text)
		}

		// The manual action (a button): converts and logs.
		other := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Beta","stage":"new"}`, "Authorization", "Bearer "+h.userToken)
		oid := other.JSON["id"].(string)
		r = h.mustDo(200, "POST", "/api/records/lead/"+oid+"/automations/convert", "", "Authorization", "Bearer "+h.userToken)
		if r.JSON["result"] != "done" || h.count("account") != 1 {
			t.Errorf("convert: %s, %d accounts", r.Text, h.count("account"))
		}
		if got := h.mustDo(200, "GET", "/api/records/lead/"+oid, ""); got.JSON["stage"] != "won" {
			t.Errorf("converted lead: %s", got.Text)
		}
		h.mustDo(400, "POST", "/api/records/lead/"+oid+"/automations/won_task", "")
		h.mustDo(404, "POST", "/api/records/lead/"+oid+"/automations/nope", "")
	})
}
