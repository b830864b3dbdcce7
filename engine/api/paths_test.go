package api_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

// Accounts are private (a rep reads her own) and hide revenue from sales; opportunities are read
// by everyone, so what a rep's lookup-path filter matches depends on the accounts alone. Tasks
// point at opportunities: two lookups from a task to an account.
const (
	pathAccountDef = `{"name":"account","sharing":"private","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"industry","type":"picklist","options":[{"value":"software"},{"value":"retail"},{"value":"oil"}]},
 {"name":"vip","type":"boolean"},
 {"name":"revenue","type":"currency","currency":"CNY"}]}`
	pathOppDef = `{"name":"opportunity","sharing":"public_read","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"}]},
 {"name":"account","type":"lookup","target":"account","indexed":true}]}`
	pathTaskDef = `{"name":"task","sharing":"public_read","fields":[
 {"name":"subject","type":"text","required":true},
 {"name":"opportunity","type":"lookup","target":"opportunity"}]}`
)

// pathData creates the objects and records: anna's software account (o1 on it, won), ben's
// software account (o2, won; anna may not read it), anna's VIP retail account (o3, new), anna's
// account without an industry (o4, new), and o5 (won) without an account; a task on o1 and on o2.
func pathData(h *harness, tok map[string]string) {
	h.t.Helper()
	for _, d := range []string{pathAccountDef, pathOppDef, pathTaskDef} {
		h.mustDo(201, "POST", "/api/meta/objects", d)
	}
	h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"account":{"revenue":"hidden"}}}`)
	account := func(who, body string) string {
		return h.mustDo(201, "POST", "/api/records/account", body, "Authorization", "Bearer "+tok[who]).JSON["id"].(string)
	}
	a1 := account("anna", `{"name":"Anna Soft","industry":"software"}`)
	h.mustDo(200, "PATCH", "/api/records/account/"+a1, `{"revenue":"100"}`)
	a2 := account("ben", `{"name":"Ben Soft","industry":"software"}`)
	a3 := account("anna", `{"name":"Anna Shop","industry":"retail","vip":true}`)
	a4 := account("anna", `{"name":"Anna Blank"}`)
	opp := func(name, stage, account string) string {
		body := `{"name":"` + name + `","stage":"` + stage + `"`
		if account != "" {
			body += `,"account":"` + account + `"`
		}
		return h.mustDo(201, "POST", "/api/records/opportunity", body+"}").JSON["id"].(string)
	}
	o1 := opp("o1", "won", a1)
	o2 := opp("o2", "won", a2)
	opp("o3", "new", a3)
	opp("o4", "new", a4)
	opp("o5", "won", "")
	h.mustDo(201, "POST", "/api/records/task", `{"subject":"t1","opportunity":"`+o1+`"}`)
	h.mustDo(201, "POST", "/api/records/task", `{"subject":"t2","opportunity":"`+o2+`"}`)
}

// names lists the given field of a list answer's items, sorted.
func names(r response, field string) string {
	var out []string
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)[field].(string))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// TestLookupPathFilters: a filter names fields of the record a lookup points at, with every
// operator, combined with the object's own fields; a rep matches only through accounts she may
// read, and a parent field hidden from her is an unknown field. Records without a readable
// parent have no value there: "is null" and != match them.
func TestLookupPathFilters(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, _ := h.people()
		pathData(h, tok)
		anna := []string{"Authorization", "Bearer " + tok["anna"]}
		cases := []struct{ filter, admin, anna string }{
			{`account.industry = "software"`, "o1,o2", "o1"},
			{`account.industry = "software" and stage = "won"`, "o1,o2", "o1"},
			{`stage = "won" and not account.industry = "software"`, "o5", "o2,o5"},
			{`account.industry = "software" or stage = "new"`, "o1,o2,o3,o4", "o1,o3,o4"},
			{`account.industry in ("retail", "oil")`, "o3", "o3"},
			{`account.industry != "software"`, "o3,o4,o5", "o2,o3,o4,o5"},
			{`account.industry is null`, "o4,o5", "o2,o4,o5"},
			{`account.industry is not null`, "o1,o2,o3", "o1,o3"},
			{`account.vip = true and account.industry = "retail"`, "o3", "o3"},
			{`not account.vip = true and account.name contains "soft"`, "o1,o2", "o1"},
			{`account.name >= "Anna S" and account.name < "B"`, "o1,o3", "o1,o3"},
			{`(account.industry = "software" or account.vip = true) and stage = "new"`, "o3", "o3"},
			{`account.owner = "nobody"`, "", ""},
		}
		for _, c := range cases {
			if got := names(h.mustDo(200, "GET", listURL("opportunity", "filter", c.filter), ""), "name"); got != c.admin {
				t.Errorf("admin %s: %s, want %s", c.filter, got, c.admin)
			}
			if got := names(h.mustDo(200, "GET", listURL("opportunity", "filter", c.filter), "", anna...), "name"); got != c.anna {
				t.Errorf("anna %s: %s, want %s", c.filter, got, c.anna)
			}
		}
		// Two lookups: a task's opportunity's account.
		if got := names(h.mustDo(200, "GET", listURL("task", "filter", `opportunity.account.industry = "software"`), "", anna...), "subject"); got != "t1" {
			t.Errorf("anna's tasks through two lookups: %s", got)
		}
		if got := names(h.mustDo(200, "GET", listURL("task", "filter", `opportunity.account.industry = "software"`), ""), "subject"); got != "t1,t2" {
			t.Errorf("admin's tasks through two lookups: %s", got)
		}
		// Cursor pages of a path filter: every record once.
		var pages []string
		cursor := ""
		for i := 0; i < 5; i++ {
			r := h.mustDo(200, "GET", listURL("opportunity", "filter", `account.industry is null or account.vip = true`, "limit", "1", "sort", "name", "cursor", cursor), "", anna...)
			pages = append(pages, names(r, "name"))
			if cursor = r.JSON["next_cursor"].(string); cursor == "" {
				break
			}
		}
		if got := strings.Join(pages, " "); got != "o2 o3 o4 o5" {
			t.Errorf("anna's pages: %s", got)
		}
		runScenarios(t, h, []scenario{
			{Name: "hidden parent field", Method: "GET", URL: listURL("opportunity", "filter", `stage = "won" and account.revenue > 1`), Headers: anna,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_filter"`, `unknown field \"account.revenue\" at position 19`}},
			{Name: "the admin sees it", Method: "GET", URL: listURL("opportunity", "filter", `account.revenue > 1`), ExpectedStatus: 200,
				ExpectedContent: []string{`"o1"`}, NotExpectedContent: []string{`"o2"`}},
			{Name: "through a field that is no lookup", Method: "GET", URL: listURL("opportunity", "filter", `account.name.x = 1`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`, `\"name\" is not a lookup, so account.name.x cannot follow it at position 9`}},
			{Name: "through an unknown lookup", Method: "GET", URL: listURL("opportunity", "filter", `acount.name = "x"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`, `unknown field \"acount\" in acount.name at position 1`}},
			{Name: "three lookups", Method: "GET", URL: listURL("task", "filter", `opportunity.account.owner.name = "x"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`, `at most 2`}},
			{Name: "bad value for the parent's field", Method: "GET", URL: listURL("opportunity", "filter", `account.industry = "steel"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "aggregate", Method: "GET", URL: aggURL("opportunity", "group_by", "stage", "filter", `account.industry = "software"`), Headers: anna,
				ExpectedStatus: 200, ExpectedContent: []string{`{"count":1,"key":{"stage":"won"}}`}, NotExpectedContent: []string{`"new"`}},
			{Name: "aggregate, hidden parent field", Method: "GET", URL: aggURL("opportunity", "filter", `account.revenue > 1`), Headers: anna,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "export", Method: "GET", URL: "/api/records/opportunity/export?format=csv&fields=name&filter=" + url.QueryEscape(`account.industry = "software"`), Headers: anna,
				ExpectedStatus: 200, ExpectedContent: []string{"o1"}, NotExpectedContent: []string{"o2", "o3"}},
		})
	})
}

// TestLookupPathViewsAndDashboards: saved views and dashboard widgets take path filters, checked
// when saved (a rep's view against what she sees) and run for the reader.
func TestLookupPathViewsAndDashboards(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, _ := h.people()
		pathData(h, tok)
		anna := []string{"Authorization", "Bearer " + tok["anna"]}
		h.mustDo(201, "POST", "/api/views", `{"object":"opportunity","name":"Rich","columns":["name"],"filter":"account.revenue > 1","shared":true}`)
		h.mustDo(201, "POST", "/api/meta/dashboards", `{"name":"soft","widgets":[
			{"name":"won","type":"number","object":"opportunity","measures":["count"],"filter":"account.industry = \"software\" and stage = \"won\""}]}`)
		runScenarios(t, h, []scenario{
			{Name: "a rep saves a path view", Method: "POST", URL: "/api/views", Headers: anna, ExpectedStatus: 201,
				Body: `{"object":"opportunity","name":"Soft","columns":["name"],"filter":"account.industry = \"software\""}`},
			{Name: "not over a field hidden from her", Method: "POST", URL: "/api/views", Headers: anna, ExpectedStatus: 422,
				Body:            `{"object":"opportunity","name":"Rev","columns":["name"],"filter":"account.revenue > 1"}`,
				ExpectedContent: []string{`"/filter"`, `unknown field \"account.revenue\"`}},
			{Name: "a shared view over it is withheld from her", Method: "GET", URL: "/api/views?object=opportunity", Headers: anna, ExpectedStatus: 200,
				ExpectedContent: []string{`"withheld":["filter"]`, `"filter":"account.industry = \"software\""`}, NotExpectedContent: []string{"revenue"}},
			{Name: "a widget's path filter is checked", Method: "POST", URL: "/api/meta/dashboards", ExpectedStatus: 422,
				Body:            `{"name":"bad","widgets":[{"name":"n","type":"number","object":"opportunity","measures":["count"],"filter":"stage.x = 1"}]}`,
				ExpectedContent: []string{`"/widgets/0/filter"`, `is not a lookup`}},
			{Name: "the widget counts what she may read", Method: "GET", URL: "/api/dashboards/soft/data", Headers: anna, ExpectedStatus: 200,
				ExpectedContent: []string{`"count":1`}},
			{Name: "and the admin's", Method: "GET", URL: "/api/dashboards/soft/data", ExpectedStatus: 200,
				ExpectedContent: []string{`"count":2`}},
		})
	})
}

