package storetest

import (
	"errors"
	"testing"

	"crm/engine/store"
)

// runCRUD pins Insert, Get, Replace and Delete with their version compare-and-set.
func runCRUD(t *testing.T, open opener) {
	const c = "obj_crud"

	t.Run("round_trip_value_kinds", func(t *testing.T) {
		s := open(t)
		in := store.Doc{
			"id":       "rt1",
			"text":     `héllo "double" 'single' \ back 中文 🚀 <tag>&`,
			"empty":    "",
			"yes":      true,
			"no":       false,
			"big":      int64(9007199254740993),
			"max":      int64(9223372036854775807),
			"negative": int64(-42),
			"zero":     int64(0),
			"integral": 5.0,
			"fraction": 3.25,
			"negf":     -0.5,
			"zerof":    0.0,
			"huge":     1e21,
			"tiny":     1.5e-7,
			"tags":     []any{"red", "blue", "中文"},
			"none":     []any{},
			"nested": map[string]any{
				"k":     "v",
				"n":     int64(2),
				"f":     1.0,
				"b":     true,
				"list":  []any{int64(1), 2.5, "x"},
				"inner": map[string]any{"deep": "yes"},
			},
			"gone": nil,
		}
		if err := s.Insert(ctxOf(t), c, in); err != nil {
			t.Fatalf("Insert: %v", err)
		}
		want := with(in, "version", int64(1))
		delete(want, "gone")
		expectDoc(t, s, c, want)

		got := mustGet(t, s, c, "rt1")
		if _, ok := got["integral"].(float64); !ok {
			t.Errorf("integral float 5.0 came back as %T, want float64", got["integral"])
		}
		if _, ok := got["big"].(int64); !ok {
			t.Errorf("int64 came back as %T, want int64", got["big"])
		}
		if _, ok := got["gone"]; ok {
			t.Errorf("key with nil value was stored: %#v", got["gone"])
		}
		if got["id"] != "rt1" || got["version"] != int64(1) {
			t.Errorf("id/version = %#v/%#v, want rt1/1", got["id"], got["version"])
		}
	})

	t.Run("insert_version", func(t *testing.T) {
		s := open(t)
		// A positive int64 version is kept (imports keep versions); anything else stores 1.
		mustInsert(t, s, c, store.Doc{"id": "kept", "version": int64(99), "a": "x"},
			store.Doc{"id": "plain", "a": "y"}, store.Doc{"id": "zero", "version": int64(0)},
			store.Doc{"id": "float", "version": 7.0})
		expectDoc(t, s, c, store.Doc{"id": "kept", "version": int64(99), "a": "x"})
		expectDoc(t, s, c, store.Doc{"id": "plain", "version": int64(1), "a": "y"})
		expectDoc(t, s, c, store.Doc{"id": "zero", "version": int64(1)})
		expectDoc(t, s, c, store.Doc{"id": "float", "version": int64(1)})
		if err := s.Replace(ctxOf(t), c, store.Doc{"id": "kept", "a": "z"}, 99); err != nil {
			t.Fatalf("Replace at the kept version: %v", err)
		}
		expectDoc(t, s, c, store.Doc{"id": "kept", "version": int64(100), "a": "z"})
	})

	t.Run("get_missing", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "here"})
		expectMissing(t, s, c, "nothere")
	})

	t.Run("insert_duplicate_id", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "a", "v": "first"})
		err := s.Insert(ctxOf(t), c, store.Doc{"id": "a", "v": "second"})
		if !errors.Is(err, store.ErrDuplicateID) {
			t.Fatalf("second Insert of id a: got %v, want ErrDuplicateID", err)
		}
		expectDoc(t, s, c, store.Doc{"id": "a", "version": int64(1), "v": "first"})
	})

	t.Run("replace", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "r", "a": "1", "b": int64(2)})
		// The version key in the passed document is not what is stored: expectVersion+1 is.
		err := s.Replace(ctxOf(t), c, store.Doc{"id": "r", "version": int64(1), "a": "2", "c": true, "d": nil}, 1)
		if err != nil {
			t.Fatalf("Replace with right version: %v", err)
		}
		expectDoc(t, s, c, store.Doc{"id": "r", "version": int64(2), "a": "2", "c": true})

		err = s.Replace(ctxOf(t), c, store.Doc{"id": "r", "a": "3"}, 2)
		if err != nil {
			t.Fatalf("second Replace: %v", err)
		}
		expectDoc(t, s, c, store.Doc{"id": "r", "version": int64(3), "a": "3"})
	})

	t.Run("replace_stale_version", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "r", "a": "1"})
		if err := s.Replace(ctxOf(t), c, store.Doc{"id": "r", "a": "2"}, 1); err != nil {
			t.Fatalf("Replace: %v", err)
		}
		for _, v := range []int64{1, 3, 0} {
			err := s.Replace(ctxOf(t), c, store.Doc{"id": "r", "a": "stale"}, v)
			if !errors.Is(err, store.ErrVersionConflict) {
				t.Errorf("Replace with version %d (stored 2): got %v, want ErrVersionConflict", v, err)
			}
		}
		expectDoc(t, s, c, store.Doc{"id": "r", "version": int64(2), "a": "2"})
	})

	t.Run("replace_missing", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "other"})
		err := s.Replace(ctxOf(t), c, store.Doc{"id": "nope", "a": "x"}, 1)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Replace of missing id: got %v, want ErrNotFound", err)
		}
		expectMissing(t, s, c, "nope")
	})

	t.Run("delete_any_version", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "d"}, store.Doc{"id": "keep"})
		if err := s.Replace(ctxOf(t), c, store.Doc{"id": "d", "x": int64(1)}, 1); err != nil {
			t.Fatalf("Replace: %v", err)
		}
		if err := s.Delete(ctxOf(t), c, "d", 0); err != nil {
			t.Fatalf("Delete with version 0: %v", err)
		}
		expectMissing(t, s, c, "d")
		expectDoc(t, s, c, store.Doc{"id": "keep", "version": int64(1)})
	})

	t.Run("delete_right_version", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "d"})
		if err := s.Delete(ctxOf(t), c, "d", 1); err != nil {
			t.Fatalf("Delete with version 1: %v", err)
		}
		expectMissing(t, s, c, "d")
		// The id can be used again after a delete.
		mustInsert(t, s, c, store.Doc{"id": "d", "again": true})
		expectDoc(t, s, c, store.Doc{"id": "d", "version": int64(1), "again": true})
	})

	t.Run("delete_stale_version", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "d", "a": "x"})
		err := s.Delete(ctxOf(t), c, "d", 2)
		if !errors.Is(err, store.ErrVersionConflict) {
			t.Fatalf("Delete with stale version: got %v, want ErrVersionConflict", err)
		}
		expectDoc(t, s, c, store.Doc{"id": "d", "version": int64(1), "a": "x"})
	})

	t.Run("delete_missing", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, c, store.Doc{"id": "other"})
		for _, v := range []int64{0, 1} {
			err := s.Delete(ctxOf(t), c, "nope", v)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Delete of missing id with version %d: got %v, want ErrNotFound", v, err)
			}
		}
		expectDoc(t, s, c, store.Doc{"id": "other", "version": int64(1)})
	})
}
