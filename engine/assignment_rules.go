package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
	"crm/rules"
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
	if err := docToStruct(d, &a.AssignmentRules); err != nil {
		return nil, err
	}
	if a.Rules == nil {
		a.Rules = []workflow.AssignmentRule{}
	}
	a.Version, _ = d["version"].(int64)
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
	e.mu.Lock()
	cached := e.assign
	e.mu.Unlock()
	if cached != nil && cached.version == v && e.defsUnchanged(ctx, cached.defs) {
		return cached, nil
	}
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
	e.mu.Lock()
	e.assign = set
	e.mu.Unlock()
	return set, nil
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

// decideOwner runs an object's assignment rules over a record in stored form and returns the
// owner they choose ("" when nobody: the owner stays) and the trace of the decision, for the run
// log. It advances round-robin positions, so call it once per decision.
func (e *Engine) decideOwner(ctx context.Context, def *definition, c *compiledAssignment, record string, doc store.Doc) (string, store.Doc, error) {
	trace := store.Doc{"kind": "assignment", "object": def.obj.Name, "record": record, "rules_version": c.version,
		"definition_version": def.version, "at": e.stamp()}
	scope := def.rules.Env.Scope(doc, nil, rules.Context{Now: e.now(), User: rules.User{ID: SystemActor.ID, Roles: SystemActor.Roles}})
	i, checks := c.Match(scope)
	trace["checks"] = checkDocs(checks)
	dir, err := e.directory(ctx)
	if err != nil {
		return "", nil, err
	}
	chosen := ""
	if i >= 0 {
		r := c.Rules[i]
		t := r.Target
		trace["rule"], trace["target"] = r.Name, t.Type
		eligible, skipped := workflow.Eligible(t, dir.pool(t), doc[t.Field])
		trace["candidates"] = anyList(eligible)
		if len(skipped) > 0 {
			trace["skipped"] = mapOfStrings(skipped)
		}
		seqName := "assign." + def.obj.Name + "." + r.Name
		if t.Type == workflow.TargetSkills {
			seqName += "." + derivedID(fmt.Sprint(doc[t.Field])) // each skill value turns on its own
		}
		switch {
		case len(eligible) == 0:
		case t.Type == workflow.TargetUser:
			chosen = eligible[0]
		case t.Type == workflow.TargetLeastLoaded:
			load := map[string]int64{}
			for _, id := range eligible {
				var f store.Filter = store.Compare{Field: "owner", Op: store.Eq, Value: id, Scalar: true}
				if c.open[i] != nil {
					f = store.And{f, c.open[i]}
				}
				n, err := e.store.Count(ctx, recordsColl(def.obj.Name), f)
				if err != nil {
					return "", nil, storeErr(err)
				}
				load[id] = n
			}
			n, err := e.store.NextSequence(ctx, seqName)
			if err != nil {
				return "", nil, storeErr(err)
			}
			chosen = workflow.LeastLoaded(eligible, load, n)
			trace["load"], trace["position"] = int64Map(load), n
		default: // round robin and skills
			n, err := e.store.NextSequence(ctx, seqName)
			if err != nil {
				return "", nil, storeErr(err)
			}
			chosen = workflow.InTurn(eligible, n)
			trace["position"] = n
		}
	}
	reason := "rule"
	if chosen == "" {
		if u := dir.users[c.Fallback]; u != nil && u.Active {
			chosen, reason = u.ID, "fallback"
		} else {
			reason = "nobody available; owner unchanged"
		}
	}
	trace["reason"] = reason
	if chosen != "" {
		trace["owner"] = chosen
	}
	return chosen, trace, nil
}

// pool is the people a target chooses among (skills without a team or users: everyone).
func (d *directory) pool(t workflow.Target) []workflow.Person {
	var ids []string
	switch {
	case t.Type == workflow.TargetUser:
		ids = []string{t.User}
	case t.Team != "":
		if team := d.teams[t.Team]; team != nil {
			ids = d.withMembers(team).Members
		}
	case len(t.Users) > 0:
		ids = t.Users
	case t.Type == workflow.TargetSkills:
		for id := range d.users {
			ids = append(ids, id)
		}
	}
	var out []workflow.Person
	for _, id := range ids {
		if u := d.users[id]; u != nil {
			out = append(out, workflow.Person{ID: u.ID, Active: u.Active, Skills: u.Skills})
		}
	}
	return out
}

// logAssignment keeps an assignment trace in the record's run log; id makes a re-run write it once.
func (e *Engine) logAssignment(ctx context.Context, id string, trace store.Doc) {
	trace["id"] = id
	e.logRun(ctx, trace)
}

