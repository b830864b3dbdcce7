package forms

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Buckets a report may cut a date or datetime group field to.
var Buckets = []string{"day", "week", "month", "quarter", "year"}

// BucketKey is the bucket a stored date ("2026-03-14") or a UTC instant cut to the hour or minute
// ("2026-03-14T09", "2026-03-14T09:30") or given whole falls in, in loc for an instant: day
// "2026-03-14", week (ISO 8601, Monday first) "2026-W11", month "2026-03", quarter "2026-Q1",
// year "2026". ok is false for a value that is not such a text.
func BucketKey(v, bucket string, loc *time.Location) (string, bool) {
	d, ok := localDay(v, loc)
	if !ok {
		return "", false
	}
	switch bucket {
	case "day", "":
		return d.Format(time.DateOnly), true
	case "week":
		y, w := d.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w), true
	case "month":
		return d.Format("2006-01"), true
	case "quarter":
		return fmt.Sprintf("%04d-Q%d", d.Year(), (int(d.Month())-1)/3+1), true
	case "year":
		return d.Format("2006"), true
	}
	return "", false
}

// localDay is the calendar day (at midnight UTC, to compute with) of a stored value: a date
// itself, an instant in loc.
func localDay(v string, loc *time.Location) (time.Time, bool) {
	if len(v) < 10 {
		return time.Time{}, false
	}
	if len(v) == 10 {
		d, err := time.Parse(time.DateOnly, v)
		return d, err == nil
	}
	var t time.Time
	var err error
	switch len(v) {
	case 13:
		t, err = time.Parse("2006-01-02T15", v)
	case 16:
		t, err = time.Parse("2006-01-02T15:04", v)
	default:
		t, err = time.Parse(time.RFC3339Nano, v)
	}
	if err != nil {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	y, m, dd := t.In(loc).Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC), true
}

// BucketDays is the first day of a bucket and the first day after it, as dates.
func BucketDays(key, bucket string) (from, to string, ok bool) {
	var start time.Time
	var next func(time.Time) time.Time
	switch bucket {
	case "day", "":
		d, err := time.Parse(time.DateOnly, key)
		if err != nil {
			return "", "", false
		}
		start, next = d, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	case "week":
		y, w, found := strings.Cut(key, "-W")
		yy, err1 := strconv.Atoi(y)
		ww, err2 := strconv.Atoi(w)
		if !found || err1 != nil || err2 != nil {
			return "", "", false
		}
		// ISO week 1 holds January 4th; weeks start on Monday.
		jan4 := time.Date(yy, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
		start, next = monday.AddDate(0, 0, 7*(ww-1)), func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	case "month":
		d, err := time.Parse("2006-01", key)
		if err != nil {
			return "", "", false
		}
		start, next = d, func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	case "quarter":
		y, q, found := strings.Cut(key, "-Q")
		yy, err1 := strconv.Atoi(y)
		qq, err2 := strconv.Atoi(q)
		if !found || err1 != nil || err2 != nil || qq < 1 || qq > 4 {
			return "", "", false
		}
		start, next = time.Date(yy, time.Month(3*(qq-1)+1), 1, 0, 0, 0, 0, time.UTC), func(t time.Time) time.Time { return t.AddDate(0, 3, 0) }
	case "year":
		yy, err := strconv.Atoi(key)
		if err != nil {
			return "", "", false
		}
		start, next = time.Date(yy, 1, 1, 0, 0, 0, 0, time.UTC), func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
	default:
		return "", "", false
	}
	return start.Format(time.DateOnly), next(start).Format(time.DateOnly), true
}

// LocalMidnight is the instant a day starts in loc, as a stored instant's text.
func LocalMidnight(day string, loc *time.Location) string {
	d, _ := time.Parse(time.DateOnly, day)
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).UTC().Format(TimeLayout)
}

// Periods a dashboard or report reading may be narrowed to (on when records were created).
var Periods = []string{"this_month", "last_month", "this_quarter", "this_year", "last_30_days"}

// PeriodDays is a period as days in the reader's calendar: the first day and the day after the
// last, for a reading at now in loc.
func PeriodDays(period string, now time.Time, loc *time.Location) (from, to string, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	month := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	var a, b time.Time
	switch period {
	case "this_month":
		a, b = month, month.AddDate(0, 1, 0)
	case "last_month":
		a, b = month.AddDate(0, -1, 0), month
	case "this_quarter":
		q := time.Date(y, time.Month(3*((int(m)-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
		a, b = q, q.AddDate(0, 3, 0)
	case "this_year":
		a = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		b = a.AddDate(1, 0, 0)
	case "last_30_days":
		a, b = today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	default:
		return "", "", false
	}
	return a.Format(time.DateOnly), b.Format(time.DateOnly), true
}

// FilterString is a string literal of the list filter language.
func FilterString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
