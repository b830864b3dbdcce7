package workflow

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"crm/forms"
	"crm/rules"
)

// SLA metric statuses, from least to most urgent (a record shows its most urgent one).
const (
	StatusPending  = "pending" // its start condition has not held yet
	StatusMet      = "met"
	StatusPaused   = "paused"
	StatusRunning  = "running"
	StatusWarning  = "warning"
	StatusBreached = "breached"
)

var slaRank = map[string]int{StatusPending: 0, StatusMet: 1, StatusPaused: 2, StatusRunning: 3, StatusWarning: 4, StatusBreached: 5}

// SLAPolicy is a promise about records of one object: the first policy (by order) whose
// applies_when holds measures the record's metrics in business time on its calendar.
type SLAPolicy struct {
	Name        string          `json:"name"`
	Label       forms.Label     `json:"label,omitempty"`
	Object      string          `json:"object"`
	Order       int             `json:"order,omitempty"` // lower first
	Disabled    bool            `json:"disabled,omitempty"`
	AppliesWhen string          `json:"applies_when,omitempty"` // empty: every record
	Calendar    string          `json:"calendar,omitempty"`     // a calendar's name; empty: around the clock
	Metrics     []SLAMetric     `json:"metrics"`
	Warnings    []SLAWarning    `json:"warnings,omitempty"`
	Escalations []SLAEscalation `json:"escalations,omitempty"`
}

// SLAMetric is one promised duration, such as first_response or resolution.
type SLAMetric struct {
	Name      string      `json:"name"`
	Label     forms.Label `json:"label,omitempty"`
	Target    string      `json:"target"`               // business time: "4h", "30m", "2d" (48 business hours)
	StartWhen string      `json:"start_when,omitempty"` // empty: from the record's creation
	StopWhen  string      `json:"stop_when"`
	PauseWhen string      `json:"pause_when,omitempty"`
}

// SLAWarning fires its actions when a share of a metric's target is used.
type SLAWarning struct {
	Metric  string   `json:"metric,omitempty"` // empty: every metric
	Percent int      `json:"percent"`          // 1..99
	Actions []Action `json:"actions"`
}

// SLAEscalation is a level: its actions fire once a metric has been breached for After (business
// time; "0m" fires at the breach).
type SLAEscalation struct {
	Metric  string   `json:"metric,omitempty"`
	After   string   `json:"after"`
	Actions []Action `json:"actions"`
}

// CompiledPolicy is a policy ready to measure records.
type CompiledPolicy struct {
	SLAPolicy
	applies           *rules.Program
	metrics           []compiledMetric
	WarningActions    []*Compiled // each warning's actions as an automation (for the engine's action runner)
	EscalationActions []*Compiled
	after             []time.Duration
}

type compiledMetric struct {
	target                 time.Duration
	start, stop, pauseWhen *rules.Program
}

// CompileSLAPolicy checks a policy against its object; calendarExists says whether a calendar is
// defined. Every problem comes at once with its JSON pointer.
func CompileSLAPolicy(p *SLAPolicy, env *rules.Env, objects Objects, calendarExists func(string) bool) (*CompiledPolicy, []forms.Problem) {
	c := &CompiledPolicy{SLAPolicy: *p}
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	cond := func(ptr, src string) *rules.Program {
		if src == "" {
			return nil
		}
		prog, is := env.Compile(src, rules.Expect{Kind: rules.KindCondition})
		if is != nil {
			probs = append(probs, forms.Problem{Pointer: ptr, Code: "invalid_expression", Message: is.Message, Line: is.Line, Column: is.Column})
		}
		return prog
	}
	if !forms.NamePattern.MatchString(p.Name) {
		bad("/name", "invalid_name", "a policy name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	if objects(p.Object) == nil {
		bad("/object", "unknown_object", "no object named %q", p.Object)
		return nil, probs
	}
	if p.Calendar != "" && !calendarExists(p.Calendar) {
		bad("/calendar", "unknown_calendar", "no calendar named %q", p.Calendar)
	}
	c.applies = cond("/applies_when", p.AppliesWhen)
	if len(p.Metrics) == 0 {
		bad("/metrics", "missing_option", "a policy measures at least one metric")
	}
	names := map[string]bool{}
	for i, m := range p.Metrics {
		at := fmt.Sprintf("/metrics/%d", i)
		if !forms.NamePattern.MatchString(m.Name) {
			bad(at+"/name", "invalid_name", "a metric name starts with a lower-case letter and holds only a-z, 0-9 and _")
		} else if names[m.Name] {
			bad(at+"/name", "duplicate_name", "two metrics are named %q", m.Name)
		}
		names[m.Name] = true
		var cm compiledMetric
		d, err := ParseOffset(m.Target)
		if err != nil || d <= 0 {
			bad(at+"/target", "invalid_duration", "a target is a positive business duration like 4h, 30m or 2d")
		}
		cm.target = d
		if m.StopWhen == "" {
			bad(at+"/stop_when", "missing_option", "a metric needs the condition that meets it, e.g. first_response_at != nil")
		}
		cm.start, cm.stop, cm.pauseWhen = cond(at+"/start_when", m.StartWhen), cond(at+"/stop_when", m.StopWhen), cond(at+"/pause_when", m.PauseWhen)
		c.metrics = append(c.metrics, cm)
	}
	actions := func(at, label string, acts []Action) *Compiled {
		a := &Automation{Name: p.Name + "_" + label, Object: p.Object, Trigger: Trigger{Type: TriggerManual}, Actions: acts}
		comp, ps := Compile(a, env, objects)
		for _, pr := range ps {
			if strings.HasPrefix(pr.Pointer, "/actions") {
				pr.Pointer = at + pr.Pointer
				probs = append(probs, pr)
			}
		}
		return comp
	}
	for i, w := range p.Warnings {
		at := fmt.Sprintf("/warnings/%d", i)
		if w.Percent < 1 || w.Percent > 99 {
			bad(at+"/percent", "invalid_option", "a warning comes at 1 to 99 percent of the target")
		}
		if w.Metric != "" && !names[w.Metric] {
			bad(at+"/metric", "unknown_metric", "the policy has no metric %q", w.Metric)
		}
		c.WarningActions = append(c.WarningActions, actions(at, fmt.Sprintf("warning_%d", i), w.Actions))
	}
	for i, e := range p.Escalations {
		at := fmt.Sprintf("/escalations/%d", i)
		d, err := ParseOffset(e.After)
		if err != nil || d < 0 {
			bad(at+"/after", "invalid_duration", "after is a business duration from the breach like 0m or 2h")
		}
		if e.Metric != "" && !names[e.Metric] {
			bad(at+"/metric", "unknown_metric", "the policy has no metric %q", e.Metric)
		}
		c.after = append(c.after, d)
		c.EscalationActions = append(c.EscalationActions, actions(at, fmt.Sprintf("escalation_%d", i), e.Actions))
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
		return nil, probs
	}
	return c, nil
}

// ApplicablePolicy is the first policy (by order, then name) whose applies_when holds.
func ApplicablePolicy(policies []*CompiledPolicy, scope rules.Scope) *CompiledPolicy {
	sorted := append([]*CompiledPolicy(nil), policies...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Order != sorted[j].Order {
			return sorted[i].Order < sorted[j].Order
		}
		return sorted[i].Name < sorted[j].Name
	})
	for _, p := range sorted {
		if p.Disabled {
			continue
		}
		if p.applies == nil {
			return p
		}
		if ok, err := p.applies.Holds(scope); err == nil && ok {
			return p
		}
	}
	return nil
}

// SLAState is a record's SLA: the policy measuring it and each metric's clock. It is stored in
// the record, so a write and its SLA never disagree.
type SLAState struct {
	Policy   string        `json:"policy"`
	Calendar string        `json:"calendar,omitempty"`
	Metrics  []MetricState `json:"metrics"`
}

// MetricState is one metric's clock. Used counts business milliseconds up to Since; while running,
// more accrues on the calendar.
type MetricState struct {
	Metric     string   `json:"metric"`
	Status     string   `json:"status"`
	TargetMs   int64    `json:"target_ms"`
	UsedMs     int64    `json:"used_ms"`
	Since      string   `json:"since,omitempty"`
	StartedAt  string   `json:"started_at,omitempty"`
	Paused     bool     `json:"paused,omitempty"`
	DueAt      string   `json:"due_at,omitempty"` // while running: when the target is used up
	WarnedAt   string   `json:"warned_at,omitempty"`
	BreachedAt string   `json:"breached_at,omitempty"`
	StoppedAt  string   `json:"stopped_at,omitempty"`
	Fired      []string `json:"fired,omitempty"` // thresholds whose effects ran: w0, breach, e1
}

