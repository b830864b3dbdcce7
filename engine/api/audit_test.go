package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"crm/internal/testenv"
)

// TestAuditPages: the audit trail pages by cursor to its end, every entry once and newest first;
// an out-of-range limit or a foreign cursor is a 400 with a stable code, not a silent default.
func TestAuditPages(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := newHarness(t, b)
		h.withLead()
		for i := range 7 {
			h.mustDo(201, "POST", "/api/records/lead", fmt.Sprintf(`{"company":"Audit %d"}`, i))
		}
		all := h.mustDo(200, "GET", "/api/audit?action=record_created&limit=200", "").JSON["items"].([]any)
		if len(all) != 7 {
			t.Fatalf("%d record_created entries, want 7", len(all))
		}
		var paged []any
		cursor := ""
		for range 10 {
			r := h.mustDo(200, "GET", "/api/audit?action=record_created&limit=3&cursor="+url.QueryEscape(cursor), "")
			paged = append(paged, r.JSON["items"].([]any)...)
			cursor, _ = r.JSON["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if len(paged) != len(all) {
			t.Fatalf("paged %d entries, want %d", len(paged), len(all))
		}
		for i := range all {
			if paged[i].(map[string]any)["id"] != all[i].(map[string]any)["id"] {
				t.Fatalf("entry %d: paged %v, whole %v", i, paged[i], all[i])
			}
		}
		for _, q := range []string{"limit=1000", "limit=0", "limit=-3", "limit=ten"} {
			if r := h.mustDo(400, "GET", "/api/audit?"+q, ""); r.JSON["error"].(map[string]any)["code"] != "invalid_limit" {
				t.Errorf("%s: %s", q, r.Text)
			}
		}
		if r := h.mustDo(400, "GET", "/api/audit?cursor=bm90LWEtY3Vyc29y", ""); r.JSON["error"].(map[string]any)["code"] != "invalid_cursor" {
			t.Errorf("foreign cursor: %s", r.Text)
		}
	})
}
