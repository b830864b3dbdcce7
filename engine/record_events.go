package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/workflow"
)

// Record events: the durable trace of a write that its automations, timers and SLA run from.
//
// An accepted write's automations must run even if the process dies right after the write, and a
// write the process died in must end up complete or leave no trace. A record write is one
// store.Batch, in this order (commitWrite):
//
//  1. its event: a job due a little later (eventGrace); the record written next lists the event's
//     id in its "_events" (its last few event ids);
//  2. the record: insert, replace (version compare-and-set) or delete;
//  3. its audit entry, whose id is the event's.
//
// Right after the write the engine runs the event itself. If it dies first, any engine's scheduler
// runs it when it comes due; the handler first confirms that the write happened (confirmEvent).
//
// In a transaction (store.Store.Atomic: SQLite, MongoDB replica sets and sharded clusters) the
// batch is stored whole or not at all: an event is made only when automations or an SLA policy
// react to the write, and that it exists proves the write.
//
// Without transactions (FerretDB, a standalone MongoDB) a crash leaves a prefix of the batch. So
// there every write has an event, which also carries the audit entry; when nothing reacts it is
// quiet (removed as soon as its batch is complete). What a scheduler makes of each prefix:
//
//	nothing           nothing to do: no trace.
//	event             no write found (a create or update: the record does not list the event and
//	                  its audit entry is absent; a delete: the record is still there, or another
//	                  delete's audit entry says it was that one's): the event is dropped, no trace.
//	event, record     the write is found: its audit entry is stored, its automations run.
//	all three         the same; the audit entry is there already (a duplicate id).
//
// A batch that fails after the record (its audit entry refused) is left as such a prefix too: a
// replace or delete cannot be undone (see store.Store.Batch).
//
// An event id leaves a record (the record's delete, later writes pushing it out of the last few)
// only once its audit entry is stored (settleEvents), so the entry confirms a write the record no
// longer can. Automations of a create or update whose record is gone by then do not run.
const (
	eventGrace     = 30 * time.Second
	eventsKept     = 10 // event ids kept in a record: enough to confirm any event still queued
	maxDepth       = 5  // automations triggered by automations, at most this deep
	collRuns       = "automation_runs"
	collNotes      = "notifications"
	recordEventKey = "_events"
)

type depthKey struct{}

func depthOf(ctx context.Context) int { d, _ := ctx.Value(depthKey{}).(int); return d }

// event is the durable event of a record write about to happen.
type event struct {
	id    string    // "" when the write needs none
	args  eventArgs // of the job stored in the write's batch, ahead of the write
	due   time.Time
	quiet bool // nothing reacts to it: stored only to repair a batch a crash cut short
}

// beginEvent makes the event of a write about to happen: when the object has automations that
// react to it or an SLA policy, and on a store without transactions always (see the package
// comment), so that a crash in the batch is repaired.
func (e *Engine) beginEvent(ctx context.Context, object, record, typ string, old, new store.Doc) (event, error) {
	set, err := e.automations(ctx)
	if err != nil {
		return event{}, err
	}
	quiet := false
	if !reacts(set.byObject[object]) {
		measured, err := e.hasSLA(ctx, object)
		if err != nil {
			return event{}, err
		}
		read := false
		if typ == workflow.TriggerUpdated {
			if read, err = e.hasDependents(ctx, object); err != nil {
				return event{}, err
			}
		}
		quiet = !(measured || read) || typ == workflow.TriggerDeleted
	}
	if quiet && e.store.Atomic() {
		return event{}, nil
	}
	args := eventArgs{Object: object, Record: record, Type: typ, Depth: int64(depthOf(ctx)), Quiet: quiet}
	if old != nil && !quiet {
		args.Old = withoutEvents(old)
	}
	if new != nil && !quiet {
		args.New = withoutEvents(new)
	}
	return event{id: newID(), args: args, due: e.now().Add(eventGrace), quiet: quiet}, nil
}

// commitWrite stores a record write in one store.Batch: its event (if any), the write, the
// roll-up marks of the parents it changes (record_rollups.go), its audit entry, in this order. The
// audit entry takes the event's id. On a store without transactions the event also carries the
// entry and the marks, for whoever finds the write without them (see the package comment). The
// marks follow the write there: a settle that read a mark stored before its write could fold
// without the write and then delete the mark. Logs of the write (an assignment trace) come last.
func (e *Engine) commitWrite(ctx context.Context, ev event, marks []store.WriteOp, write store.WriteOp, audit store.Doc, logs ...store.WriteOp) error {
	ops, err := e.eventOps(ev, marks, audit)
	if err != nil {
		return err
	}
	ops = append(ops, write)
	ops = append(ops, marks...)
	ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: collAudit, Doc: audit})
	ops = append(ops, logs...)
	if err := e.store.Batch(ctx, ops); err != nil {
		return err
	}
	if len(marks) > 0 {
		e.kickRollups()
	}
	return nil
}

