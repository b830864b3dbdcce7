package engine

import (
	"context"
	"reflect"
	"testing"
	"time"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/internal/testenv"
)

// storedJob is a pending job document as the engine has always stored it.
func storedJob(id, kind, readyAt string, payload map[string]any) store.Doc {
	return store.Doc{"id": id, "kind": kind, "state": "pending", "ready_at": readyAt, "attempts": int64(0),
		"max_attempts": int64(8), "epoch": int64(0), "created_at": readyAt, "payload": payload}
}

// TestJobsStoredForm: jobs wait in the database across upgrades (a timer for months), so every
// kind keeps the kind string and payload keys it was first stored with, and a job document written
// in that form, before the arguments were typed, is decoded and run by today's worker.
func TestJobsStoredForm(t *testing.T) {
	t.Parallel()
	old, new := map[string]any{"company": "A", "n": int64(1)}, map[string]any{"company": "B", "n": int64(2), "x": 2.0}
	forms := []struct {
		args    jobs.Args
		kind    string
		payload map[string]any
	}{
		{eventArgs{Object: "lead", Record: "r1", Type: "updated", Depth: 1, Old: old, New: new}, "event",
			map[string]any{"object": "lead", "record": "r1", "type": "updated", "depth": int64(1), "old": old, "new": new}},
		{eventArgs{Object: "lead", Record: "r1", Type: "deleted", Quiet: true, Audit: map[string]any{"id": "e1"}}, "event",
			map[string]any{"object": "lead", "record": "r1", "type": "deleted", "depth": int64(0), "quiet": true, "audit": map[string]any{"id": "e1"}}},
		{timerArgs{Automation: "follow_up", Object: "lead", Record: "r1", Due: "2026-11-27T09:00:00.000Z"}, "timer",
			map[string]any{"automation": "follow_up", "object": "lead", "record": "r1", "due": "2026-11-27T09:00:00.000Z"}},
		{cronArgs{Automation: "nightly", Object: "lead", At: "2026-11-21T00:00:00.000Z"}, "cron",
			map[string]any{"automation": "nightly", "object": "lead", "at": "2026-11-21T00:00:00.000Z"}},
		{slaArgs{Object: "ticket", Record: "r1", At: "2026-11-20T13:00:00.000Z"}, "sla",
			map[string]any{"object": "ticket", "record": "r1", "at": "2026-11-20T13:00:00.000Z"}},
		{webhookArgs{Delivery: "d1"}, "webhook", map[string]any{"delivery": "d1"}},
		{approvalArgs{Instance: "i1"}, "approval", map[string]any{"instance": "i1"}},
		{approvalTimeoutArgs{Instance: "i1", Step: 3}, "approval_timeout", map[string]any{"instance": "i1", "step": int64(3)}},
		{importArgs{Import: "im1"}, "import", map[string]any{"import": "im1"}},
		{mergeArgs{Object: "account", Winner: "w", Losers: []any{"l1"}, WinnerVersion: 2, Patch: map[string]any{"phone": "1"}}, "merge",
			map[string]any{"object": "account", "winner": "w", "losers": []any{"l1"}, "winner_version": int64(2), "patch": map[string]any{"phone": "1"}}},
	}

	t.Run("every kind stores the form it always had", func(t *testing.T) {
		for _, f := range forms {
			p, err := jobs.Encode(f.args)
			if err != nil || f.args.Kind() != f.kind || !reflect.DeepEqual(p, f.payload) {
				t.Errorf("%T stores kind %q payload %#v (%v), want %q %#v", f.args, f.args.Kind(), p, err, f.kind, f.payload)
			}
		}
	})

	t.Run("every kind decodes the form it always had", func(t *testing.T) {
		for _, f := range forms {
			var got jobs.Args
			var err error
			switch f.args.(type) {
			case eventArgs:
				got, err = jobs.Decode[eventArgs](f.payload)
			case timerArgs:
				got, err = jobs.Decode[timerArgs](f.payload)
			case cronArgs:
				got, err = jobs.Decode[cronArgs](f.payload)
			case slaArgs:
				got, err = jobs.Decode[slaArgs](f.payload)
			case webhookArgs:
				got, err = jobs.Decode[webhookArgs](f.payload)
			case approvalArgs:
				got, err = jobs.Decode[approvalArgs](f.payload)
			case approvalTimeoutArgs:
				got, err = jobs.Decode[approvalTimeoutArgs](f.payload)
			case importArgs:
				got, err = jobs.Decode[importArgs](f.payload)
			case mergeArgs:
				got, err = jobs.Decode[mergeArgs](f.payload)
			}
			if err != nil || !reflect.DeepEqual(got, f.args) {
				t.Errorf("%q payload %#v decodes to %#v (%v), want %#v", f.kind, f.payload, got, err, f.args)
			}
		}
	})

	t.Run("every kind has a worker", func(t *testing.T) {
		e := engines(t, testenv.Backends()[0], 1, newTestClock())[0]
		for _, f := range forms {
			if e.handlers[f.kind] == nil {
				t.Errorf("no worker for %q", f.kind)
			}
		}
	})
}

