package engine

import (
	"context"
	"errors"
	"time"

	"github.com/robfig/cron/v3"

	"crm/engine/jobs"
	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Scheduler drives the durable jobs: robfig/cron ticks every TickInterval and fires scheduled
// automations; each tick runs what has come due. Start begins with a catch-up sweep in the
// background: whatever came due while no engine was running runs now, while the server already
// answers; the ticks begin when it is done.
type Scheduler struct {
	e        *Engine
	cron     *cron.Cron
	ctx      context.Context
	cancel   context.CancelFunc
	caughtUp chan struct{} // closed when the catch-up sweep is over and the ticks run
	settled  chan struct{} // closed when the roll-up settle loop has ended

	lastSweep time.Time // ticks never overlap (SkipIfStillRunning), so no lock
}

// StartScheduler starts ticking; Stop ends it and waits for the running tick.
func (e *Engine) StartScheduler(ctx context.Context) (*Scheduler, error) {
	s := &Scheduler{e: e}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.cron = cron.New(cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)), cron.WithLocation(time.UTC))
	if _, err := s.cron.AddFunc("@every "+e.tickEvery.String(), s.tick); err != nil {
		return nil, err
	}
	s.caughtUp = make(chan struct{})
	s.settled = make(chan struct{})
	go s.settleLoop()
	go func() {
		defer close(s.caughtUp)
		s.catchUp()
		if s.ctx.Err() == nil {
			s.cron.Start()
		}
	}()
	return s, nil
}

// CaughtUp is closed once the jobs that were due at start have run and the ticks have begun.
func (s *Scheduler) CaughtUp() <-chan struct{} { return s.caughtUp }

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
	// Housekeeping needs no 5 s beat: once a minute is soon enough for what has expired.
	if now := s.e.now(); now.Sub(s.lastSweep) >= sweepEvery {
		s.lastSweep = now
		if _, err := s.e.SweepExpired(s.ctx); err != nil && s.ctx.Err() == nil {
			s.e.log.Error("sweep of expired sessions and sign-in failures", "err", err)
		}
	}
}

// settleDelay is how long the settle loop waits after a write marked a roll-up's parent: writes
// in that moment share one fold of each parent.
const settleDelay = 50 * time.Millisecond

// settleLoop folds the roll-ups this process's writes marked, soon after them.
func (s *Scheduler) settleLoop() {
	defer close(s.settled)
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.e.rollupKick:
		}
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(settleDelay):
		}
		if _, err := s.e.settleRollups(s.ctx); err != nil && s.ctx.Err() == nil {
			s.e.log.Error("roll-ups not settled", "err", err)
		}
	}
}

// sweepEvery is how often a scheduler deletes what has expired.
const sweepEvery = time.Minute

// Stop ends the ticks and waits for a running one to finish its current job.
func (s *Scheduler) Stop() {
	s.cancel()
	<-s.caughtUp
	<-s.settled
	<-s.cron.Stop().Done()
}

