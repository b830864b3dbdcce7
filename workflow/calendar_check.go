package workflow

import (
	"fmt"
	"sort"
	"strings"

	"crm/forms"
)

// Codes of calendar problems. They are part of the API contract.
const (
	codeInvalidName     = "invalid_name"
	codeInvalidLabel    = "invalid_label"
	codeInvalidTimeZone = "invalid_time_zone"
	codeUnknownWeekday  = "unknown_weekday"
	codeInvalidTime     = "invalid_time"
	codeOverlapping     = "overlapping_hours"
	codeInvalidDate     = "invalid_date"
	codeDuplicateDate   = "duplicate_date"
	codeMissingHours    = "missing_hours"
	codeNoWorkingTime   = "no_working_time"
)

// pointerEscaper escapes a key for a JSON pointer token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// report collects the problems of one Check, so that every check runs and all are reported.
type report struct{ problems []forms.Problem }

func (r *report) add(pointer, code, format string, args ...any) {
	r.problems = append(r.problems, forms.Problem{Pointer: pointer, Code: code, Message: fmt.Sprintf(format, args...)})
}

// placed is a well-formed interval on a minute axis shared by the intervals it is compared with,
// with the pointer where a problem with it is reported.
type placed struct {
	span
	at   string // JSON pointer of the interval
	text string // as written, "22:00-06:00"
	own  bool   // the interval being checked; a neighbour only takes part in the comparison
}

// checked is what Check learned of the parts that are well formed, for the checks across parts.
type checked struct {
	week     [7][]placed // by time.Weekday, minutes after that day's midnight
	holidays map[day]int // date -> index in Holidays (first one)
	working  map[day]int // date -> index in WorkingDays (first one)
	wdHours  [][]placed  // by index in WorkingDays
	seen     map[[2]string]bool
}

// Check reports every problem in the calendar at once, never stopping at the first, each at a
// JSON pointer into the definition. Problems come in the order of the definition: name, label,
// time zone, hours (times mon .. sun, unknown weekdays, then overlaps), holidays, working days
// (dates and times, then overlaps), and last whether the calendar has any working time at all.
func (c *Calendar) Check() []forms.Problem {
	r := &report{}
	if !forms.NamePattern.MatchString(c.Name) {
		r.add("/name", codeInvalidName, "calendar name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", c.Name)
	}
	checkLabel(c.Label, r)
	if _, err := loadZone(c.TimeZone); err != nil {
		r.add("/time_zone", codeInvalidTimeZone, "%q is not a time zone: use an IANA name such as \"Asia/Shanghai\"", c.TimeZone)
	}
	k := &checked{holidays: map[day]int{}, working: map[day]int{}, seen: map[[2]string]bool{}}
	checkHours(c, k, r)
	checkHolidays(c, k, r)
	checkWorkingDays(c, k, r)
	if !hasWorkingTime(k) {
		r.add("/hours", codeNoWorkingTime, "the calendar has no working hours on any weekday and no working days")
	}
	return r.problems
}

func checkLabel(l forms.Label, r *report) {
	keys := make([]string, 0, len(l))
	for key := range l {
		if !forms.ValidLocale(key) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		r.add("/label/"+pointerEscaper.Replace(key), codeInvalidLabel, "%q is not a locale such as \"en\" or \"zh-CN\"", key)
	}
}

