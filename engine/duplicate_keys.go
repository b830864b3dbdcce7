package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Duplicate rules find candidates through normalized keys kept in each record ("dupkey_em_email":
// the email as the email match reads it), one indexed field per field and match kind that some
// rule reads, so that a check is an index read whatever the number of records. The keys are
// computed on every write from the stored values and never shown: wire() outputs defined fields.
//
// When rules change, the records of the objects whose keys changed are rewritten with the new
// keys (syncDuplicateKeys), and at every start for what a crash or an import left behind: a
// marker in the settings remembers which keys an object's records carry.

// recordIndexes are a record collection's indexes: those its definition asks for and one per
// duplicate key its records carry.
func (e *Engine) recordIndexes(ctx context.Context, obj *forms.Object) ([]store.Index, error) {
	idx := indexesOf(obj)
	set, err := e.duplicates(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range recordKeySpecs(set, obj) {
		idx = append(idx, store.Index{Field: k.Name()})
	}
	return idx, nil
}

// recordKeySpecs are the keys an object's records carry: its duplicate rules' and the global
// search's (workflow/search.go), by name. Every write asks, so the answer is kept with the rules
// for the definition it was found for (a new definition is a new *forms.Object).
func recordKeySpecs(set *duplicateSet, obj *forms.Object) []workflow.KeySpec {
	if k, ok := set.specs.Load(obj.Name); ok && k.(objectKeys).obj == obj {
		return k.(objectKeys).specs
	}
	specs := findKeySpecs(set, obj)
	set.specs.Store(obj.Name, objectKeys{obj: obj, specs: specs})
	return specs
}

func findKeySpecs(set *duplicateSet, obj *forms.Object) []workflow.KeySpec {
	specs := slices.Clone(set.keys[obj.Name])
	for _, s := range workflow.SearchSpecs(obj) {
		if !slices.ContainsFunc(specs, func(h workflow.KeySpec) bool { return h.Name() == s.Name() }) {
			specs = append(specs, s)
		}
	}
	slices.SortFunc(specs, func(a, b workflow.KeySpec) int { return strings.Compare(a.Name(), b.Name()) })
	return specs
}

// setDuplicateKeys puts in stored the keys its object's records carry (recordKeySpecs), computed
// from its values, and drops keys nothing reads any more.
func setDuplicateKeys(specs []workflow.KeySpec, stored store.Doc) {
	for k := range stored {
		if strings.HasPrefix(k, workflow.KeyPrefix) {
			delete(stored, k)
		}
	}
	for _, spec := range specs {
		if key, ok := workflow.Key(spec.Match, stored[spec.Field], spec.Region); ok {
			stored[spec.Name()] = key
		}
	}
}

// keySignature names the keys an object's records carry, to compare with the marker.
func keySignature(specs []workflow.KeySpec) string {
	parts := make([]string, len(specs))
	for i, s := range specs {
		parts[i] = s.Name() + "/" + s.Region
	}
	return strings.Join(parts, ",")
}

func keyMarker(object string) string { return "duplicate_keys." + object }

// syncDuplicateKeys brings every object's records to the keys the current rules ask for: the
// indexes first, then the records in pages of ids, then the marker. A record written meanwhile
// already carries the new keys (the writer read the new rules), so a version conflict skips it.
// Rewriting bumps a record's version, like any change of its stored form.
func (e *Engine) syncDuplicateKeys(ctx context.Context) error {
	set, err := e.duplicates(ctx)
	if err != nil {
		return err
	}
	objs, err := e.ListObjects(ctx, SystemActor)
	if err != nil {
		return err
	}
	for _, o := range objs {
		specs := recordKeySpecs(set, o.Object)
		sig := keySignature(specs)
		marker, err := e.store.Get(ctx, collSettings, keyMarker(o.Name))
		switch {
		case errors.Is(err, store.ErrNotFound):
			if sig == "" {
				continue // never had keys
			}
		case err != nil:
			return storeErr(err)
		default:
			if have, _ := marker["keys"].(string); have == sig {
				continue
			}
		}
		idx, err := e.recordIndexes(ctx, o.Object)
		if err != nil {
			return err
		}
		if err := e.store.EnsureCollection(ctx, recordsColl(o.Name), idx); err != nil {
			return storeErr(err)
		}
		if err := e.rekeyRecords(ctx, specs, o.Name); err != nil {
			return err
		}
		doc := store.Doc{"id": keyMarker(o.Name), "keys": sig}
		if marker == nil {
			err = e.store.Insert(ctx, collSettings, doc)
		} else {
			v, _ := marker["version"].(int64)
			err = e.store.Replace(ctx, collSettings, doc, v)
		}
		if err != nil && !errors.Is(err, store.ErrDuplicateID) && !errors.Is(err, store.ErrVersionConflict) {
			return storeErr(err) // another process marking the same keys is no failure
		}
		e.log.Info("duplicate and search keys of records brought up to date", "object", o.Name, "keys", sig)
	}
	return nil
}

// rekeyRecords rewrites the records of object whose keys differ from what set asks for.
func (e *Engine) rekeyRecords(ctx context.Context, specs []workflow.KeySpec, object string) error {
	coll := recordsColl(object)
	last := ""
	for {
		var f store.Filter
		if last != "" {
			f = store.Compare{Field: "id", Op: store.Gt, Value: last}
		}
		docs, err := e.store.Find(ctx, coll, store.Query{Filter: f, Sort: []store.SortKey{{Field: "id"}}, Limit: 500})
		if err != nil {
			return storeErr(err)
		}
		var ops []store.WriteOp
		for _, d := range docs {
			last, _ = d["id"].(string)
			before := keysOf(d)
			setDuplicateKeys(specs, d)
			if before == keysOf(d) {
				continue
			}
			v, _ := d["version"].(int64)
			delete(d, "version")
			ops = append(ops, store.WriteOp{Kind: store.OpReplace, Coll: coll, Doc: d, Expect: v})
		}
		if err := e.rewriteKeyed(ctx, ops); err != nil {
			return err
		}
		if len(docs) < 500 {
			return nil
		}
	}
}

// rewriteKeyed stores a page of rekeyed records in one batch: one commit for the page, where a
// write each made saving a rule on 20,000 records take 8 s. A record written meanwhile already
// carries the new keys, so when the batch meets one (a version conflict, or a record deleted),
// the page is written one by one and those are skipped; on a backend whose batches are not
// atomic the part written first then conflicts too, and is skipped as done.
func (e *Engine) rewriteKeyed(ctx context.Context, ops []store.WriteOp) error {
	if len(ops) == 0 {
		return nil
	}
	err := e.store.Batch(ctx, ops)
	var oe *store.OpError
	if err == nil || !errors.As(err, &oe) || !changedMeanwhile(oe.Err) {
		return storeErr(err)
	}
	for _, op := range ops {
		if err := e.store.Replace(ctx, op.Coll, op.Doc, op.Expect); err != nil && !changedMeanwhile(err) {
			return storeErr(err)
		}
	}
	return nil
}

// changedMeanwhile: a rekey write found its record changed or gone since it was read.
func changedMeanwhile(err error) bool {
	return errors.Is(err, store.ErrVersionConflict) || errors.Is(err, store.ErrNotFound)
}

// keysOf is a document's duplicate keys as one comparable string.
func keysOf(d store.Doc) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(d)) {
		if strings.HasPrefix(k, workflow.KeyPrefix) {
			fmt.Fprintf(&b, "%s=%v\x00", k, d[k])
		}
	}
	return b.String()
}
