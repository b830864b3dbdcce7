package engine

import (
	"context"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// writeLog is a store that counts the writes it is asked for, by kind.
type writeLog struct {
	store.Store
	mu     sync.Mutex
	writes map[string]int
}

func (w *writeLog) note(kind string) {
	w.mu.Lock()
	w.writes[kind]++
	w.mu.Unlock()
}

func (w *writeLog) Insert(ctx context.Context, coll string, doc store.Doc) error {
	w.note("insert " + coll)
	return w.Store.Insert(ctx, coll, doc)
}

func (w *writeLog) Replace(ctx context.Context, coll string, doc store.Doc, v int64) error {
	w.note("replace " + coll)
	return w.Store.Replace(ctx, coll, doc, v)
}

func (w *writeLog) Delete(ctx context.Context, coll, id string, v int64) error {
	w.note("delete " + coll)
	return w.Store.Delete(ctx, coll, id, v)
}

func (w *writeLog) Batch(ctx context.Context, ops []store.WriteOp) error {
	w.note("batch")
	return w.Store.Batch(ctx, ops)
}

func (w *writeLog) take() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	got := w.writes
	w.writes = map[string]int{}
	return got
}

// TestAssignedCreateIsOneCommit: a create that assignment rules route stores the record, its
// audit entry and the assignment's trace in one batch (one commit, one fsync on SQLite), and the
// trace is in the record's run log.
func TestAssignedCreateIsOneCommit(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		w := &writeLog{Store: b.OpenShared(t, 1)[0], writes: map[string]int{}}
		e, err := New(ctx, Config{Store: w, Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		mustDefine(t, e, assignLeadDef)
		north := person(t, e, "north@example.com", nil, nil)
		mustAssign(t, e, "lead", `{"rules":[{"name":"north","condition":"region == \"north\"","target":{"type":"user","user":"`+north+`"}}]}`)
		w.take()
		rec, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Nordic", "region": "north"}, "en")
		if err != nil || rec["owner"] != north {
			t.Fatalf("create: owner %v, %v", rec["owner"], err)
		}
		got := w.take()
		if !e.store.Atomic() { // the repair event of a store without transactions, done with
			delete(got, "delete "+collJobs)
		}
		if len(got) != 1 || got["batch"] != 1 {
			t.Errorf("an assigned create wrote %v; want one batch", got)
		}
		runs, err := e.RecordRuns(ctx, SystemActor, "lead", rec["id"].(string))
		if err != nil || len(runs) != 1 || runs[0]["owner"] != north {
			t.Errorf("run log of the assigned lead: %v %v", runs, err)
		}
	})
}
