package mongodb_test

import (
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"crm/engine/store"
	"crm/engine/store/mongodb/mongotest"
	"crm/engine/store/storetest"
)

// TestConformance runs the seam's conformance suite against this backend.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return mongotest.Open(t) })
}

// TestKindsRoundTrip checks that every seam kind comes back as the same Go type, including
// integral floats and nested values, and that values written by other tools (int32, null) read
// as the seam's kinds. (Arrays inside arrays are left out: FerretDB v1 refuses them.)
func TestKindsRoundTrip(t *testing.T) {
	s := mongotest.Open(t)
	ctx := t.Context()
	in := store.Doc{
		"id": "k", "s": "text", "b": true, "i": int64(1) << 60, "small": int64(7),
		"f": 5.0, "g": -0.25, "list": []any{int64(1), 2.0, "x", false},
		"obj":  map[string]any{"n": int64(3), "f": 3.0, "empty": map[string]any{}, "skip": nil},
		"skip": nil,
	}
	if err := s.Insert(ctx, "obj_kinds", in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "obj_kinds", "k")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Doc{
		"id": "k", "version": int64(1), "s": "text", "b": true, "i": int64(1) << 60, "small": int64(7),
		"f": 5.0, "g": -0.25, "list": []any{int64(1), 2.0, "x", false},
		"obj": map[string]any{"n": int64(3), "f": 3.0, "empty": map[string]any{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got  %#v\n want %#v", got, want)
	}

	// The stored BSON types are int64 and double, not int32 (sorts and $type queries by other
	// tools see what the engine meant).
	raw, err := s.RawCollection("obj_kinds").FindOne(ctx, bson.D{{Key: "_id", Value: "k"}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	for key, typ := range map[string]bson.Type{"small": bson.TypeInt64, "version": bson.TypeInt64, "f": bson.TypeDouble} {
		if got := raw.Lookup(key).Type; got != typ {
			t.Errorf("stored %s as %s, want %s", key, got, typ)
		}
	}

	// Written by another tool: int32 widens to int64, null is left out.
	_, err = s.RawCollection("obj_kinds").InsertOne(ctx, bson.D{
		{Key: "_id", Value: "ext"}, {Key: "version", Value: int32(1)}, {Key: "n", Value: int32(5)},
		{Key: "null", Value: nil}, {Key: "arr", Value: bson.A{int32(1)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = s.Get(ctx, "obj_kinds", "ext")
	if err != nil {
		t.Fatal(err)
	}
	want = store.Doc{"id": "ext", "version": int64(1), "n": int64(5), "arr": []any{int64(1)}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("foreign document:\n got  %#v\n want %#v", got, want)
	}
}

// TestRefusesUnknownKinds checks that values outside the seam's kinds are refused before they
// reach the server.
func TestRefusesUnknownKinds(t *testing.T) {
	s := mongotest.Open(t)
	for _, v := range []any{struct{}{}, []byte("x"), map[string]string{"a": "b"}, uint64(1)} {
		if err := s.Insert(t.Context(), "obj_bad", store.Doc{"id": "x", "v": v}); err == nil {
			t.Errorf("Insert of a %T value succeeded; want an error", v)
		}
	}
	if err := s.Insert(t.Context(), "obj_bad", store.Doc{"v": "no id"}); err == nil {
		t.Errorf("Insert without id succeeded; want an error")
	}
	if err := s.Insert(t.Context(), "Bad.Name", store.Doc{"id": "x"}); err == nil {
		t.Errorf("Insert into an invalid collection name succeeded; want an error")
	}
}

// TestCompoundIndex checks that a composite index is built as a compound index in the keys'
// directions, ending with _id in the last one's, and dropped with the list.
func TestCompoundIndex(t *testing.T) {
	s := mongotest.Open(t)
	ctx := t.Context()
	ix := store.Index{Keys: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}}
	keys := func() map[string]bson.D {
		specs, err := s.RawCollection("obj_cx").Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bson.D{}
		for _, sp := range specs {
			var d bson.D
			if err := bson.Unmarshal(sp.KeysDocument, &d); err != nil {
				t.Fatal(err)
			}
			for i := range d {
				d[i].Value = toInt(d[i].Value)
			}
			out[sp.Name] = d
		}
		return out
	}
	if err := s.EnsureCollection(ctx, "obj_cx", []store.Index{ix}); err != nil {
		t.Fatal(err)
	}
	want := bson.D{{Key: "stage", Value: 1}, {Key: "amount", Value: -1}, {Key: "_id", Value: -1}}
	if got := keys()["idx_stage,-amount"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("index idx_stage,-amount has keys %v, want %v (all: %v)", got, want, keys())
	}
	if err := s.EnsureCollection(ctx, "obj_cx", nil); err != nil {
		t.Fatal(err)
	}
	if got, ok := keys()["idx_stage,-amount"]; ok {
		t.Fatalf("index kept after it left the list: %v", got)
	}
}

func toInt(v any) any {
	switch v := v.(type) {
	case int32:
		return int(v)
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return v
}
