package engine

import (
	"context"
	"slices"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// writeLog is a store that records, for every write call, the collections it touched.
type writeLog struct {
	store.Store
	mu    sync.Mutex
	calls [][]string
}

func (w *writeLog) log(colls ...string) {
	w.mu.Lock()
	w.calls = append(w.calls, colls)
	w.mu.Unlock()
}

func (w *writeLog) Insert(ctx context.Context, coll string, doc store.Doc) error {
	w.log(coll)
	return w.Store.Insert(ctx, coll, doc)
}

func (w *writeLog) Replace(ctx context.Context, coll string, doc store.Doc, v int64) error {
	w.log(coll)
	return w.Store.Replace(ctx, coll, doc, v)
}

func (w *writeLog) Delete(ctx context.Context, coll, id string, v int64) error {
	w.log(coll)
	return w.Store.Delete(ctx, coll, id, v)
}

func (w *writeLog) Batch(ctx context.Context, ops []store.WriteOp) error {
	var colls []string
	for _, op := range ops {
		colls = append(colls, op.Coll)
	}
	w.log(colls...)
	return w.Store.Batch(ctx, ops)
}

// TestRecordWriteIsOneCommit: a record's create, update and delete store the record, its audit
// entry and its durable event in one write of the store (one transaction where it has them).
func TestRecordWriteIsOneCommit(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		w := &writeLog{Store: b.OpenShared(t, 1)[0]}
		e, err := New(ctx, Config{Store: w, Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		mustDefine(t, e, followLeadDef)
		mustAutomate(t, e, `{"name":"each","object":"lead","trigger":{"type":"created_or_updated"},
		 "actions":[{"type":"notify","to":{"owner":true},"title":{"en":"changed"}}]}`)
		// check asserts that exactly one write call touched the record, with its audit entry and,
		// when want says so, its event.
		check := func(what string, withEvent bool) {
			t.Helper()
			w.mu.Lock()
			calls := w.calls
			w.calls = nil
			w.mu.Unlock()
			var rec [][]string
			for _, c := range calls {
				if slices.Contains(c, "obj_lead") {
					rec = append(rec, c)
				}
			}
			if len(rec) != 1 || !slices.Contains(rec[0], collAudit) || withEvent != slices.Contains(rec[0], collJobs) {
				t.Fatalf("%s: writes touching the record %v; want one with its audit entry (event: %v)", what, rec, withEvent)
			}
		}
		w.mu.Lock()
		w.calls = nil
		w.mu.Unlock()
		rec, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		check("create", true)
		id := rec["id"].(string)
		if _, err := e.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"company": "Acme 2"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		check("update", true)
		if err := e.DeleteRecord(ctx, SystemActor, "lead", id, 0); err != nil {
			t.Fatal(err)
		}
		check("delete", true)
	})
}

// TestAssignedCreateIsOneCommit: a create that assignment rules route stores the record, its
// audit entry and the assignment's trace in one write of the store (one commit, one fsync on
// SQLite), and the trace is in the record's run log.
func TestAssignedCreateIsOneCommit(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		w := &writeLog{Store: b.OpenShared(t, 1)[0]}
		e, err := New(ctx, Config{Store: w, Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		mustDefine(t, e, assignLeadDef)
		north := person(t, e, "north@example.com", nil, nil)
		mustAssign(t, e, "lead", `{"rules":[{"name":"north","condition":"region == \"north\"","target":{"type":"user","user":"`+north+`"}}]}`)
		w.mu.Lock()
		w.calls = nil
		w.mu.Unlock()
		rec, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Nordic", "region": "north"}, "en")
		if err != nil || rec["owner"] != north {
			t.Fatalf("create: owner %v, %v", rec["owner"], err)
		}
		w.mu.Lock()
		calls := w.calls
		w.mu.Unlock()
		if !e.store.Atomic() && len(calls) == 2 && slices.Equal(calls[1], []string{collJobs}) {
			calls = calls[:1] // the repair event of a store without transactions, deleted once done
		}
		if len(calls) != 1 || !slices.Contains(calls[0], "obj_lead") || !slices.Contains(calls[0], collAudit) || !slices.Contains(calls[0], collRuns) {
			t.Errorf("an assigned create wrote %v; want one write with the record, its audit entry and the trace", calls)
		}
		runs, err := e.RecordRuns(ctx, SystemActor, "lead", rec["id"].(string))
		if err != nil || len(runs) != 1 || runs[0]["owner"] != north {
			t.Errorf("run log of the assigned lead: %v %v", runs, err)
		}
	})
}
