package workflow

import "time"

// Add is the instant at which d of business time has elapsed, counting from from. The answer is
// in the calendar's zone.
//
//   - d == 0 returns from unchanged, even outside working time: nothing is to elapse, so nothing
//     moves (a due time of "0 hours" is the moment it was asked for).
//   - d > 0: when the last piece of d ends exactly at the end of an interval, the answer is that
//     end (Friday 18:00), not the start of the next interval (Monday 09:00).
//   - ok is false when d < 0, or when d does not elapse within about 10 years of from (the
//     calendar has run out of working time).
//
// Add steps through dates, never minutes, so far targets stay cheap.
func (s *Schedule) Add(from time.Time, d time.Duration) (time.Time, bool) {
	switch {
	case d == 0:
		return from, true
	case d < 0:
		return time.Time{}, false
	}
	first := dayOf(from, s.loc) - 1 // yesterday's overnight shift may still be running
	var due time.Time
	found := false
	s.walk(first, first+horizonDays, func(w window) bool {
		if !w.end.After(from) {
			return true
		}
		if w.start.Before(from) {
			w.start = from
		}
		if left := w.end.Sub(w.start); left < d {
			d -= left
			return true
		}
		due, found = w.start.Add(d), true
		return false
	})
	if !found {
		return time.Time{}, false
	}
	return due.In(s.loc), true
}

// Between is the business time in [a, b); 0 when b is not after a. Like Add it steps through
// dates (about 0.2 ms for a year), so its cost grows with the span, not with its business time.
func (s *Schedule) Between(a, b time.Time) time.Duration {
	if !a.Before(b) {
		return 0
	}
	var total time.Duration
	s.walk(dayOf(a, s.loc)-1, dayOf(b, s.loc), func(w window) bool {
		if !w.start.Before(b) {
			return false
		}
		if w.start.Before(a) {
			w.start = a
		}
		if w.end.After(b) {
			w.end = b
		}
		if w.start.Before(w.end) {
			total += w.end.Sub(w.start)
		}
		return true
	})
	return total
}

// Working reports whether t is inside working time (an interval's start counts, its end does not).
func (s *Schedule) Working(t time.Time) bool {
	n := dayOf(t, s.loc)
	working := false
	s.walk(n-1, n, func(w window) bool {
		if w.start.After(t) {
			return false
		}
		working = t.Before(w.end)
		return !working
	})
	return working
}
