package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
	"crm/rules"
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
	e.mu.Lock()
	cached := e.sla
	e.mu.Unlock()
	if cached != nil && cached.version == v && e.defsUnchanged(ctx, cached.defs) {
		return cached, nil
	}
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
	e.mu.Lock()
	e.sla = set
	e.mu.Unlock()
	return set, nil
}

// hasSLA tells whether any policy measures the object's records.
func (e *Engine) hasSLA(ctx context.Context, object string) (bool, error) {
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return false, err
	}
	return len(set.byObject[object]) > 0, nil
}

func slaStateOf(doc store.Doc) *workflow.SLAState {
	raw, ok := doc[slaStateKey].(map[string]any)
	if !ok {
		return nil
	}
	var st workflow.SLAState
	if err := docToStruct(raw, &st); err != nil {
		return nil
	}
	return &st
}

// nextAt is the instant a record's SLA waits for, as stored ("" when none).
func nextAt(doc store.Doc) string {
	raw, _ := doc[slaStateKey].(map[string]any)
	s, _ := raw["next_at"].(string)
	return s
}

// measure brings the SLA of a record about to be written up to now: the policy that applies to
// its new values, each metric's clock, status and due time. It sets the SLA keys of stored.
func (e *Engine) measure(ctx context.Context, def *definition, old, stored store.Doc) error {
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return err
	}
	pols := set.byObject[def.obj.Name]
	if len(pols) == 0 {
		for _, k := range []string{slaStateKey, slaStatusField, slaDueField} {
			if v, ok := old[k]; ok {
				stored[k] = v // a deleted policy leaves the last state as it was
			}
		}
		return nil
	}
	now := e.now()
	var prev *workflow.SLAState
	if old != nil {
		prev = slaStateOf(old)
	}
	if prev != nil {
		prev.Account(now, set.schedule(prev.Calendar))
	}
	scope := def.rules.Env.Scope(stored, old, rules.Context{Now: now, User: rules.User{ID: SystemActor.ID, Roles: SystemActor.Roles}})
	p := workflow.ApplicablePolicy(pols, scope)
	if p == nil {
		delete(stored, slaStateKey)
		delete(stored, slaStatusField)
		delete(stored, slaDueField)
		return nil
	}
	st := p.Evaluate(prev, scope, now, set.schedule(p.Calendar))
	return putSLA(stored, p, st, now, set.schedule(p.Calendar))
}

// putSLA stores a state and its summary in a record document.
func putSLA(doc store.Doc, p *workflow.CompiledPolicy, st *workflow.SLAState, now time.Time, sched *workflow.Schedule) error {
	sd, err := structToDoc(st)
	if err != nil {
		return err
	}
	if next, ok := p.Next(st, now, sched); ok {
		sd["next_at"] = stamp(next)
	}
	doc[slaStateKey] = sd
	status, due := st.Summary()
	doc[slaStatusField] = status
	if due != "" {
		doc[slaDueField] = due
	} else {
		delete(doc, slaDueField)
	}
	return nil
}

// afterSLAEvent plans the record's next threshold and keeps the outcome of every metric that
// stopped, for the compliance report. It runs from the record's durable event.
func (e *Engine) afterSLAEvent(ctx context.Context, object, record string, doc store.Doc) error {
	st := slaStateOf(doc)
	if st == nil {
		return nil
	}
	for _, m := range st.Metrics {
		if m.StoppedAt == "" {
			continue
		}
		result := workflow.StatusMet
		if m.BreachedAt != "" {
			result = workflow.StatusBreached
		}
		err := e.store.Insert(ctx, collSLAOutcomes, store.Doc{"id": derivedID("sla_outcome:" + record + ":" + m.Metric + ":" + m.StartedAt),
			"object": object, "record": record, "policy": st.Policy, "metric": m.Metric, "result": result,
			"used_ms": m.UsedMs, "target_ms": m.TargetMs, "started_at": m.StartedAt, "stopped_at": m.StoppedAt})
		if err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return storeErr(err)
		}
	}
	if next := nextAt(doc); next != "" {
		at, err := time.Parse(forms.TimeLayout, next)
		if err != nil {
			return permanent(err)
		}
		if _, err := e.insertJob(ctx, "sla:"+record+"@"+next, slaArgs{Object: object, Record: record, At: next}, at); err != nil {
			return err
		}
	}
	return nil
}

// handleSLA runs when a record's next threshold comes: the effects of every threshold reached
// (warning actions, escalation levels), each once, then the state with them marked fired.
func (e *Engine) handleSLA(ctx context.Context, j *jobs.Job[slaArgs]) error {
	object, record, at := j.Args.Object, j.Args.Record, j.Args.At
	doc, err := e.store.Get(ctx, recordsColl(object), record)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	if nextAt(doc) != at {
		return nil // re-planned by a later write: another job carries the record's next time
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return err
	}
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return err
	}
	p, st := e.measureNow(def, set, doc)
	if p == nil {
		return nil
	}
	reached, policy := p.Reached(st), p.Name
	// Effects first, each under a key of the record, metric, clock start and threshold: a re-run
	// (a crash before the marks are stored, another engine) repeats none of them.
	for _, t := range reached {
		a := slaActions(p, t)
		if a == nil {
			continue
		}
		m := metricOf(st, t.Metric)
		key := fmt.Sprintf("sla:%s:%s:%s:%s:%s", record, st.Policy, t.Metric, m.StartedAt, t.Key)
		if err := e.runAutomation(ctx, a, def, record, doc, nil, "sla_"+t.Key, key); err != nil {
			return err
		}
	}
	// Then the marks, on the record as it is now (the effects may have changed it).
	for attempt := 0; attempt < 10; attempt++ {
		doc, err := e.store.Get(ctx, recordsColl(object), record)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return storeErr(err)
		}
		def, err := e.current(ctx, object)
		if err != nil {
			return err
		}
		p, st := e.measureNow(def, set, doc)
		if p == nil {
			return nil
		}
		for _, t := range reached {
			if p.Name == policy {
				st.MarkFired(t)
			}
		}
		if err := putSLA(doc, p, st, e.now(), set.schedule(p.Calendar)); err != nil {
			return err
		}
		version, _ := doc["version"].(int64)
		delete(doc, "version")
		err = e.store.Replace(ctx, recordsColl(object), doc, version)
		if errors.Is(err, store.ErrVersionConflict) {
			continue
		}
		if err != nil {
			return storeErr(err)
		}
		return e.afterSLAEvent(ctx, object, record, doc)
	}
	return fmt.Errorf("SLA state of %s %s kept changing; retried", object, record)
}

