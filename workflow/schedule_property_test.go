package workflow

import (
	"math/rand/v2"
	"testing"
	"time"
)

// propertyCalendars cover lunch breaks, overnight shifts (one across the week boundary), holidays,
// make-up working days, touching shifts and DST in three zones (Chile's at midnight). No interval
// starts or ends on a wall time that happens twice, so wallOracle below may judge them.
func propertyCalendars() []*Calendar {
	night := []Interval{iv("22:00", "06:00")}
	small := []Interval{iv("01:00", "05:00")}
	return []*Calendar{
		{Name: "ny_office", TimeZone: "America/New_York", Hours: officeHours(iv("09:00", "12:00"), iv("13:00", "18:00")),
			Holidays:    []string{"2026-11-26", "2026-12-25", "2027-01-01"},
			WorkingDays: []WorkingDay{{Date: "2026-11-28", Hours: []Interval{iv("10:00", "14:00")}}}},
		{Name: "berlin_night", TimeZone: "Europe/Berlin", Hours: map[string][]Interval{
			"mon": night, "tue": night, "wed": night, "thu": night, "sat": {iv("10:00", "14:00")},
			"sun": {iv("01:30", "03:30"), iv("22:00", "06:00")}},
			Holidays: []string{"2026-12-24", "2026-12-25", "2027-03-28"}},
		{Name: "shanghai_support", TimeZone: "Asia/Shanghai", Hours: map[string][]Interval{
			"mon": {iv("09:00", "12:00"), iv("13:00", "18:00")}, "tue": {iv("09:00", "18:00")},
			"wed": {iv("09:00", "18:00")}, "thu": {iv("09:00", "18:00")}, "fri": {iv("09:00", "17:00")},
			"sun": night},
			Holidays:    []string{"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"},
			WorkingDays: []WorkingDay{{Date: "2026-10-10", Hours: []Interval{iv("09:00", "18:00")}}}},
		{Name: "ny_small_hours", TimeZone: "America/New_York", Hours: map[string][]Interval{
			"mon": small, "tue": small, "wed": small, "thu": small, "fri": small,
			"sat": {iv("01:00", "05:00"), iv("23:00", "01:00")}, "sun": small}}, // Saturday night touches Sunday's 01:00
		{Name: "santiago", TimeZone: "America/Santiago", Hours: map[string][]Interval{
			"mon": {iv("08:00", "17:00")}, "wed": {iv("08:00", "17:00")}, "fri": {iv("08:00", "17:00")},
			"sat": {iv("20:00", "00:00")}, "sun": {iv("00:00", "03:00")}},
			Holidays: []string{"2026-09-18", "2026-09-19"}},
	}
}

// wallOracle decides working time the naive way, from the wall clock alone: is the wall time of
// t inside one of today's intervals, or inside the part of yesterday's overnight shift that
// spills into today? It agrees with the Schedule wherever no interval ends on an ambiguous time.
type wallOracle struct {
	loc      *time.Location
	week     map[time.Weekday][]span
	holidays map[day]bool
	special  map[day][]span
}

func newWallOracle(tb testing.TB, c *Calendar) *wallOracle {
	o := &wallOracle{loc: zone(tb, c.TimeZone), week: map[time.Weekday][]span{}, holidays: map[day]bool{}, special: map[day][]span{}}
	parse := func(list []Interval) []span {
		var out []span
		for _, x := range list {
			sp, _, _ := parseInterval(x)
			out = append(out, sp)
		}
		return out
	}
	for i, key := range weekdayKeys {
		o.week[time.Weekday(i)] = parse(c.Hours[key])
	}
	for _, h := range c.Holidays {
		n, _ := parseDate(h)
		o.holidays[n] = true
	}
	for _, w := range c.WorkingDays {
		n, _ := parseDate(w.Date)
		o.special[n] = parse(w.Hours)
	}
	return o
}

func (o *wallOracle) hours(n day) []span {
	if o.holidays[n] {
		return nil
	}
	if list, ok := o.special[n]; ok {
		return list
	}
	return o.week[n.weekday()]
}

func (o *wallOracle) working(t time.Time) bool {
	lt := t.In(o.loc)
	n := dayOfDate(lt.Date())
	sec := lt.Hour()*3600 + lt.Minute()*60 + lt.Second() // interval bounds are whole minutes
	for _, sp := range o.hours(n) {
		if sp.start*60 <= sec && sec < sp.end*60 {
			return true
		}
	}
	for _, sp := range o.hours(n - 1) {
		if sp.start*60 <= sec+secondsPerDay && sec+secondsPerDay < sp.end*60 {
			return true
		}
	}
	return false
}

var (
	rangeStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rangeEnd   = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
)

// transitions lists the DST changes of the property calendars' zones in the tested range.
func transitions(tb testing.TB) []time.Time {
	var out []time.Time
	for _, name := range []string{"America/New_York", "Europe/Berlin", "America/Santiago"} {
		loc := zone(tb, name)
		for t := rangeStart; t.Before(rangeEnd); {
			_, end := t.In(loc).ZoneBounds()
			if end.IsZero() {
				break
			}
			out = append(out, end)
			t = end
		}
	}
	if len(out) < 12 {
		tb.Fatalf("found only %d DST transitions", len(out))
	}
	return out
}

