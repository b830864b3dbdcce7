package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"crm/engine/store/sqlite"
	"crm/forms"
)

// BenchmarkRollupWrite interleaves creates of a child whose parent has one roll-up (the sum of
// the open amounts) with the same creates of a child whose parent has none, on sqlite, children
// spread over 20 parents, with the scheduler's settle loop folding as the writes go; the time to
// settle what is left at the end is counted on the roll-up's side. Reported: both times per write
// and their ratio (target: 1.3x at most), and the ratio of the writes alone.
func BenchmarkRollupWrite(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	e, err := New(ctx, Config{Store: st, Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	child := func(name, parent string) string {
		return `{"name":"` + name + `","fields":[{"name":"name","type":"text","required":true},
		  {"name":"account","type":"lookup","target":"` + parent + `"},
		  {"name":"amount","type":"currency","currency":"CNY"},
		  {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"}]}]}`
	}
	for _, d := range []string{rollupAccount, `{"name":"plain","fields":[{"name":"name","type":"text","required":true}]}`,
		child("deal", "account"), child("plain_deal", "plain")} {
		var obj forms.Object
		if err := json.Unmarshal([]byte(d), &obj); err != nil {
			b.Fatal(err)
		}
		if _, err := e.CreateObject(ctx, SystemActor, &obj); err != nil {
			b.Fatal(err)
		}
	}
	var withRollup forms.Object
	if err := json.Unmarshal([]byte(`{"name":"account","fields":[{"name":"name","type":"text","required":true},
	  {"name":"open_pipeline","type":"rollup","child_object":"deal","child_lookup":"account","function":"sum","summarize":"amount","filter":"stage not in [\"won\",\"lost\"]"}]}`), &withRollup); err != nil {
		b.Fatal(err)
	}
	if _, err := e.UpdateObject(ctx, SystemActor, "account", &withRollup, 0); err != nil {
		b.Fatal(err)
	}
	var accounts, plains []string
	for i := 0; i < 20; i++ {
		a, err := e.CreateRecord(ctx, SystemActor, "account", map[string]any{"name": fmt.Sprint("A", i)}, "en")
		if err != nil {
			b.Fatal(err)
		}
		p, err := e.CreateRecord(ctx, SystemActor, "plain", map[string]any{"name": fmt.Sprint("P", i)}, "en")
		if err != nil {
			b.Fatal(err)
		}
		accounts, plains = append(accounts, a["id"].(string)), append(plains, p["id"].(string))
	}
	if _, err := e.Tick(ctx); err != nil { // the backfill of the new roll-up
		b.Fatal(err)
	}
	sched, err := e.StartScheduler(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer sched.Stop()
	deal := func(i int, parent string) map[string]any {
		return map[string]any{"name": fmt.Sprint("D", i), "account": parent,
			"amount": json.Number(fmt.Sprintf("%d.%02d", i%1000, i%100)), "stage": []string{"new", "won", "lost"}[i%3]}
	}
	var plainT, rollupT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := e.CreateRecord(ctx, SystemActor, "plain_deal", deal(i, plains[i%20]), "en"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := e.CreateRecord(ctx, SystemActor, "deal", deal(i, accounts[i%20]), "en"); err != nil {
			b.Fatal(err)
		}
		plainT += t1.Sub(t0)
		rollupT += time.Since(t1)
	}
	writesT := rollupT
	t0 := time.Now()
	for {
		n, err := e.store.Count(ctx, collRollupMarks, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	rollupT += time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(plainT.Nanoseconds())/float64(b.N), "none-ns/op")
	b.ReportMetric(float64(rollupT.Nanoseconds())/float64(b.N), "rollup-ns/op")
	b.ReportMetric(float64(rollupT)/float64(plainT), "rollup/none")
	b.ReportMetric(float64(writesT)/float64(plainT), "writes-only/none")
}
