package engine

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"

	"crm/forms"
	"crm/workflow"
)

// Automation definitions live in meta_automations (id: the name). Every change bumps the
// "automations" settings version, so each process recompiles when another changed one.
const (
	collAutomations = "meta_automations"
	automationsKey  = "automations"
)

// AutomationDef is an automation as the API shows it.
type AutomationDef struct {
	workflow.Automation
	Version int64 `json:"version"`
}

// automationSet is every automation compiled, by object, at one settings version and with the
// definitions versions they were compiled against.
type automationSet struct {
	version  int64
	defs     map[string]int64 // object -> definition version compiled against
	byObject map[string][]*workflow.Compiled
	all      []*workflow.Compiled
}

// ListAutomations returns the automations, of one object when object is not empty, with their
// webhook secrets masked.
func (e *Engine) ListAutomations(ctx context.Context, by *Actor, object string) ([]*AutomationDef, error) {
	as, err := e.listAutomations(ctx, object)
	for i, a := range as {
		as[i] = maskSecrets(a, nil)
	}
	return as, err
}

func (e *Engine) listAutomations(ctx context.Context, object string) ([]*AutomationDef, error) {
	return findNamed[AutomationDef](ctx, e, automationsKind, object)
}

// GetAutomation returns one automation, with its webhook secrets masked.
func (e *Engine) GetAutomation(ctx context.Context, by *Actor, name string) (*AutomationDef, error) {
	a, err := e.getAutomation(ctx, name)
	if err != nil {
		return nil, err
	}
	return maskSecrets(a, nil), nil
}

func (e *Engine) getAutomation(ctx context.Context, name string) (*AutomationDef, error) {
	return getNamed[AutomationDef](ctx, e, automationsKind, name)
}

// SaveAutomation creates (create) or replaces an automation after checking every expression
// against its object. Analysts and admins only.
func (e *Engine) SaveAutomation(ctx context.Context, by *Actor, a *workflow.Automation, create bool, ifMatch int64) (*AutomationDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	fresh, err := e.prepareWebhooks(ctx, a, create)
	if err != nil {
		return nil, err
	}
	// Every problem at once: the people and teams an action names are checked also when an
	// expression is wrong, so that one save shows them all.
	_, err = e.compileAutomation(ctx, a)
	probs, err := definitionProblems(err)
	if err != nil {
		return nil, err
	}
	probs = append(probs, e.checkTargets(ctx, "/actions", a.Actions)...)
	probs = append(probs, e.checkApprovalActions(ctx, a)...)
	if probs = append(probs, e.checkWebhookTargets(ctx, "/actions", a.Actions)...); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	version, err := e.saveNamed(ctx, automationsKind, a.Name, a, create, ifMatch)
	if err != nil {
		return nil, err
	}
	if a.Trigger.Type == workflow.TriggerScheduled {
		e.startSchedule(ctx, a.Name) // a schedule runs from its creation or last change, never before
	}
	e.bumpSetting(ctx, automationsKey)
	e.audit(ctx, by, auditEntry{Action: automationsKind.audited("saved"), Object: a.Object, Record: a.Name})
	return maskSecrets(&AutomationDef{Automation: *a, Version: version}, fresh), nil
}

// DeleteAutomation removes an automation; its pending timers end without running.
func (e *Engine) DeleteAutomation(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	if err := e.deleteNamed(ctx, automationsKind, name); err != nil {
		return err
	}
	e.bumpSetting(ctx, automationsKey)
	e.audit(ctx, by, auditEntry{Action: automationsKind.audited("deleted"), Record: name})
	return nil
}

// compileAutomation checks one automation against the current definitions.
func (e *Engine) compileAutomation(ctx context.Context, a *workflow.Automation) (*workflow.Compiled, error) {
	def, err := e.current(ctx, a.Object)
	if err != nil {
		if isNotFound(err) {
			return nil, &Error{Kind: KindValidation, Code: "invalid_definition", Message: "the automation has 1 problem(s)",
				Problems: []forms.Problem{{Pointer: "/object", Code: "unknown_object", Message: fmt.Sprintf("no object named %q", a.Object)}}}
		}
		return nil, err
	}
	var lookupErr error
	objects := func(name string) *forms.Object {
		d, err := e.current(ctx, name)
		if err != nil {
			if !isNotFound(err) {
				lookupErr = err
			}
			return nil
		}
		return d.obj
	}
	c, probs := workflow.Compile(a, def.rules.Env, objects)
	if lookupErr != nil {
		return nil, lookupErr
	}
	if len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	return c, nil
}

// automations returns the compiled automations, recompiled when any automation or an object
// they belong to changed.
func (e *Engine) automations(ctx context.Context) (*automationSet, error) {
	v, err := e.setting(ctx, automationsKey)
	if err != nil {
		return nil, err
	}
	return e.autos.get(func(c *automationSet) bool { return c.version == v && e.defsUnchanged(ctx, c.defs) }, func() (*automationSet, error) {
		defs, err := e.listAutomations(ctx, "")
		if err != nil {
			return nil, err
		}
		set := &automationSet{version: v, defs: map[string]int64{}, byObject: map[string][]*workflow.Compiled{}}
		sort.Slice(defs, func(i, j int) bool { return defs[i].Name < defs[j].Name })
		for _, d := range defs {
			a := d.Automation
			c, err := e.compileAutomation(ctx, &a)
			if err != nil {
				// A definition change can break a saved automation; it is skipped and logged, not fatal.
				e.log.Error("automation does not compile against the current definitions; skipped", "automation", a.Name, "err", err)
				continue
			}
			// A parent update is compiled against the parent's definition too.
			for _, name := range append([]string{a.Object}, c.Parents()...) {
				if def, err := e.current(ctx, name); err == nil {
					set.defs[name] = def.version
				}
			}
			set.byObject[a.Object] = append(set.byObject[a.Object], c)
			set.all = append(set.all, c)
		}
		return set, nil
	})
}

// defsUnchanged tells whether the objects an automation set was compiled against are still at
// the same versions (definitions are cached per version, so this costs one read per object).
func (e *Engine) defsUnchanged(ctx context.Context, defs map[string]int64) bool {
	for name, v := range defs {
		d, err := e.current(ctx, name)
		if err != nil || d.version != v {
			return false
		}
	}
	return true
}

// setting reads the version of a settings document (0 when absent).
func (e *Engine) setting(ctx context.Context, key string) (int64, error) {
	v, _, err := e.versions.version(ctx, e.store, collSettings, key)
	return v, err
}

// derivedID is a record-shaped id computed from a key, so that an effect re-run after a crash
// writes the same document again (and is refused as a duplicate) instead of a second one.
func derivedID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base32ID([16]byte(sum[:16]))
}
