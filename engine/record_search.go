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
		f := store.Filter(ranges)
		if g.read != nil {
			f = store.And{ranges, g.read}
		}
		docs, err := e.store.Find(ctx, recordsColl(o.Name), store.Query{Filter: f, Limit: perObject + 1})
		if err != nil {
			return nil, storeErr(err)
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
