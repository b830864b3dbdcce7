//go:build e2eclock

package main

import (
	"time"

	"crm/engine/api"
)

// engineClock is the movable clock of a build for browser tests.
func engineClock() func() time.Time { return api.TestClock.Now }
