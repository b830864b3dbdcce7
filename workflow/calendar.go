package workflow

import (
	"time"

	"crm/forms"
)

// Calendar is a business calendar as analysts define it and the API stores it: weekly working
// hours in one time zone, holidays, and dates that work with other hours (make-up working days).
//
// Hours are keyed by weekday ("mon" .. "sun"). Each Interval is wall-clock time in TimeZone; one
// whose end is not after its start is an overnight shift that runs into the next day and belongs
// to the day it starts on.
type Calendar struct {
	Name        string                `json:"name"`
	Label       forms.Label           `json:"label,omitempty"`
	TimeZone    string                `json:"time_zone"`
	Hours       map[string][]Interval `json:"hours"`
	Holidays    []string              `json:"holidays,omitempty"`     // YYYY-MM-DD: no shift starts that day
	WorkingDays []WorkingDay          `json:"working_days,omitempty"` // dates with their own hours
}

// Interval is a span of working time, "HH:MM" to "HH:MM" ("24:00" allowed as an end).
type Interval struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// WorkingDay is a date (YYYY-MM-DD) that works with Hours instead of its weekday's hours, such as
// a Saturday made a working day to make up for a holiday week.
type WorkingDay struct {
	Date  string     `json:"date"`
	Hours []Interval `json:"hours"`
}

// weekdayKeys names the weekdays as the definition does, indexed by time.Weekday.
var weekdayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// weekOrder is the order in which weekdays are reported: the week as the builder shows it.
var weekOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
