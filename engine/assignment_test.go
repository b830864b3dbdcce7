package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
	"crm/workflow"
)

const assignLeadDef = `{"name":"lead","fields":[
 {"name":"company","type":"text","required":true},
 {"name":"region","type":"picklist","options":[{"value":"south"},{"value":"north"}]},
 {"name":"industry","type":"text"},
 {"name":"status","type":"picklist","options":[{"value":"new"},{"value":"closed"}]}]}`

const assignTicketDef = `{"name":"ticket","fields":[
 {"name":"subject","type":"text","required":true},
 {"name":"category","type":"picklist","options":[{"value":"invoice"},{"value":"returns"},{"value":"other"}]}]}`

// person makes an active user with teams and skills and returns its id.
func person(t *testing.T, e *Engine, email string, teams, skills []string) string {
	t.Helper()
	u, err := e.SaveUser(context.Background(), SystemActor, "", UserInput{Email: ptr(email), Password: ptr("correct-horse-" + email),
		Roles: &[]string{RoleSales}, Teams: &teams, Skills: &skills}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func team(t *testing.T, e *Engine, id string) {
	t.Helper()
	if _, err := e.SaveTeam(context.Background(), SystemActor, &Team{ID: id}, true, 0); err != nil {
		t.Fatal(err)
	}
}

func mustAssign(t *testing.T, e *Engine, object, def string) {
	t.Helper()
	var a workflow.AssignmentRules
	if err := json.Unmarshal([]byte(def), &a); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveAssignmentRules(context.Background(), SystemActor, object, &a, 0); err != nil {
		t.Fatal(err)
	}
}

func owners(t *testing.T, e *Engine, coll string) map[string]int {
	t.Helper()
	docs, err := e.store.Find(context.Background(), coll, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range docs {
		out[d["owner"].(string)]++
	}
	return out
}

// TestRoundRobinSplitsFairlyAcrossEngines: 100 south SaaS leads created at once through two
// engines on one database go to the three south SaaS users 34/33/33; other leads go by the next
// rule, and the trace of every decision is in the record's run log.
func TestRoundRobinSplitsFairlyAcrossEngines(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		es := engines(t, b, 2, newTestClock())
		e := es[0]
		mustDefine(t, e, assignLeadDef)
		team(t, e, "south_saas")
		var south []string
		for i := 1; i <= 3; i++ {
			south = append(south, person(t, e, fmt.Sprintf("s%d@example.com", i), []string{"south_saas"}, nil))
		}
		gone := person(t, e, "gone@example.com", []string{"south_saas"}, nil)
		if _, err := e.SaveUser(ctx, SystemActor, gone, UserInput{Active: ptr(false)}, 0); err != nil {
			t.Fatal(err)
		}
		north := person(t, e, "north@example.com", nil, nil)
		desk := person(t, e, "desk@example.com", nil, nil)
		mustAssign(t, e, "lead", `{"fallback":"`+desk+`","rules":[
		 {"name":"south_saas","condition":"region == \"south\" && industry == \"SaaS\"","target":{"type":"round_robin","team":"south_saas"}},
		 {"name":"north","condition":"region == \"north\"","target":{"type":"user","user":"`+north+`"}}]}`)
		creator := &Actor{ID: desk, Email: "desk@example.com", Roles: []string{RoleSales}}

		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < 100; i += 4 {
					_, err := es[i%2].CreateRecord(ctx, creator, "lead", map[string]any{"company": fmt.Sprint("Lead ", i), "region": "south", "industry": "SaaS"}, "en")
					if err != nil {
						errs <- err
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := owners(t, e, "obj_lead")
		var split []int
		for _, id := range south {
			split = append(split, got[id])
		}
		if fmt.Sprint(split) != "[34 33 33]" && fmt.Sprint(split) != "[33 34 33]" && fmt.Sprint(split) != "[33 33 34]" {
			t.Fatalf("round robin split %v over the three south SaaS users (all owners: %v)", split, got)
		}
		if got[gone] != 0 {
			t.Errorf("the inactive member got %d leads", got[gone])
		}

		// The next rule, the fallback, and an owner named by the caller.
		n, err := e.CreateRecord(ctx, creator, "lead", map[string]any{"company": "Nordic", "region": "north"}, "en")
		if err != nil || n["owner"] != north {
			t.Errorf("a north lead went to %v (%v), want %s", n["owner"], err, north)
		}
		f, err := e.CreateRecord(ctx, creator, "lead", map[string]any{"company": "Elsewhere"}, "en")
		if err != nil || f["owner"] != desk {
			t.Errorf("an unmatched lead went to %v (%v), want the fallback", f["owner"], err)
		}
		named, err := e.CreateRecord(ctx, creator, "lead", map[string]any{"company": "Mine", "region": "north", "owner": desk}, "en")
		if err != nil || named["owner"] != desk {
			t.Errorf("a lead with a named owner went to %v (%v)", named["owner"], err)
		}

		runs, err := e.RecordRuns(ctx, SystemActor, "lead", n["id"].(string))
		if err != nil || len(runs) != 1 {
			t.Fatalf("run log of the north lead: %v %v", runs, err)
		}
		tr := runs[0]
		checks, _ := tr["checks"].([]any)
		if tr["kind"] != "assignment" || tr["rule"] != "north" || tr["owner"] != north || tr["reason"] != "rule" || len(checks) != 2 {
			t.Errorf("trace: %v", tr)
		}
		if first, _ := checks[0].(map[string]any); first["run"] != false || first["inputs"].(map[string]any)["region"] != "north" {
			t.Errorf("the first check should show the failed south rule with its inputs: %v", checks[0])
		}
		if runs, _ := e.RecordRuns(ctx, SystemActor, "lead", named["id"].(string)); len(runs) != 0 {
			t.Errorf("a named owner still ran the rules: %v", runs)
		}
	})
}

// TestSkillsLeastLoadedAndOnDemand: tickets go to a user with the category's skill, in turn; a
// least-loaded rule picks the member with the fewest open records; the rules run again on demand
// and as an automation action, once per action run.
func TestSkillsLeastLoadedAndOnDemand(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, assignTicketDef, assignLeadDef)
		fin1 := person(t, e, "fin1@example.com", nil, []string{"invoice"})
		fin2 := person(t, e, "fin2@example.com", nil, []string{"invoice"})
		after := person(t, e, "after@example.com", nil, []string{"returns"})
		mustAssign(t, e, "ticket", `{"rules":[{"name":"by_skill","target":{"type":"skills","field":"category"}}]}`)
		got := map[string]int{}
		for i := 0; i < 4; i++ {
			r, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "bill", "category": "invoice"}, "en")
			if err != nil {
				t.Fatal(err)
			}
			got[r["owner"].(string)]++
		}
		if got[fin1] != 2 || got[fin2] != 2 {
			t.Errorf("invoice tickets: %v, want two each for %s and %s", got, fin1, fin2)
		}
		r, _ := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "box", "category": "returns"}, "en")
		if r["owner"] != after {
			t.Errorf("a returns ticket went to %v, want %s", r["owner"], after)
		}
		// Nobody has "other" and there is no fallback: the creator keeps it, and the trace says why.
		r, _ = e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "?", "category": "other"}, "en")
		if r["owner"] != SystemActor.ID {
			t.Errorf("an unassignable ticket went to %v", r["owner"])
		}
		runs, _ := e.RecordRuns(ctx, SystemActor, "ticket", r["id"].(string))
		if len(runs) != 1 || runs[0]["reason"] != "nobody available; owner unchanged" {
			t.Errorf("trace of an unassignable ticket: %v", runs)
		}

		// Least loaded: a has two open leads and one closed, b has one open.
		team(t, e, "inside")
		a := person(t, e, "a@example.com", []string{"inside"}, nil)
		bb := person(t, e, "b@example.com", []string{"inside"}, nil)
		for owner, statuses := range map[string][]string{a: {"new", "new", "closed"}, bb: {"new", "closed", "closed"}} {
			for _, s := range statuses {
				if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "x", "status": s, "owner": owner}, "en"); err != nil {
					t.Fatal(err)
				}
			}
		}
		mustAssign(t, e, "lead", `{"rules":[{"name":"inside","target":{"type":"least_loaded","team":"inside","open":"status != \"closed\""}}]}`)
		lead, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "new one", "status": "new"}, "en")
		if err != nil || lead["owner"] != bb {
			t.Fatalf("least loaded chose %v (%v), want %s with one open lead", lead["owner"], err, bb)
		}
		// Now both have two open leads; hand a's lead out again on demand: the tie rotates.
		id := lead["id"].(string)
		tr, err := e.Assign(ctx, SystemActor, "lead", id)
		if err != nil {
			t.Fatal(err)
		}
		load, _ := tr["load"].(map[string]any)
		if tr["kind"] != "assignment" || load[a] != int64(2) || load[bb] != int64(2) || tr["previous_owner"] != bb {
			t.Errorf("on-demand trace: %v", tr)
		}
		now, _ := e.GetRecord(ctx, SystemActor, "lead", id)
		if now["owner"] != tr["owner"] {
			t.Errorf("the record's owner %v is not the trace's %v", now["owner"], tr["owner"])
		}

		// As an action: the same action key decides once.
		def, _ := e.current(ctx, "lead")
		first, err := e.assignAction(ctx, def, workflow.Action{Type: workflow.ActionAssign}, id, "run-1:0")
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.assignAction(ctx, def, workflow.Action{Type: workflow.ActionAssign}, id, "run-1:0")
		if err != nil || again != first {
			t.Errorf("a re-run of the same action: %q then %q (%v)", first, again, err)
		}
		if n := countDocs(t, e, collRuns, store.Compare{Field: "record", Op: store.Eq, Value: id, Scalar: true}); n != 3 {
			t.Errorf("%d traces for the lead, want 3 (create, on demand, one action)", n)
		}
	})
}

