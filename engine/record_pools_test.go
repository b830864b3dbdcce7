package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"crm/forms"
	"crm/internal/testenv"
	"crm/workflow"
)

const poolLeadDef = `{"name":"lead","fields":[{"name":"company","type":"text","required":true}],
 "pools":[{"name":"lead_pool","label":{"en":"Lead pool","zh-CN":"线索池"},
  "members":{"roles":["sales"]},"managers":{"teams":["pool_admins"]}}]}`

// TestPoolClaimAndReturn: a lead in the pool is seen by its members only; two reps on two
// processes claim it at once and exactly one gets it, the other 409 already_claimed; the owner
// returns it with a reason (kept in the audit) and another rep claims it; the pool's manager
// changes pool records without being in the pool's member roles.
func TestPoolClaimAndReturn(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		es := engines(t, b, 2, newTestClock())
		e := es[0]
		team(t, e, "pool_admins")
		mustDefine(t, e, poolLeadDef)
		reps := []*Actor{salesRep(t, e, "ann@example.com"), salesRep(t, e, "bob@example.com")}
		support, err := e.SaveUser(ctx, SystemActor, "", UserInput{Email: ptr("sue@example.com"), Password: ptr("correct-horse-sue"), Roles: &[]string{RoleSupport}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		sue := &Actor{ID: support.ID, Roles: support.Roles}
		mgr, err := e.SaveUser(ctx, SystemActor, "", UserInput{Email: ptr("max@example.com"), Password: ptr("correct-horse-max"), Roles: &[]string{RoleSupport}, Teams: &[]string{"pool_admins"}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		max := &Actor{ID: mgr.ID, Roles: mgr.Roles}

		for round := range 6 {
			lead, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": fmt.Sprint("Pooled ", round), "owner": "pool:lead_pool"}, "en")
			if err != nil {
				t.Fatal(err)
			}
			id := lead["id"].(string)
			if lead["owner"] != "pool:lead_pool" {
				t.Fatalf("owner %v, want the pool", lead["owner"])
			}
			if _, err := e.GetRecord(ctx, reps[1], "lead", id); err != nil {
				t.Fatalf("a member does not see the pool's lead: %v", err)
			}
			if _, err := e.GetRecord(ctx, sue, "lead", id); !isNotFound(err) {
				t.Fatalf("someone outside the pool sees its lead: %v", err)
			}
			if _, err := e.UpdateRecord(ctx, reps[0], "lead", id, map[string]any{"company": "x"}, 0, "en"); err == nil {
				t.Fatal("a member changed a pool lead without claiming it")
			}
			if _, err := es[1].ClaimRecord(ctx, sue, "lead", id, "en"); !isNotFound(err) {
				t.Fatalf("claim from outside the pool: %v, want not found", err)
			}

			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = es[i].ClaimRecord(ctx, reps[i], "lead", id, "en")
				}()
			}
			wg.Wait()
			won := -1
			for i, err := range errs {
				if err == nil {
					if won >= 0 {
						t.Fatalf("round %d: both reps claimed the lead", round)
					}
					won = i
				} else if ee, ok := AsError(err); !ok || ee.Code != "already_claimed" || ee.Kind != KindConflict {
					t.Fatalf("round %d: the second claim answered %v, want already_claimed", round, err)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: no claim succeeded: %v", round, errs)
			}
			winner, other := reps[won], reps[1-won]
			got, err := e.GetRecord(ctx, winner, "lead", id)
			if err != nil || got["owner"] != winner.ID {
				t.Fatalf("round %d: after the claim %v %v", round, got["owner"], err)
			}
			if _, err := e.GetRecord(ctx, other, "lead", id); !isNotFound(err) {
				t.Errorf("round %d: the other rep still sees the claimed lead: %v", round, err)
			}
			if _, err := e.ClaimRecord(ctx, winner, "lead", id, "en"); err == nil {
				t.Errorf("round %d: claiming one's own lead again succeeded", round)
			}

			if _, err := e.ReturnRecord(ctx, winner, "lead", id, "", "  ", "en"); err == nil || errCode(err) != "return_reason_required" {
				t.Fatalf("return without a reason: %v", err)
			}
			back, err := e.ReturnRecord(ctx, winner, "lead", id, "", "not reachable for two weeks", "en")
			if err != nil || back["owner"] != "pool:lead_pool" {
				t.Fatalf("return: %v %v", back["owner"], err)
			}
			if _, err := e.ReturnRecord(ctx, max, "lead", id, "", "again", "en"); errCode(err) != "already_in_pool" {
				t.Errorf("returning a pool lead: %v", err)
			}
			hist, err := e.RecordHistory(ctx, SystemActor, "lead", id)
			if err != nil {
				t.Fatal(err)
			}
			var claimed, returned int
			for _, h := range hist {
				switch h.Action {
				case "record_claimed":
					claimed++
				case "record_returned":
					returned++
					if h.Reason != "not reachable for two weeks" || h.Actor != winner.ID {
						t.Errorf("return entry %+v", h)
					}
				}
			}
			if claimed != 1 || returned != 1 {
				t.Errorf("round %d: %d claims and %d returns in the history, want 1 and 1", round, claimed, returned)
			}
			// The pool's manager changes a pool lead; the other rep claims it now.
			if _, err := e.UpdateRecord(ctx, max, "lead", id, map[string]any{"company": fmt.Sprint("Checked ", round)}, 0, "en"); err != nil {
				t.Fatalf("the pool's manager: %v", err)
			}
			if r, err := e.ClaimRecord(ctx, other, "lead", id, "en"); err != nil || r["owner"] != other.ID {
				t.Fatalf("claim after the return: %v %v", r["owner"], err)
			}
		}

		// A pool names roles and teams that exist; an owner names a user or a pool of the object.
		bad := `{"name":"deal","fields":[{"name":"title","type":"text"}],"pools":[{"name":"p","members":{"roles":["nobody"]},"managers":{"teams":["ghosts"]}}]}`
		pointers, err := problemPointers(t, e, bad)
		if fmt.Sprint(pointers) != "[/pools/0/members/roles/0 /pools/0/managers/teams/0]" {
			t.Errorf("a pool of unknown people: %v %v", pointers, err)
		}
		if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "x", "owner": "pool:nope"}, "en"); err == nil {
			t.Error("an unknown pool became an owner")
		}
	})
}