// eventOps is the head of a write's batch: the insert of its event's job, if any. The audit
// entry takes the event's id (and rides on the event with the roll-up marks where there are no
// transactions).
func (e *Engine) eventOps(ev event, marks []store.WriteOp, audit store.Doc) ([]store.WriteOp, error) {
	ops := make([]store.WriteOp, 0, 3+len(marks))
	if ev.id == "" {
		return ops, nil
	}
	audit["id"] = ev.id
	if !e.store.Atomic() {
		ev.args.Audit = maps.Clone(audit)
		for _, m := range marks {
			ev.args.Marks = append(ev.args.Marks, map[string]any(maps.Clone(m.Doc)))
		}
	}
	payload, err := jobs.Encode(ev.args)
	if err != nil {
		return nil, err
	}
	return append(ops, store.WriteOp{Kind: store.OpInsert, Coll: collJobs, Doc: e.jobDoc(ev.id, ev.args.Kind(), ev.due, payload, 0)}), nil
}

// reacts tells whether any automation needs record events (not only buttons and schedules).
func reacts(autos []*workflow.Compiled) bool {
	for _, a := range autos {
		if !a.Disabled && a.Trigger.Type != workflow.TriggerManual && a.Trigger.Type != workflow.TriggerScheduled {
			return true
		}
	}
	return false
}

func withoutEvents(d store.Doc) map[string]any {
	out := make(map[string]any, len(d))
	for k, v := range d {
		if k != recordEventKey {
			out[k] = v
		}
	}
	return out
}

// markEvent adds an event id to the record document about to be written, and returns the ids it
// pushed out of the record's last few (see settleEvents).
func markEvent(doc, old store.Doc, id string) []any {
	if id == "" {
		if old != nil && old[recordEventKey] != nil {
			doc[recordEventKey] = old[recordEventKey]
		}
		return nil
	}
	var ids []any
	if old != nil {
		ids, _ = old[recordEventKey].([]any)
	}
	ids = append(append([]any{}, ids...), id)
	var dropped []any
	if len(ids) > eventsKept {
		dropped, ids = ids[:len(ids)-eventsKept], ids[len(ids)-eventsKept:]
	}
	doc[recordEventKey] = ids
	return dropped
}

// settleEvents stores the audit entries that pending events carry (on a store without
// transactions) before their ids leave a record: when the record is deleted, or when later writes
// push them out of its last few. An event's write is confirmed by its id in the record or, once the
// id has left, by its audit entry; so no id leaves before its entry is stored.
func (e *Engine) settleEvents(ctx context.Context, ids []any) error {
	if len(ids) == 0 || e.store.Atomic() {
		return nil
	}
	docs, err := e.store.Find(ctx, collJobs, store.Query{Filter: store.In{Field: "id", Values: ids, Scalar: true}})
	if err != nil {
		return storeErr(err)
	}
	for _, d := range docs {
		j, err := jobFromDoc(d)
		if err != nil {
			e.log.Error("event not settled", "event", d["id"], "err", err)
			continue
		}
		args, err := jobs.Decode[eventArgs](j.Payload)
		if err != nil {
			// Its own run records it dead with this error; nothing here can store its entry.
			e.log.Error("event not settled", "event", j.ID, "err", err)
			continue
		}
		if err := e.storeAudit(ctx, args.Audit); err != nil {
			return err
		}
	}
	return nil
}

// storeAudit stores the audit entry an event carries, if any, unless it is stored (its id is the
// event's).
func (e *Engine) storeAudit(ctx context.Context, a map[string]any) error {
	if a == nil {
		return nil
	}
	if err := e.store.Insert(ctx, collAudit, maps.Clone(a)); err != nil && !errors.Is(err, store.ErrDuplicateID) {
		return storeErr(err)
	}
	return nil
}

// afterEvent runs the event of a stored write right away. A quiet event has nothing to run once
// its batch is complete: it is removed.
func (e *Engine) afterEvent(ctx context.Context, ev event) {
	switch {
	case ev.id == "":
		return
	case ev.quiet:
		if err := e.store.Delete(context.WithoutCancel(ctx), collJobs, ev.id, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			e.log.Warn("event not removed; the scheduler finds the write complete", "event", ev.id, "err", err)
		}
		return
	}
	d, err := e.store.Get(ctx, collJobs, ev.id)
	if err != nil {
		e.log.Warn("event not run now; the scheduler runs it", "event", ev.id, "err", err)
		return
	}
	j, err := jobFromDoc(d)
	if err != nil {
		e.log.Error("event not run now", "event", ev.id, "err", err)
		return
	}
	j.ReadyAt = e.stamp() // claimable now by this process
	if _, err := e.runJobNow(context.WithValue(ctx, depthKey{}, depthOf(ctx)), j); err != nil {
		e.log.Warn("event not run now; the scheduler runs it", "event", ev.id, "err", err)
	}
}

