package engine

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"crm/internal/testenv"
)

// TestPackageNamesPeopleByEmail: a package exported from one server imports into another whose
// users have other ids: people travel by email, teams with their members; a reference to nobody
// on the target refuses the package, or is dropped and listed on request.
func TestPackageNamesPeopleByEmail(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		src := engines(t, b, 1, newTestClock())[0]
		o := setupApprovals(t, src, newTestClock())
		if _, err := src.SaveTeam(ctx, SystemActor, &Team{ID: "finance", Lead: o.fin.ID}, false, 0); err != nil {
			t.Fatal(err)
		}
		saveFlow(t, src, strings.Replace(contractFlow, `"entry_condition"`, `"fallback_approver":"`+o.fin.ID+`","entry_condition"`, 1), false)
		mustAssign(t, src, "contract", `{"object":"contract","fallback":"`+o.boss.ID+`",
		 "rules":[{"name":"big","condition":"amount > 1000","target":{"type":"user","user":"`+o.fin.ID+`"}}]}`)
		mustAutomate(t, src, `{"name":"tell_legal","object":"contract","trigger":{"type":"created"},
		 "actions":[{"type":"notify","to":{"owner":true,"users":["`+o.legal[0].ID+`"]},"title":{"en":"New contract"}}]}`)
		p, err := src.ExportPackage(ctx, SystemActor, "app")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(p)
		for _, a := range append([]*Actor{o.boss, o.area, o.rep, o.fin, o.deputy}, o.legal...) {
			if strings.Contains(string(body), a.ID) {
				t.Errorf("the package carries the id of %s", a.Email)
			}
		}
		for _, want := range []string{`"lead":"fin@example.com"`, `"fallback_approver":"fin@example.com"`, `"fallback":"boss@example.com"`, `"user":"fin@example.com"`, `"users":["l1@example.com"]`, `"members":["l1@example.com","l2@example.com","l3@example.com"]`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("the package lacks %s", want)
			}
		}

		// The target has the same people under other ids.
		dst := engines(t, b, 1, newTestClock())[0]
		ids := map[string]string{}
		for _, email := range []string{"boss@example.com", "fin@example.com", "l1@example.com", "l2@example.com", "l3@example.com"} {
			ids[email] = member(t, dst, email, "").ID
		}
		imp := func(e *Engine, opts ImportOptions) (*ImportResult, error) {
			t.Helper()
			p, err := DecodePackage(body)
			if err != nil {
				t.Fatal(err)
			}
			return e.ImportPackage(ctx, SystemActor, p, opts)
		}
		res, err := imp(dst, ImportOptions{})
		if err != nil {
			var ee *Error
			errors.As(err, &ee)
			t.Fatalf("import: %v %+v", err, ee)
		}
		if !slices.Contains(res.AddedMembers, "finance: fin@example.com") || !slices.Contains(res.AddedMembers, "legal: l2@example.com") {
			t.Errorf("added members: %v", res.AddedMembers)
		}
		fin, _ := dst.GetTeam(ctx, SystemActor, "finance")
		if fin == nil || fin.Lead != ids["fin@example.com"] || !slices.Contains(fin.Members, ids["fin@example.com"]) {
			t.Errorf("finance on the target: %+v, want lead and member %s", fin, ids["fin@example.com"])
		}
		rules, err := dst.GetAssignmentRules(ctx, SystemActor, "contract")
		if err != nil || rules.Fallback != ids["boss@example.com"] || rules.Rules[0].Target.User != ids["fin@example.com"] {
			t.Errorf("assignment rules on the target: %+v %v", rules, err)
		}
		flow, err := dst.GetApprovalProcess(ctx, SystemActor, "contract_approval", 0)
		if err != nil || flow.FallbackApprover != ids["fin@example.com"] {
			t.Errorf("approval fallback on the target: %+v %v", flow, err)
		}
		auto, err := dst.GetAutomation(ctx, SystemActor, "tell_legal")
		if err != nil || !slices.Equal(auto.Actions[0].To.Users, []string{ids["l1@example.com"]}) {
			t.Errorf("automation recipients on the target: %+v %v", auto, err)
		}
		// Again: nothing to do.
		again, err := imp(dst, ImportOptions{})
		if err != nil || len(again.Created)+len(again.Updated)+len(again.AddedMembers) != 0 {
			t.Errorf("second import: %+v %v", again, err)
		}

		// A target without l1: refused with every pointer, unless asked to drop.
		lack := engines(t, b, 1, newTestClock())[0]
		for _, email := range []string{"boss@example.com", "fin@example.com", "l2@example.com", "l3@example.com"} {
			member(t, lack, email, "")
		}
		_, err = imp(lack, ImportOptions{})
		var ee *Error
		if !errors.As(err, &ee) || ee.Code != "invalid_package" {
			t.Fatalf("import lacking l1: %v", err)
		}
		var at []string
		for _, pr := range ee.Problems {
			if pr.Code == "unknown_user" && strings.Contains(pr.Message, "l1@example.com") {
				at = append(at, pr.Pointer)
			}
		}
		if len(at) != 2 || !slices.ContainsFunc(at, func(s string) bool { return strings.HasSuffix(s, "/to/users/0") }) {
			t.Errorf("problems for l1: %v (all: %+v)", at, ee.Problems)
		}
		if n := countDocs(t, lack, collObjects, nil); n != 0 {
			t.Errorf("a refused package wrote %d objects", n)
		}
		res, err = imp(lack, ImportOptions{DropUnknownUsers: true})
		if err != nil {
			t.Fatalf("import dropping l1: %v", err)
		}
		if len(res.DroppedPeople) != 2 {
			t.Errorf("dropped: %v", res.DroppedPeople)
		}
		auto, err = lack.GetAutomation(ctx, SystemActor, "tell_legal")
		if err != nil || len(auto.Actions[0].To.Users) != 0 || !auto.Actions[0].To.Owner {
			t.Errorf("automation after dropping l1: %+v %v", auto, err)
		}
	})
}
