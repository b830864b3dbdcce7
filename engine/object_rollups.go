package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// Roll-up summary fields, the definition side: a roll-up is compiled against the definition of
// the object it summarizes (its child), which is one of the definitions its object's compiled
// version depends on (definition.related), so a change of the child recompiles it. Saving a
// definition fills in a roll-up's result type from the child and checks it there; a save that
// adds or changes a roll-up starts its backfill (object_rollups_backfill.go). How values are
// kept current is record_rollups.go.

// childDefinitions reads the stored definitions of the objects obj's roll-ups summarize, with
// their versions. over stands for its name's stored definition (a definition being saved).
func (e *Engine) childDefinitions(ctx context.Context, obj, over *forms.Object) (map[string]*forms.Object, map[string]int64, error) {
	objs, versions := map[string]*forms.Object{}, map[string]int64{}
	for _, f := range obj.Fields {
		if f == nil || f.Type != forms.TypeRollup || f.ChildObject == "" {
			continue
		}
		if _, ok := objs[f.ChildObject]; ok {
			continue
		}
		if over != nil && f.ChildObject == over.Name {
			objs[f.ChildObject] = over
			continue
		}
		d, err := e.store.Get(ctx, collObjects, f.ChildObject)
		if errors.Is(err, store.ErrNotFound) {
			objs[f.ChildObject] = nil
			continue
		}
		if err != nil {
			return nil, nil, storeErr(err)
		}
		od, err := objectFromDoc(d)
		if err != nil {
			return nil, nil, err
		}
		objs[f.ChildObject] = od.Object
		versions[f.ChildObject], _ = d["version"].(int64)
	}
	return objs, versions, nil
}

// compileRollups compiles obj's roll-ups against their children; problems at each field.
func compileRollups(obj *forms.Object, children map[string]*forms.Object) ([]*rules.Rollup, []forms.Problem) {
	var out []*rules.Rollup
	var problems []forms.Problem
	for i, f := range obj.Fields {
		if f == nil || f.Type != forms.TypeRollup {
			continue
		}
		r, probs := rules.CompileRollup(obj.Name, f, children[f.ChildObject], fmt.Sprintf("/fields/%d", i))
		problems = append(problems, probs...)
		if r != nil {
			out = append(out, r)
		}
	}
	return out, problems
}

// checkRollups completes obj's roll-ups (result type from the child) and reports what the
// children's definitions tell of them, and of roll-ups elsewhere that summarize obj and would no
// longer fit it (a summarized field removed or retyped, the lookup gone).
func (e *Engine) checkRollups(ctx context.Context, obj *forms.Object) ([]forms.Problem, error) {
	children, _, err := e.childDefinitions(ctx, obj, obj)
	if err != nil {
		return nil, err
	}
	for _, f := range obj.Fields {
		if f != nil {
			rules.CompleteRollup(f, children[f.ChildObject])
		}
	}
	var problems []forms.Problem
	for i, f := range obj.Fields {
		// Only what the field's own check (forms) lets through: its problems are reported there.
		if f == nil || f.Type != forms.TypeRollup || children[f.ChildObject] == nil || !slices.Contains(forms.RollupFunctions, f.Function) ||
			(f.Function == forms.RollupCount) != (f.Summarize == "") || f.ChildLookup == "" {
			continue
		}
		_, probs := rules.CompileRollup(obj.Name, f, children[f.ChildObject], fmt.Sprintf("/fields/%d", i))
		problems = append(problems, probs...)
	}
	users, err := e.rollupsOver(ctx, obj.Name)
	if err != nil {
		return nil, err
	}
	for _, r := range users {
		if r.Parent == obj.Name {
			continue // checked above, against this very definition
		}
		if _, probs := rules.CompileRollup(r.Parent, r.Field, obj, ""); len(probs) > 0 {
			problems = append(problems, forms.Problem{Pointer: "/fields", Code: "field_in_use",
				Message: fmt.Sprintf("the roll-up %s.%s summarizes %s: %s", r.Parent, r.Field.Name, obj.Name, probs[0].Message)})
		}
	}
	return problems, nil
}

// rollupIndex knows, per object, the roll-ups that summarize its records. Like the dependents
// of references it is kept for VersionTTL, and dropped at once when a definition is saved here.
type rollupIndex struct {
	mu  sync.Mutex
	at  time.Time
	gen uint64
	by  map[string][]*rules.Rollup
}

// rollupsOver are the roll-ups that summarize records of child: what a write of one must mark.
func (e *Engine) rollupsOver(ctx context.Context, child string) ([]*rules.Rollup, error) {
	c := &e.rollupIdx
	gen := e.versions.generation()
	began := time.Now()
	c.mu.Lock()
	by, at, seen := c.by, c.at, c.gen
	c.mu.Unlock()
	if by == nil || seen != gen || time.Since(at) > VersionTTL {
		names, err := e.objectNames(ctx)
		if err != nil {
			return nil, err
		}
		by = map[string][]*rules.Rollup{}
		for _, n := range names {
			def, err := e.current(ctx, n)
			if err != nil {
				if isNotFound(err) {
					continue
				}
				return nil, err
			}
			for _, r := range def.rollups {
				by[r.Child.Name] = append(by[r.Child.Name], r)
			}
		}
		c.mu.Lock()
		c.by, c.at, c.gen = by, began, gen
		c.mu.Unlock()
	}
	return by[child], nil
}

// hideRollups hides from a grant the roll-ups over what its user may not see: a child object
// they may not read, or a child field the roll-up reads (summarized, filtered on, the lookup)
// that is hidden from them there. A sum tells about the amounts it adds up.
func (e *Engine) hideRollups(ctx context.Context, dir *directory, by *Actor, def *definition, hidden map[string]bool) error {
	for _, r := range def.rollups {
		cdef, err := e.current(ctx, r.Child.Name)
		if err != nil {
			if isNotFound(err) {
				hidden[r.Field.Name] = true
				continue
			}
			return err
		}
		perm, ch, _ := fieldAccess(dir, by, cdef.obj)
		ch = cdef.rules.Hidden(ch)
		hide := !perm.Read
		for _, n := range r.Reads() {
			hide = hide || ch[n]
		}
		if hide {
			hidden[r.Field.Name] = true
		}
	}
	return nil
}

// rollupsChanged names obj's roll-ups that are new or compute otherwise than in old (nil: a new
// object): their stored values must be computed afresh.
func rollupsChanged(old, obj *forms.Object) []string {
	var out []string
	for _, f := range obj.Fields {
		if f == nil || f.Type != forms.TypeRollup {
			continue
		}
		var was *forms.Field
		if old != nil {
			was = old.Field(f.Name)
		}
		if was == nil || was.Type != f.Type || was.ChildObject != f.ChildObject || was.ChildLookup != f.ChildLookup ||
			was.Function != f.Function || was.Summarize != f.Summarize || was.Filter != f.Filter ||
			was.ResultType != f.ResultType || was.Currency != f.Currency || !sameInt(was.Scale, f.Scale) {
			out = append(out, f.Name)
		}
	}
	return out
}

func sameInt(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
