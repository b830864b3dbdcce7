package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"crm/internal/testenv"
)

// activityPage reads one page of a record's timeline.
func (h *harness) activityPage(object, id, before string, limit int, who []string) (items []map[string]any, next string) {
	h.t.Helper()
	u := fmt.Sprintf("/api/records/%s/%s/activity?limit=%d&before=%s", object, id, limit, url.QueryEscape(before))
	r := h.mustDo(200, "GET", u, "", who...)
	for _, it := range r.JSON["items"].([]any) {
		items = append(items, it.(map[string]any))
	}
	next, _ = r.JSON["next_cursor"].(string)
	return items, next
}

// activityKeys names the items of a timeline: "follow_up:<subject>", "change:<fields>", "approval".
func activityKeys(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		switch it["kind"] {
		case "record":
			rec := it["record"].(map[string]any)
			out = append(out, fmt.Sprintf("%s:%v", it["object"], rec["subject"]))
		case "change":
			ch := it["change"].(map[string]any)
			var fields []string
			if c, ok := ch["changes"].(map[string]any); ok && ch["action"] == "record_updated" {
				for f := range c {
					fields = append(fields, f)
				}
			}
			out = append(out, fmt.Sprintf("%s:%s", ch["action"], strings.Join(fields, ",")))
		default:
			out = append(out, fmt.Sprint(it["kind"]))
		}
	}
	return out
}

