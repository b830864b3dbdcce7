package workflow

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"crm/forms"
	"crm/internal/testfixture"
	"crm/rules"
)

// contractObject is the shared contract (internal/testfixture) as the metamodel holds it.
func contractObject() *forms.Object {
	var o forms.Object
	if err := json.Unmarshal([]byte(testfixture.ContractObject), &o); err != nil {
		panic(err)
	}
	return &o
}

// contractProcess is the shared contract approval (internal/testfixture): the area manager
// approves; at or over 50,000 finance too; non-standard terms also need every legal user.
const contractProcess = testfixture.ContractApproval

type fakePeople struct{ fakeDirectory }

func (fakePeople) RoleExists(name string) bool { return name == "finance_director" }

func compileProcess(t *testing.T, src string) *CompiledProcess {
	t.Helper()
	var p ApprovalProcess
	if err := json.Unmarshal([]byte(src), &p); err != nil {
		t.Fatal(err)
	}
	obj := contractObject()
	c, probs := CompileApproval(&p, rules.NewEnv(obj), obj, fakePeople{fakeDirectory{users: []string{"ann"}, teams: []string{"finance", "legal"}}})
	if len(probs) > 0 {
		t.Fatalf("CompileApproval: %v", probs)
	}
	return c
}

// org: rep reports to area, area to boss; finance has fin; legal has l1, l2, l3.
func contractEnv(values map[string]any) ApprovalEnv {
	obj := contractObject()
	managers := map[string]string{"rep": "area", "area": "boss", "l1": "chief"}
	return ApprovalEnv{
		Scope: rules.NewEnv(obj).Scope(values, nil, rules.Context{}),
		Resolve: func(n *Node) ([]string, error) {
			switch n.Approvers[0].Type {
			case ApproverManager:
				return []string{managers["rep"]}, nil
			case ApproverTeam:
				if n.Approvers[0].Team == "finance" {
					return []string{"fin"}, nil
				}
				return []string{"l1", "l2", "l3"}, nil
			}
			return nil, nil
		},
		Manager: func(u string) string { return managers[u] },
	}
}

func act(t *testing.T, c *CompiledProcess, s ApprovalState, env ApprovalEnv, kind, user string) *Transition {
	t.Helper()
	tr, err := c.Act(s, ApprovalAction{Kind: kind, User: user}, env)
	if err != nil {
		t.Fatalf("%s by %s at %s: %v", kind, user, s.Node, err)
	}
	return tr
}

func TestContractRoutes(t *testing.T) {
	c := compileProcess(t, contractProcess)
	for _, tc := range []struct {
		name   string
		values map[string]any
		steps  []string // approval steps in order, each approved by all its approvers
	}{
		{"under 50,000: the area manager only", map[string]any{"amount": int64(4999999), "status": "draft"}, []string{"area"}},
		{"at 50,000: area, then finance", map[string]any{"amount": int64(5000000), "status": "draft"}, []string{"area", "finance"}},
		{"non-standard terms: area, then all of legal", map[string]any{"amount": int64(100), "non_standard_terms": true, "status": "draft"}, []string{"area", "legal"}},
		{"big and non-standard", map[string]any{"amount": int64(9000000), "non_standard_terms": true, "status": "draft"}, []string{"area", "finance", "legal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := contractEnv(tc.values)
			if d := c.Admits(env.Scope); !d.Run {
				t.Fatalf("a draft must be admitted: %+v", d)
			}
			tr, err := c.Start(env)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Updates) != 1 || tr.Updates[0].Values["status"] != "pending" {
				t.Errorf("the action node sets status pending: %+v", tr.Updates)
			}
			if tr.Timer == nil || tr.Timer.AfterMs != 48*3600*1000 || tr.Timer.Step != 1 {
				t.Errorf("the area step's timeout: %+v", tr.Timer)
			}
			var seen []string
			for tr.State.Status == ApprovalPending {
				seen = append(seen, tr.State.Node)
				s := tr.State
				if len(tr.Tasks) != len(s.Approvers) {
					t.Fatalf("step %s: %d tasks for %v", s.Node, len(tr.Tasks), s.Approvers)
				}
				for i, u := range s.Approvers {
					tr = act(t, c, s, env, ActApprove, u)
					if i < len(s.Approvers)-1 && tr.State.Node != s.Node {
						t.Fatalf("step %s (%s) moved on after %d of %d approvals", s.Node, s.Mode, i+1, len(s.Approvers))
					}
					s = tr.State
				}
			}
			if strings.Join(seen, ",") != strings.Join(tc.steps, ",") {
				t.Errorf("steps %v, want %v", seen, tc.steps)
			}
			if tr.Finished != ApprovalApproved || tr.Updates[len(tr.Updates)-1].Values["status"] != "approved" {
				t.Errorf("finished %q with updates %+v", tr.Finished, tr.Updates)
			}
		})
	}
	if d := c.Admits(contractEnv(map[string]any{"status": "approved"}).Scope); d.Run {
		t.Error("an approved contract must not be admitted again")
	}
}