// TestStoredTimerRuns: a pending timer stored as a literal document in the old untyped form runs
// its automation when due, once.
func TestStoredTimerRuns(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef, followTaskDef)
		mustAutomate(t, e, followUp)
		lead, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme", "status": "new", "last_contacted_at": stamp(clock.Now())}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := lead["id"].(string)
		due := stamp(clock.Now().Add(7 * 24 * time.Hour))
		jobID := "timer:follow_up:" + id
		payload := map[string]any{"automation": "follow_up", "object": "lead", "record": id, "due": due}
		planned, err := e.store.Get(ctx, collJobs, jobID)
		if err != nil || planned["kind"] != "timer" || !reflect.DeepEqual(planned["payload"], payload) {
			t.Fatalf("planned timer: %v %v, want payload %v", planned, err, payload)
		}
		// Replace it by the document an engine of before the typed jobs wrote.
		if err := e.store.Delete(ctx, collJobs, jobID, 0); err != nil {
			t.Fatal(err)
		}
		if err := e.store.Insert(ctx, collJobs, storedJob(jobID, "timer", due, payload)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(7*24*time.Hour + time.Minute)
		if n, err := e.Tick(ctx); err != nil || n != 1 {
			t.Fatalf("tick ran %d jobs: %v", n, err)
		}
		if n := countDocs(t, e, "obj_task", nil); n != 1 {
			t.Fatalf("%d follow-up tasks, want 1", n)
		}
		if n := countDocs(t, e, collJobs, nil); n != 0 {
			t.Errorf("%d jobs left after the timer ran", n)
		}
	})
}

// TestBadPayloadDiesAtOnce: a stored payload of the wrong shape is no job its worker can run: the
// job is recorded dead at its first attempt with the decoding error, and never retried.
func TestBadPayloadDiesAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	e := engines(t, testenv.Backends()[0], 1, clock)[0]
	bad := map[string]map[string]any{
		"event":            {"object": int64(1), "record": "r", "type": "created"},
		"timer":            {"automation": int64(1)},
		"cron":             {"automation": "a", "at": true},
		"sla":              {"object": "o", "record": []any{"r"}},
		"webhook":          {"delivery": 1.5},
		"approval":         {"instance": map[string]any{}},
		"approval_timeout": {"instance": "i", "step": "2"},
	}
	want := map[string]string{
		"event":            `job payload of kind "event": "object" is int64, want string`,
		"timer":            `job payload of kind "timer": "automation" is int64, want string`,
		"cron":             `job payload of kind "cron": "at" is bool, want string`,
		"sla":              `job payload of kind "sla": "record" is []interface {}, want string`,
		"webhook":          `job payload of kind "webhook": "delivery" is float64, want string`,
		"approval":         `job payload of kind "approval": "instance" is map[string]interface {}, want string`,
		"approval_timeout": `job payload of kind "approval_timeout": "step" is string, want int64`,
	}
	for kind, p := range bad {
		if err := e.store.Insert(ctx, collJobs, storedJob("bad-"+kind, kind, stamp(clock.Now()), p)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := e.Tick(ctx); err != nil || n != len(bad) {
		t.Fatalf("tick ran %d jobs: %v", n, err)
	}
	dead, err := e.ListJobs(ctx, SystemActor, jobDead, 20)
	if err != nil || len(dead) != len(bad) {
		t.Fatalf("dead jobs: %v %v", dead, err)
	}
	for _, j := range dead {
		if j.Attempts != 1 || j.LastError != want[j.Kind] || j.ID != "bad-"+j.Kind {
			t.Errorf("%s: attempts %d, last error %q, want %q", j.ID, j.Attempts, j.LastError, want[j.Kind])
		}
	}
	clock.Advance(24 * time.Hour)
	if n, _ := e.Tick(ctx); n != 0 {
		t.Errorf("a dead job ran again: %d", n)
	}
}
