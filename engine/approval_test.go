package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"crm/engine/store"
	"crm/internal/testenv"
	"crm/internal/testfixture"
	"crm/workflow"
)

// contractDef and contractFlow are the shared contract fixture (internal/testfixture): the area
// manager approves; at or over 50,000 finance too; non-standard terms also need all of legal.
const (
	contractDef  = testfixture.ContractObject
	contractFlow = testfixture.ContractApproval
)

// org is the people of the approval tests: rep reports to area, area to boss.
type org struct {
	e                          *Engine
	clock                      *testClock
	rep, area, boss, fin, fin2 *Actor
	legal                      []*Actor
	deputy                     *Actor
}

func member(t *testing.T, e *Engine, email, manager string, teams ...string) *Actor {
	t.Helper()
	in := UserInput{Email: ptr(email), Password: ptr("correct-horse-" + email), Roles: &[]string{RoleSales}, Teams: &teams}
	if manager != "" {
		in.Manager = ptr(manager)
	}
	u, err := e.SaveUser(context.Background(), SystemActor, "", in, 0)
	if err != nil {
		t.Fatal(err)
	}
	return &Actor{ID: u.ID, Email: email, Roles: u.Roles, Teams: teams}
}

func setupApprovals(t *testing.T, e *Engine, clock *testClock) *org {
	t.Helper()
	mustDefine(t, e, contractDef)
	team(t, e, "finance")
	team(t, e, "legal")
	o := &org{e: e, clock: clock}
	o.boss = member(t, e, "boss@example.com", "")
	o.area = member(t, e, "area@example.com", o.boss.ID)
	o.rep = member(t, e, "rep@example.com", o.area.ID)
	o.fin = member(t, e, "fin@example.com", "", "finance")
	for _, n := range []string{"l1", "l2", "l3"} {
		o.legal = append(o.legal, member(t, e, n+"@example.com", "", "legal"))
	}
	o.deputy = member(t, e, "deputy@example.com", o.boss.ID)
	saveFlow(t, e, contractFlow, true)
	return o
}

