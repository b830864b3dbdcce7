package engine_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/workflow"
)

// BenchmarkSearch times the global search (GET /api/search) over the bench object at 1,000 and
// 100,000 records (sqlite; CRM_BENCH_MAX caps the larger size), as an admin and as a sales rep
// who owns half of them, for a name's start, a later word's start and an email's start, and
// reports the medians and their ratios: the keys are indexed, so the cost follows the answer.
func BenchmarkSearch(b *testing.B) {
	large := 100000
	if s := os.Getenv("CRM_BENCH_MAX"); s != "" {
		large, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	st, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	e, _ := newBenchEngine(b, st)
	def, err := e.GetObject(ctx, engine.SystemActor, "lead")
	if err != nil {
		b.Fatal(err)
	}
	specs := workflow.SearchSpecs(def.Object)
	admin := &engine.Actor{ID: "admin", Roles: []string{engine.RoleAdmin}}
	rep := &engine.Actor{ID: "u1", Roles: []string{engine.RoleSales}}
	filled := 0
	fill := func(n int) {
		for filled < n {
			var ops []store.WriteOp
			for ; filled < n && len(ops) < 1000; filled++ {
				d := rawDoc(filled)
				d["company"] = fmt.Sprintf("Company%d Trading %d Ltd", filled, filled)
				if filled%2 == 1 {
					d["owner"] = "u2"
				}
				for _, s := range specs {
					if k, ok := workflow.Key(s.Match, d[s.Field], s.Region); ok {
						d[s.Name()] = k
					}
				}
				ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: "obj_lead", Doc: d})
			}
			if err := st.Batch(ctx, ops); err != nil {
				b.Fatal(err)
			}
		}
	}
	measure := func(n int, by *engine.Actor) time.Duration {
		const reps = 150
		ts := make([]time.Duration, reps)
		for r := range reps {
			i := (r * 7919) % n
			q := []string{fmt.Sprintf("company%d trad", i), fmt.Sprintf("trading %d", i), fmt.Sprintf("c%d@exa", i)}[r%3]
			t0 := time.Now()
			gs, err := e.Search(ctx, by, q, "en", 5)
			ts[r] = time.Since(t0)
			if err != nil {
				b.Fatal(err)
			}
			if (by == admin || i%2 == 0) && len(gs) == 0 {
				b.Fatalf("%q found nothing for %s", q, by.ID)
			}
		}
		return median(ts)
	}
	b.Run(fmt.Sprintf("1k_vs_%dk", large/1000), func(b *testing.B) {
		for b.Loop() {
			fill(1000)
			adminSmall, repSmall := measure(1000, admin), measure(1000, rep)
			fill(large)
			adminBig, repBig := measure(large, admin), measure(large, rep)
			b.ReportMetric(float64(adminSmall.Microseconds()), "admin-us@1k")
			b.ReportMetric(float64(adminBig.Microseconds()), fmt.Sprintf("admin-us@%dk", large/1000))
			b.ReportMetric(float64(adminBig)/float64(adminSmall), "admin-ratio")
			b.ReportMetric(float64(repBig.Microseconds()), fmt.Sprintf("rep-us@%dk", large/1000))
			b.ReportMetric(float64(repBig)/float64(repSmall), "rep-ratio")
			b.ReportMetric(float64(repBig)/float64(adminBig), "rep/admin")
		}
	})
}
