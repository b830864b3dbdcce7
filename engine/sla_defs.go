package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// SLA state lives in the record it measures ("_sla", with "sla_status" and "sla_due_at" beside it
// for lists and filters), computed in the same write, so a record and its SLA never disagree.
// The next threshold of a record (warning, breach, escalation level) is a job "sla:<record>@<at>"
// planned by the record's durable event; a job whose time is no longer the record's next does
// nothing, so re-planning never needs to find and delete the old one.
const (
	collCalendars   = "meta_calendars"
	collSLAPolicies = "meta_sla_policies"
	collSLAOutcomes = "sla_outcomes"
	slaKey          = "sla" // settings version of calendars and policies
	slaStateKey     = "_sla"
	slaStatusField  = "sla_status"
	slaDueField     = "sla_due_at"
)

// slaFields are shown on records beside the system fields.
var slaFields = []string{slaStatusField, slaDueField}

// CalendarDef and SLAPolicyDef are definitions as the API shows them.
type CalendarDef struct {
	workflow.Calendar
	Version int64 `json:"version"`
}

type SLAPolicyDef struct {
	workflow.SLAPolicy
	Version int64 `json:"version"`
}

// slaSet is every calendar and policy compiled, at one settings version.
type slaSet struct {
	version   int64
	defs      map[string]int64
	schedules map[string]*workflow.Schedule
	byObject  map[string][]*workflow.CompiledPolicy
}

var aroundTheClock = workflow.AroundTheClock()

func (s *slaSet) schedule(calendar string) *workflow.Schedule {
	if sc := s.schedules[calendar]; sc != nil {
		return sc
	}
	return aroundTheClock
}

// ListCalendars returns every business calendar.
func (e *Engine) ListCalendars(ctx context.Context, by *Actor) ([]*CalendarDef, error) {
	return findNamed[CalendarDef](ctx, e, calendarsKind, "")
}

// GetCalendar returns one calendar.
func (e *Engine) GetCalendar(ctx context.Context, by *Actor, name string) (*CalendarDef, error) {
	return getNamed[CalendarDef](ctx, e, calendarsKind, name)
}

// SaveCalendar creates (create) or replaces a calendar after checking it whole.
func (e *Engine) SaveCalendar(ctx context.Context, by *Actor, c *workflow.Calendar, create bool, ifMatch int64) (*CalendarDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if probs := c.Check(); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	v, err := e.saveNamed(ctx, calendarsKind, c.Name, c, create, ifMatch)
	if err != nil {
		return nil, err
	}
	e.bumpSetting(ctx, slaKey)
	e.audit(ctx, by, auditEntry{Action: calendarsKind.audited("saved"), Record: c.Name})
	return &CalendarDef{Calendar: *c, Version: v}, nil
}

// DeleteCalendar removes a calendar no policy uses.
func (e *Engine) DeleteCalendar(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	n, err := e.store.Count(ctx, collSLAPolicies, store.Compare{Field: "calendar", Op: store.Eq, Value: name, Scalar: true})
	if err != nil {
		return storeErr(err)
	}
	if n > 0 {
		return errorf(KindConflict, "calendar_in_use", "%d SLA policies use calendar %q", n, name)
	}
	procs, err := e.ListApprovalProcesses(ctx, SystemActor, "")
	if err != nil {
		return err
	}
	for _, p := range procs {
		for _, node := range p.Nodes {
			if node.Calendar == name {
				return errorf(KindConflict, "calendar_in_use", "approval process %q counts a timeout in calendar %q", p.Name, name)
			}
		}
	}
	if err := e.deleteNamed(ctx, calendarsKind, name); err != nil {
		return err
	}
	e.bumpSetting(ctx, slaKey)
	e.audit(ctx, by, auditEntry{Action: calendarsKind.audited("deleted"), Record: name})
	return nil
}

// ListSLAPolicies returns the policies, of one object when object is not empty, with their
// webhook secrets masked.
func (e *Engine) ListSLAPolicies(ctx context.Context, by *Actor, object string) ([]*SLAPolicyDef, error) {
	ps, err := e.listSLAPolicies(ctx, object)
	for i, p := range ps {
		ps[i] = maskPolicy(p, nil)
	}
	return ps, err
}

func (e *Engine) listSLAPolicies(ctx context.Context, object string) ([]*SLAPolicyDef, error) {
	return findNamed[SLAPolicyDef](ctx, e, slaPoliciesKind, object)
}

// GetSLAPolicy returns one policy, with its webhook secrets masked.
func (e *Engine) GetSLAPolicy(ctx context.Context, by *Actor, name string) (*SLAPolicyDef, error) {
	p, err := e.getSLAPolicy(ctx, name)
	if err != nil {
		return nil, err
	}
	return maskPolicy(p, nil), nil
}

func (e *Engine) getSLAPolicy(ctx context.Context, name string) (*SLAPolicyDef, error) {
	return getNamed[SLAPolicyDef](ctx, e, slaPoliciesKind, name)
}

