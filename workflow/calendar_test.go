package workflow

import (
	"testing"
	"time"
)

func shanghaiOffice(t testing.TB) *Schedule {
	return compile(t, &Calendar{Name: "office", TimeZone: "Asia/Shanghai", Hours: officeHours(iv("09:00", "18:00"))})
}

func TestTicketFromFridayEveningIsDueMonday(t *testing.T) {
	s := shanghaiOffice(t)
	loc := s.Location()
	created := wall(t, loc, "2026-03-06 17:00") // a Friday
	due := mustAdd(t, s, created, 4*time.Hour)
	wantTime(t, "due", due, wall(t, loc, "2026-03-09 12:00"))
	if due.Location() != loc {
		t.Errorf("due is in %v, want the calendar's zone %v", due.Location(), loc)
	}
	wantDuration(t, "Between(created, due)", s.Between(created, due), 4*time.Hour)
}

func TestLunchBreak(t *testing.T) {
	s := compile(t, &Calendar{Name: "office", TimeZone: "Asia/Shanghai",
		Hours: officeHours(iv("09:00", "12:00"), iv("13:00", "18:00"))})
	loc := s.Location()
	at := func(hm string) time.Time { return wall(t, loc, "2026-03-09 "+hm) } // a Monday

	wantTime(t, "11:00 + 2h", mustAdd(t, s, at("11:00"), 2*time.Hour), at("14:00"))
	// Work that ends with the morning is due at noon, not when the afternoon starts.
	wantTime(t, "11:00 + 1h", mustAdd(t, s, at("11:00"), time.Hour), at("12:00"))
	wantTime(t, "12:30 + 30m", mustAdd(t, s, at("12:30"), 30*time.Minute), at("13:30"))
	wantDuration(t, "Between(Mon 00:00, Tue 00:00)", s.Between(at("00:00"), at("00:00").AddDate(0, 0, 1)), 8*time.Hour)
	wantDuration(t, "Between(11:30, 13:30)", s.Between(at("11:30"), at("13:30")), time.Hour)

	for hm, want := range map[string]bool{"08:59": false, "09:00": true, "11:59": true, "12:00": false,
		"12:59": false, "13:00": true, "17:59": true, "18:00": false} {
		if got := s.Working(at(hm)); got != want {
			t.Errorf("Working(%s) = %v, want %v", hm, got, want)
		}
	}

	sat := wall(t, loc, "2026-03-07 10:00")
	wantTime(t, "Sat + 8h", mustAdd(t, s, sat, 8*time.Hour), at("18:00"))
	wantTime(t, "Sat + 8h + 1ns", mustAdd(t, s, sat, 8*time.Hour+1), wall(t, loc, "2026-03-10 09:00").Add(1))
}

// nationalDay is a Mon-Fri 9-18 calendar with China's 2026 National Day week off (Thu Oct 1 to
// Wed Oct 7) and Saturday Oct 10 worked to make up for it.
func nationalDay(t testing.TB) *Schedule {
	return compile(t, &Calendar{Name: "support_cn", TimeZone: "Asia/Shanghai",
		Hours:       officeHours(iv("09:00", "18:00")),
		Holidays:    []string{"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"},
		WorkingDays: []WorkingDay{{Date: "2026-10-10", Hours: []Interval{iv("09:00", "18:00")}}},
	})
}

func TestHolidayWeekAndMakeUpSaturday(t *testing.T) {
	s := nationalDay(t)
	loc := s.Location()
	at := func(s string) time.Time { return wall(t, loc, s) }

	// 1 h on Wed Sep 30, then nothing until Thu Oct 8.
	wantTime(t, "Sep 30 17:00 + 4h", mustAdd(t, s, at("2026-09-30 17:00"), 4*time.Hour), at("2026-10-08 12:00"))
	// Friday evening runs into the make-up Saturday, not the next Monday.
	wantTime(t, "Oct 9 17:00 + 4h", mustAdd(t, s, at("2026-10-09 17:00"), 4*time.Hour), at("2026-10-10 12:00"))
	// Sep 30, Oct 8, Oct 9 and Oct 10 work; Oct 1-7 and Sunday Oct 11 do not.
	wantDuration(t, "Between(Sep 30, Oct 12)", s.Between(at("2026-09-30 00:00"), at("2026-10-12 00:00")), 4*9*time.Hour)
	if s.Working(at("2026-10-05 10:00")) {
		t.Error("Working on Monday Oct 5, a holiday")
	}
	if !s.Working(at("2026-10-10 10:00")) {
		t.Error("not Working on Saturday Oct 10, a make-up working day")
	}
	if s.Working(at("2026-10-17 10:00")) {
		t.Error("Working on Saturday Oct 17, an ordinary Saturday")
	}
}

