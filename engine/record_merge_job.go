package engine

import (
	"context"
	"errors"
	"slices"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
)

// The merge job moves what pointed at the losers of a merge to its winner: every lookup of every
// object (a task's related account, an opportunity's account), and the tombstones of records
// merged into a loser before. Each child is rewritten as the system through the write pipeline
// (UpdateRecord with the lookup changed): its formulas and SLA follow the new parent, it gets its
// audit entry, and its automations see an update of that lookup, as for any re-parenting by hand.
// A child that no longer validates gets only its lookup changed (see pointAt), so no lookup is
// left on a tombstone. A crash mid-way loses nothing: the job is retried, and the children already
// moved no longer match.
//
// On a store without transactions the job also completes a merge a crash cut short (completeMerge):
// it is stored ahead of the merge's writes and carries them. It is due before the events of those
// writes (mergeGrace < eventGrace), so that they find their writes complete.
const mergeGrace = eventGrace / 2

// mergeArgs: the losers of a merge of Object went into Winner.
type mergeArgs struct {
	Object string `json:"object"`
	Winner string `json:"winner"`
	Losers []any  `json:"losers"`
	// What a store without transactions needs to complete the merge: per loser its tombstone and
	// audit entry; the winner as written, the version it replaced, its audit entry and the patch.
	Tombstones    []any          `json:"tombstones,omitempty"`
	Audits        []any          `json:"audits,omitempty"`
	WinnerDoc     map[string]any `json:"winner_doc,omitempty"`
	WinnerVersion int64          `json:"winner_version,omitempty"`
	WinnerAudit   map[string]any `json:"winner_audit,omitempty"`
	Patch         map[string]any `json:"patch,omitempty"`
}

func (mergeArgs) Kind() string { return "merge" }

// runMergeNow runs a merge's job in the request that stored it, so that the caller finds the
// children moved; if it fails, the scheduler runs it again.
func (e *Engine) runMergeNow(ctx context.Context, job store.Doc) {
	id, _ := job["id"].(string)
	d, err := e.store.Get(ctx, collJobs, id)
	if err == nil {
		var j *Job
		if j, err = jobFromDoc(d); err == nil {
			j.ReadyAt = e.stamp()
			_, err = e.runJobNow(ctx, j)
		}
	}
	if err != nil {
		e.log.Warn("merge job not run now; the scheduler runs it", "job", id, "err", err)
	}
}

func (e *Engine) handleMerge(ctx context.Context, j *jobs.Job[mergeArgs]) error {
	if !e.store.Atomic() {
		happened, err := e.completeMerge(ctx, j.ID, j.Args)
		if err != nil || !happened {
			return err
		}
	}
	return e.repoint(ctx, j.Args)
}

// completeMerge finishes, on a store without transactions, the writes of a merge a crash cut
// short, and tells whether the merge happened: its first write, the first loser's tombstone
// naming this job, is stored.
func (e *Engine) completeMerge(ctx context.Context, jobID string, a mergeArgs) (bool, error) {
	if len(a.Tombstones) == 0 || len(a.Tombstones) != len(a.Losers) || len(a.Audits) != len(a.Losers) {
		return true, nil // nothing carried to complete
	}
	first, _ := a.Tombstones[0].(map[string]any)
	id, _ := first["id"].(string)
	d, err := e.store.Get(ctx, collMerges, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, storeErr(err)
	}
	if d["merge"] != jobID {
		return false, nil // another merge's tombstone: this one never began
	}
	coll := recordsColl(a.Object)
	for i, t := range a.Tombstones {
		tomb, _ := t.(map[string]any)
		if err := e.store.Insert(ctx, collMerges, tomb); err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return false, storeErr(err)
		}
		loser, _ := a.Losers[i].(string)
		doc, err := e.store.Get(ctx, coll, loser)
		if err == nil {
			pending, _ := doc[recordEventKey].([]any)
			if err := e.settleEvents(ctx, pending); err != nil {
				return false, err
			}
			err = e.store.Delete(ctx, coll, loser, 0)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, storeErr(err)
		}
		audit, _ := a.Audits[i].(map[string]any)
		if err := e.storeAudit(ctx, audit); err != nil {
			return false, err
		}
	}
	doc, err := e.store.Get(ctx, coll, a.Winner)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil // the winner is gone since: nothing of it to complete
	}
	if err != nil {
		return false, storeErr(err)
	}
	marks, _ := a.WinnerDoc[recordEventKey].([]any)
	ids, _ := doc[recordEventKey].([]any)
	auditID, _ := a.WinnerAudit["id"].(string)
	written := len(marks) > 0 && slices.Contains(ids, marks[len(marks)-1])
	if !written && auditID != "" {
		if written, err = e.audited(ctx, auditID); err != nil {
			return false, err
		}
	}
	if !written {
		v, err := docVersion(coll, doc)
		if err != nil {
			return false, err
		}
		err = e.store.Replace(ctx, coll, a.WinnerDoc, a.WinnerVersion)
		switch {
		case err == nil:
			written = true
		case errors.Is(err, store.ErrVersionConflict):
			// Changed since the crash: the chosen values go in as an update of their own.
			if _, err := e.UpdateRecord(ctx, SystemActor, a.Object, a.Winner, a.Patch, 0, "en"); err != nil {
				e.log.Warn("merge: the winner did not take the chosen values", "record", a.Winner, "version", v, "err", err)
			}
		default:
			return false, storeErr(err)
		}
	}
	if written {
		if err := e.storeAudit(ctx, a.WinnerAudit); err != nil {
			return false, err
		}
	}
	return true, nil
}

