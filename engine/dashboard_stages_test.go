package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"crm/internal/testenv"
)

// TestFunnelStageHistory: each record's stage changes are kept with it, and a funnel widget says
// how many records entered each stage, how long a stay lasted on average and the share that
// left the funnel from it; a write that does not change the stage keeps the history, which
// never shows in a record's answer.
func TestFunnelStageHistory(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		clock := newTestClock()
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock.Set(start)
		e := engines(t, b, 1, clock)[0]
		mustDefine(t, e, `{"name":"deal","fields":[{"name":"title","type":"text"},
		  {"name":"stage","type":"picklist","options":[{"value":"a"},{"value":"b"},{"value":"c"},{"value":"lost","closed":true}]}]}`)
		var d Dashboard
		if err := json.Unmarshal([]byte(`{"name":"deals","widgets":[{"name":"funnel","type":"funnel","object":"deal",
		  "group_by":["stage"],"measures":["count"],"order":["a","b","c"]}]}`), &d); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SaveDashboard(ctx, SystemActor, &d, true, 0); err != nil {
			t.Fatal(err)
		}
		create := func(stage string) string {
			r, err := e.CreateRecord(ctx, SystemActor, "deal", map[string]any{"title": stage, "stage": stage}, "en")
			if err != nil {
				t.Fatal(err)
			}
			return r["id"].(string)
		}
		at := func(h int, id string, patch map[string]any) {
			clock.Set(start.Add(time.Duration(h) * time.Hour))
			if _, err := e.UpdateRecord(ctx, SystemActor, "deal", id, patch, 0, "en"); err != nil {
				t.Fatal(err)
			}
		}
		d1, d2, d3 := create("a"), create("a"), create("b")
		at(1, d1, map[string]any{"title": "renamed"}) // no stage change: the history stays
		at(2, d1, map[string]any{"stage": "b"})
		at(3, d2, map[string]any{"stage": "lost"})
		at(5, d1, map[string]any{"stage": "c"})
		at(6, d3, map[string]any{"stage": "a"}) // back: still in the funnel
		at(8, d3, map[string]any{"stage": "lost"})

		rec, err := e.GetRecord(ctx, SystemActor, "deal", d1)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := rec[stageLogKey]; ok {
			t.Fatalf("the history shows in the record: %v", rec)
		}
		data, err := e.DashboardData(ctx, SystemActor, "deals", "en", DashboardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		w := data.Widgets[0]
		if w.Error != nil || len(w.Groups) != 3 {
			t.Fatalf("widget: %+v", w)
		}
		// a: d1 2 h, d2 3 h, d3 2 h (6 h to 8 h); d2 and d3 left from a.
		// b: d1 3 h, d3 6 h; none left from b. c: d1 is still there.
		want := []string{"3 0.6667 8400", "2 0 16200", "1 0 <nil>"}
		for i, g := range w.Groups {
			got := fmt.Sprint(g["entered"], " ", g["drop_off"], " ", g["avg_seconds"])
			if got != want[i] {
				t.Errorf("stage %v: entered, drop_off, avg_seconds = %s; want %s", g["key"], got, want[i])
			}
		}
	})
}

// TestStageFlowsSkipsOddEntries: entries the engine did not write (a stored document changed by
// hand) are left out rather than failing the widget.
func TestStageFlowsSkipsOddEntries(t *testing.T) {
	doc := map[string]any{stageLogKey: map[string]any{"stage": []any{
		map[string]any{"v": "a", "at": "2026-03-02T09:00:00.000Z"}, "junk", map[string]any{"v": 3},
		map[string]any{"v": "b", "at": "2026-03-02T10:00:00.000Z"},
	}}}
	log := stageLog(doc, "stage")
	if len(log) != 2 {
		t.Fatalf("log: %+v", log)
	}
	f := stageFlows([][]stageEntry{log}, []string{"a", "b"})
	if f[0].Entered != 1 || f[0].Stays != 1 || f[0].Stayed != time.Hour || f[1].Entered != 1 || f[1].Stays != 0 {
		t.Fatalf("flows: %+v", f)
	}
}
