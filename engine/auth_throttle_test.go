package engine

import (
	"testing"
	"time"
)

// TestThrottle pins the lockout arithmetic: failures count inside a window from the first one,
// the max-th locks for the lockout, and after it the count starts afresh.
func TestThrottle(t *testing.T) {
	t.Parallel()
	const window, lockout = 15 * time.Minute, 15 * time.Minute
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var s throttle
	for i := 0; i < 4; i++ {
		s = s.failed(t0.Add(time.Duration(i)*time.Minute), 5, window, lockout)
	}
	if s.Failures != 4 || s.lockedFor(t0.Add(4*time.Minute)) != 0 {
		t.Fatalf("after 4 failures: %+v", s)
	}
	// The window is counted from the first failure: at 15 min the count restarts.
	if r := s.failed(t0.Add(15*time.Minute), 5, window, lockout); r.Failures != 1 || !r.LockedUntil.IsZero() {
		t.Errorf("a failure after the window: %+v", r)
	}
	s = s.failed(t0.Add(10*time.Minute), 5, window, lockout)
	if got := s.lockedFor(t0.Add(10 * time.Minute)); got != lockout {
		t.Fatalf("fifth failure locks for %v, want %v (%+v)", got, lockout, s)
	}
	if got := s.lockedFor(t0.Add(24 * time.Minute)); got != time.Minute {
		t.Errorf("locked for %v a minute before the end", got)
	}
	if got := s.lockedFor(t0.Add(25 * time.Minute)); got != 0 {
		t.Errorf("still locked at the end: %v", got)
	}
	if s = s.failed(t0.Add(25*time.Minute), 5, window, lockout); s.Failures != 1 {
		t.Errorf("after the lockout the count starts afresh: %+v", s)
	}
}
