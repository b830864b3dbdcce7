package api_test

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
)

func listURL(object string, params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	return "/api/records/" + object + "?" + v.Encode()
}

func ids(r response, field string) []string {
	var out []string
	for _, it := range r.JSON["items"].([]any) {
		out = append(out, fmt.Sprint(it.(map[string]any)[field]))
	}
	return out
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		for i, l := range []string{
			`{"company":"Alpha Ltd","stage":"won","amount":5000,"tags":["vip"],"close_date":"2027-01-10","hot":true}`,
			`{"company":"Beta Inc","stage":"won","amount":"4999.99","close_date":"2027-02-10"}`,
			`{"company":"Gamma (Asia)","stage":"lost","amount":"12000.50","tags":["vip","partner"],"hot":false}`,
			`{"company":"delta.com","stage":"new","email":"d@delta.test"}`,
		} {
			h.mustDo(201, "POST", "/api/records/lead", strings.Replace(l, `"company"`, fmt.Sprintf(`"notes":"n%d","company"`, i), 1))
		}
		cases := []struct{ filter, q, want string }{
			{`stage = "won" and amount >= 5000`, "", "Alpha Ltd"},
			{`amount < 5000`, "", "Beta Inc"},
			{`amount >= 4999.99 and amount <= "12000.50"`, "", "Alpha Ltd,Beta Inc,Gamma (Asia)"},
			{`stage != "won"`, "", "Gamma (Asia),delta.com"},
			{`stage in ("lost", "new")`, "", "Gamma (Asia),delta.com"},
			{`tags contains "partner"`, "", "Gamma (Asia)"},
			{`tags = "vip"`, "", "Alpha Ltd,Gamma (Asia)"},
			{`company contains "(asia"`, "", "Gamma (Asia)"},
			{`company contains ".com"`, "", "delta.com"},
			{`email is null`, "", "Alpha Ltd,Beta Inc,Gamma (Asia)"},
			{`email is not null`, "", "delta.com"},
			{`not (stage = "won" or stage = "new")`, "", "Gamma (Asia)"},
			{`hot = true`, "", "Alpha Ltd"},
			{`hot != true`, "", "Beta Inc,Gamma (Asia),delta.com"},
			{`close_date > "2027-01-31"`, "", "Beta Inc"},
			{`created_at > "2000-01-01T00:00:00Z" and amount > 1`, "", "Alpha Ltd,Beta Inc,Gamma (Asia)"},
			{"", "ALPHA", "Alpha Ltd"},
			{`stage = "won"`, "inc", "Beta Inc"},
		}
		for _, c := range cases {
			r := h.mustDo(200, "GET", listURL("lead", "filter", c.filter, "q", c.q, "sort", "id"), "")
			got := ids(r, "company")
			sort.Strings(got)
			if strings.Join(got, ",") != c.want {
				t.Errorf("filter %q q %q: got %v, want %s", c.filter, c.q, got, c.want)
			}
		}
		unchanged := snapshot("lead")
		runScenarios(t, h, []scenario{
			{Name: "unknown field", Method: "GET", URL: listURL("lead", "filter", `salary > 1`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`, `unknown field \"salary\"`}, Unchanged: unchanged},
			{Name: "operator smuggled as field", Method: "GET", URL: listURL("lead", "filter", `$where = "1"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			// A dot only joins a lookup and its parent's field (paths_test.go): never a nested key.
			{Name: "dotted field", Method: "GET", URL: listURL("lead", "filter", `company.name = "x"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "dotted path to a parent's unknown field", Method: "GET", URL: listURL("lead", "filter", `account.$where = "x"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "operator in a value is a literal", Method: "GET", URL: listURL("lead", "filter", `company = "{\"$gt\":\"\"}"`), ExpectedStatus: 200,
				ExpectedContent: []string{`"items":[]`}},
			{Name: "wrong value type", Method: "GET", URL: listURL("lead", "filter", `amount > "lots"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "operator not allowed for the type", Method: "GET", URL: listURL("lead", "filter", `hot > true`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "syntax error with position", Method: "GET", URL: listURL("lead", "filter", `stage = `), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`, "position 9"}},
			{Name: "too long", Method: "GET", URL: listURL("lead", "filter", `company = "`+strings.Repeat("a", 2100)+`"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "too many terms", Method: "GET", URL: listURL("lead", "filter", strings.Repeat(`hot = true or `, 40)+`hot = true`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "sort by a field without index", Method: "GET", URL: listURL("lead", "sort", "company"), ExpectedStatus: 200,
				ExpectedContent: []string{`"items":[`}},
			{Name: "sort by an unknown field", Method: "GET", URL: listURL("lead", "sort", "ghost"), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_sort"`}},
			{Name: "bad cursor", Method: "GET", URL: listURL("lead", "cursor", "garbage"), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_cursor"`}},
			{Name: "page too large", Method: "GET", URL: listURL("lead", "limit", "500"), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_limit"`}},
			{Name: "page size not a number", Method: "GET", URL: listURL("lead", "limit", "x"), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_limit"`}},
		})
	})
}

// TestCursorUnderInserts pages through a list while records are created: nothing is seen twice,
// and everything that existed when paging started is seen.
func TestCursorUnderInserts(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		for i := 0; i < 23; i++ {
			h.mustDo(201, "POST", "/api/records/lead", fmt.Sprintf(`{"company":"c%02d","amount":%d}`, i, (i*7)%10*100))
		}
		for _, sortSpec := range []string{"", "amount", "-amount,created_at", "id", "-close_date"} {
			seen := map[string]int{}
			var order []float64
			cursor := ""
			for page := 0; ; page++ {
				r := h.mustDo(200, "GET", listURL("lead", "sort", sortSpec, "limit", "5", "cursor", cursor), "")
				for _, it := range r.JSON["items"].([]any) {
					m := it.(map[string]any)
					seen[m["company"].(string)]++
					if a, ok := m["amount"].(float64); ok {
						order = append(order, a)
					}
				}
				// New records arrive between pages.
				h.mustDo(201, "POST", "/api/records/lead", fmt.Sprintf(`{"company":"new-%s-%d","amount":50}`, sortSpec, page))
				cursor, _ = r.JSON["next_cursor"].(string)
				if cursor == "" {
					break
				}
				if page > 40 {
					t.Fatal("paging does not end")
				}
			}
			for i := 0; i < 23; i++ {
				if n := seen[fmt.Sprintf("c%02d", i)]; n != 1 {
					t.Errorf("sort %q: c%02d seen %d times", sortSpec, i, n)
				}
			}
			for k, n := range seen {
				if n > 1 {
					t.Errorf("sort %q: %s seen %d times", sortSpec, k, n)
				}
			}
			if sortSpec == "amount" && !sort.Float64sAreSorted(order) {
				t.Errorf("not in amount order: %v", order)
			}
		}
	})
}
