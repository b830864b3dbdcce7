package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"crm/internal/testenv"
)

// widget finds a widget's data in a dashboard data answer.
func widget(t *testing.T, r response, name string) map[string]any {
	t.Helper()
	ws, _ := r.JSON["widgets"].([]any)
	for _, w := range ws {
		if m := w.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no widget %q in %s", name, r.Text)
	return nil
}

// column lists one member of every group of a widget, as JSON text.
func column(w map[string]any, member string) string {
	var out []any
	gs, _ := w["groups"].([]any)
	for _, g := range gs {
		out = append(out, g.(map[string]any)[member])
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// TestDashboardsDemo: the default template's dashboards computed for a sales rep count only her
// records, for her manager the team's; definitions are checked at save with pointers, and only
// analysts and admins define them.
func TestDashboardsDemo(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := templateHarness(t, b, newTestClock())
		lin, zhou := h.as("lin"), h.as("zhou")

		r := h.mustDo(200, "GET", "/api/dashboards/sales/data", "", lin...)
		p := widget(t, r, "pipeline")
		if got := column(p, "count"); got != `[0,0,1,1,0]` {
			t.Errorf("lin's funnel counts %s", got)
		}
		if got := column(p, "sum_amount"); got != `[0,0,24000,86000,0]` {
			t.Errorf("lin's funnel amounts %s", got)
		}
		if got := column(p, "conversion"); got != `[1,1,0.5,0,null]` {
			t.Errorf("lin's funnel conversion %s", got)
		}
		// Her own lead and the two the demo puts in the lead pool, which she may see as a member.
		if got := column(widget(t, r, "lead_sources"), "count"); got != `[1,1,1]` {
			t.Errorf("lin's lead sources %s", got)
		}
		if got := column(widget(t, r, "by_owner"), "labels"); got != `[{"owner":"Lin Wei"}]` {
			t.Errorf("lin's owners %s", got)
		}

		r = h.mustDo(200, "GET", "/api/dashboards/sales/data", "", zhou...)
		p = widget(t, r, "pipeline")
		if got := column(p, "count"); got != `[1,1,1,1,1]` {
			t.Errorf("zhou's funnel counts %s", got)
		}
		if got := column(p, "conversion"); got != `[0.8,0.75,0.6667,0.5,null]` {
			t.Errorf("zhou's funnel conversion %s", got)
		}
		if got := column(widget(t, r, "lead_sources"), "count"); got != `[1,1,1,2,2]` { // with the pool's two
			t.Errorf("zhou's lead sources %s", got)
		}
		if got := column(widget(t, r, "by_owner"), "count"); got != `[2,2,1]` && got != `[2,1,2]` && got != `[1,2,2]` {
			t.Errorf("zhou's owners %s", got) // ordered by user id, which the demo makes afresh
		}

		// The report widget (pipeline by account industry and stage, lost left out) counts what
		// the funnel counts for each reader, under the same access.
		for who, want := range map[string]string{"lin": `[2,"110000.00"]`, "zhou": reportTotals(widget(t, r, "pipeline"))} {
			d := h.mustDo(200, "GET", "/api/dashboards/sales/data", "", h.as(who)...)
			res, _ := widget(t, d, "pipeline_by_industry")["result"].(map[string]any)
			if got, _ := json.Marshal(res["totals"]); string(got) != want {
				t.Errorf("%s's pipeline by industry: totals %s, want %s: %s", who, got, want, d.Text)
			}
		}

		// SLA compliance over the tickets each reader sees: the support lead all three, a support
		// rep her own, a sales rep none (no compliance to show).
		r = h.mustDo(200, "GET", "/api/dashboards/support/data", "", h.as("qian")...)
		if w := widget(t, r, "sla_compliance"); column(w, "count") != `[1,2]` || w["compliance"] != 1.0 {
			t.Errorf("qian's SLA: %s", r.Text)
		}
		r = h.mustDo(200, "GET", "/api/dashboards/support/data", "", h.as("sun")...)
		if w := widget(t, r, "sla_compliance"); column(w, "count") != `[1,1]` {
			t.Errorf("sun's SLA: %s", r.Text)
		}
		r = h.mustDo(200, "GET", "/api/dashboards/support/data", "", lin...)
		if w := widget(t, r, "sla_compliance"); column(w, "count") != `null` || w["compliance"] != nil {
			t.Errorf("lin's SLA: %s", r.Text)
		}

		// The playbook's dashboards: the pools as a rep sees them, receivables as finance does
		// (the Initech pilot: 8,000, of which 5,500 received in two payments).
		r = h.mustDo(200, "GET", "/api/dashboards/pools/data", "", lin...)
		if got := column(widget(t, r, "leads_in_pool"), "count"); got != `[2]` {
			t.Errorf("lin's leads in the pool %s", got)
		}
		if got := column(widget(t, r, "accounts_in_pool"), "count"); got != `[0]` {
			t.Errorf("lin's accounts in the pool %s", got)
		}
		r = h.mustDo(200, "GET", "/api/dashboards/pools/data", "", zhou...)
		if got := column(widget(t, r, "leads_by_owner"), "labels"); !strings.Contains(got, `{"owner":"Lead pool"}`) {
			t.Errorf("the pool is not named among the holders: %s", got)
		}
		for i := 0; i < 3; i++ { // the demo's roll-ups, as the server's scheduler would fold them
			h.tick()
		}
		r = h.mustDo(200, "GET", "/api/dashboards/receivables/data", "", h.as("fang")...)
		tot := widget(t, r, "receivable_totals")
		if got := column(tot, "sum_amount") + column(tot, "sum_received") + column(tot, "sum_outstanding"); got != `[8000][5500][2500]` {
			t.Errorf("finance's receivables %s: %s", got, r.Text)
		}
		if got := column(widget(t, r, "payments_by_method"), "sum_amount"); got != `[1500,4000]` && got != `[4000,1500]` {
			t.Errorf("finance's payments by method %s", got)
		}

		good := `{"name":"mine","widgets":[{"name":"won","type":"number","object":"opportunity","measures":["sum:amount"],"filter":"stage = \"won\""}]}`
		runScenarios(t, h, []scenario{
			{Name: "sales rep may not define", Method: "POST", URL: "/api/meta/dashboards", Body: good, Headers: lin, ExpectedStatus: 403},
			{Name: "analyst defines", Method: "POST", URL: "/api/meta/dashboards", Body: good, Headers: h.as("ana"), ExpectedStatus: 201,
				ExpectedContent: []string{`"version":1`}},
			{Name: "everyone reads", Method: "GET", URL: "/api/meta/dashboards", Headers: lin, ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"mine"`, `"name":"sales"`, `"name":"support"`}},
			{Name: "data for the rep", Method: "GET", URL: "/api/dashboards/mine/data", Headers: lin, ExpectedStatus: 200,
				ExpectedContent: []string{`"groups":[{"key":{},"sum_amount":0.00}]`}},
			{Name: "data for the manager", Method: "GET", URL: "/api/dashboards/mine/data", Headers: zhou, ExpectedStatus: 200,
				ExpectedContent: []string{`"groups":[{"key":{},"sum_amount":8000.00}]`}},
			{Name: "problems with pointers", Method: "PUT", URL: "/api/meta/dashboards/mine", ExpectedStatus: 422,
				Body: `{"widgets":[{"name":"a","type":"funnel","object":"opportunity","group_by":["owner"]},
				  {"name":"a","type":"gauge","object":"opportunity"},
				  {"name":"c","type":"bar","object":"nope","group_by":["x"]},
				  {"name":"d","type":"funnel","object":"opportunity","group_by":["stage"],"order":["won","signed"],"measures":["sum:name"],"filter":"amount >"}]}`,
				ExpectedContent: []string{`"/widgets/0/group_by/0"`, `"/widgets/1/name"`, `"/widgets/1/type"`, `"/widgets/2/object"`,
					`"/widgets/3/order/1"`, `"/widgets/3/measures/0"`, `"/widgets/3/filter"`},
				NotExpectedContent: []string{`"/widgets/3/order/0"`}},
			{Name: "unknown dashboard", Method: "GET", URL: "/api/dashboards/nope/data", ExpectedStatus: 404,
				ExpectedContent: []string{`"code":"dashboard_not_found"`}},
			{Name: "delete", Method: "DELETE", URL: "/api/meta/dashboards/mine", Headers: h.as("ana"), ExpectedStatus: 204},
		})
	})
}

// TestDashboardFilters: a reading of a dashboard narrows every widget to a period of creation, an
// owner or a team's members, within what the reader may see; an unknown date, user or team is
// refused, not read as "nothing".
func TestDashboardFilters(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := templateHarness(t, b, newTestClock()) // the demo is created on 2026-11-23
		lin, zhou := h.as("lin"), h.as("zhou")
		linID := h.mustDo(200, "GET", "/api/auth/me", "", lin...).JSON["id"].(string)
		counts := func(query string) string {
			r := h.mustDo(200, "GET", "/api/dashboards/sales/data"+query, "", zhou...)
			return column(widget(t, r, "pipeline"), "count")
		}
		all := counts("")
		if all != `[1,1,1,1,1]` {
			t.Fatalf("zhou's funnel: %s", all)
		}
		for query, want := range map[string]string{
			"?owner=" + linID:                   `[0,0,1,1,0]`,
			"?from=2026-11-23&to=2026-11-23":    all, // both days included
			"?from=2026-11-24":                  `[0,0,0,0,0]`,
			"?to=2026-11-22":                    `[0,0,0,0,0]`,
			"?team=inside_sales&owner=" + linID: `[0,0,0,0,0]`, // lin is not in inside sales
		} {
			if got := counts(query); got != want {
				t.Errorf("%s: %s, want %s", query, got, want)
			}
		}
		// A team narrows to its members' records: lin's two among them, never more than zhou sees.
		team := h.mustDo(200, "GET", "/api/dashboards/sales/data?team=south_saas", "", zhou...)
		var n float64
		for _, c := range widget(t, team, "pipeline")["groups"].([]any) {
			n += c.(map[string]any)["count"].(float64)
		}
		if n < 2 || n > 5 {
			t.Errorf("south_saas: %v records", n)
		}
		// A rep narrowing to someone else's records still sees only her own: none.
		r := h.mustDo(200, "GET", "/api/dashboards/sales/data?team=inside_sales", "", lin...)
		if got := column(widget(t, r, "pipeline"), "count"); got != `[0,0,0,0,0]` {
			t.Errorf("lin narrowed to inside sales: %s", got)
		}
		for _, q := range []string{"?from=23.11.2026", "?to=tomorrow", "?owner=nobody", "?team=nosuchteam"} {
			r := h.mustDo(400, "GET", "/api/dashboards/sales/data"+q, "", zhou...)
			if e, _ := r.JSON["error"].(map[string]any); e["code"] != "invalid_filter" {
				t.Errorf("%s: %s", q, r.Text)
			}
		}
	})
}

// reportTotals is a funnel's count and amount summed over its stages, as a report's totals.
func reportTotals(funnel map[string]any) string {
	var n, amount float64
	for _, g := range funnel["groups"].([]any) {
		m := g.(map[string]any)
		n += m["count"].(float64)
		amount += m["sum_amount"].(float64)
	}
	return fmt.Sprintf(`[%d,"%.2f"]`, int(n), amount)
}
