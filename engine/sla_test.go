package engine

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"crm/engine/store"
	"crm/internal/testenv"
	"crm/workflow"
)

const slaTicketDef = `{"name":"ticket","fields":[
 {"name":"subject","type":"text","required":true},
 {"name":"priority","type":"picklist","options":[{"value":"normal"},{"value":"high"},{"value":"vip"}]},
 {"name":"status","type":"picklist","options":[{"value":"open"},{"value":"waiting_customer"},{"value":"solved"}]},
 {"name":"first_response_at","type":"datetime"},
 {"name":"resolved_at","type":"datetime"}]}`

const officeCalendar = `{"name":"office","time_zone":"UTC","hours":{
 "mon":[{"start":"09:00","end":"18:00"}],"tue":[{"start":"09:00","end":"18:00"}],"wed":[{"start":"09:00","end":"18:00"}],
 "thu":[{"start":"09:00","end":"18:00"}],"fri":[{"start":"09:00","end":"18:00"}]}}`

// slaPolicies: VIP answers in 2 business hours, others in 4; a warning at 75 %; at the breach the
// owner and their manager hear of it; 2 business hours later the ticket goes to the support leads
// and its priority is raised.
func slaPolicies(normalTarget string) []string {
	metrics := func(first string) string {
		return `"metrics":[
		 {"name":"first_response","target":"` + first + `","stop_when":"first_response_at != nil","pause_when":"status == \"waiting_customer\""},
		 {"name":"resolution","target":"40h","stop_when":"resolved_at != nil","pause_when":"status == \"waiting_customer\""}]`
	}
	levels := `"warnings":[{"metric":"first_response","percent":75,"actions":[{"type":"notify","to":{"owner":true},"title":{"en":"{{subject}} is due soon"}}]}],
	 "escalations":[
	  {"metric":"first_response","after":"0m","actions":[{"type":"notify","to":{"owner":true,"manager":true},"title":{"en":"{{subject}} breached"}}]},
	  {"metric":"first_response","after":"2h","actions":[{"type":"assign","target":{"type":"round_robin","team":"support_leads"}},{"type":"update","values":{"priority":"\"vip\""}}]}]`
	return []string{
		`{"name":"vip","object":"ticket","order":1,"applies_when":"priority == \"vip\"","calendar":"office",` + metrics("2h") + `,` + levels + `}`,
		`{"name":"standard","object":"ticket","order":2,"calendar":"office",` + metrics(normalTarget) + `,` + levels + `}`,
	}
}

