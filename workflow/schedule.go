package workflow

import (
	"sort"
	"time"

	"crm/forms"
)

// horizonDays bounds every search for working time, so that a calendar whose working time has run
// out (only working days in the past) answers "never" instead of looping.
const horizonDays = 10 * 366

// Schedule is a checked calendar ready to compute with. It is read-only after Compile and safe for
// concurrent use.
//
// Business time is real elapsed time inside the calendar's wall-clock intervals: on the night the
// clocks spring forward an interval 01:00-05:00 in America/New_York lasts 3 hours, on the night
// they fall back 5 hours. A wall time skipped by a jump means the moment of the jump; a wall time
// that happens twice means its first occurrence. Intervals are half-open: working time includes
// the start of an interval and excludes its end.
type Schedule struct {
	loc      *time.Location
	week     [7][]span      // by time.Weekday
	holidays map[day]bool   // no shift starts on these dates
	special  map[day][]span // working days: these hours instead of the weekday's
}

// Compile checks the calendar and builds its Schedule; with any problem it returns only the
// problems, so a schedule always comes from a sound definition.
func (c *Calendar) Compile() (*Schedule, []forms.Problem) {
	if problems := c.Check(); len(problems) > 0 {
		return nil, problems
	}
	loc, err := loadZone(c.TimeZone)
	if err != nil { // Check has loaded it already; kept so a failure can never pass silently
		return nil, []forms.Problem{{Pointer: "/time_zone", Code: codeInvalidTimeZone, Message: err.Error()}}
	}
	s := &Schedule{loc: loc, holidays: map[day]bool{}, special: map[day][]span{}}
	for wd, key := range weekdayKeys {
		s.week[wd] = spans(c.Hours[key])
	}
	for _, h := range c.Holidays {
		n, _ := parseDate(h)
		s.holidays[n] = true
	}
	for _, wd := range c.WorkingDays {
		n, _ := parseDate(wd.Date)
		s.special[n] = spans(wd.Hours)
	}
	return s, nil
}

// Location is the calendar's time zone; Add answers in it.
func (s *Schedule) Location() *time.Location { return s.loc }

// spans parses checked intervals in the order they start.
func spans(list []Interval) []span {
	out := make([]span, 0, len(list))
	for _, iv := range list {
		sp, _, _ := parseInterval(iv)
		out = append(out, sp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// window is a shift as instants, [start, end).
type window struct{ start, end time.Time }

// shifts appends the shifts that start on date n, in order. A shift swallowed whole by a clock
// jump (02:00-03:00 on a spring-forward night) is no time at all and is left out.
func (s *Schedule) shifts(n day, buf []window) []window {
	if s.holidays[n] {
		return buf
	}
	list, ok := s.special[n]
	if !ok {
		list = s.week[n.weekday()]
	}
	for _, sp := range list {
		a, b := instant(n, sp.start, s.loc), instant(n, sp.end, s.loc)
		if a.Before(b) {
			buf = append(buf, window{a, b})
		}
	}
	return buf
}

// walk calls visit with the working windows of shifts starting on dates first..last, in time
// order, until visit returns false. Each window is cut to begin no earlier than the previous one
// ended: Check forbids overlaps, and the cut keeps every answer consistent even so.
func (s *Schedule) walk(first, last day, visit func(w window) bool) {
	var buf []window
	var reach time.Time
	for n := first; n <= last; n++ {
		buf = s.shifts(n, buf[:0])
		for _, w := range buf {
			if w.start.Before(reach) {
				w.start = reach
			}
			if !w.start.Before(w.end) {
				continue
			}
			reach = w.end
			if !visit(w) {
				return
			}
		}
	}
}
