package engine

import (
	"context"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduler drives the durable jobs: robfig/cron ticks every TickInterval and fires scheduled
// automations; each tick runs what has come due. Start runs a catch-up sweep first: whatever came
// due while no engine was running runs now.
type Scheduler struct {
	e      *Engine
	cron   *cron.Cron
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

// StartScheduler starts ticking; Stop ends it and waits for the running tick.
func (e *Engine) StartScheduler(ctx context.Context) (*Scheduler, error) {
	s := &Scheduler{e: e}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.cron = cron.New(cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)), cron.WithLocation(time.UTC))
	if _, err := s.cron.AddFunc("@every "+e.tickEvery.String(), s.tick); err != nil {
		return nil, err
	}
	s.catchUp()
	s.cron.Start()
	return s, nil
}

// catchUp runs due jobs until a tick finds less than a full batch.
func (s *Scheduler) catchUp() {
	for s.ctx.Err() == nil {
		n, err := s.e.Tick(s.ctx)
		if err != nil {
			s.e.log.Error("catch-up sweep", "err", err)
			return
		}
		if n < s.e.tickBatch {
			return
		}
	}
}

func (s *Scheduler) tick() {
	if _, err := s.e.Tick(s.ctx); err != nil && s.ctx.Err() == nil {
		s.e.log.Error("scheduler tick", "err", err)
	}
	s.e.fireCron(s.ctx)
}

// Stop ends the ticks and waits for a running one to finish its current job.
func (s *Scheduler) Stop() {
	s.cancel()
	<-s.cron.Stop().Done()
}

// registerHandlers names the handler of every job kind.
func (e *Engine) registerHandlers() {
}

// fireCron enqueues the runs of cron-scheduled automations whose time has come.
func (e *Engine) fireCron(ctx context.Context) {}