func (c *testClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

func defineSLA(t *testing.T, e *Engine, normalTarget string) {
	t.Helper()
	ctx := context.Background()
	mustDefine(t, e, slaTicketDef)
	var cal workflow.Calendar
	if err := json.Unmarshal([]byte(officeCalendar), &cal); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SaveCalendar(ctx, SystemActor, &cal, true, 0); err != nil {
		t.Fatal(err)
	}
	team(t, e, "support_leads")
	for _, src := range slaPolicies(normalTarget) {
		var p workflow.SLAPolicy
		if err := json.Unmarshal([]byte(src), &p); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SaveSLAPolicy(ctx, SystemActor, &p, true, 0); err != nil {
			t.Fatal(err)
		}
	}
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestSLADueTimesPausesAndPolicies: a ticket created Friday 17:00 with a 4 h target is due Monday
// 12:00; waiting on the customer for 2 business hours moves that by 2; raising the priority to
// VIP switches the policy and the due time; the API shows it and lists filter by it.
func TestSLADueTimesPausesAndPolicies(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		defineSLA(t, e, "4h")
		rep := &Actor{ID: person(t, e, "agent@example.com", nil, nil), Roles: []string{RoleSales}}

		clock.Set(at("2026-11-20 17:00")) // a Friday
		tk, err := e.CreateRecord(ctx, rep, "ticket", map[string]any{"subject": "Printer", "priority": "normal", "status": "open"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := tk["id"].(string)
		if tk["sla_status"] != "running" || tk["sla_due_at"] != "2026-11-23T12:00:00.000Z" {
			t.Fatalf("new ticket: sla %v due %v, want running and Monday 12:00", tk["sla_status"], tk["sla_due_at"])
		}
		clock.Set(at("2026-11-23 10:00"))
		tk, _ = e.UpdateRecord(ctx, rep, "ticket", id, map[string]any{"status": "waiting_customer"}, 0, "en")
		if tk["sla_status"] != "paused" || tk["sla_due_at"] != nil {
			t.Fatalf("waiting on the customer: %v %v", tk["sla_status"], tk["sla_due_at"])
		}
		clock.Set(at("2026-11-23 12:00"))
		tk, _ = e.UpdateRecord(ctx, rep, "ticket", id, map[string]any{"status": "open"}, 0, "en")
		if tk["sla_due_at"] != "2026-11-23T14:00:00.000Z" {
			t.Fatalf("after 2 business hours waiting the due time is %v, want 14:00", tk["sla_due_at"])
		}
		s, err := e.GetRecordSLA(ctx, rep, "ticket", id)
		if err != nil || s.Policy != "standard" || s.Metrics[0].UsedMs != (2*3600)*1000 || s.Metrics[1].Metric != "resolution" {
			t.Fatalf("GET sla: %+v %v", s, err)
		}

		// Another ticket switches to VIP half an hour in: 1.5 h of its 2 h are left.
		clock.Set(at("2026-11-20 17:00"))
		vip, _ := e.CreateRecord(ctx, rep, "ticket", map[string]any{"subject": "CEO laptop", "priority": "normal", "status": "open"}, "en")
		clock.Set(at("2026-11-20 17:30"))
		vip, _ = e.UpdateRecord(ctx, rep, "ticket", vip["id"].(string), map[string]any{"priority": "vip"}, 0, "en")
		if vip["sla_due_at"] != "2026-11-23T10:00:00.000Z" {
			t.Fatalf("raised to VIP: due %v, want Monday 10:00 (half an hour on Friday, one on Monday)", vip["sla_due_at"])
		}
		if s, _ := e.GetRecordSLA(ctx, rep, "ticket", vip["id"].(string)); s.Policy != "vip" {
			t.Errorf("policy after raising the priority: %s", s.Policy)
		}

		// Lists filter and sort by SLA: due before Monday 11:00 finds the VIP ticket only.
		page, err := e.ListRecords(ctx, rep, "ticket", ListParams{Filter: `sla_due_at < "2026-11-23T11:00:00Z"`, Sort: "sla_due_at", Limit: 10})
		if err != nil || len(page.Items) != 1 || page.Items[0]["id"] != vip["id"] {
			t.Fatalf("due before 11:00: %v %v", page, err)
		}
		page, err = e.ListRecords(ctx, rep, "ticket", ListParams{Filter: `sla_status = "breached"`, Limit: 10})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("breached before anything breached: %v %v", page, err)
		}
		// Answered: met, and the outcome is in the report.
		clock.Set(at("2026-11-23 13:00"))
		tk, _ = e.UpdateRecord(ctx, rep, "ticket", id, map[string]any{"first_response_at": "2026-11-23T13:00:00Z"}, 0, "en")
		if s, _ := e.GetRecordSLA(ctx, rep, "ticket", id); s.Metrics[0].Status != "met" || s.Metrics[0].UsedMs != (3*3600)*1000 {
			t.Errorf("answered within the target: %+v", s.Metrics[0])
		}
		rows, err := e.SLAReport(ctx, SystemActor, "", at("2026-11-01 00:00"), at("2026-12-01 00:00"))
		if err != nil || len(rows) != 1 || rows[0].Policy != "standard" || rows[0].Metric != "first_response" || rows[0].Met != 1 || rows[0].AverageSecs != 3*3600 {
			t.Errorf("report: %+v %v", rows, err)
		}
	})
}

// TestSLABreachEscalatesOnceAcrossEngines: three engines tick a VIP ticket through its warning,
// breach and second level at once; each fires once, on time.
func TestSLABreachEscalatesOnceAcrossEngines(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		es := engines(t, b, 3, clock)
		e := es[0]
		defineSLA(t, e, "4h")
		boss := person(t, e, "boss@example.com", nil, nil)
		agent := person(t, e, "agent@example.com", nil, nil)
		if _, err := e.SaveUser(ctx, SystemActor, agent, UserInput{Manager: ptr(boss)}, 0); err != nil {
			t.Fatal(err)
		}
		lead := person(t, e, "lead@example.com", []string{"support_leads"}, nil)
		clock.Set(at("2026-11-23 09:00")) // Monday
		tk, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "Down", "priority": "vip", "status": "open", "owner": agent}, "en")
		if err != nil {
			t.Fatal(err)
		}
		id := tk["id"].(string)
		tickAll := func() {
			var wg sync.WaitGroup
			for _, x := range es {
				wg.Add(1)
				go func(x *Engine) {
					defer wg.Done()
					for i := 0; i < 3; i++ {
						if _, err := x.Tick(ctx); err != nil {
							t.Error(err)
						}
					}
				}(x)
			}
			wg.Wait()
		}
		notes := func(user, title string) int64 {
			return countDocs(t, e, collNotes, store.And{store.Compare{Field: "user", Op: store.Eq, Value: user, Scalar: true},
				store.Compare{Field: "title", Op: store.Eq, Value: title, Scalar: true}})
		}
		clock.Set(at("2026-11-23 10:29"))
		tickAll()
		if n := notes(agent, "Down is due soon"); n != 0 {
			t.Fatalf("a warning before 75 %%: %d", n)
		}
		clock.Set(at("2026-11-23 10:30"))
		tickAll()
		if n := notes(agent, "Down is due soon"); n != 1 {
			t.Fatalf("%d warnings at 75 %%, want 1", n)
		}
		clock.Set(at("2026-11-23 11:00"))
		tickAll()
		tickAll()
		if a, m := notes(agent, "Down breached"), notes(boss, "Down breached"); a != 1 || m != 1 {
			t.Fatalf("breach notices: owner %d, manager %d, want one each", a, m)
		}
		got, _ := e.GetRecord(ctx, SystemActor, "ticket", id)
		if got["sla_status"] != "breached" || got["owner"] != agent {
			t.Fatalf("after the breach: %v owner %v", got["sla_status"], got["owner"])
		}
		s, _ := e.GetRecordSLA(ctx, SystemActor, "ticket", id)
		if s.Metrics[0].BreachedAt != "2026-11-23T11:00:00.000Z" {
			t.Errorf("breached at %s, want 11:00", s.Metrics[0].BreachedAt)
		}
		clock.Set(at("2026-11-23 13:00"))
		tickAll()
		tickAll()
		got, _ = e.GetRecord(ctx, SystemActor, "ticket", id)
		if got["owner"] != lead {
			t.Fatalf("2 h after the breach the owner is %v, want the support lead %s", got["owner"], lead)
		}
		if n := countDocs(t, e, collRuns, store.And{store.Compare{Field: "record", Op: store.Eq, Value: id, Scalar: true},
			store.Compare{Field: "trigger", Op: store.Eq, Value: "sla_e1", Scalar: true}}); n != 1 {
			t.Errorf("the second level ran %d times, want once", n)
		}
		if a, m := notes(agent, "Down breached"), notes(boss, "Down breached"); a != 1 || m != 1 {
			t.Errorf("breach notices after more ticks: owner %d, manager %d", a, m)
		}
	})
}

