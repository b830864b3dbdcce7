package mongodb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"crm/engine/store"
)

// backendError hides a driver error's text behind a fixed message while keeping it reachable
// through errors.As/Unwrap for logs, so store.Unavailable never shows the backend's words.
type backendError struct {
	msg string
	err error
}

func (e *backendError) Error() string { return e.msg }
func (e *backendError) Unwrap() error { return e.err }

// unavailableCodes are server error codes meaning "this node cannot serve now" (shutdown, not
// primary, step-down): the database is unavailable rather than the request wrong.
var unavailableCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// mapErr maps a driver error to the seam's errors: time limits to store.ErrTimeout, an
// unreachable or failing server to *store.Unavailable, a canceled context to context.Canceled.
// Other errors (a bug in a query) are wrapped with the operation name.
func mapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("mongodb: %s: %w", op, context.Canceled)
	}
	var sel topology.ServerSelectionError
	if errors.As(err, &sel) || errors.Is(err, mongo.ErrClientDisconnected) {
		return &store.Unavailable{Err: &backendError{msg: "mongodb: no server reachable", err: err}}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || mongo.IsTimeout(err) {
		return store.ErrTimeout
	}
	if mongo.IsNetworkError(err) {
		return &store.Unavailable{Err: &backendError{msg: "mongodb: connection failed", err: err}}
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for _, c := range unavailableCodes {
			if se.HasErrorCode(c) {
				return &store.Unavailable{Err: &backendError{msg: "mongodb: server not serving", err: err}}
			}
		}
	}
	return fmt.Errorf("mongodb: %s: %w", op, err)
}

// dupIndexName finds the index named in a MongoDB duplicate key message
// ("... index: uniq_email dup key: ..."). FerretDB names none; then ok is false.
var dupIndexName = regexp.MustCompile(`index: (\S+) dup key`)

// indexFromDupErr returns the index name a duplicate key error reports, if any.
func indexFromDupErr(err error) (string, bool) {
	var msgs []string
	var we mongo.WriteException
	if errors.As(err, &we) {
		for _, e := range we.WriteErrors {
			msgs = append(msgs, e.Message)
		}
	}
	msgs = append(msgs, err.Error())
	for _, m := range msgs {
		if sm := dupIndexName.FindStringSubmatch(m); sm != nil {
			return sm[1], true
		}
	}
	return "", false
}

// isUniqueViolation reports a unique-constraint failure: a real duplicate key error, or the
// internal error FerretDB's SQLite handler answers when an update (not an insert) breaks a
// unique index, which carries SQLite's own "UNIQUE constraint failed" text instead of E11000.
func isUniqueViolation(err error) bool {
	return mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// duplicateErr turns a unique violation while writing doc into the seam's error: ErrDuplicateID
// for _id, *store.DuplicateError for a unique field. When the server does not name the index
// (FerretDB), it looks for the colliding document itself: first by id (checkID, for inserts),
// then by each unique field of the collection.
func (s *Store) duplicateErr(ctx context.Context, coll string, doc bson.D, err error, checkID bool) error {
	if name, ok := indexFromDupErr(err); ok {
		if name == "_id_" {
			return store.ErrDuplicateID
		}
		if f, ok := strings.CutPrefix(name, uniquePrefix); ok {
			return &store.DuplicateError{Field: f}
		}
	}
	c := s.db.Collection(coll)
	id := lookup(doc, "_id")
	if checkID {
		n, cerr := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
		if cerr != nil {
			return mapErr(ctx, "insert", cerr)
		}
		if n > 0 {
			return store.ErrDuplicateID
		}
	}
	fields, ferr := s.uniqueFields(ctx, coll)
	if ferr != nil {
		return ferr
	}
	for _, f := range fields {
		v := lookup(doc, f)
		if v == nil {
			continue
		}
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: id}}}, {Key: f, Value: sameValue(v)}}
		n, cerr := c.CountDocuments(ctx, filter)
		if cerr != nil {
			return mapErr(ctx, "duplicate check", cerr)
		}
		if n > 0 {
			return &store.DuplicateError{Field: f}
		}
	}
	if checkID && len(fields) == 0 {
		// Only _id can collide in this collection: the document was there when the insert ran
		// and has been deleted since (a claim or a job another engine finished meanwhile).
		return store.ErrDuplicateID
	}
	return &backendError{msg: "mongodb: duplicate key, the conflicting document is gone; retry", err: err}
}

// lookup returns the value of key in an encoded document, nil when absent.
func lookup(d bson.D, key string) any {
	for _, e := range d {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

// sameValue is the condition "collides with v in a unique index": for an array (a multikey
// index) any shared element collides.
func sameValue(v any) bson.D {
	if a, ok := v.(bson.A); ok {
		return bson.D{{Key: "$in", Value: a}}
	}
	return bson.D{{Key: "$eq", Value: v}}
}
