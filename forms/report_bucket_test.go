package forms

import (
	"testing"
	"time"
)

func TestBucketKeyAndDays(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	for _, c := range []struct {
		v, bucket string
		loc       *time.Location
		want      string
		from, to  string
	}{
		{"2026-01-01", "week", nil, "2026-W01", "2025-12-29", "2026-01-05"},
		{"2027-01-01", "week", nil, "2026-W53", "2026-12-28", "2027-01-04"},
		{"2026-05-17", "quarter", nil, "2026-Q2", "2026-04-01", "2026-07-01"},
		{"2026-12-31", "year", nil, "2026", "2026-01-01", "2027-01-01"},
		{"2026-02-28", "month", nil, "2026-02", "2026-02-01", "2026-03-01"},
		{"2026-01-31T20", "day", shanghai, "2026-02-01", "2026-02-01", "2026-02-02"},
		{"2026-01-31T20", "day", time.UTC, "2026-01-31", "2026-01-31", "2026-02-01"},
		{"2026-03-31T18:29", "month", kolkata, "2026-03", "2026-03-01", "2026-04-01"},
		{"2026-03-31T18:30", "month", kolkata, "2026-04", "2026-04-01", "2026-05-01"},
		{"2026-12-31T16:00:00.000Z", "year", shanghai, "2027", "2027-01-01", "2028-01-01"},
	} {
		got, ok := BucketKey(c.v, c.bucket, c.loc)
		if !ok || got != c.want {
			t.Errorf("BucketKey(%q, %s, %v) = %q, %v; want %q", c.v, c.bucket, c.loc, got, ok, c.want)
			continue
		}
		from, to, ok := BucketDays(got, c.bucket)
		if !ok || from != c.from || to != c.to {
			t.Errorf("BucketDays(%q, %s) = %s, %s, %v; want %s, %s", got, c.bucket, from, to, ok, c.from, c.to)
		}
	}
	if got := LocalMidnight("2026-02-01", shanghai); got != "2026-01-31T16:00:00.000Z" {
		t.Errorf("LocalMidnight in Shanghai = %s", got)
	}
	for _, bad := range []string{"", "2026", "x026-01-01", "2026-01-01Tzz"} {
		if _, ok := BucketKey(bad, "day", nil); ok {
			t.Errorf("BucketKey(%q) ok", bad)
		}
	}
}

func TestPeriodDays(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC) // January 1st 2027 in Shanghai
	for _, c := range []struct {
		period   string
		loc      *time.Location
		from, to string
	}{
		{"this_month", time.UTC, "2026-12-01", "2027-01-01"},
		{"this_month", shanghai, "2027-01-01", "2027-02-01"},
		{"last_month", shanghai, "2026-12-01", "2027-01-01"},
		{"this_quarter", time.UTC, "2026-10-01", "2027-01-01"},
		{"this_year", shanghai, "2027-01-01", "2028-01-01"},
		{"last_30_days", time.UTC, "2026-12-02", "2027-01-01"},
	} {
		from, to, ok := PeriodDays(c.period, now, c.loc)
		if !ok || from != c.from || to != c.to {
			t.Errorf("PeriodDays(%s, %v) = %s, %s; want %s, %s", c.period, c.loc, from, to, c.from, c.to)
		}
	}
	if _, _, ok := PeriodDays("someday", now, nil); ok {
		t.Error("an unknown period is ok")
	}
}
