package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"crm/engine/store/sqlite"
	"crm/internal/testenv"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// testClock is a shared, settable clock for engines in one test.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *testClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// engines opens n engines on one database, as n processes would run.
func engines(t *testing.T, b testenv.Backend, n int, clock *testClock) []*Engine {
	t.Helper()
	var out []*Engine
	for i, st := range b.OpenShared(t, n) {
		e, err := New(context.Background(), Config{Store: st, Logger: quietLog, Clock: clock.Now, JobLease: time.Minute, TickBatch: 50, Node: fmt.Sprintf("node%d", i+1), Scratch: sqlite.Scratch})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// TestTimersFireOnceAcrossEngines: 1000 due timers, three engines ticking at once, one of them
// stopped in the middle of running some jobs: every timer's effect happens exactly once.
func TestTimersFireOnceAcrossEngines(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		es := engines(t, b, 3, clock)
		var mu sync.Mutex
		fired := map[string]int{}
		var lastFired atomic.Int64 // wall time of the last timer fired, for the stall guard
		lastFired.Store(time.Now().UnixNano())
		record := func(_ context.Context, j *Job) error {
			mu.Lock()
			fired[j.ID]++
			mu.Unlock()
			lastFired.Store(time.Now().UnixNano())
			return nil
		}
		// The third engine "dies" inside a job: it never finishes, and its claim stays.
		stuck := make(chan struct{})
		var stuckN atomic.Int32
		es[0].handlers["test"], es[1].handlers["test"] = record, record
		es[2].handlers["test"] = func(ctx context.Context, j *Job) error {
			if stuckN.Add(1) == 1 {
				<-stuck
				return errors.New("the process is gone")
			}
			return record(ctx, j)
		}
		for i := 0; i < 1000; i++ {
			if _, err := es[i%3].enqueue(ctx, fmt.Sprintf("timer-%04d", i), "test", clock.Now(), nil, 3); err != nil {
				t.Fatal(err)
			}
		}
		remaining := func() int { mu.Lock(); defer mu.Unlock(); return 1000 - len(fired) }
		// Every engine ticks until only the stopped engine's job is left; ticks race for jobs.
		// The deadline follows progress, not a count of rounds or wall time: an engine stops
		// ticking only when no timer has fired anywhere for stallLimit (a hang), however slow
		// the machine (a loaded machine once spent a fixed 2,000 rounds racing for claimed jobs).
		stalled := func() bool { return time.Since(time.Unix(0, lastFired.Load())) > stallLimit }
		var wg, live sync.WaitGroup
		var tickErr atomic.Value
		for i, e := range es {
			wg.Add(1)
			if i < 2 {
				live.Add(1)
			}
			go func() {
				defer wg.Done()
				if i < 2 {
					defer live.Done()
				}
				for remaining() > 1 && !stalled() {
					if _, err := e.Tick(ctx); err != nil {
						tickErr.Store(err)
						return
					}
				}
			}()
		}
		// The third engine blocks in its stuck job; the other two stop by themselves (nothing
		// left but that job, or no progress for stallLimit), however long that takes.
		live.Wait()
		if err := tickErr.Load(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		done := len(fired)
		mu.Unlock()
		if done != 999 {
			t.Fatalf("before the lease ends %d timers fired, want 999 (one is claimed by the stopped engine)", done)
		}
		// After the lease, the survivors take the stopped engine's jobs over.
		clock.Advance(2 * time.Minute)
		for _, e := range es[:2] {
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(fired) != 1000 {
			t.Fatalf("%d timers fired, want 1000", len(fired))
		}
		for id, n := range fired {
			if n != 1 {
				t.Errorf("%s fired %d times", id, n)
			}
		}
		if left, _ := es[0].store.Count(ctx, collJobs, nil); left != 0 {
			t.Errorf("%d jobs left", left)
		}
		mu.Unlock()
		close(stuck) // the "dead" engine wakes: its late failure must not bring the job back
		wg.Wait()
		mu.Lock()
		if left, _ := es[0].store.Count(ctx, collJobs, nil); left != 0 {
			t.Errorf("%d jobs back after the stale engine finished", left)
		}
	})
}

// stallLimit is how long a test that waits on progress (timers firing) lets pass without any
// before it fails: the guard against a hang, not a speed requirement.
const stallLimit = 30 * time.Second

// waitFor polls cond for up to two minutes: a guard against a hang, far beyond the seconds the
// condition takes even with the other tests running beside it on a loaded machine.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 12000 && !cond(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !cond() {
		t.Fatal("condition not reached")
	}
}