// TestSLABreachesAfterARestart: the engine that sent the warning stops; one started after the
// breach time makes up the breach and its first level at start.
func TestSLABreachesAfterARestart(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		stores := b.OpenShared(t, 2)
		first, err := New(ctx, Config{Store: stores[0], Logger: quietLog, Clock: clock.Now, Node: "first"})
		if err != nil {
			t.Fatal(err)
		}
		defineSLA(t, first, "4h")
		agent := person(t, first, "agent@example.com", nil, nil)
		clock.Set(at("2026-11-23 09:00"))
		tk, _ := first.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "Slow", "priority": "normal", "status": "open", "owner": agent}, "en")
		clock.Set(at("2026-11-23 12:00"))
		first.Tick(ctx)
		got, _ := first.GetRecord(ctx, SystemActor, "ticket", tk["id"].(string))
		if got["sla_status"] != "warning" {
			t.Fatalf("at 75 %%: %v", got["sla_status"])
		}
		// first stops here; nothing runs until after the breach time.
		clock.Set(at("2026-11-23 14:30"))
		second, err := New(ctx, Config{Store: stores[1], Logger: quietLog, Clock: clock.Now, Node: "second"})
		if err != nil {
			t.Fatal(err)
		}
		sched, err := second.StartScheduler(ctx)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool {
			got, _ := second.GetRecord(ctx, SystemActor, "ticket", tk["id"].(string))
			return got["sla_status"] == "breached"
		})
		sched.Stop()
		s, _ := second.GetRecordSLA(ctx, SystemActor, "ticket", tk["id"].(string))
		if s.Metrics[0].BreachedAt != "2026-11-23T13:00:00.000Z" {
			t.Errorf("breached at %s, want 13:00 (the due time), not when it was noticed", s.Metrics[0].BreachedAt)
		}
		if n := countDocs(t, second, collNotes, store.Compare{Field: "title", Op: store.Eq, Value: "Slow breached", Scalar: true}); n != 1 {
			t.Errorf("%d breach notices after the restart, want 1", n)
		}
	})
}
