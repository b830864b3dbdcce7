package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Assignment rules live in meta_assignment, one document per object (id: the object). Every
// change bumps the "assignment" settings version, so each process recompiles.
const (
	collAssignment = "meta_assignment"
	assignmentKey  = "assignment"
)

// AssignmentDef is an object's assignment rules as the API shows them.
type AssignmentDef struct {
	workflow.AssignmentRules
	Version int64 `json:"version"`
}

// assignmentSet is every object's compiled rules at one settings version, with the definition
// versions they were compiled against and each least_loaded rule's `open` filter.
type assignmentSet struct {
	version  int64
	defs     map[string]int64
	byObject map[string]*compiledAssignment
}

type compiledAssignment struct {
	*workflow.CompiledAssignment
	version int64
	open    []store.Filter // per rule; nil: every record counts
}

// people answers the save-time check from the directory.
type people struct{ dir *directory }

func (p people) UserExists(id string) bool { return p.dir.users[id] != nil }
func (p people) TeamExists(id string) bool { return p.dir.teams[id] != nil }

// anyone lets stored rules compile after a user or team they name is gone: the decision then
// finds nobody there and falls back, and the trace says so.
type anyone struct{}

func (anyone) UserExists(string) bool { return true }
func (anyone) TeamExists(string) bool { return true }

