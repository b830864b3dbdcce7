package workflow

import (
	"testing"
	"time"

	"crm/forms"
	"crm/rules"
)

func ticketObject() *forms.Object {
	return &forms.Object{Name: "ticket", Fields: []*forms.Field{
		{Name: "priority", Type: forms.TypePicklist, Options: []forms.Option{{Value: "normal"}, {Value: "vip"}}},
		{Name: "status", Type: forms.TypePicklist, Options: []forms.Option{{Value: "open"}, {Value: "waiting_customer"}, {Value: "solved"}}},
		{Name: "first_response_at", Type: forms.TypeDatetime},
	}}
}

func policy(t *testing.T, p SLAPolicy) *CompiledPolicy {
	t.Helper()
	obj := ticketObject()
	p.Object = "ticket"
	c, probs := CompileSLAPolicy(&p, rules.NewEnv(obj), func(string) *forms.Object { return obj }, func(string) bool { return true })
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return c
}

func firstResponse(target string) SLAMetric {
	return SLAMetric{Name: "first_response", Target: target, StopWhen: "first_response_at != nil", PauseWhen: `status == "waiting_customer"`}
}

// step is one write of the record at now: account, pick the policy, evaluate.
func step(prev *SLAState, policies []*CompiledPolicy, sched *Schedule, values map[string]any, now time.Time) (*SLAState, *CompiledPolicy) {
	env := rules.NewEnv(ticketObject())
	scope := env.Scope(values, nil, rules.Context{Now: now})
	if prev != nil {
		prev.Account(now, sched)
	}
	p := ApplicablePolicy(policies, scope)
	return p.Evaluate(prev, scope, now, sched), p
}

func TestSLADueTimesPausesAndPolicySwitch(t *testing.T) {
	ny := zone(t, "America/New_York")
	sched := compile(t, &Calendar{Name: "office", TimeZone: "America/New_York", Hours: officeHours(iv("09:00", "18:00"))})
	vip := policy(t, SLAPolicy{Name: "vip", Order: 1, AppliesWhen: `priority == "vip"`, Metrics: []SLAMetric{firstResponse("2h")},
		Warnings: []SLAWarning{{Percent: 75, Actions: []Action{{Type: ActionUpdate, Values: map[string]string{"status": `"open"`}}}}}})
	normal := policy(t, SLAPolicy{Name: "normal", Order: 2, Metrics: []SLAMetric{firstResponse("4h")},
		Escalations: []SLAEscalation{{After: "0m", Actions: []Action{{Type: ActionUpdate, Values: map[string]string{"status": `"open"`}}}},
			{After: "2h", Actions: []Action{{Type: ActionUpdate, Values: map[string]string{"priority": `"vip"`}}}}}})
	all := []*CompiledPolicy{normal, vip}
	rec := map[string]any{"priority": "normal", "status": "open"}

	// Friday 17:00, 4 h: one hour on Friday, three on Monday.
	fri := wall(t, ny, "2026-11-20 17:00")
	st, p := step(nil, all, sched, rec, fri)
	m := st.Metrics[0]
	if p.Name != "normal" || m.Status != StatusRunning {
		t.Fatalf("policy %s status %s", p.Name, m.Status)
	}
	wantTime(t, "due", parseStamp(m.DueAt), wall(t, ny, "2026-11-23 12:00"))
	if next, ok := p.Next(st, fri, sched); !ok || !next.Equal(wall(t, ny, "2026-11-23 12:00")) {
		t.Errorf("next threshold %v %v, want the breach Monday 12:00", next, ok)
	}

	// Monday 10:00 the customer is asked; 2 business hours later (12:00) they answer.
	mon10 := wall(t, ny, "2026-11-23 10:00")
	rec = map[string]any{"priority": "normal", "status": "waiting_customer"}
	st, _ = step(st, all, sched, rec, mon10)
	if m := st.Metrics[0]; m.Status != StatusPaused || m.UsedMs != (2*3600)*1000 || m.DueAt != "" {
		t.Fatalf("paused: %+v", m)
	}
	if _, ok := p.Next(st, mon10, sched); ok {
		t.Error("a paused clock plans no threshold")
	}
	rec = map[string]any{"priority": "normal", "status": "open"}
	st, _ = step(st, all, sched, rec, wall(t, ny, "2026-11-23 12:00"))
	wantTime(t, "due after the pause", parseStamp(st.Metrics[0].DueAt), wall(t, ny, "2026-11-23 14:00"))

	// Raising priority at 12:30 switches to VIP (2 h): 2.5 h are used, so it is breached, dated now.
	at := wall(t, ny, "2026-11-23 12:30")
	rec = map[string]any{"priority": "vip", "status": "open"}
	st, p = step(st, all, sched, rec, at)
	if m := st.Metrics[0]; p.Name != "vip" || st.Policy != "vip" || m.Status != StatusBreached || m.TargetMs != (7200)*1000 || m.BreachedAt != fmtStamp(at) {
		t.Fatalf("after the switch: %s %+v", p.Name, m)
	}
	reached := p.Reached(st)
	if len(reached) != 2 || reached[0].Key != "w0" || reached[1].Key != "breach" {
		t.Fatalf("reached after the switch: %+v", reached)
	}
	for _, r := range reached {
		st.MarkFired(r)
	}
	if len(p.Reached(st)) != 0 {
		t.Error("fired thresholds are reached again")
	}
	if s, due := st.Summary(); s != StatusBreached || due != "" {
		t.Errorf("summary %s %q", s, due)
	}
	// The answer stops the clock: breached stays breached.
	rec = map[string]any{"priority": "vip", "status": "open", "first_response_at": fmtStamp(at.Add(time.Hour))}
	st, _ = step(st, all, sched, rec, at.Add(time.Hour))
	if m := st.Metrics[0]; m.Status != StatusBreached || m.StoppedAt == "" || m.UsedMs != (3*3600+1800)*1000 {
		t.Errorf("stopped after a breach: %+v", m)
	}
}

