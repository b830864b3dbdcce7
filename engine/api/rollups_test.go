package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRollupsThroughTheAPI: an analyst adds a roll-up to accounts that have deals; its backfill
// shows its progress until done, the account then shows the sum, read-only; a filter's mistake is
// a 422 at its pointer with line and column.
func TestRollupsThroughTheAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"account","fields":[{"name":"name","type":"text"}]}`)
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"deal","fields":[{"name":"account","type":"lookup","target":"account"},
		  {"name":"amount","type":"currency","currency":"CNY"},{"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"}]}]}`)
		acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme"}`).JSON["id"].(string)
		for _, d := range []string{`"12.34","stage":"new"`, `"0.66","stage":"new"`, `"100","stage":"won"`} {
			h.mustDo(201, "POST", "/api/records/deal", `{"account":"`+acc+`","amount":`+d+`}`)
		}
		h.mustDo(404, "GET", "/api/meta/objects/account/rollups", "")
		bad := h.mustDo(422, "PUT", "/api/meta/objects/account", `{"name":"account","fields":[{"name":"name","type":"text"},
		  {"name":"open","type":"rollup","child_object":"deal","child_lookup":"account","function":"sum","summarize":"amount","filter":"stage != 7"}]}`)
		if got := fmt.Sprint(bad.JSON["error"]); !strings.Contains(got, "/fields/1/filter") || !strings.Contains(got, "column:7") {
			t.Fatalf("a filter comparing a picklist with a number: %s", bad.Text)
		}
		def := h.mustDo(200, "PUT", "/api/meta/objects/account", `{"name":"account","fields":[{"name":"name","type":"text"},
		  {"name":"open","type":"rollup","child_object":"deal","child_lookup":"account","function":"sum","summarize":"amount","filter":"stage != \"won\""}]}`)
		if f := def.JSON["fields"].([]any)[1].(map[string]any); f["result_type"] != "currency" || f["currency"] != "CNY" {
			t.Fatalf("the roll-up's result type is not filled in: %v", f)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := h.engine.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			p := h.mustDo(200, "GET", "/api/meta/objects/account/rollups", "")
			if p.JSON["state"] == "done" {
				if p.JSON["done"] != 1.0 || p.JSON["total"] != 1.0 {
					t.Fatalf("progress: %s", p.Text)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the backfill did not finish: %s", p.Text)
			}
		}
		r := h.mustDo(200, "GET", "/api/records/account/"+acc, "")
		if fmt.Sprint(r.JSON["open"]) != "13" {
			t.Fatalf("open = %v, want 13 (12.34 + 0.66)", r.JSON["open"])
		}
		h.mustDo(422, "PATCH", "/api/records/account/"+acc, `{"open": 1}`)
	})
}