// SaveSLAPolicy creates (create) or replaces a policy after checking every condition, duration
// and action. Records pick the change up on their next write or threshold.
func (e *Engine) SaveSLAPolicy(ctx context.Context, by *Actor, p *workflow.SLAPolicy, create bool, ifMatch int64) (*SLAPolicyDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	fresh, err := e.prepareSLAWebhooks(ctx, p, create)
	if err != nil {
		return nil, err
	}
	// Every problem at once, as for automations: targets are checked also when the rest is wrong.
	_, err = e.compilePolicy(ctx, p, true)
	probs, err := definitionProblems(err)
	if err != nil {
		return nil, err
	}
	probs = append(probs, e.slaWebhookTargets(ctx, p)...)
	for i, w := range p.Warnings {
		probs = append(probs, e.checkTargets(ctx, fmt.Sprintf("/warnings/%d/actions", i), w.Actions)...)
	}
	for i, x := range p.Escalations {
		probs = append(probs, e.checkTargets(ctx, fmt.Sprintf("/escalations/%d/actions", i), x.Actions)...)
	}
	if len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	v, err := e.saveNamed(ctx, slaPoliciesKind, p.Name, p, create, ifMatch)
	if err != nil {
		return nil, err
	}
	e.bumpSetting(ctx, slaKey)
	e.audit(ctx, by, auditEntry{Action: slaPoliciesKind.audited("saved"), Object: p.Object, Record: p.Name})
	return maskPolicy(&SLAPolicyDef{SLAPolicy: *p, Version: v}, fresh), nil
}

// DeleteSLAPolicy removes a policy; records it measured keep their last state.
func (e *Engine) DeleteSLAPolicy(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	if err := e.deleteNamed(ctx, slaPoliciesKind, name); err != nil {
		return err
	}
	e.bumpSetting(ctx, slaKey)
	e.audit(ctx, by, auditEntry{Action: slaPoliciesKind.audited("deleted"), Record: name})
	return nil
}

// compilePolicy checks a policy against the current definitions and calendars (strict: the
// calendar must exist; stored policies compile with a missing one as around the clock).
func (e *Engine) compilePolicy(ctx context.Context, p *workflow.SLAPolicy, strict bool) (*workflow.CompiledPolicy, error) {
	def, err := e.current(ctx, p.Object)
	if err != nil {
		if isNotFound(err) {
			return nil, InvalidDefinition([]forms.Problem{{Pointer: "/object", Code: "unknown_object", Message: fmt.Sprintf("no object named %q", p.Object)}})
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
	calendarExists := func(name string) bool {
		if !strict {
			return true
		}
		_, err := e.store.Get(ctx, collCalendars, name)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			lookupErr = err
		}
		return err == nil
	}
	c, probs := workflow.CompileSLAPolicy(p, def.rules.Env, objects, calendarExists)
	if lookupErr != nil {
		return nil, storeErr(lookupErr)
	}
	if len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	return c, nil
}

// slaPolicies returns every calendar and policy compiled, recompiled when any changed or an
// object they measure did.
func (e *Engine) slaPolicies(ctx context.Context) (*slaSet, error) {
	v, err := e.setting(ctx, slaKey)
	if err != nil {
		return nil, err
	}
	return e.sla.get(func(c *slaSet) bool { return c.version == v && e.defsUnchanged(ctx, c.defs) }, func() (*slaSet, error) {
		set := &slaSet{version: v, defs: map[string]int64{}, schedules: map[string]*workflow.Schedule{}, byObject: map[string][]*workflow.CompiledPolicy{}}
		cals, err := e.ListCalendars(ctx, SystemActor)
		if err != nil {
			return nil, err
		}
		for _, c := range cals {
			s, probs := c.Compile()
			if len(probs) > 0 {
				e.log.Error("calendar does not compile; policies on it count around the clock", "calendar", c.Name, "problems", probs)
				continue
			}
			set.schedules[c.Name] = s
		}
		pols, err := e.listSLAPolicies(ctx, "")
		if err != nil {
			return nil, err
		}
		sort.Slice(pols, func(i, j int) bool { return pols[i].Name < pols[j].Name })
		for _, p := range pols {
			c, err := e.compilePolicy(ctx, &p.SLAPolicy, false)
			if err != nil {
				e.log.Error("SLA policy does not compile against the current definitions; skipped", "policy", p.Name, "err", err)
				continue
			}
			if def, err := e.current(ctx, p.Object); err == nil {
				set.defs[p.Object] = def.version
			}
			set.byObject[p.Object] = append(set.byObject[p.Object], c)
		}
		return set, nil
	})
}

// hasSLA tells whether any policy measures the object's records.
func (e *Engine) hasSLA(ctx context.Context, object string) (bool, error) {
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return false, err
	}
	return len(set.byObject[object]) > 0, nil
}
