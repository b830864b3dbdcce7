package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"crm/engine/store"
)

// pageColl holds the pagination dataset.
const pageColl = "obj_page"

// pageDocs is the pagination dataset: 25 documents with ties and missing values on every field.
func pageDocs() []store.Doc {
	var out []store.Doc
	groups := []string{"alpha", "beta", "gamma"}
	for i := 1; i <= 25; i++ {
		d := store.Doc{"id": fmt.Sprintf("p%02d", i)}
		if i%4 != 3 {
			d["g"] = groups[i%4]
		}
		if i%5 != 0 {
			d["n"] = int64((i * 7) % 10)
		}
		if i%7 != 0 {
			d["at"] = fmt.Sprintf("2026-03-%02dT10:00:00.000Z", 1+i%6)
		}
		out = append(out, d)
	}
	return out
}

// compareValues is the reference order of values: missing (nil) first, then by value.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return cmp.Compare(x, b.(float64))
	}
	panic(fmt.Sprintf("storetest: no reference order for %T", a))
}

// compareDocs is the reference sort order of Find, with the id tie-breaker.
func compareDocs(sort []store.SortKey, a, b store.Doc) int {
	for _, k := range store.WithIDTieBreak(sort) {
		c := compareValues(a[k.Field], b[k.Field])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// cursorOf is the last argument of store.After for a document.
func cursorOf(sort []store.SortKey, d store.Doc) []any {
	var out []any
	for _, k := range store.WithIDTieBreak(sort) {
		out = append(out, d[k.Field])
	}
	return out
}

// pager pages through a collection with store.After and checks every page against the reference
// model of the collection's documents.
type pager struct {
	s     store.Store
	sort  []store.SortKey
	f     store.Filter         // the user's filter, nil for none
	match func(store.Doc) bool // the same filter in Go
	model map[string]store.Doc // what the collection holds
	limit int
}

// expected returns the reference page after last (nil: the first page).
func (p *pager) expected(last store.Doc) []string {
	var docs []store.Doc
	for _, d := range p.model {
		if p.match != nil && !p.match(d) {
			continue
		}
		if last != nil && compareDocs(p.sort, d, last) <= 0 {
			continue
		}
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b store.Doc) int { return compareDocs(p.sort, a, b) })
	if len(docs) > p.limit {
		docs = docs[:p.limit]
	}
	return idsOf(docs)
}

// run pages to the end, calling between after every full page with the page's last document,
// and returns the ids seen in order.
func (p *pager) run(t *testing.T, between func(page int, last store.Doc)) []string {
	t.Helper()
	var seen []string
	var last store.Doc
	for page := 0; page < 100; page++ {
		q := store.Query{Filter: p.f, Sort: p.sort, Limit: p.limit}
		if last != nil {
			after := store.After(p.sort, cursorOf(p.sort, last))
			if p.f != nil {
				q.Filter = store.And{p.f, after}
			} else {
				q.Filter = after
			}
		}
		got := mustFind(t, p.s, pageColl, q)
		expectIDs(t, fmt.Sprintf("page %d", page+1), got, p.expected(last))
		if t.Failed() {
			t.FailNow()
		}
		for _, id := range idsOf(got) {
			if slices.Contains(seen, id) {
				t.Fatalf("page %d repeats %s", page+1, id)
			}
			seen = append(seen, id)
		}
		if len(got) < p.limit {
			return seen
		}
		last = got[len(got)-1]
		if between != nil {
			between(page+1, last)
		}
	}
	t.Fatalf("pagination did not end after 100 pages")
	return nil
}

func newPager(t *testing.T, open opener, sort []store.SortKey) *pager {
	s := open(t)
	p := &pager{s: s, sort: sort, model: map[string]store.Doc{}, limit: 7}
	mustEnsure(t, s, pageColl, store.Index{Field: "n"}, store.Index{Field: "g"}, store.Index{Field: "at"})
	for _, d := range pageDocs() {
		mustInsert(t, s, pageColl, d)
		p.model[d["id"].(string)] = with(d, "version", int64(1))
	}
	return p
}

// runPagination pins keyset pagination with store.After.
func runPagination(t *testing.T, open opener) {
	orders := []struct {
		name string
		sort []store.SortKey
	}{
		{"by_id", nil},
		{"id_desc", []store.SortKey{desc("id")}},
		{"int_asc_missing", []store.SortKey{asc("n")}},
		{"int_desc_missing", []store.SortKey{desc("n")}},
		{"string_asc_int_desc", []store.SortKey{asc("g"), desc("n")}},
		{"time_desc", []store.SortKey{desc("at")}},
		{"string_desc_time_asc", []store.SortKey{desc("g"), asc("at")}},
		{"three_keys", []store.SortKey{asc("at"), desc("g"), asc("n")}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			p := newPager(t, open, o.sort)
			seen := p.run(t, nil)
			all := make([]store.Doc, 0, len(p.model))
			for _, d := range p.model {
				all = append(all, d)
			}
			slices.SortFunc(all, func(a, b store.Doc) int { return compareDocs(o.sort, a, b) })
			if !slices.Equal(seen, idsOf(all)) {
				t.Fatalf("pages saw\n %v\nwant every document once in order\n %v", seen, idsOf(all))
			}
		})
	}

	t.Run("with_filter", func(t *testing.T) {
		p := newPager(t, open, []store.SortKey{desc("n"), asc("g")})
		p.f = store.Compare{Field: "g", Op: store.Ne, Value: "beta"}
		p.match = func(d store.Doc) bool { return d["g"] != "beta" }
		p.limit = 4
		seen := p.run(t, nil)
		if len(seen) != 18 {
			t.Fatalf("saw %d documents, want 18 (25 minus 7 beta)", len(seen))
		}
	})

	for _, o := range orders[2:6] {
		t.Run("inserts_between_pages_"+o.name, func(t *testing.T) {
			p := newPager(t, open, o.sort)
			var before, after []string // inserted documents on each side of the cursor
			seq := 0
			insert := func(last, d store.Doc) {
				seq++
				d["id"] = fmt.Sprintf("%s_%02d", d["id"], seq)
				mustInsert(t, p.s, pageColl, d)
				p.model[d["id"].(string)] = with(d, "version", int64(1))
				if compareDocs(p.sort, d, last) > 0 {
					after = append(after, d["id"].(string))
				} else {
					before = append(before, d["id"].(string))
				}
			}
			seen := p.run(t, func(page int, last store.Doc) {
				if page > 2 {
					return
				}
				// A not yet seen document is deleted.
				if next := p.expected(last); len(next) > 0 {
					if err := p.s.Delete(ctxOf(t), pageColl, next[0], 0); err != nil {
						t.Fatalf("Delete %s: %v", next[0], err)
					}
					delete(p.model, next[0])
				}
				insert(last, store.Doc{"id": "q"})
				insert(last, store.Doc{"id": "q", "n": int64(-1), "g": "aaa", "at": "2000-01-01T00:00:00.000Z"})
				insert(last, store.Doc{"id": "q", "n": int64(99), "g": "zzz", "at": "2099-01-01T00:00:00.000Z"})
				// Same sort values as the cursor, ids on either side of it.
				same := store.Doc{}
				for _, k := range o.sort {
					if v, ok := last[k.Field]; ok {
						same[k.Field] = v
					}
				}
				insert(last, with(same, "id", "a"))
				insert(last, with(same, "id", "z"))
			})
			if len(before) == 0 || len(after) == 0 {
				t.Fatalf("test data: inserted before the cursor %v, after %v; want some on each side", before, after)
			}
			for _, id := range after {
				if !slices.Contains(seen, id) {
					t.Errorf("document %s inserted after the cursor was never seen", id)
				}
			}
			for _, id := range before {
				if slices.Contains(seen, id) {
					t.Errorf("document %s inserted before the cursor was seen", id)
				}
			}
		})
	}
}
