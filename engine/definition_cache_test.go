package engine

import (
	"context"
	"sync"
	"testing"

	"crm/engine/store/sqlite"
	"crm/internal/testenv"
)

// TestCompiledSetsBuildOnce: writers that find a compiled set cold or stale together (an import
// starts 200 at once) wait for one rebuild instead of each compiling the same definitions: in a
// profile of a template import, 200 copies of the automations took 9 % of its CPU.
func TestCompiledSetsBuildOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := testenv.OpenSQLite(t)
	first, err := New(ctx, Config{Store: st, Logger: quietLog, Scratch: sqlite.Scratch})
	if err != nil {
		t.Fatal(err)
	}
	applyTemplate(t, first, "default")
	e, err := New(ctx, Config{Store: st, Logger: quietLog}) // a second process: its caches are cold
	if err != nil {
		t.Fatal(err)
	}
	before := [4]int64{e.autos.builds.Load(), e.assign.builds.Load(), e.dups.builds.Load(), e.sla.builds.Load()}
	const writers = 32
	var wg sync.WaitGroup
	errs := make(chan error, 4*writers)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err1 := e.automations(ctx)
			_, err2 := e.assignments(ctx)
			_, err3 := e.duplicates(ctx)
			_, err4 := e.slaPolicies(ctx)
			for _, err := range []error{err1, err2, err3, err4} {
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i, name := range []string{"automations", "assignment rules", "duplicate rules", "SLA policies"} {
		after := [4]int64{e.autos.builds.Load(), e.assign.builds.Load(), e.dups.builds.Load(), e.sla.builds.Load()}[i]
		if n := after - before[i]; n > 1 {
			t.Errorf("%d writers compiled the %s %d times, want at most once", writers, name, n)
		}
	}
}
