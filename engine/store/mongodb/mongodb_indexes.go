package mongodb

import (
	"context"
	"errors"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"crm/engine/store"
)

// Index names carry their kind and field, so EnsureCollection can tell its own indexes (which it
// may drop) from _id_ and anything an operator added by hand, and so a duplicate key message from
// MongoDB ("index: uniq_email") names the field.
const (
	indexPrefix  = "idx_"
	uniquePrefix = "uniq_"
)

// Server error codes EnsureCollection tolerates because another process may do the same work.
const (
	codeNamespaceExists = 48
	codeIndexNotFound   = 27
)

// indexName is the stored name of a seam index.
func indexName(ix store.Index) string {
	if len(ix.Keys) > 0 {
		return indexPrefix + ix.Spec()
	}
	if ix.Unique {
		return uniquePrefix + ix.Field
	}
	return indexPrefix + ix.Field
}

// EnsureCollection creates the collection if needed and makes its idx_/uniq_ indexes exactly
// the given list. Unique indexes are sparse so documents without the field never conflict
// (partial indexes would be stricter but FerretDB lacks them; the engine never stores nulls).
// An index on "id" is skipped: _id is unique already.
func (s *Store) EnsureCollection(ctx context.Context, coll string, indexes []store.Index) error {
	c, err := s.coll(coll)
	if err != nil {
		return err
	}
	want := map[string]store.Index{}
	for _, ix := range indexes {
		if _, err := indexKeys(ix); err != nil {
			return err
		}
		if len(ix.Keys) == 0 && ix.Field == "id" {
			continue
		}
		want[indexName(ix)] = ix
	}
	// A field listed both plain and unique gets the unique index only: it serves the same
	// queries, and MongoDB refuses two indexes on one key pattern.
	for name, ix := range want {
		if !ix.Unique {
			if _, ok := want[uniquePrefix+ix.Field]; ok {
				delete(want, name)
			}
		}
	}

	if err := s.db.CreateCollection(ctx, coll); err != nil && !hasCode(err, codeNamespaceExists) {
		return mapErr(ctx, "create collection", err)
	}
	specs, err := c.Indexes().ListSpecifications(ctx)
	if err != nil {
		return mapErr(ctx, "list indexes", err)
	}
	have := map[string]bool{}
	for _, sp := range specs {
		have[sp.Name] = true
		if !strings.HasPrefix(sp.Name, indexPrefix) && !strings.HasPrefix(sp.Name, uniquePrefix) {
			continue
		}
		if _, ok := want[sp.Name]; ok {
			continue
		}
		if err := c.Indexes().DropOne(ctx, sp.Name); err != nil && !hasCode(err, codeIndexNotFound) {
			return mapErr(ctx, "drop index", err)
		}
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if have[name] {
			continue
		}
		ix := want[name]
		opts := options.Index().SetName(name)
		if ix.Unique {
			opts.SetUnique(true).SetSparse(true)
		}
		keys, _ := indexKeys(ix)
		model := mongo.IndexModel{Keys: keys, Options: opts}
		if _, err := c.Indexes().CreateOne(ctx, model); err != nil {
			if ix.Unique && isUniqueViolation(err) {
				// Existing documents already share a value.
				return &store.DuplicateError{Field: ix.Field}
			}
			return mapErr(ctx, "create index", err)
		}
	}
	return nil
}

// indexKeys is the key pattern of an index: one field ascending, or a compound index over the
// keys in their directions then _id in the last one's, the order of Find's sort.
func indexKeys(ix store.Index) (bson.D, error) {
	if len(ix.Keys) == 0 {
		path, err := fieldPath(ix.Field)
		return bson.D{{Key: path, Value: 1}}, err
	}
	var out bson.D
	for i, k := range store.WithIDTieBreak(ix.Keys) {
		path, err := fieldPath(k.Field)
		if err != nil {
			return nil, err
		}
		if path == "_id" && i < len(ix.Keys) {
			return nil, errors.New("mongodb: id cannot be a key of a composite index")
		}
		dir := 1
		if k.Desc {
			dir = -1
		}
		out = append(out, bson.E{Key: path, Value: dir})
	}
	return out, nil
}

// DropCollection removes a collection and its documents; a missing one is no error.
func (s *Store) DropCollection(ctx context.Context, coll string) error {
	c, err := s.coll(coll)
	if err != nil {
		return err
	}
	return mapErr(ctx, "drop collection", c.Drop(ctx))
}

// uniqueFields lists the fields with a uniq_ index, asked from the server each time (duplicate
// key errors are rare and another process may have changed the indexes).
func (s *Store) uniqueFields(ctx context.Context, coll string) ([]string, error) {
	specs, err := s.db.Collection(coll).Indexes().ListSpecifications(ctx)
	if err != nil {
		return nil, mapErr(ctx, "list indexes", err)
	}
	var out []string
	for _, sp := range specs {
		if f, ok := strings.CutPrefix(sp.Name, uniquePrefix); ok {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out, nil
}

// hasCode reports a server error with this code.
func hasCode(err error, code int) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(code)
}
