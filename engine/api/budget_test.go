package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// budgetDef is an object whose formulas are within budget for a few seats and short notes, and
// far over it for 100 seats (100^4 iterations) or notes doubled 24 times.
func budgetDef(nested string) string {
	var doubling strings.Builder
	doubling.WriteString(`let s0 = notes; `)
	for i := 1; i <= 24; i++ {
		fmt.Fprintf(&doubling, `let s%d = s%d + s%d; `, i, i-1, i-1)
	}
	doubling.WriteString(`len(s24)`)
	return `{"name":"fleet","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"seats","type":"integer"},
 {"name":"notes","type":"textarea"},
 {"name":"nested","type":"formula","result_type":"integer","expression":"` + nested + `"},
 {"name":"doubled","type":"formula","result_type":"integer","expression":"` + doubling.String() + `"}]}`
}

// TestExpressionBudgetThroughTheAPI: an expression over budget whatever the record is refused at
// save with its line and column; one over budget for some records answers expression_budget on
// every write and evaluation that meets it, promptly, and nothing is stored.
func TestExpressionBudgetThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		r := h.mustDo(422, "POST", "/api/meta/objects", budgetDef(`let r = 1..100; count(r, count(r, count(r, count(r, # > 0) == 100) == 100) == 100)`))
		for _, want := range []string{`"invalid_expression"`, `"pointer":"/fields/3/expression"`, `"line":1`, `"column":26`, `too much work`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("save answer lacks %s: %s", want, r.Text)
			}
		}
		h.mustDo(404, "GET", "/api/meta/objects/fleet", "")

		h.mustDo(201, "POST", "/api/meta/objects", budgetDef(`let r = 1..seats; count(r, count(r, count(r, count(r, # > 0) == seats) == seats) == seats)`))
		r = h.mustDo(201, "POST", "/api/records/fleet", `{"name":"Small","seats":3}`)
		if r.JSON["nested"] != 3.0 {
			t.Errorf("nested = %v: %s", r.JSON["nested"], r.Text)
		}
		id := r.JSON["id"].(string)

		budget := []string{`"code":"expression_budget"`, `too much work`}
		before := snapshot("fleet")
		runScenarios(t, h, []scenario{
			{Name: "create, nested", Method: "POST", URL: "/api/records/fleet", Body: `{"name":"Big","seats":100}`,
				ExpectedStatus: 422, ExpectedContent: append(budget, `"field":"nested"`), Unchanged: before},
			{Name: "create, doubled", Method: "POST", URL: "/api/records/fleet", Body: `{"name":"Long","notes":"0123456789"}`,
				ExpectedStatus: 422, ExpectedContent: append(budget, `"field":"doubled"`), Unchanged: before},
			{Name: "update", Method: "PATCH", URL: "/api/records/fleet/" + id, Body: `{"seats":100}`,
				ExpectedStatus: 422, ExpectedContent: budget, Unchanged: before},
			{Name: "evaluate, as a reader", Method: "POST", URL: "/api/forms/fleet/evaluate", Body: `{"values":{"name":"Big","seats":100}}`,
				Headers: []string{"Authorization", "Bearer " + h.userToken}, ExpectedStatus: 422, ExpectedContent: budget, Unchanged: before},
			{Name: "evaluate a record", Method: "POST", URL: "/api/forms/fleet/evaluate", Body: `{"id":"` + id + `","values":{"notes":"0123456789"}}`,
				ExpectedStatus: 422, ExpectedContent: budget, Unchanged: before},
		})
	})
}
