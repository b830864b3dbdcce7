package api_test

import (
	"net/url"
	"strings"
	"testing"
)

// searchTitles runs a global search and answers object -> titles found, and the whole answer.
func searchTitles(h *harness, q string, headers ...string) (map[string][]string, string) {
	h.t.Helper()
	r := h.mustDo(200, "GET", "/api/search?q="+url.QueryEscape(q), "", headers...)
	out := map[string][]string{}
	for _, g := range r.JSON["groups"].([]any) {
		gm := g.(map[string]any)
		for _, it := range gm["items"].([]any) {
			title, _ := it.(map[string]any)["title"].(string)
			out[gm["object"].(string)] = append(out[gm["object"].(string)], title)
		}
	}
	return out, r.Text
}

// TestGlobalSearch: one search finds records of every object the caller may read, by the start
// of a searched field or of its second or third word, in any case and width, by phone digits;
// never a record or a field the caller may not see; a field marked searchable later is found in
// the records that already exist.
func TestGlobalSearch(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		rep := []string{"Authorization", "Bearer " + h.userToken}
		h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme Software Ltd"}`)
		h.mustDo(201, "POST", "/api/records/account", `{"name":"阿里巴巴(中国)有限公司"}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"ACME Robotics","email":"Sales@AcmeRobotics.example","phone":"138 0013 8000","notes":"met at the zebra fair"}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Acme Reps Own","email":"own@rep.example"}`, rep...)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Zenith"}`)

		for _, c := range []struct {
			q    string
			want map[string][]string
		}{
			{"acme", map[string][]string{"account": {"Acme Software Ltd"}, "lead": {"ACME Robotics", "Acme Reps Own"}}},
			{"ＡＣＭＥ soft", map[string][]string{"account": {"Acme Software Ltd"}}}, // full width folded
			{"soft", map[string][]string{"account": {"Acme Software Ltd"}}},      // the second word
			{"ltd", map[string][]string{"account": {"Acme Software Ltd"}}},       // the third
			{"阿里", map[string][]string{"account": {"阿里巴巴(中国)有限公司"}}},
			{"sales@acme", map[string][]string{"lead": {"ACME Robotics"}}},
			{"1380013", map[string][]string{"lead": {"ACME Robotics"}}},
			{"+86 138 0013", map[string][]string{"lead": {"ACME Robotics"}}}, // the country code is no part of the key
			{"zebra", map[string][]string{}},                                 // notes are not searched
			{"a", map[string][]string{}},                                     // one letter is no prefix worth a search
			{"robotics", map[string][]string{"lead": {"ACME Robotics"}}},
		} {
			got, text := searchTitles(h, c.q)
			if !sameTitles(got, c.want) {
				t.Errorf("admin %q: %v, want %v (%s)", c.q, got, c.want, text)
			}
		}
		// The rep: her own lead only (leads are private), accounts as she may read them.
		got, _ := searchTitles(h, "acme", rep...)
		if len(got["lead"]) != 1 || got["lead"][0] != "Acme Reps Own" {
			t.Errorf("the rep's leads: %v", got["lead"])
		}
		// The matched value is told when it is not the name.
		_, text := searchTitles(h, "sales@")
		if !strings.Contains(text, `"detail":"sales@acmerobotics.example"`) || !strings.Contains(text, `"field":"email"`) {
			t.Errorf("the match's detail: %s", text)
		}
		h.mustDo(400, "GET", "/api/search?q="+strings.Repeat("x", 101), "")

		// The reference number marked searchable: existing leads are found by it from then on.
		if got, _ := searchTitles(h, "L-0000"); len(got["lead"]) != 0 {
			t.Errorf("the reference is searched before it is marked: %v", got)
		}
		def := h.mustDo(200, "GET", "/api/meta/objects/lead", "")
		body := strings.Replace(def.Text, `"name":"ref","type":"autonumber"`, `"name":"ref","type":"autonumber","searchable":true`, 1)
		body = strings.Replace(body, `"name":"company","type":"text"`, `"name":"company","type":"text","searchable":true`, 1)
		if !strings.Contains(body, `"searchable":true`) {
			t.Fatalf("no field to mark: %s", def.Text)
		}
		h.mustDo(200, "PUT", "/api/meta/objects/lead", body)
		if got, text := searchTitles(h, "l-0000"); len(got["lead"]) != 3 {
			t.Errorf("after marking the reference searchable: %s", text)
		}
		// Email is no longer searched: only the marked fields are.
		if got, _ := searchTitles(h, "sales@"); len(got["lead"]) != 0 {
			t.Errorf("email is still searched after marking others: %v", got)
		}
	})
}

func sameTitles(got, want map[string][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, w := range want {
		g := got[k]
		if len(g) != len(w) {
			return false
		}
		for _, x := range w {
			found := false
			for _, y := range g {
				found = found || x == y
			}
			if !found {
				return false
			}
		}
	}
	return true
}