func saveFlow(t *testing.T, e *Engine, src string, create bool) *ApprovalProcessDef {
	t.Helper()
	var p workflow.ApprovalProcess
	if err := json.Unmarshal([]byte(src), &p); err != nil {
		t.Fatal(err)
	}
	d, err := e.SaveApprovalProcess(context.Background(), SystemActor, &p, create, 0)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (o *org) contract(t *testing.T, amount string, nonStandard bool) string {
	t.Helper()
	r, err := o.e.CreateRecord(context.Background(), o.rep, "contract",
		map[string]any{"title": "Contract " + amount, "amount": amount, "non_standard_terms": nonStandard, "status": "draft"}, "en")
	if err != nil {
		t.Fatal(err)
	}
	return r["id"].(string)
}

func (o *org) submit(t *testing.T, id string) *ApprovalInstance {
	t.Helper()
	in, err := o.e.SubmitApproval(context.Background(), o.rep, "contract", id, "", "please")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func (o *org) act(t *testing.T, by *Actor, in *ApprovalInstance, kind string) *ApprovalInstance {
	t.Helper()
	out, err := o.e.ActOnApproval(context.Background(), by, in.ID, kind, "ok by "+by.Email, "")
	if err != nil {
		t.Fatalf("%s by %s at %s: %v", kind, by.Email, in.State.Node, err)
	}
	return out
}

func (o *org) status(t *testing.T, id string) any {
	t.Helper()
	r, err := o.e.GetRecord(context.Background(), SystemActor, "contract", id)
	if err != nil {
		t.Fatal(err)
	}
	return r["status"]
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	ee, ok := AsError(err)
	if !ok || ee.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

func (o *org) inbox(t *testing.T, a *Actor) []ApprovalTask {
	t.Helper()
	tasks, err := o.e.ApprovalTasks(context.Background(), a, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

// TestApprovalContractRoutes: under 50,000 only the area manager; at 50,000 the area manager and
// then the finance director; non-standard terms add the three legal users, all of whom must
// approve. While pending the record refuses edits (409 record_locked) except from admins; once
// approved it is editable again, its status approved, and the timeline tells every step.
func TestApprovalContractRoutes(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		o := setupApprovals(t, engines(t, b, 1, clock)[0], clock)
		e := o.e

		small := o.contract(t, "49999.99", false)
		in := o.submit(t, small)
		if in.State.Node != "area" || in.ProcessVersion != 1 || o.status(t, small) != "pending" {
			t.Fatalf("submitted: at %s v%d, status %v", in.State.Node, in.ProcessVersion, o.status(t, small))
		}
		tasks := o.inbox(t, o.area)
		if len(tasks) != 1 || tasks[0].Approval != in.ID || tasks[0].Node != "area" {
			t.Fatalf("area manager's inbox: %+v", tasks)
		}
		// The inbox says what she decides on: the submitter's comment and the amount.
		if tasks[0].Comment != "please" || fmt.Sprint(tasks[0].Amounts["amount"]) != "49999.99" {
			t.Errorf("the task's comment %q and amounts %v", tasks[0].Comment, tasks[0].Amounts)
		}
		_, err := e.UpdateRecord(ctx, o.rep, "contract", small, map[string]any{"title": "changed"}, 0, "en")
		wantCode(t, err, "record_locked")
		if _, err := e.UpdateRecord(ctx, SystemActor, "contract", small, map[string]any{"title": "fixed by an admin"}, 0, "en"); err != nil {
			t.Fatalf("an admin edits a locked record: %v", err)
		}
		_, err = e.SubmitApproval(ctx, o.rep, "contract", small, "", "")
		wantCode(t, err, "approval_pending")
		in = o.act(t, o.area, in, workflow.ActApprove)
		if in.Status != workflow.ApprovalApproved || o.status(t, small) != "approved" {
			t.Fatalf("under 50,000 after the area manager: %s, record %v", in.Status, o.status(t, small))
		}
		if _, err := e.UpdateRecord(ctx, o.rep, "contract", small, map[string]any{"title": "editable again"}, 0, "en"); err != nil {
			t.Fatalf("an approved contract is editable again: %v", err)
		}
		if len(o.inbox(t, o.area)) != 0 {
			t.Error("the decided task is still in the inbox")
		}

		big := o.contract(t, "50000", false)
		in = o.submit(t, big)
		in = o.act(t, o.area, in, workflow.ActApprove)
		if in.State.Node != "finance" || in.Status != workflow.ApprovalPending {
			t.Fatalf("at 50,000 after the area manager: %+v", in.State)
		}
		_, err = e.UpdateRecord(ctx, o.rep, "contract", big, map[string]any{"amount": "10"}, 0, "en")
		wantCode(t, err, "record_locked")
		_, err = e.ActOnApproval(ctx, o.area, in.ID, workflow.ActApprove, "", "")
		wantCode(t, err, "not_approver")
		in = o.act(t, o.fin, in, workflow.ActApprove)
		if in.Status != workflow.ApprovalApproved || o.status(t, big) != "approved" {
			t.Fatalf("after finance: %s %v", in.Status, o.status(t, big))
		}
		var actions []string
		for _, te := range in.Timeline {
			actions = append(actions, te.Action+":"+te.Node)
			if te.Version != 1 || te.At == "" {
				t.Errorf("timeline entry without version or time: %+v", te)
			}
		}
		want := "submitted:,action:mark,entered:area,approved:area,routed:amount,entered:finance,approved:finance,routed:terms,finished:approved"
		if strings.Join(actions, ",") != want {
			t.Errorf("timeline %s\nwant     %s", strings.Join(actions, ","), want)
		}
		if in.Timeline[0].Comment != "please" || in.Timeline[3].By != o.area.ID || in.Timeline[3].Decision != "approved" || in.Timeline[3].Comment != "ok by area@example.com" {
			t.Errorf("who and what: %+v / %+v", in.Timeline[0], in.Timeline[3])
		}
		notes, _, _ := e.Notifications(ctx, o.rep, false, 0)
		if len(notes) != 2 || notes[0].Title != "Approved: Contract approval" {
			t.Errorf("the submitter's notices: %+v", notes)
		}

		// Countersign: every legal user must approve.
		odd := o.contract(t, "1000", true)
		in = o.submit(t, odd)
		in = o.act(t, o.area, in, workflow.ActApprove)
		if in.State.Node != "legal" || len(in.State.Approvers) != 3 {
			t.Fatalf("non-standard terms: %+v", in.State)
		}
		in = o.act(t, o.legal[0], in, workflow.ActApprove)
		in = o.act(t, o.legal[1], in, workflow.ActApprove)
		if in.Status != workflow.ApprovalPending || o.status(t, odd) != "pending" {
			t.Fatalf("two of three legal approvals decided it: %s", in.Status)
		}
		in = o.act(t, o.legal[2], in, workflow.ActApprove)
		if in.Status != workflow.ApprovalApproved || o.status(t, odd) != "approved" {
			t.Fatalf("all three legal approvals: %s %v", in.Status, o.status(t, odd))
		}
		list, err := e.RecordApprovals(ctx, o.rep, "contract", odd)
		if err != nil || len(list) != 1 || list[0].ID != in.ID {
			t.Errorf("the record's approvals: %v %v", list, err)
		}
	})
}

// TestApprovalRejectAtStepTwo: finance rejects; the status becomes rejected and the record unlocks.
func TestApprovalRejectAtStepTwo(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		o := setupApprovals(t, engines(t, b, 1, clock)[0], clock)
		id := o.contract(t, "80000", true)
		in := o.submit(t, id)
		in = o.act(t, o.area, in, workflow.ActApprove)
		in = o.act(t, o.fin, in, workflow.ActReject)
		if in.Status != workflow.ApprovalRejected || o.status(t, id) != "rejected" {
			t.Fatalf("rejected at finance: %s, record %v", in.Status, o.status(t, id))
		}
		if _, err := o.e.UpdateRecord(ctx, o.rep, "contract", id, map[string]any{"title": "Reworked"}, 0, "en"); err != nil {
			t.Fatalf("a rejected contract is editable: %v", err)
		}
		_, err := o.e.ActOnApproval(ctx, o.legal[0], in.ID, workflow.ActApprove, "", "")
		wantCode(t, err, "not_pending")
		// Resubmitted after rework: a new instance.
		again := o.submit(t, id)
		if again.ID == in.ID || again.State.Node != "area" {
			t.Errorf("resubmission: %+v", again)
		}
	})
}

// TestApprovalRecallAndDelegate: the area manager hands the task to a deputy, who approves;
// another submission is recalled by its submitter, which unlocks the record.
func TestApprovalRecallAndDelegate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	o := setupApprovals(t, engines(t, testenv.Backends()[0], 1, clock)[0], clock)
	id := o.contract(t, "100", false)
	in := o.submit(t, id)
	_, err := o.e.ActOnApproval(ctx, o.area, in.ID, workflow.ActDelegate, "", "nobody")
	wantCode(t, err, "invalid_delegate")
	in, err = o.e.ActOnApproval(ctx, o.area, in.ID, workflow.ActDelegate, "on leave", o.deputy.ID)
	if err != nil || in.State.Approvers[0] != o.deputy.ID {
		t.Fatalf("delegate: %+v %v", in, err)
	}
	if len(o.inbox(t, o.area)) != 0 || len(o.inbox(t, o.deputy)) != 1 {
		t.Fatalf("inboxes after delegating: area %v deputy %v", o.inbox(t, o.area), o.inbox(t, o.deputy))
	}
	_, err = o.e.ActOnApproval(ctx, o.area, in.ID, workflow.ActApprove, "", "")
	wantCode(t, err, "not_approver")
	in = o.act(t, o.deputy, in, workflow.ActApprove)
	last := in.Timeline[3]
	if in.Status != workflow.ApprovalApproved || last.Action != "delegated" || last.By != o.area.ID || last.To != o.deputy.ID || last.Comment != "on leave" {
		t.Errorf("after the deputy: %s, %+v", in.Status, in.Timeline)
	}

	id2 := o.contract(t, "100", false)
	in = o.submit(t, id2)
	_, err = o.e.ActOnApproval(ctx, o.area, in.ID, workflow.ActRecall, "", "")
	wantCode(t, err, "forbidden")
	in = o.act(t, o.rep, in, workflow.ActRecall)
	if in.Status != workflow.ApprovalRecalled || len(o.inbox(t, o.area)) != 0 {
		t.Fatalf("recalled: %s, inbox %v", in.Status, o.inbox(t, o.area))
	}
	if _, err := o.e.UpdateRecord(ctx, o.rep, "contract", id2, map[string]any{"title": "reworked"}, 0, "en"); err != nil {
		t.Fatalf("a recalled contract is editable: %v", err)
	}
	if o.status(t, id2) != "pending" {
		t.Errorf("a recall sets nothing: status %v", o.status(t, id2))
	}
}

