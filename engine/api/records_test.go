package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

const goodLead = `{"company":"Acme","email":"buyer@acme.test","amount":"12345.67","probability":40,"employees":120,
 "stage":"new","tags":["vip"],"hot":true,"close_date":"2027-03-01","last_contacted_at":"2026-11-20T09:30:00+08:00",
 "website":"https://acme.test","phone":"+86 21 5555 0101","notes":"met at fair"}`

func TestRecordLifecycle(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme Group"}`)
		body := strings.Replace(goodLead, `"notes"`, fmt.Sprintf(`"account":%q,"notes"`, acc.JSON["id"]), 1)
		r := h.mustDo(201, "POST", "/api/records/lead", body)
		rec := r.JSON
		if rec["amount"] != 12345.67 || rec["ref"] != "L-00001" || rec["version"] != float64(1) {
			t.Fatalf("created record: %s", r.Text)
		}
		if !strings.Contains(r.Text, `"amount":12345.67`) || !strings.Contains(r.Text, `"last_contacted_at":"2026-11-20T01:30:00.000Z"`) {
			t.Errorf("wire form: %s", r.Text)
		}
		if r.Header.Get("ETag") != `"1"` {
			t.Errorf("etag %q", r.Header.Get("ETag"))
		}
		id := rec["id"].(string)

		got := h.mustDo(200, "GET", "/api/records/lead/"+id, "")
		if got.JSON["company"] != "Acme" || got.JSON["owner"] == nil || got.JSON["created_at"] == nil {
			t.Errorf("read back: %s", got.Text)
		}
		// PATCH merges: other fields stay, the version moves on.
		p := h.mustDo(200, "PATCH", "/api/records/lead/"+id, `{"stage":"won","notes":null}`, "If-Match", `"1"`)
		if p.JSON["stage"] != "won" || p.JSON["company"] != "Acme" || p.JSON["version"] != float64(2) {
			t.Errorf("patched: %s", p.Text)
		}
		if _, has := p.JSON["notes"]; has {
			t.Errorf("null should clear notes: %s", p.Text)
		}
		// A stale If-Match is refused and changes nothing.
		stale := h.mustDo(409, "PATCH", "/api/records/lead/"+id, `{"stage":"lost"}`, "If-Match", `"1"`)
		if !strings.Contains(stale.Text, `"version_conflict"`) {
			t.Errorf("stale: %s", stale.Text)
		}
		if g := h.mustDo(200, "GET", "/api/records/lead/"+id, ""); g.JSON["stage"] != "won" {
			t.Errorf("stale write changed the record: %s", g.Text)
		}
		h.mustDo(409, "DELETE", "/api/records/lead/"+id, "", "If-Match", `"1"`)
		h.mustDo(204, "DELETE", "/api/records/lead/"+id, "", "If-Match", `"2"`)
		h.mustDo(404, "GET", "/api/records/lead/"+id, "")
		if n := h.count("lead"); n != 0 {
			t.Errorf("%d records left", n)
		}
		// A sales user can work with records (record access rules come with access control).
		h.mustDo(201, "POST", "/api/records/account", `{"name":"Rep's"}`, "Authorization", "Bearer "+h.userToken)
	})
}

