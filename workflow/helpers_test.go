package workflow

import (
	"testing"
	"time"
)

// officeHours is Mon-Fri with the given intervals and nothing at the weekend.
func officeHours(ivs ...Interval) map[string][]Interval {
	return map[string][]Interval{"mon": ivs, "tue": ivs, "wed": ivs, "thu": ivs, "fri": ivs}
}

func iv(start, end string) Interval { return Interval{Start: start, End: end} }

func compile(tb testing.TB, c *Calendar) *Schedule {
	tb.Helper()
	s, problems := c.Compile()
	if len(problems) > 0 {
		tb.Fatalf("Compile(%s): %v", c.Name, problems)
	}
	return s
}

func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// wall is the instant the clock in loc shows "2006-01-02 15:04" (time.ParseInLocation's choice at
// DST edges; tests that care give UTC instants instead).
func wall(tb testing.TB, loc *time.Location, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func utc(tb testing.TB, s string) time.Time { return wall(tb, time.UTC, s) }

// mustAdd calls Add and fails the test when it finds no answer.
func mustAdd(tb testing.TB, s *Schedule, from time.Time, d time.Duration) time.Time {
	tb.Helper()
	due, ok := s.Add(from, d)
	if !ok {
		tb.Fatalf("Add(%v, %v): ok = false", from, d)
	}
	return due
}

func wantTime(tb testing.TB, what string, got, want time.Time) {
	tb.Helper()
	if !got.Equal(want) {
		tb.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantDuration(tb testing.TB, what string, got, want time.Duration) {
	tb.Helper()
	if got != want {
		tb.Errorf("%s = %v, want %v", what, got, want)
	}
}
