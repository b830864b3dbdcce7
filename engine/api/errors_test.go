package api_test

import (
	"strings"
	"testing"

	"crm/internal/testenv"
)

// TestErrorsSpeakTheCallersLanguage: under Accept-Language zh-CN a top-level error answers the
// catalog's Chinese message with the English particulars in detail; in English it answers exactly
// as before, with no detail; a language the catalog does not speak gets English.
func TestErrorsSpeakTheCallersLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	h.withLead()
	id := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Taken","email":"taken@x.test"}`).JSON["id"].(string)
	required := strings.Replace(leadDef, `{"name":"email","type":"email","unique":true}`, `{"name":"email","type":"email","unique":true,"required":true}`, 1)
	other := h.mustDo(201, "POST", "/api/records/lead", `{"company":"No email"}`).JSON["id"].(string)
	rep := []string{"Authorization", "Bearer " + h.userToken}
	anon := []string{"Authorization", ""}

	for _, c := range []struct {
		name, method, url, body string
		headers                 []string
		status                  int
		code, zh, en            string // en: the English message, as it always was
	}{
		{"record not found", "GET", "/api/records/lead/nope", "", nil,
			404, "record_not_found", "记录不存在", `no lead record \"nope\"`},
		{"object not found", "GET", "/api/records/nothing", "", nil,
			404, "object_not_found", "对象不存在", `no object named \"nothing\"`},
		{"forbidden", "POST", "/api/meta/objects", accountDef, rep,
			403, "forbidden", "无权限执行此操作", "you may not do this"},
		{"unauthorized", "GET", "/api/records/lead", "", anon,
			401, "unauthorized", "请先登录", "sign in first"},
		{"bad credentials", "POST", "/api/auth/login", `{"email":"admin@example.com","password":"not-the-password"}`, anon,
			401, "invalid_credentials", "邮箱或密码错误", "wrong email or password"},
		{"version conflict", "PATCH", "/api/records/lead/" + id, `{"company":"x"}`, []string{"If-Match", `"7"`},
			409, "version_conflict", "版本冲突：该数据已被他人修改，请刷新后重试", "the record was changed by someone else; reload it and try again"},
		{"breaking change", "PUT", "/api/meta/objects/lead", required, nil,
			409, "breaking_change", "该修改与已有记录不兼容，无法保存", "this change would make 1 stored record(s) invalid"},
		{"invalid definition", "POST", "/api/meta/objects", `{"name":"Bad Name","fields":[]}`, nil,
			422, "invalid_definition", "定义有误，请修正标出的问题", "the definition has"},
		{"invalid filter", "GET", "/api/records/lead?filter=company%20%3D%3D", "", nil,
			400, "invalid_filter", "筛选条件无效", "expected a value"},
		{"duplicate value", "POST", "/api/records/lead", `{"company":"b","email":"taken@x.test"}`, nil,
			409, "duplicate_value", "该值已被其他记录使用", "another record already has this"},
		{"malformed json", "POST", "/api/records/lead", `{"company":`, nil,
			400, "malformed_json", "请求内容不是有效的 JSON", ""},
		{"unknown route, a fiber error", "GET", "/api/no-such-route", "", nil,
			404, "not_found", "请求的资源不存在", ""},
	} {
		unchanged := snapshot("lead")
		zh := append([]string{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8"}, c.headers...)
		en := append([]string{"Accept-Language", "en-US,en;q=0.9"}, c.headers...)
		enWant, zhNot := []string{`"code":"` + c.code + `"`}, []string{}
		if c.en != "" {
			enWant = append(enWant, `"message":"`+c.en)
			zhNot = append(zhNot, `"message":"`+c.en)
		}
		runScenarios(t, h, []scenario{
			{Name: c.name + " in zh-CN", Method: c.method, URL: c.url, Body: c.body, Headers: zh, ExpectedStatus: c.status,
				ExpectedContent:    []string{`"code":"` + c.code + `"`, `"message":"` + c.zh + `"`, `"detail":"`},
				NotExpectedContent: zhNot, Unchanged: unchanged},
			{Name: c.name + " in en", Method: c.method, URL: c.url, Body: c.body, Headers: en, ExpectedStatus: c.status,
				ExpectedContent: enWant, NotExpectedContent: []string{`"detail"`, c.zh}, Unchanged: unchanged},
			{Name: c.name + " in fr, which the catalog does not speak", Method: c.method, URL: c.url, Body: c.body,
				Headers: append([]string{"Accept-Language", "fr-FR"}, c.headers...), ExpectedStatus: c.status,
				ExpectedContent: enWant, NotExpectedContent: []string{`"detail"`, c.zh}, Unchanged: unchanged},
		})
	}

	// The field of a duplicate value speaks the caller's language too.
	runScenarios(t, h, []scenario{
		{Name: "duplicate value's field in zh-CN", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","email":"taken@x.test"}`,
			Headers: []string{"Accept-Language", "zh-CN"}, ExpectedStatus: 409,
			ExpectedContent: []string{`"field":"email","code":"unique","message":"已被其他记录使用"`}},
		{Name: "duplicate value's field in en", Method: "PATCH", URL: "/api/records/lead/" + other, Body: `{"email":"taken@x.test"}`,
			ExpectedStatus: 409, ExpectedContent: []string{`"field":"email","code":"unique","message":"already used by another record"`}},
		{Name: "duplicate value's field in zh-CN, on update", Method: "PATCH", URL: "/api/records/lead/" + other, Body: `{"email":"taken@x.test"}`,
			Headers: []string{"Accept-Language", "zh-CN"}, ExpectedStatus: 409,
			ExpectedContent: []string{`"field":"email","code":"unique","message":"已被其他记录使用"`}},
	})

	// A message the engine already writes in the caller's language keeps its fields and needs no
	// detail: validation_failed.
	runScenarios(t, h, []scenario{
		{Name: "validation failed in zh", Method: "POST", URL: "/api/records/lead", Body: `{"email":"x"}`,
			Headers: []string{"Accept-Language", "zh"}, ExpectedStatus: 422,
			ExpectedContent:    []string{`"code":"validation_failed"`, `"message":"部分字段无效"`, `"field":"company"`, "必填"},
			NotExpectedContent: []string{`"detail"`}},
	})
}