// TestApprovalConcurrentAny: two finance users approve one any-step at the same moment through
// two engines: exactly one decides, the other gets 409, and the timeline holds one decision.
func TestApprovalConcurrentAny(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		es := engines(t, b, 2, clock)
		o := setupApprovals(t, es[0], clock)
		o.fin2 = member(t, es[0], "fin2@example.com", "", "finance")
		for round := 0; round < 3; round++ {
			id := o.contract(t, "70000", false)
			in := o.act(t, o.area, o.submit(t, id), workflow.ActApprove)
			if len(in.State.Approvers) != 2 {
				t.Fatalf("finance step approvers: %v", in.State.Approvers)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, who := range []*Actor{o.fin, o.fin2} {
				wg.Add(1)
				go func(i int, who *Actor) {
					defer wg.Done()
					_, errs[i] = es[i].ActOnApproval(ctx, who, in.ID, workflow.ActApprove, "", "")
				}(i, who)
			}
			wg.Wait()
			ok, conflicts := 0, 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if ee, _ := AsError(err); ee != nil && ee.Kind == KindConflict {
					conflicts++
				} else {
					t.Fatalf("unexpected error: %v", err)
				}
			}
			if ok != 1 || conflicts != 1 {
				t.Fatalf("round %d: %d decided, %d conflicts (%v)", round, ok, conflicts, errs)
			}
			got, _ := es[1].GetApproval(ctx, SystemActor, in.ID)
			decisions := 0
			for _, te := range got.Timeline {
				if te.Node == "finance" && te.Decision != "" {
					decisions++
				}
			}
			if got.Status != workflow.ApprovalApproved || decisions != 1 {
				t.Errorf("round %d: %s with %d finance decisions", round, got.Status, decisions)
			}
		}
	})
}

