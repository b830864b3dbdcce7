package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/forms"
	"crm/internal/testenv"
)

const rollupAccount = `{"name":"account","fields":[{"name":"name","type":"text","required":true}]}`

const rollupDeal = `{"name":"deal","fields":[{"name":"name","type":"text"},
  {"name":"account","type":"lookup","target":"account"},
  {"name":"amount","type":"currency","currency":"CNY"},
  {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"}]}]}`

// rollupAccountWith is the account with its roll-ups over deals and a formula reading one.
const rollupAccountWith = `{"name":"account","fields":[{"name":"name","type":"text","required":true},
  {"name":"open_pipeline","type":"rollup","child_object":"deal","child_lookup":"account","function":"sum","summarize":"amount","filter":"stage not in [\"won\",\"lost\"]","indexed":true},
  {"name":"deals","type":"rollup","child_object":"deal","child_lookup":"account","function":"count"},
  {"name":"biggest","type":"rollup","child_object":"deal","child_lookup":"account","function":"max","summarize":"amount"},
  {"name":"smallest","type":"rollup","child_object":"deal","child_lookup":"account","function":"min","summarize":"amount"},
  {"name":"average","type":"rollup","child_object":"deal","child_lookup":"account","function":"avg","summarize":"amount"},
  {"name":"double","type":"formula","result_type":"currency","currency":"CNY","expression":"open_pipeline * 2"}]}`

func redefine(t *testing.T, e *Engine, def string) {
	t.Helper()
	var obj forms.Object
	if err := json.Unmarshal([]byte(def), &obj); err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpdateObject(context.Background(), SystemActor, obj.Name, &obj, 0); err != nil {
		t.Fatal(err)
	}
}

// settle runs the engine's due jobs and roll-up marks until none is left.
func settle(t *testing.T, e *Engine) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if _, err := e.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		marks, err := e.store.Count(ctx, collRollupMarks, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Events a stopped scheduler's fold left (their batch cut) are repaired after their grace;
		// they carry no marks: only backfills matter here.
		jobs, err := e.store.Count(ctx, collJobs, store.Compare{Field: "kind", Op: store.Eq, Value: "rollup_backfill"})
		if err != nil {
			t.Fatal(err)
		}
		if marks == 0 && jobs == 0 {
			return
		}
	}
	left, _ := e.store.Find(ctx, collJobs, store.Query{Limit: 3})
	claims, _ := e.store.Find(ctx, collClaims, store.Query{Limit: 3})
	t.Fatalf("roll-ups did not settle: jobs %v, claims %v", left, claims)
}