// TestJobRetriesThenDies: failures retry with growing waits, a permanent error or spent attempts
// end the job as dead with its reason; a tick before the retry time runs nothing.
func TestJobRetriesThenDies(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		calls := 0
		e.handlers["flaky"] = func(context.Context, *Job) error { calls++; return errors.New("receiver down") }
		e.handlers["broken"] = func(context.Context, *Job) error { return permanent(errors.New("bad definition")) }
		e.handlers["panics"] = func(context.Context, *Job) error { panic("boom") }
		for _, k := range []string{"flaky", "broken", "panics"} {
			if _, err := e.enqueue(ctx, k, k, clock.Now(), nil, 3); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := e.Tick(ctx); n != 3 || calls != 1 {
			t.Fatalf("first tick ran %d jobs, flaky called %d times", n, calls)
		}
		if n, _ := e.Tick(ctx); n != 0 {
			t.Fatalf("a tick before the retry time ran %d jobs", n)
		}
		clock.Advance(5 * time.Second)
		e.Tick(ctx)
		clock.Advance(9 * time.Second) // the second wait is 10 s
		if n, _ := e.Tick(ctx); n != 0 {
			t.Fatalf("ran before the second backoff ended")
		}
		clock.Advance(time.Second)
		e.Tick(ctx)
		if calls != 3 {
			t.Fatalf("flaky ran %d times, want 3", calls)
		}
		dead, err := e.ListJobs(ctx, SystemActor, jobDead, 10)
		if err != nil || len(dead) != 3 {
			t.Fatalf("dead jobs: %v %v", dead, err)
		}
		reasons := map[string]string{}
		for _, j := range dead {
			reasons[j.ID] = j.LastError
		}
		if reasons["flaky"] != "receiver down" || reasons["broken"] != "bad definition" || reasons["panics"] != "job panicked: boom" {
			t.Errorf("reasons: %v", reasons)
		}
		clock.Advance(24 * time.Hour)
		if n, _ := e.Tick(ctx); n != 0 {
			t.Errorf("a dead job ran again")
		}
	})
}

// TestCatchUpOnStart: jobs that came due while no engine ran run when the scheduler starts, in
// the background (the server answers meanwhile: StartScheduler returns while they run), and
// enqueueing one id twice stores one job.
func TestCatchUpOnStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newTestClock()
	e := engines(t, testenv.Backends()[0], 1, clock)[0]
	var ran atomic.Int32
	release := make(chan struct{})
	e.handlers["test"] = func(context.Context, *Job) error { <-release; ran.Add(1); return nil }
	for i := 0; i < 120; i++ {
		e.enqueue(ctx, fmt.Sprintf("j%d", i), "test", clock.Now().Add(-time.Hour), nil, 0)
	}
	if fresh, _ := e.enqueue(ctx, "j1", "test", clock.Now(), nil, 0); fresh {
		t.Error("the same job id was stored twice")
	}
	e.tickBatch = 50 // the sweep must go on past one batch
	started := make(chan *Scheduler)
	go func() {
		s, err := e.StartScheduler(ctx)
		if err != nil {
			t.Error(err)
		}
		started <- s
	}()
	var s *Scheduler
	select {
	case s = <-started:
	case <-time.After(30 * time.Second): // a hang, not a speed: the backlog blocks until released
		close(release)
		t.Fatal("StartScheduler waited for the backlog of due jobs")
	}
	if ran.Load() != 0 {
		t.Fatalf("%d jobs ran before they were released", ran.Load())
	}
	close(release)
	<-s.CaughtUp()
	s.Stop()
	if ran.Load() != 120 {
		t.Errorf("catch-up ran %d jobs, want 120", ran.Load())
	}
}
