package mongodb

import (
	"context"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"crm/engine/store"
)

// Aggregate groups on the server with $match and $group when the query needs only plain keys,
// counts and sums, the accumulators FerretDB v1 has. Other queries (avg, min, max, keys cut to a
// prefix) read the matching documents' needed fields and fold them with store.Folder, which
// keeps the seam's rules; the filter is still applied by the server in both cases. FerretDB v1
// feeds the documents of a group only to the first accumulator of a $group (the others see none),
// so there a query with several measures is folded too.
func (s *Store) Aggregate(ctx context.Context, coll string, q store.AggQuery) ([]store.Group, error) {
	if err := store.CheckAggQuery(q); err != nil {
		return nil, err
	}
	c, err := s.coll(coll)
	if err != nil {
		return nil, err
	}
	filter, err := compileFilter(q.Filter)
	if err != nil {
		return nil, err
	}
	if !serverSide(q) || (s.oneAccumulator && len(q.Measures) > 1) {
		return s.fold(ctx, coll, filter, q)
	}
	group := bson.D{}
	keys := bson.D{}
	for i, k := range q.GroupBy {
		path, err := fieldPath(k.Field)
		if err != nil {
			return nil, err
		}
		keys = append(keys, bson.E{Key: "k" + strconv.Itoa(i), Value: "$" + path})
	}
	if len(keys) == 0 {
		group = append(group, bson.E{Key: "_id", Value: nil})
	} else {
		group = append(group, bson.E{Key: "_id", Value: keys})
	}
	for i, m := range q.Measures {
		var acc any = int32(1)
		if m.Op == store.AggSum {
			path, err := fieldPath(m.Field)
			if err != nil {
				return nil, err
			}
			acc = "$" + path
		}
		group = append(group, bson.E{Key: "m" + strconv.Itoa(i), Value: bson.D{{Key: "$sum", Value: acc}}})
	}
	pipeline := bson.A{bson.D{{Key: "$match", Value: filter}}, bson.D{{Key: "$group", Value: group}}}
	cur, err := c.Aggregate(ctx, pipeline)
	if err != nil {
		return nil, mapErr(ctx, "aggregate", err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	out := []store.Group{}
	for cur.Next(ctx) {
		d, err := decodeMap(cur.Current)
		if err != nil {
			return nil, err
		}
		g := store.Group{Key: make([]any, len(q.GroupBy)), Values: make([]any, len(q.Measures))}
		id, _ := d["_id"].(map[string]any) // a missing key is left out of _id (or null)
		for i := range g.Key {
			g.Key[i] = id["k"+strconv.Itoa(i)]
		}
		for i := range g.Values {
			g.Values[i] = d["m"+strconv.Itoa(i)]
		}
		out = append(out, g)
	}
	if err := cur.Err(); err != nil {
		return nil, mapErr(ctx, "aggregate", err)
	}
	if len(out) == 0 {
		return store.EmptyResult(q), nil
	}
	if store.Overflowed(q, out) { // an int64 sum beyond int64 comes back as an inexact double
		return s.fold(ctx, coll, filter, q)
	}
	store.SortGroups(out)
	return out, nil
}

// serverSide tells whether $group with $sum answers the whole query.
func serverSide(q store.AggQuery) bool {
	for _, k := range q.GroupBy {
		if k.Prefix > 0 {
			return false
		}
	}
	for _, m := range q.Measures {
		if (m.Op != store.AggCount && m.Op != store.AggSum) || (m.Op == store.AggCount && m.Field != "") {
			return false
		}
	}
	return true
}

// fold reads only the fields the query needs of the matching documents and aggregates them here.
func (s *Store) fold(ctx context.Context, coll string, filter bson.D, q store.AggQuery) ([]store.Group, error) {
	c, err := s.coll(coll)
	if err != nil {
		return nil, err
	}
	proj := bson.D{}
	seen := map[string]bool{}
	need := func(field string) error {
		path, err := fieldPath(field)
		if err != nil {
			return err
		}
		if field != "" && !seen[path] {
			seen[path] = true
			proj = append(proj, bson.E{Key: path, Value: 1})
		}
		return nil
	}
	for _, k := range q.GroupBy {
		if err := need(k.Field); err != nil {
			return nil, err
		}
	}
	for _, m := range q.Measures {
		if m.Op == store.AggCount && m.Field == "" {
			continue
		}
		if err := need(m.Field); err != nil {
			return nil, err
		}
	}
	opts := options.Find()
	if len(proj) > 0 {
		opts.SetProjection(proj)
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(ctx, "aggregate", err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	f := store.NewFolder(q)
	for cur.Next(ctx) {
		d, err := decodeDoc(cur.Current)
		if err != nil {
			return nil, err
		}
		f.Add(d)
	}
	if err := cur.Err(); err != nil {
		return nil, mapErr(ctx, "aggregate", err)
	}
	return f.Groups(), nil
}
