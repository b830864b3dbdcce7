package engine

import (
	"context"
	"sort"

	"crm/engine/store"
	"crm/rules"
	"crm/workflow"
)

// A manual automation's create actions may be answered with records that exist: a lead's Convert
// offers the account and the contact the duplicate rules find instead of always making new ones.
// The user chooses (ManualMatches shows the candidates); the run then links the chosen record
// where the action would have created one.

// usedKey carries a manual run's choices to its actions; usedRecords.key ties them to that run,
// so an automation that run's writes set off never sees them.
type usedKey struct{}

type usedRecords struct {
	key string
	ids map[int]string // create action index -> the existing record it links instead
}

// ManualMatch is what one create action of a manual automation would make, and the records the
// duplicate rules of its object find for it, as the caller may see them.
type ManualMatch struct {
	As      string           `json:"as"`
	Object  string           `json:"object"`
	Label   string           `json:"label,omitempty"` // the object's, in the caller's language
	Values  Record           `json:"values"`
	Matches []DuplicateMatch `json:"matches"`
	Hidden  int              `json:"hidden,omitempty"` // matches the caller may not see: only counted
}

// ManualMatches lists, for each create action of a manual automation, the existing records the
// caller could use instead (those its object's duplicate rules find for the values it would create).
func (e *Engine) ManualMatches(ctx context.Context, by *Actor, object, id, name, locale string) ([]ManualMatch, error) {
	def, _, doc, a, err := e.manualRun(ctx, by, object, id, name)
	if err != nil {
		return nil, err
	}
	scope, err := e.systemScope(ctx, def, doc, nil, e.now())
	if err != nil {
		return nil, err
	}
	out := []ManualMatch{}
	for i, act := range a.Actions {
		if act.Type != workflow.ActionCreate || act.As == "" {
			continue
		}
		vals, err := a.Values(i, scope)
		if err != nil {
			continue // what it would create cannot be told yet; the run will say why
		}
		m := ManualMatch{As: act.As, Object: act.Object, Values: vals, Matches: []DuplicateMatch{}}
		if target, err := e.current(ctx, act.Object); err == nil {
			m.Label = target.obj.Label.In(locale)
		}
		found, err := e.CheckDuplicates(ctx, by, act.Object, "", vals, locale)
		switch {
		case isForbidden(err):
			// The caller may not create such records: nothing to offer.
		case err != nil:
			return nil, err
		case found != nil:
			m.Matches, m.Hidden = found.Matches, found.Hidden
		}
		if m.Matches == nil {
			m.Matches = []DuplicateMatch{}
		}
		out = append(out, m)
	}
	return out, nil
}

// manualUse checks a manual run's choices: each alias names a create action of the automation,
// each record is one of that action's object the caller may see. Any other is invalid_use, and
// nothing runs.
func (e *Engine) manualUse(ctx context.Context, by *Actor, a *workflow.Compiled, use map[string]string) (map[int]string, error) {
	if len(use) == 0 {
		return nil, nil
	}
	aliases := make([]string, 0, len(use))
	for as := range use {
		aliases = append(aliases, as)
	}
	sort.Strings(aliases)
	out := map[int]string{}
	for _, as := range aliases {
		i := -1
		for j, act := range a.Actions {
			if act.Type == workflow.ActionCreate && act.As == as {
				i = j
			}
		}
		if i < 0 {
			return nil, errorf(KindValidation, "invalid_use", "%s creates no record named %q", a.Name, as)
		}
		object := a.Actions[i].Object
		def, g, err := e.access(ctx, by, object)
		if err != nil {
			return nil, err
		}
		if !g.perm.Read {
			return nil, errorf(KindValidation, "invalid_use", "%s: no %s record %q you may see", as, object, use[as])
		}
		if _, err := e.visibleDoc(ctx, def, g, use[as]); err != nil {
			if isNotFound(err) {
				return nil, errorf(KindValidation, "invalid_use", "%s: no %s record %q you may see", as, object, use[as])
			}
			return nil, err
		}
		out[i] = use[as]
	}
	return out, nil
}

// manualRun is what running (or asking about) a manual automation on a record needs: the
// record, which the user may edit, and the automation.
func (e *Engine) manualRun(ctx context.Context, by *Actor, object, id, name string) (*definition, *grant, store.Doc, *workflow.Compiled, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if !g.perm.Edit {
		return nil, nil, nil, nil, ErrForbidden
	}
	doc, err := e.writableDoc(ctx, def, g, id)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	a, err := e.manualAutomation(ctx, object, name)
	return def, g, doc, a, err
}

// manualAutomation is the enabled manual automation name of object.
func (e *Engine) manualAutomation(ctx context.Context, object, name string) (*workflow.Compiled, error) {
	set, err := e.automations(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range set.byObject[object] {
		if a.Name != name {
			continue
		}
		if a.Trigger.Type != workflow.TriggerManual || a.Disabled {
			return nil, errorf(KindInvalid, "not_manual", "automation %s is not a manual action", name)
		}
		return a, nil
	}
	return nil, errorf(KindNotFound, "automation_not_found", "no automation %s on %s", name, object)
}

// ManualAction is a manual automation the caller may run on a record now.
type ManualAction struct {
	Name  string `json:"name"`
	Label string `json:"label"` // in the caller's language
}

// ManualActions lists the enabled manual automations of a record's object whose condition holds
// for the record as it is (a converted lead offers no Convert), for a caller who may edit it; a
// caller who may only read it is offered none.
func (e *Engine) ManualActions(ctx context.Context, by *Actor, object, id, locale string) ([]ManualAction, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	doc, err := e.visibleDoc(ctx, def, g, id)
	if err != nil {
		return nil, err
	}
	out := []ManualAction{}
	if !g.perm.Edit {
		return out, nil
	}
	if ok, err := e.editable(ctx, def, g, id); err != nil || !ok {
		return out, err
	}
	set, err := e.automations(ctx)
	if err != nil {
		return nil, err
	}
	var scope *rules.Scope
	for _, a := range set.byObject[object] {
		if a.Trigger.Type != workflow.TriggerManual || a.Disabled {
			continue
		}
		if scope == nil {
			s, err := e.systemScope(ctx, def, doc, nil, e.now())
			if err != nil {
				return nil, err
			}
			scope = &s
		}
		if !a.Decide(*scope).Run {
			continue
		}
		label := a.Label.In(locale)
		if label == "" {
			label = a.Name
		}
		out = append(out, ManualAction{Name: a.Name, Label: label})
	}
	return out, nil
}
