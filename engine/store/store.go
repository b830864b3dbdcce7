// Package store is the storage seam of the engine: one narrow interface in the engine's own terms,
// implemented by the embedded sqlite backend and the MongoDB backend. The conformance suite in
// storetest pins the behaviour every backend must have.
//
// A document is a flat-ish map of values. Backends store and return these value kinds only:
//
//	nil (never stored: a key with a nil value is left out), string, bool, int64, float64,
//	[]any of those, map[string]any of those.
//
// The kind survives the round trip: an int64 comes back as int64 and a float64 as float64, also
// when the float has an integral value. Money is stored as int64 minor units by the engine, never
// as a float; instants as fixed-width UTC strings ("2006-01-02T15:04:05.000Z"), which sort and
// compare correctly as text on every backend. The keys "id" (string) and
// "version" (int64) are the document's identity and its optimistic version; keys never start with
// "$" and never contain "." or NUL (the engine refuses them before they reach a backend).
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Doc is one stored document. "id" and "version" are always present on documents returned by a
// backend.
type Doc = map[string]any

// Store is the seam. Collection names match ^[a-z][a-z0-9_]{0,62}$ and are chosen by the engine
// (object names prefixed "obj_", system collections like "meta_objects"); the name "sys_counters"
// is the backends' own. Field names in indexes, filters and sorts match ^[a-z][a-z0-9_]{0,62}$ or
// are "id" / "version". Collections are created lazily: reads of one that was never created answer
// as for an empty one (Get: ErrNotFound), and the first Insert creates it.
type Store interface {
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the backend's resources.
	Close() error

	// EnsureCollection creates the collection if needed and makes its secondary indexes exactly
	// the given list (creating missing ones, dropping ones no longer listed). Idempotent.
	EnsureCollection(ctx context.Context, coll string, indexes []Index) error
	// DropCollection removes a collection and its documents; dropping a missing one is no error.
	DropCollection(ctx context.Context, coll string) error

	// Insert stores a new document. doc["id"] must be set. The version is doc["version"] when
	// that is a positive int64 (an import keeps versions), otherwise 1.
	// Errors: ErrDuplicateID when the id exists, *DuplicateError on a unique index.
	Insert(ctx context.Context, coll string, doc Doc) error
	// Get returns the document with this id, or ErrNotFound.
	Get(ctx context.Context, coll, id string) (Doc, error)
	// Replace overwrites the whole document when its stored version equals expectVersion, and
	// stores version expectVersion+1. Errors: ErrNotFound (no such id), ErrVersionConflict (the
	// id exists with another version), *DuplicateError.
	Replace(ctx context.Context, coll string, doc Doc, expectVersion int64) error
	// Delete removes the document; expectVersion 0 means any version.
	// Errors: ErrNotFound, ErrVersionConflict.
	Delete(ctx context.Context, coll, id string, expectVersion int64) error

	// Batch applies ops in order; when it returns nil, every op is stored (durably, as
	// any write), and when an op fails it returns an *OpError naming it. Backends with
	// transactions use one: a failed batch leaves nothing. The others (FerretDB, a standalone
	// MongoDB) apply the ops one by one and, when one fails, remove the documents the batch
	// inserted before it, last first; if it replaced or deleted one before it, which cannot be
	// undone, what it stored stays. So there what a failure or a crash leaves is a prefix of the
	// batch, and callers order ops so that every prefix recovers (see Atomic). The engine's record
	// writes do: the event job first (it carries the audit entry), then the record, then the audit
	// entry; whoever runs the event confirms the record write from the record or the entry, stores
	// the entry if missing and runs the automations, or drops the event when the write never
	// happened (engine/record_events.go has the table of prefixes).
	Batch(ctx context.Context, ops []WriteOp) error
	// Atomic reports whether Batch is a transaction, so that a crash never leaves a prefix. The
	// engine writes a repair event per record write only where it is not.
	Atomic() bool

	// Find returns up to q.Limit documents matching q.Filter in q.Sort order. The sort always ends
	// with "id" ascending as a tie-breaker (added by the backend when missing).
	Find(ctx context.Context, coll string, q Query) ([]Doc, error)
	// Count returns how many documents match the filter (nil: all).
	Count(ctx context.Context, coll string, f Filter) (int64, error)
	// Aggregate groups the documents matching q.Filter by q.GroupBy and computes q.Measures per
	// group (see AggOp), answering the groups in SortGroups order. The filter is the same as
	// Find's, so indexes serve it. Errors on a query CheckAggQuery refuses.
	Aggregate(ctx context.Context, coll string, q AggQuery) ([]Group, error)

	// NextSequence atomically increments the named counter and returns its new value; the first
	// call returns 1. Values never repeat, also across processes sharing the database.
	NextSequence(ctx context.Context, name string) (int64, error)
	// Sequences returns every counter with its current value (for export).
	Sequences(ctx context.Context) (map[string]int64, error)
	// SetSequence raises the named counter to at least value (for import); it never lowers one,
	// so numbers already handed out are never handed out again.
	SetSequence(ctx context.Context, name string, value int64) error
}

