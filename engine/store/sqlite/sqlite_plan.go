package sqlite

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"unicode/utf8"

	"crm/engine/store"
)

// maxArms bounds the per-value subqueries of a split IN (SQLite allows 500 arms in a compound);
// beyond it the IN is searched as a whole and sorted.
const maxArms = 100

// splitIn finds, in the query's conjunction, a disjunction that indexes serve one arm at a time
// in the sort's order, when no index serves the order as well without splitting it: a scalar IN
// (a manager's team: owner IN (...)), one arm per value, or an Or (the access filter with sharing
// rules: own records OR what each rule shares), one arm per branch and per value of a branch's
// IN. SQLite would otherwise read every matching record and sort them all; one ordered, limited
// subquery per arm reads at most a page each. It answers the arms, whether they can overlap
// (branches of an Or can; values of one IN cannot), the IN of a plain split (for stats.dense) and
// the other conjuncts.
func splitIn(q store.Query, idx []store.Index) (split, bool) {
	if q.Limit <= 0 {
		return split{}, false
	}
	conj := conjuncts(q.Filter, nil)
	bound := map[string]bool{}
	for _, f := range conj {
		if field, ok := equality(f); ok {
			bound[field] = true
		}
	}
	sort := store.WithIDTieBreak(q.Sort)
	best := bestOrder(idx, bound, sort)
	for i, f := range conj {
		var arms []store.Filter
		var sp split
		switch f := f.(type) {
		case store.In:
			if !f.Scalar || len(f.Values) < 2 || f.Field == "id" || bound[f.Field] {
				continue
			}
			arms, sp.in = inArms(f), &f
		case store.Or:
			for _, branch := range f {
				if in, ok := branch.(store.In); ok && in.Scalar && in.Field != "id" {
					arms = append(arms, inArms(in)...)
				} else {
					arms = append(arms, branch)
				}
			}
			sp.overlap = true
		default:
			continue
		}
		if len(arms) < 2 || len(arms) > maxArms {
			continue
		}
		served := true
		for _, arm := range arms {
			b := maps.Clone(bound)
			for _, c := range conjuncts(arm, nil) {
				if field, ok := equality(c); ok {
					b[field] = true
				}
			}
			if bestOrder(idx, b, sort) <= best {
				served = false
				break
			}
		}
		if served {
			sp.arms, sp.rest = arms, append(conj[:i:i], conj[i+1:]...)
			return sp, true
		}
	}
	return split{}, false
}

// split is a disjunction cut into arms (splitIn).
type split struct {
	arms    []store.Filter
	overlap bool      // a record may match several arms
	in      *store.In // the IN the arms are the values of, when that is the split
	rest    []store.Filter
}

// inArms are an IN's values as equalities.
func inArms(in store.In) []store.Filter {
	out := make([]store.Filter, len(in.Values))
	for i, v := range in.Values {
		out[i] = store.Compare{Field: in.Field, Op: store.Eq, Value: v, Scalar: true}
	}
	return out
}

// conjuncts flattens nested Ands (and one-child Ors, as the access filter is) into a list.
func conjuncts(f store.Filter, out []store.Filter) []store.Filter {
	switch f := f.(type) {
	case nil:
		return out
	case store.And:
		for _, c := range f {
			out = conjuncts(c, out)
		}
		return out
	case store.Or:
		if len(f) == 1 {
			return conjuncts(f[0], out)
		}
	}
	return append(out, f)
}

// equality is the field a conjunct fixes to one value, which an index can skip in its order.
func equality(f store.Filter) (string, bool) {
	switch f := f.(type) {
	case store.Compare:
		return f.Field, f.Op == store.Eq && (f.Scalar || f.Field == "id" || f.Field == "version")
	case store.In:
		return f.Field, len(f.Values) == 1 && f.Scalar
	}
	return "", false
}

// bestOrder is how many equality columns the best index serving the sort uses before it (more is
// fewer rows read per page); -1 when no index, not even the primary key's, gives the order.
func bestOrder(idx []store.Index, bound map[string]bool, sort []store.SortKey) int {
	best := orders([]store.SortKey{{Field: "id"}}, bound, sort)
	for _, ix := range idx {
		best = max(best, orders(ix.Columns(), bound, sort))
	}
	return best
}

// orders tells how an index over cols serves sort once the bound fields are fixed: skipping bound
// columns, the next ones must be the sort's unbound keys, all in the index's direction or all
// reversed. It answers the bound columns used, or -1.
func orders(cols []store.SortKey, bound map[string]bool, sort []store.SortKey) int {
	i, used, flip := 0, 0, false
	first := true
	for _, k := range sort {
		if bound[k.Field] {
			continue
		}
		for i < len(cols) && bound[cols[i].Field] {
			i++
			used++
		}
		if i == len(cols) || cols[i].Field != k.Field {
			return -1
		}
		if f := cols[i].Desc != k.Desc; first {
			flip, first = f, false
		} else if f != flip {
			return -1
		}
		i++
	}
	return used
}