// nightDesk works overnight: Sun-Thu 22:00-06:00 (Sunday's shift crosses into the next week's
// Monday), Sat 20:00-04:00, nothing starting on Friday; Sunday Mar 8 2026 is a holiday.
func nightDesk(t testing.TB) *Schedule {
	night := []Interval{iv("22:00", "06:00")}
	return compile(t, &Calendar{Name: "night_desk", TimeZone: "Asia/Shanghai",
		Hours: map[string][]Interval{"mon": night, "tue": night, "wed": night, "thu": night,
			"sat": {iv("20:00", "04:00")}, "sun": night},
		Holidays: []string{"2026-03-08"},
	})
}

func TestOvernightShifts(t *testing.T) {
	s := nightDesk(t)
	loc := s.Location()
	at := func(s string) time.Time { return wall(t, loc, s) }

	for when, want := range map[string]bool{
		"2026-03-02 05:00": true,  // Monday, in Sunday's shift: across the week boundary
		"2026-03-02 06:00": false, // the shift's end
		"2026-03-03 03:00": true,  // Monday's shift after midnight
		"2026-03-06 05:59": true,  // Thursday's shift runs into Friday
		"2026-03-06 23:00": false, // no shift starts on Friday
		"2026-03-07 03:00": false,
		"2026-03-08 03:00": true,  // Saturday's shift still runs on the holiday Sunday
		"2026-03-08 23:00": false, // the holiday removes the shift starting that Sunday
		"2026-03-09 03:00": false, // ... and so its hours after midnight too
	} {
		if got := s.Working(at(when)); got != want {
			t.Errorf("Working(%s) = %v, want %v", when, got, want)
		}
	}
	wantTime(t, "Sun 21:00 + 3h", mustAdd(t, s, at("2026-03-01 21:00"), 3*time.Hour), at("2026-03-02 01:00"))
	wantTime(t, "Mon 05:00 + 2h", mustAdd(t, s, at("2026-03-02 05:00"), 2*time.Hour), at("2026-03-02 23:00"))
	// 7 h of Saturday's shift, then the holiday, then Monday night.
	wantTime(t, "Sat 21:00 + 8h", mustAdd(t, s, at("2026-03-07 21:00"), 8*time.Hour), at("2026-03-09 23:00"))
	wantDuration(t, "Between(Sat, Tue)", s.Between(at("2026-03-07 00:00"), at("2026-03-10 00:00")), 10*time.Hour)
}

func TestDSTNewYork(t *testing.T) {
	// 01:00-05:00 every day: the clocks jump 02:00 -> 03:00 on Mar 8 and 02:00 -> 01:00 on Nov 1.
	small := []Interval{iv("01:00", "05:00")}
	s := compile(t, &Calendar{Name: "small_hours", TimeZone: "America/New_York", Hours: map[string][]Interval{
		"mon": small, "tue": small, "wed": small, "thu": small, "fri": small, "sat": small, "sun": small}})
	loc := s.Location()
	day := func(date string) time.Duration {
		from := wall(t, loc, date+" 00:00")
		return s.Between(from, from.AddDate(0, 0, 1))
	}
	wantDuration(t, "Mar 7", day("2026-03-07"), 4*time.Hour)
	wantDuration(t, "Mar 8 (spring forward)", day("2026-03-08"), 3*time.Hour)
	wantDuration(t, "Nov 1 (fall back)", day("2026-11-01"), 5*time.Hour)

	// 01:00 EST = 06:00Z to 05:00 EDT = 09:00Z.
	wantTime(t, "Mar 8 + 3h", mustAdd(t, s, utc(t, "2026-03-08 05:00"), 3*time.Hour), utc(t, "2026-03-08 09:00"))
	wantTime(t, "Mar 8 + 3h + 1ns", mustAdd(t, s, utc(t, "2026-03-08 05:00"), 3*time.Hour+1), utc(t, "2026-03-09 05:00").Add(1))
	// 01:00 EDT (its first occurrence) = 05:00Z to 05:00 EST = 10:00Z.
	wantTime(t, "Nov 1 + 5h", mustAdd(t, s, utc(t, "2026-11-01 04:00"), 5*time.Hour), utc(t, "2026-11-01 10:00"))
	wantTime(t, "Nov 1 + 1h30m", mustAdd(t, s, utc(t, "2026-11-01 04:00"), 90*time.Minute), utc(t, "2026-11-01 06:30"))
	for when, want := range map[string]bool{"2026-11-01 04:59": false, "2026-11-01 05:00": true,
		"2026-11-01 06:30": true /* 01:30 EST, the second time round */, "2026-11-01 10:00": false} {
		if got := s.Working(utc(t, when)); got != want {
			t.Errorf("Working(%sZ) = %v, want %v", when, got, want)
		}
	}
}

