package workflow

import (
	"errors"
	"time"
	_ "time/tzdata" // zones must load on machines without /usr/share/zoneinfo (containers)
)

// loadZone loads a named IANA zone. "" and "Local" are refused: they would make a calendar mean
// the engine machine's zone, which differs between machines.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errZoneName
	}
	return time.LoadLocation(name)
}

var errZoneName = errors.New("a time zone must be an IANA name such as \"Asia/Shanghai\", not the machine's own")

// instant is the moment the wall clock in loc shows minute min after the midnight of day n (min
// may run past midnight into the next day). time.Date leaves both DST edge cases unspecified, so
// they are settled here: a wall time skipped by a clock jump means the moment of the jump (work
// that "starts at 02:30" on a spring-forward night starts when the clocks show 03:00), and a wall
// time that happens twice means its first occurrence. Both keep the mapping monotonic, so wall
// intervals that do not overlap never overlap as instants.
func instant(n day, min int, loc *time.Location) time.Time {
	y, m, d := n.date()
	t := time.Date(y, m, d, 0, min, 0, 0, loc)
	want := int64(n)*secondsPerDay + int64(min)*60 // the wall time asked for, as seconds
	_, off := t.Zone()
	if got := t.Unix() + int64(off); got != want { // in a gap: t is on one side of the jump
		start, end := t.ZoneBounds()
		if got < want && !end.IsZero() {
			return end
		}
		if got > want && !start.IsZero() {
			return start
		}
		return t
	}
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	if _, prev := start.Add(-time.Second).Zone(); prev > off { // clocks fell back at start
		if first := t.Add(-time.Duration(prev-off) * time.Second); first.Before(start) {
			return first
		}
	}
	return t
}
