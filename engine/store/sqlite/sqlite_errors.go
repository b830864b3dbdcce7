package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"crm/engine/store"
)

// mapErr turns a driver error into the seam's errors, so no SQLite text reaches users raw.
// A context that ended wins over whatever the driver reported (an interrupted statement).
func mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(cerr, context.DeadlineExceeded) {
			return fmt.Errorf("%w: %w", store.ErrTimeout, cerr)
		}
		return cerr
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", store.ErrTimeout, err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return &store.Unavailable{Err: err}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB,
			sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
			sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_PERM:
			return &store.Unavailable{Err: err}
		}
	}
	return fmt.Errorf("sqlite: %w", err)
}

// mapWriteErr is mapErr for writes into coll: unique violations become ErrDuplicateID (the id
// column) or *store.DuplicateError naming the field of the unique index.
func mapWriteErr(ctx context.Context, coll string, err error) error {
	var se *sqlite.Error
	if err != nil && errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		msg := se.Error()
		if i := strings.Index(msg, "index '"); i >= 0 {
			name := msg[i+len("index '"):]
			if j := strings.IndexByte(name, '\''); j >= 0 {
				name = name[:j]
			}
			if ix, ok := parseIndexName(name); ok && ix.coll == coll {
				return &store.DuplicateError{Field: ix.field}
			}
		}
		if se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || strings.Contains(msg, coll+".id") {
			return store.ErrDuplicateID
		}
	}
	return mapErr(ctx, err)
}

// isNoTable reports whether err says the collection's table does not exist, which reads answer
// as an empty collection.
func isNoTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table")
}
