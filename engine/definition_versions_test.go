package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"crm/engine/store"
	"crm/internal/testenv"
)

// readLog is a store that counts reads by key, per collection.
type readLog struct {
	store.Store
	mu   sync.Mutex
	gets map[string]int
}

func (r *readLog) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	r.mu.Lock()
	r.gets[coll]++
	r.mu.Unlock()
	return r.Store.Get(ctx, coll, id)
}

func (r *readLog) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	g := r.gets
	r.gets = map[string]int{}
	return g
}

// TestWarmWritesReadNoVersions: once warm, a record write learns that its definition, automations,
// assignment rules, SLA policies and controlled fields are current without reading the store; a
// change of any of them made through this engine is seen by the very next write.
func TestWarmWritesReadNoVersions(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		r := &readLog{Store: b.OpenShared(t, 1)[0], gets: map[string]int{}}
		e, err := New(ctx, Config{Store: r, Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		// What is measured is the reads of warm writes, not the bound: on a loaded machine five
		// writes can outlast VersionTTL, which would make the cache rightly read again.
		e.versions.ttl = time.Hour
		mustDefine(t, e, followLeadDef)
		mustAutomate(t, e, `{"name":"each","object":"lead","trigger":{"type":"created_or_updated"},"condition":"status == \"new\"",
		 "actions":[{"type":"update","values":{"status":"\"contacted\""}}]}`)
		rec, err := e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": "warm"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		r.take()
		for i := 0; i < 5; i++ {
			if _, err := e.UpdateRecord(ctx, SystemActor, "lead", rec["id"].(string), map[string]any{"status": "new"}, 0, "en"); err != nil {
				t.Fatal(err)
			}
		}
		if g := r.take(); g[collObjects] != 0 || g[collSettings] != 0 {
			t.Errorf("5 warm updates read definitions %d times and settings %d times; want none", g[collObjects], g[collSettings])
		}
		// Deleting the automation through this engine reaches the next write at once.
		if err := e.DeleteAutomation(ctx, SystemActor, "each"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.UpdateRecord(ctx, SystemActor, "lead", rec["id"].(string), map[string]any{"status": "new"}, 0, "en"); err != nil {
			t.Fatal(err)
		}
		got, err := e.GetRecord(ctx, SystemActor, "lead", rec["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if got["status"] != "new" {
			t.Errorf("a deleted automation still ran: status %v", got["status"])
		}
	})
}

// slowGets is a store that notes when each read by key begins.
type slowGets struct {
	store.Store
	mu    sync.Mutex
	began time.Time
}

func (s *slowGets) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	s.mu.Lock()
	s.began = time.Now()
	s.mu.Unlock()
	time.Sleep(20 * time.Millisecond) // a read that takes a while, as on a loaded database
	return s.Store.Get(ctx, coll, id)
}

// TestVersionTrustedFromBeforeItsRead: a cached version counts its age from before its read, so
// a change another process commits during a slow read is seen within VersionTTL of the read's
// start, not of its end.
func TestVersionTrustedFromBeforeItsRead(t *testing.T) {
	t.Parallel()
	st := &slowGets{Store: testenv.OpenSQLite(t)}
	var c versions
	if _, _, err := c.version(context.Background(), st, collObjects, "lead"); err != nil {
		t.Fatal(err)
	}
	en := c.m[versionKey{collObjects, "lead"}]
	if en.at.After(st.began) {
		t.Errorf("the cached version is dated %v after its read began", en.at.Sub(st.began))
	}
}
