package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/internal/testenv"
	"crm/workflow"
)

const followLeadDef = `{"name":"lead","fields":[
 {"name":"company","type":"text","required":true},
 {"name":"status","type":"picklist","options":[{"value":"new"},{"value":"contacted"},{"value":"stale"}]},
 {"name":"last_contacted_at","type":"datetime","indexed":true}]}`

const followTaskDef = `{"name":"task","fields":[
 {"name":"subject","type":"text","required":true},
 {"name":"due","type":"date"},
 {"name":"lead","type":"lookup","target":"lead"}]}`

// followUp: no contact for 7 days creates a follow-up task for the owner and tells them.
const followUp = `{"name":"follow_up","object":"lead","trigger":{"type":"time_relative","field":"last_contacted_at","offset":"7d"},
 "condition":"status != \"stale\"",
 "actions":[
  {"type":"create","object":"task","values":{"subject":"\"Follow up \" + company","due":"addDays(today(), 1)","lead":"id"}},
  {"type":"notify","to":{"owner":true},"title":{"en":"Follow up {{company}}","zh-CN":"跟进 {{company}}"}},
  {"type":"update","values":{"status":"\"stale\""}}]}`

// mustDefine creates objects and grants each to the built-in roles as they reached every object
// before a new object granted nothing (legacyGrant): the tests using it are about other things.
func mustDefine(t *testing.T, e *Engine, defs ...string) {
	t.Helper()
	for _, d := range defs {
		var obj forms.Object
		if err := json.Unmarshal([]byte(d), &obj); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateObject(context.Background(), SystemActor, &obj); err != nil {
			t.Fatal(err)
		}
		legacyGrant(t, e, obj.Name)
	}
}

// legacyGrant grants an object to the built-in roles as their "every object" grant of earlier
// versions did: create, read and edit to sales and support, delete too to analysts and managers.
func legacyGrant(t *testing.T, e *Engine, object string) {
	t.Helper()
	ctx := context.Background()
	own := Perm{Create: true, Read: true, Edit: true}
	all := Perm{Create: true, Read: true, Edit: true, Delete: true}
	admin := &Actor{ID: "test", Roles: []string{RoleAdmin}}
	for role, p := range map[string]Perm{RoleSales: own, RoleSupport: own, RoleAnalyst: all, RoleManager: all} {
		r, err := e.GetRole(ctx, SystemActor, role)
		if err != nil {
			t.Fatal(err)
		}
		r.Objects[object] = p
		if _, err := e.SaveRole(ctx, admin, r, false, 0); err != nil {
			t.Fatal(err)
		}
	}
}

func mustAutomate(t *testing.T, e *Engine, def string) {
	t.Helper()
	var a workflow.Automation
	if err := json.Unmarshal([]byte(def), &a); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveAutomation(context.Background(), SystemActor, &a, true, 0); err != nil {
		t.Fatal(err)
	}
}

