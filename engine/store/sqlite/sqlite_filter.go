package sqlite

import (
	"fmt"
	"strings"

	"crm/engine/store"
)

// compiler turns a filter tree into a SQL boolean expression with bound parameters only; field
// names are validated (fieldExpr) before they are written into the text.
//
// Negation is pushed down to the leaves (De Morgan), and every leaf has an explicit negated form
// that handles a missing field: SQL's NOT over a NULL comparison would be NULL (no match), while
// Not(n < 3) must match documents without n.
type compiler struct {
	args []any
}

// compile returns the SQL for f, or for Not f when neg.
func (c *compiler) compile(f store.Filter, neg bool) (string, error) {
	switch f := f.(type) {
	case nil:
		return c.compile(store.And{}, neg)
	case store.And:
		return c.join(f, neg, false)
	case store.Or:
		return c.join(f, neg, true)
	case store.Not:
		return c.compile(f.F, !neg)
	case store.Compare:
		return c.compare(f, neg)
	case store.In:
		return c.in(f, neg)
	case store.Contains:
		return c.contains(f, neg)
	case store.IsNull:
		x, err := fieldExpr(f.Field)
		if err != nil {
			return "", err
		}
		if f.Negate != neg {
			return x + " IS NOT NULL", nil
		}
		return x + " IS NULL", nil
	}
	return "", fmt.Errorf("sqlite: unsupported filter %T", f)
}

// join compiles an And (isOr false) or an Or. Negated, the connective flips and the children
// are negated (De Morgan); an empty And is true and an empty Or false.
func (c *compiler) join(children []store.Filter, neg, isOr bool) (string, error) {
	sep, empty := " AND ", "1"
	if isOr != neg {
		sep, empty = " OR ", "0"
	}
	if len(children) == 0 {
		return empty, nil
	}
	parts := make([]string, 0, len(children))
	for _, ch := range children {
		s, err := c.compile(ch, neg)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return "(" + strings.Join(parts, sep) + ")", nil
}

// bind appends a parameter and returns its placeholder.
func (c *compiler) bind(v any) (string, error) {
	a, err := sqlValue(v)
	if err != nil {
		return "", err
	}
	c.args = append(c.args, a)
	return "?", nil
}

var flipped = map[store.Op]store.Op{store.Lt: store.Ge, store.Le: store.Gt, store.Gt: store.Le, store.Ge: store.Lt}

// compare compiles Eq, Ne and the orderings. Eq on a document field also matches an array with
// an equal element; Ne is Not Eq and so matches missing fields. A negated ordering uses the
// opposite operator or a missing field (SQLite's order is total over stored values, so
// NOT (x < v) equals x >= v whenever x is present), which keeps both sides indexable.
func (c *compiler) compare(f store.Compare, neg bool) (string, error) {
	x, err := fieldExpr(f.Field)
	if err != nil {
		return "", err
	}
	switch f.Op {
	case store.Eq, store.Ne:
		if f.Op == store.Ne {
			neg = !neg
		}
		eq, err := c.anyEqual(f.Field, x, []any{f.Value}, f.Scalar)
		if err != nil {
			return "", err
		}
		if neg {
			return "(" + x + " IS NULL OR NOT " + eq + ")", nil
		}
		return eq, nil
	case store.Lt, store.Le, store.Gt, store.Ge:
		op := f.Op
		if neg {
			op = flipped[op]
		}
		p, err := c.bind(f.Value)
		if err != nil {
			return "", err
		}
		cmp := x + " " + string(op) + " " + p
		if neg {
			return "(" + x + " IS NULL OR " + cmp + ")", nil
		}
		return cmp, nil
	}
	return "", fmt.Errorf("sqlite: unsupported operator %q", f.Op)
}

// in compiles In, on arrays matching any element.
func (c *compiler) in(f store.In, neg bool) (string, error) {
	x, err := fieldExpr(f.Field)
	if err != nil {
		return "", err
	}
	if len(f.Values) == 0 {
		if neg {
			return "1", nil
		}
		return "0", nil
	}
	eq, err := c.anyEqual(f.Field, x, f.Values, f.Scalar)
	if err != nil {
		return "", err
	}
	if neg {
		return "(" + x + " IS NULL OR NOT " + eq + ")", nil
	}
	return eq, nil
}

// anyEqual is "x equals one of values, or x is an array with an element that does". The result
// is never NULL for a present field, so NOT of it is exact.
func (c *compiler) anyEqual(field, x string, values []any, scalarOnly bool) (string, error) {
	list := func() (string, error) {
		ps := make([]string, len(values))
		for i, v := range values {
			p, err := c.bind(v)
			if err != nil {
				return "", err
			}
			ps[i] = p
		}
		if len(ps) == 1 {
			return "= " + ps[0], nil
		}
		return "IN (" + strings.Join(ps, ", ") + ")", nil
	}
	scalar, err := list()
	if err != nil {
		return "", err
	}
	if scalarOnly || field == "id" || field == "version" {
		return "(" + x + " " + scalar + ")", nil
	}
	elem, err := list()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("(%s %s OR (%s = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, '$.%s') WHERE value %s)))",
		x, scalar, typeExpr(field), field, elem), nil
}

// contains compiles Contains: an ASCII case-insensitive substring test with instr, in which no
// character of the value is special (unlike LIKE's % and _ or a regex).
func (c *compiler) contains(f store.Contains, neg bool) (string, error) {
	x, err := fieldExpr(f.Field)
	if err != nil {
		return "", err
	}
	p, err := c.bind(f.Value)
	if err != nil {
		return "", err
	}
	test := "instr(lower(" + x + "), lower(" + p + ")) > 0"
	if f.Field != "id" && f.Field != "version" {
		test = "(" + typeExpr(f.Field) + " = 'text' AND " + test + ")"
	}
	if neg {
		return "(" + x + " IS NULL OR NOT " + test + ")", nil
	}
	return test, nil
}
