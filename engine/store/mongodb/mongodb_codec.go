package mongodb

import (
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"crm/engine/store"
)

// encodeDoc turns a store document into an ordered bson document with "id" as _id and the given
// version, so that the stored kinds are exactly the seam's: int64 stays BSON int64 and float64
// stays BSON double. Keys with a nil value are left out, as the seam requires.
func encodeDoc(doc store.Doc, version int64) (bson.D, error) {
	id, ok := doc["id"].(string)
	if !ok || id == "" {
		return nil, fmt.Errorf("mongodb: document id must be a non-empty string, got %T", doc["id"])
	}
	out := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
	for _, k := range sortedKeys(doc) {
		if k == "id" || k == "version" || doc[k] == nil {
			continue
		}
		v, err := encodeValue(doc[k])
		if err != nil {
			return nil, fmt.Errorf("mongodb: field %q: %w", k, err)
		}
		out = append(out, bson.E{Key: k, Value: v})
	}
	return out, nil
}

// encodeValue converts one value of the seam's kinds to what the driver marshals to the intended
// BSON type. Common Go kinds a caller may hand over by mistake (int, int32, float32, []string) are
// widened to the seam's kinds rather than rejected; anything else is an error.
func encodeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, bool, int64, float64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case []string:
		out := make(bson.A, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []any:
		out := make(bson.A, len(x))
		for i, e := range x {
			ev, err := encodeValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	case map[string]any:
		out := make(bson.D, 0, len(x))
		for _, k := range sortedKeys(x) {
			if x[k] == nil {
				continue
			}
			ev, err := encodeValue(x[k])
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			out = append(out, bson.E{Key: k, Value: ev})
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported value kind %T", v)
	}
}

// decodeDoc turns a stored bson document into a store document: _id becomes "id" and every
// value becomes one of the seam's kinds.
func decodeDoc(raw bson.Raw) (store.Doc, error) {
	m, err := decodeMap(raw)
	if err != nil {
		return nil, err
	}
	if id, ok := m["_id"]; ok {
		delete(m, "_id")
		m["id"] = id
	}
	return m, nil
}

// decodeMap decodes an embedded document; null values are left out like nil keys on write.
func decodeMap(raw bson.Raw) (map[string]any, error) {
	elems, err := raw.Elements()
	if err != nil {
		return nil, fmt.Errorf("mongodb: malformed document: %w", err)
	}
	out := make(map[string]any, len(elems))
	for _, e := range elems {
		v, err := decodeValue(e.Value())
		if err != nil {
			return nil, fmt.Errorf("mongodb: field %q: %w", e.Key(), err)
		}
		if v != nil {
			out[e.Key()] = v
		}
	}
	return out, nil
}

// decodeValue maps one BSON value to the seam's kinds. int32 widens to int64; values the engine
// never writes (ObjectId, date, decimal) are turned into their canonical strings so that data
// written by other tools still reads.
func decodeValue(v bson.RawValue) (any, error) {
	switch v.Type {
	case bson.TypeString:
		return v.StringValue(), nil
	case bson.TypeBoolean:
		return v.Boolean(), nil
	case bson.TypeInt64:
		return v.Int64(), nil
	case bson.TypeInt32:
		return int64(v.Int32()), nil
	case bson.TypeDouble:
		return v.Double(), nil
	case bson.TypeNull, bson.TypeUndefined:
		return nil, nil
	case bson.TypeEmbeddedDocument:
		return decodeMap(v.Document())
	case bson.TypeArray:
		vals, err := v.Array().Values()
		if err != nil {
			return nil, fmt.Errorf("malformed array: %w", err)
		}
		out := make([]any, 0, len(vals))
		for _, e := range vals {
			ev, err := decodeValue(e)
			if err != nil {
				return nil, err
			}
			out = append(out, ev)
		}
		return out, nil
	case bson.TypeObjectID:
		return v.ObjectID().Hex(), nil
	case bson.TypeDateTime:
		return v.Time().UTC().Format(instantLayout), nil
	case bson.TypeDecimal128:
		return v.Decimal128().String(), nil
	default:
		return nil, fmt.Errorf("unsupported BSON type %s", v.Type)
	}
}

// sortedKeys gives a stable key order so stored documents are byte-for-byte reproducible.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// instantLayout is the seam's fixed-width UTC instant format, used for BSON dates written by
// other tools.
const instantLayout = "2006-01-02T15:04:05.000Z"
