package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// countersColl is the backend's own collection of named counters.
const countersColl = "sys_counters"

// NextSequence atomically increments the named counter and returns its new value (1 first). It
// is one findOneAndUpdate with $inc and upsert, atomic on the server, so values never repeat
// across processes. Two first calls on a fresh name may both try the upsert insert; the loser gets
// a duplicate key error and simply retries, then finding the document.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	c := s.db.Collection(countersColl)
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	update := bson.D{{Key: "$inc", Value: bson.D{{Key: "value", Value: int64(1)}}}}
	unlock, err := s.lockDoc(ctx, countersColl, name)
	if err != nil {
		return 0, err
	}
	defer unlock()
	for attempt := 0; attempt < 3; attempt++ {
		var raw bson.Raw
		raw, err = c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: name}}, update, opts).Raw()
		if err == nil {
			v, ok := raw.Lookup("value").AsInt64OK()
			if !ok {
				return 0, fmt.Errorf("mongodb: counter %q holds a non-integer value", name)
			}
			return v, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	return 0, mapErr(ctx, "next sequence", err)
}

// Sequences reads every counter.
func (s *Store) Sequences(ctx context.Context) (map[string]int64, error) {
	cur, err := s.db.Collection(countersColl).Find(ctx, bson.D{})
	if err != nil {
		return nil, mapErr(ctx, "sequences", err)
	}
	defer cur.Close(ctx)
	out := map[string]int64{}
	for cur.Next(ctx) {
		name, ok1 := cur.Current.Lookup("_id").StringValueOK()
		v, ok2 := cur.Current.Lookup("value").AsInt64OK()
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("mongodb: malformed counter %v", cur.Current)
		}
		out[name] = v
	}
	return out, mapErr(ctx, "sequences", cur.Err())
}

// SetSequence raises a counter to at least value: $max never lowers it, and the upsert creates it.
func (s *Store) SetSequence(ctx context.Context, name string, value int64) error {
	unlock, err := s.lockDoc(ctx, countersColl, name)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.db.Collection(countersColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: name}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "value", Value: value}}}}, options.UpdateOne().SetUpsert(true))
	return mapErr(ctx, "set sequence", err)
}