func countDocs(t *testing.T, e *Engine, coll string, f store.Filter) int64 {
	t.Helper()
	n, err := e.store.Count(context.Background(), coll, f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFollowUpAfterSevenDays(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef, followTaskDef)
		mustAutomate(t, e, followUp)
		rep, err := e.SaveUser(ctx, SystemActor, "", UserInput{Email: ptr("rep@example.com"), Password: ptr("correct-horse-rep"), Roles: &[]string{RoleSales}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		actor := &Actor{ID: rep.ID, Email: rep.Email, Roles: rep.Roles}
		lead, err := e.CreateRecord(ctx, actor, "lead", map[string]any{"company": "Acme", "status": "new", "last_contacted_at": stamp(clock.Now())}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := lead["id"].(string)
		tasks := func() int64 { return countDocs(t, e, "obj_task", nil) }

		clock.Advance(6 * 24 * time.Hour)
		e.Tick(ctx)
		if tasks() != 0 {
			t.Fatal("a follow-up before 7 days")
		}
		// Contact on day 6 moves the timer: nothing on day 7, the task on day 13.
		if _, err := e.UpdateRecord(ctx, actor, "lead", id, map[string]any{"last_contacted_at": stamp(clock.Now())}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
		e.Tick(ctx)
		if tasks() != 0 {
			t.Fatal("the timer was not re-planned when the contact date changed")
		}
		clock.Advance(6*24*time.Hour + time.Minute)
		if n, err := e.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick ran %d jobs: %v", n, err)
		}
		if tasks() != 1 {
			t.Fatalf("%d follow-up tasks, want 1", tasks())
		}
		docs, _ := e.store.Find(ctx, "obj_task", store.Query{})
		task := docs[0]
		if task["owner"] != rep.ID || task["lead"] != id || !strings.HasPrefix(task["subject"].(string), "Follow up Acme") {
			t.Errorf("task: %v", task)
		}
		notes, unread, err := e.Notifications(ctx, actor, true, 10)
		if err != nil || unread != 1 || notes[0].Title != "Follow up Acme" || notes[0].Record != id {
			t.Errorf("notifications: %+v %d %v", notes, unread, err)
		}
		got, _ := e.GetRecord(ctx, actor, "lead", id)
		if got["status"] != "stale" {
			t.Errorf("status after the follow-up: %v", got["status"])
		}
		// Further ticks create nothing more.
		clock.Advance(30 * 24 * time.Hour)
		e.Tick(ctx)
		if tasks() != 1 {
			t.Errorf("%d tasks after more ticks", tasks())
		}
		runs, err := e.RecordRuns(ctx, actor, "lead", id)
		if err != nil || len(runs) != 1 || runs[0]["result"] != "done" {
			t.Fatalf("runs: %v %v", runs, err)
		}
		if in := runs[0]["inputs"].(map[string]any); in["status"] != "new" {
			t.Errorf("run inputs: %v", in)
		}
	})
}

// TestTimerPastYear9999NeverFires: a date near 9999-12-31 plus the offset is past what a due time
// can hold; the timer must never fire (it once fired at once) and the run log says why.
func TestTimerPastYear9999NeverFires(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef, followTaskDef)
		mustAutomate(t, e, followUp)
		lead, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme", "status": "new", "last_contacted_at": "9999-12-30T00:00:00Z"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := lead["id"].(string)
		for range 3 {
			e.Tick(ctx)
			clock.Advance(24 * time.Hour)
		}
		if n := countDocs(t, e, "obj_task", nil); n != 0 {
			t.Fatalf("%d follow-up tasks, want none", n)
		}
		runs, err := e.RecordRuns(ctx, SystemActor, "lead", id)
		if err != nil || len(runs) != 1 || runs[0]["result"] != "not_planned" || !strings.Contains(fmt.Sprint(runs[0]["error"]), "9999") {
			t.Fatalf("runs: %v %v", runs, err)
		}
	})
}

// TestEventSurvivesACrash: the process dies after the write and before the automations; another
// engine runs them when the event comes due.
func TestEventSurvivesACrash(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		es := engines(t, b, 2, clock)
		mustDefine(t, es[0], followLeadDef, followTaskDef)
		mustAutomate(t, es[0], `{"name":"welcome","object":"lead","trigger":{"type":"created"},
		 "actions":[{"type":"create","object":"task","values":{"subject":"\"Call \" + company","lead":"id"}}]}`)
		es[0].crashAfterWrite = func() { panic("killed") }
		func() {
			defer func() { recover() }()
			es[0].CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme"}, "en")
		}()
		if n := countDocs(t, es[1], "obj_lead", nil); n != 1 {
			t.Fatalf("the write was not stored: %d leads", n)
		}
		if n := countDocs(t, es[1], "obj_task", nil); n != 0 {
			t.Fatal("the automation ran before the crash")
		}
		es[1].Tick(ctx)
		if n := countDocs(t, es[1], "obj_task", nil); n != 0 {
			t.Fatal("the event ran before its grace time, while its own process may still be running it")
		}
		clock.Advance(eventGrace + time.Second)
		if _, err := es[1].Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countDocs(t, es[1], "obj_task", nil); n != 1 {
			t.Fatalf("%d tasks after the other engine's tick, want 1", n)
		}
		// A write that failed leaves an event that finds no write and does nothing.
		es[1].enqueue(ctx, "orphan", "event", clock.Now(), map[string]any{"object": "lead", "record": "nope", "type": "created"}, 0)
		es[1].Tick(ctx)
		if n := countDocs(t, es[1], "obj_task", nil); n != 1 {
			t.Fatalf("an event of a failed write ran: %d tasks", n)
		}
	})
}