// runJobNow claims and runs a job this process just stored, without waiting for its due time.
func (e *Engine) runJobNow(ctx context.Context, j *Job) (bool, error) {
	h := e.handlers[j.Kind]
	if h == nil {
		return false, fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	err := e.store.Insert(ctx, collClaims, store.Doc{"id": claimID(j), "job": j.ID, "owner": e.node, "until": stamp(e.now().Add(e.lease))})
	if errors.Is(err, store.ErrDuplicateID) {
		return false, nil
	}
	if err != nil {
		return false, storeErr(err)
	}
	e.finish(ctx, j, safeRun(ctx, h, j))
	return true, nil
}

// handleEvent runs the automations of a confirmed record event, after storing the audit entry it
// carries if a crash cut its batch short before the entry.
func (e *Engine) handleEvent(ctx context.Context, j *jobs.Job[eventArgs]) error {
	object, record, typ := j.Args.Object, j.Args.Record, j.Args.Type
	ctx = context.WithValue(ctx, depthKey{}, int(j.Args.Depth))
	doc, happened, err := e.confirmEvent(ctx, j.ID, object, record, typ)
	if err != nil || !happened {
		return err
	}
	if len(j.Args.Marks) > 0 {
		// The entry is stored after the marks: without it, the marks may be missing too.
		if stored, err := e.audited(ctx, j.ID); err != nil {
			return err
		} else if !stored {
			if err := e.restoreMarks(ctx, j.Args.Marks); err != nil {
				return err
			}
		}
	}
	if err := e.storeAudit(ctx, j.Args.Audit); err != nil {
		return err
	}
	if j.Args.Quiet || (doc == nil && typ != workflow.TriggerDeleted) {
		return nil // nothing reacts; or created or updated, then deleted: nothing to react to
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return err
	}
	old, new := j.Args.Old, j.Args.New
	ev := workflow.Event{Type: typ, Old: old, New: new}
	set, err := e.automations(ctx)
	if err != nil {
		return err
	}
	var firstErr error
	if typ != workflow.TriggerDeleted {
		firstErr = e.afterSLAEvent(ctx, object, record, doc)
	}
	if typ == workflow.TriggerUpdated {
		if err := e.planRefresh(ctx, j.ID, object, record, old, new); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for _, a := range set.byObject[object] {
		if a.Trigger.Type == workflow.TriggerTimeRelative {
			if err := e.planTimer(ctx, a, record, ev); err != nil && firstErr == nil {
				firstErr = err
			}
			continue
		}
		if !a.Fires(ev, def.obj) {
			continue
		}
		if err := e.runAutomation(ctx, a, def, record, new, old, typ, j.ID+":"+a.Name); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// confirmEvent tells whether the write of an event happened, with the record as stored now (nil
// when gone). In a transaction the event is stored with its write or not at all: a create or an
// update happened (if the record is gone, there is nothing left to react to), a delete too. On a
// store without transactions the event is stored first: a create or update happened when the
// record lists the event, or when its audit entry is stored, since the id leaves the record only
// after that (see settleEvents); a delete, see confirmDelete.
func (e *Engine) confirmEvent(ctx context.Context, id, object, record, typ string) (store.Doc, bool, error) {
	doc, err := e.store.Get(ctx, recordsColl(object), record)
	if errors.Is(err, store.ErrNotFound) {
		doc, err = nil, nil
	}
	if err != nil {
		return nil, false, storeErr(err)
	}
	switch {
	case typ == workflow.TriggerDeleted && doc != nil:
		return nil, false, nil // the delete did not happen
	case e.store.Atomic():
		return doc, doc != nil || typ == workflow.TriggerDeleted, nil
	case typ == workflow.TriggerDeleted:
		ok, err := e.confirmDelete(ctx, id, object, record)
		return nil, ok, err
	}
	if ids, _ := doc[recordEventKey].([]any); slices.Contains(ids, any(id)) {
		return doc, true, nil
	}
	ok, err := e.audited(ctx, id)
	return doc, ok, err
}

// confirmDelete tells whether the delete of a gone record was this event's, on a store without
// transactions. Its own audit entry says yes. Without one, the record was deleted either by this
// event (a crash came between the delete and the entry) or by another delete; one that completed
// left its entry, and of two cut short alike the first to run stores its entry and the other then
// sees it, so exactly one entry is stored (unless two engines run the two events at the same
// moment).
func (e *Engine) confirmDelete(ctx context.Context, id, object, record string) (bool, error) {
	if ok, err := e.audited(ctx, id); ok || err != nil {
		return ok, err
	}
	others, err := e.store.Find(ctx, collAudit, store.Query{Filter: store.And{
		store.Compare{Field: "record", Op: store.Eq, Value: record},
		store.Compare{Field: "object", Op: store.Eq, Value: object},
		store.Compare{Field: "action", Op: store.Eq, Value: "record_deleted"}}, Limit: 1})
	if err != nil {
		return false, storeErr(err)
	}
	return len(others) == 0, nil
}

// audited tells whether the audit entry of an event is stored.
func (e *Engine) audited(ctx context.Context, id string) (bool, error) {
	_, err := e.store.Get(ctx, collAudit, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, storeErr(err)
}