func TestRejectionAtStepTwoAndCountersign(t *testing.T) {
	c := compileProcess(t, contractProcess)
	env := contractEnv(map[string]any{"amount": int64(9000000), "non_standard_terms": true})
	tr, _ := c.Start(env)
	tr = act(t, c, tr.State, env, ActApprove, "area")
	if tr.State.Node != "finance" {
		t.Fatalf("after area: %s", tr.State.Node)
	}
	rej := act(t, c, tr.State, env, ActReject, "fin")
	if rej.Finished != ApprovalRejected || rej.State.Status != ApprovalRejected || rej.Updates[0].Values["status"] != "rejected" {
		t.Errorf("a rejection at step two: %+v", rej)
	}
	if _, err := c.Act(rej.State, ApprovalAction{Kind: ActApprove, User: "fin"}, env); !hasCode(err, "not_pending") {
		t.Errorf("acting on an ended process: %v", err)
	}

	// Countersign: two of three legal approvals leave it open; one rejection rejects; the
	// tasks of those who did not answer close.
	tr = act(t, c, tr.State, env, ActApprove, "fin")
	tr = act(t, c, tr.State, env, ActApprove, "l1")
	tr = act(t, c, tr.State, env, ActApprove, "l2")
	if tr.State.Node != "legal" || tr.State.Status != ApprovalPending {
		t.Fatalf("two of three legal approvals: %+v", tr.State)
	}
	if _, err := c.Act(tr.State, ApprovalAction{Kind: ActApprove, User: "l1"}, env); !hasCode(err, "already_answered") {
		t.Errorf("answering twice: %v", err)
	}
	if _, err := c.Act(tr.State, ApprovalAction{Kind: ActApprove, User: "fin"}, env); !hasCode(err, "not_approver") {
		t.Errorf("a non-approver: %v", err)
	}
	s := act(t, c, tr.State, env, ActApprove, "l3")
	if s.Finished != ApprovalApproved {
		t.Errorf("all three legal approvals: %+v", s.State)
	}
	r := act(t, c, tr.State, env, ActReject, "l3")
	if r.Finished != ApprovalRejected {
		t.Errorf("one legal rejection: %+v", r.State)
	}
}

func TestThresholdTwoOfThree(t *testing.T) {
	src := strings.Replace(contractProcess, `"mode":"all"`, `"mode":"threshold","threshold":2`, 1)
	c := compileProcess(t, src)
	env := contractEnv(map[string]any{"amount": int64(100), "non_standard_terms": true})
	tr, _ := c.Start(env)
	tr = act(t, c, tr.State, env, ActApprove, "area")
	if tr.State.Node != "legal" || tr.State.Need != 2 {
		t.Fatalf("legal step: %+v", tr.State)
	}
	base := tr.State
	// approve, approve: decided, the third task closes.
	a := act(t, c, base, env, ActApprove, "l1")
	a = act(t, c, a.State, env, ActApprove, "l3")
	if a.Finished != ApprovalApproved || !slices.Contains(a.Closed, TaskChange{Node: "legal", Step: base.Step, User: "l2", Status: TaskClosed}) {
		t.Errorf("two of three approve: %+v closed %+v", a.State, a.Closed)
	}
	// reject, approve: 2 can still be reached; reject, reject: it cannot.
	r := act(t, c, base, env, ActReject, "l1")
	if r.State.Status != ApprovalPending {
		t.Fatalf("one rejection of three with N=2 must leave it open: %+v", r.State)
	}
	rr := act(t, c, r.State, env, ActReject, "l2")
	if rr.Finished != ApprovalRejected {
		t.Errorf("two rejections of three with N=2: %+v", rr.State)
	}
	ra := act(t, c, r.State, env, ActApprove, "l2")
	ra = act(t, c, ra.State, env, ActApprove, "l3")
	if ra.Finished != ApprovalApproved {
		t.Errorf("reject, approve, approve: %+v", ra.State)
	}
}

