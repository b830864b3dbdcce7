package api_test

import (
	"strings"
	"testing"

	"crm/internal/testenv"
)

const dupRules = `{"rules":[
 {"name":"same_email","label":{"en":"Same email","zh-CN":"邮箱相同"},"action":"block","conditions":[{"field":"email","match":"email"}]},
 {"name":"same_company","action":"warn","conditions":[{"field":"company","match":"fuzzy","threshold":0.9}]}]}`

// TestDuplicateRulesAPI: the rules' routes (ETag, If-Match, every problem at once), a blocked
// create (409 with what the caller may see, a count of the rest, in their language), a warned
// one (saved, _duplicates listed), the form's check, and the package carrying the rules.
func TestDuplicateRulesAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		admin := []string{"Authorization", "Bearer " + h.adminToken}
		rep := []string{"Authorization", "Bearer " + h.userToken}
		zh := []string{"Accept-Language", "zh-CN"}
		h.mustDo(200, "GET", "/api/meta/duplicate-rules/lead", "", admin...)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"阿里巴巴(中国)有限公司","email":"ma@alibaba.cn"}`, admin...)
		runScenarios(t, h, []scenario{
			{Name: "rules of an unknown object", Method: "PUT", URL: "/api/meta/duplicate-rules/ghost", Body: dupRules, Headers: admin,
				ExpectedStatus: 404, ExpectedContent: []string{`"object_not_found"`}},
			{Name: "every problem at once", Method: "PUT", URL: "/api/meta/duplicate-rules/lead", Headers: admin,
				Body:           `{"rules":[{"name":"a","action":"stop","conditions":[{"field":"nope","match":"email"},{"field":"amount","match":"fuzzy"}]}]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"invalid_definition"`, `/rules/0/action`, `/rules/0/conditions/0/field`, `/rules/0/conditions/1/field`}},
			{Name: "a rep may not define rules", Method: "PUT", URL: "/api/meta/duplicate-rules/lead", Body: dupRules, Headers: rep,
				ExpectedStatus: 403},
			{Name: "saved", Method: "PUT", URL: "/api/meta/duplicate-rules/lead", Body: dupRules, Headers: admin,
				ExpectedStatus: 200, ExpectedContent: []string{`"version":1`, `"object":"lead"`}},
			{Name: "a stale If-Match", Method: "PUT", URL: "/api/meta/duplicate-rules/lead", Body: dupRules, Headers: append([]string{"If-Match", `"7"`}, admin...),
				ExpectedStatus: 409, ExpectedContent: []string{`"version_conflict"`}},
			{Name: "blocked: the admin sees the match", Method: "POST", URL: "/api/records/lead", Headers: append(zh, admin...),
				Body:           `{"company":"Other","email":"MA+sales@Alibaba.cn"}`,
				ExpectedStatus: 409, ExpectedContent: []string{`"code":"duplicate_found"`, `"message":"疑似与已有记录重复"`, `"rule_label":"邮箱相同"`, `"title":"阿里巴巴(中国)有限公司"`, `"hidden":0`},
				Unchanged: snapshot("lead")},
			{Name: "blocked: the rep sees only a count", Method: "POST", URL: "/api/records/lead", Headers: rep,
				Body:           `{"company":"Mine","email":"ma@alibaba.cn"}`,
				ExpectedStatus: 409, ExpectedContent: []string{`"duplicate_found"`, `"matches":[]`, `"hidden":1`},
				NotExpectedContent: []string{"阿里巴巴", `"id":"`}, Unchanged: snapshot("lead")},
			{Name: "warned: saved with the matches", Method: "POST", URL: "/api/records/lead", Headers: admin,
				Body:           `{"company":"阿里巴巴中国有限公司","email":"jack@alibaba.cn"}`,
				ExpectedStatus: 201, ExpectedContent: []string{`"_duplicates":{"matches":[{"rule":"same_company"`, `"block":false`}},
			{Name: "the form's check", Method: "POST", URL: "/api/records/lead/duplicates", Headers: admin,
				Body:           `{"company":"阿里巴巴 (中国) 有限公司"}`,
				ExpectedStatus: 200, ExpectedContent: []string{`"rule":"same_company"`, `"block":false`}},
			{Name: "the form's check of nothing alike", Method: "POST", URL: "/api/records/lead/duplicates", Headers: admin,
				Body:           `{"company":"腾讯"}`,
				ExpectedStatus: 200, ExpectedContent: []string{`{"matches":[],"hidden":0,"block":false}`}},
		})
		pkg := h.mustDo(200, "GET", "/api/meta/export", "", admin...)
		if !strings.Contains(pkg.Text, `"duplicate_rules"`) || !strings.Contains(pkg.Text, `"same_email"`) {
			t.Errorf("the package lacks the duplicate rules: %.300s", pkg.Text)
		}
		list := h.mustDo(200, "GET", "/api/meta/duplicate-rules", "", admin...)
		if !strings.Contains(list.Text, `"same_company"`) {
			t.Errorf("list: %s", list.Text)
		}
	})
}

// TestImportUsesDuplicateRules: a create import skips rows the rules match (on_duplicate=skip),
// writes them into the record they match (update), and with create a block rule fails the row.
func TestImportUsesDuplicateRules(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(200, "PUT", "/api/meta/duplicate-rules/lead", `{"rules":[{"name":"phone","action":"block","conditions":[{"field":"phone","match":"phone"}]}]}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Old","phone":"+86 138 0013 8000"}`)
		file := csvOf([]string{"company", "phone"}, []string{"Renamed", "138-0013-8000"}, []string{"New", "139 0000 0000"})
		r := h.startImport("d.csv", file, nil, "object", "lead", "on_duplicate", "skip")
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=2 processed=2 created=1 updated=0 skipped=1 failed=0" {
			t.Fatalf("skip: %s", counts(im))
		}
		r = h.startImport("d.csv", file, nil, "object", "lead", "on_duplicate", "update")
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=2 processed=2 created=0 updated=2 skipped=0 failed=0" {
			t.Fatalf("update: %s", counts(im))
		}
		if l := h.mustDo(200, "GET", "/api/records/lead?sort=company", ""); len(l.JSON["items"].([]any)) != 2 || !strings.Contains(l.Text, `"company":"Renamed"`) {
			t.Errorf("after update: %s", l.Text)
		}
		r = h.startImport("d.csv", file, nil, "object", "lead", "on_duplicate", "create")
		im := h.waitImport(r.JSON["id"].(string))
		if counts(im) != "status=done total=2 processed=2 created=0 updated=0 skipped=0 failed=2" {
			t.Fatalf("create: %s", counts(im))
		}
		errs := h.mustDo(200, "GET", "/api/imports/"+r.JSON["id"].(string)+"/errors?format=csv", "")
		if !strings.Contains(errs.Text, "duplicate_found") {
			t.Errorf("error report: %s", errs.Text)
		}
		if n := h.count("lead"); n != 2 {
			t.Errorf("%d leads, want 2", n)
		}
	})
}

// TestTemplateDuplicateRules: the default template's rules with its demo data: a lead's email
// written another way is blocked (its owner sees the lead, a colleague only a count), and a lead
// of a known account's company is saved with a warning naming the account.
func TestTemplateDuplicateRules(t *testing.T) {
	t.Parallel()
	h := templateHarness(t, testenv.Backends()[0], newTestClock())
	lin, chen := h.as("lin"), h.as("chen")
	r := h.mustDo(409, "POST", "/api/records/lead", `{"company":"Bright","email":"RUI@bright.example.com"}`, lin...)
	if !strings.Contains(r.Text, `"rule":"lead_email"`) || !strings.Contains(r.Text, `"title":"Bright SaaS"`) {
		t.Errorf("lin's own lead: %s", r.Text)
	}
	r = h.mustDo(409, "POST", "/api/records/lead", `{"company":"Bright","email":"rui@bright.example.com"}`, chen...)
	if !strings.Contains(r.Text, `"matches":[],"hidden":1`) {
		t.Errorf("chen's view of lin's lead: %s", r.Text)
	}
	r = h.mustDo(201, "POST", "/api/records/lead", `{"company":"ACME Software Co., Ltd.","email":"new@acme.example.com"}`, h.as("ana")...)
	if !strings.Contains(r.Text, `"rule":"lead_account"`) || !strings.Contains(r.Text, `"object":"account"`) {
		t.Errorf("a lead of Acme: %s", r.Text)
	}
}
