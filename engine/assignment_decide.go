package engine

import (
	"context"
	"fmt"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Deciding an owner: the first matching rule's target, its pool of people, and the turn (round
// robin, skills) or the load (least loaded) that picks one of them.

// decideOwner runs an object's assignment rules over a record in stored form and returns the
// owner they choose ("" when nobody: the owner stays) and the trace of the decision, for the run
// log. It advances round-robin positions, so call it once per decision.
func (e *Engine) decideOwner(ctx context.Context, def *definition, c *compiledAssignment, record string, doc store.Doc) (string, store.Doc, error) {
	trace := store.Doc{"kind": "assignment", "object": def.obj.Name, "record": record, "rules_version": c.version,
		"definition_version": def.version, "at": e.stamp()}
	scope, err := e.systemScope(ctx, def, doc, nil, e.now())
	if err != nil {
		return "", nil, err
	}
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
		people := dir.pool(t)
		if t.Type == workflow.TargetLookupOwner {
			if people, err = e.lookupOwner(ctx, def, dir, t.Field, doc); err != nil {
				return "", nil, err
			}
		}
		eligible, skipped := workflow.Eligible(t, people, doc[t.Field])
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
		case t.Type == workflow.TargetUser || t.Type == workflow.TargetLookupOwner:
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

// lookupOwner is the owner of the record doc's lookup field points at, as the one person a
// lookup_owner target chooses; none when the field is empty, the parent is gone, or a pool owns it.
func (e *Engine) lookupOwner(ctx context.Context, def *definition, dir *directory, field string, doc store.Doc) ([]workflow.Person, error) {
	f := def.obj.Field(field)
	id, _ := doc[field].(string)
	if f == nil || f.Type != forms.TypeLookup || id == "" {
		return nil, nil
	}
	parent, err := e.store.Get(ctx, recordsColl(f.Target), id)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	owner, _ := parent["owner"].(string)
	if u := dir.users[owner]; u != nil {
		return []workflow.Person{{ID: u.ID, Active: u.Active, Skills: u.Skills}}, nil
	}
	return nil, nil
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
