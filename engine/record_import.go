package engine

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
)

// Record imports: a CSV or .xlsx file whose rows become records of one object, each through the
// same write pipeline as a form (CreateRecord, UpdateRecord) as the importing user. An import is
// checked whole before it is accepted (the file, its size and rows, the mapping of its columns to
// fields the user may write), so a bad request writes nothing; then it runs as a durable job (see
// record_import_run.go) that survives a restart without doing a row twice.
const (
	collImports      = "imports"
	collImportFiles  = "import_files"  // the uploaded file in chunks, until the import is over
	collImportErrors = "import_errors" // the failed rows: their cells and what was wrong
)

// Import modes and answers to a row that matches an existing record.
const (
	ImportCreate = "create"
	ImportUpsert = "upsert"

	OnDuplicateSkip   = "skip"
	OnDuplicateUpdate = "update"
	OnDuplicateCreate = "create"
)

// Import statuses.
const (
	importQueued    = "queued"
	importRunning   = "running"
	importDone      = "done"
	importFailed    = "failed"
	importCancelled = "cancelled"
)

// ImportLimits bound what an import accepts; zero members take the defaults.
type ImportLimits struct {
	MaxBytes   int64 // the uploaded file; default 64 MiB
	MaxRows    int   // data rows; default 1,000,000
	MaxUnzip   int64 // what an .xlsx may unpack to; default 16 times MaxBytes
	BatchRows  int   // rows between two checkpoints; default 200
	Workers    int   // rows of a batch written at once; default 200, a whole batch (its writes then share one or two commits)
	chunkBytes int   // stored file chunk; tests make it small
}

func (l ImportLimits) withDefaults() ImportLimits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 64 << 20
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 1_000_000
	}
	if l.MaxUnzip <= 0 {
		l.MaxUnzip = 16 * l.MaxBytes
	}
	if l.BatchRows <= 0 {
		l.BatchRows = 200
	}
	if l.Workers <= 0 {
		l.Workers = 200
	}
	if l.chunkBytes <= 0 {
		l.chunkBytes = 1 << 20
	}
	return l
}

// ImportMaxBytes is the largest file an import accepts: the API's body limit for uploads.
func (e *Engine) ImportMaxBytes() int64 { return e.importLimits.MaxBytes }

// ImportRequest is what POST /api/imports carries.
type ImportRequest struct {
	Object      string
	FileName    string
	File        io.Reader
	Mapping     map[string]string // column -> field ("" ignores the column); nil: matched by name or label
	Mode        string            // create (default) or upsert
	Key         string            // upsert: a unique field or "id"
	OnDuplicate string            // skip or update (upsert; default update); skip, update or create (mode create, default create; matched by duplicate rules)
	DryRun      bool              // check every row, write none
}

// Import is an import as its API shows it.
type Import struct {
	ID             string            `json:"id"`
	Object         string            `json:"object"`
	User           string            `json:"user"`
	FileName       string            `json:"file_name"`
	Format         string            `json:"format"`
	Mode           string            `json:"mode"`
	Key            string            `json:"key,omitempty"`
	OnDuplicate    string            `json:"on_duplicate,omitempty"`
	DryRun         bool              `json:"dry_run"`
	Columns        []string          `json:"columns"` // the file's header, in order
	Mapping        map[string]string `json:"mapping"`
	UnknownColumns []string          `json:"unknown_columns"`
	Status         string            `json:"status"`
	Total          int64             `json:"total"`
	Processed      int64             `json:"processed"`
	Created        int64             `json:"created"`
	Updated        int64             `json:"updated"`
	Skipped        int64             `json:"skipped"`
	Failed         int64             `json:"failed"`
	CreatedAt      string            `json:"created_at"`
	StartedAt      string            `json:"started_at,omitempty"`
	FinishedAt     string            `json:"finished_at,omitempty"`
	Error          *Error            `json:"error,omitempty"`
	Preview        []any             `json:"preview,omitempty"` // dry run: the first rows as the pipeline sees them
}

