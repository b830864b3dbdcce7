package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store"
	"crm/internal/testenv"
)

// upload is a multipart import request: the file and the form fields (key, value, ...).
func upload(name string, file []byte, fields ...string) (body string, contentType string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = w.WriteField(fields[i], fields[i+1])
	}
	if file != nil {
		fw, _ := w.CreateFormFile("file", name)
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}

// startImport posts an import and answers the response.
func (h *harness) startImport(name string, file []byte, headers []string, fields ...string) response {
	h.t.Helper()
	body, ct := upload(name, file, fields...)
	return h.do("POST", "/api/imports", body, append([]string{"Content-Type", ct}, headers...)...)
}

// waitImport polls an import until it is over and answers it.
func (h *harness) waitImport(id string, headers ...string) map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		r := h.mustDo(200, "GET", "/api/imports/"+id, "", headers...)
		if s := r.JSON["status"]; s != "queued" && s != "running" {
			return r.JSON
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("import %s still %v: %s", id, r.JSON["status"], r.Text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func csvOf(rows ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}

func xlsxOf(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func counts(im map[string]any) string {
	return fmt.Sprintf("status=%v total=%v processed=%v created=%v updated=%v skipped=%v failed=%v",
		im["status"], im["total"], im["processed"], im["created"], im["updated"], im["skipped"], im["failed"])
}

// TestImportCSV: column headers by label in Chinese and by API name, a picklist by its Chinese
// label, a lookup by name, money with a symbol and separators, dates as text; one row with a bad
// email fails alone and is reported in the reader's language with its row and column.
func TestImportCSV(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(201, "POST", "/api/records/account", `{"name":"Acme Ltd"}`)
		file := csvOf(
			[]string{"公司", "email", "Amount", "stage", "account", "close_date", "hot", "Extra"},
			[]string{"Alpha", "a@x.cn", "¥1,234.50", "赢单", "Acme Ltd", "2026/3/31", "是", "ignored"},
			[]string{"Beta", "not-an-email", "10", "new", "", "2026-04-01", "no", ""},
			[]string{"Gamma", "g@x.cn", "99.9", "Lost", "", "", "", ""},
			[]string{"", "", "", "", "", "", "", ""},
		)
		r := h.startImport("leads.csv", file, nil, "object", "lead")
		if r.Status != 202 {
			t.Fatalf("start: %d %s", r.Status, r.Text)
		}
		if !strings.Contains(r.Text, `"unknown_columns":["Extra"]`) || r.JSON["total"] != 3.0 || !strings.Contains(r.Text, `"columns":["公司","email",`) {
			t.Errorf("start answer: %s", r.Text)
		}
		im := h.waitImport(r.JSON["id"].(string))
		if counts(im) != "status=done total=3 processed=3 created=2 updated=0 skipped=0 failed=1" {
			t.Fatalf("counters: %s", counts(im))
		}
		list := h.mustDo(200, "GET", "/api/records/lead?sort=company", "")
		text := list.Text
		for _, want := range []string{`"company":"Alpha"`, `"amount":1234.5`, `"stage":"won"`, `"close_date":"2026-03-31"`, `"hot":true`, `"stage":"lost"`} {
			if !strings.Contains(text, want) {
				t.Errorf("records lack %s: %s", want, text)
			}
		}
		if items := list.JSON["items"].([]any); len(items) != 2 || items[0].(map[string]any)["account"] == nil {
			t.Errorf("the lookup by name was not resolved: %s", text)
		}
		rep := h.mustDo(200, "GET", "/api/imports/"+im["id"].(string)+"/errors?format=csv", "", "Accept-Language", "zh-CN")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rep.Text, "\uFEFF"))).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("report: %v %q", err, rep.Text)
		}
		if got := strings.Join(rows[0][8:], "|"); got != "行号|列|错误代码|错误信息" {
			t.Errorf("report header: %v", rows[0])
		}
		if rows[1][0] != "Beta" || rows[1][8] != "3" || rows[1][9] != "email" || rows[1][10] != "format" || !strings.Contains(rows[1][11], "电子邮件") {
			t.Errorf("report row: %v", rows[1])
		}
		en := h.mustDo(200, "GET", "/api/imports/"+im["id"].(string)+"/errors?format=xlsx", "")
		f, err := excelize.OpenReader(strings.NewReader(en.Text))
		if err != nil {
			t.Fatal(err)
		}
		xrows, _ := f.GetRows("Sheet1")
		if len(xrows) != 2 || !strings.Contains(xrows[1][11], "email") {
			t.Errorf("xlsx report: %v", xrows)
		}
	})
}