// TestApprovalThresholdTwoOfThree: a legal step needing 2 of 3 approves on the second approval
// and closes the third task; another is rejected once 2 can no longer be reached.
func TestApprovalThresholdTwoOfThree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	o := setupApprovals(t, engines(t, testenv.Backends()[0], 1, clock)[0], clock)
	saveFlow(t, o.e, strings.Replace(contractFlow, `"mode":"all"`, `"mode":"threshold","threshold":2`, 1), false)
	id := o.contract(t, "100", true)
	in := o.act(t, o.area, o.submit(t, id), workflow.ActApprove)
	in = o.act(t, o.legal[0], in, workflow.ActApprove)
	if in.Status != workflow.ApprovalPending {
		t.Fatalf("one of three: %s", in.Status)
	}
	in = o.act(t, o.legal[2], in, workflow.ActApprove)
	if in.Status != workflow.ApprovalApproved || o.status(t, id) != "approved" {
		t.Fatalf("two of three: %s", in.Status)
	}
	all, _ := o.e.ApprovalTasks(ctx, o.legal[1], "all", 0)
	if len(all) != 1 || all[0].Status != workflow.TaskClosed {
		t.Errorf("the third legal task: %+v", all)
	}

	id2 := o.contract(t, "100", true)
	in = o.act(t, o.area, o.submit(t, id2), workflow.ActApprove)
	in = o.act(t, o.legal[0], in, workflow.ActReject)
	if in.Status != workflow.ApprovalPending {
		t.Fatalf("one rejection of three with N=2: %s", in.Status)
	}
	in = o.act(t, o.legal[1], in, workflow.ActReject)
	if in.Status != workflow.ApprovalRejected || o.status(t, id2) != "rejected" {
		t.Fatalf("two rejections: %s %v", in.Status, o.status(t, id2))
	}
}