// TestAssignmentRulesChecked: every problem at once, with pointers; only definers may save.
func TestAssignmentRulesChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := engines(t, testenv.Backends()[0], 1, newTestClock())[0]
	mustDefine(t, e, assignLeadDef)
	var a workflow.AssignmentRules
	_ = json.Unmarshal([]byte(`{"fallback":"nobody","rules":[
	 {"name":"x","condition":"regoin == 1","target":{"type":"round_robin","team":"ghosts"}},
	 {"name":"y","target":{"type":"least_loaded","users":["nobody"],"open":"status === 1"}}]}`), &a)
	_, err := e.SaveAssignmentRules(ctx, SystemActor, "lead", &a, 0)
	ee, ok := err.(*Error)
	if !ok || ee.Code != "invalid_definition" {
		t.Fatalf("save: %v", err)
	}
	ptrs := map[string]bool{}
	for _, p := range ee.Problems {
		ptrs[p.Pointer] = true
	}
	for _, want := range []string{"/fallback", "/rules/0/condition", "/rules/0/target/team", "/rules/1/target/users/0", "/rules/1/target/open"} {
		if !ptrs[want] {
			t.Errorf("no problem at %s: %v", want, ee.Problems)
		}
	}
	if got, _ := e.GetAssignmentRules(ctx, SystemActor, "lead"); got.Version != 0 || len(got.Rules) != 0 {
		t.Errorf("a refused save changed the rules: %+v", got)
	}
	rep := &Actor{ID: "rep", Roles: []string{RoleSales}}
	a = workflow.AssignmentRules{}
	if _, err := e.SaveAssignmentRules(ctx, rep, "lead", &a, 0); err != ErrForbidden {
		t.Errorf("a sales user saved assignment rules: %v", err)
	}
}
