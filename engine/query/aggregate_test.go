package query

import (
	"errors"
	"testing"

	"crm/engine/store"
)

// TestGroupByAllowList: which fields group, with which buckets, and the codes of the refusals.
func TestGroupByAllowList(t *testing.T) {
	obj := testObject(t)
	ok := map[string]store.GroupKey{
		"stage":      {Field: "stage"},
		"hot":        {Field: "hot"},
		"owner":      {Field: "owner"},
		"sla_status": {Field: "sla_status"},
		"close":      {Field: "close", Prefix: 10},
		"close:year": {Field: "close", Prefix: 4},
		"seen:month": {Field: "seen", Prefix: 7},
	}
	for spec, want := range ok {
		got, err := ParseGroupBy(spec, obj)
		if err != nil || got.Key != want {
			t.Errorf("ParseGroupBy(%q) = %+v, %v; want %+v", spec, got.Key, err, want)
		}
	}
	for _, spec := range []string{"title", "tags", "amount", "id", "nope", "stage:month", "close:week", ""} {
		_, err := ParseGroupBy(spec, obj)
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != "invalid_group_by" {
			t.Errorf("ParseGroupBy(%q): %v, want invalid_group_by", spec, err)
		}
	}
}

// TestMeasures: sums and averages of numbers, min and max also of dates, count alone.
func TestMeasures(t *testing.T) {
	obj := testObject(t)
	ok := map[string]string{"count": "count", "sum:amount": "sum_amount", "avg:amount": "avg_amount", "max:close": "max_close", "min:seen": "min_seen"}
	for spec, name := range ok {
		m, err := ParseMeasure(spec, obj)
		if err != nil || m.Name != name {
			t.Errorf("ParseMeasure(%q) = %+v, %v; want %s", spec, m, err, name)
		}
	}
	for _, spec := range []string{"count:amount", "sum:title", "avg:close", "sum:stage", "median:amount", "sum:", "sum:nope", ""} {
		_, err := ParseMeasure(spec, obj)
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != "invalid_measure" {
			t.Errorf("ParseMeasure(%q): %v, want invalid_measure", spec, err)
		}
	}
}
