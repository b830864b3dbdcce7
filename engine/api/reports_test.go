package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

// Accounts and opportunities are private: a rep reads her own. Sales may not see an
// opportunity's margin.
const (
	repAccountDef = `{"name":"acct","sharing":"private","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"industry","type":"picklist","label":{"en":"Industry","zh-CN":"行业"},"options":[
   {"value":"software","label":{"en":"Software","zh-CN":"软件"}},{"value":"retail","label":{"en":"Retail","zh-CN":"零售"}}]}]}`
	repOppDef = `{"name":"opp","sharing":"private","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"stage","type":"picklist","label":{"en":"Stage","zh-CN":"阶段"},"options":[
   {"value":"new","label":{"en":"New","zh-CN":"新建"}},{"value":"won","label":{"en":"Won","zh-CN":"赢单"}},{"value":"lost","label":{"en":"Lost","zh-CN":"输单"}}]},
 {"name":"amount","type":"currency","currency":"CNY","label":{"en":"Amount","zh-CN":"金额"}},
 {"name":"margin","type":"currency","currency":"CNY"},
 {"name":"close_date","type":"date"},
 {"name":"closed_at","type":"datetime"},
 {"name":"account","type":"lookup","target":"acct","indexed":true}]}`
	// pipelineReport: two rows (one a lookup path), a month column, a count and a sum.
	pipelineReport = `{"name":"pipe","label":{"en":"Pipeline"},"object":"opp","columns":["name","amount","stage","account.industry"],
 "rows":[{"field":"account.industry"},{"field":"stage"}],"column":{"field":"close_date","bucket":"month"},
 "measures":[{"op":"count"},{"op":"sum","field":"amount"}],"chart":"bar","sharing":"private"}`
)

