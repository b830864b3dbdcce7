package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"crm/forms"
	"crm/internal/testenv"
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
		var obj forms.Object
		if err := json.Unmarshal([]byte(bad), &obj); err != nil {
			t.Fatal(err)
		}
		_, err = e.CreateObject(ctx, SystemActor, &obj)
		var pointers []string
		if ee, ok := AsError(err); ok {
			for _, p := range ee.Problems {
				pointers = append(pointers, p.Pointer)
			}
		}
		if fmt.Sprint(pointers) != "[/pools/0/members/roles/0 /pools/0/managers/teams/0]" {
			t.Errorf("a pool of unknown people: %v %v", pointers, err)
		}
		if _, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "x", "owner": "pool:nope"}, "en"); err == nil {
			t.Error("an unknown pool became an owner")
		}
	})
}