// measureNow is a stored record's SLA brought to now without a write.
func (e *Engine) measureNow(def *definition, set *slaSet, doc store.Doc) (*workflow.CompiledPolicy, *workflow.SLAState) {
	prev := slaStateOf(doc)
	if prev == nil {
		return nil, nil
	}
	now := e.now()
	prev.Account(now, set.schedule(prev.Calendar))
	scope := def.rules.Env.Scope(doc, nil, rules.Context{Now: now, User: rules.User{ID: SystemActor.ID, Roles: SystemActor.Roles}})
	p := workflow.ApplicablePolicy(set.byObject[def.obj.Name], scope)
	if p == nil {
		return nil, nil
	}
	return p, p.Evaluate(prev, scope, now, set.schedule(p.Calendar))
}

func slaActions(p *workflow.CompiledPolicy, t workflow.Threshold) *workflow.Compiled {
	switch {
	case t.Level < 0:
		return nil // the breach itself is a status; its actions are escalation levels
	case t.Key[0] == 'w':
		return p.WarningActions[t.Level]
	default:
		return p.EscalationActions[t.Level]
	}
}

func metricOf(st *workflow.SLAState, name string) workflow.MetricState {
	for _, m := range st.Metrics {
		if m.Metric == name {
			return m
		}
	}
	return workflow.MetricState{}
}

// RecordSLA is a record's SLA as the API shows it, brought to now.
type RecordSLA struct {
	Policy   string                 `json:"policy"`
	Calendar string                 `json:"calendar,omitempty"`
	Status   string                 `json:"status"`
	DueAt    string                 `json:"due_at,omitempty"`
	Metrics  []workflow.MetricState `json:"metrics"`
}

// GetRecordSLA returns the SLA of a record the actor may see, measured at now.
func (e *Engine) GetRecordSLA(ctx context.Context, by *Actor, object, id string) (*RecordSLA, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	doc, err := e.visibleDoc(ctx, def, g, id)
	if err != nil {
		return nil, err
	}
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return nil, err
	}
	p, st := e.measureNow(def, set, doc)
	if p == nil {
		if st = slaStateOf(doc); st == nil {
			return nil, errorf(KindNotFound, "no_sla", "no SLA policy measures this record")
		}
	}
	status, due := st.Summary()
	return &RecordSLA{Policy: st.Policy, Calendar: st.Calendar, Status: status, DueAt: due, Metrics: st.Metrics}, nil
}

// SLAReportRow is one policy and metric over a period.
type SLAReportRow struct {
	Policy      string  `json:"policy"`
	Metric      string  `json:"metric"`
	Met         int     `json:"met"`
	Breached    int     `json:"breached"`
	AverageSecs float64 `json:"average_s"` // average business time used until the metric stopped
}

// SLAReport counts, per policy and metric, the clocks that stopped in [from, to): met, breached,
// and the average business time they took. Analysts, managers and admins only.
func (e *Engine) SLAReport(ctx context.Context, by *Actor, policy string, from, to time.Time) ([]SLAReportRow, error) {
	if err := e.canReport(ctx, by); err != nil {
		return nil, err
	}
	f := store.And{
		store.Compare{Field: "stopped_at", Op: store.Ge, Value: stamp(from)},
		store.Compare{Field: "stopped_at", Op: store.Lt, Value: stamp(to)},
	}
	if policy != "" {
		f = append(f, store.Compare{Field: "policy", Op: store.Eq, Value: policy, Scalar: true})
	}
	docs, err := e.store.Find(ctx, collSLAOutcomes, store.Query{Filter: f})
	if err != nil {
		return nil, storeErr(err)
	}
	rows := map[[2]string]*SLAReportRow{}
	sums := map[[2]string]int64{}
	for _, d := range docs {
		k := [2]string{fmt.Sprint(d["policy"]), fmt.Sprint(d["metric"])}
		r := rows[k]
		if r == nil {
			r = &SLAReportRow{Policy: k[0], Metric: k[1]}
			rows[k] = r
		}
		if d["result"] == workflow.StatusMet {
			r.Met++
		} else {
			r.Breached++
		}
		used, _ := d["used_ms"].(int64)
		sums[k] += used
	}
	out := make([]SLAReportRow, 0, len(rows))
	for k, r := range rows {
		r.AverageSecs = float64(sums[k]) / 1000 / float64(r.Met+r.Breached)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Policy != out[j].Policy {
			return out[i].Policy < out[j].Policy
		}
		return out[i].Metric < out[j].Metric
	})
	return out, nil
}

// canReport lets admins and holders of a defining or see-all role read reports over everyone.
func (e *Engine) canReport(ctx context.Context, by *Actor) error {
	if e.canDefine(ctx, by) == nil {
		return nil
	}
	for _, r := range by.Roles {
		if r == RoleManager {
			return nil
		}
	}
	return ErrForbidden
}