// TestRollupsFollowTheirChildren: roll-ups added to accounts with deals are backfilled (progress
// through the engine), then follow every create, update, delete and re-parenting of a deal,
// exactly to the cent, with the filter respected; a formula, a filter and a sort read them like
// any field. Both backends.
func TestRollupsFollowTheirChildren(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, rollupAccount, rollupDeal)
		create := func(object string, v map[string]any) string {
			t.Helper()
			r, err := e.CreateRecord(ctx, SystemActor, object, v, "en")
			if err != nil {
				t.Fatal(err)
			}
			return r["id"].(string)
		}
		update := func(object, id string, v map[string]any) {
			t.Helper()
			if _, err := e.UpdateRecord(ctx, SystemActor, object, id, v, 0, "en"); err != nil {
				t.Fatal(err)
			}
		}
		a := create("account", map[string]any{"name": "Acme"})
		b2 := create("account", map[string]any{"name": "Bolt"})
		d1 := create("deal", map[string]any{"account": a, "amount": "10.10", "stage": "new"})
		create("deal", map[string]any{"account": a, "amount": "20.20", "stage": "won"})

		redefine(t, e, rollupAccountWith)
		p, err := e.RollupBackfill(ctx, SystemActor, "account")
		if err != nil || p.State != BackfillRunning || p.Total != 2 {
			t.Fatalf("backfill as started: %+v %v", p, err)
		}
		settle(t, e)
		if p, err = e.RollupBackfill(ctx, SystemActor, "account"); err != nil || p.State != BackfillDone || p.Done != 2 {
			t.Fatalf("backfill as finished: %+v %v", p, err)
		}
		want := func(id string, w string) {
			t.Helper()
			settle(t, e)
			r, err := e.GetRecord(ctx, SystemActor, "account", id)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("open=%v deals=%v max=%v min=%v avg=%v double=%v", r["open_pipeline"], r["deals"], r["biggest"], r["smallest"], r["average"], r["double"])
			if got != w {
				t.Fatalf("account %s:\n got %s\nwant %s", id, got, w)
			}
		}
		want(a, "open=10.10 deals=2 max=20.20 min=10.10 avg=15.15 double=20.20")
		want(b2, "open=0.00 deals=0 max=<nil> min=<nil> avg=<nil> double=0.00")

		d3 := create("deal", map[string]any{"account": a, "amount": "0.01", "stage": "new"})
		want(a, "open=10.11 deals=3 max=20.20 min=0.01 avg=10.10 double=20.22")
		update("deal", d1, map[string]any{"amount": "100.00"})
		want(a, "open=100.01 deals=3 max=100.00 min=0.01 avg=40.07 double=200.02")
		update("deal", d1, map[string]any{"stage": "lost"}) // out of the filter, still counted
		want(a, "open=0.01 deals=3 max=100.00 min=0.01 avg=40.07 double=0.02")
		update("deal", d1, map[string]any{"account": b2}) // re-parented: both follow
		want(a, "open=0.01 deals=2 max=20.20 min=0.01 avg=10.11 double=0.02")
		want(b2, "open=0.00 deals=1 max=100.00 min=100.00 avg=100.00 double=0.00")
		update("deal", d1, map[string]any{"stage": "new"})
		if err := e.DeleteRecord(ctx, SystemActor, "deal", d3, 0); err != nil {
			t.Fatal(err)
		}
		want(a, "open=0.00 deals=1 max=20.20 min=20.20 avg=20.20 double=0.00")
		want(b2, "open=100.00 deals=1 max=100.00 min=100.00 avg=100.00 double=200.00")

		// Stored on the account: filters and sorts read it.
		page, err := e.ListRecords(ctx, SystemActor, "account", ListParams{Filter: "open_pipeline > 50", Sort: "-open_pipeline"})
		if err != nil || len(page.Items) != 1 || page.Items[0]["id"] != b2 {
			t.Fatalf("accounts with an open pipeline over 50: %v %v", page, err)
		}
		// Nobody writes a roll-up.
		if _, err := e.UpdateRecord(ctx, SystemActor, "account", a, map[string]any{"deals": 7}, 0, "en"); err == nil {
			t.Fatal("a roll-up was written by hand")
		}
		// A roll-up over a field the deal lacks is refused at its pointer; so is a filter's
		// mistake, with its column.
		var obj forms.Object
		_ = json.Unmarshal([]byte(`{"name":"account","fields":[{"name":"name","type":"text","required":true},
		  {"name":"x","type":"rollup","child_object":"deal","child_lookup":"account","function":"sum","summarize":"amont"},
		  {"name":"y","type":"rollup","child_object":"deal","child_lookup":"account","function":"count","filter":"stage == 1"}]}`), &obj)
		_, err = e.UpdateObject(ctx, SystemActor, "account", &obj, 0)
		ee, ok := AsError(err)
		if !ok || len(ee.Problems) != 2 || ee.Problems[0].Pointer != "/fields/1/summarize" || ee.Problems[1].Pointer != "/fields/2/filter" || ee.Problems[1].Column == 0 {
			t.Fatalf("bad roll-ups: %v %+v", err, ee.Problems)
		}
		// A deal losing the field a roll-up sums is refused while the roll-up is there.
		_ = json.Unmarshal([]byte(`{"name":"deal","fields":[{"name":"name","type":"text"},{"name":"account","type":"lookup","target":"account"},
		  {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"}]}]}`), &obj)
		if _, err := e.UpdateObject(ctx, SystemActor, "deal", &obj, 0); err == nil {
			t.Fatal("the summarized field was removed under its roll-up")
		}
	})
}

