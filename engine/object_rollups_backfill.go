package engine

import (
	"context"
	"errors"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
)

// The backfill of roll-ups: when a save adds a roll-up or changes how one computes, the records
// the object already has get their values by a durable job (rollup_backfill) that walks them in
// pages by id, marks each page's records and settles them as a child write's marks are settled
// (record_rollups.go), so a backfill and concurrent child writes never fold one parent at once.
// Its progress is a document per object (RollupProgress), checkpointed after every page: a
// restarted job goes on from there. A later save that changes roll-ups again starts a new run;
// the older one stops at its next page.

const (
	collRollupBackfills = "rollup_backfills"
	backfillPage        = 100
)

// Backfill states.
const (
	BackfillRunning = "running"
	BackfillDone    = "done"
)

// RollupProgress is how far the backfill of an object's roll-ups is.
type RollupProgress struct {
	Object     string   `json:"object"`
	Run        string   `json:"run"`
	Fields     []string `json:"fields"`
	State      string   `json:"state"`
	Done       int64    `json:"done"`  // records folded (or queued behind another process's fold)
	Total      int64    `json:"total"` // records when the run began
	Cursor     string   `json:"cursor,omitempty"`
	StartedAt  string   `json:"started_at"`
	FinishedAt string   `json:"finished_at,omitempty"`
	version    int64
}

// backfillArgs: walk an object's records for a backfill run.
type backfillArgs struct {
	Object string `json:"object"`
	Run    string `json:"run"`
}

func (backfillArgs) Kind() string { return "rollup_backfill" }

// startBackfill begins a run over object's records for the roll-ups fields names.
func (e *Engine) startBackfill(ctx context.Context, object string, fields []string) error {
	total, err := e.store.Count(ctx, recordsColl(object), nil)
	if err != nil {
		return storeErr(err)
	}
	p := RollupProgress{Object: object, Run: newID(), Fields: fields, State: BackfillRunning, Total: total, StartedAt: e.stamp()}
	doc, err := structToDoc(p)
	if err != nil {
		return err
	}
	doc["id"] = object
	old, err := e.rollupProgress(ctx, object)
	switch {
	case err == nil:
		err = e.store.Replace(ctx, collRollupBackfills, doc, old.version)
	case isNotFound(err):
		err = e.store.Insert(ctx, collRollupBackfills, doc)
	}
	if err != nil {
		return storeErr(err)
	}
	_, err = e.insertJob(ctx, "rollup_backfill:"+p.Run, backfillArgs{Object: object, Run: p.Run}, e.now())
	return err
}

// rollupProgress reads the progress of object's latest backfill.
func (e *Engine) rollupProgress(ctx context.Context, object string) (*RollupProgress, error) {
	d, err := e.store.Get(ctx, collRollupBackfills, object)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "not_found", "%s has had no roll-up backfill", object)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var p RollupProgress
	if err := decodeDoc(collRollupBackfills, d, &p); err != nil {
		return nil, err
	}
	p.version, _ = d["version"].(int64)
	return &p, nil
}

// RollupBackfill answers the progress of object's latest backfill to those who may read it.
func (e *Engine) RollupBackfill(ctx context.Context, by *Actor, object string) (*RollupProgress, error) {
	if _, _, err := e.access(ctx, by, object); err != nil {
		return nil, err
	}
	return e.rollupProgress(ctx, object)
}

// handleBackfill walks the records of a run from its checkpoint, one page at a time.
func (e *Engine) handleBackfill(ctx context.Context, j *jobs.Job[backfillArgs]) error {
	for ctx.Err() == nil {
		p, err := e.rollupProgress(ctx, j.Args.Object)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if p.Run != j.Args.Run || p.State != BackfillRunning {
			return nil // a newer run took over, or this one is over
		}
		q := store.Query{Sort: []store.SortKey{{Field: "id"}}, Limit: backfillPage}
		if p.Cursor != "" {
			q.Filter = store.Compare{Field: "id", Op: store.Gt, Value: p.Cursor, Scalar: true}
		}
		page, err := e.store.Find(ctx, recordsColl(p.Object), q)
		if err != nil {
			return storeErr(err)
		}
		if len(page) > 0 {
			now := e.stamp()
			ops := make([]store.WriteOp, len(page))
			for i, d := range page {
				ops[i] = store.WriteOp{Kind: store.OpInsert, Coll: collRollupMarks,
					Doc: store.Doc{"id": newID(), "object": p.Object, "record": d["id"], "at": now}}
			}
			if err := e.store.Batch(ctx, ops); err != nil {
				return storeErr(err)
			}
			for _, d := range page {
				if _, err := e.settleParent(ctx, p.Object, d["id"].(string)); err != nil {
					return err
				}
			}
			p.Done += int64(len(page))
			p.Cursor, _ = page[len(page)-1]["id"].(string)
		}
		if len(page) < backfillPage {
			p.State, p.FinishedAt = BackfillDone, e.stamp()
			p.Total = p.Done // records created or deleted meanwhile were folded by their own writes
		}
		doc, err := structToDoc(p)
		if err != nil {
			return err
		}
		doc["id"] = p.Object
		if err := e.store.Replace(ctx, collRollupBackfills, doc, p.version); err != nil {
			if errors.Is(err, store.ErrVersionConflict) {
				continue // a newer run replaced it: the next read sees that
			}
			return storeErr(err)
		}
		if p.State == BackfillDone {
			return nil
		}
	}
	return ctx.Err()
}

// backfillChanged starts the backfill of the roll-ups a save added or changed, if any. The
// definition is saved by then: a failure here is answered, and saving again starts it.
func (e *Engine) backfillChanged(ctx context.Context, old, obj *forms.Object) error {
	if fields := rollupsChanged(old, obj); len(fields) > 0 {
		return e.startBackfill(ctx, obj.Name, fields)
	}
	return nil
}