func TestDelegateRecallAndTimeouts(t *testing.T) {
	c := compileProcess(t, contractProcess)
	env := contractEnv(map[string]any{"amount": int64(100)})
	tr, _ := c.Start(env)
	d, err := c.Act(tr.State, ApprovalAction{Kind: ActDelegate, User: "area", To: "deputy"}, env)
	if err != nil || !slices.Equal(d.State.Approvers, []string{"deputy"}) || d.Tasks[0].User != "deputy" || d.Closed[0].Status != TaskDelegated {
		t.Fatalf("delegate: %+v %v", d, err)
	}
	if _, err := c.Act(d.State, ApprovalAction{Kind: ActApprove, User: "area"}, env); !hasCode(err, "not_approver") {
		t.Errorf("the delegator still answers: %v", err)
	}
	if _, err := c.Act(tr.State, ApprovalAction{Kind: ActDelegate, User: "area", To: "area"}, env); !hasCode(err, "invalid_delegate") {
		t.Errorf("delegating to oneself: %v", err)
	}
	if a := act(t, c, d.State, env, ActApprove, "deputy"); a.Finished != ApprovalApproved {
		t.Errorf("the delegate approves: %+v", a.State)
	}

	rc := act(t, c, tr.State, env, ActRecall, "rep")
	if rc.Finished != ApprovalRecalled || len(rc.Updates) != 0 || rc.Closed[0].Status != TaskRecalled {
		t.Errorf("recall: %+v", rc)
	}
	// A process with recall updates undoes its first steps' marks when recalled.
	withRecall := compileProcess(t, strings.Replace(contractProcess, `"entry_condition"`, `"recall_updates":{"status":"\"draft\""},"entry_condition"`, 1))
	tr, _ = withRecall.Start(env)
	rc = act(t, withRecall, tr.State, env, ActRecall, "rep")
	if len(rc.Updates) != 1 || rc.Updates[0].Values["status"] != "draft" {
		t.Errorf("recall updates: %+v", rc.Updates)
	}
	_, probs := CompileApproval(&ApprovalProcess{Name: "p", Object: "contract", RecallUpdates: map[string]string{"statsu": `"draft"`},
		Nodes: withRecall.Nodes, Edges: withRecall.Edges}, rules.NewEnv(contractObject()), contractObject(), fakePeople{})
	if !slices.ContainsFunc(probs, func(p forms.Problem) bool { return p.Pointer == "/recall_updates/statsu" && p.Code == "unknown_field" }) {
		t.Errorf("a misspelt recall update: %+v", probs)
	}

	// Timeout: escalates to the area manager's manager, a new step number with its own timer.
	to := act(t, c, tr.State, env, ActTimeout, "")
	if !slices.Equal(to.State.Approvers, []string{"boss"}) || to.State.Step != tr.State.Step+1 || to.Timer == nil || to.Timer.Step != to.State.Step {
		t.Fatalf("escalation: %+v timer %+v", to.State, to.Timer)
	}
	if to.Closed[0] != (TaskChange{Node: "area", Step: tr.State.Step, User: "area", Status: TaskEscalated}) || to.Tasks[0].User != "boss" {
		t.Errorf("escalation tasks: closed %+v opened %+v", to.Closed, to.Tasks)
	}
	// At the top of the chain nothing moves and no timer is planned.
	top := act(t, c, to.State, env, ActTimeout, "")
	if top.Timer != nil || !slices.Equal(top.State.Approvers, []string{"boss"}) {
		t.Errorf("no manager above: %+v", top.State)
	}
	for _, x := range []struct{ on, want string }{{OnTimeoutApprove, ApprovalApproved}, {OnTimeoutReject, ApprovalRejected}} {
		cx := compileProcess(t, strings.Replace(contractProcess, `"on_timeout":"escalate"`, `"on_timeout":"`+x.on+`"`, 1))
		s, _ := cx.Start(env)
		if r := act(t, cx, s.State, env, ActTimeout, ""); r.Finished != x.want {
			t.Errorf("on_timeout %s: %+v", x.on, r.State)
		}
	}
}

func TestNoApproversAtSubmit(t *testing.T) {
	c := compileProcess(t, contractProcess)
	env := contractEnv(nil)
	env.Resolve = func(*Node) ([]string, error) { return nil, nil }
	if _, err := c.Start(env); !hasCode(err, "no_approvers") {
		t.Errorf("nobody to approve: %v", err)
	}
}

