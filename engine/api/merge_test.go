package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"crm/engine/store"
)

// The objects of the merge tests: private companies (a unique email, a field hidden from the
// reps, a formula) and the leads and tasks that look them up.
const (
	mergeCompanyDef = `{"name":"company","sharing":"private","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"phone","type":"phone"},
 {"name":"email","type":"email","unique":true},
 {"name":"city","type":"text"},
 {"name":"secret","type":"text"},
 {"name":"label","type":"formula","result_type":"text","expression":"name + \" \" + (city ?? \"\")"}]}`
	mergeLeadDef = `{"name":"prospect","fields":[{"name":"title","type":"text","required":true},{"name":"company","type":"lookup","target":"company"}]}`
	mergeTaskDef = `{"name":"chore","fields":[{"name":"subject","type":"text","required":true},{"name":"about","type":"lookup","target":"company"}]}`
)

// mergeBench defines the objects and a rep who may delete but sees only their own companies and
// not the secret.
func (h *harness) mergeBench() (repAuth []string) {
	h.t.Helper()
	for _, d := range []string{mergeCompanyDef, mergeLeadDef, mergeTaskDef} {
		h.mustDo(201, "POST", "/api/meta/objects", d)
	}
	h.mustDo(201, "POST", "/api/roles", `{"name":"merger","objects":{"*":{"create":true,"read":true,"edit":true,"delete":true}},"fields":{"company":{"secret":"hidden"}}}`)
	h.mustDo(201, "POST", "/api/users", `{"email":"merger@example.com","password":"password-123","roles":["merger"]}`)
	tok, _, err := h.engine.Login(context.Background(), "merger@example.com", "password-123")
	if err != nil {
		h.t.Fatal(err)
	}
	return []string{"Authorization", "Bearer " + tok}
}

func (h *harness) create(object, body string, headers ...string) string {
	h.t.Helper()
	return h.mustDo(201, "POST", "/api/records/"+object, body, headers...).JSON["id"].(string)
}

// auditActions counts the stored audit entries of a record by action.
func (h *harness) auditActions(record string) map[string]int {
	h.t.Helper()
	docs, err := h.store.Find(context.Background(), "audit", store.Query{Filter: store.Compare{Field: "record", Op: store.Eq, Value: record}})
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range docs {
		out[d["action"].(string)]++
	}
	return out
}

