package engine

import (
	"context"
	"errors"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// SLA clocks: the state a record carries (policy, metrics, status, due time), brought up to the
// write that changes it, and the job planned for its next threshold.

// slaStateOf is the SLA state a record of collection coll carries (nil when none). The engine
// alone writes it, so a state of another shape is a corrupt document, not a reason to start the
// clocks afresh.
func slaStateOf(coll string, doc store.Doc) (*workflow.SLAState, error) {
	s, err := storedSLAOf(coll, doc)
	if s == nil || err != nil {
		return nil, err
	}
	return &s.SLAState, nil
}

// nextAt is the instant a record's SLA waits for, as stored ("" when none).
func nextAt(coll string, doc store.Doc) (string, error) {
	s, err := storedSLAOf(coll, doc)
	if s == nil || err != nil {
		return "", err
	}
	return s.NextAt, nil
}

// storedSLA is the SLA key of a record as putSLA writes it.
type storedSLA struct {
	workflow.SLAState
	NextAt string `json:"next_at"`
}

func storedSLAOf(coll string, doc store.Doc) (*storedSLA, error) {
	if doc[slaStateKey] == nil {
		return nil, nil
	}
	var stored struct {
		SLA storedSLA `json:"_sla"`
	}
	if err := decodeDoc(coll, store.Doc{"id": doc["id"], slaStateKey: doc[slaStateKey]}, &stored); err != nil {
		return nil, err
	}
	return &stored.SLA, nil
}

// measure brings the SLA of a record about to be written up to now: the policy that applies to
// its new values, each metric's clock, status and due time. It sets the SLA keys of stored.
func (e *Engine) measure(ctx context.Context, def *definition, old, stored store.Doc) error {
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return err
	}
	pols := set.byObject[def.obj.Name]
	if len(pols) == 0 {
		for _, k := range []string{slaStateKey, slaStatusField, slaDueField} {
			if v, ok := old[k]; ok {
				stored[k] = v // a deleted policy leaves the last state as it was
			}
		}
		return nil
	}
	now := e.now()
	var prev *workflow.SLAState
	if old != nil {
		if prev, err = slaStateOf(recordsColl(def.obj.Name), old); err != nil {
			return err
		}
	}
	if prev != nil {
		prev.Account(now, set.schedule(prev.Calendar))
	}
	scope, err := e.systemScope(ctx, def, stored, old, now)
	if err != nil {
		return err
	}
	p := workflow.ApplicablePolicy(pols, scope)
	if p == nil {
		delete(stored, slaStateKey)
		delete(stored, slaStatusField)
		delete(stored, slaDueField)
		return nil
	}
	st := p.Evaluate(prev, scope, now, set.schedule(p.Calendar))
	return putSLA(stored, p, st, now, set.schedule(p.Calendar))
}

// putSLA stores a state and its summary in a record document.
func putSLA(doc store.Doc, p *workflow.CompiledPolicy, st *workflow.SLAState, now time.Time, sched *workflow.Schedule) error {
	sd, err := structToDoc(st)
	if err != nil {
		return err
	}
	if next, ok := p.Next(st, now, sched); ok {
		sd["next_at"] = stamp(next)
	}
	doc[slaStateKey] = sd
	status, due := st.Summary()
	doc[slaStatusField] = status
	if due != "" {
		doc[slaDueField] = due
	} else {
		delete(doc, slaDueField)
	}
	return nil
}

// afterSLAEvent plans the record's next threshold and keeps the outcome of every metric that
// stopped, for the compliance report. It runs from the record's durable event.
func (e *Engine) afterSLAEvent(ctx context.Context, object, record string, doc store.Doc) error {
	st, err := slaStateOf(recordsColl(object), doc)
	if st == nil || err != nil {
		return err
	}
	for _, m := range st.Metrics {
		if m.StoppedAt == "" {
			continue
		}
		result := workflow.StatusMet
		if m.BreachedAt != "" {
			result = workflow.StatusBreached
		}
		err := e.store.Insert(ctx, collSLAOutcomes, store.Doc{"id": derivedID("sla_outcome:" + record + ":" + m.Metric + ":" + m.StartedAt),
			"object": object, "record": record, "policy": st.Policy, "metric": m.Metric, "result": result,
			"used_ms": m.UsedMs, "target_ms": m.TargetMs, "started_at": m.StartedAt, "stopped_at": m.StoppedAt})
		if err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return storeErr(err)
		}
	}
	next, err := nextAt(recordsColl(object), doc)
	if err != nil {
		return err
	}
	if next != "" {
		at, err := time.Parse(forms.TimeLayout, next)
		if err != nil {
			return permanent(err)
		}
		if _, err := e.insertJob(ctx, "sla:"+record+"@"+next, slaArgs{Object: object, Record: record, At: next}, at); err != nil {
			return err
		}
	}
	return nil
}

// measureNow is a stored record's SLA brought to now without a write.
func (e *Engine) measureNow(ctx context.Context, def *definition, set *slaSet, doc store.Doc) (*workflow.CompiledPolicy, *workflow.SLAState, error) {
	prev, err := slaStateOf(recordsColl(def.obj.Name), doc)
	if prev == nil || err != nil {
		return nil, nil, err
	}
	now := e.now()
	prev.Account(now, set.schedule(prev.Calendar))
	scope, err := e.systemScope(ctx, def, doc, nil, now)
	if err != nil {
		return nil, nil, err
	}
	p := workflow.ApplicablePolicy(set.byObject[def.obj.Name], scope)
	if p == nil {
		return nil, nil, nil
	}
	return p, p.Evaluate(prev, scope, now, set.schedule(p.Calendar)), nil
}

func metricOf(st *workflow.SLAState, name string) workflow.MetricState {
	for _, m := range st.Metrics {
		if m.Metric == name {
			return m
		}
	}
	return workflow.MetricState{}
}
