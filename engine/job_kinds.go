package engine

import (
	"context"
	"errors"
	"time"

	"crm/engine/jobs"
	"crm/engine/store"
)

// The kinds of durable jobs, each with its arguments and its worker. A job is stored with its
// kind and its arguments as the payload (see jobs.Encode), and may wait for months (a timer, an
// SLA threshold, an approval timeout) across upgrades: never rename a kind or a payload key, nor
// change a key's kind; add only optional keys. TestJobsStoredForm pins each kind's stored form.

// eventArgs: a record write whose automations, timers and SLA run after it (see record_events.go).
type eventArgs struct {
	Object string `json:"object"`
	Record string `json:"record"`
	Type   string `json:"type"` // workflow.TriggerCreated, ...Updated, ...Deleted
	Depth  int64  `json:"depth"`
	// Quiet: nothing reacts to the write; the event exists to repair a batch a crash cut short.
	Quiet bool           `json:"quiet,omitempty"`
	Old   map[string]any `json:"old,omitempty"`
	New   map[string]any `json:"new,omitempty"`
	// Audit: the write's audit entry, carried on a store without transactions (see commitWrite).
	Audit map[string]any `json:"audit,omitempty"`
	// Marks: the write's roll-up marks, carried on a store without transactions (see commitWrite).
	Marks []any `json:"marks,omitempty"` // each a map[string]any
}

func (eventArgs) Kind() string { return "event" }

// timerArgs: a time-relative automation due for a record at Due (a stamp).
type timerArgs struct {
	Automation string `json:"automation"`
	Object     string `json:"object"`
	Record     string `json:"record"`
	Due        string `json:"due"`
}

func (timerArgs) Kind() string { return "timer" }

// cronArgs: one run of a scheduled automation, the one due At (a stamp).
type cronArgs struct {
	Automation string `json:"automation"`
	Object     string `json:"object"`
	At         string `json:"at"`
}

func (cronArgs) Kind() string { return "cron" }

// slaArgs: a record's next SLA threshold, At (a stamp).
type slaArgs struct {
	Object string `json:"object"`
	Record string `json:"record"`
	At     string `json:"at"`
}

func (slaArgs) Kind() string { return "sla" }

// webhookArgs: an attempt of a webhook delivery; the job's attempts are the delivery's.
type webhookArgs struct {
	Delivery string `json:"delivery"`
}

func (webhookArgs) Kind() string { return "webhook" }

// InsertOpts gives a delivery its own number of attempts.
func (webhookArgs) InsertOpts() jobs.InsertOpts {
	return jobs.InsertOpts{MaxAttempts: webhookMaxAttempts}
}

// approvalArgs: the outbox of an approval instance to apply.
type approvalArgs struct {
	Instance string `json:"instance"`
}

func (approvalArgs) Kind() string { return "approval" }

// approvalTimeoutArgs: the time of an approval instance's step ran out.
type approvalTimeoutArgs struct {
	Instance string `json:"instance"`
	Step     int64  `json:"step"`
}

func (approvalTimeoutArgs) Kind() string { return "approval_timeout" }

// importArgs: the rows of a record import from its last checkpoint (see record_import_run.go).
type importArgs struct {
	Import string `json:"import"`
}

func (importArgs) Kind() string { return "import" }

// registerHandlers gives every kind its worker. A payload that does not decode into its kind's
// arguments ends the job as dead at once, with the PayloadError as its last error: no retry can
// fix it.
func (e *Engine) registerHandlers() {
	var ws jobs.Workers
	jobs.Register(&ws, e.handleEvent)
	jobs.Register(&ws, e.handleTimer)
	jobs.Register(&ws, e.handleCron)
	jobs.Register(&ws, e.handleSLA)
	jobs.Register(&ws, e.handleWebhook)
	jobs.Register(&ws, e.handleEmail)
	jobs.Register(&ws, e.handleApprovalEffects)
	jobs.Register(&ws, e.handleApprovalTimeout)
	jobs.Register(&ws, e.handleImport)
	jobs.Register(&ws, e.handleRefresh)
	jobs.Register(&ws, e.handleMerge)
	jobs.Register(&ws, e.handleBackfill)
	for _, kind := range ws.Kinds() {
		e.handlers[kind] = func(ctx context.Context, j *Job) error {
			err := ws.Work(ctx, jobs.Row{ID: j.ID, Kind: j.Kind, Attempts: j.Attempts, MaxAttempts: j.MaxAttempts, Payload: j.Payload})
			if pe := (*jobs.PayloadError)(nil); errors.As(err, &pe) {
				return permanent(err)
			}
			return err
		}
	}
}

// insertJob stores a job of args' kind due at due, idempotent under a non-empty id (see enqueue).
func (e *Engine) insertJob(ctx context.Context, id string, args jobs.Args, due time.Time) (bool, error) {
	payload, err := jobs.Encode(args)
	if err != nil {
		return false, err
	}
	return e.enqueue(ctx, id, args.Kind(), due, payload, jobs.OptsOf(args).MaxAttempts)
}

// rearmJob makes the job id due now with fresh attempts (an admin's retry of a dead delivery or
// email): inserted when gone, reset when it is still stored.
func (e *Engine) rearmJob(ctx context.Context, id string, args jobs.Args, now time.Time) error {
	jd, err := e.store.Get(ctx, collJobs, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		_, err := e.insertJob(ctx, id, args, now)
		return err
	case err != nil:
		return storeErr(err)
	}
	j, err := jobFromDoc(jd)
	if err != nil {
		return err
	}
	j.State, j.ReadyAt, j.Attempts, j.LastError = jobPending, stamp(now), 0, ""
	j.epoch++
	if err := e.store.Replace(ctx, collJobs, j.doc(), j.version); err != nil {
		return storeErr(err)
	}
	return nil
}
