// Package mongodb is the MongoDB backend of the storage seam (driver v2). It runs against a real
// MongoDB (replica set or sharded cluster) in production and against an embedded FerretDB in
// tests, so it only uses what both have: single-document atomic operations, unique sparse indexes,
// no partial indexes, no Decimal128; multi-document transactions only in Batch, where the
// deployment has them.
//
// One MongoDB collection holds one store collection; the document's "id" is _id and "version" is
// a normal field used for compare-and-set.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"crm/engine/store"
)

// defaultTimeout is the client-wide operation timeout used when the URI sets no timeoutMS. It
// turns on client-side operation timeouts, so every context deadline also reaches the server as
// maxTimeMS and a slow query is stopped there, not only abandoned by the client.
const defaultTimeout = 30 * time.Second

// Store implements store.Store on one MongoDB database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	// serialWrites is set on FerretDB, whose conditional writes are not atomic (see lockDoc).
	serialWrites bool
	stripes      *stripes
	// oneAccumulator is set on FerretDB, whose $group feeds only its first accumulator.
	oneAccumulator bool
	// transactions is set on a replica set or a sharded cluster (see Batch).
	transactions bool
}

var _ store.Store = (*Store)(nil)

// Open connects to uri and uses database db. It pings before returning, so a wrong URI fails
// here and not on the first request.
func Open(ctx context.Context, uri, db string) (*Store, error) {
	if !validDBName.MatchString(db) {
		return nil, fmt.Errorf("mongodb: invalid database name %q", db)
	}
	opts := options.Client().ApplyURI(uri)
	if opts.Timeout == nil {
		opts.SetTimeout(defaultTimeout)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: connect: %w", err)
	}
	s := &Store{client: client, db: client.Database(db), stripes: new(stripes)}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if s.serialWrites, err = s.isFerretDB(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	s.oneAccumulator = s.serialWrites
	if !s.serialWrites {
		if s.transactions, err = s.hasTransactions(ctx); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Database is the name of the database the store uses.
func (s *Store) Database() string { return s.db.Name() }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	err := s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
	return mapErr(ctx, "ping", err)
}

// Close disconnects the client; it waits at most a few seconds for in-flight operations.
// Closing twice is no error.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.client.Disconnect(ctx)
	if errors.Is(err, mongo.ErrClientDisconnected) {
		return nil
	}
	return mapErr(ctx, "close", err)
}

// DropDatabase drops the whole database (used by tests and by `crm import` into an empty target).
func (s *Store) DropDatabase(ctx context.Context) error {
	return mapErr(ctx, "drop database", s.db.Drop(ctx))
}

// validName is the seam's rule for collection and field names.
var validName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// validDBName is what both MongoDB and FerretDB accept as a database name.
var validDBName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// coll returns the collection after checking its name, so a malformed name never reaches the
// server (where it could name a system collection).
func (s *Store) coll(name string) (*mongo.Collection, error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("mongodb: invalid collection name %q", name)
	}
	return s.db.Collection(name), nil
}

// fieldPath maps a seam field name to the stored one ("id" is _id) and rejects anything else
// than a plain name, so field names can never smuggle in operators or dotted paths.
func fieldPath(field string) (string, error) {
	switch {
	case field == "id":
		return "_id", nil
	case field == "version" || validName.MatchString(field):
		return field, nil
	default:
		return "", fmt.Errorf("mongodb: invalid field name %q", field)
	}
}
