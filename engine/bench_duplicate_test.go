package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/forms"
	"crm/workflow"
)

// dupBenchRules are the default template's lead rules on the bench object: an email that
// blocks, a phone and a fuzzy company name that warn.
const dupBenchRules = `{"object":"lead","rules":[
 {"name":"email","action":"block","conditions":[{"field":"email","match":"email"}]},
 {"name":"phone","action":"warn","conditions":[{"field":"phone","match":"phone"}]},
 {"name":"company","action":"warn","conditions":[{"field":"company","match":"fuzzy"}]}]}`

// dupBenchDoc is the stored lead i with the keys the engine keeps for dupBenchRules.
func dupBenchDoc(i int) store.Doc {
	d := rawDoc(i)
	d["id"] = fmt.Sprintf("dup%09d", i)
	d["company"] = fmt.Sprintf("Company %d Trading Co., Ltd.", i)
	d["phone"] = fmt.Sprintf("+86 138 %08d", i)
	for _, k := range []struct{ field, match string }{{"email", workflow.MatchEmail}, {"phone", workflow.MatchPhone}, {"company", workflow.MatchFuzzy}, {"company", workflow.MatchFuzzyTail}} {
		if key, ok := workflow.Key(k.match, d[k.field], workflow.DefaultPhoneRegion); ok {
			d[workflow.KeyField(k.field, k.match)] = key
		}
	}
	return d
}

// BenchmarkDuplicateCheck times the duplicate check of one record (POST .../duplicates: three
// rules, one index read each, four for the fuzzy name: both sides of its key and of its tail key) at 1,000 records and at 100,000 (sqlite;
// CRM_BENCH_MAX caps the larger size), half of the checks finding a twin, and reports the
// medians and their ratio: the keys are indexed, so the ratio stays near 1.
func BenchmarkDuplicateCheck(b *testing.B) {
	large := 100000
	if s := os.Getenv("CRM_BENCH_MAX"); s != "" {
		large, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	// One database per size, checked in turn: the machine's load drifts, and checks interleaved
	// rep by rep see the same drift, so their ratio is the cost of size alone.
	open := func(n int) *engine.Engine {
		st, err := sqlite.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		e, _ := newBenchEngine(b, st)
		if _, err := e.UpdateObject(ctx, engine.SystemActor, "lead", withPhone(b, e), 0); err != nil {
			b.Fatal(err)
		}
		var rules workflow.DuplicateRules
		if err := json.Unmarshal([]byte(dupBenchRules), &rules); err != nil {
			b.Fatal(err)
		}
		if _, err := e.SaveDuplicateRules(ctx, engine.SystemActor, &rules, true, 0); err != nil {
			b.Fatal(err)
		}
		for filled := 0; filled < n; {
			var ops []store.WriteOp
			for ; filled < n && len(ops) < 1000; filled++ {
				ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: "obj_lead", Doc: dupBenchDoc(filled)})
			}
			if err := st.Batch(ctx, ops); err != nil {
				b.Fatal(err)
			}
		}
		return e
	}
	admin := &engine.Actor{ID: "admin", Roles: []string{engine.RoleAdmin}}
	check := func(e *engine.Engine, n, r int) time.Duration {
		i := (r * 7919) % n
		values := map[string]any{"company": fmt.Sprintf("Company %d Trading Co Ltd", i), "email": fmt.Sprintf("C%d@Example.com", i), "phone": fmt.Sprintf("138%08d", i)}
		if r%2 == 1 { // nothing alike
			values = map[string]any{"company": fmt.Sprintf("Unknown %d", r), "email": fmt.Sprintf("x%d@nowhere.cn", r), "phone": fmt.Sprintf("139%08d", r)}
		}
		t0 := time.Now()
		d, err := e.CheckDuplicates(ctx, admin, "lead", "", values, "en")
		took := time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if r%2 == 0 && (!d.Block || len(d.Matches) == 0) {
			b.Fatalf("check %d found no twin: %+v", i, d)
		}
		return took
	}
	b.Run(fmt.Sprintf("1k_vs_%dk", large/1000), func(b *testing.B) {
		for b.Loop() {
			smallE, bigE := open(1000), open(large)
			const reps = 400
			small, big := make([]time.Duration, reps), make([]time.Duration, reps)
			for r := range reps {
				small[r] = check(smallE, 1000, r)
				big[r] = check(bigE, large, r)
			}
			s, l := median(small), median(big)
			b.ReportMetric(float64(s.Microseconds()), "us@1k")
			b.ReportMetric(float64(l.Microseconds()), fmt.Sprintf("us@%dk", large/1000))
			b.ReportMetric(float64(l)/float64(s), "ratio")
		}
	})
}

// withPhone is the bench object with a phone field.
func withPhone(b *testing.B, e *engine.Engine) *forms.Object {
	b.Helper()
	def, err := e.GetObject(context.Background(), engine.SystemActor, "lead")
	if err != nil {
		b.Fatal(err)
	}
	obj := *def.Object
	obj.Fields = append(slices.Clone(obj.Fields), &forms.Field{Name: "phone", Type: forms.TypePhone})
	return &obj
}
