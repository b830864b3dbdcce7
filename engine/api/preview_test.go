package api_test

import (
	"strings"
	"testing"
)

// The builder previews a definition it has not saved: the generated form in the caller's locale
// and the rules' decisions for sample values, with nothing stored.
func TestFormPreviewOfADraft(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		body := func(values string) string {
			return `{"definition":` + opportunityDef + `,"values":` + values + `}`
		}
		r := h.mustDo(200, "POST", "/api/meta/forms/preview", body(`{"stage":"new","amount":"100","probability":50}`), "Accept-Language", "zh-CN")
		if form := r.JSON["form"].(map[string]any); form["label"] != "商机" || len(form["fields"].([]any)) != 7 {
			t.Errorf("form: %.300s", r.Text)
		}
		state := r.JSON["state"].(map[string]any)
		if lr := state["fields"].(map[string]any)["lost_reason"].(map[string]any); lr["visible"] != false {
			t.Errorf("lost_reason while new: %v", lr)
		}
		if state["values"].(map[string]any)["weighted"] != 50.0 {
			t.Errorf("formula: %s", r.Text)
		}

		// The condition turns: the field shows and is required; the rule speaks the caller's language.
		r = h.mustDo(200, "POST", "/api/meta/forms/preview", body(`{"stage":"lost","close_date":"2020-01-01"}`), "Accept-Language", "zh-CN")
		if lr := r.JSON["state"].(map[string]any)["fields"].(map[string]any)["lost_reason"].(map[string]any); lr["visible"] != true || lr["required"] != true {
			t.Errorf("lost_reason while lost: %v", lr)
		}
		if !strings.Contains(r.Text, `结单日期必须晚于今天`) || !strings.Contains(r.Text, `"field":"lost_reason","code":"required"`) {
			t.Errorf("errors: %s", r.Text)
		}
		h.mustDo(404, "GET", "/api/meta/objects/opportunity", "")

		typo := strings.Replace(opportunityDef, `amount * probability`, `amount * probabilty`, 1)
		runScenarios(t, h, []scenario{
			{Name: "draft with a misspelt field", Method: "POST", URL: "/api/meta/forms/preview", Body: `{"definition":` + typo + `,"values":{}}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"invalid_definition"`, `"pointer":"/fields/6/expression"`, `"column":10`}},
			{Name: "unknown definition key", Method: "POST", URL: "/api/meta/forms/preview", Body: `{"definition":{"name":"x","fields":[],"nope":1}}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"pointer":"/nope"`}},
			{Name: "a broken field and a broken rule at once", Method: "POST", URL: "/api/meta/forms/preview",
				Body:           `{"definition":{"name":"x","fields":[{"name":"k","type":"picklist"}],"validation_rules":[{"name":"r","error_when":"k ==","message":{"en":"no"}}]}}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"pointer":"/fields/0/options"`, `"pointer":"/validation_rules/0/error_when"`}},
			{Name: "no definition", Method: "POST", URL: "/api/meta/forms/preview", Body: `{"values":{}}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_request"`}},
			{Name: "bad value key", Method: "POST", URL: "/api/meta/forms/preview", Body: body(`{"$where":1}`),
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_key"`}},
			{Name: "only those who define objects", Method: "POST", URL: "/api/meta/forms/preview", Body: body(`{}`),
				Headers: []string{"Authorization", "Bearer " + h.userToken}, ExpectedStatus: 403},
		})
	})
}
