package engine

import (
	"context"
	"errors"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// corrupt sets one field of a stored document to a value of the wrong kind, as a bad migration,
// a hand edit or another program writing the database would.
func corrupt(t *testing.T, e *Engine, coll, id, field string, value any) {
	t.Helper()
	ctx := context.Background()
	d, err := e.store.Get(ctx, coll, id)
	if err != nil {
		t.Fatal(err)
	}
	v := d["version"].(int64)
	delete(d, "version")
	d[field] = value
	if err := e.store.Replace(ctx, coll, d, v); err != nil {
		t.Fatal(err)
	}
}

// wantStoredDocError fails unless err is a StoredDocError naming this document and field.
func wantStoredDocError(t *testing.T, err error, coll, id, field string) {
	t.Helper()
	var sde *StoredDocError
	if !errors.As(err, &sde) {
		t.Fatalf("got %v (%T), want a StoredDocError for %s/%s field %s", err, err, coll, id, field)
	}
	if sde.Coll != coll || sde.ID != id || sde.Field != field {
		t.Fatalf("got %+v, want %s/%s field %s", sde, coll, id, field)
	}
}

// TestCorruptSystemDocuments: a stored system document holding a value of the wrong kind gives
// an error naming its collection, id and field, where a silent type assertion made it the zero
// value before: a wrong password, a token that never expires, a role granting nothing, a job run
// with no attempts counted, an SLA clock started afresh.
func TestCorruptSystemDocuments(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]

		t.Run("password hash that is a number", func(t *testing.T) {
			u, err := e.CreateUser(ctx, SystemActor, "ann@example.com", "Ann", "Correct-Horse-9", []string{RoleSales})
			if err != nil {
				t.Fatal(err)
			}
			corrupt(t, e, collUsers, u.ID, "password_hash", int64(42))
			_, _, err = e.Login(ctx, "ann@example.com", "Correct-Horse-9")
			wantStoredDocError(t, err, collUsers, u.ID, "password_hash")
		})

		t.Run("API token expiry that is a number", func(t *testing.T) {
			u, err := e.CreateUser(ctx, SystemActor, "bob@example.com", "Bob", "Correct-Horse-9", []string{RoleSales})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := e.CreateAPIToken(ctx, u, APITokenInput{Name: "sync", ExpiresAt: "2026-12-01T00:00:00Z"})
			if err != nil {
				t.Fatal(err)
			}
			corrupt(t, e, collAPITokens, tok.ID, "expires_at", int64(1))
			_, err = e.Authenticate(ctx, tok.Token)
			wantStoredDocError(t, err, collAPITokens, tok.ID, "expires_at")
		})

		t.Run("job attempts that are text", func(t *testing.T) {
			due := stamp(e.now().Add(-1))
			if err := e.store.Insert(ctx, collJobs, store.Doc{"id": "bad-job", "kind": "event", "state": jobPending,
				"ready_at": due, "attempts": "three", "max_attempts": int64(5), "epoch": int64(0), "created_at": due}); err != nil {
				t.Fatal(err)
			}
			_, err := e.ListJobs(ctx, SystemActor, "", 100)
			wantStoredDocError(t, err, collJobs, "bad-job", "attempts")
			// The tick skips it (logged) and runs nothing in its name; it stays for an admin to repair.
			if _, err := e.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			if d, err := e.store.Get(ctx, collJobs, "bad-job"); err != nil || d["attempts"] != "three" {
				t.Fatalf("the corrupt job was changed: %v %v", d, err)
			}
			if err := e.store.Delete(ctx, collJobs, "bad-job", 0); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("record SLA state that is text", func(t *testing.T) {
			mustDefine(t, e, `{"name":"ticket","fields":[{"name":"subject","type":"text"}]}`)
			rec, err := e.CreateRecord(ctx, SystemActor, "ticket", map[string]any{"subject": "printer"}, "en")
			if err != nil {
				t.Fatal(err)
			}
			id := rec["id"].(string)
			corrupt(t, e, recordsColl("ticket"), id, slaStateKey, "late")
			_, err = e.GetRecordSLA(ctx, SystemActor, "ticket", id)
			wantStoredDocError(t, err, recordsColl("ticket"), id, slaStateKey)
		})

		// Last: a corrupt role makes the whole directory unreadable.
		t.Run("role permissions that are text", func(t *testing.T) {
			corrupt(t, e, collRoles, RoleSales, "objects", "everything")
			e.changedDirectory(ctx)
			_, err := e.ListUsers(ctx, SystemActor)
			wantStoredDocError(t, err, collRoles, RoleSales, "objects")
		})
	})
}
