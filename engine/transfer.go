package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// ExportFormat is the version of the export file layout.
const ExportFormat = 1

// exportLine is one line of an export: a header, a document of a collection, or a counter.
type exportLine struct {
	Kind       string         `json:"kind"` // header, doc, sequence
	Format     int            `json:"format,omitempty"`
	ExportedAt string         `json:"exported_at,omitempty"`
	Coll       string         `json:"coll,omitempty"`
	Doc        map[string]any `json:"doc,omitempty"`
	Name       string         `json:"name,omitempty"`
	Value      int64          `json:"value,omitempty"`
}

// Export writes the whole database as JSON lines: definitions, history, users, every record and
// every counter. It reads page by page, so memory does not grow with the data.
func (e *Engine) Export(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(exportLine{Kind: "header", Format: ExportFormat, ExportedAt: e.stamp()}); err != nil {
		return err
	}
	objs, err := e.ListObjects(ctx, SystemActor)
	if err != nil {
		return err
	}
	for _, coll := range exportedSystemColls() {
		if err := e.eachDoc(ctx, coll, func(d store.Doc) error {
			return enc.Encode(exportLine{Kind: "doc", Coll: coll, Doc: d})
		}); err != nil {
			return err
		}
	}
	// Records go out in wire form (money as decimals), which import validates back.
	for _, o := range objs {
		def, err := e.current(ctx, o.Name)
		if err != nil {
			return err
		}
		coll := recordsColl(o.Name)
		if err := e.eachDoc(ctx, coll, func(d store.Doc) error {
			w := wire(def, d)
			if st, ok := d[slaStateKey]; ok {
				w[slaStateKey] = st // the SLA clocks travel with their record
			}
			// and so do the stage history, the pool a record was claimed from and the keys of
			// the effects applied to it (a pending timer runs once on the new server too)
			for _, k := range []string{stageLogKey, poolKey, effectsKey} {
				if v, ok := d[k]; ok {
					w[k] = v
				}
			}
			return enc.Encode(exportLine{Kind: "doc", Coll: coll, Doc: w})
		}); err != nil {
			return err
		}
	}
	seqs, err := e.store.Sequences(ctx)
	if err != nil {
		return storeErr(err)
	}
	names := make([]string, 0, len(seqs))
	for n := range seqs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := enc.Encode(exportLine{Kind: "sequence", Name: n, Value: seqs[n]}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// eachDoc visits every document of a collection in id order, a page at a time.
func (e *Engine) eachDoc(ctx context.Context, coll string, f func(store.Doc) error) error {
	byID := []store.SortKey{{Field: "id"}}
	var after store.Filter
	for {
		docs, err := e.store.Find(ctx, coll, store.Query{Filter: after, Sort: byID, Limit: 500})
		if err != nil {
			return storeErr(err)
		}
		for _, d := range docs {
			if err := f(d); err != nil {
				return err
			}
		}
		if len(docs) < 500 {
			return nil
		}
		after = store.After(byID, []any{docs[len(docs)-1]["id"]})
	}
}

// ImportSummary says what an import wrote.
type ImportSummary struct {
	Objects   int            `json:"objects"`
	Records   map[string]int `json:"records"`
	Users     int            `json:"users"`
	Sequences int            `json:"sequences"`
}

// Import loads an export into an empty database. The whole file is read and checked first (its
// format, every definition, every record against its definition, every user); only then is
// anything written, so a bad file changes nothing.
func (e *Engine) Import(ctx context.Context, r io.Reader) (*ImportSummary, error) {
	if n, err := e.store.Count(ctx, collObjects, nil); err != nil || n > 0 {
		if err != nil {
			return nil, storeErr(err)
		}
		return nil, errorf(KindConflict, "not_empty", "the target database already has %d object definitions; import needs an empty one", n)
	}
	if n, err := e.CountUsers(ctx); err != nil || n > 0 {
		if err != nil {
			return nil, err
		}
		return nil, errorf(KindConflict, "not_empty", "the target database already has users; import needs an empty one")
	}
	plan, err := readExport(r)
	if err != nil {
		return nil, err
	}
	sum := &ImportSummary{Records: map[string]int{}, Objects: len(plan.defs), Users: len(plan.docs[collUsers]), Sequences: len(plan.seqs)}
	for _, coll := range plan.order {
		if err := e.store.EnsureCollection(ctx, coll, plan.indexes[coll]); err != nil {
			return nil, storeErr(err)
		}
	}
	for _, coll := range plan.order {
		if coll == collRoles && len(plan.docs[coll]) > 0 {
			// The target holds only the seeded built-in roles; the export's versions replace them.
			seeded, err := e.store.Find(ctx, collRoles, store.Query{})
			if err != nil {
				return nil, storeErr(err)
			}
			for _, d := range seeded {
				if err := e.store.Delete(ctx, collRoles, d["id"].(string), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
					return nil, storeErr(err)
				}
			}
		}
		for _, d := range plan.docs[coll] {
			if err := e.store.Insert(ctx, coll, d); err != nil {
				return nil, fmt.Errorf("writing %s/%v: %w", coll, d["id"], storeErr(err))
			}
		}
		if name, ok := strings.CutPrefix(coll, "obj_"); ok {
			sum.Records[name] = len(plan.docs[coll])
		}
	}
	for name, v := range plan.seqs {
		if err := e.store.SetSequence(ctx, name, v); err != nil {
			return nil, storeErr(err)
		}
	}
	// An export carries no layout version: data from an older server is brought up to date here.
	if err := e.rerunMigrations(ctx); err != nil {
		return nil, err
	}
	e.changedDirectory(ctx)
	return sum, nil
}

type importPlan struct {
	order   []string
	docs    map[string][]store.Doc
	indexes map[string][]store.Index
	defs    map[string]*forms.Object
	seqs    map[string]int64
}

// readExport parses and checks a whole export without writing anything.
func readExport(r io.Reader) (*importPlan, error) {
	bad := func(line int, format string, args ...any) error {
		return errorf(KindInvalid, "invalid_export", "line %d: %s", line, fmt.Sprintf(format, args...))
	}
	p := &importPlan{docs: map[string][]store.Doc{}, indexes: map[string][]store.Index{}, defs: map[string]*forms.Object{}, seqs: map[string]int64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var raw = map[string][]map[string]any{}
	n := 0
	for sc.Scan() {
		n++
		var l exportLine
		if err := decodeJSON(sc.Bytes(), &l); err != nil {
			return nil, bad(n, "not JSON: %v", err)
		}
		switch {
		case n == 1:
			if l.Kind != "header" || l.Format != ExportFormat {
				return nil, bad(n, "not a crm export of format %d", ExportFormat)
			}
		case l.Kind == "doc":
			if l.Doc == nil || l.Doc["id"] == nil {
				return nil, bad(n, "document without id")
			}
			if err := checkKeys(l.Doc); err != nil {
				return nil, bad(n, "%v", err)
			}
			raw[l.Coll] = append(raw[l.Coll], l.Doc)
		case l.Kind == "sequence":
			if l.Name == "" || l.Value < 0 {
				return nil, bad(n, "bad sequence")
			}
			p.seqs[l.Name] = l.Value
		default:
			return nil, bad(n, "unknown line kind %q", l.Kind)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, errorf(KindInvalid, "invalid_export", "reading the export: %v", err)
	}
	if n == 0 {
		return nil, errorf(KindInvalid, "invalid_export", "the export is empty")
	}
	// Definitions first: every record collection must belong to one.
	for _, d := range raw[collObjects] {
		def, err := objectFromDoc(toStoreKinds(d).(map[string]any))
		if err != nil {
			return nil, errorf(KindInvalid, "invalid_export", "definition %v: %v", d["id"], err)
		}
		p.defs[def.Name] = def.Object
	}
	for name, obj := range p.defs {
		if probs := obj.Check(func(n string) bool { _, ok := p.defs[n]; return ok }); len(probs) > 0 {
			return nil, &Error{Kind: KindValidation, Code: "invalid_export", Message: "definition " + name + " is not valid", Problems: probs}
		}
	}
	for _, coll := range exportedSystemColls() {
		p.order = append(p.order, coll)
		for _, d := range raw[coll] {
			p.docs[coll] = append(p.docs[coll], toStoreKinds(d).(map[string]any))
		}
		delete(raw, coll)
	}
	for _, coll := range exportedSystemColls() {
		p.indexes[coll] = systemIndexes()[coll]
	}
	names := make([]string, 0, len(p.defs))
	for name := range p.defs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		coll := recordsColl(name)
		c, err := forms.Compile(p.defs[name])
		if err != nil {
			return nil, err
		}
		for _, d := range raw[coll] {
			doc, err := importRecord(p.defs[name], c, d)
			if err != nil {
				return nil, errorf(KindValidation, "invalid_export", "%s record %v: %v", name, d["id"], err)
			}
			p.docs[coll] = append(p.docs[coll], doc)
		}
		delete(raw, coll)
		p.order = append(p.order, coll)
		p.indexes[coll] = indexesOf(p.defs[name])
	}
	for coll := range raw {
		return nil, errorf(KindInvalid, "invalid_export", "collection %q belongs to no definition in the export", coll)
	}
	return p, nil
}

// importRecord validates an exported record (wire form) against its definition and rebuilds its
// stored form, keeping the system fields, with the search keys its definition asks for (the
// start would otherwise add them by rewriting every record, a new version each).
func importRecord(obj *forms.Object, c *forms.Compiled, d map[string]any) (store.Doc, error) {
	values := map[string]any{}
	engineKept := append([]string{slaStateKey, stageLogKey, poolKey, effectsKey}, slaFields...)
	for k, v := range d {
		if !isSystemField(k) && !slices.Contains(engineKept, k) {
			values[k] = v
		}
	}
	stored, errs := c.Validate(values, "en")
	if len(errs) > 0 {
		return nil, errors.New(errs[0].Field + ": " + errs[0].Message)
	}
	for _, k := range append(systemFields, engineKept...) {
		if v, ok := d[k]; ok {
			stored[k] = toStoreKinds(v)
		}
	}
	setDuplicateKeys(workflow.SearchSpecs(obj), stored)
	return stored, nil
}
