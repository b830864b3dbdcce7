package sqlite

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"crm/engine/store"
)

// nameRE is the shape of collection and field names (the seam's rule); only names that match it,
// or the system fields, are ever put into SQL text.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// counters is the table of NextSequence, owned by this backend.
const counters = "sys_counters"

// checkColl validates a collection name before it is quoted into SQL.
func checkColl(coll string) error {
	if !nameRE.MatchString(coll) || coll == counters {
		return fmt.Errorf("sqlite: invalid collection name %q", coll)
	}
	return nil
}

// fieldExpr is the SQL expression of a field: the id and version columns, or the JSON value in
// doc. Index, filter and sort use this same text so the planner matches them to the index.
func fieldExpr(field string) (string, error) {
	switch {
	case field == "id" || field == "version":
		return `"` + field + `"`, nil
	case nameRE.MatchString(field):
		return `json_extract(doc, '$.` + field + `')`, nil
	}
	return "", fmt.Errorf("sqlite: invalid field name %q", field)
}

// typeExpr is the JSON type of a document field, used to tell arrays from scalars.
func typeExpr(field string) string { return `json_type(doc, '$.` + field + `')` }

// Index name kinds. The name is kind:collection:field; ':' cannot occur in either name, so the
// name parses back unambiguously (for EnsureCollection's diff and for unique violations).
const (
	kindIndex  = "ix" // (field, id): filters and sorts, with the id tie-break in the index order
	kindUnique = "ux" // UNIQUE (field): NULL (missing) never conflicts
	kindArray  = "ax" // partial index of the rows holding an array in field, for Eq/In on arrays
	kindMulti  = "cx" // composite (keys..., id); field is the keys' spec ("stage,-amount")
)

type indexName struct{ kind, coll, field string }

func (n indexName) String() string { return n.kind + ":" + n.coll + ":" + n.field }

// parseIndexName reads back a name made by indexName.String.
func parseIndexName(name string) (indexName, bool) {
	parts := strings.Split(name, ":")
	if len(parts) != 3 {
		return indexName{}, false
	}
	switch parts[0] {
	case kindIndex, kindUnique, kindArray, kindMulti:
		return indexName{parts[0], parts[1], parts[2]}, true
	}
	return indexName{}, false
}

// indexDDL returns the CREATE INDEX statements, by index name, for the wanted index list.
//
// The array partial index holds only the rows whose field is an array (none for scalar fields),
// so an equality on an indexed field, compiled as "scalar equal OR (array AND any element equal)",
// becomes a MULTI-INDEX OR of two index searches instead of a table scan.
func indexDDL(coll string, idx []store.Index) (map[string]string, error) {
	out := map[string]string{}
	for _, ix := range idx {
		if len(ix.Keys) > 0 {
			n, ddl, err := compositeDDL(coll, ix)
			if err != nil {
				return nil, err
			}
			out[n] = ddl
			continue
		}
		if ix.Field == "id" {
			continue // the primary key already is a unique index
		}
		expr, err := fieldExpr(ix.Field)
		if err != nil {
			return nil, err
		}
		if ix.Unique {
			n := indexName{kindUnique, coll, ix.Field}.String()
			out[n] = fmt.Sprintf(`CREATE UNIQUE INDEX "%s" ON "%s" (%s)`, n, coll, expr)
		} else {
			n := indexName{kindIndex, coll, ix.Field}.String()
			out[n] = fmt.Sprintf(`CREATE INDEX "%s" ON "%s" (%s, id)`, n, coll, expr)
		}
		if ix.Field != "version" {
			n := indexName{kindArray, coll, ix.Field}.String()
			t := typeExpr(ix.Field)
			out[n] = fmt.Sprintf(`CREATE INDEX "%s" ON "%s" (%s) WHERE %s = 'array'`, n, coll, t, t)
		}
	}
	return out, nil
}

