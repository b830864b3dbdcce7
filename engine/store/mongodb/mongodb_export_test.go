package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// RawCollection exposes the driver collection to the external tests, which write documents the
// engine would not (int32, null) to check how they read back.
func (s *Store) RawCollection(name string) *mongo.Collection { return s.db.Collection(name) }

// DuplicateErr exposes duplicateErr so tests can feed it both servers' duplicate key messages.
func (s *Store) DuplicateErr(ctx context.Context, coll string, doc bson.D, err error, checkID bool) error {
	return s.duplicateErr(ctx, coll, doc, err, checkID)
}

// AsciiFoldPattern exposes asciiFoldPattern.
var AsciiFoldPattern = asciiFoldPattern
