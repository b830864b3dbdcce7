package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestBulkRecords: one change for many records, each through the pipeline and the caller's
// access, a result per record; a malformed request changes nothing.
func TestBulkRecords(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		rep := []string{"Authorization", "Bearer " + h.userToken}
		var ids []string
		for i := range 3 {
			ids = append(ids, h.mustDo(201, "POST", "/api/records/lead", fmt.Sprintf(`{"company":"Bulk %d","stage":"new"}`, i)).JSON["id"].(string))
		}
		own := h.mustDo(201, "POST", "/api/records/lead", `{"company":"Rep's own","stage":"new"}`, rep...).JSON["id"].(string)
		repID := h.mustDo(200, "GET", "/api/auth/me", "", rep...).JSON["id"].(string)
		body := func(action string, ids []string, extra string) string {
			b, _ := json.Marshal(ids)
			return fmt.Sprintf(`{"action":%q,"ids":%s%s}`, action, b, extra)
		}
		type result struct {
			ID    string `json:"id"`
			OK    bool   `json:"ok"`
			Error *struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		results := func(r response) []result {
			var out struct{ Results []result }
			if err := json.Unmarshal([]byte(r.Text), &out); err != nil {
				t.Fatal(err)
			}
			return out.Results
		}
		codes := func(rs []result) string {
			var s []string
			for _, r := range rs {
				if r.OK {
					s = append(s, "ok")
				} else {
					s = append(s, r.Error.Code)
				}
			}
			return strings.Join(s, ",")
		}

		// Refused as a whole: nothing changes.
		for _, bad := range []struct{ body, code string }{
			{body("purge", ids, ""), "invalid_bulk"},
			{body("update", ids, ""), "invalid_bulk"},
			{body("update", []string{ids[0], ids[0]}, `,"values":{"stage":"won"}`), "invalid_bulk"},
			{body("delete", ids, `,"values":{"stage":"won"}`), "invalid_bulk"},
			{body("update", make([]string, 201), `,"values":{"stage":"won"}`), "invalid_bulk"},
			{`{"action":"update","ids":["x"],"values":{"stage":"won"},"where":"1=1"}`, ""},
		} {
			r := h.do("POST", "/api/records/lead/bulk", bad.body)
			if r.Status != 400 || (bad.code != "" && !strings.Contains(r.Text, bad.code)) {
				t.Errorf("%s: %d %s", bad.body[:min(60, len(bad.body))], r.Status, r.Text)
			}
		}
		h.mustDo(404, "POST", "/api/records/ghost/bulk", body("delete", ids, ""))
		if n := h.count("lead"); n != 4 {
			t.Fatalf("%d leads after refusals", n)
		}

		// The rep: her own lead changes, the admin's are not found for her.
		r := h.mustDo(200, "POST", "/api/records/lead/bulk", body("update", []string{own, ids[0]}, `,"values":{"stage":"won"}`), rep...)
		if got := codes(results(r)); got != "ok,record_not_found" || r.JSON["ok"] != 1.0 || r.JSON["failed"] != 1.0 {
			t.Errorf("the rep's bulk update: %s %s", got, r.Text)
		}
		// Validation per record; a stale version is refused for its record only.
		r = h.mustDo(200, "POST", "/api/records/lead/bulk", body("update", ids, `,"values":{"employees":-5}`))
		if got := codes(results(r)); got != "validation_failed,validation_failed,validation_failed" {
			t.Errorf("invalid values: %s", got)
		}
		r = h.mustDo(200, "POST", "/api/records/lead/bulk", body("update", ids, `,"values":{"stage":"won"},"versions":{"`+ids[1]+`":7}`))
		if got := codes(results(r)); got != "ok,version_conflict,ok" {
			t.Errorf("a stale version: %s", got)
		}
		// Reassigned to the rep: she now sees them.
		r = h.mustDo(200, "POST", "/api/records/lead/bulk", body("update", ids, `,"values":{"owner":"`+repID+`"}`))
		if got := codes(results(r)); got != "ok,ok,ok" {
			t.Errorf("reassign: %s", got)
		}
		for _, id := range ids {
			if got := h.mustDo(200, "GET", "/api/records/lead/"+id, "", rep...); got.JSON["owner"] != repID {
				t.Errorf("%s owned by %v", id, got.JSON["owner"])
			}
		}
		// Delete: gone, each with its audit entry.
		r = h.mustDo(200, "POST", "/api/records/lead/bulk", body("delete", ids[:2], ""))
		if got := codes(results(r)); got != "ok,ok" {
			t.Errorf("delete: %s", got)
		}
		if n := h.count("lead"); n != 2 {
			t.Errorf("%d leads after deleting 2 of 4", n)
		}
		audit := h.mustDo(200, "GET", "/api/audit?action=record_deleted", "")
		if !strings.Contains(audit.Text, ids[0]) || !strings.Contains(audit.Text, ids[1]) {
			t.Errorf("the deletes' audit entries: %s", audit.Text)
		}
	})
}