// TestLookupPathTooBroad: a path whose condition matches more parents than the limit is refused
// with filter_too_broad, before the list runs; the parents a rep may not read do not count.
func TestLookupPathTooBroad(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := newHarnessWith(t, b.Open(t), engine.Config{MaxPathParents: 2}, api.Config{})
		tok, _ := h.people()
		pathData(h, tok)
		anna := []string{"Authorization", "Bearer " + tok["anna"]}
		runScenarios(t, h, []scenario{
			{Name: "two parents", Method: "GET", URL: listURL("opportunity", "filter", `account.industry = "software"`), ExpectedStatus: 200,
				ExpectedContent: []string{`"o1"`, `"o2"`}},
			{Name: "three parents", Method: "GET", URL: listURL("opportunity", "filter", `stage = "new" and account.name contains "a"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"filter_too_broad"`, `the condition on account at position 19 matches more than 2 account records`}},
			{Name: "the limit is for the whole filter", Method: "GET", URL: listURL("opportunity", "filter", `account.industry = "software" or account.vip = true`),
				ExpectedStatus: 400, ExpectedContent: []string{`"filter_too_broad"`}},
			{Name: "ANDed terms on one lookup ask once", Method: "GET", URL: listURL("opportunity", "filter", `account.name contains "a" and account.vip = true`),
				ExpectedStatus: 200, ExpectedContent: []string{`"o3"`}},
			{Name: "a rep counts her accounts only", Method: "GET", URL: listURL("opportunity", "filter", `account.name contains "soft" or account.vip = true`), Headers: anna,
				ExpectedStatus: 200, ExpectedContent: []string{`"o1"`, `"o3"`}, NotExpectedContent: []string{`"o2"`}},
			{Name: "aggregates too", Method: "GET", URL: aggURL("opportunity", "filter", `account.name contains "a"`), ExpectedStatus: 400,
				ExpectedContent: []string{`"filter_too_broad"`}},
		})
	})
}
