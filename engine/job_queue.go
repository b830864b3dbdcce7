package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// Durable jobs: everything the engine does later (automations after a write, timers, webhook
// retries, scheduled runs) is a document in "jobs" with a due time, so that a crash or restart
// loses none of it and several engine processes share the work.
//
// A pending job has ready_at; a tick reads only jobs whose ready_at has come, through an index,
// so its cost grows with what is due, not with what is stored. A job is claimed by inserting a
// claim document whose id is the job id and the job's epoch: inserts of one id are atomic on
// every backend (FerretDB included, whose conditional updates are not), so exactly one process
// wins an epoch. The claim carries a lease; when it expires (its process died) another process
// moves the job to the next epoch and claims that. Effects that must happen once carry keys
// derived from the job (record ids, notification ids), so a job re-run after a crash repeats
// nothing.
//
// What a job does is its kind's: the kinds, their typed arguments (the payload) and their workers
// are in job_kinds.go, over package jobs; this file keeps the stored job and its life.
const (
	collJobs   = "jobs"
	collClaims = "job_claims"
)

var jobIndexes = []store.Index{{Field: "ready_at"}, {Field: "state"}}

// Job states. A finished job is deleted; a dead one stays, with its reason, for the API.
const (
	jobPending = "pending"
	jobDead    = "dead"
)

// Job is a unit of later work.
type Job struct {
	ID          string         `json:"id"`
	Kind        string         `json:"kind"`
	Payload     map[string]any `json:"payload,omitempty"`
	State       string         `json:"state"`
	ReadyAt     string         `json:"ready_at,omitempty"`
	Attempts    int64          `json:"attempts"`
	MaxAttempts int64          `json:"max_attempts"`
	LastError   string         `json:"last_error,omitempty"`
	CreatedAt   string         `json:"created_at"`
	epoch       int64
	version     int64
}

// jobHandler runs one job of a kind, as stored: registerHandlers makes one per kind from its typed
// worker. An error retries it with backoff until its attempts are spent; a permanent error (see
// permanent) ends it as dead at once.
type jobHandler func(ctx context.Context, j *Job) error

type permanentError struct{ error }

// permanent marks an error that retrying cannot fix.
func permanent(err error) error { return permanentError{err} }

// enqueue stores a job due at due, its kind and payload as given (insertJob takes them from typed
// arguments). With a non-empty id the job is idempotent: enqueueing the same id twice stores it
// once (false, nil the second time).
func (e *Engine) enqueue(ctx context.Context, id, kind string, due time.Time, payload map[string]any, maxAttempts int64) (bool, error) {
	if id == "" {
		id = newID()
	}
	if due.After(maxDue) {
		e.log.Warn("job not stored: due past 9999-12-31, it would never be due", "kind", kind, "id", id)
		return false, nil
	}
	err := e.store.Insert(ctx, collJobs, e.jobDoc(id, kind, due, payload, maxAttempts))
	if errors.Is(err, store.ErrDuplicateID) {
		return false, nil
	}
	return err == nil, storeErr(err)
}

// jobDoc is the stored form of a new job.
func (e *Engine) jobDoc(id, kind string, due time.Time, payload map[string]any, maxAttempts int64) store.Doc {
	if maxAttempts <= 0 {
		maxAttempts = 8
	}
	doc := store.Doc{"id": id, "kind": kind, "state": jobPending, "ready_at": stamp(due), "attempts": int64(0),
		"max_attempts": maxAttempts, "epoch": int64(0), "created_at": e.stamp()}
	if payload != nil {
		doc["payload"] = toStoreKinds(payload)
	}
	return doc
}

func stamp(t time.Time) string { return t.UTC().Format(forms.TimeLayout) }

// maxDue is the last due time a job can have: due times are compared as stamps, and a year past
// 9999 ("10000-01-01...") sorts before every other and would fire at once.
var maxDue = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)

