package api_test

import (
	"strings"
	"testing"
)

// TestAssignmentThroughTheAPI: rules are checked at save with pointers and kept from sales users;
// a lead created without an owner is assigned by them, stays with a colleague it was handed to, is
// handed out again on demand and by an automation's assign action, and each decision is in its
// run log.
func TestAssignmentThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		users := h.mustDo(200, "GET", "/api/users", "")
		ids := map[string]string{}
		for _, u := range users.JSON["items"].([]any) {
			m := u.(map[string]any)
			ids[m["email"].(string)] = m["id"].(string)
		}
		rep := ids["rep@example.com"]
		h.mustDo(201, "POST", "/api/teams", `{"id":"key_accounts"}`)
		ka := h.mustDo(201, "POST", "/api/users", `{"email":"ka@example.com","password":"correct-horse-ka","roles":["sales"],"teams":["key_accounts"]}`).JSON["id"].(string)

		r := h.mustDo(422, "PUT", "/api/meta/assignment-rules/lead", `{"fallback":"ghost","rules":[
		 {"name":"big","condition":"amont > 1000","target":{"type":"round_robin","team":"nobody"}}]}`)
		for _, want := range []string{`"/fallback"`, `"/rules/0/condition"`, `"/rules/0/target/team"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("refusal lacks %s: %s", want, r.Text)
			}
		}
		rules := `{"fallback":"` + rep + `","rules":[{"name":"big","condition":"amount >= 10000","target":{"type":"round_robin","team":"key_accounts"}}]}`
		h.mustDo(403, "PUT", "/api/meta/assignment-rules/lead", rules, "Authorization", "Bearer "+h.userToken)
		saved := h.mustDo(200, "PUT", "/api/meta/assignment-rules/lead", rules)
		if saved.Header.Get("ETag") != `"1"` {
			t.Errorf("ETag of the first save: %q", saved.Header.Get("ETag"))
		}
		h.mustDo(409, "PUT", "/api/meta/assignment-rules/lead", rules, "If-Match", `"7"`)
		if got := h.mustDo(200, "GET", "/api/meta/assignment-rules/lead", ""); got.JSON["version"] != 1.0 || !strings.Contains(got.Text, `"key_accounts"`) {
			t.Errorf("rules read back: %s", got.Text)
		}

		big := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Big","amount":"25000.00"}`, "Authorization", "Bearer "+h.userToken)
		if big.JSON["owner"] != ka {
			t.Errorf("a big lead went to %v, want the key-accounts user %s", big.JSON["owner"], ka)
		}
		// The creator is told where it went, and that she no longer sees it (she keeps no access).
		note, _ := big.JSON["_assignment"].(map[string]any)
		if note["owner"] != ka || note["owner_name"] != "ka@example.com" || note["rule"] != "big" || note["reason"] != "rule" || note["readable"] != false {
			t.Errorf("the create answer's assignment note: %s", big.Text)
		}
		h.mustDo(404, "GET", "/api/records/lead/"+big.JSON["id"].(string), "", "Authorization", "Bearer "+h.userToken)
		small := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Small","amount":"10.00"}`, "Authorization", "Bearer "+h.userToken)
		if _, noted := small.JSON["_assignment"]; noted {
			t.Errorf("a lead that stayed with its creator carries a note: %s", small.Text)
		}
		if small.JSON["owner"] != rep {
			t.Errorf("a small lead went to %v, want the fallback %s", small.JSON["owner"], rep)
		}
		sid := small.JSON["id"].(string)
		runs := h.mustDo(200, "GET", "/api/records/lead/"+sid+"/runs", "", "Authorization", "Bearer "+h.userToken)
		if !strings.Contains(runs.Text, `"kind":"assignment"`) || !strings.Contains(runs.Text, `"reason":"fallback"`) {
			t.Errorf("run log of the small lead: %s", runs.Text)
		}
		// The rep, who owns it, makes it big and hands it out again on demand.
		h.mustDo(200, "PATCH", "/api/records/lead/"+sid, `{"amount":"50000.00"}`, "Authorization", "Bearer "+h.userToken)
		tr := h.mustDo(200, "POST", "/api/records/lead/"+sid+"/assign", "", "Authorization", "Bearer "+h.userToken)
		if tr.JSON["owner"] != ka || tr.JSON["rule"] != "big" {
			t.Errorf("on-demand assignment: %s", tr.Text)
		}
		// Now the rep cannot see it: 404, not 403.
		h.mustDo(404, "POST", "/api/records/lead/"+sid+"/assign", "", "Authorization", "Bearer "+h.userToken)

		// An automation's assign action hands leads out when their amount changes.
		h.mustDo(201, "POST", "/api/meta/automations", `{"name":"reassign","object":"lead","trigger":{"type":"field_changed","fields":["amount"]},"actions":[{"type":"assign"}]}`)
		mine := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Grows","amount":"5.00","owner":"`+rep+`"}`, "Authorization", "Bearer "+h.userToken)
		mid := mine.JSON["id"].(string)
		h.mustDo(200, "PATCH", "/api/records/lead/"+mid, `{"amount":"99999.00"}`, "Authorization", "Bearer "+h.userToken)
		if got := h.mustDo(200, "GET", "/api/records/lead/"+mid, ""); got.JSON["owner"] != ka {
			t.Errorf("after the assign action the owner is %v, want %s", got.JSON["owner"], ka)
		}
		runs = h.mustDo(200, "GET", "/api/records/lead/"+mid+"/runs", "")
		if !strings.Contains(runs.Text, `"automation":"reassign"`) || !strings.Contains(runs.Text, `"result":"assigned to `+ka+`"`) {
			t.Errorf("run log after the assign action: %s", runs.Text)
		}
	})
}
