package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"crm/engine"
	"crm/forms"
	"crm/internal/testenv"
	"crm/workflow"
)

// TestExportImport: an export loads into an empty database of either backend and exports back to
// the same lines; a damaged export is refused before anything is written.
func TestExportImport(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		src, err := engine.New(ctx, engine.Config{Store: testenv.OpenSQLite(t), Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := src.CreateUser(ctx, engine.SystemActor, "a@example.com", "A", "password-123", []string{"admin"})
		if err != nil {
			t.Fatal(err)
		}
		var obj forms.Object
		if err := json.Unmarshal([]byte(benchDef), &obj); err != nil {
			t.Fatal(err)
		}
		if _, err := src.CreateObject(ctx, engine.SystemActor, &obj); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 1200; i++ { // more than one export page
			if _, err := src.CreateRecord(ctx, engine.SystemActor, "lead", benchRecord(i), "en"); err != nil {
				t.Fatal(err)
			}
		}
		// A ticket an SLA policy measures: its clocks and its pending threshold job travel too.
		var tickets forms.Object
		_ = json.Unmarshal([]byte(`{"name":"ticket","fields":[{"name":"subject","type":"text"},{"name":"answered_at","type":"datetime"}],
		 "pools":[{"name":"queue","members":{"roles":["support"]}}]}`), &tickets)
		if _, err := src.CreateObject(ctx, engine.SystemActor, &tickets); err != nil {
			t.Fatal(err)
		}
		if _, err := src.SaveSLAPolicy(ctx, engine.SystemActor, &workflow.SLAPolicy{Name: "std", Object: "ticket",
			Metrics: []workflow.SLAMetric{{Name: "first_response", Target: "4h", StopWhen: "answered_at != nil"}}}, true, 0); err != nil {
			t.Fatal(err)
		}
		tk, err := src.CreateRecord(ctx, engine.SystemActor, "ticket", map[string]any{"subject": "help"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		// A ticket claimed from its pool keeps where it came from (a return goes back there).
		pooled, err := src.CreateRecord(ctx, engine.SystemActor, "ticket", map[string]any{"subject": "queued", "owner": "pool:queue"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.ClaimRecord(ctx, admin, "ticket", pooled["id"].(string), "en"); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := src.Export(ctx, &out); err != nil {
			t.Fatal(err)
		}

		dstStore := b.Open(t)
		dst, err := engine.New(ctx, engine.Config{Store: dstStore, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		damaged := strings.Join(lines[:len(lines)-3], "\n") + "\n" +
			strings.Replace(lines[len(lines)-3], `"company":"`, `"company":42,"x":"`, 1) + "\n" + strings.Join(lines[len(lines)-2:], "\n")
		for name, bad := range map[string]string{
			"damaged record":   damaged,
			"not an export":    `{"kind":"doc","coll":"users","doc":{"id":"x"}}`,
			"stray collection": out.String() + `{"kind":"doc","coll":"obj_ghost","doc":{"id":"g"}}` + "\n",
		} {
			_, err := dst.Import(ctx, strings.NewReader(bad))
			if ee, ok := engine.AsError(err); !ok || ee.Code != "invalid_export" {
				t.Errorf("%s: %v, want invalid_export", name, err)
			}
			for _, coll := range []string{"meta_objects", "users", "obj_lead", "meta_history"} {
				if n, _ := dstStore.Count(ctx, coll, nil); n != 0 {
					t.Fatalf("%s: %d documents written to %s", name, n, coll)
				}
			}
		}

		sum, err := dst.Import(ctx, bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if d, err := dstStore.Get(ctx, "obj_ticket", pooled["id"].(string)); err != nil || d["_pool"] != "queue" {
			t.Errorf("the claimed ticket's pool after the import: %v %v", d["_pool"], err)
		}
		if sum.Records["lead"] != 1200 || sum.Records["ticket"] != 2 || sum.Users != 1 || sum.Objects != 2 {
			t.Errorf("summary %+v", sum)
		}
		var back bytes.Buffer
		if err := dst.Export(ctx, &back); err != nil {
			t.Fatal(err)
		}
		a, b2 := strings.SplitN(out.String(), "\n", 2), strings.SplitN(back.String(), "\n", 2)
		if a[1] != b2[1] {
			t.Error("export of the imported database differs from the original export")
		}
		if _, err := dst.Import(ctx, bytes.NewReader(out.Bytes())); err == nil {
			t.Error("import into a non-empty database was accepted")
		}
		if sla, err := dst.GetRecordSLA(ctx, engine.SystemActor, "ticket", tk["id"].(string)); err != nil || sla.Status != "running" || sla.DueAt != tk["sla_due_at"] {
			t.Errorf("SLA of the imported ticket: %+v %v (was due %v)", sla, err, tk["sla_due_at"])
		}
		if n, _ := dstStore.Count(ctx, "jobs", nil); n != 2 {
			t.Errorf("%d jobs imported, want the tickets' breach timers", n)
		}
		if _, _, err := dst.Login(ctx, "a@example.com", "password-123"); err != nil {
			t.Errorf("imported user cannot sign in: %v", err)
		}
	})
}
