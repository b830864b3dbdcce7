package engine

import (
	"context"
	"errors"
	"slices"

	"crm/engine/jobs"
	"crm/engine/store"
)

// Merge folds duplicates (the losers) into one record (the winner). The winner keeps, per field,
// the value of the record the caller chose; the losers are deleted and each leaves a tombstone
// (record_merges) so that its address answers 410 record_merged with merged_into. What pointed
// at the losers then points at the winner: lookups of every object are rewritten by a durable
// merge job (record_merge_job.go); the losers' history, automation runs and approvals are
// shown with the winner's (mergedWith), so the append-only trails are never rewritten.
//
// The write is one store.Batch: the events of the winner's update and the losers' deletes
// (their automations run as for any update and delete), the merge job, then per loser its
// tombstone, its delete and its audit entry, then the winner's replace and audit entry. The
// losers go first so that the winner may take a unique value from one of them.

// MaxMergeLosers is how many records one merge folds into its winner.
const MaxMergeLosers = 3

// collMerges holds the tombstones of merged records, by object:record.
const collMerges = "record_merges"

// MergeRequest names the winner, the losers and, per field, the record whose value the winner
// keeps (a field not named keeps the winner's value).
type MergeRequest struct {
	Winner string            `json:"winner"`
	Losers []string          `json:"losers"`
	Fields map[string]string `json:"fields"`
}

func tombstoneID(object, record string) string { return object + ":" + record }

// MergeRecords merges req.Losers into req.Winner and answers the winner as stored. The caller
// must be allowed to change the winner and delete every loser; a record waiting for an approval
// is refused, even to admins (its approval would lose its record). Any refusal changes nothing.
func (e *Engine) MergeRecords(ctx context.Context, by *Actor, object string, req MergeRequest, locale string) (Record, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit || !g.perm.Delete {
		return nil, ErrForbidden
	}
	if err := checkMerge(def, g, req); err != nil {
		return nil, err
	}
	ids := append([]string{req.Winner}, req.Losers...)
	docs := make([]store.Doc, len(ids))
	for i, id := range ids {
		if docs[i], err = e.writableDoc(ctx, def, g, id); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		if err := e.refuseLocked(ctx, object, id); err != nil {
			return nil, err
		}
	}
	winner := docs[0]
	losers := map[string]store.Doc{}
	for i, id := range req.Losers {
		losers[id] = docs[i+1]
	}
	patch := map[string]any{}
	for f, from := range req.Fields {
		if from != req.Winner {
			patch[f] = wire(def, losers[from])[f] // nil when the chosen record has none: cleared
		}
	}
	version, err := docVersion(recordsColl(object), winner)
	if err != nil {
		return nil, err
	}
	// No duplicate check: the merge resolves duplicates, and its values are ones stored already.
	stored, _, err := e.planUpdate(ctx, by, def, g, winner, version, patch, locale, nil, false)
	if err != nil {
		return nil, err
	}

	jobID := newID()
	m := mergeArgs{Object: object, Winner: req.Winner, Losers: anyList(req.Losers)}
	ev, err := e.beginEvent(ctx, object, req.Winner, "updated", winner, stored)
	if err != nil {
		return nil, err
	}
	if err := e.settleEvents(ctx, markEvent(stored, winner, ev.id)); err != nil {
		return nil, err
	}
	winnerMarks, err := e.rollupMarks(ctx, ev, object, winner, stored)
	if err != nil {
		return nil, err
	}
	rec := wire(def, stored)
	delete(stored, "version")
	winnerAudit := e.auditDoc(ctx, by, auditEntry{Action: "record_merged", Object: object, Record: req.Winner,
		Changes: diff(wire(def, winner), rec), Merged: req.Losers})
	head, err := e.eventOps(ev, winnerMarks, winnerAudit)
	if err != nil {
		return nil, err
	}
	marked := len(winnerMarks) > 0
	events := []event{ev}
	var body []store.WriteOp
	for _, id := range req.Losers {
		old := losers[id]
		lv, err := docVersion(recordsColl(object), old)
		if err != nil {
			return nil, err
		}
		lev, err := e.beginEvent(ctx, object, id, "deleted", old, nil)
		if err != nil {
			return nil, err
		}
		pending, _ := old[recordEventKey].([]any)
		if err := e.settleEvents(ctx, pending); err != nil {
			return nil, err
		}
		// The parents whose roll-ups counted a loser are folded again (record_rollups.go).
		marks, err := e.rollupMarks(ctx, lev, object, old, nil)
		if err != nil {
			return nil, err
		}
		marked = marked || len(marks) > 0
		audit := e.auditDoc(ctx, by, auditEntry{Action: "record_merged", Object: object, Record: id,
			Changes: diff(wire(def, old), nil), MergedInto: req.Winner})
		evOps, err := e.eventOps(lev, marks, audit)
		if err != nil {
			return nil, err
		}
		head = append(head, evOps...)
		events = append(events, lev)
		tomb := store.Doc{"id": tombstoneID(object, id), "object": object, "record": id, "merged_into": req.Winner,
			"merge": jobID, "at": e.stamp(), "by": by.ID}
		body = append(body,
			store.WriteOp{Kind: store.OpInsert, Coll: collMerges, Doc: tomb},
			store.WriteOp{Kind: store.OpDelete, Coll: recordsColl(object), ID: id, Expect: lv})
		body = append(append(body, marks...), store.WriteOp{Kind: store.OpInsert, Coll: collAudit, Doc: audit})
		if !e.store.Atomic() {
			m.Tombstones = append(m.Tombstones, map[string]any(tomb))
			m.Audits = append(m.Audits, map[string]any(audit))
		}
	}
	body = append(body, store.WriteOp{Kind: store.OpReplace, Coll: recordsColl(object), Doc: stored, Expect: version})
	body = append(append(body, winnerMarks...), store.WriteOp{Kind: store.OpInsert, Coll: collAudit, Doc: winnerAudit})
	if !e.store.Atomic() {
		m.WinnerDoc, m.WinnerVersion, m.WinnerAudit, m.Patch = stored, version, winnerAudit, patch
	}
	payload, err := jobs.Encode(m)
	if err != nil {
		return nil, err
	}
	job := e.jobDoc(jobID, m.Kind(), e.now().Add(mergeGrace), payload, 0)
	ops := append(append(head, store.WriteOp{Kind: store.OpInsert, Coll: collJobs, Doc: job}), body...)
	if err := e.store.Batch(ctx, ops); err != nil {
		if errors.Is(err, store.ErrDuplicateID) {
			// A loser's tombstone is there: someone merged it a moment ago.
			return nil, errorf(KindConflict, "version_conflict", "a record of the merge changed meanwhile; reload and try again")
		}
		return nil, recordWriteErr(err, locale)
	}
	if marked {
		e.kickRollups()
	}
	for _, ev := range events {
		e.afterEvent(ctx, ev)
	}
	e.runMergeNow(ctx, job)
	return g.strip(rec), nil
}

