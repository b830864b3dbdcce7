package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"crm/engine/jobs"
	"crm/engine/store"
)

// When a record changes, the records whose expressions read the changed fields through a lookup
// to it (a ticket's SLA policy reading account.vip) are re-evaluated: a refresh_children job per
// child object and lookup, enqueued by the parent's durable event job, rewrites each child as the
// system with no input, so formulas, the SLA policy that applies and everything a write decides
// follow the parent. Consistency: a child's stored values follow its parent's change once the job
// has run (seconds, or after a restart); conditions evaluated at any moment (assignment, approval
// entry, automations, SLA reads) read the parent as it is then. A value read two lookups away
// (opportunity.account.industry) follows when the child or its direct parent is next written.

// refreshArgs: re-evaluate the records of Object whose Lookup points at Parent.
type refreshArgs struct {
	Object string `json:"object"`
	Lookup string `json:"lookup"`
	Parent string `json:"parent"`
}

func (refreshArgs) Kind() string { return "refresh_children" }

// dependentsCache knows, per object, whether other objects' expressions read its fields through
// a lookup. It is kept for VersionTTL: a definition saved by another process shows within that
// bound, as definitions themselves do.
type dependentsCache struct {
	mu  sync.Mutex
	at  time.Time
	gen uint64 // the version cache's generation: a definition saved here drops it at once
	set map[string]bool
}

// hasDependents tells whether a write of object may need its children refreshed: its event must
// then run even when nothing else reacts to it.
func (e *Engine) hasDependents(ctx context.Context, object string) (bool, error) {
	c := &e.dependents
	gen := e.versions.generation()
	began := time.Now()
	c.mu.Lock()
	set, at, seen := c.set, c.at, c.gen
	c.mu.Unlock()
	if set == nil || seen != gen || time.Since(at) > VersionTTL {
		// The SLA policies are compiled first: their conditions mark the references they read.
		if _, err := e.slaPolicies(ctx); err != nil {
			return false, err
		}
		names, err := e.objectNames(ctx)
		if err != nil {
			return false, err
		}
		set = map[string]bool{}
		for _, n := range names {
			def, err := e.current(ctx, n)
			if err != nil {
				if isNotFound(err) {
					continue
				}
				return false, err
			}
			for _, r := range def.rules.Env.UsedRefs() {
				set[r.Objects[0]] = true
			}
		}
		c.mu.Lock()
		c.set, c.at, c.gen = set, began, gen
		c.mu.Unlock()
	}
	return set[object], nil
}

// planRefresh enqueues the refreshes a change of a record of object calls for. eventID makes
// them idempotent: a retried event enqueues each once.
func (e *Engine) planRefresh(ctx context.Context, eventID, object, record string, old, new map[string]any) error {
	names, err := e.objectNames(ctx)
	if err != nil {
		return err
	}
	for _, child := range names {
		def, err := e.current(ctx, child)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return err
		}
		planned := map[string]bool{}
		for _, r := range def.rules.Env.UsedRefs() {
			if len(r.Path) != 2 || r.Objects[0] != object || planned[r.Path[0]] {
				continue
			}
			if f := r.Path[1]; reflect.DeepEqual(old[f], new[f]) {
				continue
			}
			planned[r.Path[0]] = true
			args := refreshArgs{Object: child, Lookup: r.Path[0], Parent: record}
			id := fmt.Sprintf("refresh:%s:%s:%s", eventID, child, r.Path[0])
			if _, err := e.insertJob(ctx, id, args, e.now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// objectNames are the names of every object definition.
func (e *Engine) objectNames(ctx context.Context) ([]string, error) {
	var names []string
	err := e.eachDoc(ctx, collObjects, func(d store.Doc) error {
		if id, ok := d["id"].(string); ok {
			names = append(names, id)
		}
		return nil
	})
	return names, err
}

// handleRefresh rewrites each child with no input. A child that no longer validates keeps its
// values (logged): the parent's change is not undone by its children.
func (e *Engine) handleRefresh(ctx context.Context, j *jobs.Job[refreshArgs]) error {
	a := j.Args
	docs, err := e.store.Find(ctx, recordsColl(a.Object), store.Query{Filter: store.Compare{Field: a.Lookup, Op: store.Eq, Value: a.Parent, Scalar: true}})
	if err != nil {
		return storeErr(err)
	}
	for _, d := range docs {
		id, _ := d["id"].(string)
		if _, err := e.UpdateRecord(ctx, SystemActor, a.Object, id, map[string]any{}, 0, "en"); err != nil {
			if ee := (*Error)(nil); errors.As(err, &ee) && ee.Kind != KindUnavailable {
				e.log.Warn("a record reading its parent was not refreshed", "object", a.Object, "record", id, "err", err)
				continue
			}
			return err
		}
	}
	return nil
}
