package api_test

import (
	"context"
	"strings"
	"testing"

	"crm/engine"
	"crm/engine/store/sqlite"
	"crm/internal/testenv"
)

const gadgetDef = `{"name":"gadget","label":{"en":"Gadget"},"fields":[{"name":"title","type":"text"}]}`

// TestNewObjectGrantsNothing: an object an analyst defines is reached by admins only; a rep gets
// 403 on create and list until an admin grants the rep's role, through the roles API.
func TestNewObjectGrantsNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.legacyGrants = false
		analyst := []string{"Authorization", "Bearer " + h.ensureUser("analyst@example.com", []string{engine.RoleAnalyst})}
		rep := []string{"Authorization", "Bearer " + h.userToken}
		h.mustDo(201, "POST", "/api/meta/objects", gadgetDef, analyst...)

		runScenarios(t, h, []scenario{
			{Name: "rep may not create", Method: "POST", URL: "/api/records/gadget", Body: `{"title":"x"}`, Headers: rep,
				ExpectedStatus: 403, Unchanged: snapshot("gadget")},
			{Name: "rep may not list", Method: "GET", URL: "/api/records/gadget", Headers: rep, ExpectedStatus: 403},
			{Name: "nor may the analyst who defined it", Method: "POST", URL: "/api/records/gadget", Body: `{"title":"x"}`, Headers: analyst,
				ExpectedStatus: 403, Unchanged: snapshot("gadget")},
			{Name: "the admin may", Method: "POST", URL: "/api/records/gadget", Body: `{"title":"by admin"}`, ExpectedStatus: 201},
		})
		h.t = t

		role := h.mustDo(200, "GET", "/api/roles/sales", "")
		if strings.Contains(role.Text, `"gadget"`) || strings.Contains(role.Text, `"*"`) {
			t.Fatalf("sales role: %s", role.Text)
		}
		h.mustDo(200, "PUT", "/api/roles/sales", `{"name":"sales","objects":{"gadget":{"create":true,"read":true}}}`)
		h.mustDo(201, "POST", "/api/records/gadget", `{"title":"by rep"}`, rep...)
		if l := h.mustDo(200, "GET", "/api/records/gadget", "", rep...); len(l.JSON["items"].([]any)) != 1 {
			t.Errorf("rep sees %s", l.Text) // their own record only: no see-all granted
		}
		h.mustDo(403, "POST", "/api/records/gadget", `{"title":"x"}`, analyst...)
	})
}

// TestRoleEveryObjectExpanded: a role stored by an earlier version with the key "*" keeps what it
// reached (one grant per object existing at the upgrade) and grants nothing on objects made
// after; "*" sent to the roles API is expanded the same way and never stored.
func TestRoleEveryObjectExpanded(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		st := b.Open(t)
		h := newHarnessOn(t, st)
		h.legacyGrants = false
		rep := []string{"Authorization", "Bearer " + h.userToken}
		h.withLead()
		ctx := context.Background()
		// The sales role as an earlier version stored it.
		doc, err := st.Get(ctx, "roles", "sales")
		if err != nil {
			t.Fatal(err)
		}
		doc["objects"] = map[string]any{"*": map[string]any{"create": true, "read": true, "edit": true},
			"account": map[string]any{"read": true}}
		if err := st.Replace(ctx, "roles", doc, doc["version"].(int64)); err != nil {
			t.Fatal(err)
		}
		// An earlier version recorded no layout version.
		if err := st.Delete(ctx, "settings", "schema", 0); err != nil {
			t.Fatal(err)
		}
		// The upgrade: an engine of this version starts on that database.
		if _, err := engine.New(ctx, engine.Config{Store: st, Logger: quiet, Scratch: sqlite.Scratch}); err != nil {
			t.Fatal(err)
		}
		role := h.mustDo(200, "GET", "/api/roles/sales", "")
		objs := role.JSON["objects"].(map[string]any)
		if _, star := objs["*"]; star || len(objs) != 2 || toJSON(objs["lead"]) != `{"create":true,"edit":true,"read":true}` || toJSON(objs["account"]) != `{"read":true}` {
			t.Fatalf("upgraded: %s", role.Text)
		}
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Acme"}`, rep...)
		h.mustDo(201, "POST", "/api/meta/objects", gadgetDef)
		h.mustDo(403, "POST", "/api/records/gadget", `{"title":"x"}`, rep...)

		// "*" through the API: every object existing now, not later ones.
		h.mustDo(200, "PUT", "/api/roles/support", `{"name":"support","objects":{"*":{"read":true}}}`)
		got := h.mustDo(200, "GET", "/api/roles/support", "").JSON["objects"].(map[string]any)
		if len(got) != 3 || got["gadget"] == nil || got["*"] != nil {
			t.Errorf("support: %v", got)
		}
		h.mustDo(201, "POST", "/api/meta/objects", strings.ReplaceAll(gadgetDef, "gadget", "widget"))
		if got := h.mustDo(200, "GET", "/api/roles/support", "").JSON["objects"].(map[string]any); got["widget"] != nil {
			t.Errorf("support reaches a later object: %v", got)
		}
	})
}
