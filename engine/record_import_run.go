package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Running an import. The job reads the stored file from the import's checkpoint (next_row: the
// sheet row up to which every row is done) and writes rows in batches; after each batch it
// stores the counters and the new checkpoint in one compare-and-set of the import document.
// A process that dies mid-batch leaves the rows of that batch written but not counted; whoever
// resumes redoes them, and they are idempotent: a created row's record id is derived from the
// import and the row (its second create finds it there), an updated row's values are there
// already (its second update changes nothing and writes nothing), and a failed row's report is
// keyed by its row. So no row is done twice, and the counters are exact.
//
// A run holds its job's claim for a slice (a third of the lease) and then hands on to a new job
// from its checkpoint, so that the lease never runs out under a long import and no tick waits
// behind it for long.

// importSlice is how long one job of an import runs before handing on.
func (e *Engine) importSlice() time.Duration { return e.lease / 3 }

// kickJob runs a job that is due now in the background, as a write runs its event at once
// instead of waiting for the next tick; the claim keeps it to one process if a tick finds it too.
func (e *Engine) kickJob(id string) {
	go func() {
		ctx := context.Background()
		d, err := e.store.Get(ctx, collJobs, id)
		if err != nil {
			return // run already, or the store is away: the scheduler has it
		}
		j, err := jobFromDoc(d)
		if err != nil {
			e.log.Error("job not run: its document is corrupt", "job", id, "err", err)
			return
		}
		if _, err := e.runJob(ctx, j); err != nil {
			e.log.Warn("job not run at once; the scheduler will", "job", id, "err", err)
		}
	}()
}

// importRun is one job's run of an import.
type importRun struct {
	e       *Engine
	by      *Actor
	doc     store.Doc
	id      string
	def     *definition
	conv    *converter
	mapping map[string]string // column -> field
	header  []string
	colOf   map[string]string // field -> column
	locale  string
	dryRun  bool
	mode    string
	key     string
	onDup   string
	// redo: this run may be repeating rows a run before it did without reaching a checkpoint.
	redo bool
	// rowIDs: how the rows' record ids are derived (rowIDsOrdered; "" for imports stored before it).
	rowIDs string
}

// handleImport runs an import from its checkpoint for one slice.
func (e *Engine) handleImport(ctx context.Context, j *jobs.Job[importArgs]) error {
	d, err := e.store.Get(ctx, collImports, j.Args.Import)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	if s, _ := d["status"].(string); s != importQueued && s != importRunning {
		return nil
	}
	r := &importRun{e: e, doc: d, id: j.Args.Import, header: stringsOf(d["header"]), mapping: map[string]string{}, colOf: map[string]string{}}
	r.locale, _ = d["locale"].(string)
	r.dryRun, _ = d["dry_run"].(bool)
	r.mode, _ = d["mode"].(string)
	r.key, _ = d["key"].(string)
	r.onDup, _ = d["on_duplicate"].(string)
	r.rowIDs, _ = d["row_ids"].(string)
	for c, f := range asMap(d["mapping"]) {
		r.mapping[c], _ = f.(string)
		r.colOf[r.mapping[c]] = c
	}
	user, _ := d["user"].(string)
	if r.by, err = e.activeUser(ctx, user); err != nil {
		if isNotFound(err) || isUnauthorized(err) {
			return r.fail(ctx, errorf(KindForbidden, "forbidden", "the importing user is no longer active"))
		}
		return err
	}
	if r.def, err = e.current(ctx, d["object"].(string)); err != nil {
		if isNotFound(err) {
			return r.fail(ctx, err)
		}
		return err
	}
	r.conv = e.newConverter(r.by, r.def)
	// A run that finds the import running follows one that stopped somewhere after its last
	// checkpoint.
	r.redo = d["status"] == importRunning
	if d["status"] == importQueued {
		d["status"], d["started_at"] = importRunning, e.stamp()
		if ok, err := r.save(ctx); err != nil || !ok {
			return err
		}
	}
	return r.run(ctx)
}

func isUnauthorized(err error) bool {
	ee, ok := AsError(err)
	return ok && ee.Kind == KindUnauthorized
}

