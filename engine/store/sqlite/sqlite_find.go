package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"crm/engine/store"
)

// findSQL builds the SELECT of Find. The ORDER BY uses the same expressions as the indexes, then
// id, so a sort on an indexed field reads the index in order and stops at the LIMIT. idx are the
// collection's indexes, by which a team's IN is split (splitIn) unless its values hold most of
// the collection (stats.dense; nil stats: split).
func findSQL(coll string, q store.Query, idx []store.Index, stats collStats) (string, []any, error) {
	if err := checkColl(coll); err != nil {
		return "", nil, err
	}
	var order []string
	for _, k := range store.WithIDTieBreak(q.Sort) {
		x, err := fieldExpr(k.Field)
		if err != nil {
			return "", nil, err
		}
		if k.Desc {
			x += " DESC"
		}
		order = append(order, x)
	}
	if sp, ok := splitIn(q, idx); ok && (sp.in == nil || !stats.dense(*sp.in)) {
		return splitSQL(coll, q, sp)
	}
	var c compiler
	where, err := c.compile(q.Filter, false)
	if err != nil {
		return "", nil, err
	}
	cols, err := selected(q.Keys)
	if err != nil {
		return "", nil, err
	}
	sql := fmt.Sprintf(`SELECT %s FROM "%s" WHERE %s ORDER BY %s`, cols, coll, where, strings.Join(order, ", "))
	if q.Limit > 0 {
		sql += " LIMIT ?"
		c.args = append(c.args, int64(q.Limit))
	}
	return sql, c.args, nil
}

// selected is the column list of a Find: id, version and the document, or id and the keys asked
// for, through the expressions of their indexes (fieldExpr), so that an index holding a key
// covers the read.
func selected(keys []string) (string, error) {
	if len(keys) == 0 {
		return "id, version, doc", nil
	}
	cols := []string{"id"}
	for _, k := range keys {
		x, err := fieldExpr(k)
		if err != nil {
			return "", err
		}
		cols = append(cols, x)
	}
	return strings.Join(cols, ", "), nil
}

// countSQL builds the SELECT of Count.
func countSQL(coll string, f store.Filter) (string, []any, error) {
	if err := checkColl(coll); err != nil {
		return "", nil, err
	}
	var c compiler
	where, err := c.compile(f, false)
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf(`SELECT count(*) FROM "%s" WHERE %s`, coll, where), c.args, nil
}

// Find runs the query on a reader connection; a collection without a table is empty.
func (s *Store) Find(ctx context.Context, coll string, q store.Query) ([]store.Doc, error) {
	idx, err := s.indexList(ctx, coll)
	if err != nil {
		return nil, err
	}
	query, args, err := findSQL(coll, q, idx, s.statsOf(ctx, coll))
	if err != nil {
		return nil, err
	}
	rows, err := s.queryList(ctx, query, args)
	if isNoTable(err) {
		return []store.Doc{}, nil
	}
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	out := []store.Doc{}
	if len(q.Keys) > 0 {
		err = eachKeys(ctx, rows, q.Keys, func(d store.Doc) { out = append(out, d) })
	} else {
		err = eachDoc(ctx, rows, func(d store.Doc) { out = append(out, d) })
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachKeys hands every row of (id, keys...) to fn as a document and closes the rows.
func eachKeys(ctx context.Context, rows *sql.Rows, keys []string, fn func(store.Doc)) error {
	defer rows.Close()
	vals := make([]sql.NullString, len(keys)+1)
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return mapErr(ctx, err)
		}
		d := store.Doc{"id": vals[0].String}
		for i, k := range keys {
			if vals[i+1].Valid {
				d[k] = vals[i+1].String
			}
		}
		fn(d)
	}
	if err := rows.Err(); err != nil {
		return mapErr(ctx, err)
	}
	return nil
}

// maxListStmts bounds the list queries kept prepared: a list's text follows its filter's shape,
// which users choose, so past the bound a query is prepared for its one run only.
const maxListStmts = 256

// queryList runs a list query through a prepared statement kept for its text: preparing a
// manager's split list costs about as much as running it.
func (s *Store) queryList(ctx context.Context, q string, args []any) (*sql.Rows, error) {
	key := stmtKey{s.reader, q}
	s.mu.Lock()
	st, full := s.stmts[key], s.lists >= maxListStmts
	s.mu.Unlock()
	if st == nil && full {
		return s.reader.QueryContext(ctx, q, args...)
	}
	if st == nil {
		fresh, err := s.reader.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if st = s.stmts[key]; st != nil {
			fresh.Close()
		} else {
			st = fresh
			s.stmts[key] = st
			s.lists++
		}
		s.mu.Unlock()
	}
	return st.QueryContext(ctx, args...)
}

// eachDoc hands every row of (id, version, doc) to fn and closes the rows.
func eachDoc(ctx context.Context, rows *sql.Rows, fn func(store.Doc)) error {
	defer rows.Close()
	for rows.Next() {
		var id, text string
		var version int64
		if err := rows.Scan(&id, &version, &text); err != nil {
			return mapErr(ctx, err)
		}
		d, err := toDoc(id, version, text)
		if err != nil {
			return err
		}
		fn(d)
	}
	if err := rows.Err(); err != nil {
		return mapErr(ctx, err)
	}
	return nil
}

// Count counts on a reader connection; a collection without a table counts 0.
func (s *Store) Count(ctx context.Context, coll string, f store.Filter) (int64, error) {
	query, args, err := countSQL(coll, f)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.reader.QueryRowContext(ctx, query, args...).Scan(&n)
	if isNoTable(err) {
		return 0, nil
	}
	if err != nil {
		return 0, mapErr(ctx, err)
	}
	return n, nil
}
