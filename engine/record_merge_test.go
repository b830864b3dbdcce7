package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"crm/engine/store"
	"crm/internal/testenv"
)

// TestMergeCrashAtEveryPrefix: the process dies in the middle of a merge's batch, after any
// number of its ops (with transactions: none or all). A fresh engine, once its scheduler has run
// what came due, shows the merge either not begun or complete: the winner with the chosen value,
// the losers gone behind their tombstones, the task that looked up a loser looking up the
// winner, one audit entry per record, and the update and delete automations run once each.
func TestMergeCrashAtEveryPrefix(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		cb := newCrashBench(t, b)
		for k, n := 0, 1; k <= n; k++ {
			name := fmt.Sprintf("merge, crash after %d ops", k)
			wc, l1c, l2c := fmt.Sprintf("W%d", k), fmt.Sprintf("L1-%d", k), fmt.Sprintf("L2-%d", k)
			w, l1, l2 := cb.create("lead", wc), cb.create("lead", l1c), cb.create("lead", l2c)
			task, err := cb.e.CreateRecord(cb.ctx, SystemActor, "task", map[string]any{"subject": name, "lead": l1}, "en")
			if err != nil {
				t.Fatal(err)
			}
			cb.crash(name, func([]store.WriteOp) int { return k }, func() error {
				_, err := cb.e.MergeRecords(cb.ctx, SystemActor, "lead", MergeRequest{Winner: w, Losers: []string{l1, l2}, Fields: map[string]string{"company": l1}}, "en")
				return err
			})
			n = len(cb.dying.ops)
			if cb.dying.Atomic() && k == 0 {
				k = n - 1
			}
			merged := cb.dying.kept > recordOp(cb.dying.ops) // the first tombstone is stored
			e := cb.recover()

			subjects := []string{"updated " + l1c, "deleted " + l1c, "deleted " + l2c}
			got := []crashState{cb.state(e, "lead", w, subjects...), cb.state(e, "lead", l1), cb.state(e, "lead", l2)}
			doc, err := e.store.Get(cb.ctx, recordsColl("task"), task["id"].(string))
			if err != nil {
				t.Fatal(err)
			}
			tombs := countDocs(t, e, collMerges, store.Compare{Field: "merged_into", Op: store.Eq, Value: w})
			jobsLeft := countDocs(t, e, collJobs, store.Compare{Field: "kind", Op: store.Eq, Value: "merge"})

			created := map[string]int{"record_created": 1}
			want := []crashState{{company: wc, audit: created, tasks: map[string]int{}},
				{company: l1c, audit: created, tasks: map[string]int{}}, {company: l2c, audit: created, tasks: map[string]int{}}}
			wantLead, wantTombs := l1, int64(0)
			if merged {
				want[0] = crashState{company: l1c, audit: map[string]int{"record_created": 1, "record_merged": 1},
					tasks: map[string]int{"updated " + l1c: 1, "deleted " + l1c: 1, "deleted " + l2c: 1}}
				for i := 1; i < 3; i++ {
					want[i] = crashState{audit: map[string]int{"record_created": 1, "record_merged": 1}, tasks: map[string]int{}}
				}
				wantLead, wantTombs = w, 2
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || doc["lead"] != wantLead || tombs != wantTombs || jobsLeft != 0 {
				t.Errorf("%s (merged: %v):\n got  %v, task's lead %v, %d tombstones, %d merge jobs\n want %v, task's lead %v, %d tombstones",
					name, merged, got, doc["lead"], tombs, jobsLeft, want, wantLead, wantTombs)
			}
		}
	})
}

// TestMergeRaceForOneLoser: two people merge one record into two different winners at the same
// moment, on two processes. One merge happens; the other is refused (a conflict, or 410 when the loser was gone
// before it read it) and changes nothing: its winner keeps its own
// name and gets no merge audit entry, and the loser's tombstone names the merge that happened.
func TestMergeRaceForOneLoser(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		es := engines(t, b, 2, clock) // two processes on one database
		e := es[0]
		mustDefine(t, e, followLeadDef)
		for round := range 8 {
			ids := make([]string, 3)
			for i, name := range []string{"A", "B", "C"} {
				r, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": fmt.Sprint(name, round)}, "en")
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = r["id"].(string)
			}
			loser := ids[2]
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = es[i].MergeRecords(ctx, SystemActor, "lead", MergeRequest{Winner: ids[i], Losers: []string{loser},
						Fields: map[string]string{"company": loser}}, "en")
				}()
			}
			wg.Wait()
			clock.Advance(eventGrace + time.Second)
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			won := -1
			for i, err := range errs {
				if err == nil {
					if won >= 0 {
						t.Fatalf("round %d: both merges of one loser succeeded", round)
					}
					won = i
				} else if ee, ok := AsError(err); !ok || (ee.Kind != KindConflict && ee.Code != "record_merged") {
					t.Fatalf("round %d: the refused merge answered %v, want a conflict or record_merged", round, err)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: neither merge happened: %v", round, errs)
			}
			lost := 1 - won
			tomb, err := e.store.Get(ctx, collMerges, tombstoneID("lead", loser))
			if err != nil || tomb["merged_into"] != ids[won] {
				t.Errorf("round %d: tombstone %v %v, want merged into %s", round, tomb, err, ids[won])
			}
			for i, want := range map[int]string{won: fmt.Sprint("C", round), lost: fmt.Sprint(string(rune('A'+lost)), round)} {
				r, err := e.GetRecord(ctx, SystemActor, "lead", ids[i])
				if err != nil || r["company"] != want {
					t.Errorf("round %d: record %d company %v (%v), want %s", round, i, r["company"], err, want)
				}
			}
			n := countDocs(t, e, collAudit, store.And{store.Compare{Field: "record", Op: store.Eq, Value: ids[lost], Scalar: true},
				store.Compare{Field: "action", Op: store.Eq, Value: "record_merged", Scalar: true}})
			if n != 0 {
				t.Errorf("round %d: the refused merge's winner has %d merge audit entries", round, n)
			}
		}
	})
}