// GetAssignmentRules returns an object's assignment rules (none yet: an empty list at version 0).
func (e *Engine) GetAssignmentRules(ctx context.Context, by *Actor, object string) (*AssignmentDef, error) {
	if _, err := e.current(ctx, object); err != nil {
		return nil, err
	}
	d, err := e.store.Get(ctx, collAssignment, object)
	if errors.Is(err, store.ErrNotFound) {
		return &AssignmentDef{AssignmentRules: workflow.AssignmentRules{Object: object, Rules: []workflow.AssignmentRule{}}}, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return assignmentFromDoc(d)
}

func assignmentFromDoc(d store.Doc) (*AssignmentDef, error) {
	var a AssignmentDef
	if err := decodeDoc(collAssignment, d, &a); err != nil {
		return nil, err
	}
	if a.Rules == nil {
		a.Rules = []workflow.AssignmentRule{}
	}
	return &a, nil
}

// SaveAssignmentRules replaces an object's assignment rules after checking every condition,
// target and filter. Analysts and admins only; ifMatch (when not 0) must be the stored version.
func (e *Engine) SaveAssignmentRules(ctx context.Context, by *Actor, object string, a *workflow.AssignmentRules, ifMatch int64) (*AssignmentDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	a.Object = object
	if a.Rules == nil {
		a.Rules = []workflow.AssignmentRule{}
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := e.compileAssignment(ctx, a, people{dir}); err != nil {
		return nil, err
	}
	old, err := e.GetAssignmentRules(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if ifMatch != 0 && ifMatch != old.Version {
		return nil, storeErr(store.ErrVersionConflict)
	}
	doc, err := structToDoc(a)
	if err != nil {
		return nil, err
	}
	doc["id"] = object
	if old.Version == 0 {
		err = e.store.Insert(ctx, collAssignment, doc)
		if errors.Is(err, store.ErrDuplicateID) {
			err = store.ErrVersionConflict // saved by someone else since we read
		}
	} else {
		err = e.store.Replace(ctx, collAssignment, doc, old.Version)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	e.bumpSetting(ctx, assignmentKey)
	e.audit(ctx, by, auditEntry{Action: assignmentKind.audited("saved"), Object: object})
	return &AssignmentDef{AssignmentRules: *a, Version: old.Version + 1}, nil
}

// compileAssignment checks rules against their object's current definition.
func (e *Engine) compileAssignment(ctx context.Context, a *workflow.AssignmentRules, p workflow.People) (*compiledAssignment, error) {
	def, err := e.current(ctx, a.Object)
	if err != nil {
		return nil, err
	}
	c, probs := workflow.CompileAssignment(a, def.rules.Env, def.obj, p)
	open := make([]store.Filter, len(a.Rules))
	for i, r := range a.Rules {
		if r.Target.Open == "" {
			continue
		}
		f, err := compileFilter(r.Target.Open, def.obj)
		if err != nil {
			probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("/rules/%d/target/open", i), Code: "invalid_filter", Message: err.Error()})
		}
		open[i] = f
	}
	if len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	return &compiledAssignment{CompiledAssignment: c, version: def.version, open: open}, nil
}

// compileFilter turns a filter-language condition into a store filter over obj.
func compileFilter(src string, obj *forms.Object) (store.Filter, error) {
	n, err := query.Parse(src)
	if err != nil {
		return nil, err
	}
	return query.Resolve(n, obj)
}

// assignments returns every object's compiled rules, recompiled when any rules or an object they
// belong to changed.
func (e *Engine) assignments(ctx context.Context) (*assignmentSet, error) {
	v, err := e.setting(ctx, assignmentKey)
	if err != nil {
		return nil, err
	}
	return e.assign.get(func(c *assignmentSet) bool { return c.version == v && e.defsUnchanged(ctx, c.defs) }, func() (*assignmentSet, error) {
		docs, err := e.store.Find(ctx, collAssignment, store.Query{})
		if err != nil {
			return nil, storeErr(err)
		}
		set := &assignmentSet{version: v, defs: map[string]int64{}, byObject: map[string]*compiledAssignment{}}
		for _, d := range docs {
			a, err := assignmentFromDoc(d)
			if err != nil {
				return nil, err
			}
			c, err := e.compileAssignment(ctx, &a.AssignmentRules, anyone{})
			if err != nil {
				// A definition change can break saved rules; records are then created unassigned.
				e.log.Error("assignment rules do not compile against the current definition; skipped", "object", a.Object, "err", err)
				continue
			}
			c.version = a.Version
			set.byObject[a.Object] = c
			if def, err := e.current(ctx, a.Object); err == nil {
				set.defs[a.Object] = def.version
			}
		}
		return set, nil
	})
}

// rulesFor returns an object's active compiled rules, nil when it has none.
func (e *Engine) rulesFor(ctx context.Context, object string) (*compiledAssignment, error) {
	set, err := e.assignments(ctx)
	if err != nil {
		return nil, err
	}
	c := set.byObject[object]
	if c == nil || c.Disabled || (len(c.Rules) == 0 && c.Fallback == "") {
		return nil, nil
	}
	return c, nil
}

// checkTargets refuses assign actions whose own target names a user or team that does not exist;
// at is the pointer of the action list.
func (e *Engine) checkTargets(ctx context.Context, at string, acts []workflow.Action) []forms.Problem {
	dir, err := e.directory(ctx)
	if err != nil {
		return []forms.Problem{{Pointer: at, Code: "unavailable", Message: err.Error()}}
	}
	var probs []forms.Problem
	for i, a := range acts {
		if a.Type != workflow.ActionAssign || a.Target == nil {
			continue
		}
		ptr := fmt.Sprintf("%s/%d/target", at, i)
		t := a.Target
		if t.User != "" && dir.users[t.User] == nil {
			probs = append(probs, forms.Problem{Pointer: ptr + "/user", Code: "unknown_user", Message: fmt.Sprintf("no user %q", t.User)})
		}
		if t.Team != "" && dir.teams[t.Team] == nil {
			probs = append(probs, forms.Problem{Pointer: ptr + "/team", Code: "unknown_team", Message: fmt.Sprintf("no team %q", t.Team)})
		}
		for j, u := range t.Users {
			if dir.users[u] == nil {
				probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("%s/users/%d", ptr, j), Code: "unknown_user", Message: fmt.Sprintf("no user %q", u)})
			}
		}
	}
	return probs
}