func TestDSTBerlin(t *testing.T) {
	// Sunday 02:30-04:00 sits on both jumps: 02:00 -> 03:00 on Mar 29, 03:00 -> 02:00 on Oct 25.
	s := compile(t, &Calendar{Name: "berlin", TimeZone: "Europe/Berlin", Hours: map[string][]Interval{
		"mon": {iv("09:00", "18:00")}, "fri": {iv("09:00", "18:00")}, "sun": {iv("02:30", "04:00")}}})
	loc := s.Location()
	sunday := func(date string) time.Duration {
		from := wall(t, loc, date+" 00:00")
		return s.Between(from, from.AddDate(0, 0, 1))
	}
	wantDuration(t, "Mar 22", sunday("2026-03-22"), 90*time.Minute)
	// 02:30 does not exist: work starts when the clocks show 03:00 (01:00Z) and ends 04:00 CEST.
	wantDuration(t, "Mar 29 (spring forward)", sunday("2026-03-29"), time.Hour)
	// 02:30 CEST (00:30Z, its first occurrence) to 04:00 CET (03:00Z).
	wantDuration(t, "Oct 25 (fall back)", sunday("2026-10-25"), 150*time.Minute)
	wantTime(t, "Mar 29 + 30m", mustAdd(t, s, utc(t, "2026-03-29 00:00"), 30*time.Minute), utc(t, "2026-03-29 01:30"))
	if s.Working(utc(t, "2026-03-29 00:59")) || !s.Working(utc(t, "2026-03-29 01:00")) {
		t.Error("Mar 29: work should start at the jump, 01:00Z")
	}
	// Fri 12:00 CET to Mon 12:00 CEST: 6 h + Sunday's 1 h + 3 h, whatever the offsets do.
	wantDuration(t, "Fri-Mon across the jump", s.Between(wall(t, loc, "2026-03-27 12:00"), wall(t, loc, "2026-03-30 12:00")), 10*time.Hour)

	allDay := compile(t, &Calendar{Name: "always", TimeZone: "Europe/Berlin", Hours: everyDay(iv("00:00", "24:00"))})
	for date, want := range map[string]time.Duration{"2026-03-28": 24 * time.Hour, "2026-03-29": 23 * time.Hour, "2026-10-25": 25 * time.Hour} {
		from := wall(t, loc, date+" 00:00")
		wantDuration(t, "all day "+date, allDay.Between(from, from.AddDate(0, 0, 1)), want)
	}
}

func everyDay(ivs ...Interval) map[string][]Interval {
	h := officeHours(ivs...)
	h["sat"], h["sun"] = ivs, ivs
	return h
}

func TestDSTAtMidnightSantiago(t *testing.T) {
	// Chile moves its clocks at midnight: Sat Apr 4 24:00 -> 23:00, Sun Sep 6 00:00 -> 01:00.
	s := compile(t, &Calendar{Name: "santiago", TimeZone: "America/Santiago", Hours: map[string][]Interval{
		"sat": {iv("20:00", "00:00")}, "sun": {iv("00:00", "03:00")}}})
	loc := s.Location()
	weekend := func(sat string) time.Duration {
		from := wall(t, loc, sat+" 12:00")
		return s.Between(from, from.AddDate(0, 0, 2))
	}
	wantDuration(t, "an ordinary weekend", weekend("2026-03-28"), 7*time.Hour)
	wantDuration(t, "Apr 4 (the hour before midnight twice)", weekend("2026-04-04"), 8*time.Hour)
	wantDuration(t, "Sep 5 (midnight skipped)", weekend("2026-09-05"), 6*time.Hour)
}

