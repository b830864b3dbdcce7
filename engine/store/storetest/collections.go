package storetest

import (
	"errors"
	"testing"

	"crm/engine/store"
)

// runCollections pins DropCollection and the lazy creation of collections.
func runCollections(t *testing.T, open opener) {
	const c = "obj_coll"

	t.Run("drop_removes_documents", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c, store.Index{Field: "email", Unique: true})
		mustEnsure(t, s, "obj_other")
		mustInsert(t, s, c, store.Doc{"id": "a", "email": "a@example.com"}, store.Doc{"id": "b"})
		mustInsert(t, s, "obj_other", store.Doc{"id": "a"})
		if err := s.DropCollection(ctxOf(t), c); err != nil {
			t.Fatalf("DropCollection: %v", err)
		}
		expectMissing(t, s, c, "a")
		if n, err := s.Count(ctxOf(t), c, nil); err != nil || n != 0 {
			t.Fatalf("Count after drop = %d, %v; want 0", n, err)
		}
		expectIDs(t, "Find after drop", mustFind(t, s, c, store.Query{}), nil)
		// Other collections are untouched.
		expectDoc(t, s, "obj_other", store.Doc{"id": "a", "version": int64(1)})

		// Inserting again recreates the collection, without the dropped indexes.
		mustInsert(t, s, c, store.Doc{"id": "a", "email": "a@example.com"}, store.Doc{"id": "b", "email": "a@example.com"})
		expectIDs(t, "Find after re-insert", mustFind(t, s, c, store.Query{}), []string{"a", "b"})
	})

	t.Run("drop_missing_is_no_error", func(t *testing.T) {
		s := open(t)
		if err := s.DropCollection(ctxOf(t), "obj_never"); err != nil {
			t.Fatalf("DropCollection of a missing collection: %v", err)
		}
		mustInsert(t, s, c, store.Doc{"id": "a"})
		for i := 0; i < 2; i++ {
			if err := s.DropCollection(ctxOf(t), c); err != nil {
				t.Fatalf("DropCollection call %d: %v", i+1, err)
			}
		}
	})

	t.Run("never_ensured_reads", func(t *testing.T) {
		s := open(t)
		expectMissing(t, s, "obj_never", "a")
		docs, err := s.Find(ctxOf(t), "obj_never", store.Query{
			Filter: store.Compare{Field: "name", Op: store.Eq, Value: "x"},
			Sort:   []store.SortKey{{Field: "name"}},
			Limit:  5,
		})
		if err != nil || len(docs) != 0 {
			t.Fatalf("Find on a never-ensured collection = %v, %v; want empty, nil", docs, err)
		}
		if n, err := s.Count(ctxOf(t), "obj_never", nil); err != nil || n != 0 {
			t.Fatalf("Count on a never-ensured collection = %d, %v; want 0", n, err)
		}
		if n, err := s.Count(ctxOf(t), "obj_never", store.IsNull{Field: "x"}); err != nil || n != 0 {
			t.Fatalf("Count with filter on a never-ensured collection = %d, %v; want 0", n, err)
		}
		if err := s.Replace(ctxOf(t), "obj_never", store.Doc{"id": "a"}, 1); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Replace on a never-ensured collection: %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctxOf(t), "obj_never", "a", 0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Delete on a never-ensured collection: %v, want ErrNotFound", err)
		}
	})

	t.Run("never_ensured_insert_creates", func(t *testing.T) {
		s := open(t)
		mustInsert(t, s, "obj_lazy", store.Doc{"id": "a", "n": int64(1)}, store.Doc{"id": "b", "n": int64(2)})
		expectDoc(t, s, "obj_lazy", store.Doc{"id": "a", "version": int64(1), "n": int64(1)})
		docs := mustFind(t, s, "obj_lazy", store.Query{Filter: store.Compare{Field: "n", Op: store.Gt, Value: int64(1)}})
		expectIDs(t, "Find on a lazily created collection", docs, []string{"b"})
		// EnsureCollection afterwards keeps the data.
		mustEnsure(t, s, "obj_lazy", store.Index{Field: "n", Unique: true})
		if n, err := s.Count(ctxOf(t), "obj_lazy", nil); err != nil || n != 2 {
			t.Fatalf("Count after EnsureCollection = %d, %v; want 2", n, err)
		}
	})
}