// TestImportXLSXAndGBK: a workbook with dates as Excel serials and numbers as numbers, and a CSV
// saved by Chinese Excel (GBK) import alike.
func TestImportXLSXAndGBK(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		book := xlsxOf(t, []any{"company", "amount", "close_date", "employees"},
			[]any{"Xl One", 1234.5, 46112, 12}, []any{"Xl Two", "88", "2026-05-01", "3"})
		r := h.startImport("leads.xlsx", book, nil, "object", "lead")
		if r.Status != 202 {
			t.Fatalf("xlsx: %d %s", r.Status, r.Text)
		}
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=2 processed=2 created=2 updated=0 skipped=0 failed=0" {
			t.Fatalf("xlsx counters: %s", counts(im))
		}
		if l := h.mustDo(200, "GET", `/api/records/lead?filter=company+%3D+%22Xl+One%22`, ""); !strings.Contains(l.Text, `"close_date":"2026-03-31"`) || !strings.Contains(l.Text, `"amount":1234.5`) {
			t.Errorf("xlsx values: %s", l.Text)
		}
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(csvOf([]string{"公司", "stage"}, []string{"华为技术有限公司", "新建"}))
		if err != nil {
			t.Fatal(err)
		}
		r = h.startImport("leads.csv", gbk, nil, "object", "lead")
		if r.Status != 202 {
			t.Fatalf("gbk: %d %s", r.Status, r.Text)
		}
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=1 processed=1 created=1 updated=0 skipped=0 failed=0" {
			t.Fatalf("gbk counters: %s", counts(im))
		}
		if l := h.mustDo(200, "GET", "/api/records/lead?q=%E5%8D%8E%E4%B8%BA", ""); !strings.Contains(l.Text, `"company":"华为技术有限公司"`) || !strings.Contains(l.Text, `"stage":"new"`) {
			t.Errorf("gbk values: %s", l.Text)
		}
	})
}

// TestImportUpsert: by a unique key, a row whose key exists updates that record (or is skipped
// with on_duplicate=skip), the others are created.
func TestImportUpsert(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(201, "POST", "/api/records/lead", `{"company":"Old","email":"old@x.cn","amount":"5"}`)
		file := csvOf([]string{"company", "email", "amount"}, []string{"Renamed", "OLD@x.cn", "7.25"}, []string{"New", "new@x.cn", "1"})
		r := h.startImport("u.csv", file, nil, "object", "lead", "mode", "upsert", "key", "email", "on_duplicate", "skip")
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=2 processed=2 created=1 updated=0 skipped=1 failed=0" {
			t.Fatalf("skip: %s", counts(im))
		}
		r = h.startImport("u.csv", file, nil, "object", "lead", "mode", "upsert", "key", "email")
		if im := h.waitImport(r.JSON["id"].(string)); counts(im) != "status=done total=2 processed=2 created=0 updated=2 skipped=0 failed=0" {
			t.Fatalf("update: %s", counts(im))
		}
		l := h.mustDo(200, "GET", "/api/records/lead?sort=company", "")
		if n := len(l.JSON["items"].([]any)); n != 2 || !strings.Contains(l.Text, `"company":"Renamed"`) || !strings.Contains(l.Text, `"amount":7.25`) {
			t.Errorf("upsert result (%d): %s", n, l.Text)
		}
		// The second run's "New" row found its record and changed nothing: one version only.
		if !strings.Contains(l.Text, `"company":"New"`) || strings.Contains(l.Text, `"version":3`) {
			t.Errorf("unchanged row was written: %s", l.Text)
		}
	})
}

