// Package testclock is a wall clock that can be moved forward, for browser tests that must see
// hours pass (an SLA breaching) in a running server. Only a binary built with the e2eclock tag
// wires it in and offers the route that moves it; see engine/api/testclock_on.go.
package testclock

import (
	"sync/atomic"
	"time"
)

// Clock is time.Now plus an offset that only grows.
type Clock struct{ offset atomic.Int64 }

// Now is the wall clock moved by the offset.
func (c *Clock) Now() time.Time { return time.Now().Add(c.Offset()) }

// Offset is how far the clock has been moved.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
