package engine

import (
	"context"
	"slices"
	"sync"
	"time"

	"crm/engine/store"
)

// sessionTTL bounds how long a cached session is trusted without reading the store again. Every
// change of a session or a user made through this process ends the cached sessions at once; a
// change made by another process (MongoDB, several engines) is seen within this bound.
const sessionTTL = 2 * time.Second

// sessions caches resolved session tokens: a request would otherwise read its token and its user
// from the store before doing anything.
type sessions struct {
	mu  sync.Mutex
	gen uint64 // bumped after every write to the users or tokens collection
	m   map[string]sessionEntry
}

type sessionEntry struct {
	actor   *Actor
	expires string // the token's expires_at
	gen     uint64
	at      time.Time
}

// generation is read before the store, so an entry built from reads that raced a write is
// already stale when stored.
func (c *sessions) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *sessions) get(key, now string) *Actor {
	c.mu.Lock()
	defer c.mu.Unlock()
	en, ok := c.m[key]
	if !ok || en.gen != c.gen || time.Since(en.at) > sessionTTL || en.expires <= now {
		return nil
	}
	a := *en.actor
	a.Roles, a.Teams = slices.Clone(a.Roles), slices.Clone(a.Teams)
	return &a
}

func (c *sessions) put(key string, gen uint64, a *Actor, expires string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]sessionEntry{} // a crude bound: dropping all only costs reads
	}
	cp := *a
	cp.Roles, cp.Teams = slices.Clone(a.Roles), slices.Clone(a.Teams)
	c.m[key] = sessionEntry{actor: &cp, expires: expires, gen: gen, at: time.Now()}
}

func (c *sessions) bump() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}

// watchedStore is the engine's store: it ends cached sessions after every write to the users or
// tokens collection, whichever code path makes it (logout, revocation, deactivation, roles), and
// drops cached versions after every write to definitions or settings.
type watchedStore struct {
	store.Store
	sessions *sessions
	versions *versions
}

func watched(coll string) bool { return coll == collUsers || coll == collTokens }

func (w *watchedStore) after(colls ...string) {
	var s, v bool
	for _, c := range colls {
		s = s || watched(c)
		v = v || cachesVersions(c)
	}
	if s {
		w.sessions.bump()
	}
	if v {
		w.versions.bump()
	}
}

func (w *watchedStore) Insert(ctx context.Context, coll string, doc store.Doc) error {
	defer w.after(coll)
	return w.Store.Insert(ctx, coll, doc)
}

func (w *watchedStore) Replace(ctx context.Context, coll string, doc store.Doc, v int64) error {
	defer w.after(coll)
	return w.Store.Replace(ctx, coll, doc, v)
}

func (w *watchedStore) Delete(ctx context.Context, coll, id string, v int64) error {
	defer w.after(coll)
	return w.Store.Delete(ctx, coll, id, v)
}

func (w *watchedStore) Batch(ctx context.Context, ops []store.WriteOp) error {
	defer func() {
		colls := make([]string, len(ops))
		for i, op := range ops {
			colls[i] = op.Coll
		}
		w.after(colls...)
	}()
	return w.Store.Batch(ctx, ops)
}

func (w *watchedStore) DropCollection(ctx context.Context, coll string) error {
	defer w.after(coll)
	return w.Store.DropCollection(ctx, coll)
}