// InsertVersion is the version Insert stores for doc: its own when positive, else 1.
func InsertVersion(doc Doc) int64 {
	if v, ok := doc["version"].(int64); ok && v > 0 {
		return v
	}
	return 1
}

// OpKind is what a WriteOp does.
type OpKind int

// Op kinds: as the Store methods of the same names.
const (
	OpInsert OpKind = iota + 1
	OpReplace
	OpDelete
)

// WriteOp is one write of a Batch. Insert takes Doc; Replace takes Doc and Expect; Delete takes ID and
// Expect (0: any version).
type WriteOp struct {
	Kind   OpKind
	Coll   string
	Doc    Doc
	ID     string
	Expect int64
}

// OpError is the failure of op Index of a Batch; Err is what the Store method of the same kind
// answers (ErrVersionConflict, *DuplicateError, ...), so errors.Is and errors.As see through it.
type OpError struct {
	Index int
	Err   error
}

func (e *OpError) Error() string { return fmt.Sprintf("store: batch op %d: %v", e.Index, e.Err) }
func (e *OpError) Unwrap() error { return e.Err }

// Index is a secondary index over one field (Field), or a composite index over several (Keys, in
// order and direction, then id) that serves an equality on the leading keys with a range or a
// sort on the next ones, and cursor pages by id.
type Index struct {
	Field  string
	Unique bool      // documents without the field (or with nil) never conflict
	Keys   []SortKey // composite: two or more scalar fields, never "id"; Field empty, Unique false
}

// Spec names a composite index's keys as a sort is written ("stage,-amount").
func (ix Index) Spec() string {
	parts := make([]string, len(ix.Keys))
	for i, k := range ix.Keys {
		parts[i] = k.Field
		if k.Desc {
			parts[i] = "-" + k.Field
		}
	}
	return strings.Join(parts, ",")
}

// Columns are the keys an index orders documents by, ending with the id tie-break where the
// index holds it (not in a unique index): what a planner matches a sort against.
func (ix Index) Columns() []SortKey {
	switch {
	case len(ix.Keys) > 0:
		return WithIDTieBreak(ix.Keys)
	case ix.Unique:
		return []SortKey{{Field: ix.Field}}
	}
	return WithIDTieBreak([]SortKey{{Field: ix.Field}})
}

// Query is what Find takes.
type Query struct {
	Filter Filter    // nil: all documents
	Sort   []SortKey // empty: by id
	Limit  int       // 0: no limit
	// Keys, when not empty, narrows each document to its id and these fields, which hold
	// strings the engine computes (duplicate keys): a backend reads them from an index that
	// holds them where it can (SQLite: a covering index), instead of reading whole documents.
	Keys []string
}

// SortKey orders by one field. Missing values sort before every present value (ascending).
// Present promises that every document has a value for the field (id, created_at, updated_at),
// which lets a cursor bound a descending key from both sides (After); it plays no part in the
// order nor in an index's keys.
type SortKey struct {
	Field   string
	Desc    bool
	Present bool
}

// Errors every backend maps its own failures to. Backend messages never reach users raw.
var (
	ErrNotFound        = errors.New("store: not found")
	ErrVersionConflict = errors.New("store: version conflict")
	ErrDuplicateID     = errors.New("store: duplicate id")
	ErrTimeout         = errors.New("store: query time limit exceeded")
)

// DuplicateError reports a unique index violation on Field.
type DuplicateError struct{ Field string }

func (e *DuplicateError) Error() string { return fmt.Sprintf("store: duplicate value for %q", e.Field) }

// Unavailable wraps a failure of the database itself (connection lost, disk full) so the engine
// can answer 503 without showing the backend's text.
type Unavailable struct{ Err error }

func (e *Unavailable) Error() string { return "store: database unavailable: " + e.Err.Error() }
func (e *Unavailable) Unwrap() error { return e.Err }
