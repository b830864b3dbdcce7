package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// OpsStats is the state an operator watches, read from the database when metrics are scraped:
// every process sees the same numbers, whichever one is asked.
type OpsStats struct {
	DueJobs    int64            // pending jobs whose time has come
	Lag        time.Duration    // how long the oldest of them has waited; zero when none
	DeadJobs   int64            // jobs that spent their attempts
	Deliveries map[string]int64 // webhook deliveries by status (pending, failed, dead)
	Emails     map[string]int64 // the email outbox by status (pending, sending, failed, dead, uncertain)
}

// OpsStats counts through indexes (jobs by ready_at and state, outboxes by status): a scrape
// costs a few index reads, not a scan.
func (e *Engine) OpsStats(ctx context.Context) (OpsStats, error) {
	var s OpsStats
	now := e.now()
	due := store.Compare{Field: "ready_at", Op: store.Le, Value: stamp(now), Scalar: true}
	n, err := e.store.Count(ctx, collJobs, due)
	if err != nil {
		return s, storeErr(err)
	}
	s.DueJobs = n
	if n > 0 {
		docs, err := e.store.Find(ctx, collJobs, store.Query{Filter: due, Sort: []store.SortKey{{Field: "ready_at"}}, Limit: 1})
		if err != nil {
			return s, storeErr(err)
		}
		if len(docs) == 1 {
			if at, ok := docs[0]["ready_at"].(string); ok {
				if t, err := time.Parse(forms.TimeLayout, at); err == nil && now.After(t) {
					s.Lag = now.Sub(t)
				}
			}
		}
	}
	if s.DeadJobs, err = e.store.Count(ctx, collJobs, store.Compare{Field: "state", Op: store.Eq, Value: jobDead, Scalar: true}); err != nil {
		return s, storeErr(err)
	}
	s.Deliveries = map[string]int64{}
	for _, st := range []string{deliveryPending, deliveryFailed, deliveryDead} {
		n, err := e.store.Count(ctx, collDeliveries, store.Compare{Field: "status", Op: store.Eq, Value: st, Scalar: true})
		if err != nil {
			return s, storeErr(err)
		}
		s.Deliveries[st] = n
	}
	// Sent emails are history, not depth: not counted.
	s.Emails = map[string]int64{}
	for _, st := range []string{emailPending, emailSending, emailFailed, emailDead, emailUncertain} {
		n, err := e.store.Count(ctx, collEmails, store.Compare{Field: "status", Op: store.Eq, Value: st, Scalar: true})
		if err != nil {
			return s, storeErr(err)
		}
		s.Emails[st] = n
	}
	return s, nil
}

// Ready reports why this engine should not get traffic yet: the database does not answer, or the
// definitions cannot be read.
func (e *Engine) Ready(ctx context.Context) error {
	if err := e.store.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	if _, err := e.ListObjects(ctx, SystemActor); err != nil {
		return fmt.Errorf("definitions not loaded: %w", err)
	}
	return nil
}

// errSchedulerStopped is readiness's answer once the scheduler has ended.
var errSchedulerStopped = errors.New("scheduler not running")

// Running reports whether the scheduler still ticks (or is catching up before its first tick).
func (s *Scheduler) Running() error {
	if s == nil || s.ctx.Err() != nil {
		return errSchedulerStopped
	}
	return nil
}
