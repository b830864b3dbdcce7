package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"crm/engine/store"
)

// runSequence pins NextSequence: starts at 1, increments, names independent, never repeats.
func runSequence(t *testing.T, open opener) {
	t.Run("increments", func(t *testing.T) {
		s := open(t)
		for want := int64(1); want <= 3; want++ {
			got, err := s.NextSequence(ctxOf(t), "lead")
			if err != nil || got != want {
				t.Fatalf("NextSequence(lead) = %d, %v; want %d", got, err, want)
			}
		}
		if got, err := s.NextSequence(ctxOf(t), "ticket"); err != nil || got != 1 {
			t.Fatalf("NextSequence(ticket) = %d, %v; want 1", got, err)
		}
		if got, err := s.NextSequence(ctxOf(t), "lead"); err != nil || got != 4 {
			t.Fatalf("NextSequence(lead) = %d, %v; want 4", got, err)
		}
	})

	t.Run("list_and_raise", func(t *testing.T) {
		s := open(t)
		if got, err := s.Sequences(ctxOf(t)); err != nil || len(got) != 0 {
			t.Fatalf("Sequences on a fresh store = %v, %v; want none", got, err)
		}
		for range 3 {
			if _, err := s.NextSequence(ctxOf(t), "a"); err != nil {
				t.Fatal(err)
			}
		}
		// SetSequence creates, raises, and never lowers.
		for _, set := range []struct {
			name string
			v    int64
		}{{"b", 40}, {"a", 2}, {"a", 10}} {
			if err := s.SetSequence(ctxOf(t), set.name, set.v); err != nil {
				t.Fatalf("SetSequence(%s, %d): %v", set.name, set.v, err)
			}
		}
		got, err := s.Sequences(ctxOf(t))
		if err != nil || !reflect.DeepEqual(got, map[string]int64{"a": 10, "b": 40}) {
			t.Fatalf("Sequences = %v, %v; want a=10 b=40", got, err)
		}
		if v, err := s.NextSequence(ctxOf(t), "b"); err != nil || v != 41 {
			t.Fatalf("NextSequence(b) after SetSequence(40) = %d, %v; want 41", v, err)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		s := open(t)
		const workers, calls = 8, 50
		values := make([][]int64, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range calls {
					v, err := s.NextSequence(ctxOf(t), "conc")
					if err != nil {
						t.Errorf("NextSequence: %v", err)
						return
					}
					values[w] = append(values[w], v)
				}
			}()
		}
		wg.Wait()
		var got []int64
		for _, v := range values {
			got = append(got, v...)
		}
		slices.Sort(got)
		if len(got) != workers*calls {
			t.Fatalf("got %d values, want %d", len(got), workers*calls)
		}
		for i, v := range got {
			if v != int64(i+1) {
				t.Fatalf("sorted values[%d] = %d, want %d (values must be 1..%d, each once)", i, v, i+1, workers*calls)
			}
		}
	})
}

// runConcurrency pins version compare-and-set under contention: every increment lands exactly once.
func runConcurrency(t *testing.T, open opener) {
	const c = "obj_cas"
	s := open(t)
	mustInsert(t, s, c, store.Doc{"id": "ctr", "count": int64(0)})
	const workers, increments = 8, 20
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range increments {
				for attempt := 0; ; attempt++ {
					if attempt > 10000 {
						t.Errorf("no compare-and-set succeeded in 10000 attempts")
						return
					}
					d, err := s.Get(ctxOf(t), c, "ctr")
					if err != nil {
						t.Errorf("Get: %v", err)
						return
					}
					v := d["version"].(int64)
					d["count"] = d["count"].(int64) + 1
					err = s.Replace(ctxOf(t), c, d, v)
					if errors.Is(err, store.ErrVersionConflict) {
						continue
					}
					if err != nil {
						t.Errorf("Replace: %v", err)
						return
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	expectDoc(t, s, c, store.Doc{"id": "ctr", "version": int64(workers*increments + 1), "count": int64(workers * increments)})
}

// runContext pins that a cancelled context stops a query with an error rather than results.
func runContext(t *testing.T, open opener) {
	const c = "obj_ctx"
	s := open(t)
	mustInsert(t, s, c, store.Doc{"id": "a", "n": int64(1)}, store.Doc{"id": "b", "n": int64(2)})
	ctx, cancel := context.WithCancel(ctxOf(t))
	cancel()
	docs, err := s.Find(ctx, c, store.Query{})
	if err == nil {
		t.Fatalf("Find with a cancelled context returned %d documents and no error", len(docs))
	}
	docs, err = s.Find(ctx, c, store.Query{Filter: store.Compare{Field: "n", Op: store.Gt, Value: int64(0)}, Sort: []store.SortKey{desc("n")}})
	if err == nil {
		t.Fatalf("filtered Find with a cancelled context returned %d documents and no error", len(docs))
	}
	// The store still works afterwards.
	expectIDs(t, "Find after a cancelled call", mustFind(t, s, c, store.Query{}), []string{"a", "b"})
}