// jobFromDoc decodes a stored job. Its payload is kept as stored (the kinds of the seam, int64
// included), for jobs.Decode of its kind to read.
func jobFromDoc(d store.Doc) (*Job, error) {
	var stored struct {
		Job
		Epoch   int64 `json:"epoch"`
		Version int64 `json:"version"`
	}
	rest := maps.Clone(d)
	delete(rest, "payload")
	if err := decodeDoc(collJobs, rest, &stored); err != nil {
		return nil, err
	}
	j := &stored.Job
	j.epoch, j.version = stored.Epoch, stored.Version
	switch p := d["payload"].(type) {
	case map[string]any:
		j.Payload = p
	case nil:
	default:
		return nil, &StoredDocError{Coll: collJobs, ID: j.ID, Field: "payload", Want: "map[string]interface {}", Got: kindOf(p)}
	}
	return j, nil
}

func (j *Job) doc() store.Doc {
	d := store.Doc{"id": j.ID, "kind": j.Kind, "state": j.State, "attempts": j.Attempts, "max_attempts": j.MaxAttempts,
		"epoch": j.epoch, "created_at": j.CreatedAt}
	if j.Payload != nil {
		d["payload"] = j.Payload
	}
	if j.ReadyAt != "" {
		d["ready_at"] = j.ReadyAt
	}
	if j.LastError != "" {
		d["last_error"] = j.LastError
	}
	return d
}

func claimID(j *Job) string { return j.ID + "#" + strconv.FormatInt(j.epoch, 10) }

// claim tries to take a job for this process. It answers false when another process holds a live
// claim; an expired claim is taken over by moving the job to its next epoch.
func (e *Engine) claim(ctx context.Context, j *Job) (bool, error) {
	for attempt := 0; attempt < 3; attempt++ {
		now := e.now()
		err := e.store.Insert(ctx, collClaims, store.Doc{"id": claimID(j), "job": j.ID, "owner": e.node, "until": stamp(now.Add(e.lease))})
		if err == nil {
			return e.stillDue(ctx, j)
		}
		if !errors.Is(err, store.ErrDuplicateID) {
			return false, storeErr(err)
		}
		c, err := e.store.Get(ctx, collClaims, claimID(j))
		if errors.Is(err, store.ErrNotFound) {
			continue // released meanwhile: try again
		}
		if err != nil {
			return false, storeErr(err)
		}
		var held struct {
			Owner string `json:"owner"`
			Until string `json:"until"`
		}
		if err := decodeDoc(collClaims, c, &held); err != nil {
			return false, err
		}
		if held.Until > stamp(now) {
			return false, nil // a live claim: someone is running it
		}
		// The claimant died: move the job to its next epoch. Several processes may do this at
		// once; they write the same epoch, and the claim insert below picks one winner.
		j.epoch++
		err = e.store.Replace(ctx, collJobs, j.doc(), j.version)
		if errors.Is(err, store.ErrVersionConflict) || errors.Is(err, store.ErrNotFound) {
			return false, nil // changed or finished meanwhile: the next tick sees its new state
		}
		if err != nil {
			return false, storeErr(err)
		}
		j.version++
		e.log.Warn("job lease expired; taken over", "job", j.ID, "kind", j.Kind, "epoch", j.epoch, "previous_owner", held.Owner)
	}
	return false, nil
}