// TestFollowUpStampsParentAndTimeline: a rep logs a call on an account she may read but not
// edit; the template's automation stamps the account's last contact (as the automation's actor,
// the system); the account's timeline merges follow-ups and field changes newest first, pages
// by a cursor that stays put when newer items arrive, and shows each reader only the follow-ups
// she may read and the fields she may see.
func TestFollowUpStampsParentAndTimeline(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		h := templateHarness(t, b, clock)
		lin, chen, zhou := h.as("lin"), h.as("chen"), h.as("zhou")

		// Sales reps may not see an account's revenue nor a follow-up's outcome.
		role := h.mustDo(200, "GET", "/api/roles/sales", "")
		var sales map[string]any
		if err := json.Unmarshal([]byte(role.Text), &sales); err != nil {
			t.Fatal(err)
		}
		sales["fields"] = map[string]any{"account": map[string]any{"annual_revenue": "hidden"}, "follow_up": map[string]any{"outcome": "hidden"}}
		body, _ := json.Marshal(map[string]any{"objects": sales["objects"], "fields": sales["fields"], "label": sales["label"]})
		h.mustDo(200, "PUT", "/api/roles/sales", string(body))

		acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Globex Timeline"}`, chen...).JSON["id"].(string)
		// Lin reads Chen's account (accounts are public to read) but may not change it.
		h.mustDo(200, "GET", "/api/records/account/"+acc, "", lin...)
		if r := h.do("PATCH", "/api/records/account/"+acc, `{"phone":"+86 1"}`, lin...); r.Status != 403 && r.Status != 404 {
			t.Fatalf("lin edits chen's account: %d %s", r.Status, r.Text)
		}

		clock.Advance(time.Hour)
		call := h.mustDo(201, "POST", "/api/records/follow_up", `{"kind":"call","subject":"Intro call","account":"`+acc+`"}`, lin...).JSON
		got := h.mustDo(200, "GET", "/api/records/account/"+acc, "").JSON
		if got["last_contacted_at"] != call["occurred_at"] || call["occurred_at"] == nil {
			t.Fatalf("last contact %v, want the call's %v", got["last_contacted_at"], call["occurred_at"])
		}

		clock.Advance(time.Hour)
		h.mustDo(201, "POST", "/api/records/follow_up", `{"kind":"visit","subject":"Site visit","outcome":"positive","account":"`+acc+`"}`, zhou...)
		clock.Advance(time.Hour)
		h.mustDo(200, "PATCH", "/api/records/account/"+acc, `{"annual_revenue":1000}`, zhou...)

		// The manager sees everything, newest first; a follow-up before the stamp it caused.
		all, _ := h.activityPage("account", acc, "", 50, zhou)
		want := []string{"record_updated:annual_revenue", "follow_up:Site visit", "record_updated:last_contacted_at",
			"follow_up:Intro call", "record_updated:last_contacted_at", "record_created:"}
		if k := activityKeys(all); strings.Join(k, " | ") != strings.Join(want, " | ") {
			t.Fatalf("manager's timeline\n got %v\nwant %v", k, want)
		}
		if !strings.Contains(fmt.Sprint(all[1]["record"]), "positive") {
			t.Errorf("the manager sees the outcome: %v", all[1]["record"])
		}
		// Lin sees her own call, not her manager's visit, nor the revenue change, nor any outcome.
		mine, _ := h.activityPage("account", acc, "", 50, lin)
		want = []string{"record_updated:last_contacted_at", "follow_up:Intro call", "record_updated:last_contacted_at", "record_created:"}
		if k := activityKeys(mine); strings.Join(k, " | ") != strings.Join(want, " | ") {
			t.Fatalf("lin's timeline\n got %v\nwant %v", k, want)
		}
		raw, _ := json.Marshal(mine)
		if strings.Contains(string(raw), "outcome") || strings.Contains(string(raw), "annual_revenue") || strings.Contains(string(raw), "Site visit") {
			t.Errorf("lin sees what is hidden from her: %s", raw)
		}

		// Paging: five follow-ups at the very same moment, read two at a time, while newer
		// ones arrive between pages: every item once, in the order of the whole list.
		for i := 0; i < 5; i++ {
			h.mustDo(201, "POST", "/api/records/follow_up", fmt.Sprintf(`{"kind":"note","subject":"Note %d","account":"%s"}`, i, acc), zhou...)
		}
		whole, _ := h.activityPage("account", acc, "", 50, zhou)
		var paged []map[string]any
		before := ""
		for n := 0; ; n++ {
			items, next := h.activityPage("account", acc, before, 2, zhou)
			paged = append(paged, items...)
			if next == "" {
				break
			}
			if n == 0 {
				clock.Advance(time.Minute)
				h.mustDo(201, "POST", "/api/records/follow_up", `{"kind":"note","subject":"Later","account":"`+acc+`"}`, zhou...)
			}
			before = next
		}
		if a, b := strings.Join(activityKeys(paged), " | "), strings.Join(activityKeys(whole), " | "); a != b {
			t.Fatalf("paged timeline differs\n got %s\nwant %s", a, b)
		}

		// parent names a lookup of the automation's object, and only on an update.
		for _, c := range []struct{ body, want string }{
			{`{"type":"update","parent":"subject","values":{"last_contacted_at":"now()"}}`, `"pointer":"/actions/0/parent","code":"unknown_field"`},
			{`{"type":"update","parent":"account","values":{"stage":"\"won\""}}`, `"pointer":"/actions/0/values/stage","code":"unknown_field"`},
			{`{"type":"create","object":"task","parent":"account","values":{"subject":"\"x\""}}`, `"pointer":"/actions/0/parent","code":"invalid_option"`},
		} {
			r := h.mustDo(422, "POST", "/api/meta/automations", `{"name":"bad_parent","object":"follow_up","trigger":{"type":"created"},"actions":[`+c.body+`]}`)
			if !strings.Contains(r.Text, c.want) {
				t.Errorf("%s: %s", c.body, r.Text)
			}
		}

		h.mustDo(400, "GET", "/api/records/account/"+acc+"/activity?before=bm9wZQ", "", zhou...)
		h.mustDo(400, "GET", "/api/records/account/"+acc+"/activity?limit=0", "", zhou...)
		h.mustDo(404, "GET", "/api/records/account/nope0000000000000000000000/activity", "", zhou...)
	})
}