// clientDef: a client pool, and a holding limit of two active clients per owner.
const clientDef = `{"name":"client","fields":[{"name":"name","type":"text","required":true},
  {"name":"status","type":"picklist","options":[{"value":"active"},{"value":"closed"}]}],
 "pools":[{"name":"open_sea","members":{"roles":["sales"]}}],
 "owner_counts":[{"name":"held","object":"client","filter":"status = \"active\""}],
 "validation_rules":[{"name":"holding_limit","error_when":"changed(\"owner\") && status == \"active\" && owner_counts.held >= 2",
   "message":{"en":"you hold 2 active clients already","zh-CN":"保有量已满"}}]}`

// TestHoldingLimitOnEveryWritePath: the count of the owner's active clients refuses a third one
// on create, on a claim from the pool, on a transfer to the owner and on an import, and lets
// through a closed one, a claim by someone under the limit and edits that keep the owner.
func TestHoldingLimitOnEveryWritePath(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, clientDef)
		ann, bob := salesRep(t, e, "ann@example.com"), salesRep(t, e, "bob@example.com")
		limited := func(what string, err error) {
			t.Helper()
			ee, ok := AsError(err)
			if !ok || ee.Code != "validation_failed" || len(ee.Fields) != 1 || ee.Fields[0].Message != "you hold 2 active clients already" {
				t.Errorf("%s: %v, want the holding limit", what, err)
			}
		}
		mine := make([]string, 0, 2)
		for i := range 2 {
			r, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": fmt.Sprint("A", i), "status": "active"}, "en")
			if err != nil {
				t.Fatal(err)
			}
			mine = append(mine, r["id"].(string))
		}
		// Create.
		_, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": "A2", "status": "active"}, "en")
		limited("a third active client", err)
		if _, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": "A3", "status": "closed"}, "en"); err != nil {
			t.Errorf("a closed client does not count: %v", err)
		}
		// An edit that keeps the owner is not a new holding.
		if _, err := e.UpdateRecord(ctx, ann, "client", mine[0], map[string]any{"name": "A0 renamed"}, 0, "en"); err != nil {
			t.Errorf("editing a held client: %v", err)
		}
		// Claim.
		pooled, err := e.CreateRecord(ctx, SystemActor, "client", map[string]any{"name": "P", "status": "active", "owner": "pool:open_sea"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.ClaimRecord(ctx, ann, "client", pooled["id"].(string), "en")
		limited("a claim over the limit", err)
		if r, err := e.ClaimRecord(ctx, bob, "client", pooled["id"].(string), "en"); err != nil || r["owner"] != bob.ID {
			t.Fatalf("bob is under the limit: %v %v", r["owner"], err)
		}
		// Transfer to ann.
		_, err = e.UpdateRecord(ctx, SystemActor, "client", pooled["id"].(string), map[string]any{"owner": ann.ID}, 0, "en")
		limited("a transfer over the limit", err)
		// Import as ann: the active row fails, the closed one is created.
		sheet := "name,status\nI1,active\nI2,closed\n"
		im, err := e.StartImport(ctx, ann, ImportRequest{Object: "client", FileName: "clients.csv", File: strings.NewReader(sheet)}, "en")
		if err != nil {
			t.Fatal(err)
		}
		var got *Import
		waitFor(t, func() bool {
			_, _ = e.Tick(ctx)
			got, err = e.GetImport(ctx, ann, im.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Status == importDone
		})
		if got.Created != 1 || got.Failed != 1 {
			t.Errorf("import: created %d, failed %d; want 1 and 1", got.Created, got.Failed)
		}
		// Closing one makes room.
		if _, err := e.UpdateRecord(ctx, ann, "client", mine[1], map[string]any{"status": "closed"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": "A4", "status": "active"}, "en"); err != nil {
			t.Errorf("after closing one: %v", err)
		}
		// A count's object and filter are checked at save.
		bad := `{"name":"deal","fields":[{"name":"title","type":"text"}],"owner_counts":[{"name":"a","object":"nothing"},{"name":"b","object":"client","filter":"nope = 1"}]}`
		pointers, err := problemPointers(t, e, bad)
		if fmt.Sprint(pointers) != "[/owner_counts/0/object /owner_counts/1/filter]" {
			t.Errorf("bad owner counts: %v %v", pointers, err)
		}
	})
}

// TestHoldingLimitByTheHoldersRole: a limit that depends on the role of the owner the write
// leaves (owner_user), not of whoever writes: a manager may hold 3, a rep 1, so a manager
// transferring a second client to a rep is refused while taking it herself is not.
func TestHoldingLimitByTheHoldersRole(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, strings.Replace(clientDef, `owner_counts.held >= 2`, `owner_counts.held >= (\"manager\" in owner_user.roles ? 3 : 1)`, 1))
		ann := salesRep(t, e, "ann@example.com")
		mgrID := person(t, e, "meg@example.com", nil, nil)
		if _, err := e.SaveUser(ctx, SystemActor, mgrID, UserInput{Roles: &[]string{RoleManager}}, 0); err != nil {
			t.Fatal(err)
		}
		meg := &Actor{ID: mgrID, Email: "meg@example.com", Roles: []string{RoleManager}}
		if _, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": "A0", "status": "active"}, "en"); err != nil {
			t.Fatal(err)
		}
		second, err := e.CreateRecord(ctx, meg, "client", map[string]any{"name": "M0", "status": "active"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.UpdateRecord(ctx, meg, "client", second["id"].(string), map[string]any{"owner": ann.ID}, 0, "en"); err == nil {
			t.Error("a manager gave a rep at her limit a second client")
		} else if ee, ok := AsError(err); !ok || ee.Code != "validation_failed" {
			t.Errorf("transfer to the rep: %v", err)
		}
		for i := 1; i < 3; i++ {
			if _, err := e.CreateRecord(ctx, meg, "client", map[string]any{"name": fmt.Sprint("M", i), "status": "active"}, "en"); err != nil {
				t.Errorf("the manager's client %d of 3: %v", i+1, err)
			}
		}
		if _, err := e.CreateRecord(ctx, meg, "client", map[string]any{"name": "M3", "status": "active"}, "en"); err == nil {
			t.Error("the manager holds a fourth client")
		}
	})
}

