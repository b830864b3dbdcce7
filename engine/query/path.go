package query

import (
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/forms"
)

// Lookup paths (account.industry) in filters. The storage seam knows one collection at a time,
// so a path is not a join: the engine finds the ids of the parents the actor may read that match
// the path's condition, and the filter asks for the records whose lookup is one of them
// (store.In over the lookup, which its index answers). Which parents, in which form, and what
// stands for the records without a matching parent is decided here; finding the ids is the
// engine's (Parents.Match).
//
// A path's value is the parent's field as the actor could read it, null when there is no such
// parent. So the conditions that need a value (= < <= > >= in contains, is not null) match the
// records whose lookup points at a matching parent, and the others are their complements:
// "is null" is "not (is not null)" and != is "not =", as they are on a field of the object
// itself (Compare Ne matches a missing field). Both backends negate In exactly (store.Not).

// Parents is what resolving lookup paths needs from the engine, for one actor.
type Parents interface {
	// View is the actor's view of the object a lookup points at: nil when no such object exists
	// or the actor may not read its records.
	View(object string) (*forms.Object, error)
	// Match stands for the records whose lookup points at a parent the actor may read that
	// matches p.Cond (the engine answers store.In over the lookup with those parents' ids).
	Match(p Path) (store.Filter, error)
}

// Path is a condition on the records one lookup points at.
type Path struct {
	Lookup string       // the lookup followed: "account"
	Object string       // the object it points at: "accounts"
	Cond   store.Filter // over Object's fields as the actor sees them (itself with paths resolved)
	Name   string       // the path up to the lookup as written ("account", "opportunity.account")
	Pos    int          // where the first term on it starts in the filter
}

// ResolveWith turns a parsed filter into the seam's syntax tree over obj's fields, resolving its
// lookup paths through parents (nil: a path is refused). Terms on the same lookup ANDed together
// become one condition on the parent, so account.industry = "x" and account.vip = true asks for
// the parents that are both.
func ResolveWith(n Node, obj *forms.Object, parents Parents) (store.Filter, error) {
	r := &resolver{parents: parents}
	return r.node(n, obj, 0)
}

// resolver resolves a filter; depth is how many parts of each term's path the node being
// resolved has followed already (the object is the one they lead to).
type resolver struct{ parents Parents }

func (r *resolver) node(n Node, obj *forms.Object, depth int) (store.Filter, error) {
	switch n := n.(type) {
	case nil:
		return nil, nil
	case Logical:
		if n.Op == "and" {
			return r.and(n.Children, obj, depth)
		}
		out := make(store.Or, 0, len(n.Children))
		for _, c := range n.Children {
			f, err := r.node(c, obj, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	case Negation:
		f, err := r.node(n.Child, obj, depth)
		if err != nil {
			return nil, err
		}
		return store.Not{F: f}, nil
	case Term:
		return r.term(n, obj, depth)
	}
	return nil, fmt.Errorf("query: unknown node %T", n)
}

// and resolves the children of an And in their order, the path terms that need a value and
// follow the same lookup together where the first of them stands.
func (r *resolver) and(children []Node, obj *forms.Object, depth int) (store.Filter, error) {
	groups := map[string][]Term{}
	for _, c := range children {
		if t, ok := c.(Term); ok && mergeable(t, depth) {
			head := pathOf(t)[depth]
			groups[head] = append(groups[head], t)
		}
	}
	out := make(store.And, 0, len(children))
	for _, c := range children {
		t, ok := c.(Term)
		if !ok || !mergeable(t, depth) {
			f, err := r.node(c, obj, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
			continue
		}
		head := pathOf(t)[depth]
		g := groups[head]
		if g == nil {
			continue // resolved with the first of its group
		}
		delete(groups, head)
		f, err := r.follow(g, obj, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// mergeable tells whether t follows a lookup from here and needs a value there (see positive).
func mergeable(t Term, depth int) bool {
	_, negate := positive(t.Op)
	return len(pathOf(t)) > depth+1 && !negate
}

// term resolves one term: on a field of obj, or through the lookup its path follows from here.
func (r *resolver) term(t Term, obj *forms.Object, depth int) (store.Filter, error) {
	path := pathOf(t)
	if len(path) == depth+1 {
		return resolveTerm(t, path[depth], obj)
	}
	op, negate := positive(t.Op)
	t.Op = op
	f, err := r.follow([]Term{t}, obj, depth)
	if err != nil || !negate {
		return f, err
	}
	return store.Not{F: f}, nil
}

// positive is the form of an operator that needs the path to have a value, and whether the
// term is its complement: "is null" is not "is not null", != is not =.
func positive(op string) (string, bool) {
	switch op {
	case "null":
		return "notnull", true
	case "!=":
		return "=", true
	}
	return op, false
}

// follow resolves terms (all positive, all following the same lookup of obj at depth) as one
// condition on the parent object and asks parents for what stands for it.
func (r *resolver) follow(terms []Term, obj *forms.Object, depth int) (store.Filter, error) {
	t := terms[0]
	path := pathOf(t)
	name, pos := path[depth], partPos(t, depth)
	lf, ok := FieldOf(obj, name)
	if !ok {
		return nil, &Error{Code: "invalid_filter", Pos: pos, Message: fmt.Sprintf("unknown field %q in %s", name, t.Field)}
	}
	if lf.Type != forms.TypeLookup || lf.Target == "" {
		return nil, &Error{Code: "invalid_filter", Pos: pos, Message: fmt.Sprintf("%q is not a lookup, so %s cannot follow it", name, t.Field)}
	}
	if r.parents == nil {
		return nil, &Error{Code: "invalid_filter", Pos: t.Pos, Message: fmt.Sprintf("a lookup path (%s) cannot be used in this filter", t.Field)}
	}
	view, err := r.parents.View(lf.Target)
	if err != nil {
		return nil, err
	}
	if view == nil {
		// As a hidden field: whether the object exists or the actor may not read it is not told.
		return nil, &Error{Code: "invalid_filter", Pos: t.Pos, Message: fmt.Sprintf("unknown field %q", t.Field)}
	}
	var cond store.Filter
	if len(terms) == 1 {
		cond, err = r.term(t, view, depth+1)
	} else {
		and := Logical{Op: "and", Children: make([]Node, len(terms))}
		for i, t := range terms {
			and.Children[i] = t
		}
		cond, err = r.node(and, view, depth+1)
	}
	if err != nil {
		return nil, err
	}
	return r.parents.Match(Path{Lookup: lf.Name, Object: lf.Target, Cond: cond, Name: strings.Join(path[:depth+1], "."), Pos: t.Pos})
}

// pathOf is a term's field split at its dots: ["account", "industry"].
func pathOf(t Term) []string { return strings.Split(t.Field, ".") }

// partPos is where part i of a term's path starts in the filter.
func partPos(t Term, i int) int {
	pos := t.Pos
	for _, p := range pathOf(t)[:i] {
		pos += len(p) + 1
	}
	return pos
}
