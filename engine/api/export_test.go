package api_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func readCSV(t *testing.T, text string) [][]string {
	t.Helper()
	if !strings.HasPrefix(text, "\uFEFF") {
		t.Errorf("no byte order mark: Excel would not read it as UTF-8")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("%v: %q", err, text)
	}
	return rows
}

// byHeader is a row as header -> cell.
func byHeader(rows [][]string, i int) map[string]string {
	out := map[string]string{}
	for j, h := range rows[0] {
		if j < len(rows[i]) {
			out[h] = rows[i][j]
		}
	}
	return out
}

// TestExport: the list as the caller sees it, labels in their language, picklists by label,
// lookups by name, money exact, instants in their time zone, formula-like text defused, audited.
func TestExport(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		me := h.mustDo(200, "GET", "/api/auth/me", "")
		h.mustDo(200, "PATCH", "/api/users/"+me.JSON["id"].(string), `{"timezone":"Asia/Shanghai"}`)
		acc := h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme Ltd"}`).JSON["id"].(string)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"=HYPERLINK(\"http://evil\",\"x\")","email":"a@x.cn","amount":"1234.50","stage":"won",
		 "tags":["vip","partner"],"hot":true,"close_date":"2026-03-31","last_contacted_at":"2026-03-31T16:30:00Z","account":"`+acc+`","phone":"+86 138","notes":"@SUM(A1)"}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"-2+3","amount":"-5","stage":"new"}`)
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Plain","stage":"lost"}`)

		r := h.mustDo(200, "GET", "/api/records/lead/export?format=csv&sort=amount", "", "Accept-Language", "zh-CN")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "lead.csv") {
			t.Errorf("headers: %s, %s", ct, r.Header.Get("Content-Disposition"))
		}
		rows := readCSV(t, r.Text)
		if len(rows) != 4 {
			t.Fatalf("%d rows: %v", len(rows), rows)
		}
		if !strings.Contains(strings.Join(rows[0], "|"), "公司|email|amount") || rows[0][0] != "编号" {
			t.Errorf("header: %v", rows[0])
		}
		neg, big := byHeader(rows, 2), byHeader(rows, 3) // sorted by amount: null first on some backends
		if neg["amount"] != "-5.00" || neg["公司"] != "'-2+3" || neg["stage"] != "新建" {
			t.Errorf("negative row: %v", neg)
		}
		want := map[string]string{"公司": `'=HYPERLINK("http://evil","x")`, "amount": "1234.50", "stage": "赢单", "tags": "vip; partner",
			"hot": "是", "close_date": "2026-03-31", "last_contacted_at": "2026-04-01 00:30:00", "account": "Acme Ltd", "phone": "'+86 138", "notes": "'@SUM(A1)"}
		for k, v := range want {
			if big[k] != v {
				t.Errorf("%s = %q, want %q (row %v)", k, big[k], v, big)
			}
		}

		// A filter, a search and a choice of fields, as the list has them; xlsx alike.
		r = h.mustDo(200, "GET", `/api/records/lead/export?format=xlsx&fields=company,amount&filter=stage+%3D+%22won%22`, "")
		f, err := excelize.OpenReader(strings.NewReader(r.Text))
		if err != nil {
			t.Fatal(err)
		}
		xrows, _ := f.GetRows("Sheet1")
		if fmt.Sprint(xrows) != `[[Company amount] [=HYPERLINK("http://evil","x") 1234.50]]` {
			t.Errorf("xlsx: %v", xrows)
		}
		if v, _ := f.GetCellFormula("Sheet1", "A2"); v != "" {
			t.Errorf("a cell is a formula: %q", v)
		}
		if a := h.mustDo(200, "GET", "/api/audit?action=records_exported", ""); len(a.JSON["items"].([]any)) != 2 {
			t.Errorf("exports not audited: %s", a.Text)
		}
		runScenarios(t, h, []scenario{
			{Name: "bad format", Method: "GET", URL: "/api/records/lead/export?format=pdf", ExpectedStatus: 400, ExpectedContent: []string{`"invalid_format"`}},
			{Name: "bad filter", Method: "GET", URL: "/api/records/lead/export?filter=nope+%3D+1", ExpectedStatus: 400, ExpectedContent: []string{`"invalid_filter"`}},
			{Name: "unknown field", Method: "GET", URL: "/api/records/lead/export?fields=company,nope", ExpectedStatus: 400, ExpectedContent: []string{`"invalid_fields"`}},
			{Name: "unknown object", Method: "GET", URL: "/api/records/nope/export", ExpectedStatus: 404, ExpectedContent: []string{`"object_not_found"`}},
		})
	})
}

// TestExportFLS: a field hidden from the caller is never exported, nor a formula that reads it,
// nor can it be asked for by name.
func TestExportFLS(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		rep, _ := flsSetup(h)
		r := h.mustDo(200, "GET", "/api/records/account/export", "", rep...)
		notIn(t, "the export", r.Text, "annual_revenue", "2000000", "vip", "weighted")
		if !strings.Contains(r.Text, "Acme") || !strings.Contains(r.Text, "gold") {
			t.Errorf("rep export: %s", r.Text)
		}
		h.mustDo(400, "GET", "/api/records/account/export?fields=name,annual_revenue", "", rep...)
		h.mustDo(400, "GET", "/api/records/account/export?filter=vip+%3D+true", "", rep...)
		if a := h.mustDo(200, "GET", "/api/records/account/export", ""); !strings.Contains(a.Text, "2000000.00") || !strings.Contains(a.Text, "weighted") {
			t.Errorf("admin export: %s", a.Text)
		}
	})
}

// TestExportImportRoundTrip: more records than a page export whole, and the file imports back
// (upsert by id) changing nothing.
func TestExportImportRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		rows := [][]string{{"company", "email", "amount", "stage", "hot", "last_contacted_at"}}
		for i := 0; i < 250; i++ {
			rows = append(rows, []string{fmt.Sprintf("=Co %d", i), fmt.Sprintf("l%d@x.cn", i), fmt.Sprintf("%d.%02d", i, i%100), "won", "yes", "2026-03-31 08:00"})
		}
		r := h.startImport("l.csv", csvOf(rows...), nil, "object", "lead")
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=250 processed=250 created=250 updated=0 skipped=0 failed=0" {
			t.Fatalf("import: %s", counts(im))
		}
		exp := h.mustDo(200, "GET", "/api/records/lead/export?format=csv&fields=id,company,email,amount,stage,hot,last_contacted_at", "", "Accept-Language", "zh-CN")
		out := readCSV(t, exp.Text)
		if len(out) != 251 || out[1][1] == "" || !strings.HasPrefix(out[1][1], "'=Co ") {
			t.Fatalf("%d rows exported; first %v", len(out), out[1])
		}
		r = h.startImport("back.csv", []byte(exp.Text), nil, "object", "lead", "mode", "upsert", "key", "id",
			"mapping", `{"编号":"id","公司":"company","email":"email","amount":"amount","stage":"stage","hot":"hot","last_contacted_at":"last_contacted_at"}`)
		if r.Status != 202 {
			t.Fatalf("re-import: %s", r.Text)
		}
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=250 processed=250 created=0 updated=250 skipped=0 failed=0" {
			t.Fatalf("re-import: %s", counts(im))
		}
		if l := h.mustDo(200, "GET", "/api/records/lead?filter=version+%3E+1&limit=1", ""); len(l.JSON["items"].([]any)) != 0 {
			t.Errorf("the round trip changed records: %s", l.Text)
		}
	})
}