func TestNoDSTShanghai(t *testing.T) {
	s := shanghaiOffice(t)
	loc := s.Location()
	// 2026 has 261 weekdays; with no DST and no holidays each is 9 hours.
	wantDuration(t, "2026", s.Between(wall(t, loc, "2026-01-01 00:00"), wall(t, loc, "2027-01-01 00:00")), 261*9*time.Hour)
	// DST does not touch 9-18, so New York's year is the same.
	ny := compile(t, &Calendar{Name: "office", TimeZone: "America/New_York", Hours: officeHours(iv("09:00", "18:00"))})
	nyLoc := ny.Location()
	wantDuration(t, "2026 in New York", ny.Between(wall(t, nyLoc, "2026-01-01 00:00"), wall(t, nyLoc, "2027-01-01 00:00")), 261*9*time.Hour)
}

func TestInstantsInOtherZones(t *testing.T) {
	s := nationalDay(t)
	la := zone(t, "America/Los_Angeles")
	local := wall(t, s.Location(), "2026-09-30 17:00")
	for _, from := range []time.Time{local, local.UTC(), local.In(la)} {
		due := mustAdd(t, s, from, 4*time.Hour)
		wantTime(t, "due from "+from.Location().String(), due, wall(t, s.Location(), "2026-10-08 12:00"))
		if due.Location() != s.Location() {
			t.Errorf("due from %v is in %v, want %v", from.Location(), due.Location(), s.Location())
		}
		wantDuration(t, "Between from "+from.Location().String(), s.Between(from, due.UTC()), 4*time.Hour)
	}
	// 02:00Z on Oct 9 is 10:00 in Shanghai (working) but 19:00 on Oct 8 in Los Angeles.
	if !s.Working(utc(t, "2026-10-09 02:00")) || !s.Working(utc(t, "2026-10-09 02:00").In(la)) {
		t.Error("Working must judge the instant in the calendar's zone, not the zone it was given in")
	}
}

func TestAddZeroAndNegative(t *testing.T) {
	s := shanghaiOffice(t)
	sat := utc(t, "2026-03-07 03:00") // Saturday, outside working time
	got, ok := s.Add(sat, 0)
	if !ok || got != sat { // unchanged: same instant and same zone
		t.Errorf("Add(sat, 0) = %v, %v, want %v, true", got, ok, sat)
	}
	if got, ok := s.Add(sat, -time.Minute); ok {
		t.Errorf("Add(sat, -1m) = %v, true, want ok = false", got)
	}
	if got := s.Between(sat.Add(time.Hour), sat); got != 0 {
		t.Errorf("Between(b, a) with b after a = %v, want 0", got)
	}
}

func TestAddWithoutWorkingTime(t *testing.T) {
	// Working time only on one date in 2020: after it there is none, ever.
	s := compile(t, &Calendar{Name: "once", TimeZone: "UTC",
		WorkingDays: []WorkingDay{{Date: "2020-01-06", Hours: []Interval{iv("09:00", "18:00")}}}})
	if got, ok := s.Add(utc(t, "2026-01-01 00:00"), time.Minute); ok {
		t.Errorf("Add after the last working day = %v, true, want ok = false", got)
	}
	wantTime(t, "Add before it", mustAdd(t, s, utc(t, "2020-01-01 00:00"), time.Hour), utc(t, "2020-01-06 10:00"))
	if got, ok := s.Add(utc(t, "2020-01-01 00:00"), 9*time.Hour+1); ok {
		t.Errorf("Add of more than the calendar ever holds = %v, true, want ok = false", got)
	}

	// Around the clock, business time is real time, up to the ten-year horizon.
	always := compile(t, &Calendar{Name: "always", TimeZone: "UTC", Hours: everyDay(iv("00:00", "24:00"))})
	from := utc(t, "2026-03-06 17:00")
	wantTime(t, "always + 9 years", mustAdd(t, always, from, 9*365*24*time.Hour), from.Add(9*365*24*time.Hour))
	if got, ok := always.Add(from, 11*366*24*time.Hour); ok {
		t.Errorf("Add beyond the horizon = %v, true, want ok = false", got)
	}
}

// Check refuses overlapping hours; should a schedule hold them anyway, time is counted once.
func TestOverlapsCountOnce(t *testing.T) {
	s := &Schedule{loc: time.UTC}
	s.week[time.Monday] = []span{{9 * 60, 12 * 60}, {11 * 60, 13 * 60}}
	mon := utc(t, "2026-03-02 00:00")
	wantDuration(t, "Between over Monday", s.Between(mon, mon.AddDate(0, 0, 1)), 4*time.Hour)
	wantTime(t, "09:00 + 4h", mustAdd(t, s, mon.Add(9*time.Hour), 4*time.Hour), mon.Add(13*time.Hour))
}
