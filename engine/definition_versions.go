package engine

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"crm/engine/store"
)

// VersionTTL bounds how long a cached version of a definition or settings document is trusted
// without reading the store again. Every write to those collections through this process drops
// the cached versions at once; a write by another process (several engines on one MongoDB) is
// seen within this bound.
const VersionTTL = sessionTTL

// versions caches the stored version of object definitions and settings documents: every request
// would otherwise read them by key to learn whether its compiled copies (definitions, directory,
// automations, assignment rules, SLA policies, controlled fields) are current.
type versions struct {
	mu  sync.Mutex
	gen uint64 // bumped after every write to the objects or settings collection
	m   map[versionKey]versionEntry
	ttl time.Duration // VersionTTL unless a test needs the cache to outlive a loaded machine's pauses
}

type versionKey struct{ coll, id string }

type versionEntry struct {
	version int64
	found   bool
	gen     uint64
	at      time.Time
}

func cachesVersions(coll string) bool { return coll == collObjects || coll == collSettings }

// generation counts the writes to the objects and settings collections through this process.
func (c *versions) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *versions) bump() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}

// version answers the stored version of coll/id (found false when there is none), from the cache
// while it is fresh. The generation and the time are taken before the read: a version read while
// a write committed is already stale when stored, and a slow read is not trusted for longer than
// VersionTTL after it began (another process's change that it missed is seen within the bound).
func (c *versions) version(ctx context.Context, st store.Store, coll, id string) (int64, bool, error) {
	k := versionKey{coll, id}
	c.mu.Lock()
	gen := c.gen
	en, ok := c.m[k]
	c.mu.Unlock()
	now := time.Now()
	if ok && en.gen == gen && now.Sub(en.at) <= cmp.Or(c.ttl, VersionTTL) {
		return en.version, en.found, nil
	}
	doc, err := st.Get(ctx, coll, id)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, false, storeErr(err)
	}
	var v int64
	if found {
		if v, err = docVersion(coll, doc); err != nil {
			return 0, false, err
		}
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[versionKey]versionEntry{} // a crude bound: dropping all only costs reads
	}
	if c.gen == gen {
		k.id = strings.Clone(id) // the key outlives the call; never keep a caller's buffer
		c.m[k] = versionEntry{version: v, found: found, gen: gen, at: now}
	}
	c.mu.Unlock()
	return v, found, nil
}
