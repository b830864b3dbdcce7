package sqlite

import (
	"context"
	"fmt"
	"strings"

	"crm/engine/store"
)

// aggregateSQL builds the GROUP BY of Aggregate. Each key is selected twice: its value
// (json_extract, which gives booleans as 1/0) and its JSON type, which tells booleans back from
// numbers. The WHERE is Find's, so the same indexes serve it.
func aggregateSQL(coll string, q store.AggQuery) (string, []any, error) {
	if err := checkColl(coll); err != nil {
		return "", nil, err
	}
	if err := store.CheckAggQuery(q); err != nil {
		return "", nil, err
	}
	var c compiler
	where, err := c.compile(q.Filter, false)
	if err != nil {
		return "", nil, err
	}
	var cols, keys []string
	for _, k := range q.GroupBy {
		x, err := fieldExpr(k.Field)
		if err != nil {
			return "", nil, err
		}
		t := "'text'"
		switch {
		case k.Field == "version":
			t = "'integer'"
		case k.Field != "id":
			t = typeExpr(k.Field)
		}
		if k.Prefix > 0 {
			x = fmt.Sprintf("(CASE WHEN %s = 'text' THEN substr(%s, 1, %d) ELSE %s END)", t, x, k.Prefix, x)
		}
		keys = append(keys, x)
		cols = append(cols, x, t)
	}
	for _, m := range q.Measures {
		if m.Op == store.AggCount && m.Field == "" {
			cols = append(cols, "count(*)")
			continue
		}
		x, err := fieldExpr(m.Field)
		if err != nil {
			return "", nil, err
		}
		switch m.Op {
		case store.AggCount:
			cols = append(cols, "count("+x+")")
		case store.AggSum:
			cols = append(cols, "coalesce(sum("+x+"), 0)")
		case store.AggAvg:
			cols = append(cols, "avg("+x+")")
		case store.AggMin:
			cols = append(cols, "min("+x+")")
		case store.AggMax:
			cols = append(cols, "max("+x+")")
		}
	}
	if len(cols) == 0 {
		cols = []string{"count(*)"}
	}
	sql := fmt.Sprintf(`SELECT %s FROM "%s" WHERE %s`, strings.Join(cols, ", "), coll, where)
	if len(keys) > 0 {
		sql += " GROUP BY " + strings.Join(keys, ", ")
	}
	return sql, c.args, nil
}

// Aggregate runs the grouping on a reader connection; a collection without a table is empty.
func (s *Store) Aggregate(ctx context.Context, coll string, q store.AggQuery) ([]store.Group, error) {
	query, args, err := aggregateSQL(coll, q)
	if err != nil {
		return nil, err
	}
	out, err := s.groupRows(ctx, query, args, q)
	if isNoTable(err) {
		return store.EmptyResult(q), nil
	}
	// SQLite's sum() stops at "integer overflow" beyond int64 and gives ±Inf beyond float64:
	// then the matching documents are folded here, exactly (rare: amounts that large).
	if (err != nil && strings.Contains(err.Error(), "integer overflow")) || (err == nil && store.Overflowed(q, out)) {
		return s.fold(ctx, coll, q)
	}
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	return out, nil
}

// groupRows runs the GROUP BY; errors come back as the driver gave them.
func (s *Store) groupRows(ctx context.Context, query string, args []any, q store.AggQuery) ([]store.Group, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	nk, nm := len(q.GroupBy), len(q.Measures)
	width := 2*nk + max(nm, 1)
	if nm == 0 && nk > 0 {
		width = 2 * nk
	}
	out := []store.Group{}
	for rows.Next() {
		cells := make([]any, width)
		ptrs := make([]any, width)
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		g := store.Group{Key: make([]any, nk), Values: make([]any, nm)}
		for i := range nk {
			v, err := keyValue(cells[2*i], cells[2*i+1])
			if err != nil {
				return nil, err
			}
			g.Key[i] = v
		}
		for i := range nm {
			g.Values[i] = scalarValue(cells[2*nk+i])
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	store.SortGroups(out)
	return out, nil
}

// fold aggregates the matching documents with store.Folder.
func (s *Store) fold(ctx context.Context, coll string, q store.AggQuery) ([]store.Group, error) {
	var c compiler
	where, err := c.compile(q.Filter, false)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, fmt.Sprintf(`SELECT id, version, doc FROM "%s" WHERE %s`, coll, where), c.args...)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	f := store.NewFolder(q)
	if err := eachDoc(ctx, rows, f.Add); err != nil {
		return nil, err
	}
	return f.Groups(), nil
}

// keyValue turns a selected key back into a seam value using its JSON type.
func keyValue(v, typ any) (any, error) {
	t, _ := typ.(string)
	switch t {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "array", "object":
		s, _ := v.(string)
		return decodeValue(s)
	}
	return scalarValue(v), nil
}

// scalarValue maps what the driver scanned to the seam's kinds.
func scalarValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case int:
		return int64(x)
	}
	return v
}
