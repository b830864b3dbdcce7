package engine

import (
	"context"
	"fmt"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
	"crm/templates"
)

// TestTemplateRollups: the default template's accounts show their open pipeline (the amounts of
// opportunities not won or lost) and their open tickets, over the demo data as its writes left
// them and after a deal is won.
func TestTemplateRollups(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		applyTemplate(t, e, "default")
		demo, err := templates.Demo("default")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ApplyDemo(ctx, demo); err != nil {
			t.Fatal(err)
		}
		settle(t, e)
		check := func() {
			t.Helper()
			accounts, err := e.store.Find(ctx, recordsColl("account"), store.Query{})
			if err != nil {
				t.Fatal(err)
			}
			some := false
			for _, a := range accounts {
				id := a["id"].(string)
				opps, err := e.store.Find(ctx, recordsColl("opportunity"), storeQueryLookup("account", id))
				if err != nil {
					t.Fatal(err)
				}
				tickets, err := e.store.Find(ctx, recordsColl("ticket"), storeQueryLookup("account", id))
				if err != nil {
					t.Fatal(err)
				}
				var open, openTickets int64
				for _, o := range opps {
					if s := o["stage"]; s != "won" && s != "lost" {
						n, _ := o["amount"].(int64)
						open += n
					}
				}
				for _, tk := range tickets {
					if s := tk["status"]; s != "resolved" && s != "closed" {
						openTickets++
					}
				}
				some = some || open > 0
				if a["open_pipeline"] != open || a["open_tickets"] != openTickets {
					t.Errorf("account %v: open pipeline %v, open tickets %v; its records say %d, %d", a["name"], a["open_pipeline"], a["open_tickets"], open, openTickets)
				}
			}
			if !some {
				t.Error("no demo account has an open pipeline: the test checks nothing")
			}
		}
		check()
		opps, err := e.store.Find(ctx, recordsColl("opportunity"), store.Query{Filter: store.Compare{Field: "stage", Op: store.Eq, Value: "proposal", Scalar: true}, Limit: 1})
		if err != nil || len(opps) == 0 {
			t.Fatalf("no opportunity in proposal: %v", err)
		}
		if _, err := e.UpdateRecord(ctx, SystemActor, "opportunity", opps[0]["id"].(string), map[string]any{"stage": "lost", "lost_reason": "price"}, 0, "en"); err != nil {
			t.Log(fmt.Sprint(err))
			t.Fatal(err)
		}
		settle(t, e)
		check()
	})
}
