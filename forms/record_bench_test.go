package forms

import "testing"

// BenchmarkValidate validates a 10-field record that is valid, the common case of a write.
func BenchmarkValidate(b *testing.B) {
	c := compile(b, leadDef)
	var rec map[string]any
	decode(b, `{"company": "Acme", "email": "ann@example.com", "amount": "1234.5", "stage": "won", "tags": ["partner", "vip"],
		"close_date": "2026-06-30", "met_at": "2026-01-01T08:00:00+08:00", "probability": 12.5, "employees": 250, "active": true}`, &rec)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := c.Validate(rec, "en"); errs != nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkValidateErrors validates a record with four wrong fields, worded in Chinese.
func BenchmarkValidateErrors(b *testing.B) {
	c := compile(b, leadDef)
	var rec map[string]any
	decode(b, `{"company": "", "email": "nope", "amount": "1.234", "stage": "lost", "employees": 1.5}`, &rec)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := c.Validate(rec, "zh-CN"); len(errs) != 5 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkCompile compiles the object, which the engine does once per definition version.
func BenchmarkCompile(b *testing.B) {
	o := object(b, leadDef)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(o); err != nil {
			b.Fatal(err)
		}
	}
}
