package engine

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"strconv"

	"crm/engine/store"
	"crm/rules"
)

// Keeping roll-ups current. A roll-up's value is stored on its parent record, so that filters,
// sorts, lists, exports, reports and formulas read it like any field.
//
// Design: recompute from the children, never apply deltas. A child write that changes what a
// roll-up reads (its lookup, the summarized field, a field the filter reads; a create or delete)
// stores a mark naming each parent concerned, the old one and the new one when the lookup moved,
// in the write's own batch (one insert more in the same commit: the writer pays for nothing
// else). Marks are settled soon after by the writing process (the scheduler's settle loop, a few
// milliseconds later) and, for marks left by a crash or another process, by every scheduler
// tick: a settle claims the parent (a lease in job_claims, so one process at a time), reads its
// marks, folds its children as stored now, writes the values that changed through the record
// pipeline as the system (so formulas over a roll-up follow, and the change is audited), and
// only then deletes the marks it read.
//
// Why this is right under concurrent writers: a mark is stored with its child write, so when a
// settle reads it the write is visible to the fold that follows; a mark stored after the read
// stays and causes another fold. A fold reads whole children, so it never depends on the order
// in which writes arrived, and many marks of one parent cost one fold (coalesced). Deltas ($inc)
// would be faster but are wrong for min, max and filtered averages and drift when a write and its
// delta part on a crash; FerretDB has no transactions to tie them.
//
// Consistency guarantee: eventually consistent, within the settle delay (about 50 ms) in the
// process that wrote, and at the latest within one scheduler tick (CRM_TICK_INTERVAL, 5 s) when
// that process stopped; durable across crashes (the mark is committed with the write). A failed
// fold (the parent no longer valid under its own validation rules) is logged and the value
// stays until the next child write.
const (
	collRollupMarks = "rollup_marks"
	rollupRounds    = 20   // folds of one parent per settle; marks past them wait for the next
	rollupMarksRead = 1000 // marks read per round
)

var rollupMarkIndexes = []store.Index{{Field: "record"}, {Field: "at"}}

// rollupMarks are the marks a write of a record of object leaves (old nil: a create; new nil: a
// delete): one per parent whose roll-ups read what changed.
// Marks take ids from the write's event when it has one, so that the event's repair (a crash cut
// a batch on a store without transactions, see commitWrite) stores each once.
func (e *Engine) rollupMarks(ctx context.Context, ev event, object string, old, new store.Doc) ([]store.WriteOp, error) {
	rs, err := e.rollupsOver(ctx, object)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	seen := map[string]bool{}
	var ops []store.WriteOp
	now := e.stamp()
	for _, r := range rs {
		if old != nil && new != nil && !readsChanged(r, old, new) {
			continue
		}
		for _, d := range []store.Doc{old, new} {
			id, _ := d[r.Field.ChildLookup].(string)
			if id == "" || seen[r.Parent+"/"+id] {
				continue
			}
			seen[r.Parent+"/"+id] = true
			mark := newID()
			if ev.id != "" {
				mark = ev.id + "." + strconv.Itoa(len(ops))
			}
			ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: collRollupMarks,
				Doc: store.Doc{"id": mark, "object": r.Parent, "record": id, "at": now}})
		}
	}
	return ops, nil
}

func readsChanged(r *rules.Rollup, old, new store.Doc) bool {
	for _, n := range r.Reads() {
		if !reflect.DeepEqual(old[n], new[n]) {
			return true
		}
	}
	return false
}

// restoreMarks stores the marks an event carries that a crash kept from being stored with its
// write (on a store without transactions). A mark stored already, or settled since, costs at
// most one fold more.
func (e *Engine) restoreMarks(ctx context.Context, marks []any) error {
	for _, v := range marks {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if err := e.store.Insert(ctx, collRollupMarks, maps.Clone(m)); err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return storeErr(err)
		}
	}
	if len(marks) > 0 {
		e.kickRollups()
	}
	return nil
}

// kickRollups asks the settle loop of this process's scheduler to run soon.
func (e *Engine) kickRollups() {
	select {
	case e.rollupKick <- struct{}{}:
	default: // one is pending: it will see this write's marks too
	}
}

