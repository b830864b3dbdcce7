package engine

import (
	"context"
	"testing"
	"time"

	"crm/engine/store"
	"crm/internal/testenv"
)

// TestCronStartsAtItsCreationAndMisfiresOnce: a schedule never runs for times before it was
// created; after a stop of every engine, each missed schedule runs once, not a backlog.
func TestCronStartsAtItsCreationAndMisfiresOnce(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock() // 2026-11-20 09:00 UTC
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, followLeadDef)
		if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "Acme"}, "en"); err != nil {
			t.Fatal(err)
		}
		runs := func(name string) int64 {
			t.Helper()
			n, err := e.store.Count(ctx, collRuns, store.Compare{Field: "automation", Op: store.Eq, Value: name, Scalar: true})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		step := func(d time.Duration) {
			t.Helper()
			clock.Advance(d)
			e.fireCron(ctx)
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(30 * time.Second)
		mustAutomate(t, e, `{"name":"every_minute","object":"lead","trigger":{"type":"scheduled","cron":"* * * * *","filter":"company = \"Acme\""},
		 "actions":[{"type":"update","values":{"status":"\"contacted\""}}]}`)
		step(0)
		if n := runs("every_minute"); n != 0 {
			t.Fatalf("a new minute schedule ran %d times at once (the day before it existed)", n)
		}
		step(80 * time.Second) // 09:01:50: the 09:01 run
		if n := runs("every_minute"); n != 1 {
			t.Fatalf("after 80 s: %d runs, want 1", n)
		}
		step(3 * 24 * time.Hour) // every engine was stopped for three days
		if n := runs("every_minute"); n != 2 {
			t.Fatalf("after three days away: %d runs, want one more (misfire: once)", n)
		}

		// A daily 08:00 schedule created at 08:58 does not run for the 08:00 just past.
		clock.Advance(time.Date(2026, 11, 24, 8, 58, 0, 0, time.UTC).Sub(clock.Now()))
		mustAutomate(t, e, `{"name":"daily","object":"lead","trigger":{"type":"scheduled","cron":"0 8 * * *","filter":"company = \"Acme\""},
		 "actions":[{"type":"update","values":{"status":"\"new\""}}]}`)
		step(time.Minute)
		if n := runs("daily"); n != 0 {
			t.Fatalf("a daily 08:00 schedule created at 08:58 ran %d times", n)
		}
		step(23*time.Hour + time.Minute + 5*time.Second) // the next day, 08:00:05
		if n := runs("daily"); n != 1 {
			t.Fatalf("the next morning: %d runs, want 1", n)
		}
	})
}