func (r *importRun) run(ctx context.Context) error {
	from, _ := r.doc["next_row"].(int64)
	var sh sheet
	var path string
	var rowNo int64
	seenHeader := false
	if p := r.e.importSheets.take(r.id, from); p != nil {
		sh, path, rowNo, seenHeader = p.sh, p.path, p.row, true
	} else {
		var err error
		if path, err = r.e.loadImportFile(ctx, r.id); err != nil {
			if isNotFound(err) {
				return r.fail(ctx, err)
			}
			return err
		}
		format, _ := r.doc["format"].(string)
		if sh, err = openSheet(path, format, r.e.importLimits.MaxUnzip); err != nil {
			os.Remove(path)
			return r.fail(ctx, err)
		}
	}
	parked := false
	defer func() {
		if !parked {
			sh.Close()
			os.Remove(path)
		}
	}()
	start := time.Now()
	batch := make([]sheetRow, 0, r.e.importLimits.BatchRows)
	for {
		row, err := sh.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return r.fail(ctx, err)
		}
		rowNo++
		if blankRow(row) {
			continue
		}
		if !seenHeader {
			seenHeader = true
			continue
		}
		if rowNo <= from {
			continue
		}
		batch = append(batch, sheetRow{n: rowNo, cells: row})
		if len(batch) < cap(batch) {
			continue
		}
		if ok, err := r.batch(ctx, batch); err != nil || !ok {
			return err
		}
		batch = batch[:0]
		if time.Since(start) > r.e.importSlice() {
			r.e.importSheets.park(r.id, &parkedSheet{sh: sh, path: path, row: rowNo})
			parked = true
			return r.handOn(ctx)
		}
	}
	if ok, err := r.batch(ctx, batch); err != nil || !ok {
		return err
	}
	r.doc["status"], r.doc["finished_at"] = importDone, r.e.stamp()
	if ok, err := r.save(ctx); err != nil || !ok {
		return err
	}
	r.e.dropImportFile(ctx, r.id)
	object, _ := r.doc["object"].(string)
	r.e.audit(ctx, r.by, auditEntry{Action: "import_finished", Object: object,
		Reason: fmt.Sprintf("import %s: %d created, %d updated, %d skipped, %d failed", r.id, r.doc["created"], r.doc["updated"], r.doc["skipped"], r.doc["failed"])})
	return nil
}

type sheetRow struct {
	n     int64
	cells []string
}

// handOn stores the job that continues the import from its checkpoint, and starts it.
func (r *importRun) handOn(ctx context.Context) error {
	from, _ := r.doc["next_row"].(int64)
	id := importJobID(r.id, from)
	if _, err := r.e.insertJob(ctx, id, importArgs{Import: r.id}, r.e.now()); err != nil {
		return err
	}
	r.e.kickJob(id)
	return nil
}

// batch imports rows and stores the checkpoint after them. It answers false when the import is
// no longer this run's (cancelled, or another run moved it on).
func (r *importRun) batch(ctx context.Context, rows []sheetRow) (bool, error) {
	if len(rows) == 0 {
		return true, nil
	}
	halted := false
	if r.e.importHalt != nil {
		for i, row := range rows {
			if r.e.importHalt(row.n) {
				rows, halted = rows[:i], true
				break
			}
		}
	}
	results := r.rows(ctx, rows)
	counts := map[string]int64{}
	for i, res := range results {
		if res.err != nil {
			return false, res.err
		}
		counts[res.outcome]++
		if len(res.errs) > 0 {
			if err := r.report(ctx, rows[i], res.errs); err != nil {
				return false, err
			}
		}
		if r.dryRun {
			r.preview(rows[i], res.errs)
		}
	}
	if halted {
		return false, errImportHalted
	}
	for _, k := range []string{"created", "updated", "skipped", "failed"} {
		n, _ := r.doc[k].(int64)
		r.doc[k] = n + counts[k]
	}
	p, _ := r.doc["processed"].(int64)
	r.doc["processed"] = p + int64(len(rows))
	r.doc["next_row"] = rows[len(rows)-1].n
	ok, err := r.save(ctx)
	r.redo = false
	return ok, err
}