func (m *MetricState) running() bool { return m.StartedAt != "" && m.StoppedAt == "" && !m.Paused }

func (m *MetricState) fired(key string) bool {
	for _, k := range m.Fired {
		if k == key {
			return true
		}
	}
	return false
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse(forms.TimeLayout, s)
	return t
}

func fmtStamp(t time.Time) string { return t.UTC().Format(forms.TimeLayout) }

// Account adds the business time since the last step to every running metric (on the calendar
// the state was measured on).
func (s *SLAState) Account(now time.Time, sched *Schedule) {
	now = now.Truncate(time.Millisecond) // stamps hold milliseconds: clocks add up exactly
	for i := range s.Metrics {
		m := &s.Metrics[i]
		if m.running() && m.Since != "" {
			if since := parseStamp(m.Since); now.After(since) {
				m.UsedMs += int64(sched.Between(since, now) / time.Millisecond)
			}
		}
		if m.StoppedAt == "" {
			m.Since = fmtStamp(now)
		}
	}
}

// Evaluate brings an accounted state (nil for a new record) under this policy at now: starts,
// stops and pauses metrics by the record's values, and sets statuses and due times. A different
// policy than before keeps the time used and applies its own targets, warnings and levels.
func (p *CompiledPolicy) Evaluate(prev *SLAState, scope rules.Scope, now time.Time, sched *Schedule) *SLAState {
	now = now.Truncate(time.Millisecond)
	st := &SLAState{Policy: p.Name, Calendar: p.Calendar}
	switched := prev != nil && prev.Policy != p.Name
	nowS := fmtStamp(now)
	holds := func(prog *rules.Program) bool {
		if prog == nil {
			return false
		}
		ok, err := prog.Holds(scope)
		return err == nil && ok
	}
	for i, def := range p.Metrics {
		cm := p.metrics[i]
		m := MetricState{Metric: def.Name, Status: StatusPending}
		if prev != nil {
			for _, old := range prev.Metrics {
				if old.Metric == def.Name {
					m = old
				}
			}
		}
		if switched {
			m.Fired, m.WarnedAt = nil, ""
			if m.StoppedAt == "" {
				m.BreachedAt = ""
			}
		}
		m.TargetMs = int64(cm.target / time.Millisecond)
		if m.StoppedAt != "" {
			st.Metrics = append(st.Metrics, m)
			continue
		}
		if m.StartedAt == "" {
			if cm.start != nil && !holds(cm.start) {
				st.Metrics = append(st.Metrics, m)
				continue
			}
			m.StartedAt, m.Since = nowS, nowS
		}
		// A breach is dated when the target ran out, not when it was noticed.
		if m.BreachedAt == "" && m.UsedMs >= m.TargetMs {
			m.BreachedAt = nowS
			if m.DueAt != "" && m.DueAt < nowS {
				m.BreachedAt = m.DueAt
			}
		}
		if holds(cm.stop) {
			m.StoppedAt, m.Paused, m.DueAt = nowS, false, ""
			m.Status = StatusMet
			if m.BreachedAt != "" {
				m.Status = StatusBreached
			}
			st.Metrics = append(st.Metrics, m)
			continue
		}
		m.Paused = holds(cm.pauseWhen)
		m.DueAt = ""
		if !m.Paused && m.UsedMs < m.TargetMs {
			if due, ok := sched.Add(now, time.Duration(m.TargetMs-m.UsedMs)*time.Millisecond); ok {
				m.DueAt = fmtStamp(due)
			}
		}
		warn := p.warnAt(def.Name, m.TargetMs)
		if m.WarnedAt == "" && warn > 0 && m.UsedMs >= warn {
			m.WarnedAt = nowS
		}
		switch {
		case m.BreachedAt != "":
			m.Status = StatusBreached
		case m.Paused:
			m.Status = StatusPaused
		case m.WarnedAt != "":
			m.Status = StatusWarning
		default:
			m.Status = StatusRunning
		}
		st.Metrics = append(st.Metrics, m)
	}
	return st
}

