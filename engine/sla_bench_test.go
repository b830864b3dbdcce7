package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/internal/testenv"
	"crm/workflow"
)

// benchSLAEngine is an engine with the ticket object, the office calendar and the two policies,
// standard tickets with the given first-response target.
func benchSLAEngine(b *testing.B, clock *testClock, standardTarget string) *Engine {
	ctx := context.Background()
	e, err := New(ctx, Config{Store: testenv.OpenSQLite(b), Logger: quietLog, Clock: clock.Now, TickBatch: 1000})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []string{slaTicketDef, strings.Replace(slaTicketDef, `"name":"ticket"`, `"name":"plain"`, 1)} {
		var obj forms.Object
		if err := json.Unmarshal([]byte(d), &obj); err != nil {
			b.Fatal(err)
		}
		if _, err := e.CreateObject(ctx, SystemActor, &obj); err != nil {
			b.Fatal(err)
		}
	}
	var cal workflow.Calendar
	_ = json.Unmarshal([]byte(officeCalendar), &cal)
	if _, err := e.SaveCalendar(ctx, SystemActor, &cal, true, 0); err != nil {
		b.Fatal(err)
	}
	if _, err := e.SaveTeam(ctx, SystemActor, &Team{ID: "support_leads"}, true, 0); err != nil {
		b.Fatal(err)
	}
	for _, src := range slaPolicies(standardTarget) {
		var p workflow.SLAPolicy
		if err := json.Unmarshal([]byte(src), &p); err != nil {
			b.Fatal(err)
		}
		if _, err := e.SaveSLAPolicy(ctx, SystemActor, &p, true, 0); err != nil {
			b.Fatal(err)
		}
	}
	return e
}

// BenchmarkSLAWrite interleaves an update of a ticket an SLA policy measures (recompute: account,
// policy, two metrics, due times, next threshold) with the same update of an object without one.
func BenchmarkSLAWrite(b *testing.B) {
	ctx := context.Background()
	clock := newTestClock()
	clock.Set(at("2026-11-23 09:00"))
	e := benchSLAEngine(b, clock, "48h")
	in := map[string]any{"subject": "bench", "priority": "normal", "status": "open"}
	tk, err := e.CreateRecord(ctx, SystemActor, "ticket", in, "en")
	if err != nil {
		b.Fatal(err)
	}
	pl, err := e.CreateRecord(ctx, SystemActor, "plain", in, "en")
	if err != nil {
		b.Fatal(err)
	}
	statuses := []string{"waiting_customer", "open"}
	var slaT, plainT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clock.Advance(time.Minute)
		patch := map[string]any{"status": statuses[i%2]}
		t0 := time.Now()
		if _, err := e.UpdateRecord(ctx, SystemActor, "plain", pl["id"].(string), patch, 0, "en"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := e.UpdateRecord(ctx, SystemActor, "ticket", tk["id"].(string), patch, 0, "en"); err != nil {
			b.Fatal(err)
		}
		plainT += t1.Sub(t0)
		slaT += time.Since(t1)
	}
	b.ReportMetric(float64(plainT.Nanoseconds())/float64(b.N), "plain-ns/write")
	b.ReportMetric(float64(slaT.Nanoseconds())/float64(b.N), "sla-ns/write")
	b.ReportMetric(float64(slaT)/float64(plainT), "sla/plain")
}

// BenchmarkSLATick compares a tick over 100,000 open tickets of which 100 are due (VIP tickets
// breaching, each firing its first escalation level) with one over 100 open tickets, all due.
func BenchmarkSLATick(b *testing.B) {
	ctx := context.Background()
	clock := newTestClock()
	clock.Set(at("2026-11-23 09:00"))
	open := func(others int) *Engine {
		e := benchSLAEngine(b, clock, "48h")
		if others == 0 {
			return e
		}
		// One standard ticket through the engine, copied: the rest of the stored tickets, each
		// with its own job, none due for thousands of hours.
		tk, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "open", "priority": "normal", "status": "open"}, "en")
		if err != nil {
			b.Fatal(err)
		}
		doc, err := e.store.Get(ctx, recordsColl("ticket"), tk["id"].(string))
		if err != nil {
			b.Fatal(err)
		}
		next, err := nextAt(recordsColl("ticket"), doc)
		if err != nil {
			b.Fatal(err)
		}
		due, _ := time.Parse(forms.TimeLayout, next)
		for i := 1; i < others; i++ {
			c := store.Doc{}
			for k, v := range doc {
				c[k] = v
			}
			id := fmt.Sprintf("t%09d", i)
			c["id"], c["version"] = id, int64(1)
			delete(c, recordEventKey)
			if err := e.store.Insert(ctx, recordsColl("ticket"), c); err != nil {
				b.Fatal(err)
			}
			if _, err := e.enqueue(ctx, "sla:"+id+"@"+next, "sla", due, map[string]any{"object": "ticket", "record": id, "at": next}, 0); err != nil {
				b.Fatal(err)
			}
		}
		return e
	}
	big, small := open(100_000), open(0)
	var bigT, smallT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, e := range []*Engine{big, small} {
			for j := 0; j < 100; j++ {
				if _, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "vip", "priority": "vip", "status": "open"}, "en"); err != nil {
					b.Fatal(err)
				}
			}
		}
		// Two business hours later the 100 VIP tickets breach; the tick runs the breach and level 0.
		clock.Advance(2 * time.Hour)
		b.StartTimer()
		t0 := time.Now()
		if n, err := big.Tick(ctx); err != nil || n < 100 {
			b.Fatalf("big tick ran %d: %v", n, err)
		}
		t1 := time.Now()
		if n, err := small.Tick(ctx); err != nil || n < 100 {
			b.Fatalf("small tick ran %d: %v", n, err)
		}
		bigT += t1.Sub(t0)
		smallT += time.Since(t1)
		b.StopTimer()
		// Answer them so later rounds measure only the new ones, and let the rest of the day pass.
		for _, e := range []*Engine{big, small} {
			page, err := e.ListRecords(ctx, SystemActor, "ticket", ListParams{Filter: `priority = "vip" and first_response_at is null`, Limit: 200})
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range page.Items {
				if _, err := e.UpdateRecord(ctx, SystemActor, "ticket", r["id"].(string), map[string]any{"first_response_at": stamp(clock.Now()), "resolved_at": stamp(clock.Now())}, 0, "en"); err != nil {
					b.Fatal(err)
				}
			}
			for {
				if n, err := e.Tick(ctx); err != nil || n == 0 {
					break
				}
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(bigT.Microseconds())/float64(b.N), "100k-open-µs/tick")
	b.ReportMetric(float64(smallT.Microseconds())/float64(b.N), "100-open-µs/tick")
	b.ReportMetric(float64(bigT)/float64(smallT), "ratio")
}