// TestMergeRecords: the winner keeps the value chosen per field (a unique email taken from a
// loser included), every lookup of other objects that named a loser names the winner, each
// record gets one audit entry, the losers answer 410 record_merged with merged_into, and the
// winner's history shows the losers' trails.
func TestMergeRecords(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mergeBench()
		win := h.create("company", `{"name":"Acme","phone":"+86 10 1111","email":"old@acme.test","city":"Beijing"}`)
		l1 := h.create("company", `{"name":"ACME Ltd","phone":"+86 10 2222","email":"info@acme.test"}`)
		l2 := h.create("company", `{"name":"Acme Co","city":"Shanghai"}`)
		other := h.create("company", `{"name":"Other"}`)
		p1 := h.create("prospect", `{"title":"P1","company":"`+l1+`"}`)
		p2 := h.create("prospect", `{"title":"P2","company":"`+l2+`"}`)
		p3 := h.create("prospect", `{"title":"P3","company":"`+other+`"}`)
		c1 := h.create("chore", `{"subject":"call","about":"`+l2+`"}`)
		h.mustDo(200, "PATCH", "/api/records/company/"+win, `{"name":"Acme"}`) // a version 2 to start from

		body := fmt.Sprintf(`{"winner":%q,"losers":[%q,%q],"fields":{"phone":%q,"email":%q,"city":%q,"name":%q}}`, win, l1, l2, l1, l1, l2, win)
		r := h.mustDo(200, "POST", "/api/records/company/merge", body)
		want := map[string]any{"name": "Acme", "phone": "+86 10 2222", "email": "info@acme.test", "city": "Shanghai", "label": "Acme Shanghai"}
		got := h.mustDo(200, "GET", "/api/records/company/"+win, "").JSON
		for k, v := range want {
			if got[k] != v || r.JSON[k] != v {
				t.Errorf("winner %s = %v (answer %v), want %v", k, got[k], r.JSON[k], v)
			}
		}

		for id, wantCo := range map[string]string{p1: win, p2: win, p3: other} {
			if co := h.mustDo(200, "GET", "/api/records/prospect/"+id, "").JSON["company"]; co != wantCo {
				t.Errorf("prospect %s points at %v, want %s", id, co, wantCo)
			}
		}
		if about := h.mustDo(200, "GET", "/api/records/chore/"+c1, "").JSON["about"]; about != win {
			t.Errorf("the task points at %v, want the winner %s", about, win)
		}

		for _, l := range []string{l1, l2} {
			g := h.mustDo(410, "GET", "/api/records/company/"+l, "")
			e := g.JSON["error"].(map[string]any)
			if e["code"] != "record_merged" || e["details"].(map[string]any)["merged_into"] != win {
				t.Errorf("loser %s answers %s", l, g.Text)
			}
			h.mustDo(410, "PATCH", "/api/records/company/"+l, `{"city":"x"}`)
			if a := h.auditActions(l); a["record_merged"] != 1 || a["record_created"] != 1 {
				t.Errorf("loser %s audit %v, want one record_merged", l, a)
			}
		}
		if a := h.auditActions(win); a["record_merged"] != 1 {
			t.Errorf("winner audit %v, want one record_merged", a)
		}
		if h.count("company") != 2 {
			t.Errorf("%d companies, want the winner and the other", h.count("company"))
		}

		// The winner's history tells the merge and carries the losers' trails.
		hist := h.mustDo(200, "GET", "/api/records/company/"+win+"/history", "")
		var merged []any
		fromLosers := 0
		for _, it := range hist.JSON["items"].([]any) {
			e := it.(map[string]any)
			if e["record"] == win && e["action"] == "record_merged" {
				merged, _ = e["merged"].([]any)
			}
			if e["record"] == l1 || e["record"] == l2 {
				fromLosers++
			}
		}
		if !slices.Contains(merged, any(l1)) || !slices.Contains(merged, any(l2)) || fromLosers != 4 {
			t.Errorf("winner history: merged %v, %d entries of the losers, want both and 4: %s", merged, fromLosers, hist.Text)
		}

		// Merged again: a tombstone of a record merged into the new loser leads to the newest winner.
		top := h.create("company", `{"name":"Acme Group"}`)
		h.mustDo(200, "POST", "/api/records/company/merge", fmt.Sprintf(`{"winner":%q,"losers":[%q]}`, top, win))
		if e := h.mustDo(410, "GET", "/api/records/company/"+l1, "").JSON["error"].(map[string]any); e["details"].(map[string]any)["merged_into"] != top {
			t.Errorf("twice merged loser leads to %v, want %s", e["details"], top)
		}
		if co := h.mustDo(200, "GET", "/api/records/prospect/"+p1, "").JSON["company"]; co != top {
			t.Errorf("prospect points at %v after the second merge, want %s", co, top)
		}
	})
}