// zipBomb is an archive dressed as a workbook whose one sheet inflates from kilobytes to size.
func zipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := z.Create(name)
		_, _ = w.Write([]byte("<x/>"))
	}
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	_, _ = w.Write(make([]byte, size))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportRefusals: every bad request is a clear error with a stable code, and nothing is
// written: no record, no import.
func TestImportRefusals(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		h := newHarnessWith(t, b.Open(t), engine.Config{ImportLimits: engine.ImportLimits{MaxBytes: 48 << 10, MaxRows: 20, MaxUnzip: 4 << 20}}, api.Config{})
		h.withLead()
		h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"lead":{"create":true,"read":true,"edit":true},"account":{"read":true}},"fields":{"lead":{"amount":"read_only","notes":"hidden"}}}`)
		h.legacyGrants = false // memo is granted to no role: the role above lists lead and account only
		h.mustDo(201, "POST", "/api/meta/objects", `{"name":"memo","fields":[{"name":"title","type":"text"}]}`)
		rep := []string{"Authorization", "Bearer " + h.userToken}
		good := csvOf([]string{"company", "email"}, []string{"A", "a@x.cn"})
		many := [][]string{{"company"}}
		for i := 0; i < 21; i++ {
			many = append(many, []string{fmt.Sprint("c", i)})
		}
		big := bytes.Repeat([]byte("x"), 49<<10)
		unchanged := func(h *harness) any {
			docs, _ := h.store.Find(context.Background(), "obj_lead", store.Query{})
			ims, _ := h.store.Find(context.Background(), "imports", store.Query{})
			files, _ := h.store.Find(context.Background(), "import_files", store.Query{})
			return []any{docs, len(ims), len(files)}
		}
		type c struct {
			name, file string
			content    []byte
			headers    []string
			fields     []string
			status     int
			code       string
		}
		cases := []c{
			{"not a sheet", "x.pdf", []byte("%PDF-1.4\x00\x01binary"), nil, []string{"object", "lead"}, 422, "import_unsupported_file"},
			{"a zip that is no workbook", "x.xlsx", func() []byte {
				var b bytes.Buffer
				z := zip.NewWriter(&b)
				w, _ := z.Create("a.txt")
				_, _ = w.Write([]byte("hi"))
				_ = z.Close()
				return b.Bytes()
			}(), nil, []string{"object", "lead"}, 422, "import_unsupported_file"},
			{"zip bomb", "bomb.xlsx", zipBomb(t, 16<<20), nil, []string{"object", "lead"}, 422, "import_unsafe_file"},
			{"too large", "big.csv", big, nil, []string{"object", "lead"}, 413, "import_too_large"},
			{"too many rows", "many.csv", csvOf(many...), nil, []string{"object", "lead"}, 422, "import_too_many_rows"},
			{"empty file", "e.csv", []byte{}, nil, []string{"object", "lead"}, 422, "import_empty"},
			{"header only", "h.csv", csvOf([]string{"company"}), nil, []string{"object", "lead"}, 422, "import_empty"},
			{"no file", "", nil, nil, []string{"object", "lead"}, 422, "import_empty"},
			{"no object", "g.csv", good, nil, nil, 400, "missing_object"},
			{"unknown object", "g.csv", good, nil, []string{"object", "nope"}, 404, "object_not_found"},
			{"bad mapping json", "g.csv", good, nil, []string{"object", "lead", "mapping", "[1]"}, 400, "invalid_mapping"},
			{"mapping names a missing column", "g.csv", good, nil, []string{"object", "lead", "mapping", `{"Firma":"company"}`}, 422, "import_invalid_mapping"},
			{"mapping names a missing field", "g.csv", good, nil, []string{"object", "lead", "mapping", `{"company":"firm"}`}, 422, "import_invalid_mapping"},
			{"mapping to an autonumber", "g.csv", good, nil, []string{"object", "lead", "mapping", `{"company":"ref"}`}, 422, "import_field_not_writable"},
			{"mapping to a read-only field", "g.csv", csvOf([]string{"company", "amount"}, []string{"A", "1"}), rep, []string{"object", "lead"}, 422, "import_field_not_writable"},
			{"mapping to a hidden field", "g.csv", good, rep, []string{"object", "lead", "mapping", `{"company":"notes"}`}, 422, "import_invalid_mapping"},
			{"no column maps", "g.csv", csvOf([]string{"foo"}, []string{"1"}), nil, []string{"object", "lead"}, 422, `import_invalid_mapping","message":"no column maps to a field of lead","details":{"columns":["foo`},
			{"bad mode", "g.csv", good, nil, []string{"object", "lead", "mode", "merge"}, 422, "import_invalid_option"},
			{"upsert without key", "g.csv", good, nil, []string{"object", "lead", "mode", "upsert"}, 422, "import_invalid_key"},
			{"upsert on a key that is not unique", "g.csv", good, nil, []string{"object", "lead", "mode", "upsert", "key", "company"}, 422, "import_invalid_key"},
			{"bad dry_run", "g.csv", good, nil, []string{"object", "lead", "dry_run", "maybe"}, 400, "invalid_parameter"},
			{"no create permission", "g.csv", csvOf([]string{"title"}, []string{"x"}), rep, []string{"object", "memo"}, 403, "forbidden"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h.t = t
				before := unchanged(h)
				var r response
				if tc.file == "" {
					r = h.startImport("", nil, tc.headers, tc.fields...)
				} else {
					r = h.startImport(tc.file, tc.content, tc.headers, tc.fields...)
				}
				if r.Status != tc.status || !strings.Contains(r.Text, `"code":"`+tc.code+`"`) {
					t.Errorf("got %d %s, want %d %s", r.Status, r.Text, tc.status, tc.code)
				}
				if a, b := fmt.Sprint(before), fmt.Sprint(unchanged(h)); a != b {
					t.Errorf("something was written")
				}
			})
		}
		// The import body limit is the import's, not the rest of the API's.
		h.t = t
		h.mustDo(413, "POST", "/api/records/lead", `{"company":"`+strings.Repeat("x", harnessBodyLimit+6<<10)+`"}`)
	})
}

// TestImportAccessDryRunCancel: a user sees their own imports only (an admin all), a dry run
// writes no record and previews the rows with their problems, a finished import cannot be
// cancelled.
func TestImportAccessDryRunCancel(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		h.withLead()
		h.mustDo(200, "PUT", "/api/roles/sales", `{"objects":{"*":{"create":true,"read":true,"edit":true}}}`)
		rep := []string{"Authorization", "Bearer " + h.userToken}
		file := csvOf([]string{"company", "email"}, []string{"A", "a@x.cn"}, []string{"", "bad"})
		r := h.startImport("d.csv", file, rep, "object", "lead", "dry_run", "true")
		if r.Status != 202 {
			t.Fatalf("dry run: %d %s", r.Status, r.Text)
		}
		id := r.JSON["id"].(string)
		im := h.waitImport(id, rep...)
		if counts(im) != "status=done total=2 processed=2 created=1 updated=0 skipped=0 failed=1" || h.count("lead") != 0 {
			t.Fatalf("dry run: %s, %d leads", counts(im), h.count("lead"))
		}
		pv := fmt.Sprint(im["preview"])
		if !strings.Contains(pv, "required") || !strings.Contains(pv, "format") {
			t.Errorf("preview lacks the problems: %s", pv)
		}
		// Another user's import is as if absent; the admin sees it.
		other := h.ensureUser("other@example.com", []string{"sales"})
		h.mustDo(404, "GET", "/api/imports/"+id, "", "Authorization", "Bearer "+other)
		h.mustDo(404, "GET", "/api/imports/"+id+"/errors", "", "Authorization", "Bearer "+other)
		if l := h.mustDo(200, "GET", "/api/imports", "", "Authorization", "Bearer "+other); strings.Contains(l.Text, id) {
			t.Errorf("another's import listed: %s", l.Text)
		}
		if l := h.mustDo(200, "GET", "/api/imports", ""); !strings.Contains(l.Text, id) {
			t.Errorf("admin does not see it: %s", l.Text)
		}
		h.mustDo(409, "POST", "/api/imports/"+id+"/cancel", "", rep...)
		h.mustDo(400, "GET", "/api/imports/"+id+"/errors?format=pdf", "", rep...)
	})
}