// TestApprovalEditedWhileRunning: a contract submitted on version 1 still goes through finance
// after version 2 drops the finance step; a new submission takes version 2.
func TestApprovalEditedWhileRunning(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		o := setupApprovals(t, engines(t, b, 1, clock)[0], clock)
		old := o.submit(t, o.contract(t, "90000", false))
		v2 := saveFlow(t, o.e, strings.Replace(contractFlow, `"condition":"amount >= 50000"`, `"condition":"amount >= 1000000"`, 1), false)
		if v2.Version != 2 {
			t.Fatalf("edited process version %d", v2.Version)
		}
		fresh := o.submit(t, o.contract(t, "90000", false))
		if fresh.ProcessVersion != 2 || old.ProcessVersion != 1 {
			t.Fatalf("versions: running %d, new %d", old.ProcessVersion, fresh.ProcessVersion)
		}
		old = o.act(t, o.area, old, workflow.ActApprove)
		fresh = o.act(t, o.area, fresh, workflow.ActApprove)
		if old.State.Node != "finance" || fresh.Status != workflow.ApprovalApproved {
			t.Fatalf("v1 goes to finance (%s), v2 is done (%s)", old.State.Node, fresh.Status)
		}
		old = o.act(t, o.fin, old, workflow.ActApprove)
		if old.Status != workflow.ApprovalApproved || old.Timeline[len(old.Timeline)-1].Version != 1 || fresh.Timeline[0].Version != 2 {
			t.Errorf("timelines name their versions: %+v / %+v", old.Timeline, fresh.Timeline)
		}
		p1, err := o.e.GetApprovalProcess(context.Background(), SystemActor, "contract_approval", 1)
		if err != nil || p1.Edges[3].Condition != "amount >= 50000" {
			t.Errorf("version 1 is kept: %+v %v", p1, err)
		}
	})
}

// TestApprovalTimeoutEscalates: the area step times out after 48 h and goes to the area
// manager's manager through the scheduler; the late area manager can no longer answer.
func TestApprovalTimeoutEscalates(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		o := setupApprovals(t, engines(t, b, 1, clock)[0], clock)
		id := o.contract(t, "100", false)
		in := o.submit(t, id)
		clock.Advance(47 * time.Hour)
		o.e.Tick(ctx)
		if len(o.inbox(t, o.boss)) != 0 {
			t.Fatal("escalated before the timeout")
		}
		clock.Advance(time.Hour + time.Second)
		if _, err := o.e.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		boss := o.inbox(t, o.boss)
		if len(boss) != 1 || boss[0].Approval != in.ID {
			t.Fatalf("the boss's inbox after 48 h: %+v", boss)
		}
		old, _ := o.e.ApprovalTasks(ctx, o.area, "all", 0)
		if len(old) != 1 || old[0].Status != workflow.TaskEscalated {
			t.Errorf("the area manager's task: %+v", old)
		}
		_, err := o.e.ActOnApproval(ctx, o.area, in.ID, workflow.ActApprove, "", "")
		wantCode(t, err, "not_approver")
		in = o.act(t, o.boss, in, workflow.ActApprove)
		if in.Status != workflow.ApprovalApproved || o.status(t, id) != "approved" {
			t.Fatalf("the boss approves: %s", in.Status)
		}
		found := false
		for _, te := range in.Timeline {
			found = found || (te.Action == "escalated" && te.By == o.area.ID && te.To == o.boss.ID)
		}
		if !found {
			t.Errorf("no escalation in the timeline: %+v", in.Timeline)
		}
		// The next step's timer (none: finance has no timeout) and old timers do nothing more.
		clock.Advance(100 * time.Hour)
		o.e.Tick(ctx)
		if n := countDocs(t, o.e, collJobs, nil); n != 0 {
			t.Errorf("%d jobs left", n)
		}
	})
}

