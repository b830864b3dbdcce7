package api_test

import (
	"strings"
	"testing"
)

// opportunityDef is the rules issue's acceptance object: a weighted-amount formula, a close-date
// rule with messages in two languages, and a field shown only for lost deals.
const opportunityDef = `{"name":"opportunity","label":{"en":"Opportunity","zh-CN":"商机"},"fields":[
 {"name":"name","type":"text","required":true},
 {"name":"amount","type":"currency","currency":"CNY"},
 {"name":"probability","type":"percent","scale":0},
 {"name":"stage","type":"picklist","indexed":true,"options":[{"value":"new"},{"value":"lost"},{"value":"closed_won"}]},
 {"name":"close_date","type":"date"},
 {"name":"lost_reason","type":"textarea","visible_when":"stage == \"lost\"","required_when":"stage == \"lost\""},
 {"name":"weighted","type":"formula","result_type":"currency","currency":"CNY","expression":"amount * probability / 100"}],
 "validation_rules":[{"name":"close_in_future","error_when":"close_date < today() && stage != \"closed_won\"","field":"close_date",
   "message":{"en":"Close date must be in the future","zh-CN":"结单日期必须晚于今天"}}]}`

func TestRulesThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		// A misspelt field is refused at save with its line and column; nothing is created.
		typo := strings.Replace(opportunityDef, `close_date < today() && stage`, `close_date < today() &&\n stge`, 1)
		r := h.mustDo(422, "POST", "/api/meta/objects", typo)
		for _, want := range []string{`"invalid_expression"`, `"pointer":"/validation_rules/0/error_when"`, `"line":2`, `"column":2`, `unknown name stge`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("typo answer lacks %s: %s", want, r.Text)
			}
		}
		h.mustDo(404, "GET", "/api/meta/objects/opportunity", "")
		h.mustDo(201, "POST", "/api/meta/objects", opportunityDef)

		// The formula is computed and stored, so lists can filter and sort on it.
		r = h.mustDo(201, "POST", "/api/records/opportunity", `{"name":"Big","amount":"12345.67","probability":35,"stage":"new","close_date":"2099-01-01"}`)
		if r.JSON["weighted"] != 4320.98 {
			t.Errorf("weighted = %v", r.JSON["weighted"])
		}
		id := r.JSON["id"].(string)
		r = h.mustDo(200, "GET", listURL("opportunity", "filter", `weighted > 4000`), "")
		if n := len(r.JSON["items"].([]any)); n != 1 {
			t.Errorf("filter on the formula found %d", n)
		}

		before := snapshot("opportunity")
		runScenarios(t, h, []scenario{
			{Name: "rule broken, zh-CN", Method: "POST", URL: "/api/records/opportunity", Headers: []string{"Accept-Language", "zh-CN"},
				Body:           `{"name":"Old","stage":"new","close_date":"2020-01-01"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"validation_failed"`, `"field":"close_date"`, `"rule":"close_in_future"`, `结单日期必须晚于今天`}, Unchanged: before},
			{Name: "rule broken, en", Method: "PATCH", URL: "/api/records/opportunity/" + id, Headers: []string{"Accept-Language", "en-GB"},
				Body:           `{"close_date":"2020-01-01"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`Close date must be in the future`}, Unchanged: before},
			{Name: "formula is read-only", Method: "PATCH", URL: "/api/records/opportunity/" + id, Body: `{"weighted":"1"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"weighted","code":"read_only"`}, Unchanged: before},
			{Name: "required when lost", Method: "PATCH", URL: "/api/records/opportunity/" + id, Body: `{"stage":"lost"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"lost_reason","code":"required"`}, Unchanged: before},
			{Name: "every error at once", Method: "POST", URL: "/api/records/opportunity",
				Body:           `{"amount":"x","stage":"lost","close_date":"2020-01-01"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"name"`, `"field":"amount"`, `"field":"lost_reason"`, `"rule":"close_in_future"`}, Unchanged: before},
		})
		r = h.mustDo(200, "PATCH", "/api/records/opportunity/"+id, `{"stage":"lost","lost_reason":"price","amount":"1000"}`)
		if r.JSON["weighted"] != 350.0 {
			t.Errorf("weighted after update = %v", r.JSON["weighted"])
		}

		// The evaluate endpoint follows the conditions with the write path's semantics.
		r = h.mustDo(200, "POST", "/api/forms/opportunity/evaluate", `{"values":{"stage":"new","amount":"100","probability":50}}`)
		fields := r.JSON["fields"].(map[string]any)
		if lr := fields["lost_reason"].(map[string]any); lr["visible"] != false || lr["required"] != false {
			t.Errorf("lost_reason while new: %v", lr)
		}
		if w := fields["weighted"].(map[string]any); w["read_only"] != true {
			t.Errorf("weighted state: %v", w)
		}
		if r.JSON["values"].(map[string]any)["weighted"] != 50.0 {
			t.Errorf("evaluated formula: %s", r.Text)
		}
		r = h.mustDo(200, "POST", "/api/forms/opportunity/evaluate", `{"values":{"stage":"lost","close_date":"2020-01-01"}}`, "Accept-Language", "zh-CN")
		if lr := r.JSON["fields"].(map[string]any)["lost_reason"].(map[string]any); lr["visible"] != true || lr["required"] != true {
			t.Errorf("lost_reason while lost: %v", lr)
		}
		for _, want := range []string{`"field":"lost_reason","code":"required"`, `结单日期必须晚于今天`, `"field":"name","code":"required"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("evaluate lacks %s: %s", want, r.Text)
			}
		}
		// With an id, the values are changes to that record, as a PATCH takes them.
		r = h.mustDo(200, "POST", "/api/forms/opportunity/evaluate", `{"id":"`+id+`","values":{"probability":10}}`)
		if r.JSON["values"].(map[string]any)["weighted"] != 100.0 || len(r.JSON["errors"].([]any)) != 0 {
			t.Errorf("evaluate on a record: %s", r.Text)
		}
		h.mustDo(404, "POST", "/api/forms/opportunity/evaluate", `{"id":"nope","values":{}}`)
		h.mustDo(400, "POST", "/api/forms/opportunity/evaluate", `{"values":{"$where":"1"}}`)
	})
}