// warnAt is the business seconds used at which a metric's first warning comes (0: none).
func (p *CompiledPolicy) warnAt(metric string, target int64) int64 {
	var at int64
	for _, w := range p.Warnings {
		if w.Metric != "" && w.Metric != metric {
			continue
		}
		if v := target * int64(w.Percent) / 100; at == 0 || v < at {
			at = v
		}
	}
	return at
}

// Threshold is a point on a metric's clock where something happens: a warning (w<i>), the breach,
// or an escalation level (e<i>). At is business seconds used.
type Threshold struct {
	Metric string
	Key    string
	At     int64
	Level  int // index of the warning or escalation; -1 for the breach
}

// Thresholds lists a metric's thresholds under this policy.
func (p *CompiledPolicy) Thresholds(m MetricState) []Threshold {
	var out []Threshold
	for i, w := range p.SLAPolicy.Warnings {
		if w.Metric == "" || w.Metric == m.Metric {
			out = append(out, Threshold{m.Metric, fmt.Sprintf("w%d", i), m.TargetMs * int64(w.Percent) / 100, i})
		}
	}
	out = append(out, Threshold{m.Metric, "breach", m.TargetMs, -1})
	for i, e := range p.Escalations {
		if e.Metric == "" || e.Metric == m.Metric {
			out = append(out, Threshold{m.Metric, fmt.Sprintf("e%d", i), m.TargetMs + int64(p.after[i]/time.Millisecond), i})
		}
	}
	return out
}

// Reached are the thresholds a state has passed whose effects have not run yet.
func (p *CompiledPolicy) Reached(st *SLAState) []Threshold {
	var out []Threshold
	for _, m := range st.Metrics {
		if !m.running() {
			continue
		}
		for _, t := range p.Thresholds(m) {
			if m.UsedMs >= t.At && !m.fired(t.Key) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Next is the instant of the earliest threshold not yet fired among running metrics (false:
// nothing to wait for). A threshold already passed is due at now.
func (p *CompiledPolicy) Next(st *SLAState, now time.Time, sched *Schedule) (time.Time, bool) {
	now = now.Truncate(time.Millisecond)
	var next time.Time
	found := false
	for _, m := range st.Metrics {
		if !m.running() {
			continue
		}
		for _, t := range p.Thresholds(m) {
			if m.fired(t.Key) {
				continue
			}
			at := now
			if left := t.At - m.UsedMs; left > 0 {
				var ok bool
				if at, ok = sched.Add(now, time.Duration(left)*time.Millisecond); !ok {
					continue
				}
			}
			if !found || at.Before(next) {
				next, found = at, true
			}
		}
	}
	return next, found
}

// MarkFired records that a threshold's effects ran.
func (st *SLAState) MarkFired(t Threshold) {
	for i := range st.Metrics {
		if st.Metrics[i].Metric == t.Metric && !st.Metrics[i].fired(t.Key) {
			st.Metrics[i].Fired = append(st.Metrics[i].Fired, t.Key)
		}
	}
}

// Summary is what a record shows for lists and filters: its most urgent status and the earliest
// due time of a running metric ("" when none).
func (st *SLAState) Summary() (status, dueAt string) {
	status = StatusPending
	for _, m := range st.Metrics {
		if slaRank[m.Status] > slaRank[status] {
			status = m.Status
		}
		if m.DueAt != "" && (dueAt == "" || m.DueAt < dueAt) {
			dueAt = m.DueAt
		}
	}
	return status, dueAt
}

// AroundTheClock is the schedule of a policy without a calendar: every hour counts.
func AroundTheClock() *Schedule {
	all := []Interval{{Start: "00:00", End: "24:00"}}
	c := &Calendar{Name: "around_the_clock", TimeZone: "UTC", Hours: map[string][]Interval{
		"mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all}}
	s, probs := c.Compile()
	if len(probs) > 0 {
		panic(fmt.Sprint("around-the-clock calendar: ", probs))
	}
	return s
}
