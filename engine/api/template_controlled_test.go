package api_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"crm/engine"
	"crm/internal/testenv"
)

// TestTemplateControlledFields: in the default template no role sets what a process decides. A
// rep cannot approve her own contract (nor mark it active), nor change an approved contract's
// amount; the approval and the daily contract automations still move it on. Support cannot stamp
// a ticket's SLA times; a rep cannot mark a lead converted without Convert, nor take it back.
func TestTemplateControlledFields(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		clock.ns.Store(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC).UnixNano()) // the demo data's Friday
		h := templateHarnessWith(t, b, engine.Config{Clock: clock.Now, TickInterval: time.Second})
		ctx := context.Background()
		asLin, asZhou, asSun := h.as("lin"), h.as("zhou"), h.as("sun")
		find := func(object, filter string, who []string) string {
			r := h.mustDo(200, "GET", "/api/records/"+object+"?filter="+url.QueryEscape(filter), "", who...)
			items := r.JSON["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("%s %s: %s", object, filter, r.Text)
			}
			return items[0].(map[string]any)["id"].(string)
		}

		// The contract: its status belongs to the approval and the contract automations.
		cid := find("contract", `name = "Acme analytics add-on"`, asLin)
		curl := "/api/records/contract/" + cid
		runScenarios(t, h, []scenario{
			{Name: "lin approves her own contract", Method: "PATCH", URL: curl, Body: `{"status":"approved"}`, Headers: asLin,
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`, `"field":"status"`, `contract_approval`}, Unchanged: snapshot("contract")},
			{Name: "or marks it active", Method: "PATCH", URL: curl, Body: `{"status":"active"}`, Headers: asLin,
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`, `contract_activate`}, Unchanged: snapshot("contract")},
			{Name: "a new contract created approved", Method: "POST", URL: "/api/records/contract", Body: `{"name":"Forged","amount":"10","status":"approved"}`, Headers: asLin,
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`}, Unchanged: snapshot("contract")},
			{Name: "the form sent back whole, to start on Monday", Method: "PATCH", URL: curl, Body: `{"status":"draft","name":"Acme analytics add-on","start_date":"2026-11-23"}`, Headers: asLin,
				ExpectedStatus: 200},
		})
		form := h.mustDo(200, "GET", "/api/forms/contract", "", asLin...)
		for _, f := range form.JSON["fields"].([]any) {
			if m := f.(map[string]any); m["name"] == "status" && m["read_only"] != true {
				t.Errorf("the contract form offers the status: %v", m)
			}
		}
		sub := h.mustDo(201, "POST", curl+"/approvals", `{}`, asLin...)
		h.mustDo(200, "POST", "/api/approvals/"+sub.JSON["id"].(string)+"/approve", `{}`, asZhou...)
		if got := h.mustDo(200, "GET", curl, "", asLin...); got.JSON["status"] != "approved" {
			t.Fatalf("after the approval: %s", got.Text)
		}
		runScenarios(t, h, []scenario{
			{Name: "the approved amount raised", Method: "PATCH", URL: curl, Body: `{"amount":"990000"}`, Headers: asLin,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"amount"`, `"code":"read_only"`}, Unchanged: snapshot("contract")},
			{Name: "terms made non-standard", Method: "PATCH", URL: curl, Body: `{"non_standard_terms":true,"terms":"anything"}`, Headers: asLin,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"non_standard_terms"`, `"code":"read_only"`}, Unchanged: snapshot("contract")},
		})
		// It starts on Monday: the daily run that day makes it active.
		// (Cron runs are planned by the running scheduler, which ticks each second here.)
		clock.Advance(3 * 24 * time.Hour)
		s, err := h.engine.StartScheduler(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			got := h.mustDo(200, "GET", curl, "", asLin...)
			if got.JSON["status"] == "active" {
				break
			}
			if time.Now().After(deadline) {
				s.Stop()
				t.Fatalf("after its start date: %s", got.Text)
			}
		}
		s.Stop()

		// Ticket SLA stamps are the automations'.
		tk := h.mustDo(201, "POST", "/api/records/ticket", `{"subject":"Scanner broken","priority":"vip","category":"returns","status":"new"}`, asSun...)
		turl := "/api/records/ticket/" + tk.JSON["id"].(string)
		runScenarios(t, h, []scenario{
			{Name: "support stamps a first response", Method: "PATCH", URL: turl, Body: `{"first_response_at":"2026-11-23T02:00:00Z"}`, Headers: asSun,
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`, `ticket_first_response`}, Unchanged: snapshot("ticket")},
			{Name: "or a resolution", Method: "PATCH", URL: turl, Body: `{"resolved_at":"2026-11-23T02:00:00Z"}`, Headers: asSun,
				ExpectedStatus: 422, ExpectedContent: []string{`"code":"controlled_field"`, `ticket_resolved`}, Unchanged: snapshot("ticket")},
			{Name: "answering stamps it", Method: "PATCH", URL: turl, Body: `{"status":"open"}`, Headers: asSun,
				ExpectedStatus: 200},
		})
		if got := h.mustDo(200, "GET", turl, "", asSun...); got.JSON["first_response_at"] == nil {
			t.Errorf("the first response was not stamped: %s", got.Text)
		}

		// A lead is converted by Convert only, and stays converted.
		lid := find("lead", `status = "qualified"`, asLin)
		lurl := "/api/records/lead/" + lid
		h.mustDo(422, "PATCH", lurl, `{"status":"converted"}`, asLin...)
		h.mustDo(200, "POST", lurl+"/automations/convert_lead", "", asLin...)
		runScenarios(t, h, []scenario{
			{Name: "a converted lead taken back", Method: "PATCH", URL: lurl, Body: `{"status":"qualified"}`, Headers: asLin,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"status"`, `"code":"read_only"`}, Unchanged: snapshot("lead")},
		})
		if got := h.mustDo(200, "GET", lurl, "", asLin...); got.JSON["status"] != "converted" || got.JSON["converted_account"] == nil {
			t.Errorf("converted lead: %s", got.Text)
		}
	})
}