// Assign runs the assignment rules over a record now (on demand) for a user who may edit it, and
// hands it to the owner they choose. The trace is returned and kept in the record's run log.
func (e *Engine) Assign(ctx context.Context, by *Actor, object, id string) (RunLog, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit {
		return nil, ErrForbidden
	}
	if _, err := e.writableDoc(ctx, def, g, id); err != nil {
		return nil, err
	}
	trace, err := e.reassign(ctx, def, id, "assign:"+newID(), nil)
	return g.runFor(trace), err
}

// reassign decides a record's owner and stores it; key makes the decision once per key (an
// automation re-run after a crash finds its earlier decision instead of advancing a turn again).
// A target, when given, decides instead of the object's rules.
func (e *Engine) reassign(ctx context.Context, def *definition, id, key string, target *workflow.Target) (RunLog, error) {
	traceID := derivedID(key)
	if prev, err := e.store.Get(ctx, collRuns, traceID); err == nil {
		delete(prev, "version")
		return prev, e.setOwner(ctx, def, id, prev["owner"])
	}
	var c *compiledAssignment
	var err error
	if target != nil {
		c, err = e.compileAssignment(ctx, workflow.TargetRules(def.obj.Name, *target), anyone{})
	} else {
		c, err = e.rulesFor(ctx, def.obj.Name)
	}
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errorf(KindInvalid, "no_assignment_rules", "%s has no active assignment rules", def.obj.Name)
	}
	doc, err := e.getDoc(ctx, def.obj.Name, id)
	if err != nil {
		return nil, err
	}
	_, trace, err := e.decideOwner(ctx, def, c, id, doc)
	if err != nil {
		return nil, err
	}
	trace["previous_owner"] = doc["owner"]
	e.logAssignment(ctx, traceID, trace)
	delete(trace, "version")
	return trace, e.setOwner(ctx, def, id, trace["owner"])
}

// setOwner hands a record to owner (a string; anything else: no change).
func (e *Engine) setOwner(ctx context.Context, def *definition, id string, owner any) error {
	o, _ := owner.(string)
	if o == "" {
		return nil
	}
	doc, err := e.getDoc(ctx, def.obj.Name, id)
	if err != nil {
		return err
	}
	if doc["owner"] == o {
		return nil
	}
	_, err = e.UpdateRecord(ctx, SystemActor, def.obj.Name, id, map[string]any{"owner": o}, 0, "en")
	return err
}

// assignAction is the automation action "assign": the record's owner by the rules.
func (e *Engine) assignAction(ctx context.Context, def *definition, act workflow.Action, record, key string) (string, error) {
	trace, err := e.reassign(ctx, def, record, "assign:"+key, act.Target)
	if isNotFound(err) {
		return "record gone", nil
	}
	var ee *Error
	if errors.As(err, &ee) && ee.Code == "no_assignment_rules" {
		return "", permanent(err)
	}
	if err != nil {
		return "", err
	}
	if o, _ := trace["owner"].(string); o != "" {
		return "assigned to " + o, nil
	}
	return "not assigned: " + fmt.Sprint(trace["reason"]), nil
}

// checkDocs stores the trace's rule checks as structToDoc would, field by field: a JSON round
// trip per check was a third of an assigned create's own time.
func checkDocs(checks []workflow.RuleCheck) []any {
	out := make([]any, len(checks))
	for i, c := range checks {
		d := store.Doc{"rule": c.Rule, "run": c.Run}
		if len(c.Inputs) > 0 {
			in := make(map[string]any, len(c.Inputs))
			for k, v := range c.Inputs {
				if v != nil {
					in[k] = toStoreKinds(v)
				}
			}
			d["inputs"] = in
		}
		if len(c.Reads) > 0 {
			reads := make([]any, len(c.Reads))
			for j, r := range c.Reads {
				reads[j] = r
			}
			d["reads"] = reads
		}
		if c.Error != "" {
			d["error"] = c.Error
		}
		out[i] = d
	}
	return out
}

func mapOfStrings(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func int64Map(m map[string]int64) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// assignOnCreate decides a new record's owner by its object's rules (none: owner stays) and
// returns the trace to log once the record is stored.
func (e *Engine) assignOnCreate(ctx context.Context, def *definition, id string, stored store.Doc, owner string) (string, store.Doc, error) {
	c, err := e.rulesFor(ctx, def.obj.Name)
	if err != nil || c == nil {
		return owner, nil, err
	}
	chosen, trace, err := e.decideOwner(ctx, def, c, id, stored)
	if err != nil {
		return "", nil, err
	}
	trace["previous_owner"] = owner
	if chosen == "" {
		return owner, trace, nil
	}
	return chosen, trace, nil
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
