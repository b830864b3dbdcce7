package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/workflow"
)

// SLA escalation: a record's threshold comes due; its warnings and escalation levels fire once.

// handleSLA runs when a record's next threshold comes: the effects of every threshold reached
// (warning actions, escalation levels), each once, then the state with them marked fired.
func (e *Engine) handleSLA(ctx context.Context, j *jobs.Job[slaArgs]) error {
	object, record, at := j.Args.Object, j.Args.Record, j.Args.At
	doc, err := e.store.Get(ctx, recordsColl(object), record)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	if next, err := nextAt(recordsColl(object), doc); err != nil || next != at {
		return err // nil: re-planned by a later write: another job carries the record's next time
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return err
	}
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return err
	}
	p, st, err := e.measureNow(ctx, def, set, doc)
	if p == nil || err != nil {
		return err
	}
	reached, policy := p.Reached(st), p.Name
	// Effects first, each under a key of the record, metric, clock start and threshold: a re-run
	// (a crash before the marks are stored, another engine) repeats none of them.
	for _, t := range reached {
		a := slaActions(p, t)
		if a == nil {
			continue
		}
		m := metricOf(st, t.Metric)
		key := fmt.Sprintf("sla:%s:%s:%s:%s:%s", record, st.Policy, t.Metric, m.StartedAt, t.Key)
		if err := e.runAutomation(ctx, a, def, record, doc, nil, "sla_"+t.Key, key); err != nil {
			return err
		}
	}
	// Then the marks, on the record as it is now (the effects may have changed it).
	for attempt := 0; attempt < 10; attempt++ {
		doc, err := e.store.Get(ctx, recordsColl(object), record)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return storeErr(err)
		}
		def, err := e.current(ctx, object)
		if err != nil {
			return err
		}
		p, st, err := e.measureNow(ctx, def, set, doc)
		if p == nil || err != nil {
			return err
		}
		for _, t := range reached {
			if p.Name == policy {
				st.MarkFired(t)
			}
		}
		if err := putSLA(doc, p, st, e.now(), set.schedule(p.Calendar)); err != nil {
			return err
		}
		version, err := docVersion(recordsColl(object), doc)
		if err != nil {
			return err
		}
		delete(doc, "version")
		err = e.store.Replace(ctx, recordsColl(object), doc, version)
		if errors.Is(err, store.ErrVersionConflict) {
			continue
		}
		if err != nil {
			return storeErr(err)
		}
		return e.afterSLAEvent(ctx, object, record, doc)
	}
	return fmt.Errorf("SLA state of %s %s kept changing; retried", object, record)
}

func slaActions(p *workflow.CompiledPolicy, t workflow.Threshold) *workflow.Compiled {
	switch {
	case t.Level < 0:
		return nil // the breach itself is a status; its actions are escalation levels
	case t.Key[0] == 'w':
		return p.WarningActions[t.Level]
	default:
		return p.EscalationActions[t.Level]
	}
}
