package api_test

import (
	"strings"
	"testing"
)

const ticketDef = `{"name":"ticket","fields":[
 {"name":"subject","type":"text","required":true},
 {"name":"priority","type":"picklist","options":[{"value":"normal"},{"value":"vip"}]},
 {"name":"status","type":"picklist","options":[{"value":"open"},{"value":"waiting_customer"},{"value":"solved"}]},
 {"name":"first_response_at","type":"datetime"}]}`

// TestSLAThroughTheAPI: calendars and policies are checked at save with pointers and kept from
// sales users; a ticket shows its SLA, pauses and resumes with its status, and lists filter by it.
func TestSLAThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/meta/objects", ticketDef)
		r := h.mustDo(422, "POST", "/api/meta/calendars", `{"name":"office","time_zone":"Mars/Olympus","hours":{"mon":[{"start":"09:00","end":"25:00"}]}}`)
		for _, want := range []string{`"/time_zone"`, `"/hours/mon/0/end"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("calendar refusal lacks %s: %s", want, r.Text)
			}
		}
		cal := `{"name":"office","time_zone":"Asia/Shanghai","hours":{"mon":[{"start":"00:00","end":"24:00"}],"tue":[{"start":"00:00","end":"24:00"}],
		 "wed":[{"start":"00:00","end":"24:00"}],"thu":[{"start":"00:00","end":"24:00"}],"fri":[{"start":"00:00","end":"24:00"}],
		 "sat":[{"start":"00:00","end":"24:00"}],"sun":[{"start":"00:00","end":"24:00"}]}}`
		h.mustDo(403, "POST", "/api/meta/calendars", cal, "Authorization", "Bearer "+h.userToken)
		h.mustDo(201, "POST", "/api/meta/calendars", cal)

		r = h.mustDo(422, "POST", "/api/meta/sla-policies", `{"name":"std","object":"ticket","calendar":"night","applies_when":"priorty == \"vip\"",
		 "metrics":[{"name":"first_response","target":"soon","stop_when":"first_response_at != nil"}],
		 "escalations":[{"after":"1h","actions":[{"type":"assign","target":{"type":"round_robin","team":"ghosts"}}]}]}`)
		// The unknown team in the same answer as the rest (it once came only once the rest was fixed).
		for _, want := range []string{`"/calendar"`, `"/applies_when"`, `"/metrics/0/target"`, `"/escalations/0/actions/0/target/team"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("policy refusal lacks %s: %s", want, r.Text)
			}
		}
		h.mustDo(201, "POST", "/api/meta/sla-policies", `{"name":"std","object":"ticket","calendar":"office",
		 "metrics":[{"name":"first_response","target":"48h","stop_when":"first_response_at != nil","pause_when":"status == \"waiting_customer\""}]}`)

		tk := h.mustDo(201, "POST", "/api/records/ticket", `{"subject":"Login fails","status":"open"}`, "Authorization", "Bearer "+h.userToken)
		id := tk.JSON["id"].(string)
		if tk.JSON["sla_status"] != "running" || tk.JSON["sla_due_at"] == nil {
			t.Fatalf("a new ticket's SLA: %s", tk.Text)
		}
		s := h.mustDo(200, "GET", "/api/records/ticket/"+id+"/sla", "", "Authorization", "Bearer "+h.userToken)
		if s.JSON["policy"] != "std" || s.JSON["calendar"] != "office" || !strings.Contains(s.Text, `"metric":"first_response"`) {
			t.Errorf("GET sla: %s", s.Text)
		}
		h.mustDo(404, "GET", "/api/records/ticket/"+id+"/sla", "", "Authorization", "Bearer "+h.ensureUser("other@example.com", []string{"sales"}))
		p := h.mustDo(200, "PATCH", "/api/records/ticket/"+id, `{"status":"waiting_customer"}`, "Authorization", "Bearer "+h.userToken)
		if p.JSON["sla_status"] != "paused" || p.JSON["sla_due_at"] != nil {
			t.Errorf("waiting on the customer: %s", p.Text)
		}
		list := h.mustDo(200, "GET", `/api/records/ticket?filter=sla_status%20%3D%20%22paused%22`, "", "Authorization", "Bearer "+h.userToken)
		if items := list.JSON["items"].([]any); len(items) != 1 {
			t.Errorf("paused tickets: %s", list.Text)
		}
		h.mustDo(400, "GET", `/api/records/ticket?filter=sla_status%20%3D%20%22sleeping%22`, "")
		p = h.mustDo(200, "PATCH", "/api/records/ticket/"+id, `{"status":"open"}`, "Authorization", "Bearer "+h.userToken)
		if p.JSON["sla_status"] != "running" {
			t.Errorf("resumed: %s", p.Text)
		}
		h.mustDo(200, "PATCH", "/api/records/ticket/"+id, `{"first_response_at":"2030-01-01T00:00:00Z"}`, "Authorization", "Bearer "+h.userToken)
		rep := h.mustDo(200, "GET", "/api/sla/report?from=2000-01-01&to=2100-01-01", "")
		if !strings.Contains(rep.Text, `"policy":"std"`) || !strings.Contains(rep.Text, `"met":1`) {
			t.Errorf("report: %s", rep.Text)
		}
		h.mustDo(403, "GET", "/api/sla/report", "", "Authorization", "Bearer "+h.userToken)
		h.mustDo(409, "DELETE", "/api/meta/calendars/office", "")
	})
}
