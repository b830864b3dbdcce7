package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/rules"
	"crm/workflow"
)

// Running automations: the timers a record event plans, a run's actions applied in order, its
// run log, and the manual run from a record's button.

// planTimer (re)plans a time-relative automation when the record is created, when its date
// field changes, and drops it when the record is deleted or the field emptied.
func (e *Engine) planTimer(ctx context.Context, a *workflow.Compiled, record string, ev workflow.Event) error {
	id := "timer:" + a.Name + ":" + record
	field := a.Trigger.Field
	if ev.Type == workflow.TriggerUpdated && fmt.Sprint(ev.Old[field]) == fmt.Sprint(ev.New[field]) {
		return nil // the field did not change: the planned timer stands (or has fired)
	}
	if err := e.store.Delete(ctx, collJobs, id, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeErr(err)
	}
	if ev.Type == workflow.TriggerDeleted {
		return nil
	}
	// The timer follows the field as stored now, after every automation of the write has run:
	// one of them may have moved it (a "last activity" stamp) after this event was taken.
	doc, err := e.store.Get(ctx, recordsColl(a.Object), record)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	due, ok := a.Due(doc)
	if !ok {
		return nil
	}
	if due.After(maxDue) {
		e.logRun(ctx, store.Doc{"id": derivedID("run:" + id + "@" + fmt.Sprint(doc[field])), "object": a.Object, "record": record,
			"automation": a.Name, "trigger": "timer", "at": e.stamp(), "result": "not_planned",
			"error": fmt.Sprintf("%s %v plus the offset is past 9999-12-31: the timer never fires", field, doc[field])})
		return nil
	}
	_, err = e.insertJob(ctx, id, timerArgs{Automation: a.Name, Object: a.Object, Record: record, Due: stamp(due)}, due)
	return err
}

// handleTimer runs a time-relative automation whose time has come, if the record still says so.
func (e *Engine) handleTimer(ctx context.Context, j *jobs.Job[timerArgs]) error {
	name, object, record, due := j.Args.Automation, j.Args.Object, j.Args.Record, j.Args.Due
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
	// A timer that does not run says why in the record's run log.
	dropped := func(reason string) error {
		e.logRun(ctx, store.Doc{"id": derivedID("run:" + j.ID + "@" + due), "object": object, "record": record,
			"automation": name, "trigger": "timer", "at": e.stamp(), "result": "dropped", "reason": reason})
		return nil
	}
	if a == nil {
		return dropped("the automation was deleted")
	}
	if a.Disabled {
		return dropped("the automation is switched off")
	}
	doc, err := e.store.Get(ctx, recordsColl(object), record)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the record is gone, and its run log with it
	}
	if err != nil {
		return storeErr(err)
	}
	if now, ok := a.Due(doc); !ok {
		return dropped(fmt.Sprintf("%s is empty now", a.Trigger.Field))
	} else if stamp(now) != due {
		return dropped(fmt.Sprintf("%s changed: the timer was planned again for %s", a.Trigger.Field, stamp(now)))
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return err
	}
	return e.runAutomation(ctx, a, def, record, doc, nil, "timer", j.ID+"@"+due)
}

// runAutomation decides and applies one automation for one record, and logs the run. key makes
// the effects idempotent: a re-run with the same key creates nothing twice.
func (e *Engine) runAutomation(ctx context.Context, a *workflow.Compiled, def *definition, record string, doc, old store.Doc, trigger, key string) error {
	run := store.Doc{"id": derivedID("run:" + key), "object": a.Object, "record": record, "automation": a.Name,
		"trigger": trigger, "definition_version": def.version, "at": e.stamp()}
	depth := depthOf(ctx)
	if depth >= maxDepth {
		run["result"] = "stopped"
		run["error"] = fmt.Sprintf("automations triggered each other %d levels deep; stopped here to break a loop", depth)
		e.log.Warn("automation loop stopped", "automation", a.Name, "record", record, "depth", depth)
		e.logRun(ctx, run)
		return nil
	}
	ctx = context.WithValue(ctx, depthKey{}, depth+1)
	scope, err := e.systemScope(ctx, def, doc, old, e.now())
	if err != nil {
		return err
	}
	d := a.Decide(scope)
	run["inputs"] = toStoreKinds(map[string]any(d.Inputs))
	if len(d.Reads) > 0 {
		run["reads"] = anyList(d.Reads)
	}
	if d.Error != "" {
		run["result"], run["error"] = "failed", "condition: "+d.Error
		e.logRun(ctx, run)
		return nil // a condition that cannot be evaluated will not improve by retrying
	}
	if !d.Run {
		run["result"] = "skipped"
		e.logRun(ctx, run)
		return nil
	}
	var results []any
	var firstErr error
	for i, act := range a.Actions {
		res, err := e.applyAction(ctx, a, i, act, def, record, doc, old, trigger, scope, key)
		entry := map[string]any{"action": act.Type, "result": res}
		if err != nil {
			entry["error"] = err.Error()
			if firstErr == nil {
				firstErr = err
			}
		}
		results = append(results, entry)
	}
	run["actions"] = results
	run["result"] = "done"
	if firstErr != nil {
		run["result"] = "failed"
	}
	e.logRun(ctx, run)
	return firstErr
}

func (e *Engine) logRun(ctx context.Context, run store.Doc) {
	err := e.store.Insert(context.WithoutCancel(ctx), collRuns, run)
	if err != nil && !errors.Is(err, store.ErrDuplicateID) {
		e.log.Error("automation run not logged", "automation", run["automation"], "err", err)
	}
}