// reportData creates the objects and seven opportunities (see the expectations in TestReports):
// anna owns A1 (software), A3 (retail) and o1, o2, o3, o7; ben owns A2 (retail) and o4, o5, o6.
func reportData(h *harness, tok map[string]string) {
	h.t.Helper()
	h.mustDo(201, "POST", "/api/meta/objects", repAccountDef)
	h.mustDo(201, "POST", "/api/meta/objects", repOppDef)
	h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"opp":{"margin":"hidden"}}}`)
	as := func(who string) []string { return []string{"Authorization", "Bearer " + tok[who]} }
	acct := func(who, name, industry string) string {
		return h.mustDo(201, "POST", "/api/records/acct", `{"name":"`+name+`","industry":"`+industry+`"}`, as(who)...).JSON["id"].(string)
	}
	a1, a2, a3 := acct("anna", "A1", "software"), acct("ben", "A2", "retail"), acct("anna", "A3", "retail")
	opp := func(who, name, stage, amount, account, closeDate, closedAt string) {
		body := fmt.Sprintf(`{"name":%q,"stage":%q,"amount":%q,"close_date":%q`, name, stage, amount, closeDate)
		if account != "" {
			body += `,"account":"` + account + `"`
		}
		if closedAt != "" {
			body += `,"closed_at":"` + closedAt + `"`
		}
		oid := h.mustDo(201, "POST", "/api/records/opp", body+"}", as(who)...).JSON["id"].(string)
		h.mustDo(200, "PATCH", "/api/records/opp/"+oid, `{"margin":"1.00"}`)
	}
	opp("anna", "o1", "new", "100.10", a1, "2026-01-15", "2026-01-31T20:00:00Z") // Shanghai: Feb 1st
	opp("anna", "o2", "won", "200.20", a1, "2026-02-10", "2026-02-01T01:00:00Z")
	opp("anna", "o3", "won", "50.00", a3, "2026-02-11", "")
	opp("ben", "o4", "new", "1000.00", a2, "2026-01-20", "")
	opp("ben", "o5", "won", "0.01", a2, "2026-03-01", "")
	opp("ben", "o6", "lost", "7.00", "", "2026-01-02", "")
	opp("anna", "o7", "won", "0.99", a3, "2026-02-20", "")
}

// runResult runs a report and decodes its result.
func runResult(h *harness, method, url, body string, headers ...string) map[string]any {
	h.t.Helper()
	return h.mustDo(200, method, url, body, headers...).JSON
}

// groupsText is a result's groups as "keys|column|values" lines, for exact comparison.
func groupsText(res map[string]any) string {
	var out []string
	for _, g := range res["groups"].([]any) {
		m := g.(map[string]any)
		col := ""
		if c, ok := m["column_key"]; ok {
			col = fmt.Sprint(c)
		}
		out = append(out, fmt.Sprintf("%v|%s|%v", m["keys"], col, m["values"]))
	}
	return strings.Join(out, "\n")
}

// drillEqualsGroup: each group's filter, given to the list, lists exactly its records.
func drillEqualsGroup(t *testing.T, h *harness, object string, res map[string]any, headers ...string) {
	t.Helper()
	for _, g := range res["groups"].([]any) {
		m := g.(map[string]any)
		want := m["values"].([]any)[0].(float64)
		r := h.mustDo(200, "GET", "/api/records/"+object+"?limit=200&filter="+url.QueryEscape(m["filter"].(string)), "", headers...)
		if got := len(r.JSON["items"].([]any)); float64(got) != want {
			t.Errorf("group %v %v: the list of its filter %q has %d records, the group counts %v", m["keys"], m["column_key"], m["filter"], got, want)
		}
	}
}

func TestReports(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, id := h.people()
		reportData(h, tok)
		as := func(who string) []string { return []string{"Authorization", "Bearer " + tok[who]} }

		// The admin's run: every record; the group without an industry (o6, no account) first,
		// industries and stages in option order, months as keys, money exact.
		admin := runResult(h, "POST", "/api/reports/run", pipelineReport)
		wantAdmin := strings.Join([]string{
			"[<nil> lost]|2026-01|[1 7.00]",
			"[software new]|2026-01|[1 100.10]",
			"[software won]|2026-02|[1 200.20]",
			"[retail new]|2026-01|[1 1000.00]",
			"[retail won]|2026-02|[2 50.99]",
			"[retail won]|2026-03|[1 0.01]",
		}, "\n")
		if got := groupsText(admin); got != wantAdmin {
			t.Errorf("admin groups:\n%s\nwant:\n%s", got, wantAdmin)
		}
		if got := fmt.Sprint(admin["totals"]); got != "[7 1358.30]" {
			t.Errorf("admin totals %s", got)
		}
		drillEqualsGroup(t, h, "opp", admin)

		// Anna reads her own four opportunities and accounts.
		anna := runResult(h, "POST", "/api/reports/run", pipelineReport, append(as("anna"), "Accept-Language", "zh-CN")...)
		wantAnna := strings.Join([]string{
			"[software new]|2026-01|[1 100.10]",
			"[software won]|2026-02|[1 200.20]",
			"[retail won]|2026-02|[2 50.99]",
		}, "\n")
		if got := groupsText(anna); got != wantAnna {
			t.Errorf("anna's groups:\n%s\nwant:\n%s", got, wantAnna)
		}
		if got := fmt.Sprint(anna["totals"]); got != "[4 351.29]" {
			t.Errorf("anna's totals %s", got)
		}
		drillEqualsGroup(t, h, "opp", anna, as("anna")...)
		raw, _ := json.Marshal(anna["groups"].([]any)[2])
		if !strings.Contains(string(raw), `"labels":["零售","赢单"]`) {
			t.Errorf("labels not in Chinese: %s", raw)
		}

		// A day bucket of an instant in the reader's zone: o1 and o2 fall on February 1st in
		// Shanghai, on two days in UTC.
		h.mustDo(200, "PATCH", "/api/users/"+id["anna"], `{"timezone":"Asia/Shanghai"}`)
		byDay := `{"name":"days","object":"opp","rows":[{"field":"closed_at","bucket":"day"}],"measures":[{"op":"count"}],"filter":"closed_at is not null"}`
		if got := groupsText(runResult(h, "POST", "/api/reports/run", byDay)); got != "[2026-01-31]||[1]\n[2026-02-01]||[1]" {
			t.Errorf("UTC days: %s", got)
		}
		shanghai := runResult(h, "POST", "/api/reports/run", byDay, as("anna")...)
		if got := groupsText(shanghai); got != "[2026-02-01]||[2]" {
			t.Errorf("Shanghai days: %s", got)
		}
		drillEqualsGroup(t, h, "opp", shanghai, as("anna")...)
		byWeek := `{"name":"weeks","object":"opp","rows":[{"field":"close_date","bucket":"quarter"},{"field":"close_date","bucket":"week"}],"measures":[{"op":"count"}]}`
		h.mustDo(422, "POST", "/api/reports/run", byWeek) // the same field twice
		weeks := runResult(h, "POST", "/api/reports/run", `{"name":"weeks","object":"opp","rows":[{"field":"close_date","bucket":"week"}],"measures":[{"op":"count"},{"op":"avg","field":"amount"},{"op":"min","field":"amount"},{"op":"max","field":"close_date"}]}`)
		if got := groupsText(weeks); got != "[2026-W01]||[1 7.00 7.00 2026-01-02]\n[2026-W03]||[1 100.10 100.10 2026-01-15]\n[2026-W04]||[1 1000.00 1000.00 2026-01-20]\n[2026-W07]||[2 125.10 50.00 2026-02-11]\n[2026-W08]||[1 0.99 0.99 2026-02-20]\n[2026-W09]||[1 0.01 0.01 2026-03-01]" {
			t.Errorf("weeks:\n%s", got)
		}
		drillEqualsGroup(t, h, "opp", weeks)

		// Saving, sharing and reading saved reports.
		h.t = t
		created := h.mustDo(201, "POST", "/api/reports", pipelineReport, as("anna")...)
		if created.JSON["owner"] != id["anna"] || created.JSON["version"] != float64(1) {
			t.Errorf("created: %s", created.Text)
		}
		h.mustDo(201, "POST", "/api/reports", `{"name":"team_pipe","object":"opp","rows":[{"field":"stage"}],"measures":[{"op":"count"}],"sharing":"team"}`, as("anna")...)
		h.mustDo(201, "POST", "/api/reports", `{"name":"all_pipe","object":"opp","rows":[{"field":"stage"}],"measures":[{"op":"count"}],"sharing":"everyone","owner":"someone-else"}`, as("ben")...)
		runScenarios(t, h, []scenario{
			{Name: "anna lists hers and the shared", Method: "GET", URL: "/api/reports", Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"pipe"`, `"name":"team_pipe"`, `"name":"all_pipe"`, `"owner":"` + id["ben"] + `"`}},
			{Name: "ben (another team) does not see anna's private or team report", Method: "GET", URL: "/api/reports", Headers: as("ben"), ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"all_pipe"`}, NotExpectedContent: []string{`"name":"pipe"`, `"name":"team_pipe"`}},
			{Name: "maria (anna's team) sees the team report, not the private one", Method: "GET", URL: "/api/reports", Headers: as("maria"), ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"team_pipe"`, `"name":"all_pipe"`}, NotExpectedContent: []string{`"name":"pipe"`}},
			{Name: "a private report is not found for another rep", Method: "GET", URL: "/api/reports/pipe", Headers: as("ben"), ExpectedStatus: 404,
				ExpectedContent: []string{`"code":"report_not_found"`}},
			{Name: "nor its data", Method: "GET", URL: "/api/reports/pipe/data", Headers: as("ben"), ExpectedStatus: 404},
			{Name: "the admin sees every one", Method: "GET", URL: "/api/reports", ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"pipe"`, `"name":"team_pipe"`, `"name":"all_pipe"`}},
			{Name: "a reader of a shared report may not change it", Method: "PUT", URL: "/api/reports/team_pipe", Headers: as("maria"),
				Body: `{"name":"team_pipe","object":"opp","measures":[{"op":"count"}],"sharing":"everyone"}`, ExpectedStatus: 403},
			{Name: "nor delete it", Method: "DELETE", URL: "/api/reports/all_pipe", Headers: as("anna"), ExpectedStatus: 403},
			{Name: "the owner changes it, keeping the owner", Method: "PUT", URL: "/api/reports/team_pipe", Headers: append(as("anna"), "If-Match", "1"),
				Body: `{"name":"team_pipe","object":"opp","rows":[{"field":"stage"}],"measures":[{"op":"count"}],"sharing":"team","owner":"x","version":1}`, ExpectedStatus: 200,
				ExpectedContent: []string{`"version":2`, `"owner":"` + id["anna"] + `"`}},
			{Name: "a stale version conflicts", Method: "PUT", URL: "/api/reports/team_pipe", Headers: append(as("anna"), "If-Match", "1"),
				Body: `{"name":"team_pipe","object":"opp","measures":[{"op":"count"}]}`, ExpectedStatus: 409},
			{Name: "an admin deletes any", Method: "DELETE", URL: "/api/reports/all_pipe", ExpectedStatus: 204},
			{Name: "the shared data is the reader's: maria sees her team's records", Method: "GET", URL: "/api/reports/team_pipe/data", Headers: as("maria"), ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[7]`}},
			{Name: "the saved data is the owner's own view for her", Method: "GET", URL: "/api/reports/pipe/data", Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[4,"351.29"]`, `"column":{"field":"close_date","bucket":"month"`}},
			{Name: "a dashboard filter by owner", Method: "GET", URL: "/api/reports/pipe/data?owner=" + id["ben"], ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[3,"1007.01"]`, `owner = \"` + id["ben"] + `\"`}},
			{Name: "a dashboard filter by team", Method: "GET", URL: "/api/reports/pipe/data?team=north", ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[4,"351.29"]`}},
			{Name: "a period of creation (this year: all of them)", Method: "GET", URL: "/api/reports/pipe/data?period=this_year", ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[7,"1358.30"]`, `created_at \u003e= `}},
			{Name: "an unknown period", Method: "GET", URL: "/api/reports/pipe/data?period=someday", ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_filter"`}},
			{Name: "a hidden field measured", Method: "POST", URL: "/api/reports/run", Headers: as("anna"),
				Body: `{"name":"m","object":"opp","measures":[{"op":"sum","field":"margin"}]}`, ExpectedStatus: 403,
				ExpectedContent: []string{`"code":"field_hidden"`}},
			{Name: "a hidden field as a detail column", Method: "POST", URL: "/api/reports/run/rows", Headers: as("anna"),
				Body: `{"name":"m","object":"opp","columns":["margin"],"measures":[{"op":"count"}]}`, ExpectedStatus: 403,
				ExpectedContent: []string{`"code":"field_hidden"`}},
			{Name: "the admin measures it", Method: "POST", URL: "/api/reports/run",
				Body: `{"name":"m","object":"opp","measures":[{"op":"sum","field":"margin"},{"op":"avg","field":"margin"}]}`, ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":["7.00","1.00"]`}},
			{Name: "bad definitions, every problem with its pointer", Method: "POST", URL: "/api/reports", Unchanged: reportsList,
				Body: `{"name":"Bad","object":"opp","rows":[{"field":"stage","bucket":"month"},{"field":"name"},{"field":"nope"}],
					"column":{"field":"account.nope"},"measures":[{"op":"sum","field":"name"},{"op":"median"},{"op":"count"},{"op":"max","field":"amount"},{"op":"min","field":"amount"}],
					"chart":"radar","sharing":"world","filter":"stage = "}`, ExpectedStatus: 422,
				ExpectedContent: []string{`"code":"invalid_definition"`, `"pointer":"/name"`, `"pointer":"/rows"`, `"pointer":"/rows/0/bucket"`,
					`"pointer":"/rows/1/field"`, `"pointer":"/rows/2/field"`, `"pointer":"/column/field"`, `"pointer":"/measures"`,
					`"pointer":"/measures/0/field"`, `"pointer":"/measures/1/op"`, `"pointer":"/chart"`, `"pointer":"/sharing"`, `"pointer":"/filter"`}},
			{Name: "a run of a bad draft", Method: "POST", URL: "/api/reports/run", Body: `{"object":"nope","measures":[{"op":"count"}]}`, ExpectedStatus: 422,
				ExpectedContent: []string{`"pointer":"/object"`}},
			{Name: "a lookup's groups are labelled by the records' names", Method: "POST", URL: "/api/reports/run",
				Body: `{"object":"opp","rows":[{"field":"account"}],"measures":[{"op":"count"}]}`, ExpectedStatus: 200,
				ExpectedContent: []string{`"labels":[""],"values":[1]`, `"labels":["A1"],"values":[2]`, `"labels":["A2"],"values":[2]`, `"labels":["A3"],"values":[2]`}},
			{Name: "a rep sees the names of her accounts only", Method: "POST", URL: "/api/reports/run", Headers: as("anna"),
				Body: `{"object":"opp","rows":[{"field":"account"}],"measures":[{"op":"count"}]}`, ExpectedStatus: 200,
				ExpectedContent: []string{`"labels":["A1"],"values":[2]`, `"labels":["A3"],"values":[2]`}, NotExpectedContent: []string{`"A2"`}},
			{Name: "unknown members of a draft", Method: "POST", URL: "/api/reports/run", Body: `{"object":"opp","measures":[{"op":"count"}],"group_by":["x"]}`, ExpectedStatus: 400},
		})

		// Detail rows, paged, of the whole report and of one group.
		h.t = t
		rows := h.mustDo(200, "GET", "/api/reports/pipe/rows?page=1&page_size=3", "")
		if n := len(rows.JSON["items"].([]any)); n != 3 || rows.JSON["more"] != true || rows.JSON["page"] != float64(1) {
			t.Errorf("page 1: %s", rows.Text)
		}
		last := h.mustDo(200, "GET", "/api/reports/pipe/rows?page=3&page_size=3", "")
		if n := len(last.JSON["items"].([]any)); n != 1 || last.JSON["more"] != false {
			t.Errorf("page 3: %s", last.Text)
		}
		var retailWon string
		for _, g := range admin["groups"].([]any) {
			m := g.(map[string]any)
			if fmt.Sprint(m["keys"]) == "[retail won]" && m["column_key"] == "2026-02" {
				retailWon = m["filter"].(string)
			}
		}
		grp := h.mustDo(200, "GET", "/api/reports/pipe/rows?group="+url.QueryEscape(retailWon), "")
		if got := names(grp, "name"); got != "o3,o7" || !strings.Contains(grp.Text, `"account.industry":"retail"`) || !strings.Contains(grp.Text, `"amount":50.00`) {
			t.Errorf("the group's rows: %s", grp.Text)
		}
		h.mustDo(400, "GET", "/api/reports/pipe/rows?page=0", "")
		h.mustDo(400, "GET", "/api/reports/pipe/rows?page=1000&page_size=50", "")

		// Export: the groups with a line of totals, as CSV and as a workbook.
		csvRows := readCSV(t, h.mustDo(200, "GET", "/api/reports/pipe/export?format=csv", "").Text)
		wantCSV := [][]string{
			{"Industry", "Stage", "close_date", "Count", "Sum of Amount"},
			{"", "Lost", "2026-01", "1", "7.00"},
			{"Software", "New", "2026-01", "1", "100.10"},
			{"Software", "Won", "2026-02", "1", "200.20"},
			{"Retail", "New", "2026-01", "1", "1000.00"},
			{"Retail", "Won", "2026-02", "2", "50.99"},
			{"Retail", "Won", "2026-03", "1", "0.01"},
			{"Total", "", "", "7", "1358.30"},
		}
		if fmt.Sprint(csvRows) != fmt.Sprint(wantCSV) {
			t.Errorf("csv:\n%v\nwant\n%v", csvRows, wantCSV)
		}
		x := h.mustDo(200, "GET", "/api/reports/pipe/export?format=xlsx", "", "Accept-Language", "zh-CN")
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Text)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet) != 8 || fmt.Sprint(sheet[0]) != "[行业 阶段 close_date 数量 金额合计]" || fmt.Sprint(sheet[5]) != "[零售 赢单 2026-02 2 50.99]" || fmt.Sprint(sheet[7]) != "[合计   7 1358.30]" {
			t.Errorf("xlsx: %v", sheet)
		}
		// A report without groups exports its detail rows.
		h.mustDo(201, "POST", "/api/reports", `{"name":"flat","object":"opp","columns":["name","stage","account.industry","amount"],"measures":[{"op":"count"}],"filter":"stage = \"won\""}`)
		flat := readCSV(t, h.mustDo(200, "GET", "/api/reports/flat/export?format=csv", "").Text)
		if len(flat) != 5 || fmt.Sprint(flat[0]) != "[name Stage Industry Amount]" || !strings.Contains(fmt.Sprint(flat), "[o3 Won Retail 50.00]") {
			t.Errorf("detail export: %v", flat)
		}
	})
}

