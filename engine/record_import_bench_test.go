package engine_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/store"
)

// BenchmarkImport imports a CSV of n ten-field rows (CRM_BENCH_IMPORT_ROWS, 10,000 by default)
// through the whole pipeline on the embedded database, and inserts the same rows through the raw
// store in batches of 200 in the same run; it reports rows per second of both and their ratio.
func BenchmarkImport(b *testing.B) {
	n := 10000
	if s := os.Getenv("CRM_BENCH_IMPORT_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	_ = w.Write([]string{"company", "email", "amount", "probability", "employees", "stage", "hot", "close_date", "website", "notes"})
	for i := 0; i < n; i++ {
		r := benchRecord(i)
		_ = w.Write([]string{r["company"].(string), r["email"].(string), fmt.Sprint(r["amount"]), "40%", fmt.Sprint(r["employees"]),
			r["stage"].(string), strconv.FormatBool(r["hot"].(bool)), "2027/3/1", r["website"].(string), r["notes"].(string)})
	}
	w.Flush()
	bb := sqliteBench(b)
	e, _ := newBenchEngine(b, bb.store)
	ctx := context.Background()
	admin, err := e.CreateUser(ctx, engine.SystemActor, "bench@example.com", "Bench", "password-123", []string{engine.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	var impT, rawT time.Duration
	next := 0
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		t0 := time.Now()
		im, err := e.StartImport(ctx, admin, engine.ImportRequest{Object: "lead", FileName: "bench.csv", File: bytes.NewReader(file.Bytes())}, "en")
		if err != nil {
			b.Fatal(err)
		}
		for im.Status == "queued" || im.Status == "running" {
			time.Sleep(5 * time.Millisecond)
			if im, err = e.GetImport(ctx, admin, im.ID); err != nil {
				b.Fatal(err)
			}
		}
		impT += time.Since(t0)
		if im.Created != int64(n) {
			b.Fatalf("import %s: %d created, %d failed of %d", im.Status, im.Created, im.Failed, n)
		}
		t1 := time.Now()
		ops := make([]store.WriteOp, 0, 200)
		for i := 0; i < n; i++ {
			d := rawDoc(next)
			next++
			ops = append(ops, store.WriteOp{Kind: store.OpInsert, Coll: "obj_lead", Doc: d})
			if len(ops) == cap(ops) || i == n-1 {
				if err := bb.store.Batch(ctx, ops); err != nil {
					b.Fatal(err)
				}
				ops = ops[:0]
			}
		}
		rawT += time.Since(t1)
	}
	rows := float64(n * b.N)
	b.ReportMetric(rows/impT.Seconds(), "import-rows/s")
	b.ReportMetric(rows/rawT.Seconds(), "raw-batch-rows/s")
	b.ReportMetric(float64(impT)/float64(rawT), "import/raw")
}