// TestFallbackDecidesWhenNobodyElse: a step whose approvers resolve to nobody (a submitter
// without a manager) goes to the fallback, and an approver without a manager escalates to it;
// both are in the timeline. Without a fallback nothing changes (no_approvers, the step waits).
func TestFallbackDecidesWhenNobodyElse(t *testing.T) {
	c := compileProcess(t, contractProcess)
	env := contractEnv(map[string]any{"amount": int64(100)})
	env.Resolve = func(*Node) ([]string, error) { return nil, nil }
	env.Fallback = func() []string { return []string{"admin"} }
	tr, err := c.Start(env)
	if err != nil || !slices.Equal(tr.State.Approvers, []string{"admin"}) || tr.Tasks[0].User != "admin" {
		t.Fatalf("a step without approvers: %+v %v", tr, err)
	}
	if !slices.ContainsFunc(tr.Events, func(e StepEvent) bool { return e.Kind == "fallback" && e.To == "admin" && e.Node == "area" }) {
		t.Errorf("the timeline does not say the fallback decides: %+v", tr.Events)
	}

	// The area manager's manager is boss; boss has none: the next escalation goes to the fallback.
	env = contractEnv(map[string]any{"amount": int64(100)})
	env.Fallback = func() []string { return []string{"admin"} }
	tr, _ = c.Start(env)
	up := act(t, c, tr.State, env, ActTimeout, "")
	top := act(t, c, up.State, env, ActTimeout, "")
	if !slices.Equal(top.State.Approvers, []string{"admin"}) || top.Timer == nil || top.Tasks[0].User != "admin" {
		t.Fatalf("escalation from boss, who has no manager: %+v", top.State)
	}
	if !slices.ContainsFunc(top.Events, func(e StepEvent) bool {
		return e.Kind == "escalated" && e.User == "boss" && e.To == "admin" && e.Note != ""
	}) {
		t.Errorf("the timeline does not say why: %+v", top.Events)
	}
	// The fallback escalating past itself keeps the task.
	last := act(t, c, top.State, env, ActTimeout, "")
	if !slices.Equal(last.State.Approvers, []string{"admin"}) || last.Timer != nil {
		t.Errorf("the fallback's own timeout: %+v", last.State)
	}
}

func TestCompileApprovalReportsEveryProblem(t *testing.T) {
	src := `{"name":"Bad","object":"contract","entry_condition":"amount > \"x\"",
	 "nodes":[
	  {"id":"start","kind":"start"},
	  {"id":"a","kind":"approval","approvers":[{"type":"role","role":"nobody"},{"type":"field","field":"title"},{"type":"boss"}],"mode":"threshold"},
	  {"id":"c","kind":"condition"},
	  {"id":"loop1","kind":"action","updates":{"amont":"1"}},
	  {"id":"loop2","kind":"condition"},
	  {"id":"island","kind":"approval","approvers":[{"type":"user","users":["ghost"]}],"timeout":"soon"},
	  {"id":"ok","kind":"approved"},
	  {"id":"ok","kind":"approved"},
	  {"id":"x","kind":"teleport"}],
	 "edges":[
	  {"id":"e1","from":"start","to":"a"},
	  {"id":"e2","from":"a","to":"c"},
	  {"id":"e3","from":"c","to":"ok","condition":"amount >= 1"},
	  {"id":"e4","from":"c","to":"loop1","condition":"statsu == 1"},
	  {"id":"e5","from":"loop1","to":"loop2"},
	  {"id":"e6","from":"loop2","to":"loop1","default":true},
	  {"id":"e7","from":"a","to":"nowhere","condition":"true"},
	  {"id":"e8","from":"island","to":"ok"}]}`
	var p ApprovalProcess
	if err := json.Unmarshal([]byte(src), &p); err != nil {
		t.Fatal(err)
	}
	obj := contractObject()
	_, probs := CompileApproval(&p, rules.NewEnv(obj), obj, fakePeople{fakeDirectory{users: []string{"ann"}}})
	want := map[string]string{
		"/name":                        "invalid_name",
		"/entry_condition":             "invalid_expression",
		"/nodes/1":                     "missing_rejected",
		"/nodes/1/approvers/0/role":    "unknown_role",
		"/nodes/1/approvers/1/field":   "invalid_field",
		"/nodes/1/approvers/2/type":    "invalid_approver",
		"/nodes/1/threshold":           "missing_option",
		"/nodes/2":                     "default_edge",
		"/nodes/3":                     "never_ends",
		"/nodes/3/updates/amont":       "unknown_field",
		"/nodes/5":                     "unreachable",
		"/nodes/5/approvers/0/users/0": "unknown_user",
		"/nodes/5/timeout":             "invalid_timeout",
		"/nodes/5/on_timeout":          "invalid_option",
		"/nodes/7/id":                  "duplicate_id",
		"/nodes/8/kind":                "invalid_kind",
		"/edges/3/condition":           "invalid_expression",
		"/edges/6/to":                  "unknown_node",
		"/nodes/4":                     "never_ends",
	}
	got := map[string][]string{}
	for _, p := range probs {
		got[p.Pointer] = append(got[p.Pointer], p.Code)
	}
	for ptr, code := range want {
		if !slices.Contains(got[ptr], code) {
			t.Errorf("no %s at %s (all: %v)", code, ptr, got)
		}
	}
	for _, p := range probs {
		if p.Pointer == "/nodes/5/timeout" && !strings.HasPrefix(p.Message, `node "island": `) {
			t.Errorf("a node's problem names its id first: %q", p.Message)
		}
		if p.Pointer == "/edges/3/condition" && (!strings.Contains(p.Message, `edge "e4"`) || p.Line != 1) {
			t.Errorf("an edge's expression problem names the edge and its position: %+v", p)
		}
	}

	// A loop among automatic nodes that could end is still refused: nobody would ever act in it.
	loop := strings.Replace(contractProcess, `{"id":"e8","from":"terms","to":"approved","default":true}`,
		`{"id":"e8","from":"terms","to":"mark","default":true}`, 1)
	loop = strings.Replace(loop, `{"id":"e2","from":"mark","to":"area"}`, `{"id":"e2","from":"mark","to":"terms"}`, 1)
	if err := json.Unmarshal([]byte(loop), &p); err != nil {
		t.Fatal(err)
	}
	_, probs = CompileApproval(&p, rules.NewEnv(obj), obj, fakePeople{fakeDirectory{teams: []string{"finance", "legal"}}})
	found := false
	for _, p := range probs {
		found = found || p.Code == "loop"
	}
	if !found {
		t.Errorf("a loop through action and condition nodes: %v", probs)
	}
}

