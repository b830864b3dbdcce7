package engine

import (
	"context"
	"testing"
	"time"

	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/internal/testenv"
)

// TestNewOpportunityGoesStale: the template's stale flag fires for an opportunity nobody
// touches after its creation, though another automation moved last_activity_at right after the
// create; a timer that does not run says why in the run log.
func TestNewOpportunityGoesStale(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		// Time moves on between the create and the automations it sets off, as on a real machine.
		clock := newTestClock()
		e, err := New(ctx, Config{Store: b.OpenShared(t, 1)[0], Logger: quietLog, Scratch: sqlite.Scratch,
			Clock: func() time.Time { clock.Advance(time.Millisecond); return clock.Now() }})
		if err != nil {
			t.Fatal(err)
		}
		applyTemplate(t, e, "default")
		rec, err := e.CreateRecord(ctx, SystemActor, "opportunity", map[string]any{"name": "Quiet deal", "stage": "initial_contact"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := rec["id"].(string)
		clock.Advance(169 * time.Hour)
		for range 3 {
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.GetRecord(ctx, SystemActor, "opportunity", id)
		if err != nil {
			t.Fatal(err)
		}
		if got["stale"] != true {
			runs, _ := e.store.Find(ctx, collRuns, store.Query{Filter: store.Compare{Field: "record", Op: store.Eq, Value: id, Scalar: true}})
			t.Fatalf("after 169 h untouched: stale = %v; runs %v", got["stale"], runs)
		}

		// Moved by hand, the planned time no longer holds: the old timer, if any ran, is logged.
		if _, err := e.UpdateRecord(ctx, SystemActor, "opportunity", id, map[string]any{"name": "Busy deal"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		if err := e.DeleteAutomation(ctx, SystemActor, "opportunity_stale"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(169 * time.Hour)
		if _, err := e.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := e.store.Count(ctx, collRuns, store.And{store.Compare{Field: "record", Op: store.Eq, Value: id, Scalar: true},
			store.Compare{Field: "result", Op: store.Eq, Value: "dropped", Scalar: true}})
		if err != nil || n != 1 {
			t.Fatalf("a timer of a deleted automation: %d dropped runs logged (%v), want 1", n, err)
		}
	})
}