// checkHours checks the weekly hours, then their overlaps around the whole week (Sunday's
// overnight shift runs into Monday).
func checkHours(c *Calendar, k *checked, r *report) {
	for _, wd := range weekOrder {
		key := weekdayKeys[wd]
		k.week[wd] = checkIntervals(c.Hours[key], "/hours/"+key, r)
	}
	var unknown []string
	for key := range c.Hours {
		if weekdayIndex(key) < 0 {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	for _, key := range unknown {
		r.add("/hours/"+pointerEscaper.Replace(key), codeUnknownWeekday, "%q is not a weekday: use mon, tue, wed, thu, fri, sat or sun", key)
	}

	const week = 7 * minutesPerDay
	var all []placed
	for i, wd := range weekOrder { // Monday first, so the wrap from Sunday is the copy below
		for _, p := range k.week[wd] {
			p.start, p.end = p.start+i*minutesPerDay, p.end+i*minutesPerDay
			all = append(all, p)
			p.start, p.end = p.start+week, p.end+week
			all = append(all, p)
		}
	}
	sweep(all, k.seen, r)
}

func weekdayIndex(key string) int {
	for i, k := range weekdayKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// checkIntervals reports malformed times and returns the well-formed intervals.
func checkIntervals(list []Interval, at string, r *report) []placed {
	var out []placed
	for i, iv := range list {
		here := fmt.Sprintf("%s/%d", at, i)
		sp, startOK, endOK := parseInterval(iv)
		if !startOK {
			r.add(here+"/start", codeInvalidTime, "start %q must be a time from 00:00 to 23:59", iv.Start)
		}
		if !endOK {
			r.add(here+"/end", codeInvalidTime, "end %q must be a time from 00:00 to 24:00", iv.End)
		}
		if startOK && endOK {
			out = append(out, placed{span: sp, at: here, text: iv.Start + "-" + iv.End, own: true})
		}
	}
	return out
}

// sweep reports each pair of intervals that overlap (touching is fine), once, at the interval
// being checked (the later one when both are).
func sweep(list []placed, seen map[[2]string]bool, r *report) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].start < list[j].start })
	var reach *placed // the interval reaching furthest so far
	for i := range list {
		p := &list[i]
		if reach != nil && p.start < reach.end {
			at, other := p, reach
			if !p.own {
				at, other = reach, p
			}
			key := [2]string{min(at.at, other.at), max(at.at, other.at)}
			if !seen[key] {
				seen[key] = true
				r.add(at.at, codeOverlapping, "%s overlaps %s at %s", at.text, other.text, other.at)
			}
		}
		if reach == nil || p.end > reach.end {
			reach = p
		}
	}
}

func checkHolidays(c *Calendar, k *checked, r *report) {
	for i, s := range c.Holidays {
		at := fmt.Sprintf("/holidays/%d", i)
		n, ok := parseDate(s)
		switch {
		case !ok:
			r.add(at, codeInvalidDate, "%q must be a date written YYYY-MM-DD", s)
		case hasKey(k.holidays, n):
			r.add(at, codeDuplicateDate, "%s is already a holiday at /holidays/%d", s, k.holidays[n])
		default:
			k.holidays[n] = i
		}
	}
}

func hasKey(m map[day]int, n day) bool {
	_, ok := m[n]
	return ok
}

// checkWorkingDays checks each working day's date and hours, and that its hours overlap neither
// the previous date's overnight shifts nor, by its own overnight shifts, the next date's hours.
func checkWorkingDays(c *Calendar, k *checked, r *report) {
	k.wdHours = make([][]placed, len(c.WorkingDays))
	dates := make([]day, len(c.WorkingDays))
	valid := make([]bool, len(c.WorkingDays))
	for i, wd := range c.WorkingDays {
		at := fmt.Sprintf("/working_days/%d", i)
		n, ok := parseDate(wd.Date)
		switch {
		case !ok:
			r.add(at+"/date", codeInvalidDate, "%q must be a date written YYYY-MM-DD", wd.Date)
		case hasKey(k.holidays, n):
			r.add(at+"/date", codeDuplicateDate, "%s is also a holiday at /holidays/%d: a date is either a holiday or a working day", wd.Date, k.holidays[n])
		case hasKey(k.working, n):
			r.add(at+"/date", codeDuplicateDate, "%s is already a working day at /working_days/%d", wd.Date, k.working[n])
		default:
			k.working[n] = i
		}
		dates[i], valid[i] = n, ok
		if len(wd.Hours) == 0 {
			r.add(at+"/hours", codeMissingHours, "a working day needs hours; a day without work is a holiday")
		}
		k.wdHours[i] = checkIntervals(wd.Hours, at+"/hours", r)
	}
	for i := range c.WorkingDays {
		list := append([]placed(nil), k.wdHours[i]...)
		if !valid[i] { // no neighbours without a date, but the day's own hours must still not overlap
			sweep(list, k.seen, r)
			continue
		}
		n := dates[i]
		for _, p := range k.hoursOn(n - 1) {
			p.start, p.end, p.own = p.start-minutesPerDay, p.end-minutesPerDay, false
			list = append(list, p)
		}
		for _, p := range k.hoursOn(n + 1) {
			p.start, p.end, p.own = p.start+minutesPerDay, p.end+minutesPerDay, false
			list = append(list, p)
		}
		sweep(list, k.seen, r)
	}
}

// hoursOn is the well-formed hours that date n works with.
func (k *checked) hoursOn(n day) []placed {
	if hasKey(k.holidays, n) {
		return nil
	}
	if i, ok := k.working[n]; ok {
		return k.wdHours[i]
	}
	return k.week[n.weekday()]
}

func hasWorkingTime(k *checked) bool {
	for _, list := range k.week {
		if len(list) > 0 {
			return true
		}
	}
	for _, list := range k.wdHours {
		if len(list) > 0 {
			return true
		}
	}
	return false
}