// stillDue checks, after winning a claim, that the job is as this process read it: the read may
// be stale (another process finished it, or moved it on after a failure, and released its claim
// just before ours was inserted). When it is not, our claim is withdrawn.
func (e *Engine) stillDue(ctx context.Context, j *Job) (bool, error) {
	d, err := e.store.Get(ctx, collJobs, j.ID)
	if err == nil {
		fresh, err := jobFromDoc(d)
		if err != nil {
			return false, err
		}
		if fresh.epoch == j.epoch && fresh.State == jobPending && fresh.ReadyAt != "" && fresh.ReadyAt <= e.stamp() {
			*j = *fresh
			return true, nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, storeErr(err)
	}
	if err := e.store.Delete(ctx, collClaims, claimID(j), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Warn("stale claim not withdrawn; it expires with its lease", "job", j.ID, "err", err)
	}
	return false, nil
}

// finish records the outcome of a claimed job: deleted on success, rescheduled with backoff or
// dead on failure. The claim is released either way.
func (e *Engine) finish(ctx context.Context, j *Job, runErr error) {
	ctx = context.WithoutCancel(ctx)
	defer func() {
		if err := e.store.Delete(ctx, collClaims, claimID(j), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			e.log.Warn("job claim not released; it expires with its lease", "job", j.ID, "err", err)
		}
	}()
	if runErr == nil {
		if err := e.store.Delete(ctx, collJobs, j.ID, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			e.log.Error("finished job not removed; it will run again", "job", j.ID, "err", err)
		}
		return
	}
	j.Attempts++
	j.LastError = runErr.Error()
	var pe permanentError
	if errors.As(runErr, &pe) || j.Attempts >= j.MaxAttempts {
		j.State, j.ReadyAt = jobDead, ""
		e.log.Error("job dead", "job", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", runErr)
	} else {
		j.ReadyAt = stamp(e.now().Add(backoff(j.Attempts)))
		e.log.Warn("job failed; retrying", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "at", j.ReadyAt, "err", runErr)
	}
	j.epoch++
	if err := e.store.Replace(ctx, collJobs, j.doc(), j.version); err != nil {
		e.log.Error("job failure not recorded; it will run again after its lease", "job", j.ID, "err", err)
	}
}

// backoff is the wait before attempt n+1: 5 s doubling, capped at an hour.
func backoff(attempts int64) time.Duration {
	d := 5 * time.Second
	for i := int64(1); i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// runJob claims and runs one job with its handler.
func (e *Engine) runJob(ctx context.Context, j *Job) (bool, error) {
	h := e.handlers[j.Kind]
	if h == nil {
		return false, fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	ok, err := e.claim(ctx, j)
	if err != nil || !ok {
		return false, err
	}
	runErr := safeRun(ctx, h, j)
	e.finish(ctx, j, runErr)
	return true, nil
}

// safeRun turns a handler's panic into an error, so one bad job cannot stop the scheduler.
func safeRun(ctx context.Context, h jobHandler, j *Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = permanent(fmt.Errorf("job panicked: %v", r))
		}
	}()
	return h(ctx, j)
}

// Tick runs the jobs that are due, up to a batch, and reports how many this process ran. Every
// engine process ticks; claims keep each job to one of them.
func (e *Engine) Tick(ctx context.Context) (int, error) {
	// Roll-up marks a crash or another process left (record_rollups.go).
	if _, err := e.settleRollups(ctx); err != nil {
		e.log.Error("roll-ups not settled", "err", err)
	}
	docs, err := e.store.Find(ctx, collJobs, store.Query{
		Filter: store.Compare{Field: "ready_at", Op: store.Le, Value: e.stamp(), Scalar: true},
		Sort:   []store.SortKey{{Field: "ready_at"}}, Limit: e.tickBatch})
	if err != nil {
		return 0, storeErr(err)
	}
	ran := 0
	for _, d := range docs {
		if ctx.Err() != nil {
			break
		}
		j, err := jobFromDoc(d)
		if err != nil {
			e.log.Error("job not run", "job", d["id"], "err", err)
			continue
		}
		ok, err := e.runJob(ctx, j)
		if err != nil {
			e.log.Error("job not run", "job", d["id"], "err", err)
			continue
		}
		if ok {
			ran++
		}
	}
	return ran, nil
}

// ListJobs shows jobs for admins: pending or dead, oldest due first.
func (e *Engine) ListJobs(ctx context.Context, by *Actor, state string, limit int) ([]*Job, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var f store.Filter
	if state != "" {
		f = store.Compare{Field: "state", Op: store.Eq, Value: state, Scalar: true}
	}
	docs, err := e.store.Find(ctx, collJobs, store.Query{Filter: f, Sort: []store.SortKey{{Field: "created_at"}}, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*Job, 0, len(docs))
	for _, d := range docs {
		j, err := jobFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}
