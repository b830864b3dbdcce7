package storetest

import (
	"errors"
	"testing"

	"crm/engine/store"
)

// expectDuplicate asserts err is a *store.DuplicateError naming field.
func expectDuplicate(t *testing.T, what string, err error, field string) {
	t.Helper()
	var dup *store.DuplicateError
	if !errors.As(err, &dup) {
		t.Fatalf("%s: got error %v, want *store.DuplicateError on %q", what, err, field)
	}
	if dup.Field != field {
		t.Fatalf("%s: DuplicateError.Field = %q, want %q", what, dup.Field, field)
	}
}

// runIndexes pins unique indexes and how EnsureCollection manages the index list.
func runIndexes(t *testing.T, open opener) {
	const c = "obj_idx"
	uniqueEmail := store.Index{Field: "email", Unique: true}

	t.Run("unique_insert", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c, uniqueEmail)
		mustInsert(t, s, c, store.Doc{"id": "a", "email": "x@example.com"})
		err := s.Insert(ctxOf(t), c, store.Doc{"id": "b", "email": "x@example.com"})
		expectDuplicate(t, "Insert with same email", err, "email")
		expectMissing(t, s, c, "b")
		if n, err := s.Count(ctxOf(t), c, nil); err != nil || n != 1 {
			t.Fatalf("Count after refused insert = %d, %v; want 1", n, err)
		}
		// Values differing only in case are different values.
		mustInsert(t, s, c, store.Doc{"id": "c", "email": "X@example.com"})
	})

	t.Run("unique_missing_never_conflicts", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c, uniqueEmail)
		mustInsert(t, s, c,
			store.Doc{"id": "a", "name": "no email"},
			store.Doc{"id": "b", "name": "no email either"},
			store.Doc{"id": "c", "email": nil},
			store.Doc{"id": "d", "email": "d@example.com"},
		)
		if n, err := s.Count(ctxOf(t), c, nil); err != nil || n != 4 {
			t.Fatalf("Count = %d, %v; want 4", n, err)
		}
	})

	t.Run("unique_replace", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c, uniqueEmail)
		mustInsert(t, s, c,
			store.Doc{"id": "a", "email": "a@example.com"},
			store.Doc{"id": "b", "email": "b@example.com", "name": "B"},
			store.Doc{"id": "n", "name": "none"},
		)
		err := s.Replace(ctxOf(t), c, store.Doc{"id": "b", "email": "a@example.com", "name": "changed"}, 1)
		expectDuplicate(t, "Replace to a taken email", err, "email")
		expectDoc(t, s, c, store.Doc{"id": "b", "version": int64(1), "email": "b@example.com", "name": "B"})

		err = s.Replace(ctxOf(t), c, store.Doc{"id": "n", "email": "a@example.com"}, 1)
		expectDuplicate(t, "Replace adding a taken email", err, "email")
		expectDoc(t, s, c, store.Doc{"id": "n", "version": int64(1), "name": "none"})

		// Keeping one's own value is no conflict.
		if err := s.Replace(ctxOf(t), c, store.Doc{"id": "a", "email": "a@example.com", "x": int64(1)}, 1); err != nil {
			t.Fatalf("Replace keeping own email: %v", err)
		}
		// Freeing a value lets another document take it.
		if err := s.Replace(ctxOf(t), c, store.Doc{"id": "b", "name": "B"}, 1); err != nil {
			t.Fatalf("Replace dropping email: %v", err)
		}
		if err := s.Replace(ctxOf(t), c, store.Doc{"id": "n", "email": "b@example.com"}, 1); err != nil {
			t.Fatalf("Replace taking a freed email: %v", err)
		}
	})

	t.Run("two_unique_fields", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c, uniqueEmail, store.Index{Field: "code", Unique: true}, store.Index{Field: "name"})
		mustInsert(t, s, c, store.Doc{"id": "a", "email": "a@example.com", "code": "A1", "name": "same"})
		err := s.Insert(ctxOf(t), c, store.Doc{"id": "b", "email": "b@example.com", "code": "A1", "name": "same"})
		expectDuplicate(t, "Insert with same code", err, "code")
		err = s.Insert(ctxOf(t), c, store.Doc{"id": "b", "email": "a@example.com", "code": "B1", "name": "same"})
		expectDuplicate(t, "Insert with same email", err, "email")
		expectMissing(t, s, c, "b")
		// A non-unique index accepts duplicates.
		mustInsert(t, s, c, store.Doc{"id": "b", "email": "b@example.com", "code": "B1", "name": "same"})
		err = s.Replace(ctxOf(t), c, store.Doc{"id": "b", "email": "b@example.com", "code": "A1"}, 1)
		expectDuplicate(t, "Replace to same code", err, "code")
	})

	t.Run("unique_over_existing_duplicates_fails", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c)
		mustInsert(t, s, c,
			store.Doc{"id": "a", "email": "same@example.com"},
			store.Doc{"id": "b", "email": "same@example.com"},
		)
		if err := s.EnsureCollection(ctxOf(t), c, []store.Index{uniqueEmail}); err == nil {
			t.Fatalf("EnsureCollection with a unique index over duplicate values succeeded; want an error")
		}
		// The data is untouched.
		expectDoc(t, s, c, store.Doc{"id": "a", "version": int64(1), "email": "same@example.com"})
		expectDoc(t, s, c, store.Doc{"id": "b", "version": int64(1), "email": "same@example.com"})
	})

	t.Run("ensure_idempotent", func(t *testing.T) {
		s := open(t)
		idx := []store.Index{uniqueEmail, {Field: "name"}}
		for i := 0; i < 3; i++ {
			if err := s.EnsureCollection(ctxOf(t), c, idx); err != nil {
				t.Fatalf("EnsureCollection call %d: %v", i+1, err)
			}
		}
		mustInsert(t, s, c, store.Doc{"id": "a", "email": "a@example.com"})
		if err := s.EnsureCollection(ctxOf(t), c, idx); err != nil {
			t.Fatalf("EnsureCollection with data: %v", err)
		}
		err := s.Insert(ctxOf(t), c, store.Doc{"id": "b", "email": "a@example.com"})
		expectDuplicate(t, "Insert after repeated EnsureCollection", err, "email")
		expectDoc(t, s, c, store.Doc{"id": "a", "version": int64(1), "email": "a@example.com"})
	})

	t.Run("ensure_drops_unlisted", func(t *testing.T) {
		s := open(t)
		mustEnsure(t, s, c, uniqueEmail, store.Index{Field: "code", Unique: true})
		mustInsert(t, s, c, store.Doc{"id": "a", "email": "a@example.com", "code": "A"})

		// Dropping the email index keeps the code index.
		mustEnsure(t, s, c, store.Index{Field: "code", Unique: true})
		mustInsert(t, s, c, store.Doc{"id": "b", "email": "a@example.com", "code": "B"})
		err := s.Insert(ctxOf(t), c, store.Doc{"id": "x", "code": "A"})
		expectDuplicate(t, "Insert with same code after dropping the email index", err, "code")

		// Unique -> non-unique on the same field: duplicates accepted.
		mustEnsure(t, s, c, store.Index{Field: "code"})
		mustInsert(t, s, c, store.Doc{"id": "c", "code": "A"})

		// Non-unique -> unique over duplicates fails; dropping all indexes works.
		if err := s.EnsureCollection(ctxOf(t), c, []store.Index{{Field: "code", Unique: true}}); err == nil {
			t.Fatalf("EnsureCollection making code unique over duplicates succeeded; want an error")
		}
		mustEnsure(t, s, c)
		mustInsert(t, s, c, store.Doc{"id": "d", "code": "A", "email": "a@example.com"})

		// Adding a unique index back over unique data works and is enforced.
		mustEnsure(t, s, c, store.Index{Field: "name", Unique: true})
		mustInsert(t, s, c, store.Doc{"id": "e", "name": "E"})
		err = s.Insert(ctxOf(t), c, store.Doc{"id": "f", "name": "E"})
		expectDuplicate(t, "Insert with same name after adding the index", err, "name")
		if n, err := s.Count(ctxOf(t), c, nil); err != nil || n != 5 {
			t.Fatalf("Count = %d, %v; want 5", n, err)
		}
	})

	t.Run("composite", func(t *testing.T) {
		s := open(t)
		byStage := store.Index{Keys: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}}
		byOwner := store.Index{Keys: []store.SortKey{{Field: "owner"}, {Field: "created_at"}}}
		mustEnsure(t, s, c, byStage, byOwner, store.Index{Field: "stage"})
		mustInsert(t, s, c,
			store.Doc{"id": "a", "stage": "new", "amount": int64(5), "owner": "u1", "created_at": "2026-01-03T00:00:00.000Z"},
			store.Doc{"id": "b", "stage": "won", "amount": int64(9), "owner": "u2", "created_at": "2026-01-01T00:00:00.000Z"},
			store.Doc{"id": "c", "stage": "new", "amount": int64(7), "owner": "u1", "created_at": "2026-01-02T00:00:00.000Z"},
			store.Doc{"id": "d", "stage": "new", "owner": "u2", "created_at": "2026-01-02T00:00:00.000Z"},
			store.Doc{"id": "e", "stage": "new", "amount": int64(7), "owner": "u3", "created_at": "2026-01-04T00:00:00.000Z"},
		)
		newest := []store.SortKey{{Field: "created_at", Desc: true}}
		for i := 0; i < 2; i++ { // idempotent: the second round keeps the indexes
			mustEnsure(t, s, c, byStage, byOwner, store.Index{Field: "stage"})
			docs := mustFind(t, s, c, store.Query{Filter: store.Compare{Field: "stage", Op: store.Eq, Value: "new", Scalar: true},
				Sort: []store.SortKey{{Field: "amount", Desc: true}}, Limit: 3})
			expectIDs(t, "stage = new by -amount", docs, ids("e", "c", "a"))
			docs = mustFind(t, s, c, store.Query{Filter: store.Or{store.In{Field: "owner", Values: []any{"u1", "u2"}, Scalar: true}},
				Sort: newest, Limit: 3})
			expectIDs(t, "owners u1, u2 newest first", docs, ids("a", "d", "c"))
			docs = mustFind(t, s, c, store.Query{Filter: store.And{store.In{Field: "owner", Values: []any{"u1", "u2", "u3"}, Scalar: true},
				store.After(newest, []any{"2026-01-02T00:00:00.000Z", "d"})}, Sort: newest, Limit: 2})
			expectIDs(t, "owners u1, u2, u3 after d", docs, ids("c", "b"))
		}
		// Dropped and added back with the list.
		mustEnsure(t, s, c, store.Index{Field: "stage"})
		mustEnsure(t, s, c, byOwner)
		if err := s.EnsureCollection(ctxOf(t), c, []store.Index{{Keys: []store.SortKey{{Field: "id"}, {Field: "stage"}}}}); err == nil {
			t.Fatalf("EnsureCollection with id as a composite key succeeded; want an error")
		}
		docs := mustFind(t, s, c, store.Query{Filter: store.In{Field: "owner", Values: []any{"u3", "u2"}, Scalar: true}, Sort: newest, Limit: 5})
		expectIDs(t, "owners u2, u3 newest first", docs, ids("e", "d", "b"))
	})
}
