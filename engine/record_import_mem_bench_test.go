package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"crm/engine"
)

// BenchmarkImportMemory checks every row of an .xlsx of n/10 and of n rows (a dry run:
// CRM_BENCH_IMPORT_MEM_ROWS, 100,000 by default; the figure is 1,000,000) and reports the
// peak live heap (as of each collection) of each and their ratio. A reader that streams keeps the ratio near 1 however
// large the file; one that loads the sheet grows it tenfold.
func BenchmarkImportMemory(b *testing.B) {
	n := 100_000
	if s := os.Getenv("CRM_BENCH_IMPORT_MEM_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	bb := sqliteBench(b)
	ctx := context.Background()
	e, _ := newBenchEngineWith(b, engine.Config{Store: bb.store, Logger: quiet, ImportLimits: engine.ImportLimits{MaxBytes: 512 << 20, MaxRows: n}})
	admin, err := e.CreateUser(ctx, engine.SystemActor, "bench@example.com", "Bench", "password-123", []string{engine.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	small, large := xlsxOfLeads(b, n/10), xlsxOfLeads(b, n)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		peakSmall := dryRunPeak(b, e, admin, small, n/10)
		peakLarge := dryRunPeak(b, e, admin, large, n)
		b.ReportMetric(float64(peakSmall)/(1<<20), "peak-MiB-small")
		b.ReportMetric(float64(peakLarge)/(1<<20), "peak-MiB-large")
		b.ReportMetric(float64(peakLarge)/float64(peakSmall), "large/small")
	}
}

// dryRunPeak runs a dry-run import of path and returns the largest live heap seen while it ran.
func dryRunPeak(b *testing.B, e *engine.Engine, admin *engine.Actor, path string, rows int) uint64 {
	ctx := context.Background()
	// Two collections empty the pools what ran before (writing the files) may have filled.
	runtime.GC()
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		// The heap live after each collection: what the import holds, not garbage awaiting one.
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(live)
			if v := live[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	im, err := e.StartImport(ctx, admin, engine.ImportRequest{Object: "lead", FileName: "leads.xlsx", File: f, DryRun: true}, "en")
	if err != nil {
		b.Fatal(err)
	}
	for im.Status == "queued" || im.Status == "running" {
		time.Sleep(50 * time.Millisecond)
		if im, err = e.GetImport(ctx, admin, im.ID); err != nil {
			b.Fatal(err)
		}
	}
	close(done)
	if im.Status != "done" || im.Processed != int64(rows) || im.Failed != 0 {
		b.Fatalf("dry run %s: %d processed, %d failed of %d", im.Status, im.Processed, im.Failed, rows)
	}
	return peak.Load()
}

// xlsxOfLeads writes n benchRecord rows to an .xlsx through excelize's stream writer.
func xlsxOfLeads(b *testing.B, n int) string {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"company", "email", "amount", "probability", "employees", "stage", "hot", "close_date", "website", "notes"})
	for i := 0; i < n; i++ {
		r := benchRecord(i)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{r["company"], r["email"], fmt.Sprint(r["amount"]), "40%", fmt.Sprint(r["employees"]),
			r["stage"], r["hot"], "2027/3/1", r["website"], r["notes"]}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), fmt.Sprintf("leads-%d.xlsx", n))
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	return path
}
