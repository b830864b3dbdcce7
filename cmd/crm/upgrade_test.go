package main_test

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"crm/engine"
	"crm/engine/store/sqlite"
)

// testdata/layout1-default-demo.db.gz is a `crm backup` made by the build before the database
// recorded its layout version: the default template with --demo, the admin of these tests, a
// custom object "gadget" with one record, and roles stored with the grant of every object ("*").

// TestUpgradeFromFirstLayout: that database, restored and served by this binary, keeps its
// records, has its roles brought to the current layout, and records the layout version; a
// database stamped by a newer binary is refused with a clear message and left as it was.
func TestUpgradeFromFirstLayout(t *testing.T) {
	dir := t.TempDir()
	backup := filepath.Join(t.TempDir(), "old.db")
	gunzip(t, "testdata/layout1-default-demo.db.gz", backup)
	if out, err := exec.Command(binary, "restore", "--data-dir", dir, backup).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}

	s := start(t, "--data-dir", dir)
	if code, body := s.call("GET", "/api/records/gadget", ""); code != 200 || len(body["items"].([]any)) != 1 {
		t.Fatalf("the custom object's record: %d %v", code, body)
	}
	if code, body := s.call("GET", "/api/records/lead?limit=5", ""); code != 200 || len(body["items"].([]any)) == 0 {
		t.Fatalf("the demo leads: %d %v", code, body)
	}
	code, role := s.call("GET", "/api/roles/sales", "")
	objs, _ := role["objects"].(map[string]any)
	if code != 200 || objs["*"] != nil || objs["lead"] == nil || objs["gadget"] == nil {
		t.Fatalf("the sales role keeps what it reached, object by object: %d %v", code, role)
	}
	s.stop(15)

	st, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	doc, err := st.Get(ctx, "settings", "schema")
	if err != nil || doc["schema"] != engine.SchemaVersion() {
		t.Fatalf("layout version recorded: %v %v", doc, err)
	}
	doc["schema"] = engine.SchemaVersion() + 1
	if err := st.Replace(ctx, "settings", doc, doc["version"].(int64)); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// A binary older than the database refuses it, says why, and writes nothing.
	cmd := exec.Command(binary, "serve", "--addr", freeAddr(t), "--data-dir", dir)
	cmd.Env = append(os.Environ(), "CRM_ADMIN_EMAIL="+adminEmail, "CRM_ADMIN_PASSWORD="+adminPassword)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "written by a newer version of crm") {
		t.Fatalf("a newer layout was served: %v\n%s", err, out)
	}
	st, err = sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if after, err := st.Get(ctx, "settings", "schema"); err != nil || after["schema"] != doc["schema"] || after["version"] != doc["version"].(int64)+1 {
		t.Errorf("the refused database's layout version changed: %v %v", after, err)
	}
}

// TestImportFromFirstLayout: an export carries no layout version; one made by the build before
// versions were recorded (testdata/layout1-default-demo.jsonl.gz, the same data) is brought to the
// current layout by the import itself.
func TestImportFromFirstLayout(t *testing.T) {
	export := filepath.Join(t.TempDir(), "old.jsonl")
	gunzip(t, "testdata/layout1-default-demo.jsonl.gz", export)
	dir := t.TempDir()
	if out, err := exec.Command(binary, "import", "--data-dir", dir, "--in", export).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s := start(t, "--data-dir", dir)
	code, role := s.call("GET", "/api/roles/sales", "")
	objs, _ := role["objects"].(map[string]any)
	if code != 200 || objs["*"] != nil || objs["lead"] == nil || objs["gadget"] == nil {
		t.Fatalf("the imported sales role, object by object: %d %v", code, role)
	}
	if code, body := s.call("GET", "/api/records/gadget", ""); code != 200 || len(body["items"].([]any)) != 1 {
		t.Fatalf("the custom object's record: %d %v", code, body)
	}
}

func gunzip(t *testing.T, from, to string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
}