// TestAutomationLoopStops: an automation that updates its own record on every update stops at
// the depth limit with a run log entry saying so.
func TestAutomationLoopStops(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	e := engines(t, testenv.Backends()[0], 1, clock)[0]
	mustDefine(t, e, followLeadDef)
	mustAutomate(t, e, `{"name":"echo","object":"lead","trigger":{"type":"updated"},
	 "actions":[{"type":"update","values":{"company":"company + \"!\""}}]}`)
	rec, _ := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "A"}, "en")
	id := rec["id"].(string)
	if _, err := e.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"company": "B"}, 0, "en"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.GetRecord(ctx, SystemActor, "lead", id)
	if got["company"] != "B"+strings.Repeat("!", maxDepth) {
		t.Errorf("company after the loop: %v", got["company"])
	}
	runs, _ := e.RecordRuns(ctx, SystemActor, "lead", id)
	stopped := 0
	for _, r := range runs {
		if r["result"] == "stopped" {
			stopped++
		}
	}
	if stopped != 1 {
		t.Errorf("%d stopped runs in %v", stopped, runs)
	}
}

func ptr[T any](v T) *T { return &v }

// TestTimerUpdateAppliesOnceWhenRunAgain: a process that applied a timer's update and died before
// removing the job leaves the job to run again (after its lease, on another process). The re-run
// must not add to the count twice, even with another write to the record in between.
func TestTimerUpdateAppliesOnceWhenRunAgain(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, `{"name":"item","fields":[{"name":"code","type":"text"},{"name":"due_at","type":"datetime"},{"name":"hits","type":"integer"}]}`)
		mustAutomate(t, e, `{"name":"ring","object":"item","trigger":{"type":"time_relative","field":"due_at","offset":"0m"},
		 "actions":[{"type":"update","values":{"hits":"hits + 1"}}]}`)
		rec, err := e.CreateRecord(ctx, SystemActor, "item", map[string]any{"code": "a", "hits": 0, "due_at": stamp(clock.Now().Add(time.Minute))}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := rec["id"].(string)
		clock.Advance(2 * time.Minute)
		docs, err := e.store.Find(ctx, collJobs, store.Query{Filter: store.Compare{Field: "kind", Op: store.Eq, Value: "timer", Scalar: true}})
		if err != nil || len(docs) != 1 {
			t.Fatalf("timer jobs: %d %v", len(docs), err)
		}
		j, err := jobFromDoc(docs[0])
		if err != nil {
			t.Fatal(err)
		}
		run := func() {
			t.Helper()
			if err := e.handlers["timer"](ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		run() // the process that died after the effect
		if _, err := e.UpdateRecord(ctx, SystemActor, "item", id, map[string]any{"code": "b"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		run() // the process that took the job over
		got, err := e.GetRecord(ctx, SystemActor, "item", id)
		if err != nil {
			t.Fatal(err)
		}
		if got["hits"] != int64(1) && got["hits"] != float64(1) {
			t.Errorf("hits %v after the timer ran twice, want 1", got["hits"])
		}
		if _, ok := got[effectsKey]; ok {
			t.Errorf("the effect keys reached the API: %v", got)
		}
		// Another timer of the same record (the date moved) is a new effect and applies.
		if _, err := e.UpdateRecord(ctx, SystemActor, "item", id, map[string]any{"due_at": stamp(clock.Now().Add(time.Minute))}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Minute)
		if _, err := e.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.GetRecord(ctx, SystemActor, "item", id); fmt.Sprint(got["hits"]) != "2" {
			t.Errorf("hits %v after the second timer, want 2", got["hits"])
		}
	})
}
