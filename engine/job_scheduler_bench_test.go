package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"crm/internal/testenv"
)

// BenchmarkTick compares a tick over 100,000 stored timers of which 100 are due with a tick over
// 100 stored timers, all due: the tick reads due jobs through an index, so the ratio stays near 1.
func BenchmarkTick(b *testing.B) {
	ctx := context.Background()
	clock := newTestClock()
	open := func(future int) *Engine {
		e, err := New(ctx, Config{Store: testenv.OpenSQLite(b), Logger: quietLog, Clock: clock.Now, TickBatch: 1000})
		if err != nil {
			b.Fatal(err)
		}
		e.handlers["bench"] = func(context.Context, *Job) error { return nil }
		for i := 0; i < future; i++ {
			if _, err := e.enqueue(ctx, fmt.Sprintf("later-%06d", i), "bench", clock.Now().Add(time.Duration(i+1)*time.Hour), nil, 0); err != nil {
				b.Fatal(err)
			}
		}
		return e
	}
	big, small := open(100_000), open(0)
	due := func(e *Engine, round int) {
		for i := 0; i < 100; i++ {
			if _, err := e.enqueue(ctx, fmt.Sprintf("due-%d-%03d", round, i), "bench", clock.Now(), nil, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
	var bigT, smallT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		due(big, i)
		due(small, i)
		b.StartTimer()
		t0 := time.Now()
		if n, err := big.Tick(ctx); err != nil || n != 100 {
			b.Fatalf("big tick ran %d: %v", n, err)
		}
		t1 := time.Now()
		if n, err := small.Tick(ctx); err != nil || n != 100 {
			b.Fatalf("small tick ran %d: %v", n, err)
		}
		bigT += t1.Sub(t0)
		smallT += time.Since(t1)
	}
	b.ReportMetric(float64(bigT.Microseconds())/float64(b.N), "100k-stored-µs/tick")
	b.ReportMetric(float64(smallT.Microseconds())/float64(b.N), "100-stored-µs/tick")
	b.ReportMetric(float64(bigT)/float64(smallT), "ratio")
}