func TestRecordBadInput(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		existing := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Taken","email":"taken@x.test"}`)
		id := existing.JSON["id"].(string)
		other := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Other","email":"other@x.test"}`).JSON["id"].(string)
		big := `{"company":"` + strings.Repeat("x", harnessBodyLimit+6<<10) + `"}`
		unchanged := snapshot("lead")
		runScenarios(t, h, []scenario{
			{Name: "malformed json", Method: "POST", URL: "/api/records/lead", Body: `{"company":`,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: unchanged},
			{Name: "not an object", Method: "POST", URL: "/api/records/lead", Body: `[1,2]`,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: unchanged},
			{Name: "trailing data", Method: "POST", URL: "/api/records/lead", Body: `{"company":"a"} {}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: unchanged},
			{Name: "a number a float64 cannot hold exactly", Method: "POST", URL: "/api/records/lead", Body: `{"company":"a","probability":9007199254740993}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"validation_failed"`, `"field":"probability","code":"precision"`}, Unchanged: unchanged},
			{Name: "body too large", Method: "POST", URL: "/api/records/lead", Body: big,
				ExpectedStatus: 413, ExpectedContent: []string{`"too_large"`}, Unchanged: unchanged},
			{Name: "every bad field at once", Method: "POST", URL: "/api/records/lead",
				Body:           `{"email":"not-an-email","amount":"12.345","employees":1.5,"stage":"maybe","hot":"yes","close_date":"2027-13-01","website":"ftp://x","mystery":1}`,
				ExpectedStatus: 422,
				ExpectedContent: []string{`"validation_failed"`, `"field":"company","code":"required"`, `"field":"email"`, `"field":"amount","code":"scale"`,
					`"field":"employees"`, `"field":"stage","code":"enum"`, `"field":"hot","code":"type"`, `"field":"close_date"`,
					`"field":"website"`, `"field":"mystery","code":"unknown_field"`},
				Unchanged: unchanged},
			{Name: "operator key", Method: "POST", URL: "/api/records/lead", Body: `{"company":"a","$where":"1"}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_key"`}, Unchanged: unchanged},
			{Name: "dotted key", Method: "POST", URL: "/api/records/lead", Body: `{"company":"a","a.b":1}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_key"`}, Unchanged: unchanged},
			{Name: "nested operator key", Method: "POST", URL: "/api/records/lead", Body: `{"company":{"$gt":""}}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_key"`}, Unchanged: unchanged},
			{Name: "NUL in key", Method: "POST", URL: "/api/records/lead", Body: `{"company":"a","x\u0000":1}`,
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_key"`}, Unchanged: unchanged},
			{Name: "duplicate unique value", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","email":"taken@x.test"}`,
				ExpectedStatus: 409, ExpectedContent: []string{`"duplicate_value"`, `"field":"email"`}, Unchanged: unchanged},
			{Name: "duplicate email in other letter case", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","email":"Taken@X.test"}`,
				ExpectedStatus: 409, ExpectedContent: []string{`"duplicate_value"`, `"field":"email"`}, Unchanged: unchanged},
			{Name: "links and the owner beside every other error, at once", Method: "POST", URL: "/api/records/lead",
				Body: `{"email":"not-an-email","account":"nope","owner":"someone"}`, ExpectedStatus: 422,
				ExpectedContent: []string{`"field":"company","code":"required"`, `"field":"email"`, `"field":"account","code":"lookup_not_found"`,
					`"field":"owner","code":"owner_inactive"`},
				Unchanged: unchanged},
			{Name: "lookup to a missing record", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","account":"nope"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"account","code":"lookup_not_found"`}, Unchanged: unchanged},
			{Name: "system field", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","created_by":"someone"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"created_by","code":"read_only"`}, Unchanged: unchanged},
			{Name: "owner not a user", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","owner":"someone"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"owner","code":"owner_inactive"`}, Unchanged: unchanged},
			{Name: "autonumber set by client", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b","ref":"L-99999"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"ref","code":"read_only"`}, Unchanged: unchanged},
			{Name: "unknown object", Method: "POST", URL: "/api/records/nothing", Body: `{"a":1}`,
				ExpectedStatus: 404, ExpectedContent: []string{`"object_not_found"`}},
			{Name: "patch to a duplicate", Method: "PATCH", URL: "/api/records/lead/" + other, Body: `{"email":"taken@x.test"}`,
				ExpectedStatus: 409, ExpectedContent: []string{`"duplicate_value"`, `"field":"email"`}, Unchanged: unchanged},
			{Name: "patch with bad type", Method: "PATCH", URL: "/api/records/lead/" + id, Body: `{"employees":"many"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"employees"`}, Unchanged: unchanged},
			{Name: "patch changing the id", Method: "PATCH", URL: "/api/records/lead/" + id, Body: `{"id":"other"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"id","code":"read_only"`}, Unchanged: unchanged},
			{Name: "bad If-Match", Method: "PATCH", URL: "/api/records/lead/" + id, Body: `{"company":"x"}`, Headers: []string{"If-Match", "abc"},
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_if_match"`}, Unchanged: unchanged},
			{Name: "patch of a missing record", Method: "PATCH", URL: "/api/records/lead/nope", Body: `{"company":"x"}`,
				ExpectedStatus: 404, ExpectedContent: []string{`"record_not_found"`}, Unchanged: unchanged},
			{Name: "no token", Method: "POST", URL: "/api/records/lead", Body: `{"company":"b"}`, Headers: []string{"Authorization", ""},
				ExpectedStatus: 401, ExpectedContent: []string{`"unauthorized"`}, Unchanged: unchanged},
			{Name: "wrong token", Method: "GET", URL: "/api/records/lead", Headers: []string{"Authorization", "Bearer nope"},
				ExpectedStatus: 401, ExpectedContent: []string{`"unauthorized"`}, NotExpectedContent: []string{"Taken"}},
		})
		if n := h.count("lead"); n != 2 {
			t.Errorf("%d leads stored, want 2", n)
		}
	})
}

func TestZhCNMessages(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		r := h.mustDo(422, "POST", "/api/records/lead", `{"email":"x"}`, "Accept-Language", "zh-CN,zh;q=0.9")
		if !strings.Contains(r.Text, "必填") {
			t.Errorf("expected a Chinese message: %s", r.Text)
		}
	})
}

func TestAutonumbersNeverRepeat(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		const writers, each = 8, 10
		var mu sync.Mutex
		seen := map[string]bool{}
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					r := h.do("POST", "/api/records/lead", `{"company":"c"}`)
					if r.Status != 201 {
						t.Errorf("create: %d %s", r.Status, r.Text)
						return
					}
					mu.Lock()
					seen[r.JSON["ref"].(string)] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != writers*each {
			t.Errorf("%d distinct autonumbers for %d creates", len(seen), writers*each)
		}
	})
}
