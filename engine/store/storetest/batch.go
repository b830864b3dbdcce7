package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"crm/engine/store"
)

// runBatch pins Batch: all ops or none (without transactions: a failing batch of inserts leaves
// none of them, one that replaced or deleted keeps what it stored), it does not disturb batches
// running beside it, and its error names the op and keeps the op's own error.
func runBatch(t *testing.T, open opener) {
	t.Run("all_ops", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, "a", store.Doc{"id": "y", "n": int64(1)}, store.Doc{"id": "gone", "n": int64(1)})
		err := s.Batch(ctxOf(t), []store.WriteOp{
			{Kind: store.OpInsert, Coll: "b", Doc: store.Doc{"id": "x", "n": int64(1)}},
			{Kind: store.OpReplace, Coll: "a", Doc: store.Doc{"id": "y", "n": int64(2)}, Expect: 1},
			{Kind: store.OpDelete, Coll: "a", ID: "gone", Expect: 1},
		})
		if err != nil {
			t.Fatalf("Batch: %v", err)
		}
		if d := mustGet(t, s, "b", "x"); d["version"] != int64(1) {
			t.Fatalf("inserted doc = %v; want version 1", d)
		}
		if d := mustGet(t, s, "a", "y"); d["n"] != int64(2) || d["version"] != int64(2) {
			t.Fatalf("replaced doc = %v; want n 2, version 2", d)
		}
		expectMissing(t, s, "a", "gone")
	})

	t.Run("second_op_conflicts", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, "a", store.Doc{"id": "y", "n": int64(1)})
		err := s.Batch(ctxOf(t), []store.WriteOp{
			{Kind: store.OpInsert, Coll: "jobs", Doc: store.Doc{"id": "x"}},
			{Kind: store.OpReplace, Coll: "a", Doc: store.Doc{"id": "y", "n": int64(2)}, Expect: 7},
			{Kind: store.OpInsert, Coll: "audit", Doc: store.Doc{"id": "z"}},
		})
		var oe *store.OpError
		if !errors.As(err, &oe) || oe.Index != 1 || !errors.Is(err, store.ErrVersionConflict) {
			t.Fatalf("Batch = %v; want an OpError of op 1 wrapping ErrVersionConflict", err)
		}
		expectMissing(t, s, "jobs", "x")
		expectMissing(t, s, "audit", "z")
		if d := mustGet(t, s, "a", "y"); d["n"] != int64(1) || d["version"] != int64(1) {
			t.Fatalf("doc after a failed batch = %v; want it unchanged", d)
		}
	})

	t.Run("duplicate_and_missing", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, "a", store.Doc{"id": "y"})
		err := s.Batch(ctxOf(t), []store.WriteOp{
			{Kind: store.OpInsert, Coll: "b", Doc: store.Doc{"id": "x"}},
			{Kind: store.OpInsert, Coll: "a", Doc: store.Doc{"id": "y"}},
		})
		if !errors.Is(err, store.ErrDuplicateID) {
			t.Fatalf("Batch inserting a taken id = %v; want ErrDuplicateID", err)
		}
		expectMissing(t, s, "b", "x")
		err = s.Batch(ctxOf(t), []store.WriteOp{{Kind: store.OpDelete, Coll: "a", ID: "nope"}})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Batch deleting a missing id = %v; want ErrNotFound", err)
		}
	})

	t.Run("atomic_replace_rolled_back", func(t *testing.T) {
		s := open(t)
		if !s.Atomic() {
			t.Skip("the backend has no transactions: a replace is not undone (failed_batch_keeps_a_prefix)")
		}
		mustInsert(t, s, "a", store.Doc{"id": "y", "n": int64(1)}, store.Doc{"id": "taken"})
		err := s.Batch(ctxOf(t), []store.WriteOp{
			{Kind: store.OpReplace, Coll: "a", Doc: store.Doc{"id": "y", "n": int64(2)}, Expect: 1},
			{Kind: store.OpInsert, Coll: "a", Doc: store.Doc{"id": "taken"}},
		})
		if !errors.Is(err, store.ErrDuplicateID) {
			t.Fatalf("Batch = %v; want ErrDuplicateID", err)
		}
		if d := mustGet(t, s, "a", "y"); d["n"] != int64(1) || d["version"] != int64(1) {
			t.Fatalf("doc replaced by a failed batch = %v; want it unchanged", d)
		}
	})

	t.Run("failed_batch_keeps_a_prefix", func(t *testing.T) {
		s := open(t)
		if s.Atomic() {
			t.Skip("the backend has transactions: a failed batch leaves nothing (atomic_replace_rolled_back)")
		}
		// A replace cannot be undone, so what the batch stored before the failing op stays, as a
		// crash there would leave it: a prefix, which the caller's order recovers. Undoing only
		// the insert before it would leave the replace without its event.
		mustInsert(t, s, "a", store.Doc{"id": "y", "n": int64(1)}, store.Doc{"id": "taken"})
		err := s.Batch(ctxOf(t), []store.WriteOp{
			{Kind: store.OpInsert, Coll: "jobs", Doc: store.Doc{"id": "x"}},
			{Kind: store.OpReplace, Coll: "a", Doc: store.Doc{"id": "y", "n": int64(2)}, Expect: 1},
			{Kind: store.OpInsert, Coll: "a", Doc: store.Doc{"id": "taken"}},
		})
		if !errors.Is(err, store.ErrDuplicateID) {
			t.Fatalf("Batch = %v; want ErrDuplicateID", err)
		}
		mustGet(t, s, "jobs", "x")
		if d := mustGet(t, s, "a", "y"); d["n"] != int64(2) {
			t.Fatalf("doc = %v; want the replace of the prefix kept", d)
		}
	})

	t.Run("concurrent_writers", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, "a", store.Doc{"id": "y"})
		const writers = 16
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ops := []store.WriteOp{
					{Kind: store.OpInsert, Coll: "b", Doc: store.Doc{"id": fmt.Sprintf("r%d", w)}},
					{Kind: store.OpInsert, Coll: "audit", Doc: store.Doc{"id": fmt.Sprintf("a%d", w)}},
				}
				if w%4 == 0 { // every fourth batch fails on its last op
					ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: "a", Doc: store.Doc{"id": "y"}})
				}
				errs[w] = s.Batch(ctxOf(t), ops)
			}()
		}
		wg.Wait()
		for w, err := range errs {
			rid, aid := fmt.Sprintf("r%d", w), fmt.Sprintf("a%d", w)
			if w%4 == 0 {
				if !errors.Is(err, store.ErrDuplicateID) {
					t.Errorf("batch %d = %v; want ErrDuplicateID", w, err)
				}
				expectMissing(t, s, "b", rid)
				expectMissing(t, s, "audit", aid)
				continue
			}
			if err != nil {
				t.Errorf("batch %d = %v", w, err)
			}
			mustGet(t, s, "b", rid)
			mustGet(t, s, "audit", aid)
		}
	})
}
