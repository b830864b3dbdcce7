package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"crm/engine/store"
)

// Insert stores a new document (version per store.InsertVersion).
func (s *Store) Insert(ctx context.Context, coll string, doc store.Doc) error {
	c, err := s.coll(coll)
	if err != nil {
		return err
	}
	d, err := encodeDoc(doc, store.InsertVersion(doc))
	if err != nil {
		return err
	}
	_, err = c.InsertOne(ctx, d)
	if err != nil && isUniqueViolation(err) {
		return s.duplicateErr(ctx, coll, d, err, true)
	}
	return mapErr(ctx, "insert", err)
}

// Get returns the document with this id, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	c, err := s.coll(coll)
	if err != nil {
		return nil, err
	}
	raw, err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, mapErr(ctx, "get", err)
	}
	return decodeDoc(raw)
}

// Replace overwrites the whole document when its stored version is expectVersion: the version
// is part of the filter, so the check and the write are one atomic single-document operation.
func (s *Store) Replace(ctx context.Context, coll string, doc store.Doc, expectVersion int64) error {
	c, err := s.coll(coll)
	if err != nil {
		return err
	}
	d, err := encodeDoc(doc, expectVersion+1)
	if err != nil {
		return err
	}
	id := lookup(d, "_id")
	unlock, err := s.lockDoc(ctx, coll, id.(string))
	if err != nil {
		return err
	}
	defer unlock()
	res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expectVersion}}, d)
	if err != nil {
		if isUniqueViolation(err) {
			return s.duplicateErr(ctx, coll, d, err, false)
		}
		return mapErr(ctx, "replace", err)
	}
	if res.MatchedCount == 0 {
		return s.missingOrConflict(ctx, c, id)
	}
	return nil
}

// Delete removes the document; expectVersion 0 means any version.
func (s *Store) Delete(ctx context.Context, coll, id string, expectVersion int64) error {
	c, err := s.coll(coll)
	if err != nil {
		return err
	}
	filter := bson.D{{Key: "_id", Value: id}}
	if expectVersion != 0 {
		filter = append(filter, bson.E{Key: "version", Value: expectVersion})
	}
	unlock, err := s.lockDoc(ctx, coll, id)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := c.DeleteOne(ctx, filter)
	if err != nil {
		return mapErr(ctx, "delete", err)
	}
	if res.DeletedCount == 0 {
		return s.missingOrConflict(ctx, c, id)
	}
	return nil
}

// missingOrConflict explains why a compare-and-set matched nothing: no such id
// (store.ErrNotFound) or another version (store.ErrVersionConflict).
func (s *Store) missingOrConflict(ctx context.Context, c *mongo.Collection, id any) error {
	n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr(ctx, "version check", err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return store.ErrVersionConflict
}
