package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/forms"
)

// pathBenchDefs are an account with an industry (%s: indexed or not) and an opportunity pointing at
// it that also keeps the industry itself (segment), so one list can be filtered both ways.
var pathBenchDefs = []string{
	`{"name":"account","fields":[{"name":"name","type":"text"},
	 {"name":"industry","type":"picklist","indexed":%s,"options":[{"value":"i0"},{"value":"i1"},{"value":"i2"},{"value":"i3"},{"value":"i4"},{"value":"i5"},{"value":"i6"},{"value":"i7"}]}]}`,
	`{"name":"opportunity","fields":[{"name":"name","type":"text"},{"name":"amount","type":"currency","currency":"CNY"},
	 {"name":"segment","type":"picklist","options":[{"value":"i0"},{"value":"i1"},{"value":"i2"},{"value":"i3"},{"value":"i4"},{"value":"i5"},{"value":"i6"},{"value":"i7"}]},
	 {"name":"account","type":"lookup","target":"account"}]}`,
}

// BenchmarkListPath lists the first page (50, newest first) of 10,000 opportunities over 2,000
// accounts filtered by account.industry (a lookup path: the 250 matching accounts' ids are read
// first), and the same list filtered by the opportunity's own copy of the industry, and counts
// both ways (the aggregate endpoint); it reports the path's cost as ratios to the direct filter,
// with the account's industry indexed and not (as in the template).
func BenchmarkListPath(b *testing.B) {
	for _, indexed := range []string{"false", "true"} {
		b.Run("industry_indexed_"+indexed, func(b *testing.B) { benchListPath(b, indexed) })
	}
}

func benchListPath(b *testing.B, indexed string) {
	bb := sqliteBench(b)
	ctx := context.Background()
	e, err := engine.New(ctx, engine.Config{Store: bb.store, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range pathBenchDefs {
		var obj forms.Object
		if err := json.Unmarshal([]byte(strings.Replace(d, "%s", indexed, 1)), &obj); err != nil {
			b.Fatal(err)
		}
		if _, err := e.CreateObject(ctx, engine.SystemActor, &obj); err != nil {
			b.Fatal(err)
		}
	}
	const accounts, opps = 2000, 10000
	at := func(i int) string { return fmt.Sprintf("2026-11-%02dT10:00:%02d.%03dZ", 1+i/3600%28, i/60%60, i%1000) }
	for i := 0; i < accounts; i++ {
		d := map[string]any{"id": fmt.Sprintf("a%06d", i), "name": fmt.Sprintf("Account %d", i), "industry": fmt.Sprintf("i%d", i%8),
			"owner": "u1", "created_at": at(i), "created_by": "u1", "updated_at": at(i), "updated_by": "u1"}
		if err := bb.store.Insert(ctx, "obj_account", d); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < opps; i++ {
		a := i % accounts
		d := map[string]any{"id": fmt.Sprintf("o%06d", i), "name": fmt.Sprintf("Opp %d", i), "amount": int64(i * 100),
			"account": fmt.Sprintf("a%06d", a), "segment": fmt.Sprintf("i%d", a%8),
			"owner": "u1", "created_at": at(i), "created_by": "u1", "updated_at": at(i), "updated_by": "u1"}
		if err := bb.store.Insert(ctx, "obj_opportunity", d); err != nil {
			b.Fatal(err)
		}
	}
	list := func(filter string) time.Duration {
		t0 := time.Now()
		p, err := e.ListRecords(ctx, engine.SystemActor, "opportunity", engine.ListParams{Filter: filter, Limit: 50})
		if err != nil || len(p.Items) != 50 {
			b.Fatalf("%s: %v", filter, err)
		}
		return time.Since(t0)
	}
	count := func(filter string) time.Duration {
		t0 := time.Now()
		r, err := e.AggregateRecords(ctx, engine.SystemActor, "opportunity", engine.AggParams{Filter: filter})
		if err != nil || len(r.Groups) != 1 || r.Groups[0]["count"] != int64(opps/8) {
			b.Fatalf("%s: %v %v", filter, err, r)
		}
		return time.Since(t0)
	}
	var pathL, directL, pathC, directC time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := fmt.Sprintf("i%d", i%8)
		pathL += list(`account.industry = "` + v + `"`)
		directL += list(`segment = "` + v + `"`)
		pathC += count(`account.industry = "` + v + `"`)
		directC += count(`segment = "` + v + `"`)
	}
	b.ReportMetric(float64(pathL.Microseconds())/float64(b.N), "path-list-µs/op")
	b.ReportMetric(float64(directL.Microseconds())/float64(b.N), "direct-list-µs/op")
	b.ReportMetric(float64(pathL)/float64(directL), "list-path/direct")
	b.ReportMetric(float64(pathC.Microseconds())/float64(b.N), "path-count-µs/op")
	b.ReportMetric(float64(directC.Microseconds())/float64(b.N), "direct-count-µs/op")
	b.ReportMetric(float64(pathC)/float64(directC), "count-path/direct")
}
