//go:build !e2eclock

package main

import "time"

// engineClock is nil in a normal build: the engine uses the wall clock.
func engineClock() func() time.Time { return nil }
