package mongodb_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/engine/store/mongodb/mongotest"
)

// TestCompareAndSetAcrossStores races writers on separate stores (separate clients, as separate
// engine processes have) on one database. On FerretDB, whose conditional writes are "find, then
// write by id", this failed before the cross-process write lock: two replaces of one version both
// won, and counters handed out one value twice.
func TestCompareAndSetAcrossStores(t *testing.T) {
	stores := mongotest.OpenShared(t, 3)
	ctx := t.Context()
	const rounds, writers = 20, 6
	for r := range rounds {
		id := fmt.Sprintf("d%d", r)
		if err := stores[0].Insert(ctx, "obj_race", store.Doc{"id": id, "n": int64(0)}); err != nil {
			t.Fatal(err)
		}
		var wins sync.WaitGroup
		var mu sync.Mutex
		won := 0
		start := make(chan struct{})
		for w := range writers {
			wins.Add(1)
			go func() {
				defer wins.Done()
				<-start
				err := stores[w%len(stores)].Replace(ctx, "obj_race", store.Doc{"id": id, "n": int64(w + 1)}, 1)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrVersionConflict):
					t.Errorf("round %d writer %d: %v", r, w, err)
				}
			}()
		}
		close(start)
		wins.Wait()
		if won != 1 {
			t.Fatalf("round %d: %d replaces of version 1 succeeded, want exactly 1", r, won)
		}
		got, err := stores[1].Get(ctx, "obj_race", id)
		if err != nil || got["version"] != int64(2) {
			t.Fatalf("round %d: after the race %v %v, want version 2", r, got, err)
		}
	}

	// Counters: every value handed out once, none lost.
	const each = 40
	seen := make(chan int64, each*len(stores))
	var wg sync.WaitGroup
	for _, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				v, err := s.NextSequence(ctx, "race")
				if err != nil {
					t.Error(err)
					return
				}
				seen <- v
			}
		}()
	}
	wg.Wait()
	close(seen)
	got := map[int64]bool{}
	for v := range seen {
		if got[v] {
			t.Fatalf("counter value %d handed out twice", v)
		}
		got[v] = true
	}
	if len(got) != each*len(stores) {
		t.Fatalf("%d distinct counter values, want %d", len(got), each*len(stores))
	}
}