type rowResult struct {
	outcome string
	errs    []cellError
	err     error
}

// rows imports the rows of a batch on several workers, so that their writes share the store's
// group commit instead of waiting for an fsync each. Rows that could decide each other's outcome
// (laneTies) go to one worker, in sheet order, so that a later row sees what an earlier one wrote
// instead of both being checked before either is written.
func (r *importRun) rows(ctx context.Context, rows []sheetRow) []rowResult {
	out := make([]rowResult, len(rows))
	workers := r.e.importLimits.Workers
	if workers <= 1 || len(rows) < 2 {
		for i, row := range rows {
			out[i].outcome, out[i].errs, out[i].err = r.row(ctx, row)
		}
		return out
	}
	ties, err := r.laneTies(ctx)
	if err != nil {
		for i := range out {
			out[i].err = err
		}
		return out
	}
	var wg sync.WaitGroup
	for _, lane := range importLanes(rows, workers, ties) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range lane {
				out[i].outcome, out[i].errs, out[i].err = r.row(ctx, rows[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// laneTies is what ties a row to others of its file, so that they go to one lane.
type laneTies struct {
	keys  func(sheetRow) []string // rows with a key in common
	fuzzy []fuzzyTie              // rows whose names are alike
}

// fuzzyTie ties rows whose fuzzy keys of the condition's columns (its field, and the field it
// compares with) meet its threshold.
type fuzzyTie struct {
	cols      []int
	threshold float64
}

// laneTies finds what ties rows: the upsert key, and for each rule of the object that searches
// the object itself and can change a row's outcome (a block rule refuses; any rule skips or
// updates when on_duplicate says so) one condition a match needs: the first exact-like one (a
// match has an equal key), else the first fuzzy one (a match has a similar key). Keys are read
// from the cells as they are computed from stored values. A rule against another object, or a
// warn rule when duplicates are created anyway, ties nothing: no row waits on another for it.
func (r *importRun) laneTies(ctx context.Context) (laneTies, error) {
	set, err := r.e.duplicates(ctx)
	if err != nil {
		return laneTies{}, err
	}
	colOf := func(field string) int {
		for i, c := range r.header {
			if r.mapping[c] == field {
				return i
			}
		}
		return -1
	}
	keyCol := -1
	if r.mode == ImportUpsert {
		keyCol = colOf(r.key)
	}
	type exactTie struct {
		cols []int
		cond workflow.MatchCondition
	}
	colsOf := func(c workflow.MatchCondition) []int {
		if c.Other() == c.Field {
			return []int{colOf(c.Field)}
		}
		return []int{colOf(c.Field), colOf(c.Other())}
	}
	var exact []exactTie
	var ties laneTies
	object := r.def.obj.Name
	if rules := set.byObject[object]; rules != nil {
		for _, rule := range rules.Rules {
			decides := rule.Action == workflow.DuplicateBlock || (r.mode != ImportUpsert && r.onDup != OnDuplicateCreate)
			if rule.Disabled || !decides || rule.Target(object) != object || len(rule.Conditions) == 0 {
				continue
			}
			at := slices.IndexFunc(rule.Conditions, func(c workflow.MatchCondition) bool { return c.Match != workflow.MatchFuzzy })
			if at >= 0 {
				c := rule.Conditions[at]
				exact = append(exact, exactTie{cols: colsOf(c), cond: c})
				continue
			}
			c := rule.Conditions[0]
			ties.fuzzy = append(ties.fuzzy, fuzzyTie{cols: colsOf(c), threshold: c.Similarity()})
		}
	}
	ties.keys = func(row sheetRow) []string {
		var ks []string
		if s := cellAt(row, keyCol); s != "" {
			ks = append(ks, "\x00"+strings.ToLower(s))
		}
		for _, t := range exact {
			for _, col := range t.cols {
				if k, ok := workflow.Key(t.cond.Match, cellAt(row, col), t.cond.PhoneRegion()); ok {
					ks = append(ks, workflow.KeyField(t.cond.Other(), t.cond.Match)+"\x00"+k)
				}
			}
		}
		return ks
	}
	return ties, nil
}

// cellAt is a row's trimmed cell in column i ("" outside the row).
func cellAt(row sheetRow, i int) string {
	if i < 0 || i >= len(row.cells) {
		return ""
	}
	return strings.TrimSpace(row.cells[i])
}

// importLanes deals the rows of a batch (by index) to at most n lanes: rows that are tied, also
// through other rows, land in one lane, in sheet order; groups are dealt in turn.
func importLanes(rows []sheetRow, n int, ties laneTies) [][]int {
	parent := make([]int, len(rows))
	for i := range parent {
		parent[i] = i
	}
	var root func(int) int
	root = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(i, j int) {
		a, b := root(i), root(j)
		parent[max(a, b)] = min(a, b)
	}
	first := map[string]int{}
	for i, row := range rows {
		for _, k := range ties.keys(row) {
			if j, ok := first[k]; ok {
				union(i, j)
			} else {
				first[k] = i
			}
		}
	}
	// Alike names are found pair by pair: a batch is a few hundred rows, and a shared prefix ties
	// nothing (a file of companies of one city all start alike).
	type fuzzyKey struct {
		row, runes int
		key        string
	}
	for _, t := range ties.fuzzy {
		var keys []fuzzyKey
		for i, row := range rows {
			for _, col := range t.cols {
				if k, ok := workflow.Key(workflow.MatchFuzzy, cellAt(row, col), ""); ok {
					keys = append(keys, fuzzyKey{row: i, runes: utf8.RuneCountInString(k), key: k})
				}
			}
		}
		for x, a := range keys {
			for _, b := range keys[x+1:] {
				if root(a.row) == root(b.row) {
					continue
				}
				// The lengths alone bound the likeness: the edit distance is at least their difference.
				if longer := max(a.runes, b.runes); 1-float64(longer-min(a.runes, b.runes))/float64(longer) < t.threshold {
					continue
				}
				if workflow.Similarity(a.key, b.key) >= t.threshold {
					union(a.row, b.row)
				}
			}
		}
	}
	lanes := make([][]int, n)
	laneOf := map[int]int{}
	next := 0
	for i := range rows {
		g := root(i)
		l, ok := laneOf[g]
		if !ok {
			l = next % n
			laneOf[g] = l
			next++
		}
		lanes[l] = append(lanes[l], i)
	}
	return lanes
}

// errImportHalted stops a run in tests, as a killed process would: nothing after it happens.
var errImportHalted = errors.New("import halted")

// save stores the import document by compare-and-set; false when it changed meanwhile (a cancel,
// or another run that took the job over), which ends this run.
func (r *importRun) save(ctx context.Context) (bool, error) {
	v, _ := r.doc["version"].(int64)
	err := r.e.store.Replace(ctx, collImports, r.doc, v)
	if errors.Is(err, store.ErrVersionConflict) || errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, storeErr(err)
	}
	r.doc["version"] = v + 1
	return true, nil
}

// fail ends the import with the reason; a failure of the file or the definition no retry mends.
func (r *importRun) fail(ctx context.Context, cause error) error {
	ee, ok := AsError(cause)
	if !ok {
		ee = &Error{Code: "internal_error", Message: cause.Error()}
	}
	r.doc["status"], r.doc["finished_at"] = importFailed, r.e.stamp()
	r.doc["error_code"], r.doc["error_message"] = ee.Code, ee.Message
	_, err := r.save(ctx)
	r.e.dropImportFile(ctx, r.id)
	return err
}

// row imports one row; the outcome is created, updated, skipped or failed. An error is the
// store's: the job retries from the checkpoint.
func (r *importRun) row(ctx context.Context, row sheetRow) (string, []cellError, error) {
	input := map[string]any{}
	var errs []cellError
	for i, col := range r.header {
		f := r.mapping[col]
		if f == "" || i >= len(row.cells) {
			continue
		}
		s := strings.TrimSpace(row.cells[i])
		if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
			s = s[1:] // defused by an export (CSV injection): the value is what follows
		}
		if s == "" {
			continue // an empty cell sends nothing: defaults apply, an update keeps the value
		}
		var v any = s
		if fd := r.def.obj.Field(f); fd != nil {
			val, code, err := r.conv.value(ctx, fd, s)
			if err != nil {
				return "", nil, err
			}
			if code != "" {
				errs = append(errs, r.cellErr(col, f, code))
				continue
			}
			v = val
		} else if f == "owner" {
			a, err := r.conv.user(ctx, s)
			if err != nil {
				return "", nil, err
			}
			if a.code != "" {
				errs = append(errs, r.cellErr(col, f, a.code))
				continue
			}
			v = a.id
		}
		input[f] = v
	}
	if len(errs) > 0 {
		return "failed", errs, nil
	}
	target, code, err := r.match(ctx, row, input)
	if err != nil {
		return "", nil, err
	}
	if code != "" {
		return "failed", []cellError{r.cellErr(r.colOf[r.key], r.key, code)}, nil
	}
	delete(input, "id")
	switch {
	case target == skipRow:
		return "skipped", nil, nil
	case target != "" && r.onDup == OnDuplicateSkip:
		return "skipped", nil, nil
	case target != "":
		return r.update(ctx, target, input)
	}
	return r.create(ctx, row, input)
}

func (r *importRun) cellErr(col, field, code string) cellError {
	return cellError{Column: col, Field: field, Code: code, Message: forms.Label{"en": cellMessage(code, "en"), "zh-CN": cellMessage(code, "zh-CN")}}
}

// rowID is the id of the record a row creates: derived from the import and the row, so that a
// row redone after a crash finds its record instead of making a second.
func (r *importRun) rowID(row sheetRow) string {
	if r.rowIDs == rowIDsOrdered {
		return orderedRowID(r.id, row.n)
	}
	return derivedID(fmt.Sprintf("import:%s:%d", r.id, row.n))
}

// rowIDsOrdered names the derivation of orderedRowID, stored with each import: an import stored
// before it (without the name) keeps hashed ids, so that rows a restart redoes find their records.
const rowIDsOrdered = "ordered"

// orderedRowID is the record id of an import's sheet row n: the import id's time (its first 10
// characters, as newID writes them), then n, then a hash of both. Ids of one import ascend with
// its rows, so its inserts land side by side in the id index, as ids newID gives do, instead of
// all over it: hashed ids made every row of a commit dirty pages of its own.
func orderedRowID(importID string, n int64) string {
	out := []byte(importID[:min(10, len(importID))])
	for len(out) < 10 {
		out = append(out, '0')
	}
	for shift := 35; shift >= 0; shift -= 5 { // 8 characters: 40 bits of row number
		out = append(out, idAlphabet[(n>>shift)&31])
	}
	return string(out) + derivedID(fmt.Sprintf("import:%s:%d", importID, n))[:8]
}

// match finds the existing record a row stands for: by the key of an upsert, by the object's
// duplicate rules for a create whose on_duplicate is skip or update.
func (r *importRun) match(ctx context.Context, row sheetRow, input map[string]any) (string, string, error) {
	if r.redo {
		// The record this row created before a crash is the row's own, not a match.
		if _, err := r.e.store.Get(ctx, recordsColl(r.def.obj.Name), r.rowID(row)); err == nil {
			return "", "", nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", "", storeErr(err)
		}
	}
	if r.mode != ImportUpsert {
		return r.duplicateOf(ctx, input)
	}
	v, ok := input[r.key]
	if !ok {
		return "", "key_missing", nil
	}
	object := r.def.obj.Name
	if r.key == "id" {
		id, _ := v.(string)
		_, err := r.e.GetRecord(ctx, r.by, object, id)
		if isNotFound(err) || isForbidden(err) {
			return "", "", nil
		}
		return id, "", err
	}
	lit := fmt.Sprint(v)
	p, err := r.e.ListRecords(ctx, r.by, object, ListParams{Filter: r.key + " = " + quoteFilter(lit), Limit: 2})
	if err != nil {
		if ee, ok := AsError(err); ok && ee.Kind == KindInvalid {
			return "", "", nil // a key the filter cannot even read matches nothing; the write will say why
		}
		return "", "", err
	}
	switch len(p.Items) {
	case 0:
		return "", "", nil
	case 1:
		id, _ := p.Items[0]["id"].(string)
		return id, "", nil
	}
	return "", "key_ambiguous", nil
}

// duplicateOf is the record a row of a create duplicates: for skip any match (also one the
// importer may not see, or of another object) skips the row; for update the row goes into the
// one record of the object it matches, and matching several is the row's error.
func (r *importRun) duplicateOf(ctx context.Context, input map[string]any) (string, string, error) {
	if r.onDup == OnDuplicateCreate {
		return "", "", nil
	}
	d, err := r.e.CheckDuplicates(ctx, r.by, r.def.obj.Name, "", input, r.locale)
	if err != nil {
		return "", "", err
	}
	if r.onDup == OnDuplicateSkip {
		if d.Any() {
			return skipRow, "", nil
		}
		return "", "", nil
	}
	var ids []string
	for _, m := range d.Matches {
		if m.Object == r.def.obj.Name && !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	switch len(ids) {
	case 0:
		return "", "", nil
	case 1:
		return ids[0], "", nil
	}
	return "", "duplicate_ambiguous", nil
}

// skipRow is the match of a row skipped for its duplicates (no record id looks so).
const skipRow = "-"

func (r *importRun) create(ctx context.Context, row sheetRow, input map[string]any) (string, []cellError, error) {
	object := r.def.obj.Name
	id := r.rowID(row)
	if r.dryRun {
		st, err := r.e.EvaluateForm(ctx, r.by, object, "", input, r.locale)
		return r.judgeDry(ctx, "", input, st, err, "created")
	}
	if r.redo {
		if _, err := r.e.store.Get(ctx, recordsColl(object), id); err == nil {
			return "created", nil, nil // created before the crash
		}
	}
	_, err := r.e.createRecord(ctx, r.by, object, input, r.locale, id, "")
	if ee, ok := AsError(err); ok && ee.Code == "record_exists" {
		return "created", nil, nil
	}
	return r.judge(ctx, "", input, err, "created")
}

func (r *importRun) update(ctx context.Context, id string, input map[string]any) (string, []cellError, error) {
	object := r.def.obj.Name
	if r.dryRun {
		st, err := r.e.EvaluateForm(ctx, r.by, object, id, input, r.locale)
		return r.judgeDry(ctx, id, input, st, err, "updated")
	}
	cur, err := r.e.GetRecord(ctx, r.by, object, id)
	if err != nil {
		return r.judge(ctx, id, input, err, "updated")
	}
	if unchanged(cur, input) {
		// Nothing to write: a row whose values are there already (also the redo of a row
		// updated before a crash) makes no new version and no audit entry.
		return "updated", nil, nil
	}
	_, err = r.e.UpdateRecord(ctx, r.by, object, id, input, 0, r.locale)
	return r.judge(ctx, id, input, err, "updated")
}

// unchanged reports whether every value of input is the record's already, compared as values
// (numbers by amount, instants by time, text ignoring case as unique emails do).
func unchanged(cur Record, input map[string]any) bool {
	for k, v := range input {
		if !sameValue(cur[k], v) {
			return false
		}
	}
	return true
}

func sameValue(have, want any) bool {
	if l, ok := want.([]any); ok {
		h, _ := have.([]any)
		return reflect.DeepEqual(h, l)
	}
	a, b := fmt.Sprint(have), fmt.Sprint(want)
	if a == b || strings.EqualFold(a, b) {
		return true
	}
	if x, ok := new(big.Rat).SetString(a); ok {
		if y, ok := new(big.Rat).SetString(b); ok {
			return x.Cmp(y) == 0
		}
	}
	if x, err := time.Parse(time.RFC3339Nano, a); err == nil {
		if y, err := time.Parse(time.RFC3339Nano, b); err == nil {
			return x.Equal(y)
		}
	}
	return false
}

// judge turns a write's refusal into the row's errors, in both catalog languages. An error that
// is not a refusal (the database away) is the job's.
func (r *importRun) judge(ctx context.Context, id string, input map[string]any, err error, outcome string) (string, []cellError, error) {
	if err == nil {
		return outcome, nil, nil
	}
	ee, ok := AsError(err)
	if !ok || ee.Kind == KindUnavailable {
		return "", nil, err
	}
	if len(ee.Fields) == 0 {
		msg := forms.Label{}
		for _, l := range catalogLanguages {
			msg[l] = ee.Localized(l).Message
		}
		return "failed", []cellError{{Code: ee.Code, Message: msg}}, nil
	}
	// The messages came in the importer's language; the other's come from the same checks
	// asked again (a validation message may be an analyst's text in both).
	other := map[string]string{}
	for _, l := range catalogLanguages {
		if l == r.locale || (r.locale != "zh-CN" && l == "en") {
			continue
		}
		st, err := r.e.EvaluateForm(ctx, r.by, r.def.obj.Name, id, input, l)
		if err == nil {
			for _, fe := range st.Errors {
				other[fe.Field+"\x00"+fe.Code] = fe.Message
			}
		}
		for _, fe := range ee.Fields {
			if fe.Code == "unique" {
				other[fe.Field+"\x00"+fe.Code] = messages["unique"].In(l)
			}
		}
	}
	var out []cellError
	for _, fe := range ee.Fields {
		msg := forms.Label{}
		for _, l := range catalogLanguages {
			msg[l] = fe.Message
		}
		if m := other[fe.Field+"\x00"+fe.Code]; m != "" {
			if r.locale == "zh-CN" {
				msg["en"] = m
			} else {
				msg["zh-CN"] = m
			}
		}
		out = append(out, cellError{Column: r.colOf[fe.Field], Field: fe.Field, Code: fe.Code, Message: msg})
	}
	return "failed", out, nil
}

// judgeDry is judge for a dry run, which has the evaluation's errors instead of a refusal.
func (r *importRun) judgeDry(ctx context.Context, id string, input map[string]any, st FormState, err error, outcome string) (string, []cellError, error) {
	if err != nil {
		return r.judge(ctx, id, input, err, outcome)
	}
	if len(st.Errors) == 0 {
		return outcome, nil, nil
	}
	return r.judge(ctx, id, input, validationFailed(st.Errors, r.locale), outcome)
}

// report stores what was wrong with a row, keyed by the row: a redone row rewrites nothing.
func (r *importRun) report(ctx context.Context, row sheetRow, errs []cellError) error {
	list := make([]any, 0, len(errs))
	for _, ce := range errs {
		m := map[string]any{"code": ce.Code, "message": map[string]any{}}
		for k, v := range ce.Message {
			m["message"].(map[string]any)[k] = v
		}
		if ce.Column != "" {
			m["column"] = ce.Column
		}
		if ce.Field != "" {
			m["field"] = ce.Field
		}
		list = append(list, m)
	}
	doc := store.Doc{"id": fmt.Sprintf("%s:%010d", r.id, row.n), "import": r.id, "row": row.n, "cells": anyStrings(row.cells), "errors": list}
	err := r.e.store.Insert(ctx, collImportErrors, doc)
	if errors.Is(err, store.ErrDuplicateID) {
		return nil
	}
	return storeErr(err)
}

// previewRows is how many rows a dry run shows as the pipeline sees them.
const previewRows = 10

func (r *importRun) preview(row sheetRow, errs []cellError) {
	l, _ := r.doc["preview"].([]any)
	if len(l) >= previewRows {
		return
	}
	cells := map[string]any{}
	for i, c := range r.header {
		if i < len(row.cells) {
			cells[c] = row.cells[i]
		}
	}
	p := map[string]any{"row": row.n, "cells": cells}
	if len(errs) > 0 {
		list := make([]any, 0, len(errs))
		for _, ce := range errs {
			list = append(list, map[string]any{"column": ce.Column, "field": ce.Field, "code": ce.Code, "message": ce.Message.In(r.locale)})
		}
		p["errors"] = list
	}
	r.doc["preview"] = append(l, p)
}
