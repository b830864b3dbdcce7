package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

func objectVersion(object string) func(h *harness) any {
	return func(h *harness) any {
		r := h.do("GET", "/api/meta/objects/"+object, "")
		return []any{r.Status, r.JSON["version"], len(r.JSON["fields"].([]any))}
	}
}

func TestDefinitionChecks(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		bad := `{"name":"deal","fields":[
		  {"name":"Amount","type":"currency","currency":"CNY"},
		  {"name":"owner","type":"text"},
		  {"name":"x","type":"hologram"},
		  {"name":"acc","type":"lookup","target":"nowhere"},
		  {"name":"x","type":"text"}],
		 "layouts":[{"name":"default","sections":[{"columns":4,"fields":["ghost"]}]}]}`
		r := h.mustDo(422, "POST", "/api/meta/objects", bad)
		for _, want := range []string{`"invalid_definition"`, `"/fields/0/name"`, `"/fields/1/name"`, `"/fields/2/type"`,
			`"/fields/3/target"`, `"/fields/4/name"`, `"/layouts/0/sections/0/fields/0"`} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("missing %s in %s", want, r.Text)
			}
		}
		h.mustDo(404, "GET", "/api/meta/objects/deal", "")

		runScenarios(t, h, []scenario{
			{Name: "bad object name", Method: "POST", URL: "/api/meta/objects", Body: `{"name":"Bad Name","fields":[]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/name"`}},
			{Name: "exists", Method: "POST", URL: "/api/meta/objects", Body: accountDef,
				ExpectedStatus: 409, ExpectedContent: []string{`"object_exists"`}, Unchanged: objectVersion("account")},
			{Name: "sales user may not define", Method: "POST", URL: "/api/meta/objects", Body: `{"name":"x","fields":[]}`,
				Headers: []string{"Authorization", "Bearer " + h.userToken}, ExpectedStatus: 403, ExpectedContent: []string{`"forbidden"`}},
			{Name: "sales user may not change", Method: "PUT", URL: "/api/meta/objects/account", Body: accountDef,
				Headers: []string{"Authorization", "Bearer " + h.userToken}, ExpectedStatus: 403, Unchanged: objectVersion("account")},
			{Name: "malformed definition", Method: "POST", URL: "/api/meta/objects", Body: `{"name":"x","fields":{}}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}},
			{Name: "unknown keys are named, not dropped", Method: "POST", URL: "/api/meta/objects",
				Body:           `{"name":"deal","labels":{"en":"Deal"},"fields":[{"name":"a","type":"text","requried":true,"options":[{"value":"x","colour":"red"}]}]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"unknown_key"`, `"/labels"`, `"/fields/0/requried"`, `"/fields/0/options/0/colour"`}},
			{Name: "a mistyped key comes with every other problem, rules and lookups included", Method: "POST", URL: "/api/meta/objects",
				Body: `{"name":"deal","fields":[{"name":"a","type":"text","requried":true},{"name":"acc","type":"lookup","target":"nowhere"}],
				  "validation_rules":[{"name":"r","error_when":"a ==","message":{"en":"no"}}]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/fields/0/requried"`, `"/fields/1/target"`, `"/validation_rules/0/error_when"`}},
			{Name: "a mistyped key of a change comes with every other problem", Method: "PUT", URL: "/api/meta/objects/account",
				Body:           `{"name":"account","fields":[{"name":"name","type":"text","requried":true}],"validation_rules":[{"name":"r","error_when":"nam == \"\"","message":{"en":"no"}}]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/fields/0/requried"`, `"/validation_rules/0/error_when"`}, Unchanged: objectVersion("account")},
			{Name: "a mistyped key of someone who may not define is forbidden", Method: "POST", URL: "/api/meta/objects", Body: `{"name":"x","fields":[],"labels":{}}`,
				Headers: []string{"Authorization", "Bearer " + h.userToken}, ExpectedStatus: 403},
			{Name: "stale If-Match", Method: "PUT", URL: "/api/meta/objects/account", Body: accountDef, Headers: []string{"If-Match", `"7"`},
				ExpectedStatus: 409, ExpectedContent: []string{`"version_conflict"`}, Unchanged: objectVersion("account")},
			{Name: "rename", Method: "PUT", URL: "/api/meta/objects/account", Body: strings.Replace(accountDef, `"account"`, `"acct"`, 1),
				ExpectedStatus: 422, ExpectedContent: []string{`"/name"`}, Unchanged: objectVersion("account")},
			{Name: "delete while looked up", Method: "DELETE", URL: "/api/meta/objects/account",
				ExpectedStatus: 409, ExpectedContent: []string{`"object_in_use"`}, Unchanged: objectVersion("account")},
		})
	})
}