// TestApprovalSurvivesRestart: an approval half-way through outlives its engine: a new engine
// over the same database sees the pending step, keeps the record locked and finishes it; effects
// left unapplied by a crash are applied by the new engine's scheduler.
func TestApprovalSurvivesRestart(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		stores := b.OpenShared(t, 2)
		first, err := New(ctx, Config{Store: stores[0], Logger: quietLog, Clock: clock.Now, Node: "first"})
		if err != nil {
			t.Fatal(err)
		}
		o := setupApprovals(t, first, clock)
		id := o.contract(t, "60000", false)
		in := o.act(t, o.area, o.submit(t, id), workflow.ActApprove)

		// Crash simulation: the finance approval's state change is stored, but its effects
		// (closing the task, the status update, the unlock) never ran.
		doc, _ := first.store.Get(ctx, collApprovals, in.ID)
		inst, _ := instanceFromDoc(doc)
		c, def, err := first.instanceProcess(ctx, inst)
		if err != nil {
			t.Fatal(err)
		}
		dir, _ := first.directory(ctx)
		rec, _ := first.store.Get(ctx, recordsColl("contract"), id)
		tr, err := c.Act(inst.State, workflow.ApprovalAction{Kind: workflow.ActApprove, User: o.fin.ID}, mustEnv(first.approvalEnv(context.Background(), def, dir, rec, inst.Submitter, "")))
		if err != nil {
			t.Fatal(err)
		}
		first.handlers["approval"] = func(context.Context, *Job) error { return errors.New("the process died") }
		if err := first.transit(ctx, inst, tr, o.fin, "", false); err != nil {
			t.Fatal(err)
		}
		first = nil // the first engine is gone

		clock.Advance(eventGrace + time.Second)
		second, err := New(ctx, Config{Store: stores[1], Logger: quietLog, Clock: clock.Now, Node: "second"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := second.GetApproval(ctx, SystemActor, in.ID)
		if err != nil || got.Status != workflow.ApprovalApproved {
			t.Fatalf("after the restart: %+v %v", got, err)
		}
		if r, _ := second.GetRecord(ctx, SystemActor, "contract", id); r["status"] != "pending" {
			t.Fatalf("effects ran before the scheduler: %v", r["status"])
		}
		if _, err := second.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if r, _ := second.GetRecord(ctx, SystemActor, "contract", id); r["status"] != "approved" {
			t.Fatalf("the new engine applied the effects: status %v", r["status"])
		}
		if _, err := second.UpdateRecord(ctx, o.rep, "contract", id, map[string]any{"title": "after"}, 0, "en"); err != nil {
			t.Fatalf("unlocked after the restart: %v", err)
		}
		if n := countDocs(t, second, collApprovalTasks, store.Compare{Field: "status", Op: store.Eq, Value: workflow.TaskOpen, Scalar: true}); n != 0 {
			t.Errorf("%d open tasks after the end", n)
		}
		after, _ := second.loadInstance(ctx, in.ID)
		if len(after.Outbox) != 0 {
			t.Errorf("the outbox was not emptied")
		}

		// A step pending across the restart continues on the new engine.
		id2 := o.contract(t, "60000", false)
		o.e = second
		in2 := o.act(t, o.area, o.submit(t, id2), workflow.ActApprove)
		_, err = second.UpdateRecord(ctx, o.rep, "contract", id2, map[string]any{"title": "x"}, 0, "en")
		wantCode(t, err, "record_locked")
		if in2 = o.act(t, o.fin, in2, workflow.ActApprove); in2.Status != workflow.ApprovalApproved {
			t.Errorf("finished on the new engine: %s", in2.Status)
		}
	})
}

// TestApprovalSubmitRefusals: the entry condition, nobody to approve, and the automation action.
func TestApprovalSubmitRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	o := setupApprovals(t, engines(t, testenv.Backends()[0], 1, clock)[0], clock)
	e := o.e
	r, _ := e.CreateRecord(ctx, o.rep, "contract", map[string]any{"title": "Done"}, "en")
	r, _ = e.UpdateRecord(ctx, SystemActor, "contract", r["id"].(string), map[string]any{"status": "approved"}, 0, "en") // as a process would
	_, err := e.SubmitApproval(ctx, o.rep, "contract", r["id"].(string), "contract_approval", "")
	wantCode(t, err, "entry_condition_not_met")
	loner := member(t, e, "loner@example.com", "")
	r, _ = e.CreateRecord(ctx, loner, "contract", map[string]any{"title": "Orphan", "status": "draft"}, "en")
	_, err = e.SubmitApproval(ctx, loner, "contract", r["id"].(string), "", "")
	wantCode(t, err, "no_approvers")
	if got, _ := e.GetRecord(ctx, SystemActor, "contract", r["id"].(string)); got["status"] != "draft" {
		t.Errorf("a refused submission changed the record: %v", got["status"])
	}
	if _, err := e.UpdateRecord(ctx, loner, "contract", r["id"].(string), map[string]any{"title": "still mine"}, 0, "en"); err != nil {
		t.Errorf("a refused submission locked the record: %v", err)
	}

	// An automation submits every new big contract.
	mustAutomate(t, e, `{"name":"auto_submit","object":"contract","trigger":{"type":"created"},"condition":"amount >= 1000000",
	 "actions":[{"type":"approval","process":"contract_approval"}]}`)
	big, _ := e.CreateRecord(ctx, o.rep, "contract", map[string]any{"title": "Huge", "amount": "2000000", "status": "draft"}, "en")
	list, err := e.RecordApprovals(ctx, o.rep, "contract", big["id"].(string))
	if err != nil || len(list) != 1 || list[0].Submitter != o.rep.ID || list[0].State.Node != "area" {
		t.Fatalf("submitted by the automation: %+v %v", list, err)
	}
	var a workflow.Automation
	json.Unmarshal([]byte(`{"name":"bad_submit","object":"contract","trigger":{"type":"created"},"actions":[{"type":"approval","process":"nope"}]}`), &a)
	_, err = e.SaveAutomation(ctx, SystemActor, &a, true, 0)
	if ee, _ := AsError(err); ee == nil || len(ee.Problems) != 1 || ee.Problems[0].Pointer != "/actions/0/process" {
		t.Errorf("an approval action naming no process: %v", err)
	}
}

