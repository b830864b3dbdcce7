package engine

import (
	"context"
	"sync/atomic"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// readCount is a store that counts reads by id.
type readCount struct {
	store.Store
	gets atomic.Int64
}

func (r *readCount) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	r.gets.Add(1)
	return r.Store.Get(ctx, coll, id)
}

// TestSessionCache: a session is resolved once, not on every request, and a logout, a
// revocation or a password change in this process ends it at once.
func TestSessionCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &readCount{Store: testenv.Backends()[0].OpenShared(t, 1)[0]}
	e, err := New(ctx, Config{Store: r, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateUser(ctx, SystemActor, "rep@example.com", "Rep", "correct-horse-rep", []string{"sales_rep"}); err != nil {
		t.Fatal(err)
	}
	login := func() string {
		t.Helper()
		tok, _, err := e.Login(ctx, "rep@example.com", "correct-horse-rep")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Authenticate(ctx, tok); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tok := login()
	before := r.gets.Load()
	a, err := e.Authenticate(ctx, tok)
	if err != nil || a.Email != "rep@example.com" {
		t.Fatalf("Authenticate = %v, %v", a, err)
	}
	if n := r.gets.Load() - before; n != 0 {
		t.Fatalf("a second request read the store %d times; want the session from the cache", n)
	}
	if err := e.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Authenticate(ctx, tok); err == nil {
		t.Fatal("a logged-out session still answers")
	}
	tok = login()
	if _, err := e.RevokeUserSessions(ctx, SystemActor, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Authenticate(ctx, tok); err == nil {
		t.Fatal("a revoked session still answers")
	}
	tok = login()
	if _, err := e.SaveUser(ctx, SystemActor, a.ID, UserInput{Active: new(bool)}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Authenticate(ctx, tok); err == nil {
		t.Fatal("the session of a deactivated user still answers")
	}
}