func TestSLAEscalationThresholdsAndMet(t *testing.T) {
	sched := AroundTheClock()
	p := policy(t, SLAPolicy{Name: "p", Metrics: []SLAMetric{firstResponse("4h")},
		Warnings:    []SLAWarning{{Percent: 50, Actions: []Action{{Type: ActionUpdate, Values: map[string]string{"status": `"open"`}}}}},
		Escalations: []SLAEscalation{{After: "0m", Actions: []Action{{Type: ActionUpdate, Values: map[string]string{"status": `"open"`}}}}, {After: "2h", Actions: []Action{{Type: ActionUpdate, Values: map[string]string{"status": `"open"`}}}}}})
	t0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) // a Saturday: no calendar, every hour counts
	rec := map[string]any{"priority": "normal", "status": "open"}
	st, _ := step(nil, []*CompiledPolicy{p}, sched, rec, t0)
	var order []string
	now := t0
	for i := 0; i < 10; i++ {
		next, ok := p.Next(st, now, sched)
		if !ok {
			break
		}
		now = next
		st, _ = step(st, []*CompiledPolicy{p}, sched, rec, now)
		for _, r := range p.Reached(st) {
			order = append(order, r.Key+"@"+now.Format("15:04"))
			st.MarkFired(r)
		}
	}
	if got := order; len(got) != 4 || got[0] != "w0@12:00" || got[1] != "breach@14:00" || got[2] != "e0@14:00" || got[3] != "e1@16:00" {
		t.Errorf("thresholds fired %v", got)
	}
	// A response within the target is met.
	st, _ = step(nil, []*CompiledPolicy{p}, sched, rec, t0)
	rec = map[string]any{"status": "open", "first_response_at": fmtStamp(t0.Add(time.Hour))}
	st, _ = step(st, []*CompiledPolicy{p}, sched, rec, t0.Add(time.Hour))
	if m := st.Metrics[0]; m.Status != StatusMet || m.UsedMs != (3600)*1000 {
		t.Errorf("met: %+v", m)
	}
}

func TestCompileSLAPolicyProblems(t *testing.T) {
	obj := ticketObject()
	p := &SLAPolicy{Name: "x", Object: "ticket", Calendar: "nope", AppliesWhen: "priorty == 1",
		Metrics:     []SLAMetric{{Name: "a", Target: "-1h"}, {Name: "a", Target: "1h", StopWhen: "status == 1"}},
		Warnings:    []SLAWarning{{Percent: 120, Metric: "zzz"}},
		Escalations: []SLAEscalation{{After: "soon", Actions: []Action{{Type: "teleport"}}}}}
	_, probs := CompileSLAPolicy(p, rules.NewEnv(obj), func(string) *forms.Object { return obj }, func(string) bool { return false })
	got := map[string]bool{}
	for _, pr := range probs {
		got[pr.Pointer] = true
	}
	for _, want := range []string{"/calendar", "/applies_when", "/metrics/0/target", "/metrics/0/stop_when", "/metrics/1/name",
		"/metrics/1/stop_when", "/warnings/0/percent", "/warnings/0/metric", "/escalations/0/after", "/escalations/0/actions/0/type"} {
		if !got[want] {
			t.Errorf("no problem at %s: %v", want, probs)
		}
	}
}
