package api_test

import (
	"strings"
	"testing"
)

// flsAccountDef has two fields hidden from sales (annual_revenue, vip), a formula over one of them
// (so hidden too) and a visible field whose conditions read them.
const flsAccountDef = `{"name":"account","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"annual_revenue","type":"currency","currency":"CNY"},
 {"name":"vip","type":"boolean","indexed":true},
 {"name":"probability","type":"percent"},
 {"name":"weighted","type":"formula","result_type":"currency","currency":"CNY","expression":"annual_revenue * probability / 100"},
 {"name":"weighted_twice","type":"formula","result_type":"currency","currency":"CNY","expression":"weighted * 2","indexed":true},
 {"name":"tier","type":"text","visible_when":"vip","required_when":"annual_revenue > 1000000","read_only_when":"old.vip"},
 {"name":"notes","type":"text"}]}`

// flsSetup defines the account, hides annual_revenue and vip from sales and returns the rep's
// headers and a rep-owned account the admin gave a revenue of 2,000,000 and vip. An automation,
// when given, is saved before that change.
func flsSetup(h *harness, automation ...string) (rep []string, id string) {
	h.t.Helper()
	h.mustDo(201, "POST", "/api/meta/objects", flsAccountDef)
	for _, a := range automation {
		h.mustDo(201, "POST", "/api/meta/automations", a)
	}
	h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"account":{"annual_revenue":"hidden","vip":"hidden"}}}`)
	rep = []string{"Authorization", "Bearer " + h.userToken}
	id = h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme","probability":50}`, rep...).JSON["id"].(string)
	h.mustDo(200, "PATCH", "/api/records/account/"+id, `{"annual_revenue":"2000000","vip":true,"tier":"gold"}`)
	return rep, id
}

// notIn fails when the text holds any of the words.
func notIn(t *testing.T, what, text string, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(text, w) {
			t.Errorf("%s shows %s to a rep: %s", what, w, text)
		}
	}
}

func TestFLSRunLog(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, id := flsSetup(h, `{"name":"big","object":"account","trigger":{"type":"updated"},
		 "condition":"annual_revenue > 1000000 && vip && old.vip != vip","actions":[{"type":"update","values":{"notes":"\"big\""}}]}`)
		r := h.mustDo(200, "GET", "/api/records/account/"+id+"/runs", "", rep...)
		if !strings.Contains(r.Text, `"automation":"big"`) || !strings.Contains(r.Text, `"withheld":true`) {
			t.Errorf("runs: %s", r.Text)
		}
		notIn(t, "the run log", r.Text, "annual_revenue", "2000000", "vip", `"inputs":`, `"result":`, `"actions":`)
		if r := h.mustDo(200, "GET", "/api/records/account/"+id+"/runs", ""); !strings.Contains(r.Text, `"annual_revenue":"2000000`) {
			t.Errorf("admin runs lack the inputs: %s", r.Text)
		}
	})
}

func TestFLSFormulaOverHiddenField(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, id := flsSetup(h)
		if r := h.mustDo(200, "GET", "/api/records/account/"+id, ""); !strings.Contains(r.Text, `"weighted":1000000`) {
			t.Fatalf("admin read: %s", r.Text)
		}
		runScenarios(t, h, []scenario{
			{Name: "read", Method: "GET", URL: "/api/records/account/" + id, Headers: rep, ExpectedStatus: 200,
				ExpectedContent: []string{`"probability":50`}, NotExpectedContent: []string{"weighted", "1000000"}},
			{Name: "list", Method: "GET", URL: "/api/records/account", Headers: rep, ExpectedStatus: 200,
				ExpectedContent: []string{`"Acme"`}, NotExpectedContent: []string{"weighted", "1000000"}},
			{Name: "filter", Method: "GET", URL: listURL("account", "filter", "weighted > 1"), Headers: rep, ExpectedStatus: 400,
				ExpectedContent: []string{`unknown field \"weighted\"`}},
			{Name: "sort", Method: "GET", URL: listURL("account", "sort", "weighted_twice"), Headers: rep, ExpectedStatus: 400,
				ExpectedContent: []string{`unknown field \"weighted_twice\"`}},
			{Name: "form", Method: "GET", URL: "/api/forms/account", Headers: rep, ExpectedStatus: 200,
				ExpectedContent: []string{`"probability"`}, NotExpectedContent: []string{"weighted"}},
		})
	})
}

func TestFLSEvaluate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, big := flsSetup(h)
		small := h.mustDo(201, "POST", "/api/records/account", `{"name":"Tiny","probability":50}`, rep...).JSON["id"].(string)
		h.mustDo(200, "PATCH", "/api/records/account/"+small, `{"vip":true,"tier":"gold"}`) // tier applies to VIPs only
		// The form names no hidden field, not even in a condition's text.
		notIn(t, "the form", h.mustDo(200, "GET", "/api/forms/account", "", rep...).Text, "annual_revenue", "vip", "weighted")
		// The two accounts differ only in hidden fields: the rep must be told the same of both.
		for _, values := range []string{`{}`, `{"tier":"silver"}`, `{"vip":true}`, `{"annual_revenue":"2000000"}`} {
			var got [2]string
			for i, id := range []string{big, small} {
				got[i] = h.mustDo(200, "POST", "/api/forms/account/evaluate", `{"id":"`+id+`","values":`+values+`}`, rep...).Text
				got[i] = strings.ReplaceAll(got[i], map[int]string{0: "Acme", 1: "Tiny"}[i], "NAME")
			}
			if got[0] != got[1] {
				t.Errorf("evaluate %s tells the hidden fields apart:\n%s\n%s", values, got[0], got[1])
			}
			notIn(t, "evaluate", got[0], "annual_revenue", "vip", "weighted", "2000000")
		}
	})
}

