package api_test

import (
	"net/url"
	"testing"
)

// aggURL builds /api/records/{object}/aggregate with repeated parameters in order.
func aggURL(object string, params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	return "/api/records/" + object + "/aggregate?" + v.Encode()
}

// TestAggregate: groups and measures follow record-level access and field-level security exactly
// as lists do; money sums are exact; bad group keys, measures and filters are 400 with a code.
func TestAggregate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, _ := h.people()
		h.mustDo(201, "POST", "/api/meta/objects", dealDef)
		h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"deal":{"salary":"hidden"}}}`)
		as := func(who string) []string { return []string{"Authorization", "Bearer " + tok[who]} }
		create := func(who, body string) string {
			return h.mustDo(201, "POST", "/api/records/deal", body, as(who)...).JSON["id"].(string)
		}
		a1 := create("anna", `{"company":"A1","region":"north"}`)
		a2 := create("anna", `{"company":"A2","region":"south"}`)
		b1 := create("ben", `{"company":"B1","region":"south"}`)
		create("carl", `{"company":"C1"}`)
		h.mustDo(200, "PATCH", "/api/records/deal/"+a1, `{"salary":"0.10"}`)
		h.mustDo(200, "PATCH", "/api/records/deal/"+a2, `{"salary":"0.20"}`)
		h.mustDo(200, "PATCH", "/api/records/deal/"+b1, `{"salary":"90071992547409.93"}`)

		runScenarios(t, h, []scenario{
			{Name: "admin: every record, exact money, nulls first", Method: "GET",
				URL: aggURL("deal", "group_by", "region", "measure", "count", "measure", "sum:salary"), ExpectedStatus: 200,
				ExpectedContent: []string{
					`{"groups":[{"count":1,"key":{"region":null},"sum_salary":0.00},`,
					`{"count":1,"key":{"region":"north"},"sum_salary":0.10}`,
					`{"count":2,"key":{"region":"south"},"sum_salary":90071992547410.13}`}},
			{Name: "no group: one total", Method: "GET", URL: aggURL("deal", "measure", "count,sum:salary"), ExpectedStatus: 200,
				ExpectedContent: []string{`{"groups":[{"count":4,"key":{},"sum_salary":90071992547410.23}]}`}},
			{Name: "filter in the list language", Method: "GET", URL: aggURL("deal", "group_by", "region", "filter", `region = "south"`), ExpectedStatus: 200,
				ExpectedContent: []string{`{"groups":[{"count":2,"key":{"region":"south"}}]}`}},
			{Name: "datetime by year", Method: "GET", URL: aggURL("deal", "group_by", "created_at:year"), ExpectedStatus: 200,
				ExpectedContent: []string{`{"groups":[{"count":4,"key":{"created_at":"20`}, NotExpectedContent: []string{`T`}},
			{Name: "sales rep: own records only", Method: "GET", URL: aggURL("deal", "group_by", "region"), Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent: []string{`{"groups":[{"count":1,"key":{"region":"north"}},{"count":1,"key":{"region":"south"}}]}`}},
			{Name: "manager: the team's records", Method: "GET", URL: aggURL("deal", "measure", "count"), Headers: as("maria"), ExpectedStatus: 200,
				ExpectedContent: []string{`{"groups":[{"count":3,"key":{}}]}`}},
			{Name: "by owner with names", Method: "GET", URL: aggURL("deal", "group_by", "owner", "filter", `region = "north"`), Headers: as("maria"), ExpectedStatus: 200,
				ExpectedContent: []string{`"labels":{"owner":"anna"}`}},
			{Name: "hidden field measured", Method: "GET", URL: aggURL("deal", "measure", "sum:salary"), Headers: as("anna"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_measure"`, `unknown field \"salary\"`}},
			{Name: "hidden field filtered", Method: "GET", URL: aggURL("deal", "filter", "salary > 1"), Headers: as("anna"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_filter"`}},
			{Name: "hidden field grouped", Method: "GET", URL: aggURL("deal", "group_by", "salary"), Headers: as("anna"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_group_by"`, `unknown field`}},
			{Name: "text is not groupable", Method: "GET", URL: aggURL("deal", "group_by", "company"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_group_by"`}},
			{Name: "three keys", Method: "GET", URL: aggURL("deal", "group_by", "region,owner,created_at:day"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_group_by"`}},
			{Name: "bucket on a picklist", Method: "GET", URL: aggURL("deal", "group_by", "region:month"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_group_by"`}},
			{Name: "sum of text", Method: "GET", URL: aggURL("deal", "measure", "sum:company"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_measure"`}},
			{Name: "unknown measure", Method: "GET", URL: aggURL("deal", "measure", "median:salary"), ExpectedStatus: 400,
				ExpectedContent: []string{`"code":"invalid_measure"`}},
			{Name: "unknown object", Method: "GET", URL: aggURL("nope"), ExpectedStatus: 404},
		})

		// A dashboard widget over a field hidden from the reader carries an error; the others
		// are computed for them.
		h.t = t
		h.mustDo(201, "POST", "/api/meta/dashboards", `{"name":"pay","widgets":[
			{"name":"payroll","type":"number","object":"deal","measures":["sum:salary"]},
			{"name":"deals","type":"pie","object":"deal","group_by":["region"]}]}`)
		runScenarios(t, h, []scenario{
			{Name: "widget over a hidden field", Method: "GET", URL: "/api/dashboards/pay/data", Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent: []string{`{"name":"payroll","type":"number","object":"deal","error":{"code":"invalid_measure"`,
					`{"name":"deals","type":"pie","object":"deal","groups":[{"count":1,"key":{"region":"north"}},{"count":1,"key":{"region":"south"}}]}`},
				NotExpectedContent: []string{`0.30`}},
			{Name: "the admin sees it", Method: "GET", URL: "/api/dashboards/pay/data", ExpectedStatus: 200,
				ExpectedContent: []string{`"groups":[{"key":{},"sum_salary":90071992547410.23}]`}},
		})
	})
}

// TestAggregateHugeValues: two opportunities at the largest amount sum exactly beyond int64, and
// numbers near the float64 limit sum and average without failing, in the API and on a dashboard.
func TestAggregateHugeValues(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"opp","fields":[{"name":"stage","type":"picklist","options":[{"value":"won"},{"value":"lost"}]},
			{"name":"amount","type":"currency","currency":"CNY"},{"name":"x","type":"number"}]}`)
		for _, body := range []string{
			`{"stage":"won","amount":"92233720368547758.07","x":1e308}`,
			`{"stage":"won","amount":"92233720368547758.07","x":1e308}`,
			`{"stage":"lost","amount":"-92233720368547758.08","x":-1e308}`,
			`{"stage":"lost","amount":"-0.01","x":-1e308}`,
		} {
			h.mustDo(201, "POST", "/api/records/opp", body)
		}
		h.mustDo(201, "POST", "/api/meta/dashboards", `{"name":"sales","widgets":[
			{"name":"pipeline","type":"bar","object":"opp","group_by":["stage"],"measures":["sum:amount","avg:amount","sum:x","avg:x"]}]}`)
		runScenarios(t, h, []scenario{
			{Name: "money sums beyond int64 are exact", Method: "GET",
				URL: aggURL("opp", "group_by", "stage", "measure", "sum:amount,avg:amount,sum:x,avg:x"), ExpectedStatus: 200,
				ExpectedContent: []string{`"avg_amount":92233720368547758.07`, `"sum_amount":-92233720368547758.09`, `"sum_amount":184467440737095516.14`,
					`"avg_x":1e+308`, `"avg_x":-1e+308`, `"sum_x":2e+308`, `"sum_x":-2e+308`}},
			{Name: "one total", Method: "GET", URL: aggURL("opp", "measure", "sum:amount,sum:x"), ExpectedStatus: 200,
				ExpectedContent: []string{`"sum_amount":92233720368547758.05`, `"sum_x":0`}},
			{Name: "the dashboard answers", Method: "GET", URL: "/api/dashboards/sales/data", ExpectedStatus: 200,
				ExpectedContent: []string{`"sum_amount":184467440737095516.14`}},
		})
	})
}
