package workflow

import "time"

const (
	minutesPerDay = 24 * 60
	secondsPerDay = 24 * 60 * 60
)

// day is a civil date counted in days since 1970-01-01. Stepping through dates this way never
// meets a time zone, so a day is always one step whatever DST does to its length.
type day int64

func dayOfDate(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// dayOf is the date the wall clock in loc shows at t.
func dayOf(t time.Time, loc *time.Location) day {
	y, m, d := t.In(loc).Date()
	return dayOfDate(y, m, d)
}

func (n day) date() (int, time.Month, int) {
	return time.Unix(int64(n)*secondsPerDay, 0).UTC().Date()
}

func (n day) weekday() time.Weekday {
	w := (int64(n) + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// parseDate reads a strict YYYY-MM-DD date (two-digit month and day, real calendar days only).
func parseDate(s string) (day, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return dayOfDate(t.Date()), true
}

// parseClock reads "HH:MM" as minutes after midnight; "24:00" only when it ends an interval.
func parseClock(s string, end bool) (int, bool) {
	if len(s) != 5 || s[2] != ':' || !digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4]) {
		return 0, false
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	switch {
	case h == 24 && m == 0 && end:
		return minutesPerDay, true
	case h > 23 || m > 59:
		return 0, false
	}
	return h*60 + m, true
}

func digit(b byte) bool { return '0' <= b && b <= '9' }

// span is a shift in minutes after the midnight of the day it starts on. An overnight shift ends
// past minutesPerDay; no shift is empty or longer than a day.
type span struct{ start, end int }

// parseInterval reads an interval; an end not after the start makes it an overnight shift.
func parseInterval(iv Interval) (sp span, startOK, endOK bool) {
	sp.start, startOK = parseClock(iv.Start, false)
	sp.end, endOK = parseClock(iv.End, true)
	if startOK && endOK && sp.end <= sp.start {
		sp.end += minutesPerDay
	}
	return sp, startOK, endOK
}
