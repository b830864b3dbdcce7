package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// dealDef is private, shares southern deals with the south team (read) and the east ones with
// support (edit), hides salary from sales and locks score for them.
const dealDef = `{"name":"deal","sharing":"private","fields":[
 {"name":"company","type":"text","required":true,"indexed":true},
 {"name":"region","type":"picklist","indexed":true,"options":[{"value":"north"},{"value":"south"},{"value":"east"}]},
 {"name":"salary","type":"currency","currency":"CNY","indexed":true},
 {"name":"score","type":"integer"},
 {"name":"related","type":"lookup","target":"deal"}],
 "sharing_rules":[
  {"name":"south_read","when":"region = \"south\"","teams":["south"],"access":"read"},
  {"name":"east_support","when":"region = \"east\"","roles":["support"],"access":"edit"}]}`

// people creates users through the admin API and signs each in; it returns tokens and ids by name.
func (h *harness) people() (tok, id map[string]string) {
	h.t.Helper()
	h.mustDo(201, "POST", "/api/teams", `{"id":"north","label":{"en":"North"}}`)
	h.mustDo(201, "POST", "/api/teams", `{"id":"south","label":{"en":"South"}}`)
	tok, id = map[string]string{}, map[string]string{}
	add := func(name, roles, extra string) {
		body := fmt.Sprintf(`{"email":"%s@example.com","name":"%s","password":"correct-horse-%s","roles":%s%s}`, name, name, name, roles, extra)
		r := h.mustDo(201, "POST", "/api/users", body)
		id[name] = r.JSON["id"].(string)
		l := h.mustDo(200, "POST", "/api/auth/login", fmt.Sprintf(`{"email":"%s@example.com","password":"correct-horse-%s"}`, name, name), "Authorization", "")
		tok[name] = l.JSON["token"].(string)
	}
	add("maria", `["manager"]`, `,"teams":["north"]`)
	add("anna", `["sales"]`, `,"teams":["north"],"manager":"`+id["maria"]+`"`)
	add("ben", `["sales"]`, `,"teams":["south"],"manager":"`+id["maria"]+`"`)
	add("carl", `["sales"]`, `,"teams":["south"]`)
	add("nina", `["analyst"]`, ``)
	add("sam", `["support"]`, ``)
	return tok, id
}