// TestMergeRefusals: bad input and merges the caller may not make get a clear error with a
// stable code, and nothing changes.
func TestMergeRefusals(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		rep := h.mergeBench()
		h.mustDo(201, "POST", "/api/meta/objects", contractObjectDef)
		h.mustDo(201, "POST", "/api/teams", `{"id":"finance"}`)
		h.mustDo(201, "POST", "/api/teams", `{"id":"legal"}`)
		h.mustDo(201, "POST", "/api/meta/approval-processes", contractProcessDef)
		boss, _ := h.person("boss@example.com", "", "")
		_, sellerAuth := h.person("seller@example.com", boss, "")
		seller := []string{"Authorization", sellerAuth}

		a := h.create("company", `{"name":"A"}`, rep...)
		b := h.create("company", `{"name":"B"}`, rep...)
		h.mustDo(200, "PATCH", "/api/records/company/"+a, `{"secret":"s1"}`)
		h.mustDo(200, "PATCH", "/api/records/company/"+b, `{"secret":"s2"}`)
		c, d, e := h.create("company", `{"name":"C"}`, rep...), h.create("company", `{"name":"D"}`, rep...), h.create("company", `{"name":"E"}`, rep...)
		hidden := h.create("company", `{"name":"Admin's"}`) // the admin's: private, the rep cannot see it
		p := h.create("prospect", `{"title":"P","company":"`+b+`"}`)
		k1 := h.create("contract", `{"title":"K1"}`, seller...)
		k2 := h.create("contract", `{"title":"K2"}`, seller...)
		h.mustDo(201, "POST", "/api/records/contract/"+k2+"/approvals", `{}`, seller...) // k2 waits for its approval

		unchanged := func(h *harness) any {
			return []any{snapshot("company")(h), snapshot("prospect")(h), snapshot("contract")(h), h.count("record_merges")}
		}
		merge := func(object, winner string, losers []string, fields string) string {
			q := `[`
			for i, l := range losers {
				if i > 0 {
					q += ","
				}
				q += fmt.Sprintf("%q", l)
			}
			return fmt.Sprintf(`{"winner":%q,"losers":%s],"fields":{%s}}`, winner, q, fields)
		}
		url := "/api/records/company/merge"
		runScenarios(t, h, []scenario{
			{Name: "a loser is the winner", Method: "POST", URL: url, Body: merge("company", a, []string{a}, ``),
				ExpectedStatus: 400, ExpectedContent: []string{`"merge_invalid_records"`}, Unchanged: unchanged},
			{Name: "a loser twice", Method: "POST", URL: url, Body: merge("company", a, []string{b, b}, ``),
				ExpectedStatus: 400, ExpectedContent: []string{`"merge_invalid_records"`}, Unchanged: unchanged},
			{Name: "no loser", Method: "POST", URL: url, Body: merge("company", a, nil, ``),
				ExpectedStatus: 400, ExpectedContent: []string{`"merge_invalid_records"`}, Unchanged: unchanged},
			{Name: "an unknown key", Method: "POST", URL: url, Body: `{"winner":"` + a + `","loosers":["` + b + `"]}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: unchanged},
			{Name: "more than three losers", Method: "POST", URL: url, Body: merge("company", a, []string{b, c, d, e}, ``),
				ExpectedStatus: 422, ExpectedContent: []string{`"merge_too_many"`}, Unchanged: unchanged},
			{Name: "an unknown id", Method: "POST", URL: url, Body: merge("company", a, []string{"nope"}, ``),
				ExpectedStatus: 404, ExpectedContent: []string{`"record_not_found"`}, Unchanged: unchanged},
			{Name: "a record of another object", Method: "POST", URL: url, Body: merge("company", a, []string{p}, ``),
				ExpectedStatus: 404, ExpectedContent: []string{`"record_not_found"`}, Unchanged: unchanged},
			{Name: "a field not on the object", Method: "POST", URL: url, Body: merge("company", a, []string{b}, `"colour":"`+b+`"`),
				ExpectedStatus: 422, ExpectedContent: []string{`"merge_invalid_field"`, `"colour"`}, Unchanged: unchanged},
			{Name: "a formula field", Method: "POST", URL: url, Body: merge("company", a, []string{b}, `"label":"`+b+`"`),
				ExpectedStatus: 422, ExpectedContent: []string{`"merge_invalid_field"`}, Unchanged: unchanged},
			{Name: "a value from outside the merge", Method: "POST", URL: url, Body: merge("company", a, []string{b}, `"city":"`+c+`"`),
				ExpectedStatus: 422, ExpectedContent: []string{`"merge_invalid_choice"`}, Unchanged: unchanged},
			{Name: "a record waiting for an approval, even for an admin", Method: "POST", URL: "/api/records/contract/merge",
				Body: merge("contract", k1, []string{k2}, ``), ExpectedStatus: 409, ExpectedContent: []string{`"record_locked"`}, Unchanged: unchanged},
			{Name: "the rep merges a record they cannot see", Method: "POST", URL: url, Body: merge("company", a, []string{hidden}, ``), Headers: rep,
				ExpectedStatus: 404, ExpectedContent: []string{`"record_not_found"`}, NotExpectedContent: []string{"Admin's"}, Unchanged: unchanged},
			{Name: "the rep merges into a record they cannot see", Method: "POST", URL: url, Body: merge("company", hidden, []string{a}, ``), Headers: rep,
				ExpectedStatus: 404, ExpectedContent: []string{`"record_not_found"`}, Unchanged: unchanged},
			{Name: "the rep chooses a hidden field", Method: "POST", URL: url, Body: merge("company", a, []string{b}, `"secret":"`+b+`"`), Headers: rep,
				ExpectedStatus: 422, ExpectedContent: []string{`"merge_invalid_field"`}, NotExpectedContent: []string{"s1", "s2"}, Unchanged: unchanged},
			{Name: "a seller may not delete", Method: "POST", URL: "/api/records/contract/merge", Body: merge("contract", k1, []string{k2}, ``), Headers: seller,
				ExpectedStatus: 403, ExpectedContent: []string{`"forbidden"`}, Unchanged: unchanged},
			{Name: "in Chinese", Method: "POST", URL: url, Body: merge("company", a, []string{b, c, d, e}, ``), Headers: []string{"Accept-Language", "zh-CN"},
				ExpectedStatus: 422, ExpectedContent: []string{`"merge_too_many"`, "一次最多"}, Unchanged: unchanged},
		})

		// The rep's own merge works, and the hidden field keeps the winner's value untold.
		h.t = t
		r := h.mustDo(200, "POST", url, merge("company", a, []string{b}, `"name":"`+b+`"`), rep...)
		if r.JSON["name"] != "B" || r.JSON["secret"] != nil {
			t.Errorf("rep's merge answers %s", r.Text)
		}
		if s := h.mustDo(200, "GET", "/api/records/company/"+a, "").JSON["secret"]; s != "s1" {
			t.Errorf("the winner's hidden field is %v, want its own s1", s)
		}
		if co := h.mustDo(200, "GET", "/api/records/prospect/"+p, "").JSON["company"]; co != a {
			t.Errorf("prospect points at %v, want %s", co, a)
		}
		// Merged already: the loser is gone.
		h.mustDo(410, "POST", url, merge("company", c, []string{b}, ``), rep...)
		// Merged into a record the rep may not see: to her it is simply not found, so the tombstone
		// tells her nothing of the other record; the admin is told where it went.
		h.mustDo(200, "POST", url, merge("company", hidden, []string{d}, ``))
		if r := h.mustDo(404, "GET", "/api/records/company/"+d, "", rep...); strings.Contains(r.Text, hidden) {
			t.Errorf("the rep is told where her record went: %s", r.Text)
		}
		h.mustDo(404, "PATCH", "/api/records/company/"+d, `{"name":"x"}`, rep...)
		if r := h.mustDo(410, "GET", "/api/records/company/"+d, ""); !strings.Contains(r.Text, hidden) {
			t.Errorf("the admin is not told where it went: %s", r.Text)
		}

		// A loser's approval history is shown with the winner's.
		k3 := h.create("contract", `{"title":"K3"}`, seller...)
		inst := h.mustDo(201, "POST", "/api/records/contract/"+k3+"/approvals", `{}`, seller...).JSON["id"].(string)
		h.mustDo(200, "POST", "/api/approvals/"+inst+"/recall", `{}`, seller...)
		h.mustDo(200, "POST", "/api/records/contract/merge", merge("contract", k1, []string{k3}, ``))
		if ap := h.mustDo(200, "GET", "/api/records/contract/"+k1+"/approvals", ""); !strings.Contains(ap.Text, inst) {
			t.Errorf("the winner's approvals lack the loser's %s: %s", inst, ap.Text)
		}
	})
}
