// Package storetest is the conformance suite of the storage seam: every backend of store.Store
// runs Run and passes all of it, so the engine sees one behaviour whatever the database.
//
// Sub-tests run one after another (never in parallel) because backends may have a single writer,
// and each gets a fresh, empty store from the opener so results do not depend on order.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"crm/engine/store"
)

// opener returns a fresh, empty store for one sub-test.
type opener = func(t *testing.T) store.Store

// Run runs the whole conformance suite. open returns a fresh, empty store for one sub-test
// (it registers its own cleanup with t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("crud", func(t *testing.T) { runCRUD(t, open) })
	t.Run("indexes", func(t *testing.T) { runIndexes(t, open) })
	t.Run("collections", func(t *testing.T) { runCollections(t, open) })
	t.Run("filters", func(t *testing.T) { runFilters(t, open) })
	t.Run("sort", func(t *testing.T) { runSort(t, open) })
	t.Run("pagination", func(t *testing.T) { runPagination(t, open) })
	t.Run("count", func(t *testing.T) { runCount(t, open) })
	t.Run("aggregate", func(t *testing.T) { runAggregate(t, open) })
	t.Run("sequence", func(t *testing.T) { runSequence(t, open) })
	t.Run("concurrency", func(t *testing.T) { runConcurrency(t, open) })
	t.Run("batch", func(t *testing.T) { runBatch(t, open) })
	t.Run("context", func(t *testing.T) { runContext(t, open) })
}

// ctxOf is the context every call of a sub-test uses.
func ctxOf(t *testing.T) context.Context { return t.Context() }

// mustInsert inserts docs and fails the test on the first error.
func mustInsert(t *testing.T, s store.Store, coll string, docs ...store.Doc) {
	t.Helper()
	for _, d := range docs {
		if err := s.Insert(ctxOf(t), coll, d); err != nil {
			t.Fatalf("Insert %v into %s: %v", d["id"], coll, err)
		}
	}
}

// mustEnsure calls EnsureCollection and fails the test on error.
func mustEnsure(t *testing.T, s store.Store, coll string, idx ...store.Index) {
	t.Helper()
	if err := s.EnsureCollection(ctxOf(t), coll, idx); err != nil {
		t.Fatalf("EnsureCollection(%s, %v): %v", coll, idx, err)
	}
}

// mustGet returns the document or fails the test.
func mustGet(t *testing.T, s store.Store, coll, id string) store.Doc {
	t.Helper()
	d, err := s.Get(ctxOf(t), coll, id)
	if err != nil {
		t.Fatalf("Get(%s, %s): %v", coll, id, err)
	}
	return d
}

// mustFind runs Find and fails the test on error.
func mustFind(t *testing.T, s store.Store, coll string, q store.Query) []store.Doc {
	t.Helper()
	docs, err := s.Find(ctxOf(t), coll, q)
	if err != nil {
		t.Fatalf("Find(%s, %s): %v", coll, describe(q), err)
	}
	return docs
}

// expectMissing asserts that Get answers ErrNotFound.
func expectMissing(t *testing.T, s store.Store, coll, id string) {
	t.Helper()
	_, err := s.Get(ctxOf(t), coll, id)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(%s, %s): got error %v, want ErrNotFound", coll, id, err)
	}
}

// expectDoc asserts that the stored document equals want (which holds id and version).
func expectDoc(t *testing.T, s store.Store, coll string, want store.Doc) {
	t.Helper()
	got := mustGet(t, s, coll, want["id"].(string))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get(%s, %s):\n got  %s\n want %s", coll, want["id"], show(got), show(want))
	}
}

// idsOf lists the ids of docs in order.
func idsOf(docs []store.Doc) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		id, _ := d["id"].(string)
		out = append(out, id)
	}
	return out
}

// expectIDs asserts that docs have exactly these ids in this order.
func expectIDs(t *testing.T, what string, docs []store.Doc, want []string) {
	t.Helper()
	got := idsOf(docs)
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}

// with returns a copy of d with the extra keys set.
func with(d store.Doc, kv ...any) store.Doc {
	out := make(store.Doc, len(d)+len(kv)/2)
	for k, v := range d {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// show prints a document with the Go type of every value, so kind mismatches are visible.
func show(d store.Doc) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %#v", k, d[k])
	}
	b.WriteString("}")
	return b.String()
}

// describe prints a query for failure messages.
func describe(q store.Query) string {
	return fmt.Sprintf("filter=%#v sort=%v limit=%d", q.Filter, q.Sort, q.Limit)
}