// splitSQL is a split IN's query in two steps. First, per value, the page's positions in order
// (rowid, id and the sort values) from its own subquery, which an index on (value field, sort
// keys..., id) answers without reading a document; SQLite merges the ordered subqueries (MERGE
// UNION ALL) and cuts them to the limit. Then only the page's documents are read, by rowid, in
// the order the merge gave. It reads at most limit index entries per value and limit documents,
// whatever the table holds; each subquery is planned on its own, so with statistics SQLite still
// prefers a rare value's index where it finds few rows.
func splitSQL(coll string, q store.Query, sp split) (string, []any, error) {
	keys := store.WithIDTieBreak(q.Sort)
	cols := []string{"rowid AS r", "id"}
	order := make([]string, 0, len(keys))
	outer := make([]string, 0, len(keys))
	for i, k := range keys {
		dir := ""
		if k.Desc {
			dir = " DESC"
		}
		if k.Field == "id" {
			order = append(order, "id"+dir)
			outer = append(outer, "p.id"+dir)
			continue
		}
		x, err := fieldExpr(k.Field)
		if err != nil {
			return "", nil, err
		}
		cols = append(cols, fmt.Sprintf("%s AS s%d", x, i))
		order = append(order, fmt.Sprintf("s%d%s", i, dir))
		outer = append(outer, fmt.Sprintf("p.s%d%s", i, dir))
	}
	var c compiler
	arms := make([]string, 0, len(sp.arms))
	for _, arm := range sp.arms {
		var where string
		if eq, ok := arm.(store.Compare); ok && eq.Op == store.Eq && eq.Scalar {
			if lit, ok := literal(eq.Value); ok {
				x, err := fieldExpr(eq.Field)
				if err != nil {
					return "", nil, err
				}
				and, err := c.compile(append(store.And{}, sp.rest...), false)
				if err != nil {
					return "", nil, err
				}
				where = fmt.Sprintf("(%s = %s) AND %s", x, lit, and)
			}
		}
		if where == "" {
			var err error
			if where, err = c.compile(append(store.And{arm}, sp.rest...), false); err != nil {
				return "", nil, err
			}
		}
		c.args = append(c.args, int64(q.Limit))
		arms = append(arms, fmt.Sprintf(`SELECT * FROM (SELECT %s FROM "%s" WHERE %s ORDER BY %s LIMIT ?)`,
			strings.Join(cols, ", "), coll, where, strings.Join(order, ", ")))
	}
	// A record several arms match comes once: the arms' rows of one record are equal, and UNION
	// drops the copies (among at most a page per arm).
	union := " UNION ALL "
	if sp.overlap {
		union = " UNION "
	}
	c.args = append(c.args, int64(q.Limit))
	sel := "t.id, t.version, t.doc"
	if len(q.Keys) > 0 {
		var err error
		if sel, err = selected(q.Keys); err != nil { // doc and id are t's: p has neither
			return "", nil, err
		}
	}
	return fmt.Sprintf(`SELECT %s FROM (%s ORDER BY %s LIMIT ?) AS p JOIN "%s" AS t ON t.rowid = p.r ORDER BY %s`,
		sel, strings.Join(arms, union), strings.Join(order, ", "), coll, strings.Join(outer, ", ")), c.args, nil
}

// literal is v as an SQL literal, for a split IN's values. Bound as parameters, they made SQLite
// (with STAT4 statistics, which a value can change the plan by) prepare the whole split again on
// every run; as literals, the kept statement of a manager's list runs as prepared. Only strings
// SQLite reads back exactly (valid UTF-8 without NUL; ' doubled) and integers are written.
func literal(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return "", false
		}
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// indexList is the collection's secondary indexes: as last ensured by this store, else read
// back from their names in sqlite_master (none when the table does not exist).
func (s *Store) indexList(ctx context.Context, coll string) ([]store.Index, error) {
	s.mu.Lock()
	idx, ok := s.indexes[coll]
	s.mu.Unlock()
	if ok {
		return idx, nil
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`, coll)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	defer rows.Close()
	idx = []store.Index{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, mapErr(ctx, err)
		}
		if ix, ok := indexOfName(name, coll); ok {
			idx = append(idx, ix)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(ctx, err)
	}
	s.mu.Lock()
	s.indexes[coll] = idx
	s.mu.Unlock()
	return idx, nil
}

// indexOfName reads the seam index back from one of our index names.
func indexOfName(name, coll string) (store.Index, bool) {
	n, ok := parseIndexName(name)
	if !ok || n.coll != coll {
		return store.Index{}, false
	}
	switch n.kind {
	case kindIndex:
		return store.Index{Field: n.field}, true
	case kindUnique:
		return store.Index{Field: n.field, Unique: true}, true
	case kindMulti:
		var keys []store.SortKey
		for _, p := range strings.Split(n.field, ",") {
			keys = append(keys, store.SortKey{Field: strings.TrimPrefix(p, "-"), Desc: strings.HasPrefix(p, "-")})
		}
		return store.Index{Keys: keys}, true
	}
	return store.Index{}, false
}
