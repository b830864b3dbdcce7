package engine

import (
	"context"
	"strings"

	"crm/engine/store"
	"crm/workflow"
)

// The global search (GET /api/search?q=): every object the actor may read, by the fields each
// object searches (forms.Object.SearchFields), through the normalized keys the records carry
// (workflow/search.go). Each object is one query: a prefix range per key, which the key's index
// answers, ANDed with the actor's record access, limited to a few records. A field hidden from
// the actor is not searched, so a match never tells what it holds.

// SearchGroup is one object's records found.
type SearchGroup struct {
	Object string       `json:"object"`
	Label  string       `json:"label"`
	Items  []SearchItem `json:"items"`
	More   bool         `json:"more,omitempty"` // more records match than shown
}

// SearchItem is one record found: its name, and the value that matched when that is not its name.
type SearchItem struct {
	ID     string `json:"id"`
	Title  any    `json:"title"`
	Field  string `json:"field"`
	Detail any    `json:"detail,omitempty"`
}

// MaxSearchPerObject bounds the records one search shows per object.
const MaxSearchPerObject = 20

// Search finds records of every object the actor may read whose searched fields start with q (or
// whose second or third word does).
func (e *Engine) Search(ctx context.Context, by *Actor, q, locale string, perObject int) ([]SearchGroup, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) > 100 {
		return nil, errorf(KindInvalid, "invalid_search", "search for at most 100 characters")
	}
	if perObject <= 0 || perObject > MaxSearchPerObject {
		perObject = 5
	}
	objs, err := e.ListObjects(ctx, SystemActor)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	out := []SearchGroup{}
	for _, o := range objs {
		def, g, err := e.access(ctx, by, o.Name)
		if err != nil {
			return nil, err
		}
		if !g.perm.Read {
			continue
		}
		var ranges store.Or
		var matched []workflow.KeySpec
		var prefixes []string
		for _, spec := range workflow.SearchSpecs(def.obj) {
			if g.view.Field(spec.Field) == nil {
				continue // hidden from the actor
			}
			p := workflow.SearchPrefix(spec, q)
			if p == "" {
				continue
			}
			ranges = append(ranges, store.And{
				store.Compare{Field: spec.Name(), Op: store.Ge, Value: p, Scalar: true},
				store.Compare{Field: spec.Name(), Op: store.Lt, Value: p + "\U0010FFFF", Scalar: true},
			})
			matched, prefixes = append(matched, spec), append(prefixes, p)
		}
		if len(ranges) == 0 {
			continue
		}
		var docs []store.Doc
		if g.read == nil {
			docs, err = e.store.Find(ctx, recordsColl(o.Name), store.Query{Filter: ranges, Limit: perObject + 1})
		} else {
			docs, err = e.searchReadable(ctx, o.Name, matched, prefixes, g.read, perObject+1)
		}
		if err != nil {
			return nil, err
		}
		if len(docs) == 0 {
			continue
		}
		grp := SearchGroup{Object: o.Name, Label: def.obj.Label.In(locale), More: len(docs) > perObject}
		if grp.Label == "" {
			grp.Label = o.Name
		}
		if grp.More {
			docs = docs[:perObject]
		}
		title := titleOf(def.obj)
		for _, d := range docs {
			id, _ := d["id"].(string)
			it := SearchItem{ID: id, Title: nameOf(def.obj, Record(d))}
			for i, spec := range matched {
				if k, _ := d[spec.Name()].(string); strings.HasPrefix(k, prefixes[i]) {
					it.Field = spec.Field
					if spec.Field != title {
						it.Detail = d[spec.Field]
					}
					break
				}
			}
			grp.Items = append(grp.Items, it)
		}
		out = append(out, grp)
	}
	return out, nil
}

// searchCandidates is how many keys of one range a round of a restricted search reads, and
// searchRounds how many rounds it reads at most.
const (
	searchCandidates = 200
	searchRounds     = 5
)

// searchReadable is the search of an actor whose record access is restricted (read). Asked in one
// query, the database would walk the actor's records by the access filter's index and test each
// against the keys: a rep's search would cost her number of records. Instead each key range is
// read in key order (its index, a page at a time), and only the records found are checked against
// the access filter, until limit records are found or the ranges or the rounds run out. A prefix
// that matches more than searchRounds pages of records the actor may not read finds fewer than
// exist: the answer then says more, and a longer text narrows it.
func (e *Engine) searchReadable(ctx context.Context, object string, specs []workflow.KeySpec, prefixes []string, read store.Filter, limit int) ([]store.Doc, error) {
	coll := recordsColl(object)
	after := make([]string, len(specs)) // per range: the last key read
	done := make([]bool, len(specs))
	var out []store.Doc
	seen := map[string]bool{}
	for round := 0; round < searchRounds && len(out) < limit; round++ {
		var ids []any
		open := false
		for i, spec := range specs {
			if done[i] {
				continue
			}
			lo := store.Compare{Field: spec.Name(), Op: store.Ge, Value: prefixes[i], Scalar: true}
			if after[i] != "" {
				lo = store.Compare{Field: spec.Name(), Op: store.Gt, Value: after[i], Scalar: true}
			}
			f := store.And{lo, store.Compare{Field: spec.Name(), Op: store.Lt, Value: prefixes[i] + "\U0010FFFF", Scalar: true}}
			docs, err := e.store.Find(ctx, coll, store.Query{Filter: f, Sort: []store.SortKey{{Field: spec.Name()}}, Limit: searchCandidates})
			if err != nil {
				return nil, storeErr(err)
			}
			if len(docs) < searchCandidates {
				done[i] = true
			} else {
				open = true
			}
			for _, d := range docs {
				after[i], _ = d[spec.Name()].(string)
				if id, _ := d["id"].(string); !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if len(ids) > 0 {
			docs, err := e.store.Find(ctx, coll, store.Query{Filter: store.And{store.In{Field: "id", Values: ids, Scalar: true}, read}, Limit: limit - len(out)})
			if err != nil {
				return nil, storeErr(err)
			}
			out = append(out, docs...)
		}
		if !open {
			break
		}
	}
	return out, nil
}