// settleRollups folds the parents that have marks, oldest first, and answers how many it
// folded. Parents another process is folding are left to it.
func (e *Engine) settleRollups(ctx context.Context) (int, error) {
	docs, err := e.store.Find(ctx, collRollupMarks, store.Query{Sort: []store.SortKey{{Field: "at"}}, Limit: rollupMarksRead})
	if err != nil {
		return 0, storeErr(err)
	}
	seen := map[string]bool{}
	n := 0
	for _, d := range docs {
		object, _ := d["object"].(string)
		record, _ := d["record"].(string)
		if seen[object+"/"+record] {
			continue
		}
		seen[object+"/"+record] = true
		ok, err := e.settleParent(ctx, object, record)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// settleParent folds one parent while it has marks; false when another process holds it.
func (e *Engine) settleParent(ctx context.Context, object, record string) (bool, error) {
	claim := "rollup:" + object + "/" + record
	ok, err := e.claimLease(ctx, claim)
	if err != nil || !ok {
		return false, err
	}
	defer func() {
		if err := e.store.Delete(context.WithoutCancel(ctx), collClaims, claim, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			e.log.Warn("roll-up claim not released; it expires with its lease", "claim", claim, "err", err)
		}
	}()
	for round := 0; round < rollupRounds; round++ {
		marks, err := e.store.Find(ctx, collRollupMarks, store.Query{Filter: store.And{
			store.Compare{Field: "record", Op: store.Eq, Value: record, Scalar: true},
			store.Compare{Field: "object", Op: store.Eq, Value: object, Scalar: true}}, Limit: rollupMarksRead})
		if err != nil {
			return true, storeErr(err)
		}
		if len(marks) == 0 {
			break
		}
		if err := e.foldRollups(ctx, object, record); err != nil {
			return true, err
		}
		ops := make([]store.WriteOp, len(marks))
		for i, m := range marks {
			ops[i] = store.WriteOp{Kind: store.OpDelete, Coll: collRollupMarks, ID: m["id"].(string)}
		}
		if err := e.store.Batch(ctx, ops); err != nil {
			return true, storeErr(err)
		}
	}
	return true, nil
}

// claimLease takes a named lease in job_claims for this process; false while another process
// holds it. A lease whose holder died (expired) is taken over.
func (e *Engine) claimLease(ctx context.Context, id string) (bool, error) {
	for attempt := 0; attempt < 2; attempt++ {
		now := e.now()
		// Not cancelled midway: an insert that lands after its caller gave up (a scheduler
		// stopping) would leave a lease nobody releases until it expires.
		err := e.store.Insert(context.WithoutCancel(ctx), collClaims, store.Doc{"id": id, "owner": e.node, "until": stamp(now.Add(e.lease))})
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, store.ErrDuplicateID) {
			return false, storeErr(err)
		}
		d, err := e.store.Get(ctx, collClaims, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, storeErr(err)
		}
		if until, _ := d["until"].(string); until > stamp(now) {
			return false, nil
		}
		v, _ := d["version"].(int64)
		if err := e.store.Delete(ctx, collClaims, id, v); err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrVersionConflict) {
			return false, storeErr(err)
		}
	}
	return false, nil
}

// foldRollups computes every roll-up of one parent from its children as stored now and writes
// the values that changed. A parent that is gone needs none.
func (e *Engine) foldRollups(ctx context.Context, object, record string) error {
	def, err := e.current(ctx, object)
	if isNotFound(err) || (err == nil && len(def.rollups) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	doc, err := e.store.Get(ctx, recordsColl(object), record)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	values := map[string]any{}
	children := map[string][]store.Doc{} // child object and lookup -> children, read once
	rc := e.ruleContext(SystemActor)
	for _, r := range def.rollups {
		key := r.Child.Name + "." + r.Field.ChildLookup
		docs, ok := children[key]
		if !ok {
			docs, err = e.store.Find(ctx, recordsColl(r.Child.Name), store.Query{
				Filter: store.Compare{Field: r.Field.ChildLookup, Op: store.Eq, Value: record, Scalar: true}})
			if err != nil {
				return storeErr(err)
			}
			children[key] = docs
		}
		v, err := r.Fold(docs, rc)
		if err != nil {
			e.log.Warn("roll-up not computed", "object", object, "record", record, "field", r.Field.Name, "err", err)
			continue
		}
		stored, err := r.Field.StoreValue(v)
		if err != nil {
			e.log.Warn("roll-up not computed", "object", object, "record", record, "field", r.Field.Name, "err", err)
			continue
		}
		if !reflect.DeepEqual(stored, doc[r.Field.Name]) {
			values[r.Field.Name] = v
		}
	}
	if len(values) == 0 {
		return nil
	}
	_, err = e.updateRecord(ctx, SystemActor, object, record, map[string]any{}, 0, "en", values)
	var ee *Error
	switch {
	case err == nil, isNotFound(err):
		return nil
	case errors.As(err, &ee) && ee.Kind != KindUnavailable:
		e.log.Warn("roll-up not stored: the parent refuses the write", "object", object, "record", record, "err", err)
		return nil
	}
	return err
}