func TestAccessControl(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		tok, id := h.people()
		h.mustDo(201, "POST", "/api/meta/objects", dealDef)
		h.mustDo(201, "POST", "/api/roles", `{"name":"auditor","objects":{"deal":{"read":true,"see_all":true}}}`)
		h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}},"fields":{"deal":{"salary":"hidden","score":"read_only"}}}`)
		au := h.mustDo(201, "POST", "/api/users", `{"email":"olga@example.com","password":"correct-horse-olga","roles":["auditor"]}`)
		_ = au
		tok["olga"] = h.mustDo(200, "POST", "/api/auth/login", `{"email":"olga@example.com","password":"correct-horse-olga"}`, "Authorization", "").JSON["token"].(string)

		as := func(who string) []string { return []string{"Authorization", "Bearer " + tok[who]} }
		create := func(who, body string) string {
			r := h.mustDo(201, "POST", "/api/records/deal", body, as(who)...)
			return r.JSON["id"].(string)
		}
		dA := create("anna", `{"company":"Anna Co","region":"north"}`)
		dB := create("ben", `{"company":"Ben Co","region":"south"}`)
		dC := create("carl", `{"company":"Carl Co","region":"east"}`)
		h.mustDo(200, "PATCH", "/api/records/deal/"+dA, `{"salary":"5000","score":7}`)

		// Who reads which record by id: 200 or 404 (never 403 for a record out of reach).
		reads := map[string][3]int{ // anna's, ben's, carl's deal
			"anna":  {200, 404, 404}, // own only
			"ben":   {404, 200, 404}, // own (and the south rule matches his own deal)
			"carl":  {404, 200, 200}, // own, and ben's through the south team rule
			"maria": {200, 200, 404}, // her reports' deals, not carl's
			"sam":   {404, 404, 200}, // east deals shared with support
			"olga":  {200, 200, 200}, // see_all
			"nina":  {404, 404, 404}, // analyst: own records only
		}
		ids := []string{dA, dB, dC}
		for who, want := range reads {
			for i, rid := range ids {
				if r := h.do("GET", "/api/records/deal/"+rid, "", as(who)...); r.Status != want[i] {
					t.Errorf("%s GET deal %d: %d, want %d: %s", who, i, r.Status, want[i], r.Text)
				}
			}
			// The list, a search and a filter agree with the reads.
			n := 0
			for _, w := range want {
				if w == 200 {
					n++
				}
			}
			for _, u := range []string{listURL("deal"), listURL("deal", "q", "Co"), listURL("deal", "filter", `company contains "co"`)} {
				r := h.mustDo(200, "GET", u, "", as(who)...)
				if got := len(r.JSON["items"].([]any)); got != n {
					t.Errorf("%s %s: %d records, want %d", who, u, got, n)
				}
			}
		}

		unchanged := snapshot("deal")
		runScenarios(t, h, []scenario{
			// Hidden fields: absent from reads and not usable for inference.
			{Name: "hidden field absent", Method: "GET", URL: "/api/records/deal/" + dA, Headers: as("anna"), ExpectedStatus: 200,
				ExpectedContent: []string{`"score":7`}, NotExpectedContent: []string{"salary"}},
			{Name: "filter on hidden field", Method: "GET", URL: listURL("deal", "filter", "salary > 100"), Headers: as("anna"),
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_filter"`, `unknown field \"salary\"`}},
			{Name: "sort on hidden field", Method: "GET", URL: listURL("deal", "sort", "salary"), Headers: as("anna"),
				ExpectedStatus: 400, ExpectedContent: []string{`"invalid_sort"`}},
			{Name: "form without hidden field", Method: "GET", URL: "/api/forms/deal", Headers: as("anna"), ExpectedStatus: 200,
				NotExpectedContent: []string{"salary"}, ExpectedContent: []string{`"name":"score","type":"integer","label":"Score","read_only":true`}},
			{Name: "evaluate without hidden field", Method: "POST", URL: "/api/forms/deal/evaluate", Body: `{"values":{"company":"x"}}`, Headers: as("anna"),
				ExpectedStatus: 200, NotExpectedContent: []string{"salary"}},
			// Field-level write protection.
			{Name: "write read-only field", Method: "PATCH", URL: "/api/records/deal/" + dA, Body: `{"score":9}`, Headers: as("anna"),
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"score","code":"read_only"`}, Unchanged: unchanged},
			{Name: "write hidden field", Method: "PATCH", URL: "/api/records/deal/" + dA, Body: `{"salary":"1"}`, Headers: as("anna"),
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"salary","code":"read_only"`}, Unchanged: unchanged},
			// Record-level write protection.
			{Name: "change a colleague's deal", Method: "PATCH", URL: "/api/records/deal/" + dB, Body: `{"company":"x"}`, Headers: as("anna"),
				ExpectedStatus: 404, Unchanged: unchanged},
			{Name: "read share is not edit", Method: "PATCH", URL: "/api/records/deal/" + dB, Body: `{"company":"x"}`, Headers: as("carl"),
				ExpectedStatus: 403, Unchanged: unchanged},
			{Name: "sales may not delete", Method: "DELETE", URL: "/api/records/deal/" + dA, Headers: as("anna"),
				ExpectedStatus: 403, Unchanged: unchanged},
			{Name: "see_all is not edit", Method: "PATCH", URL: "/api/records/deal/" + dA, Body: `{"company":"x"}`, Headers: as("olga"),
				ExpectedStatus: 403, Unchanged: unchanged},
			{Name: "auditor may not create", Method: "POST", URL: "/api/records/deal", Body: `{"company":"x"}`, Headers: as("olga"),
				ExpectedStatus: 403, Unchanged: unchanged},
			{Name: "lookup to an unseen record", Method: "POST", URL: "/api/records/deal", Body: `{"company":"x","related":"` + dB + `"}`, Headers: as("anna"),
				ExpectedStatus: 422, ExpectedContent: []string{`"field":"related","code":"lookup_not_found"`}, Unchanged: unchanged},
			// Definitions: analysts yes, sales no.
			{Name: "sales may not define", Method: "POST", URL: "/api/meta/objects", Body: `{"name":"x","fields":[]}`, Headers: as("anna"),
				ExpectedStatus: 403},
			{Name: "users admin only", Method: "POST", URL: "/api/users", Body: `{"email":"x@example.com","password":"correct-horse-x"}`, Headers: as("maria"),
				ExpectedStatus: 403},
		})
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"note","fields":[{"name":"text","type":"text"}]}`, as("nina")...)
		h.mustDo(200, "PATCH", "/api/records/deal/"+dA, `{"company":"Anna Co Ltd"}`, as("maria")...)
		h.mustDo(200, "PATCH", "/api/records/deal/"+dC, `{"company":"Carl Co Ltd"}`, as("sam")...)
		h.mustDo(204, "DELETE", "/api/records/deal/"+dB, "", as("maria")...)
		// A lookup to a record the user sees is fine.
		h.mustDo(201, "POST", "/api/records/deal", `{"company":"y","related":"`+dA+`"}`, as("anna")...)

		// Every write is in the history, with actor, request id and old and new values, and
		// hidden fields are left out of what a sales user sees.
		r := h.mustDo(200, "GET", "/api/records/deal/"+dA+"/history", "", as("anna")...)
		items := r.JSON["items"].([]any)
		if len(items) != 3 {
			t.Fatalf("history: %s", r.Text)
		}
		last := items[0].(map[string]any)
		ch := last["changes"].(map[string]any)["company"].(map[string]any)
		if last["action"] != "record_updated" || last["actor"] != id["maria"] || last["request_id"] == "" || ch["old"] != "Anna Co" || ch["new"] != "Anna Co Ltd" {
			t.Errorf("latest entry: %v", last)
		}
		if strings.Contains(r.Text, "salary") {
			t.Errorf("sales sees a hidden field in the history: %s", r.Text)
		}
		if r := h.mustDo(200, "GET", "/api/records/deal/"+dA+"/history", ""); !strings.Contains(r.Text, `"salary"`) {
			t.Errorf("admin history lacks the salary change: %s", r.Text)
		}
		h.mustDo(404, "GET", "/api/records/deal/"+dA+"/history", "", as("ben")...)
		if r := h.mustDo(200, "GET", "/api/records/deal/"+dB+"/history", ""); !strings.Contains(r.Text, `"record_deleted"`) {
			t.Errorf("admin sees a deleted record's trail: %s", r.Text)
		}

		// A deactivated user is signed out and owns nothing new.
		h.mustDo(200, "PATCH", "/api/users/"+id["ben"], `{"active":false}`)
		h.mustDo(401, "GET", "/api/auth/me", "", as("ben")...)
		h.mustDo(401, "POST", "/api/auth/login", `{"email":"ben@example.com","password":"correct-horse-ben"}`, "Authorization", "")
		r = h.mustDo(422, "POST", "/api/records/deal", `{"company":"z","owner":"`+id["ben"]+`"}`)
		if !strings.Contains(r.Text, `"owner_inactive"`) {
			t.Errorf("owner inactive: %s", r.Text)
		}
		// Transferring a record to a colleague hands it over.
		h.mustDo(200, "PATCH", "/api/records/deal/"+dA, `{"owner":"`+id["carl"]+`"}`, as("anna")...)
		h.mustDo(404, "GET", "/api/records/deal/"+dA, "", as("anna")...)
		h.mustDo(200, "GET", "/api/records/deal/"+dA, "", as("carl")...)
	})
}

func TestPeopleAdminChecks(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		_, id := h.people()
		runScenarios(t, h, []scenario{
			{Name: "manager loop", Method: "PATCH", URL: "/api/users/" + id["maria"], Body: `{"manager":"` + id["anna"] + `"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/manager"`, "loop"}},
			{Name: "unknown role and team, bad zone", Method: "PATCH", URL: "/api/users/" + id["anna"], Body: `{"roles":["wizard"],"teams":["west"],"timezone":"Mars/Olympus"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/roles/0"`, `"/teams/0"`, `"/timezone"`}},
			{Name: "weak password", Method: "POST", URL: "/api/users", Body: `{"email":"w@example.com","password":"short"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`}},
			{Name: "typo in a key", Method: "PATCH", URL: "/api/users/" + id["anna"], Body: `{"acitve":false}`,
				ExpectedStatus: 400, ExpectedContent: []string{`unknown field`}},
			{Name: "duplicate email", Method: "POST", URL: "/api/users", Body: `{"email":"anna@example.com","password":"correct-horse-x2"}`,
				ExpectedStatus: 409, ExpectedContent: []string{`"user_exists"`}},
			{Name: "team with members", Method: "DELETE", URL: "/api/teams/north", ExpectedStatus: 409, ExpectedContent: []string{`"team_in_use"`}},
			{Name: "role in use", Method: "DELETE", URL: "/api/roles/sales", ExpectedStatus: 403, ExpectedContent: []string{`"role_fixed"`}},
			{Name: "admin role fixed", Method: "PUT", URL: "/api/roles/admin", Body: `{"objects":{}}`, ExpectedStatus: 403},
			{Name: "role on unknown object", Method: "POST", URL: "/api/roles", Body: `{"name":"x","objects":{"nope":{"read":true}}}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/objects/nope"`}},
			{Name: "sharing rule checked at save", Method: "POST", URL: "/api/meta/objects",
				Body:           `{"name":"bad","fields":[{"name":"a","type":"text"}],"sharing_rules":[{"name":"r","when":"b = 1","teams":["nowhere"],"access":"read"}]}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"/sharing_rules/0/when"`, `"/sharing_rules/0/teams/0"`, `"column":1`}},
		})
		r := h.mustDo(200, "GET", "/api/teams/north", "")
		if m := r.JSON["members"].([]any); len(m) != 2 {
			t.Errorf("north members: %v", m)
		}
		if r := h.mustDo(200, "GET", "/api/audit?action=user_created", ""); len(r.JSON["items"].([]any)) != 6 {
			t.Errorf("audit of user creation: %s", r.Text)
		}
	})
}
