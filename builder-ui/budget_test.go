package builderui

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path"
	"sort"
	"testing"
)

// The bundle budget: what a cold load of each page downloads (the entry's scripts and styles, the
// shell's for signed-in pages, the page's own chunk and everything they import statically),
// counted in gzip bytes from the committed dist and Vite's manifest of it. Bytes, not time: the
// same build always gives the same count, on any machine. A change that grows a page past its
// budget fails here; raise a budget only for weight the page truly needs, and say so in the commit.
// Every page carries antd's component styles rendered at build time (68 KiB gzip, 2026-12-08):
// the browser no longer writes them on the first page (vite.config.ts), 13% sooner to first rows.
var budgets = []struct {
	page    string   // the route, for the message
	modules []string // manifest keys of the page's lazy chunks (App.tsx), after the entry
	kib     int      // gzip KiB (measured 2026-12-08: 401, 634, 608, 586, 644, 592, 802, 803)
}{
	{"/login", []string{"src/pages/LoginPage.tsx"}, 415},
	{"/app/:object (a list)", []string{"src/shell/AppShell.tsx", "src/app/RecordListPage.tsx"}, 645},
	{"/app/:object/:id (a record)", []string{"src/shell/AppShell.tsx", "src/app/RecordPage.tsx"}, 625},
	{"/app/:object/new (a form)", []string{"src/shell/AppShell.tsx", "src/app/RecordFormPage.tsx"}, 605},
	{"/objects/:name (the builder)", []string{"src/shell/AppShell.tsx", "src/pages/ObjectBuilderPage.tsx"}, 665},
	// The flow editor lays steps out with dagre (about 20 KiB: top-down auto layout, issue 23).
	{"/flows/:name (a flow)", []string{"src/shell/AppShell.tsx", "src/flows/FlowEditorPage.tsx"}, 605},
	// The dashboard lays its widgets out with react-grid-layout (moved and resized in place, issue 21).
	{"/dashboards/:name", []string{"src/shell/AppShell.tsx", "src/dashboards/DashboardPage.tsx"}, 815},
	{"/reports/:name (the report builder)", []string{"src/shell/AppShell.tsx", "src/reports/ReportBuilderPage.tsx"}, 815},
}

type chunk struct {
	File    string   `json:"file"`
	IsEntry bool     `json:"isEntry"`
	Imports []string `json:"imports"`
	CSS     []string `json:"css"`
}

func TestBundleBudget(t *testing.T) {
	raw, err := os.ReadFile("dist/.vite/manifest.json")
	if err != nil {
		t.Fatalf("%v: run make ui (build.manifest in vite.config.ts)", err)
	}
	var manifest map[string]chunk
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{}
	gzipped := func(file string) int {
		if n, ok := sizes[file]; ok {
			return n
		}
		body, err := os.ReadFile(path.Join("dist", file))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		z.Write(body)
		z.Close()
		sizes[file] = b.Len()
		return b.Len()
	}
	files := func(keys []string) map[string]bool {
		out := map[string]bool{}
		var walk func(string)
		walk = func(key string) {
			c, ok := manifest[key]
			if !ok {
				t.Fatalf("the manifest has no %s: was the page moved? (update budgets)", key)
			}
			if out[c.File] {
				return
			}
			out[c.File] = true
			for _, css := range c.CSS {
				out[css] = true
			}
			for _, imp := range c.Imports {
				walk(imp)
			}
		}
		for _, k := range keys {
			walk(k)
		}
		return out
	}
	var entry string
	for k, c := range manifest {
		if c.IsEntry {
			entry = k
		}
	}
	for _, b := range budgets {
		got := files(append([]string{entry}, b.modules...))
		total := 0
		var names []string
		for f := range got {
			total += gzipped(f)
			names = append(names, f)
		}
		sort.Strings(names)
		kib := (total + 1023) / 1024
		t.Logf("%-30s %4d KiB gzip in %d files", b.page, kib, len(names))
		if kib > b.kib {
			t.Errorf("%s needs %d KiB gzip on a cold load, over its budget of %d KiB", b.page, kib, b.kib)
		}
	}
}