func importFromDoc(d store.Doc) *Import {
	im := &Import{Mapping: map[string]string{}, UnknownColumns: []string{}}
	im.ID, _ = d["id"].(string)
	im.Object, _ = d["object"].(string)
	im.User, _ = d["user"].(string)
	im.FileName, _ = d["file_name"].(string)
	im.Format, _ = d["format"].(string)
	im.Mode, _ = d["mode"].(string)
	im.Key, _ = d["key"].(string)
	im.OnDuplicate, _ = d["on_duplicate"].(string)
	im.DryRun, _ = d["dry_run"].(bool)
	im.Status, _ = d["status"].(string)
	for k, v := range asMap(d["mapping"]) {
		im.Mapping[k], _ = v.(string)
	}
	im.UnknownColumns = stringsOf(d["unknown_columns"])
	im.Columns = stringsOf(d["header"])
	im.Total, _ = d["total"].(int64)
	im.Processed, _ = d["processed"].(int64)
	im.Created, _ = d["created"].(int64)
	im.Updated, _ = d["updated"].(int64)
	im.Skipped, _ = d["skipped"].(int64)
	im.Failed, _ = d["failed"].(int64)
	im.CreatedAt, _ = d["created_at"].(string)
	im.StartedAt, _ = d["started_at"].(string)
	im.FinishedAt, _ = d["finished_at"].(string)
	if code, _ := d["error_code"].(string); code != "" {
		msg, _ := d["error_message"].(string)
		im.Error = &Error{Code: code, Message: msg}
	}
	im.Preview, _ = d["preview"].([]any)
	return im
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func stringsOf(v any) []string {
	out := []string{}
	l, _ := v.([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// StartImport checks an import whole and, when nothing is wrong, stores its file and its job and
// answers at once; the rows are written by the job. Every refusal writes nothing.
func (e *Engine) StartImport(ctx context.Context, by *Actor, req ImportRequest, locale string) (*Import, error) {
	lim := e.importLimits
	def, g, err := e.access(ctx, by, req.Object)
	if err != nil {
		return nil, err
	}
	if err := checkImportMode(&req); err != nil {
		return nil, err
	}
	if !g.perm.Create || (req.Mode == ImportUpsert && req.OnDuplicate == OnDuplicateUpdate && !g.perm.Edit) {
		return nil, ErrForbidden
	}
	path, size, err := spool(req.File, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path)
	format, err := sniffFile(path)
	if err != nil {
		return nil, err
	}
	sh, err := openSheet(path, format, lim.MaxUnzip)
	if err != nil {
		return nil, err
	}
	var fast func(int) (int, error)
	if format == formatXLSX {
		fast = func(max int) (int, error) { return xlsxValueRows(path, max) }
	}
	header, rows, err := countRows(sh, lim.MaxRows, fast)
	sh.Close()
	if err != nil {
		return nil, err
	}
	mapping, unknown, err := e.importMapping(ctx, by, def, g, header, req)
	if ee, ok := AsError(err); ok {
		// The file's columns, so that a caller (the import wizard) can offer a mapping of them.
		out := *ee
		out.Details = map[string]any{"columns": header}
		return nil, &out
	}
	if err != nil {
		return nil, err
	}
	id := newID()
	if err := e.storeImportFile(ctx, id, path, lim.chunkBytes); err != nil {
		return nil, err
	}
	m := make(map[string]any, len(mapping))
	for c, f := range mapping {
		m[c] = f
	}
	doc := store.Doc{"id": id, "object": req.Object, "user": by.ID, "file_name": req.FileName, "format": format,
		"size": size, "mode": req.Mode, "key": req.Key, "on_duplicate": req.OnDuplicate, "dry_run": req.DryRun, "row_ids": rowIDsOrdered,
		"locale": locale, "mapping": m, "header": anyStrings(header), "unknown_columns": anyStrings(unknown),
		"status": importQueued, "total": int64(rows), "processed": int64(0), "created": int64(0), "updated": int64(0),
		"skipped": int64(0), "failed": int64(0), "next_row": int64(0), "created_at": e.stamp()}
	job := importArgs{Import: id}
	payload, err := jobs.Encode(job)
	if err != nil {
		return nil, err
	}
	jobID := importJobID(id, 0)
	if err := e.store.Batch(ctx, []store.WriteOp{
		{Kind: store.OpInsert, Coll: collImports, Doc: doc},
		{Kind: store.OpInsert, Coll: collJobs, Doc: e.jobDoc(jobID, job.Kind(), e.now(), payload, 0)},
	}); err != nil {
		e.dropImportFile(ctx, id)
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "import_started", Object: req.Object, Reason: fmt.Sprintf("import %s: %d rows of %s", id, rows, req.FileName)})
	e.kickJob(jobID)
	doc["version"] = int64(1)
	return importFromDoc(doc), nil
}

func anyStrings(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func importJobID(id string, from int64) string {
	return "import:" + id + ":" + strconv.FormatInt(from, 10)
}

// checkImportMode fills the defaults of mode and on_duplicate and refuses what does not fit.
func checkImportMode(req *ImportRequest) error {
	if req.Mode == "" {
		req.Mode = ImportCreate
	}
	switch req.Mode {
	case ImportCreate:
		if req.Key != "" {
			return errorf(KindValidation, "import_invalid_key", "key is for mode upsert")
		}
		if req.OnDuplicate == "" {
			req.OnDuplicate = OnDuplicateCreate
		}
		// A row of a create matches existing records by the object's duplicate rules: skip
		// leaves it, update writes it into the one record it matches, create writes a new record
		// (which block rules may still refuse, as for a form).
		if req.OnDuplicate != OnDuplicateCreate && req.OnDuplicate != OnDuplicateSkip && req.OnDuplicate != OnDuplicateUpdate {
			return errorf(KindValidation, "import_invalid_option", "on_duplicate %q does not go with mode create (skip, update or create)", req.OnDuplicate)
		}
	case ImportUpsert:
		if req.Key == "" {
			return errorf(KindValidation, "import_invalid_key", "mode upsert needs a key field")
		}
		if req.OnDuplicate == "" {
			req.OnDuplicate = OnDuplicateUpdate
		}
		if req.OnDuplicate != OnDuplicateUpdate && req.OnDuplicate != OnDuplicateSkip {
			return errorf(KindValidation, "import_invalid_option", "on_duplicate %q does not go with mode upsert (skip or update)", req.OnDuplicate)
		}
	default:
		return errorf(KindValidation, "import_invalid_option", "mode %q is not create or upsert", req.Mode)
	}
	return nil
}

// spool copies the upload to a temporary file, refusing it past max bytes.
func spool(r io.Reader, max int64) (string, int64, error) {
	if r == nil {
		return "", 0, errorf(KindValidation, "import_empty", "no file was sent")
	}
	f, err := os.CreateTemp("", "crm-import-*")
	if err != nil {
		return "", 0, err
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > max {
		err = errorf(KindTooLarge, "import_too_large", "the file is larger than %d bytes", max)
	}
	if err == nil && n == 0 {
		err = errorf(KindValidation, "import_empty", "the file is empty")
	}
	if err != nil {
		os.Remove(f.Name())
		return "", 0, err
	}
	return f.Name(), n, nil
}

func sniffFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return sniffFormat(head[:n])
}

// countRows reads the header (the first row that is not blank) and counts the data rows up to
// max; a file with no header or no data row is empty. valueRows, when given, counts the rows
// holding a value (the header among them) faster than reading them (xlsxValueRows).
func countRows(sh sheet, max int, valueRows func(max int) (int, error)) ([]string, int, error) {
	var header []string
	rows := 0
	for {
		if header != nil && valueRows != nil {
			n, err := valueRows(max + 1)
			if err != nil {
				return nil, 0, errorf(KindValidation, "import_unreadable", "the worksheet cannot be read: %v", err)
			}
			if rows = n - 1; rows > max {
				return nil, 0, errorf(KindValidation, "import_too_many_rows", "the file has more than %d rows", max)
			}
			break
		}
		row, err := sh.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		if blankRow(row) {
			continue
		}
		if header == nil {
			header = make([]string, len(row))
			for i, c := range row {
				header[i] = strings.TrimSpace(c)
			}
			continue
		}
		if rows++; rows > max {
			return nil, 0, errorf(KindValidation, "import_too_many_rows", "the file has more than %d rows", max)
		}
	}
	if header == nil || rows == 0 {
		return nil, 0, errorf(KindValidation, "import_empty", "the file has no data rows below its header")
	}
	seen := map[string]bool{}
	for _, h := range header {
		if h != "" && seen[h] {
			return nil, 0, errorf(KindValidation, "import_invalid_header", "two columns are called %q", h)
		}
		seen[h] = true
	}
	return header, rows, nil
}

// importMapping checks the mapping of columns to fields (or makes one by matching column headers
// to field names and labels) and answers it with the columns nothing takes. Mapping to a field
// the user may not write is refused before anything starts, naming every such field.
func (e *Engine) importMapping(ctx context.Context, by *Actor, def *definition, g *grant, header []string, req ImportRequest) (map[string]string, []string, error) {
	mapping := map[string]string{}
	if req.Mapping == nil {
		for _, h := range header {
			if f := matchColumn(def.obj, g, h); f != "" {
				mapping[h] = f
			}
		}
	} else {
		var bad []forms.FieldError
		for col, f := range req.Mapping {
			switch {
			case !slices.Contains(header, col):
				bad = append(bad, forms.FieldError{Field: col, Code: "unknown_column", Message: fmt.Sprintf("the file has no column %q", col)})
			case f == "":
			case f != "id" && f != "owner" && (def.obj.Field(f) == nil || g.hidden[f]):
				bad = append(bad, forms.FieldError{Field: col, Code: "unknown_field", Message: fmt.Sprintf("%q is not a field of %s", f, def.obj.Name)})
			default:
				mapping[col] = f
			}
		}
		if len(bad) > 0 {
			return nil, nil, &Error{Kind: KindValidation, Code: "import_invalid_mapping", Message: "the mapping names columns or fields that do not exist", Fields: sortedFieldErrors(bad)}
		}
	}
	taken := map[string]string{}
	var bad []forms.FieldError
	controlled, err := e.controlled(ctx, def.obj.Name)
	if err != nil {
		return nil, nil, err
	}
	for col, f := range mapping {
		if other, dup := taken[f]; dup {
			return nil, nil, errorf(KindValidation, "import_invalid_mapping", "columns %q and %q both map to %s", other, col, f)
		}
		taken[f] = col
		if !importWritable(def.obj, g, f, req) || controlled[f] != nil {
			bad = append(bad, forms.FieldError{Field: f, Code: "not_writable", Message: fmt.Sprintf("column %q maps to %s, which you may not write", col, f)})
		}
	}
	if len(bad) > 0 {
		return nil, nil, &Error{Kind: KindValidation, Code: "import_field_not_writable", Message: "the mapping writes fields you may not write; nothing was imported", Fields: sortedFieldErrors(bad)}
	}
	if len(mapping) == 0 {
		return nil, nil, errorf(KindValidation, "import_invalid_mapping", "no column maps to a field of %s", def.obj.Name)
	}
	if req.Mode == ImportUpsert {
		kf := def.obj.Field(req.Key)
		if req.Key != "id" && (kf == nil || !kf.Unique || g.hidden[req.Key]) {
			return nil, nil, errorf(KindValidation, "import_invalid_key", "the key %q is not a unique field of %s", req.Key, def.obj.Name)
		}
		if taken[req.Key] == "" {
			return nil, nil, errorf(KindValidation, "import_invalid_key", "no column maps to the key %s", req.Key)
		}
	}
	var unknown []string
	for _, h := range header {
		if _, ok := mapping[h]; !ok && h != "" {
			unknown = append(unknown, h)
		}
	}
	return mapping, unknown, nil
}

func sortedFieldErrors(l []forms.FieldError) []forms.FieldError {
	slices.SortFunc(l, func(a, b forms.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return l
}

// importWritable tells whether an import may write field f: the fields a form lets the user
// fill, the owner, and the id only as the key of an upsert.
func importWritable(obj *forms.Object, g *grant, f string, req ImportRequest) bool {
	switch f {
	case "id":
		return req.Mode == ImportUpsert && req.Key == "id"
	case "owner":
		return true
	}
	fd := obj.Field(f)
	if fd == nil || g.hidden[f] || g.locked[f] {
		return false
	}
	return !fd.Computed()
}

// matchColumn finds the field a column header names: its API name or its label in any language,
// ignoring case and surrounding space. Fields the user cannot see are not matched.
func matchColumn(obj *forms.Object, g *grant, h string) string {
	h = strings.TrimSpace(h)
	if h == "" {
		return ""
	}
	if strings.EqualFold(h, "owner") || h == "负责人" {
		return "owner"
	}
	for _, f := range obj.Fields {
		if g.hidden[f.Name] {
			continue
		}
		if strings.EqualFold(f.Name, h) {
			return f.Name
		}
		for _, l := range f.Label {
			if strings.EqualFold(strings.TrimSpace(l), h) {
				return f.Name
			}
		}
	}
	return ""
}

// storeImportFile keeps the upload in the database, in chunks, so that whichever engine process
// runs (or resumes) the import can read it.
func (e *Engine) storeImportFile(ctx context.Context, id, path string, chunk int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, chunk)
	for i := 0; ; i++ {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			doc := store.Doc{"id": fmt.Sprintf("%s:%06d", id, i), "import": id, "n": int64(i), "data": base64.StdEncoding.EncodeToString(buf[:n])}
			if err := e.store.Insert(ctx, collImportFiles, doc); err != nil {
				e.dropImportFile(ctx, id)
				return storeErr(err)
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// loadImportFile writes the stored upload back to a temporary file.
func (e *Engine) loadImportFile(ctx context.Context, id string) (string, error) {
	e.importFileLoads.Add(1)
	f, err := os.CreateTemp("", "crm-import-*")
	if err != nil {
		return "", err
	}
	defer f.Close()
	fail := func(err error) (string, error) { f.Close(); os.Remove(f.Name()); return "", err }
	for i := 0; ; i++ {
		d, err := e.store.Get(ctx, collImportFiles, fmt.Sprintf("%s:%06d", id, i))
		if errors.Is(err, store.ErrNotFound) {
			if i == 0 {
				return fail(errorf(KindNotFound, "import_not_found", "the file of import %s is gone", id))
			}
			return f.Name(), nil
		}
		if err != nil {
			return fail(storeErr(err))
		}
		s, _ := d["data"].(string)
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fail(err)
		}
		if _, err := f.Write(b); err != nil {
			return fail(err)
		}
	}
}

func (e *Engine) dropImportFile(ctx context.Context, id string) {
	ctx = context.WithoutCancel(ctx)
	for i := 0; ; i++ {
		err := e.store.Delete(ctx, collImportFiles, fmt.Sprintf("%s:%06d", id, i), 0)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err != nil {
			e.log.Warn("import file chunk not removed", "import", id, "chunk", i, "err", err)
			return
		}
	}
}

// GetImport answers an import to its user or an admin.
func (e *Engine) GetImport(ctx context.Context, by *Actor, id string) (*Import, error) {
	d, err := e.importDoc(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return importFromDoc(d), nil
}

func (e *Engine) importDoc(ctx context.Context, by *Actor, id string) (store.Doc, error) {
	d, err := e.store.Get(ctx, collImports, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "import_not_found", "no import %q", id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if u, _ := d["user"].(string); u != by.ID && !by.IsAdmin() {
		return nil, errorf(KindNotFound, "import_not_found", "no import %q", id) // another's: as if absent
	}
	return d, nil
}

// ListImports answers the caller's imports, newest first; an admin sees everyone's.
func (e *Engine) ListImports(ctx context.Context, by *Actor, object string, limit int) ([]*Import, error) {
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var and store.And
	if !by.IsAdmin() {
		and = append(and, store.Compare{Field: "user", Op: store.Eq, Value: by.ID, Scalar: true})
	}
	if object != "" {
		and = append(and, store.Compare{Field: "object", Op: store.Eq, Value: object, Scalar: true})
	}
	var f store.Filter
	if len(and) > 0 {
		f = and
	}
	docs, err := e.store.Find(ctx, collImports, store.Query{Filter: f, Sort: []store.SortKey{{Field: "created_at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*Import, 0, len(docs))
	for _, d := range docs {
		out = append(out, importFromDoc(d))
	}
	return out, nil
}

// CancelImport stops an import that has not finished; the rows written so far stay.
func (e *Engine) CancelImport(ctx context.Context, by *Actor, id string) (*Import, error) {
	for attempt := 0; attempt < 5; attempt++ {
		d, err := e.importDoc(ctx, by, id)
		if err != nil {
			return nil, err
		}
		if s, _ := d["status"].(string); s != importQueued && s != importRunning {
			return nil, errorf(KindConflict, "import_finished", "import %s is %s", id, s)
		}
		d["status"], d["finished_at"] = importCancelled, e.stamp()
		v, _ := d["version"].(int64)
		err = e.store.Replace(ctx, collImports, d, v)
		if errors.Is(err, store.ErrVersionConflict) {
			continue // a checkpoint meanwhile: read again
		}
		if err != nil {
			return nil, storeErr(err)
		}
		e.audit(ctx, by, auditEntry{Action: "import_cancelled", Object: d["object"].(string), Reason: "import " + id})
		e.dropImportFile(ctx, id)
		d["version"] = v + 1
		return importFromDoc(d), nil
	}
	return nil, storeErr(store.ErrVersionConflict)
}

// ImportErrorRow is one failed row of an import: its cells as uploaded and what was wrong.
type ImportErrorRow struct {
	Row    int64
	Cells  []string
	Errors []cellError
}

// ImportErrors calls fn with the header of the file and then each failed row, in row order.
func (e *Engine) ImportErrors(ctx context.Context, by *Actor, id string, fn func(header []string, r *ImportErrorRow) error) error {
	d, err := e.importDoc(ctx, by, id)
	if err != nil {
		return err
	}
	header := stringsOf(d["header"])
	if err := fn(header, nil); err != nil {
		return err
	}
	var after string
	for {
		f := store.Filter(store.Compare{Field: "import", Op: store.Eq, Value: id, Scalar: true})
		if after != "" {
			f = store.And{f, store.Compare{Field: "id", Op: store.Gt, Value: after, Scalar: true}}
		}
		docs, err := e.store.Find(ctx, collImportErrors, store.Query{Filter: f, Sort: []store.SortKey{{Field: "id"}}, Limit: 500})
		if err != nil {
			return storeErr(err)
		}
		for _, doc := range docs {
			r := &ImportErrorRow{Cells: stringsOf(doc["cells"])}
			r.Row, _ = doc["row"].(int64)
			for _, x := range asList(doc["errors"]) {
				m := asMap(x)
				ce := cellError{Message: forms.Label{}}
				ce.Column, _ = m["column"].(string)
				ce.Field, _ = m["field"].(string)
				ce.Code, _ = m["code"].(string)
				for k, v := range asMap(m["message"]) {
					ce.Message[k], _ = v.(string)
				}
				r.Errors = append(r.Errors, ce)
			}
			if err := fn(header, r); err != nil {
				return err
			}
		}
		if len(docs) < 500 {
			return nil
		}
		after, _ = docs[len(docs)-1]["id"].(string)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }
