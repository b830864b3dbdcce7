package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
	"crm/templates"
)

// templateHarness is a fresh database with the default template imported through the API and
// its demo people and records, on a clock the test moves.
func templateHarness(t *testing.T, b testenv.Backend, clock *testClock) *harness {
	t.Helper()
	return templateHarnessWith(t, b, engine.Config{Clock: clock.Now})
}

func templateHarnessWith(t *testing.T, b testenv.Backend, ec engine.Config) *harness {
	t.Helper()
	h := newHarnessWith(t, b.Open(t), ec, api.Config{})
	body, err := templates.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	r := h.mustDo(200, "POST", "/api/meta/import", string(body))
	if !strings.Contains(r.Text, `"objects/contract"`) {
		t.Fatalf("import: %s", r.Text)
	}
	demo, _ := templates.Demo("default")
	if _, err := h.engine.ApplyDemo(context.Background(), demo); err != nil {
		t.Fatal(err)
	}
	return h
}

// as signs a demo user in and returns the header pair that acts as them.
func (h *harness) as(who string) []string {
	h.t.Helper()
	r := h.mustDo(200, "POST", "/api/auth/login", fmt.Sprintf(`{"email":"%s@demo.example.com","password":%q}`, who, engine.DemoPassword), "Authorization", "")
	return []string{"Authorization", "Bearer " + r.JSON["token"].(string)}
}

// TestTemplateImportAndExport: the template goes in through the API, a second import changes
// nothing, a dry run of a broken copy names the problem, and the export carries it all back.
func TestTemplateImportAndExport(t *testing.T) {
	t.Parallel()
	h := templateHarness(t, testenv.Backends()[0], newTestClock())
	body, _ := templates.Load("default")
	again := h.mustDo(200, "POST", "/api/meta/import", string(body))
	if !strings.Contains(again.Text, `"created":[]`) || !strings.Contains(again.Text, `"updated":[]`) {
		t.Fatalf("second import changed something: %s", again.Text)
	}
	broken := strings.Replace(string(body), `"target":"account"`, `"target":"acount"`, 1)
	if broken == string(body) {
		t.Fatal("the test did not break the package")
	}
	r := h.mustDo(422, "POST", "/api/meta/import?dry_run=true", broken)
	if !strings.Contains(r.Text, `"code":"invalid_package"`) || !strings.Contains(r.Text, `/target"`) {
		t.Fatalf("broken package: %s", r.Text)
	}
	h.mustDo(403, "POST", "/api/meta/import", string(body), h.as("ana")...) // analysts define objects, not roles and teams
	h.mustDo(403, "GET", "/api/meta/export", "", h.as("lin")...)
	exp := h.mustDo(200, "GET", "/api/meta/export?name=mine", "", h.as("ana")...)
	for _, want := range []string{`"format":"crm-package/1"`, `"name":"mine"`, `"name":"convert_lead"`, `"name":"vip_tickets"`, `"id":"south_saas"`} {
		if !strings.Contains(exp.Text, want) {
			t.Errorf("export lacks %s", want)
		}
	}
	// The export imports as a package of its own, changing nothing.
	r = h.mustDo(200, "POST", "/api/meta/import", exp.Text)
	if !strings.Contains(r.Text, `"created":[]`) || !strings.Contains(r.Text, `"updated":[]`) {
		t.Fatalf("re-importing the export changed something: %s", r.Text)
	}
}

// TestTemplateJourneys: with the default template and its demo data, through the HTTP API: a lead
// is assigned to the south SaaS team in turn, its owner converts it, the opportunity goes through
// the stages; a VIP ticket breaches its first-response promise on the business calendar and
// escalates to the owner's manager once, then to the support leads.
func TestTemplateJourneys(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		// Friday 2026-11-20 17:00 in Shanghai.
		clock.ns.Store(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC).UnixNano())
		h := templateHarness(t, b, clock)
		ctx := context.Background()
		ids := map[string]string{}
		for _, u := range h.mustDo(200, "GET", "/api/users", "").JSON["items"].([]any) {
			m := u.(map[string]any)
			ids[strings.TrimSuffix(m["email"].(string), "@demo.example.com")] = m["id"].(string)
		}

		// Leads from the south in SaaS go to the south SaaS team in turn.
		owners := map[string]int{}
		var leadID, leadOwner string
		for i := 0; i < 3; i++ {
			r := h.mustDo(201, "POST", "/api/records/lead", fmt.Sprintf(`{"company":"Sunrise %d","region":"south","industry":"SaaS","source":"referral","email":"s%d@sunrise.example.com"}`, i, i))
			owners[r.JSON["owner"].(string)]++
			leadID, leadOwner = r.JSON["id"].(string), r.JSON["owner"].(string)
			if r.JSON["score"] != float64(60) {
				t.Errorf("score %v", r.JSON["score"])
			}
		}
		if owners[ids["lin"]] != 1 || owners[ids["chen"]] != 1 || owners[ids["wang"]] != 1 {
			t.Fatalf("round robin: %v", owners)
		}
		rep := ""
		for name, id := range ids {
			if id == leadOwner {
				rep = name
			}
		}
		asRep := h.as(rep)
		h.mustDo(404, "GET", "/api/records/lead/"+leadID, "", h.as("li")...) // another team's rep

		// The owner converts it: account, contact and opportunity, linked, and the lead marked.
		h.mustDo(200, "POST", "/api/records/lead/"+leadID+"/automations/convert_lead", "", asRep...)
		lead := h.mustDo(200, "GET", "/api/records/lead/"+leadID, "", asRep...)
		if lead.JSON["status"] != "converted" {
			t.Fatalf("converted lead: %s", lead.Text)
		}
		oppID := lead.JSON["converted_opportunity"].(string)
		opp := h.mustDo(200, "GET", "/api/records/opportunity/"+oppID, "", asRep...)
		contact := h.mustDo(200, "GET", "/api/records/contact/"+lead.JSON["converted_contact"].(string), "", asRep...)
		if opp.JSON["account"] != lead.JSON["converted_account"] || contact.JSON["account"] != lead.JSON["converted_account"] ||
			opp.JSON["contact"] != contact.JSON["id"] || opp.JSON["owner"] != leadOwner {
			t.Fatalf("conversion links: opportunity %s contact %s", opp.Text, contact.Text)
		}
		if again := h.mustDo(200, "POST", "/api/records/lead/"+leadID+"/automations/convert_lead", "", asRep...); again.JSON["result"] != "skipped" {
			t.Errorf("a converted lead converted again: %s", again.Text)
		}

		// Through the stages with If-Match; probability and weighted amount follow.
		for _, st := range []struct {
			stage    string
			prob     float64
			weighted float64
		}{{"needs_analysis", 25, 20000}, {"proposal", 50, 40000}, {"negotiation", 75, 60000}, {"won", 100, 80000}} {
			cur := h.mustDo(200, "GET", "/api/records/opportunity/"+oppID, "", asRep...)
			r := h.mustDo(200, "PATCH", "/api/records/opportunity/"+oppID, fmt.Sprintf(`{"stage":%q,"amount":"80000"}`, st.stage),
				append(asRep, "If-Match", cur.Header.Get("ETag"))...)
			if r.JSON["probability"] != st.prob || r.JSON["weighted_amount"] != st.weighted {
				t.Errorf("%s: %s", st.stage, r.Text)
			}
		}
		zhou := h.mustDo(200, "GET", "/api/records/opportunity/"+oppID, "", h.as("zhou")...) // the manager sees the team's
		if zhou.JSON["stage"] != "won" {
			t.Errorf("manager's view: %s", zhou.Text)
		}

		// A contract of 80,000 goes through two levels of approval (the rep's manager, then the
		// finance director) while its edits are refused, then is approved and editable again.
		asLin, asZhou, asFang := h.as("lin"), h.as("zhou"), h.as("fang")
		c := h.mustDo(201, "POST", "/api/records/contract", `{"name":"Acme support 2027","amount":"80000","status":"draft"}`, asLin...)
		cid := c.JSON["id"].(string)
		h.mustDo(201, "POST", "/api/records/contract/"+cid+"/approvals", `{"comment":"standard terms"}`, asLin...)
		inbox := func(who []string) string {
			for _, it := range h.mustDo(200, "GET", "/api/approvals?assigned=me&status=open", "", who...).JSON["items"].([]any) {
				if m := it.(map[string]any); m["record"] == cid {
					// The amount entered, not the collections the contract computes.
					if got := fmt.Sprint(m["amounts"]); got != "map[amount:80000]" {
						t.Errorf("the contract's amounts in the inbox: %s", got)
					}
					return m["approval"].(string)
				}
			}
			return ""
		}
		if inbox(asFang) != "" {
			t.Fatal("finance was asked before the area manager")
		}
		aid := inbox(asZhou)
		if aid == "" {
			t.Fatal("the area manager has no task")
		}
		if r := h.mustDo(409, "PATCH", "/api/records/contract/"+cid, `{"amount":"90000"}`, asLin...); r.JSON["error"].(map[string]any)["code"] != "record_locked" {
			t.Fatalf("edit while pending: %s", r.Text)
		}
		h.mustDo(200, "POST", "/api/approvals/"+aid+"/approve", `{"comment":"ok"}`, asZhou...)
		if inbox(asFang) != aid {
			t.Fatal("the finance director has no task after the first approval")
		}
		h.mustDo(409, "PATCH", "/api/records/contract/"+cid, `{"amount":"90000"}`, asLin...)
		h.mustDo(200, "POST", "/api/approvals/"+aid+"/approve", `{"comment":"budget fits"}`, asFang...)
		if got := h.mustDo(200, "GET", "/api/records/contract/"+cid, "", asLin...); got.JSON["status"] != "approved" {
			t.Fatalf("approved contract: %s", got.Text)
		}
		h.mustDo(200, "PATCH", "/api/records/contract/"+cid, `{"end_date":"2027-12-31"}`, asLin...)
		timeline := h.mustDo(200, "GET", "/api/records/contract/"+cid+"/approvals", "", asLin...).Text
		for _, want := range []string{"area_manager", "finance_director", "budget fits"} {
			if !strings.Contains(timeline, want) {
				t.Errorf("timeline lacks %s: %s", want, timeline)
			}
		}

		// A recalled submission puts the contract back to draft, ready to submit again.
		c2 := h.mustDo(201, "POST", "/api/records/contract", `{"name":"Acme training","amount":"5000"}`, asLin...)
		sub := h.mustDo(201, "POST", "/api/records/contract/"+c2.JSON["id"].(string)+"/approvals", `{}`, asLin...)
		if got := h.mustDo(200, "GET", "/api/records/contract/"+c2.JSON["id"].(string), "", asLin...); got.JSON["status"] != "pending" {
			t.Fatalf("submitted contract: %s", got.Text)
		}
		h.mustDo(200, "POST", "/api/approvals/"+sub.JSON["id"].(string)+"/recall", `{"comment":"wrong amount"}`, asLin...)
		if got := h.mustDo(200, "GET", "/api/records/contract/"+c2.JSON["id"].(string), "", asLin...); got.JSON["status"] != "draft" {
			t.Fatalf("recalled contract: %s", got.Text)
		}

		// A VIP returns ticket goes to the user with the returns skill; at Friday 17:00 it is due
		// Tuesday 12:00 (12 business hours, lunch excluded).
		asSun := h.as("sun")
		tk := h.mustDo(201, "POST", "/api/records/ticket", `{"subject":"Two scanners arrived broken","priority":"vip","category":"returns","status":"new"}`, asSun...)
		tid := tk.JSON["id"].(string)
		if tk.JSON["owner"] != ids["sun"] || tk.JSON["sla_due_at"] != "2026-11-24T04:00:00.000Z" {
			t.Fatalf("VIP ticket: %s", tk.Text)
		}
		// A normal ticket of a VIP account is VIP too: the policy reads the account (the seeds'
		// "VIP customers: 12 h response"); a normal ticket of another account is standard.
		accounts := h.mustDo(200, "GET", `/api/records/account?filter=vip%20%3D%20true&limit=1`, "").JSON["items"].([]any)
		vipAccount := accounts[0].(map[string]any)["id"].(string)
		normal := h.mustDo(201, "POST", "/api/records/ticket", `{"subject":"Login page slow","priority":"normal","category":"technical","status":"new","account":"`+vipAccount+`"}`, asSun...)
		if got := h.mustDo(200, "GET", "/api/records/ticket/"+normal.JSON["id"].(string)+"/sla", ""); !strings.Contains(got.Text, `"policy":"vip_tickets"`) {
			t.Fatalf("a normal ticket of a VIP account: %s", got.Text)
		}
		plain := h.mustDo(201, "POST", "/api/records/ticket", `{"subject":"Printer jam","priority":"normal","category":"technical","status":"new"}`, asSun...)
		if got := h.mustDo(200, "GET", "/api/records/ticket/"+plain.JSON["id"].(string)+"/sla", ""); strings.Contains(got.Text, `"policy":"vip_tickets"`) {
			t.Fatalf("a normal ticket without an account: %s", got.Text)
		}
		// count tells how many of a user's notifications about the ticket say one of the phrases
		// (demo users read Chinese or English).
		count := func(who []string, phrases ...string) int {
			n := 0
			for _, it := range h.mustDo(200, "GET", "/api/notifications", "", who...).JSON["items"].([]any) {
				m := it.(map[string]any)
				for _, p := range phrases {
					if m["record"] == tid && strings.Contains(m["title"].(string), p) {
						n++
					}
				}
			}
			return n
		}
		breach := []string{"first response overdue", "首次响应已超时"}
		takeOver := []string{"please take over", "请主管介入"}
		tick := func() {
			for i := 0; i < 3; i++ {
				if _, err := h.engine.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		clock.Advance(3*24*time.Hour + 19*time.Hour + time.Minute) // Tuesday 12:01 in Shanghai
		tick()
		s := h.mustDo(200, "GET", "/api/records/ticket/"+tid+"/sla", "", asSun...)
		if !strings.Contains(s.Text, `"status":"breached"`) || !strings.Contains(s.Text, `"policy":"vip_tickets"`) {
			t.Fatalf("after the due time: %s", s.Text)
		}
		tick()
		if n := count(h.as("qian"), breach...); n != 1 {
			t.Errorf("the manager was told %d times of the breach", n)
		}
		if n := count(asSun, breach...); n != 1 {
			t.Errorf("the owner was told %d times of the breach", n)
		}
		// Two business hours after the breach (lunch excluded: 15:00) the support leads are told.
		clock.Advance(2*time.Hour + 30*time.Minute)
		tick()
		if count(h.as("qian"), takeOver...) != 0 {
			t.Error("escalated to the support leads before two business hours")
		}
		clock.Advance(time.Hour)
		tick()
		tick()
		if n := count(h.as("qian"), takeOver...); n != 1 {
			t.Errorf("the support leads were told %d times", n)
		}
		list := h.mustDo(200, "GET", `/api/records/ticket?filter=sla_status%20%3D%20%22breached%22`, "", asSun...)
		if !strings.Contains(list.Text, tid) {
			t.Errorf("breached tickets: %s", list.Text)
		}
	})
}