// TestApprovalSubmitFencesWritesInFlight: a write checks the lock before it lands, so one that
// read the record just before a submission could land after it. The submission moves the
// record's version (even through a flow with no field updates of its own), so that write fails
// its version check; retried, it meets the lock.
func TestApprovalSubmitFencesWritesInFlight(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		o := setupApprovals(t, engines(t, b, 1, clock)[0], clock)
		saveFlow(t, o.e, `{"name":"plain","object":"contract","nodes":[{"id":"start","kind":"start"},
		 {"id":"area","kind":"approval","approvers":[{"type":"manager","levels":1}]},{"id":"yes","kind":"approved"},{"id":"no","kind":"rejected"}],
		 "edges":[{"id":"e1","from":"start","to":"area"},{"id":"e2","from":"area","to":"yes"}]}`, true)
		id := o.contract(t, "1000", false)
		inFlight, err := o.e.getDoc(ctx, "contract", id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.e.SubmitApproval(ctx, o.rep, "contract", id, "plain", ""); err != nil {
			t.Fatal(err)
		}
		version, _ := inFlight["version"].(int64)
		delete(inFlight, "version")
		inFlight["title"] = "landed after the submission"
		if err := o.e.store.Replace(ctx, recordsColl("contract"), inFlight, version); !errors.Is(err, store.ErrVersionConflict) {
			t.Fatalf("a write read before the submission lands after it: %v", err)
		}
		_, err = o.e.UpdateRecord(ctx, o.rep, "contract", id, map[string]any{"title": "retried"}, 0, "en")
		wantCode(t, err, "record_locked")
	})
}

