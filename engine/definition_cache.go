package engine

import (
	"sync"
	"sync/atomic"
)

// compiledCache holds one compiled set of definitions (automations, assignment rules, duplicate
// rules, SLA policies) at one version. Callers that find it stale together wait for one rebuild:
// after a start or a definition change, every write in flight (an import runs 200 at once) would
// otherwise compile the same definitions, each its own copy.
type compiledCache[T any] struct {
	build  sync.Mutex // held while rebuilding
	value  atomic.Pointer[T]
	builds atomic.Int64 // rebuilds so far (tests)
}

// get returns the cached set when fresh says it still holds, else rebuilds it once for everyone
// waiting.
func (c *compiledCache[T]) get(fresh func(*T) bool, rebuild func() (*T, error)) (*T, error) {
	if v := c.value.Load(); v != nil && fresh(v) {
		return v, nil
	}
	c.build.Lock()
	defer c.build.Unlock()
	if v := c.value.Load(); v != nil && fresh(v) {
		return v, nil // rebuilt while this caller waited
	}
	v, err := rebuild()
	if err != nil {
		return nil, err
	}
	c.builds.Add(1)
	c.value.Store(v)
	return v, nil
}