// reportsList is every report's name and version, read as the admin.
func reportsList(h *harness) any {
	return h.mustDo(200, "GET", "/api/reports", "").Text
}

// TestReportTooBroad: a report with more groups than the limit is refused with its code.
func TestReportTooBroad(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := newHarnessWith(t, b.Open(t), engine.Config{MaxReportGroups: 3}, api.Config{})
		tok, _ := h.people()
		reportData(h, tok)
		runScenarios(t, h, []scenario{
			{Name: "six groups over a limit of three", Method: "POST", URL: "/api/reports/run", Body: pipelineReport, ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"report_too_broad"`}},
			{Name: "three groups answer", Method: "POST", URL: "/api/reports/run", ExpectedStatus: 200,
				Body: `{"name":"s","object":"opp","rows":[{"field":"stage"}],"measures":[{"op":"count"}]}`, ExpectedContent: []string{`"totals":[7]`}},
		})
	})
}

// TestReportWidgets: a dashboard shows a saved report computed for its reader under the
// dashboard's filters; every widget may carry a layout on the 12-column grid.
func TestReportWidgets(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, id := h.people()
		reportData(h, tok)
		as := func(who string) []string { return []string{"Authorization", "Bearer " + tok[who]} }
		h.mustDo(201, "POST", "/api/reports", strings.Replace(pipelineReport, `"private"`, `"everyone"`, 1))
		h.mustDo(201, "POST", "/api/reports", `{"name":"margins","object":"opp","measures":[{"op":"sum","field":"margin"}],"sharing":"everyone"}`)
		runScenarios(t, h, []scenario{
			{Name: "layouts off the grid and a missing report", Method: "POST", URL: "/api/meta/dashboards", ExpectedStatus: 422,
				Body: `{"name":"bad","widgets":[
					{"name":"a","type":"report","report":"nope","layout":{"x":10,"y":0,"w":4,"h":3}},
					{"name":"b","type":"bar","object":"opp","group_by":["stage"],"layout":{"x":-1,"y":-2,"w":0,"h":0}},
					{"name":"c","type":"report","report":"pipe","object":"opp"}]}`,
				ExpectedContent: []string{`"pointer":"/widgets/0/report"`, `"pointer":"/widgets/0/layout/w"`, `"pointer":"/widgets/1/layout/x"`,
					`"pointer":"/widgets/1/layout/y"`, `"pointer":"/widgets/1/layout/w"`, `"pointer":"/widgets/1/layout/h"`, `"pointer":"/widgets/2"`}},
			{Name: "a dashboard with a report widget", Method: "POST", URL: "/api/meta/dashboards", ExpectedStatus: 201,
				Body: `{"name":"sales","widgets":[
					{"name":"pipe","type":"report","report":"pipe","chart":"bar","layout":{"x":0,"y":0,"w":8,"h":4}},
					{"name":"margins","type":"report","report":"margins","layout":{"x":8,"y":0,"w":4,"h":4}},
					{"name":"stages","type":"pie","object":"opp","group_by":["stage"],"layout":{"x":0,"y":4,"w":12,"h":3}}]}`},
			{Name: "the admin's data", Method: "GET", URL: "/api/dashboards/sales/data", ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"pipe","type":"report","object":"opp","layout":{"x":0,"y":0,"w":8,"h":4},"report":"pipe","chart":"bar","result":{"object":"opp"`,
					`"totals":[7,"1358.30"]`, `"totals":["7.00"]`}},
			{Name: "a rep's data: her records; the hidden field's widget is an error", Method: "GET", URL: "/api/dashboards/sales/data", Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent:    []string{`"totals":[4,"351.29"]`, `"name":"margins","type":"report","object":"","layout":{"x":8,"y":0,"w":4,"h":4},"report":"margins","error":{"code":"field_hidden"`},
				NotExpectedContent: []string{`"7.00"`}},
			{Name: "the dashboard's owner filter", Method: "GET", URL: "/api/dashboards/sales/data?owner=" + id["ben"], ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[3,"1007.01"]`}},
			{Name: "the dashboard's team and period filters", Method: "GET", URL: "/api/dashboards/sales/data?team=south&period=this_year", ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[3,"1007.01"]`}},
			{Name: "a period before any record", Method: "GET", URL: "/api/dashboards/sales/data?period=last_month", ExpectedStatus: 200,
				ExpectedContent: []string{`"totals":[0,"0.00"]`}},
		})
	})
}