// compositeDDL is the index over the keys' expressions in their directions, then id in the last
// key's direction: the order of ORDER BY k1, k2, id that findSQL writes, so SQLite reads a page
// straight from the index (backwards for the reverse order).
func compositeDDL(coll string, ix store.Index) (string, string, error) {
	cols := make([]string, 0, len(ix.Keys)+1)
	for _, k := range store.WithIDTieBreak(ix.Keys) {
		if k.Field == "id" && len(cols) < len(ix.Keys) {
			return "", "", fmt.Errorf("sqlite: id cannot be a key of a composite index")
		}
		x, err := fieldExpr(k.Field)
		if err != nil {
			return "", "", err
		}
		if k.Desc {
			x += " DESC"
		}
		cols = append(cols, x)
	}
	n := indexName{kindMulti, coll, ix.Spec()}.String()
	return n, fmt.Sprintf(`CREATE INDEX "%s" ON "%s" (%s)`, n, coll, strings.Join(cols, ", ")), nil
}

// tableDDL creates a collection's table. It is a rowid table (not WITHOUT ROWID): documents are
// JSON of often more than 1 KB, which a rowid table keeps in its leaf pages (up to ~4 KB) where a
// WITHOUT ROWID table would spill them to overflow pages beyond ~1 KB, slowing the table scans
// that filters on unindexed fields need; secondary indexes then also point by an 8-byte rowid.
func tableDDL(coll string) string {
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS "%s" (id TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL)`, coll)
}

// EnsureCollection creates the table if needed and makes its indexes exactly the given list, in
// one transaction: when an index cannot be built (a unique index over duplicate values) nothing
// changes.
func (s *Store) EnsureCollection(ctx context.Context, coll string, idx []store.Index) error {
	if err := checkColl(coll); err != nil {
		return err
	}
	want, err := indexDDL(coll, idx)
	if err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(ctx, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, tableDDL(coll)); err != nil {
		return mapErr(ctx, err)
	}
	// sqlite_master keeps each index's CREATE statement as written, so an index whose definition
	// changed (in a later version of this file) is rebuilt, not kept under its old name.
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, coll)
	if err != nil {
		return mapErr(ctx, err)
	}
	have := map[string]string{}
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return mapErr(ctx, err)
		}
		if n, ok := parseIndexName(name); ok && n.coll == coll {
			have[name] = ddl
		}
	}
	if err := rows.Close(); err != nil {
		return mapErr(ctx, err)
	}
	for name, ddl := range have {
		if want[name] != ddl {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP INDEX "%s"`, name)); err != nil {
				return mapErr(ctx, err)
			}
		}
	}
	created := false
	for name, ddl := range want {
		if have[name] == ddl {
			continue
		}
		created = true
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("sqlite: cannot create index on %s.%s: %w", coll, mustParse(name).field, mapWriteErr(ctx, coll, err))
		}
	}
	if err := tx.Commit(); err != nil {
		return mapErr(ctx, err)
	}
	s.known(coll, true)
	s.mu.Lock()
	s.indexes[coll] = append([]store.Index(nil), idx...)
	s.mu.Unlock()
	if created {
		// A new index has no statistics: the planner would guess its selectivity.
		return s.optimize(ctx)
	}
	return nil
}

func mustParse(name string) indexName { n, _ := parseIndexName(name); return n }

// DropCollection drops the table and with it its indexes.
func (s *Store) DropCollection(ctx context.Context, coll string) error {
	if err := checkColl(coll); err != nil {
		return err
	}
	s.known(coll, false)
	s.mu.Lock()
	delete(s.indexes, coll)
	s.mu.Unlock()
	if _, err := s.writer.ExecContext(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS "%s"`, coll)); err != nil {
		return mapErr(ctx, err)
	}
	return nil
}

// known records whether coll's table exists.
func (s *Store) known(coll string, exists bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if exists {
		s.tables[coll] = true
	} else {
		delete(s.tables, coll)
	}
}

// ensureTable creates coll's table unless it is known to exist; writes call it so collections
// are created lazily.
func (s *Store) ensureTable(ctx context.Context, coll string) error {
	s.mu.Lock()
	ok := s.tables[coll]
	s.mu.Unlock()
	if ok {
		return nil
	}
	if _, err := s.writer.ExecContext(ctx, tableDDL(coll)); err != nil {
		return mapErr(ctx, err)
	}
	s.known(coll, true)
	return nil
}