// sampler draws instants and durations: half of the instants within three days of a DST change,
// half of them on whole minutes (so they often hit interval bounds exactly).
type sampler struct {
	r     *rand.Rand
	jumps []time.Time
}

func newSampler(tb testing.TB, seed uint64) *sampler {
	return &sampler{r: rand.New(rand.NewPCG(seed, 2026)), jumps: transitions(tb)}
}

func (s *sampler) instant() time.Time {
	var t time.Time
	if s.r.IntN(2) == 0 {
		t = rangeStart.Add(time.Duration(s.r.Int64N(int64(rangeEnd.Sub(rangeStart)))))
	} else {
		jump := s.jumps[s.r.IntN(len(s.jumps))]
		t = jump.Add(time.Duration(s.r.Int64N(int64(6*24*time.Hour))) - 3*24*time.Hour)
	}
	if s.r.IntN(2) == 0 {
		t = t.Truncate(time.Minute)
	}
	return t
}

func (s *sampler) duration() time.Duration {
	switch s.r.IntN(3) {
	case 0:
		return 1 + time.Duration(s.r.Int64N(int64(time.Hour)))
	case 1:
		return time.Duration(1+s.r.IntN(100*60)) * time.Minute
	default:
		return 1 + time.Duration(s.r.Int64N(int64(400*time.Hour)))
	}
}

func TestAddProperties(t *testing.T) {
	for i, c := range propertyCalendars() {
		s := compile(t, c)
		smp := newSampler(t, uint64(i))
		fails := 0
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf(c.Name+": "+format, args...)
			if fails++; fails > 5 {
				t.FailNow()
			}
		}
		for range 3000 {
			from, d := smp.instant(), smp.duration()
			due, ok := s.Add(from, d)
			if !ok {
				fail("Add(%v, %v): ok = false", from, d)
				continue
			}
			if got := s.Between(from, due); got != d {
				fail("Between(%v, Add(.., %v) = %v) = %v", from, d, due, got)
			}
			// The last nanosecond counted was working time, so due is working time or the end of
			// an interval.
			if !s.Working(due.Add(-1)) {
				fail("Add(%v, %v) = %v is neither working time nor an interval's end", from, d, due)
			}
			more := 1 + time.Duration(smp.r.Int64N(int64(50*time.Hour)))
			later, ok := s.Add(from, d+more)
			if !ok || !later.After(due) {
				fail("Add(%v, %v) = %v is not before Add(.., %v) = %v", from, d, due, d+more, later)
			}
			if then, _ := s.Add(due, more); !then.Equal(later) {
				fail("Add(Add(%v, %v), %v) = %v, want Add(.., %v) = %v", from, d, more, then, d+more, later)
			}
		}
	}
}

func TestBetweenIsAdditive(t *testing.T) {
	for i, c := range propertyCalendars() {
		s := compile(t, c)
		smp := newSampler(t, 100+uint64(i))
		for range 3000 {
			a := smp.instant()
			b := a.Add(time.Duration(smp.r.Int64N(int64(20 * 24 * time.Hour))))
			cc := b.Add(time.Duration(smp.r.Int64N(int64(20 * 24 * time.Hour))))
			if ac, ab, bc := s.Between(a, cc), s.Between(a, b), s.Between(b, cc); ac != ab+bc {
				t.Fatalf("%s: Between(%v, %v) = %v, but %v + %v through %v", c.Name, a, cc, ac, ab, bc, b)
			}
		}
	}
}

func TestWorkingMatchesWallClock(t *testing.T) {
	jumps := transitions(t)
	for i, c := range propertyCalendars() {
		s, o := compile(t, c), newWallOracle(t, c)
		smp := newSampler(t, 200+uint64(i))
		check := func(at time.Time) {
			t.Helper()
			if got, want := s.Working(at), o.working(at); got != want {
				t.Fatalf("%s: Working(%v) = %v, want %v (wall %v)", c.Name, at, got, want, at.In(o.loc))
			}
		}
		for range 5000 {
			check(smp.instant())
		}
		// Every minute of the two days around each DST change.
		for _, jump := range jumps {
			for m := -24 * 60; m < 24*60; m++ {
				check(jump.Add(time.Duration(m) * time.Minute))
			}
		}
	}
}

// TestBetweenMatchesMinuteCount counts working minutes one by one, the slow way Between avoids.
func TestBetweenMatchesMinuteCount(t *testing.T) {
	for i, c := range propertyCalendars() {
		s, o := compile(t, c), newWallOracle(t, c)
		smp := newSampler(t, 300+uint64(i))
		for range 150 {
			a := smp.instant().Truncate(time.Minute)
			n := smp.r.IntN(36 * 60)
			var want time.Duration
			for m := range n {
				if o.working(a.Add(time.Duration(m) * time.Minute)) {
					want += time.Minute
				}
			}
			b := a.Add(time.Duration(n) * time.Minute)
			if got := s.Between(a, b); got != want {
				t.Fatalf("%s: Between(%v, %v) = %v, counted %v", c.Name, a, b, got, want)
			}
		}
	}
}