// TestApprovalTimeoutInBusinessHours: a step's timeout may count in a business calendar. Two
// hours on Mon-Fri 09:00-18:00, entered Friday 17:00, run out Monday 10:00, not Friday 19:00.
// A calendar that does not exist, or one without a timeout to count, is refused at save; a
// calendar a process counts in cannot be deleted.
func TestApprovalTimeoutInBusinessHours(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock() // Friday 2026-11-20 09:00 UTC
		o := setupApprovals(t, engines(t, b, 1, clock)[0], clock)
		var cal workflow.Calendar
		if err := json.Unmarshal([]byte(`{"name":"weekdays","time_zone":"UTC","hours":{"mon":[{"start":"09:00","end":"18:00"}],
		 "tue":[{"start":"09:00","end":"18:00"}],"wed":[{"start":"09:00","end":"18:00"}],"thu":[{"start":"09:00","end":"18:00"}],
		 "fri":[{"start":"09:00","end":"18:00"}]}}`), &cal); err != nil {
			t.Fatal(err)
		}
		if _, err := o.e.SaveCalendar(ctx, SystemActor, &cal, true, 0); err != nil {
			t.Fatal(err)
		}
		flow := func(name, step string) string {
			return `{"name":"` + name + `","object":"contract","nodes":[{"id":"start","kind":"start"},` + step + `,
			 {"id":"yes","kind":"approved","updates":{"status":"\"approved\""}},{"id":"no","kind":"rejected"}],
			 "edges":[{"id":"e1","from":"start","to":"area"},{"id":"e2","from":"area","to":"yes"}]}`
		}
		for step, pointer := range map[string]string{
			`{"id":"area","kind":"approval","approvers":[{"type":"manager","levels":1}],"timeout":"2h","on_timeout":"approve","calendar":"nope"}`: "/nodes/1/calendar",
			`{"id":"area","kind":"approval","approvers":[{"type":"manager","levels":1}],"calendar":"weekdays"}`:                                   "/nodes/1/calendar",
		} {
			var p workflow.ApprovalProcess
			if err := json.Unmarshal([]byte(flow("bad", step)), &p); err != nil {
				t.Fatal(err)
			}
			_, err := o.e.SaveApprovalProcess(ctx, SystemActor, &p, true, 0)
			if ee, _ := AsError(err); ee == nil || len(ee.Problems) != 1 || ee.Problems[0].Pointer != pointer {
				t.Errorf("%s: %v", step, err)
			}
		}
		saveFlow(t, o.e, flow("timed", `{"id":"area","kind":"approval","approvers":[{"type":"manager","levels":1}],
		 "timeout":"2h","on_timeout":"approve","calendar":"weekdays"}`), true)
		err := o.e.DeleteCalendar(ctx, SystemActor, "weekdays")
		wantCode(t, err, "calendar_in_use")

		clock.Advance(8 * time.Hour) // Friday 17:00
		id := o.contract(t, "100", false)
		in, err := o.e.SubmitApproval(ctx, o.rep, "contract", id, "timed", "")
		if err != nil {
			t.Fatal(err)
		}
		tick := func() {
			t.Helper()
			if _, err := o.e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		tick()
		clock.Advance(2*time.Hour + time.Minute) // Friday 19:01: two hours on the wall clock
		tick()
		if got, _ := o.e.GetApproval(ctx, SystemActor, in.ID); got.Status != workflow.ApprovalPending {
			t.Fatalf("timed out on the wall clock: %s", got.Status)
		}
		clock.Set(time.Date(2026, 11, 23, 9, 59, 0, 0, time.UTC)) // Monday 09:59
		tick()
		if got, _ := o.e.GetApproval(ctx, SystemActor, in.ID); got.Status != workflow.ApprovalPending {
			t.Fatalf("timed out a minute early: %s", got.Status)
		}
		clock.Set(time.Date(2026, 11, 23, 10, 0, 1, 0, time.UTC))
		tick()
		if got, _ := o.e.GetApproval(ctx, SystemActor, in.ID); got.Status != workflow.ApprovalApproved || o.status(t, id) != "approved" {
			t.Fatalf("after two business hours: %s, record %v", got.Status, o.status(t, id))
		}
	})
}

func mustEnv(env workflow.ApprovalEnv, err error) workflow.ApprovalEnv {
	if err != nil {
		panic(err)
	}
	return env
}

// TestApprovalSkipsRepeatApprover: the area manager is also in finance. With the process's
// skip_repeat_approvers her approval of the first step passes the finance step too, without a
// task for anyone there, and the timeline says she was not asked again.
func TestApprovalSkipsRepeatApprover(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		o := setupApprovals(t, e, clock)
		areaFin := member(t, e, "areafin@example.com", o.boss.ID, "finance")
		o.rep = member(t, e, "rep2@example.com", areaFin.ID)
		var p workflow.ApprovalProcess
		if err := json.Unmarshal([]byte(contractFlow), &p); err != nil {
			t.Fatal(err)
		}
		p.SkipRepeatApprovers = true
		if _, err := e.SaveApprovalProcess(ctx, SystemActor, &p, false, 1); err != nil {
			t.Fatal(err)
		}
		id := o.contract(t, "80000", false)
		in := o.submit(t, id)
		in = o.act(t, areaFin, in, workflow.ActApprove)
		if in.Status != workflow.ApprovalApproved || o.status(t, id) != "approved" {
			t.Fatalf("finance passed on her earlier approval: %s at %s, record %v", in.Status, in.State.Node, o.status(t, id))
		}
		if tasks := o.inbox(t, o.fin); len(tasks) != 0 {
			t.Errorf("finance got a task for a step already decided: %+v", tasks)
		}
		skipped := false
		for _, te := range in.Timeline {
			if te.Action == "skipped" && te.Node == "finance" && te.By == areaFin.ID {
				skipped = true
			}
		}
		if !skipped {
			t.Errorf("the timeline does not say she was skipped at finance: %+v", in.Timeline)
		}
	})
}
