package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/store"
	"crm/workflow"
)

// Running assignment: on create, on demand, and as an automation's action.

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