func TestDefinitionVersionsAndBreakingChanges(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"A","stage":"won","email":"a@x.test"}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"B","stage":"won"}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"C","stage":"new","employees":5}`)

		unchanged := objectVersion("lead")
		required := strings.Replace(leadDef, `{"name":"email","type":"email","unique":true}`, `{"name":"email","type":"email","unique":true,"required":true}`, 1)
		retyped := strings.Replace(leadDef, `{"name":"employees","type":"integer","min":0}`, `{"name":"employees","type":"text"}`, 1)
		dropWon := strings.Replace(leadDef, `{"value":"won","label":{"en":"Won","zh-CN":"赢单"},"color":"green"},`, ``, 1)
		uniqueStage := strings.Replace(leadDef, `{"name":"stage","type":"picklist","indexed":true,`, `{"name":"stage","type":"picklist","unique":true,`, 1)
		runScenarios(t, h, []scenario{
			{Name: "required over empty values", Method: "PUT", URL: "/api/meta/objects/lead", Body: required,
				ExpectedStatus: 409, ExpectedContent: []string{`"breaking_change"`, `"field":"email"`, `"records":2`}, Unchanged: unchanged},
			{Name: "type change over values", Method: "PUT", URL: "/api/meta/objects/lead", Body: retyped,
				ExpectedStatus: 409, ExpectedContent: []string{`"breaking_change"`, `"field":"employees"`, `"records":1`}, Unchanged: unchanged},
			{Name: "picklist value in use removed", Method: "PUT", URL: "/api/meta/objects/lead", Body: dropWon,
				ExpectedStatus: 409, ExpectedContent: []string{`"breaking_change"`, `"field":"stage"`, `"records":2`}, Unchanged: unchanged},
			{Name: "unique over duplicates", Method: "PUT", URL: "/api/meta/objects/lead", Body: uniqueStage,
				ExpectedStatus: 409, ExpectedContent: []string{`"breaking_change"`, `"field":"stage"`, `"records":2`}, Unchanged: unchanged},
		})

		// A compatible change: a new optional field. Version 2, history keeps version 1.
		added := strings.Replace(leadDef, `{"name":"notes","type":"textarea"}`, `{"name":"notes","type":"textarea"},{"name":"region","type":"text"}`, 1)
		r := h.mustDo(200, "PUT", "/api/meta/objects/lead", added, "If-Match", `"1"`)
		if r.JSON["version"] != float64(2) {
			t.Fatalf("version after update: %s", r.Text)
		}
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"D","region":"south"}`)
		hist := h.mustDo(200, "GET", "/api/meta/objects/lead/history", "")
		items := hist.JSON["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("history: %s", hist.Text)
		}
		latest := items[0].(map[string]any)
		if latest["action"] != "updated" || latest["version"] != float64(2) || latest["by"] == "" || latest["previous"] == nil {
			t.Errorf("latest history entry: %v", latest)
		}
		if prevFields := latest["previous"].(map[string]any)["fields"].([]any); len(prevFields) != 15 {
			t.Errorf("previous definition has %d fields", len(prevFields))
		}

		// A definition read back is accepted as it was read, server keys and all.
		read := h.mustDo(200, "GET", "/api/meta/objects/lead", "")
		if r := h.mustDo(200, "PUT", "/api/meta/objects/lead", read.Text, "If-Match", `"2"`); r.JSON["version"] != float64(3) {
			t.Errorf("round trip: %s", r.Text)
		}
	})
}

// TestNoStaleDefinition: two engines share one database, as two processes would. When one
// changes a definition, it validates its own next write against the new version at once, and the
// other within the stated bound (engine.VersionTTL), never later.
func TestNoStaleDefinition(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		st := b.Open(t)
		h1 := newHarnessOn(t, st)
		e2, err := engine.New(context.Background(), engine.Config{Store: st, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		h2 := &harness{t: t, store: st, engine: e2, adminToken: h1.adminToken}
		h2.serve(api.New(api.Config{Engine: e2, Logger: quiet}))
		h1.withLead()
		h1.mustDo(201, "POST", "/api/records/lead", `{"company":"warm","notes":"compiles v1 in engine 1"}`)
		h2.mustDo(201, "POST", "/api/records/lead", `{"company":"warm","notes":"compiles v1 in engine 2"}`)
		h1.mustDo(200, "PUT", "/api/meta/objects/lead", strings.Replace(leadDef, `{"name":"notes","type":"textarea"}`, `{"name":"notes","type":"textarea","max_length":5}`, 1))
		if r := h1.mustDo(422, "POST", "/api/records/lead", `{"company":"x","notes":"far too long"}`); !strings.Contains(r.Text, `"field":"notes"`) {
			t.Errorf("engine 1 used a stale definition right after its own change: %s", r.Text)
		}
		changed := time.Now()
		for {
			// Judged by when the request was sent, not when its answer came: on a loaded machine
			// a fresh answer to an early request may arrive after the bound.
			sent := time.Since(changed)
			r := h2.do("POST", "/api/records/lead", `{"company":"x","notes":"far too long"}`)
			if r.Status == 422 && strings.Contains(r.Text, `"field":"notes"`) {
				break
			}
			if r.Status != 201 || sent > engine.VersionTTL+time.Second {
				t.Fatalf("engine 2 still used a stale definition for a request sent %v after the change: %d %s", sent, r.Status, r.Text)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

func TestFormDescriptor(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		zh := h.mustDo(200, "GET", "/api/forms/lead", "", "Accept-Language", "zh-CN")
		for _, want := range []string{"线索", "公司", "基本信息", "赢单", `"$schema"`, "2020-12"} {
			if !strings.Contains(zh.Text, want) {
				t.Errorf("zh-CN form lacks %s", want)
			}
		}
		en := h.mustDo(200, "GET", "/api/forms/lead", "", "Accept-Language", "en-US,en;q=0.8")
		if !strings.Contains(en.Text, `"Won"`) || strings.Contains(en.Text, "赢单") {
			t.Errorf("en form: %s", en.Text)
		}
		h.mustDo(404, "GET", "/api/forms/nothing", "")
	})
}