func hasCode(err error, code string) bool {
	ae, ok := err.(*ApprovalError)
	return ok && ae.Code == code
}

// The area manager is also the finance approver and one of legal's: with skip_repeat_approvers
// her approval of the first step counts at the next ones, without a task; without it she is
// asked at each step.
func TestSkipRepeatApprovers(t *testing.T) {
	values := map[string]any{"amount": int64(9000000), "non_standard_terms": true, "status": "draft"}
	env := contractEnv(values)
	env.Resolve = func(n *Node) ([]string, error) {
		switch n.Approvers[0].Type {
		case ApproverManager:
			return []string{"area"}, nil
		case ApproverTeam:
			if n.Approvers[0].Team == "finance" {
				return []string{"area"}, nil
			}
			return []string{"l1", "area"}, nil
		}
		return nil, nil
	}
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("skip=%v", skip), func(t *testing.T) {
			c := compileProcess(t, contractProcess)
			c.SkipRepeatApprovers = skip
			tr, err := c.Start(env)
			if err != nil {
				t.Fatal(err)
			}
			tr = act(t, c, tr.State, env, ActApprove, "area")
			if !skip {
				if tr.State.Node != "finance" || len(tr.Tasks) != 1 || tr.Tasks[0].User != "area" {
					t.Fatalf("without the option the finance step asks her again: %+v tasks %+v", tr.State, tr.Tasks)
				}
				return
			}
			// Finance passed on her earlier approval; legal (all must approve) asks l1 only.
			if tr.State.Node != "legal" || tr.State.Votes["area"] != ActApprove {
				t.Fatalf("finance is passed and legal counts her: %+v", tr.State)
			}
			if len(tr.Tasks) != 1 || tr.Tasks[0].User != "l1" {
				t.Fatalf("only l1 gets a legal task: %+v", tr.Tasks)
			}
			skipped := 0
			for _, e := range tr.Events {
				if e.Kind == "skipped" && e.User == "area" {
					skipped++
				}
			}
			if skipped != 2 {
				t.Errorf("the timeline says twice that she was skipped: %+v", tr.Events)
			}
			if tr = act(t, c, tr.State, env, ActApprove, "l1"); tr.Finished != ApprovalApproved {
				t.Fatalf("l1's approval completes legal and the process: %+v", tr.State)
			}
		})
	}
}