func TestFLSHistory(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, id := flsSetup(h)
		h.mustDo(200, "PATCH", "/api/records/account/"+id, `{"annual_revenue":"3000000"}`)
		r := h.mustDo(200, "GET", "/api/records/account/"+id+"/history", "", rep...)
		// created by the rep, and the admin's first change (tier is visible); not the second.
		if n := len(r.JSON["items"].([]any)); n != 2 {
			t.Errorf("history has %d entries, want 2: %s", n, r.Text)
		}
		notIn(t, "the history", r.Text, "annual_revenue", "vip", "weighted", "3000000", `"ip"`)
		a := h.mustDo(200, "GET", "/api/records/account/"+id+"/history", "")
		if n := len(a.JSON["items"].([]any)); n != 3 || !strings.Contains(a.Text, `"ip":"127.0.0.1"`) {
			t.Errorf("admin history: %s", a.Text)
		}
	})
}

func TestFLSExpressionCheck(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, _ := flsSetup(h)
		check := func(expr, kind string, who ...string) string {
			body := `{"object":"account","kind":"` + kind + `","type":"currency","expression":"` + strings.ReplaceAll(expr, `"`, `\"`) + `"}`
			return h.mustDo(200, "POST", "/api/meta/expressions/check", body, who...).Text
		}
		// A hidden name answers exactly as an unknown one of the same length.
		for _, c := range []struct{ hidden, unknown, kind string }{
			{"annual_revenue > 1", "annual_revenux > 1", "condition"},
			{"vip", "vix", "condition"},
			{"old.vip", "old.vix", "condition"},
			{`changed("vip")`, `changed("vix")`, "condition"},
			{"weighted * 2", "weighxed * 2", "formula"},
			{"probability > 1 && annual_revenue > 1", "probability > 1 && annual_revenux > 1", "condition"},
		} {
			got := check(c.hidden, c.kind, rep...)
			want := check(c.unknown, c.kind, rep...)
			if !strings.Contains(want, `"ok":false`) {
				t.Fatalf("%s is known: %s", c.unknown, want)
			}
			for _, pair := range [][2]string{{"annual_revenux", "annual_revenue"}, {"vix", "vip"}, {"weighxed", "weighted"}} {
				want = strings.ReplaceAll(want, pair[0], pair[1])
			}
			if got != want {
				t.Errorf("%s: %s, an unknown name: %s", c.hidden, got, want)
			}
			if r := check(c.hidden, c.kind); !strings.Contains(r, `"ok":true`) {
				t.Errorf("admin %s: %s", c.hidden, r)
			}
		}
	})
}

func TestFLSSharedView(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, _ := flsSetup(h)
		h.mustDo(201, "POST", "/api/views", `{"object":"account","name":"Big","columns":["name","weighted"],
		 "filter":"annual_revenue > 1500000","sort":"-vip","kanban_field":"","shared":true}`)
		h.mustDo(201, "POST", "/api/views", `{"object":"account","name":"Half","columns":["name"],"filter":"probability >= 50","shared":true}`)
		r := h.mustDo(200, "GET", "/api/views?object=account", "", rep...)
		notIn(t, "a shared view", r.Text, "annual_revenue", "1500000", "vip", "weighted")
		if !strings.Contains(r.Text, `"withheld":["filter","sort"]`) || !strings.Contains(r.Text, `"filter":"probability \u003e= 50"`) {
			t.Errorf("views: %s", r.Text)
		}
		if a := h.mustDo(200, "GET", "/api/views?object=account", ""); !strings.Contains(a.Text, `annual_revenue \u003e 1500000`) || strings.Contains(a.Text, "withheld") {
			t.Errorf("admin views: %s", a.Text)
		}
	})
}

// TestFLSReferenceThroughLookup: a formula of another object reading a field hidden from sales on
// the account through a lookup is hidden from sales like a formula over the field itself.
func TestFLSReferenceThroughLookup(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, acc := flsSetup(h)
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"deal","fields":[{"name":"title","type":"text"},
		 {"name":"account","type":"lookup","target":"account"},
		 {"name":"account_revenue","type":"formula","result_type":"currency","currency":"CNY","expression":"account.annual_revenue"},
		 {"name":"account_notes","type":"formula","result_type":"text","expression":"account.notes"}]}`)
		id := h.mustDo(201, "POST", "/api/records/deal", `{"title":"Renewal","account":"`+acc+`"}`, rep...).JSON["id"].(string)
		if r := h.mustDo(200, "GET", "/api/records/deal/"+id, ""); !strings.Contains(r.Text, `"account_revenue":2000000`) {
			t.Fatalf("admin read: %s", r.Text)
		}
		r := h.mustDo(200, "GET", "/api/records/deal/"+id, "", rep...)
		notIn(t, "a deal", r.Text, "account_revenue", "2000000")
		if !strings.Contains(r.Text, `"title":"Renewal"`) {
			t.Errorf("rep read: %s", r.Text)
		}
	})
}
