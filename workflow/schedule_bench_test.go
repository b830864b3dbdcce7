package workflow

import (
	"testing"
	"time"
)

// BenchmarkAdd: 48 business hours from a Friday evening, over a weekend, with a lunch break.
func BenchmarkAdd(b *testing.B) {
	s := compile(b, &Calendar{Name: "office", TimeZone: "Asia/Shanghai",
		Hours: officeHours(iv("09:00", "12:00"), iv("13:00", "18:00"))})
	from := wall(b, s.Location(), "2026-03-06 17:30")
	for b.Loop() {
		if _, ok := s.Add(from, 48*time.Hour); !ok {
			b.Fatal("no answer")
		}
	}
}

// BenchmarkAdd30BusinessDays: a due time six weeks ahead, across a holiday week.
func BenchmarkAdd30BusinessDays(b *testing.B) {
	s := nationalDay(b)
	from := wall(b, s.Location(), "2026-09-20 10:00")
	for b.Loop() {
		if _, ok := s.Add(from, 30*9*time.Hour); !ok {
			b.Fatal("no answer")
		}
	}
}

func BenchmarkBetweenYear(b *testing.B) {
	s := compile(b, propertyCalendars()[0])
	from, to := utc(b, "2026-01-01 00:00"), utc(b, "2027-01-01 00:00")
	for b.Loop() {
		s.Between(from, to)
	}
}

func BenchmarkWorking(b *testing.B) {
	s := nightDesk(b)
	at := utc(b, "2026-03-02 20:00")
	for b.Loop() {
		s.Working(at)
	}
}