func TestExpressionCheckEndpoint(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/meta/objects", opportunityDef)
		check := func(body string) response { return h.mustDo(200, "POST", "/api/meta/expressions/check", body) }

		r := check(`{"object":"opportunity","expression":"amount * probability / 100","kind":"formula","type":"currency"}`)
		if r.JSON["ok"] != true || r.JSON["type"] != "currency" {
			t.Errorf("formula: %s", r.Text)
		}
		r = check(`{"object":"opportunity","expression":"stage == \"won\" &&\n amont > 5","kind":"condition"}`)
		if r.JSON["ok"] != false || !strings.Contains(r.Text, `"line":2,"column":2`) || !strings.Contains(r.Text, "unknown name amont") {
			t.Errorf("typo: %s", r.Text)
		}
		r = check(`{"object":"opportunity","expression":"amount > \"x\"","kind":"condition"}`)
		if r.JSON["ok"] != false || !strings.Contains(r.Text, `"column":8`) {
			t.Errorf("type mismatch: %s", r.Text)
		}
		r = check(`{"object":"opportunity","expression":"stage","kind":"condition"}`)
		if r.JSON["ok"] != false || !strings.Contains(r.Text, "true or false") {
			t.Errorf("condition of text: %s", r.Text)
		}
		// A draft the builder has not saved yet.
		r = check(`{"definition":{"name":"draft","fields":[{"name":"seats","type":"integer"}]},"expression":"seats * 2","kind":"value","type":"integer"}`)
		if r.JSON["ok"] != true || r.JSON["type"] != "integer" {
			t.Errorf("draft: %s", r.Text)
		}
		runScenarios(t, h, []scenario{
			{Name: "bad kind", Method: "POST", URL: "/api/meta/expressions/check", Body: `{"object":"opportunity","expression":"1","kind":"magic"}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_kind"`}},
			{Name: "value without type", Method: "POST", URL: "/api/meta/expressions/check", Body: `{"object":"opportunity","expression":"1","kind":"value"}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_type"`}},
			{Name: "unknown object", Method: "POST", URL: "/api/meta/expressions/check", Body: `{"object":"nope","expression":"1","kind":"condition"}`,
				ExpectedStatus: 404, ExpectedContent: []string{`"object_not_found"`}},
			{Name: "needs a user", Method: "POST", URL: "/api/meta/expressions/check", Headers: []string{"Authorization", "Bearer nope"},
				Body: `{"object":"opportunity","expression":"1","kind":"condition"}`, ExpectedStatus: 401},
		})
		r = h.mustDo(200, "GET", "/api/meta/expressions/library", "")
		if !strings.Contains(r.Text, `"daysBetween"`) || !strings.Contains(r.Text, `"matches"`) || !strings.Contains(r.Text, `"owner_user.roles"`) {
			t.Errorf("library: %.200s", r.Text)
		}
	})
}
