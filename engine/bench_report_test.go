package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/forms"
)

// reportBenchDef is a private object with two picklists to group by and an amount to sum.
const reportBenchDef = `{"name":"deal","sharing":"private","fields":[{"name":"name","type":"text"},
 {"name":"stage","type":"picklist","options":[{"value":"s0"},{"value":"s1"},{"value":"s2"},{"value":"s3"},{"value":"s4"},{"value":"s5"}]},
 {"name":"region","type":"picklist","options":[{"value":"r0"},{"value":"r1"},{"value":"r2"},{"value":"r3"},{"value":"r4"},{"value":"r5"},{"value":"r6"},{"value":"r7"}]},
 {"name":"amount","type":"currency","currency":"CNY"}]}`

// BenchmarkReport runs a report grouping 100,000 records (CRM_BENCH_MAX caps it) by two fields
// with two measures (count, sum of money) on SQLite, and the same GROUP BY in raw SQL on the same
// database file; as the admin and as a sales rep who owns half of the records (her access is
// part of the query). It reports the medians and the ratios engine/raw and rep/admin.
func BenchmarkReport(b *testing.B) {
	n := 100000
	if s := os.Getenv("CRM_BENCH_MAX"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	dir := b.TempDir()
	st, err := sqlite.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	e, err := engine.New(ctx, engine.Config{Store: st, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	var obj forms.Object
	if err := json.Unmarshal([]byte(reportBenchDef), &obj); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &obj); err != nil {
		b.Fatal(err)
	}
	at := "2026-11-01T10:00:00.000Z"
	for i := 0; i < n; {
		var ops []store.WriteOp
		for ; i < n && len(ops) < 1000; i++ {
			owner := "u1"
			if (i/48)%2 == 1 { // each owner has every combination
				owner = "u2"
			}
			ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: "obj_deal", Doc: store.Doc{
				"id": fmt.Sprintf("d%07d", i), "name": fmt.Sprintf("Deal %d", i), "stage": fmt.Sprintf("s%d", i%6),
				"region": fmt.Sprintf("r%d", (i/6)%8), "amount": int64(i%5000) * 100,
				"owner": owner, "created_at": at, "created_by": owner, "updated_at": at, "updated_by": owner}})
		}
		if err := st.Batch(ctx, ops); err != nil {
			b.Fatal(err)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "crm.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	rawQuery := `SELECT json_extract(doc, '$.region'), json_extract(doc, '$.stage'), count(*), sum(json_extract(doc, '$.amount'))
		FROM "obj_deal" GROUP BY 1, 2`
	runRaw := func() time.Duration {
		t0 := time.Now()
		rows, err := raw.QueryContext(ctx, rawQuery)
		if err != nil {
			b.Fatal(err)
		}
		groups := 0
		for rows.Next() {
			var region, stage string
			var count, sum int64
			if err := rows.Scan(&region, &stage, &count, &sum); err != nil {
				b.Fatal(err)
			}
			groups++
		}
		rows.Close()
		if groups != 48 {
			b.Fatalf("raw: %d groups", groups)
		}
		return time.Since(t0)
	}
	r := &forms.Report{Name: "bench", Object: "deal", Rows: []forms.ReportGroup{{Field: "region"}, {Field: "stage"}},
		Measures: []forms.ReportMeasure{{Op: "count"}, {Op: "sum", Field: "amount"}}}
	admin := &engine.Actor{ID: "admin", Roles: []string{engine.RoleAdmin}}
	rep := &engine.Actor{ID: "u1", Roles: []string{engine.RoleSales}}
	run := func(by *engine.Actor, want int64) time.Duration {
		t0 := time.Now()
		res, err := e.RunReport(ctx, by, r, engine.ReportOptions{Locale: "en"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Groups) != 48 || res.Totals[0] != want {
			b.Fatalf("%s: %d groups, totals %v", by.ID, len(res.Groups), res.Totals)
		}
		return time.Since(t0)
	}
	runRaw()
	run(admin, int64(n))
	b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
		for b.Loop() {
			const reps = 9
			var rawT, adminT, repT []time.Duration
			for range reps {
				rawT = append(rawT, runRaw())
				adminT = append(adminT, run(admin, int64(n)))
				repT = append(repT, run(rep, int64(n-n/96*48-max(0, n%96-48))))
			}
			rm, am, pm := median(rawT), median(adminT), median(repT)
			b.ReportMetric(float64(rm.Microseconds())/1000, "raw-ms")
			b.ReportMetric(float64(am.Microseconds())/1000, "admin-ms")
			b.ReportMetric(float64(pm.Microseconds())/1000, "rep-ms")
			b.ReportMetric(float64(am)/float64(rm), "admin/raw")
			b.ReportMetric(float64(pm)/float64(am), "rep/admin")
		}
	})
}