// TestRollupsUnderParallelWriters: writers on two engines (two processes) create, change,
// re-parent and delete deals of three accounts at once while both settle; once quiet, every
// roll-up equals what its deals say, to the cent. Both backends.
func TestRollupsUnderParallelWriters(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		es := engines(t, b, 2, newTestClock())
		mustDefine(t, es[0], rollupAccount, rollupDeal)
		redefine(t, es[0], rollupAccountWith)
		settle(t, es[0]) // the backfill over no accounts
		var accounts []string
		for _, n := range []string{"A", "B", "C"} {
			r, err := es[0].CreateRecord(ctx, SystemActor, "account", map[string]any{"name": n}, "en")
			if err != nil {
				t.Fatal(err)
			}
			accounts = append(accounts, r["id"].(string))
		}
		var scheds []*Scheduler
		for _, e := range es {
			s, err := e.StartScheduler(ctx)
			if err != nil {
				t.Fatal(err)
			}
			scheds = append(scheds, s)
		}
		writers, ops := 6, 12
		if b.Name != "sqlite" {
			writers, ops = 4, 8 // FerretDB answers slowly; the races are the same
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				e := es[w%2]
				rnd := rand.New(rand.NewSource(int64(w)))
				var mine []string
				stages := []string{"new", "won", "lost"}
				for i := 0; i < ops; i++ {
					amount := fmt.Sprintf("%d.%02d", rnd.Intn(1000), rnd.Intn(100))
					acc := accounts[rnd.Intn(len(accounts))]
					var err error
					switch k := rnd.Intn(4); {
					case len(mine) == 0 || k == 0:
						var r Record
						r, err = e.CreateRecord(ctx, SystemActor, "deal", map[string]any{"account": acc, "amount": amount, "stage": stages[rnd.Intn(3)]}, "en")
						if err == nil {
							mine = append(mine, r["id"].(string))
						}
					case k == 1:
						_, err = e.UpdateRecord(ctx, SystemActor, "deal", mine[rnd.Intn(len(mine))], map[string]any{"account": acc}, 0, "en")
					case k == 2:
						_, err = e.UpdateRecord(ctx, SystemActor, "deal", mine[rnd.Intn(len(mine))], map[string]any{"amount": amount, "stage": stages[rnd.Intn(3)]}, 0, "en")
					default:
						j := rnd.Intn(len(mine))
						err = e.DeleteRecord(ctx, SystemActor, "deal", mine[j], 0)
						mine = append(mine[:j], mine[j+1:]...)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		for _, s := range scheds {
			s.Stop() // each settle loop ends its fold first
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		settle(t, es[1])
		for _, acc := range accounts {
			deals, err := es[0].store.Find(ctx, recordsColl("deal"), storeQueryLookup("account", acc))
			if err != nil {
				t.Fatal(err)
			}
			var open, n int64
			for _, d := range deals {
				n++
				if s := d["stage"]; s != "won" && s != "lost" {
					open += d["amount"].(int64)
				}
			}
			r, err := es[0].GetRecord(ctx, SystemActor, "account", acc)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(r["open_pipeline"], " ", r["deals"]), fmt.Sprintf("%d.%02d %d", open/100, open%100, n); got != want {
				t.Errorf("account %s: open pipeline and deals %s, its deals say %s", acc, got, want)
			}
		}
	})
}

// TestRollupsFollowFieldSecurity: a role that may not see deal amounts does not see the sums of
// them, nor a formula over one; the count, which reads no amount, it sees.
func TestRollupsFollowFieldSecurity(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		mustDefine(t, e, rollupAccount, rollupDeal)
		redefine(t, e, rollupAccountWith)
		role := &Role{Name: "blind", Objects: map[string]Perm{everyObject: {Read: true, SeeAll: true}},
			Fields: map[string]map[string]string{"deal": {"amount": FieldHidden}}}
		if _, err := e.SaveRole(ctx, SystemActor, role, true, 0); err != nil {
			t.Fatal(err)
		}
		blind := &Actor{ID: "blind-user", Roles: []string{"blind"}}
		a, err := e.CreateRecord(ctx, SystemActor, "account", map[string]any{"name": "Acme"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateRecord(ctx, SystemActor, "deal", map[string]any{"account": a["id"], "amount": "5.00", "stage": "new"}, "en"); err != nil {
			t.Fatal(err)
		}
		settle(t, e)
		r, err := e.GetRecord(ctx, blind, "account", a["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"open_pipeline", "biggest", "smallest", "average", "double"} {
			if v, ok := r[f]; ok {
				t.Errorf("%s = %v shown to a role that may not see deal amounts", f, v)
			}
		}
		if fmt.Sprint(r["deals"]) != "1" {
			t.Errorf("deals = %v, want 1", r["deals"])
		}
		if _, err := e.ListRecords(ctx, blind, "account", ListParams{Filter: "open_pipeline > 1"}); err == nil {
			t.Error("a hidden roll-up could be filtered on")
		}
	})
}

func storeQueryLookup(field, id string) store.Query {
	return store.Query{Filter: store.Compare{Field: field, Op: store.Eq, Value: id, Scalar: true}}
}