// repoint moves to the winner the tombstones and the lookups of every object that name a loser.
func (e *Engine) repoint(ctx context.Context, a mergeArgs) error {
	for _, l := range a.Losers {
		earlier, err := e.store.Find(ctx, collMerges, store.Query{Filter: store.Compare{Field: "merged_into", Op: store.Eq, Value: l, Scalar: true}})
		if err != nil {
			return storeErr(err)
		}
		for _, t := range earlier {
			v, err := docVersion(collMerges, t)
			if err != nil {
				return err
			}
			delete(t, "version")
			t["merged_into"] = a.Winner
			if err := e.store.Replace(ctx, collMerges, t, v); err != nil && !errors.Is(err, store.ErrNotFound) {
				return storeErr(err)
			}
		}
	}
	names, err := e.objectNames(ctx)
	if err != nil {
		return err
	}
	for _, child := range names {
		def, err := e.current(ctx, child)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		for _, f := range def.obj.Fields {
			if f.Type != forms.TypeLookup || f.Target != a.Object {
				continue
			}
			docs, err := e.store.Find(ctx, recordsColl(child), store.Query{Filter: store.In{Field: f.Name, Values: a.Losers, Scalar: true}})
			if err != nil {
				return storeErr(err)
			}
			for _, d := range docs {
				id, _ := d["id"].(string)
				_, err := e.UpdateRecord(ctx, SystemActor, child, id, map[string]any{f.Name: a.Winner}, 0, "en")
				if ee := (*Error)(nil); errors.As(err, &ee) && ee.Kind != KindUnavailable && ee.Kind != KindNotFound {
					e.log.Warn("merge: a child that no longer validates gets only its lookup moved", "object", child, "record", id, "err", err)
					err = e.pointAt(ctx, def, d, f.Name, a.Winner)
				}
				if err != nil && !isNotFound(err) {
					return err
				}
			}
		}
	}
	return nil
}

// pointAt changes only one lookup of a stored record, with its audit entry: for a child whose
// other values the pipeline refuses now (a rule added since), so that it does not keep pointing
// at a merged record. Its formulas follow at its next write.
func (e *Engine) pointAt(ctx context.Context, def *definition, doc store.Doc, field, to string) error {
	coll := recordsColl(def.obj.Name)
	v, err := docVersion(coll, doc)
	if err != nil {
		return err
	}
	next := make(store.Doc, len(doc))
	for k, x := range doc {
		next[k] = x
	}
	delete(next, "version")
	id, _ := doc["id"].(string)
	old := doc[field]
	next[field] = to
	next["updated_at"], next["updated_by"] = e.stamp(), SystemActor.ID
	audit := e.auditDoc(ctx, SystemActor, auditEntry{Action: "record_updated", Object: def.obj.Name, Record: id,
		Changes: map[string]Change{field: {Old: old, New: to}}})
	return storeErr(e.store.Batch(ctx, []store.WriteOp{
		{Kind: store.OpReplace, Coll: coll, Doc: next, Expect: v},
		{Kind: store.OpInsert, Coll: collAudit, Doc: audit}}))
}