// TestReclaimToPoolAfterDays: the scheduled reclaim of a pool. A client its rep has not
// contacted for 7 days goes back to the pool (the rep is told first), with the reason in its
// history; a contact in time moves the timer; the action is checked at save.
func TestReclaimToPoolAfterDays(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, `{"name":"client","fields":[{"name":"name","type":"text","required":true},{"name":"last_contacted_at","type":"datetime"}],
		 "pools":[{"name":"open_sea","members":{"roles":["sales"]}}]}`, `{"name":"task_like","fields":[{"name":"subject","type":"text"}]}`)
		mustAutomate(t, e, `{"name":"reclaim","object":"client","trigger":{"type":"time_relative","field":"last_contacted_at","offset":"7d"},
		 "actions":[{"type":"notify","to":{"owner":true},"title":{"en":"{{name}} goes back to the pool"}},
		            {"type":"return_to_pool","reason":{"en":"no follow-up for 7 days","zh-CN":"7 天未跟进"}}]}`)
		ann := salesRep(t, e, "ann@example.com")
		kept, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": "Kept", "last_contacted_at": stamp(clock.Now())}, "en")
		if err != nil {
			t.Fatal(err)
		}
		idle, err := e.CreateRecord(ctx, ann, "client", map[string]any{"name": "Idle", "last_contacted_at": stamp(clock.Now())}, "en")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(5 * 24 * time.Hour)
		if _, err := e.UpdateRecord(ctx, ann, "client", kept["id"].(string), map[string]any{"last_contacted_at": stamp(clock.Now())}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(3 * 24 * time.Hour)
		if _, err := e.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		owner := func(id any) any {
			t.Helper()
			r, err := e.GetRecord(ctx, SystemActor, "client", id.(string))
			if err != nil {
				t.Fatal(err)
			}
			return r["owner"]
		}
		if got := owner(idle["id"]); got != "pool:open_sea" {
			t.Errorf("the idle client's owner after 8 days: %v, want the pool", got)
		}
		if got := owner(kept["id"]); got != ann.ID {
			t.Errorf("the client contacted on day 5 went to %v", got)
		}
		hist, err := e.RecordHistory(ctx, SystemActor, "client", idle["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		returned := false
		for _, h := range hist {
			returned = returned || (h.Action == "record_returned" && h.Reason == "no follow-up for 7 days")
		}
		if !returned {
			t.Errorf("no return with its reason in the history: %+v", hist)
		}
		notes, _, err := e.Notifications(ctx, ann, true, 10)
		if err != nil || len(notes) != 1 || notes[0].Title != "Idle goes back to the pool" {
			t.Errorf("the rep's notifications: %+v %v", notes, err)
		}
		// Checked at save: an object without pools, an unknown pool, no reason.
		for want, def := range map[string]string{
			"/actions/0/type":   `{"name":"r1","object":"task_like","trigger":{"type":"created"},"actions":[{"type":"return_to_pool","reason":{"en":"x"}}]}`,
			"/actions/0/pool":   `{"name":"r2","object":"client","trigger":{"type":"created"},"actions":[{"type":"return_to_pool","pool":"nope","reason":{"en":"x"}}]}`,
			"/actions/0/reason": `{"name":"r3","object":"client","trigger":{"type":"created"},"actions":[{"type":"return_to_pool"}]}`,
		} {
			var a workflow.Automation
			if err := json.Unmarshal([]byte(def), &a); err != nil {
				t.Fatal(err)
			}
			_, err := e.SaveAutomation(ctx, SystemActor, &a, true, 0)
			ee, _ := AsError(err)
			if ee == nil || len(ee.Problems) != 1 || ee.Problems[0].Pointer != want {
				t.Errorf("%s: %v", want, err)
			}
		}
	})
}

// problemPointers saves the object def and answers the pointers of the problems refusing it.
func problemPointers(t *testing.T, e *Engine, def string) ([]string, error) {
	t.Helper()
	var obj forms.Object
	if err := json.Unmarshal([]byte(def), &obj); err != nil {
		t.Fatal(err)
	}
	_, err := e.CreateObject(context.Background(), SystemActor, &obj)
	var pointers []string
	if ee, ok := AsError(err); ok {
		for _, p := range ee.Problems {
			pointers = append(pointers, p.Pointer)
		}
	}
	return pointers, err
}
