package workflow

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"crm/forms"
)

// exampleJSON is the calendar shape the API and the builder use.
const exampleJSON = `{"name": "support_cn", "label": {"en": "Support", "zh-CN": "客服"}, "time_zone": "Asia/Shanghai",
 "hours": {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
           "tue": [{"start": "09:00", "end": "18:00"}], "sat": [], "sun": [{"start": "22:00", "end": "06:00"}]},
 "holidays": ["2026-10-01", "2026-10-02"],
 "working_days": [{"date": "2026-10-11", "hours": [{"start": "09:00", "end": "18:00"}]}]}`

func TestExampleCalendarIsSound(t *testing.T) {
	var c Calendar
	if err := json.Unmarshal([]byte(exampleJSON), &c); err != nil {
		t.Fatal(err)
	}
	if c.Label.In("zh-CN") != "客服" || len(c.Hours["mon"]) != 2 || c.WorkingDays[0].Hours[0].End != "18:00" {
		t.Fatalf("decoded %+v", c)
	}
	s := compile(t, &c)
	// Sunday Oct 11 works 09:00-18:00 instead of its night shift.
	if !s.Working(wall(t, s.Location(), "2026-10-11 10:00")) || s.Working(wall(t, s.Location(), "2026-10-11 23:00")) {
		t.Error("the working day's hours must replace Sunday's")
	}
}

func pointersAndCodes(problems []forms.Problem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "%s %s\n", p.Pointer, p.Code)
		if p.Message == "" {
			fmt.Fprintf(&b, "  (no message)\n")
		}
	}
	return b.String()
}

func TestCheckReportsEveryProblem(t *testing.T) {
	c := &Calendar{
		Name:     "Support CN",
		Label:    forms.Label{"en": "Support", "EN_us": "Support"},
		TimeZone: "Mars/Olympus",
		Hours: map[string][]Interval{
			"mon":    {iv("05:00", "12:00"), iv("13:00", "25:00")}, // 05:00 is still in Sunday's night shift
			"tue":    {iv("09:00", "12:00"), iv("11:30", "14:00")},
			"wed":    {iv("9:00", "12:00")},
			"sun":    {iv("22:00", "06:00")},
			"funday": {},
		},
		Holidays: []string{"2026-10-01", "2026-10-01", "2026-13-01", "2026-10-1"},
		WorkingDays: []WorkingDay{
			{Date: "2026-10-1x", Hours: []Interval{iv("09:00", "18:00")}},
			{Date: "2026-10-01", Hours: []Interval{iv("09:00", "18:00")}}, // a holiday too
			{Date: "2026-10-12", Hours: nil},
			{Date: "2026-10-05", Hours: []Interval{iv("00:00", "08:00")}}, // Monday; Sunday's shift runs to 06:00
			{Date: "2026-10-18", Hours: []Interval{iv("20:00", "10:00")}}, // Sunday; runs into Monday's 05:00
		},
	}
	want := `/name invalid_name
/label/EN_us invalid_label
/time_zone invalid_time_zone
/hours/mon/1/end invalid_time
/hours/wed/0/start invalid_time
/hours/funday unknown_weekday
/hours/tue/1 overlapping_hours
/hours/mon/0 overlapping_hours
/holidays/1 duplicate_date
/holidays/2 invalid_date
/holidays/3 invalid_date
/working_days/0/date invalid_date
/working_days/1/date duplicate_date
/working_days/2/hours missing_hours
/working_days/3/hours/0 overlapping_hours
/working_days/4/hours/0 overlapping_hours
`
	problems := c.Check()
	if got := pointersAndCodes(problems); got != want {
		t.Errorf("Check:\n%s\nwant:\n%s", got, want)
	}
	s, compiled := c.Compile()
	if s != nil || len(compiled) != len(problems) {
		t.Errorf("Compile = %v with %d problems, want nil with %d", s, len(compiled), len(problems))
	}
	// The message names the other interval, so the builder can show both.
	for _, p := range problems {
		if p.Pointer == "/working_days/4/hours/0" && !strings.Contains(p.Message, "/hours/mon/0") {
			t.Errorf("overlap message %q does not name /hours/mon/0", p.Message)
		}
	}
}

func TestCheckNoWorkingTime(t *testing.T) {
	for name, c := range map[string]*Calendar{
		"nothing":           {Name: "empty", TimeZone: "UTC", Holidays: []string{"2026-01-01"}},
		"empty weekdays":    {Name: "empty", TimeZone: "UTC", Hours: map[string][]Interval{"mon": {}, "sat": nil}},
		"only broken hours": {Name: "empty", TimeZone: "UTC", Hours: map[string][]Interval{"mon": {iv("09:00", "")}}},
	} {
		problems := c.Check()
		if len(problems) == 0 || problems[len(problems)-1].Pointer != "/hours" || problems[len(problems)-1].Code != codeNoWorkingTime {
			t.Errorf("%s: Check = %v, want it to end with /hours no_working_time", name, problems)
		}
	}
}

func TestCheckAcceptsTouchingAndOvernightHours(t *testing.T) {
	c := &Calendar{Name: "edges", TimeZone: "UTC", Hours: map[string][]Interval{
		"mon": {iv("09:00", "12:00"), iv("12:00", "18:00")}, // touching is not overlapping
		"tue": {iv("18:00", "24:00")},
		"wed": {iv("00:00", "06:00"), iv("22:00", "22:00")}, // a 24-hour shift into Thursday 22:00
		"thu": {iv("22:00", "23:00")},
		"sat": {iv("00:00", "00:00")}, // Saturday 00:00 to Sunday 00:00
		"sun": {iv("00:00", "24:00")},
	}}
	if problems := c.Check(); len(problems) > 0 {
		t.Errorf("Check = %v, want none", problems)
	}
	s := compile(t, c)
	// Wed 22:00 to Thu 22:00, then Thursday's own 22:00-23:00.
	wantDuration(t, "the 24-hour shift", s.Between(utc(t, "2026-03-04 12:00"), utc(t, "2026-03-05 23:30")), 25*time.Hour)
}

func TestCheckTimesAndZones(t *testing.T) {
	for _, tc := range []struct {
		start, end string
		want       string // pointers of problems, comma-separated
	}{
		{"00:00", "24:00", ""},
		{"23:59", "00:01", ""},
		{"24:00", "24:00", "/hours/mon/0/start"},
		{"07:00", "24:01", "/hours/mon/0/end"},
		{"7:00", "07:60", "/hours/mon/0/start,/hours/mon/0/end"},
		{"07-00", "", "/hours/mon/0/start,/hours/mon/0/end"},
	} {
		c := &Calendar{Name: "times", TimeZone: "UTC", Hours: map[string][]Interval{
			"mon": {iv(tc.start, tc.end)}, "fri": {iv("09:00", "10:00")}}}
		var got []string
		for _, p := range c.Check() {
			got = append(got, p.Pointer)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s-%s: problems at %v, want %q", tc.start, tc.end, got, tc.want)
		}
	}
	for zone, ok := range map[string]bool{"UTC": true, "Asia/Shanghai": true, "Europe/Berlin": true,
		"": false, "Local": false, "Mars/Olympus": false, "../etc/passwd": false} {
		c := &Calendar{Name: "zones", TimeZone: zone, Hours: officeHours(iv("09:00", "18:00"))}
		if got := len(c.Check()) == 0; got != ok {
			t.Errorf("time zone %q accepted = %v, want %v", zone, got, ok)
		}
	}
}