// checkMerge refuses a malformed merge before anything is read: the shape of the request and the
// fields it chooses values of. A hidden field is refused as an unknown one, so nothing tells it.
func checkMerge(def *definition, g *grant, req MergeRequest) error {
	if req.Winner == "" || len(req.Losers) == 0 {
		return errorf(KindInvalid, "merge_invalid_records", "name the winner and at least one record to merge into it")
	}
	if len(req.Losers) > MaxMergeLosers {
		return errorf(KindValidation, "merge_too_many", "at most %d records merge into one at a time", MaxMergeLosers)
	}
	seen := map[string]bool{req.Winner: true}
	for _, id := range req.Losers {
		if id == "" || seen[id] {
			return errorf(KindInvalid, "merge_invalid_records", "record %q is named twice in the merge", id)
		}
		seen[id] = true
	}
	for f, from := range req.Fields {
		fd := def.obj.Field(f)
		ok := f == "owner" || (fd != nil && !fd.Computed() && !g.hidden[f])
		if !ok {
			return &Error{Kind: KindValidation, Code: "merge_invalid_field", Message: "field " + f + " cannot be chosen in a merge of " + def.obj.Name,
				Details: map[string]any{"field": f}}
		}
		if !seen[from] {
			return &Error{Kind: KindValidation, Code: "merge_invalid_choice", Message: "the value of " + f + " must come from one of the merged records",
				Details: map[string]any{"field": f}}
		}
	}
	return nil
}

// goneIfMerged turns the not-found of a record that was merged into 410 record_merged, naming
// the record it went into, for a reader who may see that record; to others a merged record is
// not found, as it was before (the tombstone would name a record they may not know of).
func (e *Engine) goneIfMerged(ctx context.Context, def *definition, g *grant, id string, err error) error {
	if !isNotFound(err) {
		return err
	}
	object := def.obj.Name
	d, gerr := e.store.Get(ctx, collMerges, tombstoneID(object, id))
	if errors.Is(gerr, store.ErrNotFound) {
		return err
	}
	if gerr != nil {
		return storeErr(gerr)
	}
	into, _ := d["merged_into"].(string)
	if _, verr := e.visibleDoc(ctx, def, g, into); verr != nil {
		if isNotFound(verr) {
			return err
		}
		return verr
	}
	return &Error{Kind: KindGone, Code: "record_merged", Message: "the " + object + " record " + id + " was merged into " + into,
		Details: map[string]any{"merged_into": into, "object": object}}
}

// mergedWith is id with the records merged into it, whose trails (history, runs, approvals) are
// shown with its own. Tombstones of a record merged into a loser are moved on by the merge job,
// so one read finds them all.
func (e *Engine) mergedWith(ctx context.Context, object, id string) ([]any, error) {
	docs, err := e.store.Find(ctx, collMerges, store.Query{Filter: store.Compare{Field: "merged_into", Op: store.Eq, Value: id, Scalar: true}, Limit: MaxPageSize})
	if err != nil {
		return nil, storeErr(err)
	}
	out := []any{id}
	for _, d := range docs {
		if r, _ := d["record"].(string); r != "" && d["object"] == object && !slices.Contains(out, any(r)) {
			out = append(out, r)
		}
	}
	return out, nil
}