// applyAction performs one action; the result says what it did, for the run log.
func (e *Engine) applyAction(ctx context.Context, a *workflow.Compiled, i int, act workflow.Action, def *definition, record string, doc, old store.Doc, trigger string, scope rules.Scope, key string) (string, error) {
	akey := fmt.Sprintf("%s:%d", key, i)
	// A created record's id is derived from its run and action, so later actions can link to it
	// and a re-run after a crash finds the same record.
	used, _ := ctx.Value(usedKey{}).(usedRecords)
	if used.key != key {
		used.ids = nil // another run's choice (an automation this one's writes set off)
	}
	createdID := func(j int) string {
		if id, ok := used.ids[j]; ok {
			return id
		}
		return derivedID(fmt.Sprintf("create:%s:%d", key, j))
	}
	switch act.Type {
	case workflow.ActionUpdate:
		vals, err := a.Values(i, scope)
		if err != nil {
			return "", err
		}
		for f, v := range a.Links(i, createdID) {
			vals[f] = v
		}
		object, target := a.Object, record
		if act.Parent != "" {
			// The record the lookup points at, written like any other update of the automation:
			// as its actor, through the whole pipeline of the parent's object.
			parent, _ := doc[act.Parent].(string)
			if parent == "" {
				return "no " + act.Parent, nil
			}
			f := def.obj.Field(act.Parent)
			if f == nil || f.Target == "" {
				return "", permanent(fmt.Errorf("%s is no longer a lookup of %s", act.Parent, a.Object))
			}
			object, target = f.Target, parent
		}
		if _, err := e.UpdateRecord(withEffect(ctx, akey), SystemActor, object, target, vals, 0, "en"); err != nil {
			if isNotFound(err) {
				return "record gone", nil
			}
			if errors.Is(err, errEffectApplied) {
				return "updated (before)", nil // a re-run after a crash: the values are in already
			}
			return "", err
		}
		if act.Parent != "" {
			return "updated " + object + " " + target, nil
		}
		return "updated", nil
	case workflow.ActionCreate:
		if id, ok := used.ids[i]; ok {
			return "used " + id, nil // the user chose a record that exists
		}
		vals, err := a.Values(i, scope)
		if err != nil {
			return "", err
		}
		for f, v := range a.Links(i, createdID) {
			vals[f] = v
		}
		owner, _ := doc["owner"].(string)
		id := createdID(i)
		_, err = e.createRecord(ctx, SystemActor, act.Object, vals, "en", id, owner)
		var ee *Error
		if errors.As(err, &ee) && ee.Code == "record_exists" {
			return "created " + id + " (before)", nil
		}
		if err != nil {
			return "", err
		}
		return "created " + id, nil
	case workflow.ActionNotify:
		n, err := e.notify(ctx, def, act, record, doc, akey)
		return fmt.Sprintf("notified %d", n), err
	case workflow.ActionWebhook:
		return e.queueWebhook(ctx, a, i, act, def, record, doc, old, trigger, key)
	case workflow.ActionAssign:
		return e.assignAction(ctx, def, act, record, akey)
	case workflow.ActionApproval:
		return e.approvalAction(ctx, def, act, record, doc, akey)
	case workflow.ActionEmail:
		return e.emailAction(ctx, a, act, def, record, doc, akey)
	case workflow.ActionReturnToPool:
		return e.returnToPoolAction(ctx, def, act, record)
	}
	return "", permanent(fmt.Errorf("unknown action %q", act.Type))
}

// RunLog is one automation run as the API shows it.
type RunLog = map[string]any

// RecordRuns returns the automation runs of a record the actor may see, and of the records
// merged into it, newest first.
func (e *Engine) RecordRuns(ctx context.Context, by *Actor, object, id string) ([]RunLog, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	if _, err := e.visibleDoc(ctx, def, g, id); err != nil {
		return nil, err
	}
	ids, err := e.mergedWith(ctx, object, id)
	if err != nil {
		return nil, err
	}
	docs, err := e.store.Find(ctx, collRuns, store.Query{Filter: store.In{Field: "record", Values: ids, Scalar: true},
		Sort: []store.SortKey{{Field: "at", Desc: true}}, Limit: 200})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]RunLog, 0, len(docs))
	for _, d := range docs {
		delete(d, "version")
		out = append(out, g.runFor(d))
	}
	return out, e.attachDeliveries(ctx, ids, out)
}

// RunManual runs a manual automation (a button on the record) for a user who may edit the record.
// use answers create actions with records that exist (alias -> record id, see manualUse): such
// an action links the record instead of creating one.
func (e *Engine) RunManual(ctx context.Context, by *Actor, object, id, name string, use map[string]string) (RunLog, error) {
	def, g, doc, a, err := e.manualRun(ctx, by, object, id, name)
	if err != nil {
		return nil, err
	}
	key := "manual:" + newID()
	used, err := e.manualUse(ctx, by, a, use)
	if err != nil {
		return nil, err
	}
	if len(used) > 0 {
		ctx = context.WithValue(ctx, usedKey{}, usedRecords{key: key, ids: used})
	}
	runErr := e.runAutomation(ctx, a, def, id, doc, nil, workflow.TriggerManual, key)
	run, err := e.store.Get(ctx, collRuns, derivedID("run:"+key))
	if err != nil {
		return nil, storeErr(err)
	}
	delete(run, "version")
	run = g.runFor(run)
	if runErr != nil {
		return run, &Error{Kind: KindValidation, Code: "automation_failed", Message: runErr.Error(), Details: run}
	}
	return run, nil
}
