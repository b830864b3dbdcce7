package engine

import (
	"context"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// Lookup paths in list filters (account.industry = "software"; engine/query/path.go decides what
// they mean). The storage seam reads one collection at a time, so the engine first finds the ids
// of the parents the actor may read that match the path's condition, under their record access
// on the parent object, and the filter then asks for lookup IN (those ids), which the lookup's
// index answers on both backends.

// MaxPathParents is how many parent records the lookup paths of one filter may match in all
// (Config.MaxPathParents changes it).
// Their ids stand in the filter the database runs; past it the request is refused
// (filter_too_broad) before the list runs, and the user narrows the condition on the parent.
const MaxPathParents = 10000

// pathParents resolves one filter's lookup paths (query.Parents). Without an actor it checks a
// definition being saved against the objects' whole definitions, as the rest of its filter is
// checked; with one, it answers the actor's views and, when run, reads the parents' ids.
type pathParents struct {
	e      *Engine
	ctx    context.Context
	by     *Actor // nil: the whole definitions, nothing read
	run    bool   // read the parents' ids (false: check only, Match reads nothing)
	asked  bool   // Match was called: the filter has a path
	grants map[string]*grant
	left   int // parents the filter may still match
}

func (e *Engine) pathParents(ctx context.Context, by *Actor) *pathParents {
	return &pathParents{e: e, ctx: ctx, by: by, grants: map[string]*grant{}, left: e.maxPathParents}
}

// View is the actor's view of a parent object: nil when it does not exist or they may not read it.
func (p *pathParents) View(object string) (*forms.Object, error) {
	def, err := p.e.current(p.ctx, object)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p.by == nil {
		return def.obj, nil
	}
	g, ok := p.grants[object]
	if !ok {
		if g, err = p.e.grantOn(p.ctx, p.by, def); err != nil {
			return nil, err
		}
		p.grants[object] = g
	}
	if !g.perm.Read {
		return nil, nil
	}
	return g.view, nil
}

// Match is lookup IN (the ids of the parents the actor may read that match the path's condition).
func (p *pathParents) Match(path query.Path) (store.Filter, error) {
	p.asked = true
	in := store.In{Field: path.Lookup, Scalar: true}
	if !p.run {
		return in, nil
	}
	cond := path.Cond
	if g := p.grants[path.Object]; g != nil && g.read != nil {
		cond = store.And{cond, g.read}
	}
	docs, err := p.e.store.Find(p.ctx, recordsColl(path.Object), store.Query{Filter: cond, Limit: p.left + 1})
	if err != nil {
		return nil, storeErr(err)
	}
	if len(docs) > p.left {
		return nil, errorf(KindInvalid, "filter_too_broad",
			"the condition on %s at position %d matches more than %d %s records; narrow it", path.Name, path.Pos+1, p.e.maxPathParents, path.Object)
	}
	p.left -= len(docs)
	in.Values = make([]any, 0, len(docs))
	for _, d := range docs {
		in.Values = append(in.Values, d["id"])
	}
	return in, nil
}

// listFilter parses and resolves a filter in the list filter language for the actor, over view
// (their view of the object): lookup paths included, their parents' ids read under the query
// time limit. The whole filter is checked before any parent is read, so a mistake anywhere in
// it reads nothing.
func (e *Engine) listFilter(ctx context.Context, by *Actor, view *forms.Object, src string) (store.Filter, error) {
	node, err := query.Parse(src)
	if err != nil {
		return nil, queryErr(err)
	}
	parents := e.pathParents(ctx, by)
	f, err := query.ResolveWith(node, view, parents)
	if err != nil || !parents.asked {
		return f, queryErr(err)
	}
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	parents.ctx, parents.run = ctx, true
	f, err = query.ResolveWith(node, view, parents)
	return f, queryErr(err)
}

// checkFilter checks a filter of a definition (a view, a widget) against obj, its lookup paths
// against parents (an actor's views, or the whole definitions); it reads no record.
func checkFilter(src string, obj *forms.Object, parents *pathParents) error {
	node, err := query.Parse(src)
	if err != nil {
		return err
	}
	_, err = query.ResolveWith(node, obj, parents)
	return err
}
