package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"crm/engine/store"
)

// docID returns the document's id, which must be a non-empty string.
func docID(doc store.Doc) (string, error) {
	id, ok := doc["id"].(string)
	if !ok || id == "" {
		return "", fmt.Errorf("sqlite: document without a string id")
	}
	return id, nil
}

// Insert stores a new document (version per store.InsertVersion), creating the table on first use.
func (s *Store) Insert(ctx context.Context, coll string, doc store.Doc) error {
	return s.write(ctx, store.WriteOp{Kind: store.OpInsert, Coll: coll, Doc: doc})
}

// Get reads one document from a reader connection.
func (s *Store) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	if err := checkColl(coll); err != nil {
		return nil, err
	}
	var version int64
	var text string
	st, err := s.stmt(ctx, s.reader, fmt.Sprintf(`SELECT version, doc FROM "%s" WHERE id = ?`, coll))
	if err == nil {
		err = st.QueryRowContext(ctx, id).Scan(&version, &text)
	}
	if errors.Is(err, sql.ErrNoRows) || isNoTable(err) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	return toDoc(id, version, text)
}

// toDoc decodes a stored row into a document with its system keys.
func toDoc(id string, version int64, text string) (store.Doc, error) {
	d, err := decodeDoc(text)
	if err != nil {
		return nil, err
	}
	d["id"] = id
	d["version"] = version
	return d, nil
}

// Replace is a compare-and-set on the version: the UPDATE only matches the expected version, and
// when it matches nothing a lookup in the same transaction tells a missing id from a conflict.
func (s *Store) Replace(ctx context.Context, coll string, doc store.Doc, expectVersion int64) error {
	return s.write(ctx, store.WriteOp{Kind: store.OpReplace, Coll: coll, Doc: doc, Expect: expectVersion})
}

// Delete removes the document when its version matches (0: any version).
func (s *Store) Delete(ctx context.Context, coll, id string, expectVersion int64) error {
	return s.write(ctx, store.WriteOp{Kind: store.OpDelete, Coll: coll, ID: id, Expect: expectVersion})
}

// Sequences reads every counter.
func (s *Store) Sequences(ctx context.Context) (map[string]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT name, value FROM sys_counters`)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return nil, mapErr(ctx, err)
		}
		out[name] = v
	}
	return out, mapErr(ctx, rows.Err())
}

// SetSequence raises a counter to at least value in one statement.
func (s *Store) SetSequence(ctx context.Context, name string, value int64) error {
	_, err := s.writer.ExecContext(ctx,
		`INSERT INTO sys_counters (name, value) VALUES (?, ?)
		 ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`, name, value)
	return mapErr(ctx, err)
}
