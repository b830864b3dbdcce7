package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"crm/engine/store"
)

// Find returns up to q.Limit matching documents in q.Sort order, ended by _id ascending. MongoDB
// orders a missing field before every value, so missing values come first ascending and last
// descending, as the seam requires.
func (s *Store) Find(ctx context.Context, coll string, q store.Query) ([]store.Doc, error) {
	c, err := s.coll(coll)
	if err != nil {
		return nil, err
	}
	filter, err := compileFilter(q.Filter)
	if err != nil {
		return nil, err
	}
	sort, err := compileSort(q.Sort)
	if err != nil {
		return nil, err
	}
	opts := options.Find().SetSort(sort)
	if q.Limit > 0 {
		opts.SetLimit(int64(q.Limit))
	}
	if len(q.Keys) > 0 {
		proj := bson.D{{Key: "_id", Value: 1}}
		for _, k := range q.Keys {
			path, err := fieldPath(k)
			if err != nil {
				return nil, err
			}
			proj = append(proj, bson.E{Key: path, Value: 1})
		}
		opts.SetProjection(proj)
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(ctx, "find", err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	out := []store.Doc{}
	for cur.Next(ctx) {
		d, err := decodeDoc(cur.Current)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := cur.Err(); err != nil {
		return nil, mapErr(ctx, "find", err)
	}
	return out, nil
}

// Count returns how many documents match the filter (nil: all).
func (s *Store) Count(ctx context.Context, coll string, f store.Filter) (int64, error) {
	c, err := s.coll(coll)
	if err != nil {
		return 0, err
	}
	filter, err := compileFilter(f)
	if err != nil {
		return 0, err
	}
	n, err := c.CountDocuments(ctx, filter)
	if err != nil {
		return 0, mapErr(ctx, "count", err)
	}
	return n, nil
}

// compileSort maps the sort keys with the id tie-breaker appended. A field listed twice keeps
// its first position (MongoDB refuses duplicate sort keys; a repeat cannot change the order).
func compileSort(keys []store.SortKey) (bson.D, error) {
	keys = store.WithIDTieBreak(keys)
	out := make(bson.D, 0, len(keys))
	seen := map[string]bool{}
	for _, k := range keys {
		path, err := fieldPath(k.Field)
		if err != nil {
			return nil, err
		}
		if seen[path] {
			continue
		}
		seen[path] = true
		dir := 1
		if k.Desc {
			dir = -1
		}
		out = append(out, bson.E{Key: path, Value: dir})
	}
	return out, nil
}