// fireCron enqueues the run of each cron-scheduled automation whose time has come since its mark:
// its last run, else its creation or last change (startSchedule), else, for a schedule older than
// marks, the first tick that sees it. Misfire policy: when several times were missed (every
// engine stopped for a while), the schedule fires once, for the latest of them, as Quartz's "fire
// once now" and river's periodic jobs do, never a backlog. Every process does this; the job id of
// a run (automation and time) makes it one job however many processes enqueue it.
func (e *Engine) fireCron(ctx context.Context) {
	set, err := e.automations(ctx)
	if err != nil {
		e.log.Error("cron: automations", "err", err)
		return
	}
	now := e.now()
	for _, a := range set.all {
		if a.Trigger.Type != workflow.TriggerScheduled || a.Disabled {
			continue
		}
		sched, err := workflow.ParseCron(a.Trigger.Cron)
		if err != nil {
			continue
		}
		key := cronKey(a.Name)
		doc, err := e.store.Get(ctx, collSettings, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			e.log.Error("cron: mark", "automation", a.Name, "err", err)
			continue
		}
		since, marked := now, false
		if err == nil {
			last, _, err := cronMarkFromDoc(doc)
			if err != nil {
				e.log.Error("cron: mark", "automation", a.Name, "err", err)
				continue
			}
			if last != "" {
				if t, err := time.Parse(forms.TimeLayout, last); err == nil {
					since, marked = t, true
				}
			}
		}
		if !marked { // no mark: the schedule starts now
			e.saveCronMark(ctx, key, now, doc)
			continue
		}
		var due time.Time // the latest missed time; the earlier ones are skipped
		for t := sched.Next(since); !t.After(now); t = sched.Next(t) {
			due = t
		}
		if due.IsZero() {
			continue
		}
		if _, err := e.insertJob(ctx, "cron:"+a.Name+":"+stamp(due), cronArgs{Automation: a.Name, Object: a.Object, At: stamp(due)}, due); err != nil {
			e.log.Error("cron: enqueue", "automation", a.Name, "err", err)
			continue
		}
		e.saveCronMark(ctx, key, due, doc)
	}
}

func cronKey(automation string) string { return "cron:" + automation }

// startSchedule marks a scheduled automation as started now, on its creation or change.
func (e *Engine) startSchedule(ctx context.Context, automation string) {
	key := cronKey(automation)
	doc, err := e.store.Get(ctx, collSettings, key)
	if errors.Is(err, store.ErrNotFound) {
		doc, err = nil, nil
	}
	if err != nil {
		e.log.Warn("cron: mark not read", "key", key, "err", err)
		return
	}
	e.saveCronMark(ctx, key, e.now(), doc)
}

// cronMarkFromDoc is the last time a scheduled automation ran, as stored, and the mark's version.
func cronMarkFromDoc(d store.Doc) (last string, version int64, err error) {
	var mark struct {
		Last    string `json:"last"`
		Version int64  `json:"version"`
	}
	err = decodeDoc(collSettings, d, &mark)
	return mark.Last, mark.Version, err
}

func (e *Engine) saveCronMark(ctx context.Context, key string, t time.Time, old store.Doc) {
	doc := store.Doc{"id": key, "last": stamp(t)}
	var err error
	if old == nil {
		err = e.store.Insert(ctx, collSettings, doc)
	} else {
		var v int64
		if _, v, err = cronMarkFromDoc(old); err == nil {
			err = e.store.Replace(ctx, collSettings, doc, v)
		}
	}
	if err != nil && !errors.Is(err, store.ErrDuplicateID) && !errors.Is(err, store.ErrVersionConflict) {
		e.log.Warn("cron: mark not saved", "key", key, "err", err)
	}
}

// cronRecords bounds the records one scheduled run acts on.
const cronRecords = 1000

// handleCron runs a scheduled automation for the records its filter selects.
func (e *Engine) handleCron(ctx context.Context, j *jobs.Job[cronArgs]) error {
	name, object := j.Args.Automation, j.Args.Object
	set, err := e.automations(ctx)
	if err != nil {
		return err
	}
	var a *workflow.Compiled
	for _, c := range set.byObject[object] {
		if c.Name == name {
			a = c
		}
	}
	if a == nil || a.Disabled {
		return nil
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return err
	}
	node, err := query.Parse(a.Trigger.Filter)
	if err != nil {
		return permanent(err)
	}
	f, err := query.Resolve(node, def.obj)
	if err != nil {
		return permanent(err)
	}
	docs, err := e.store.Find(ctx, recordsColl(object), store.Query{Filter: f, Sort: []store.SortKey{{Field: "id"}}, Limit: cronRecords})
	if err != nil {
		return storeErr(err)
	}
	var firstErr error
	for _, d := range docs {
		id := docID(d)
		if err := e.runAutomation(ctx, a, def, id, d, nil, workflow.TriggerScheduled, j.ID+":"+id); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}
