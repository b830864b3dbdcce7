package rules

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
)

// BenchmarkCondition compares a typical condition evaluated through this package (pooled VM,
// error classification, result check) with bare expr.Run of the same precompiled program, in one
// run; the ratio is reported as engine/bare.
func BenchmarkCondition(b *testing.B) {
	s := mustSet(b, opportunityDef)
	p, is := s.Env.Compile(`close_date < today() && stage != "closed_won" && amount > 1000`, Expect{Kind: KindCondition})
	if is != nil {
		b.Fatal(is)
	}
	scope := s.Env.Scope(map[string]any{"amount": int64(500000), "stage": "new", "close_date": "2026-12-01"}, nil, ctx(b))
	var engT, bareT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := p.Holds(scope); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := expr.Run(p.prog, scope.vars); err != nil {
			b.Fatal(err)
		}
		engT += t1.Sub(t0)
		bareT += time.Since(t1)
	}
	b.ReportMetric(float64(engT.Nanoseconds())/float64(b.N), "engine-ns/op")
	b.ReportMetric(float64(bareT.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(engT)/float64(bareT), "engine/bare")
}

// BenchmarkCompileRule is the cost of compiling one rule, paid once per definition version.
func BenchmarkCompileRule(b *testing.B) {
	env := NewEnv(mustObject(b, opportunityDef))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, is := env.Compile(`close_date < today() && stage != "closed_won" && amount > 1000`, Expect{Kind: KindCondition}); is != nil {
			b.Fatal(is)
		}
	}
}

// BenchmarkCompileObject compiles every expression of a definition (on save, and once per
// version in each process).
func BenchmarkCompileObject(b *testing.B) {
	obj := mustObject(b, opportunityDef)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, probs := Compile(obj, nil); len(probs) > 0 {
			b.Fatal(probs)
		}
	}
}

// tenRulesDef is a ten-field object with ten validation rules of the kinds analysts write (the
// engine's BenchmarkCreateEngineTime creates records of the same object).
const tenRulesDef = `{"name":"ruled","fields":[
 {"name":"company","type":"text","required":true,"max_length":200},
 {"name":"email","type":"email"},
 {"name":"amount","type":"currency","currency":"CNY","indexed":true},
 {"name":"probability","type":"percent"},
 {"name":"employees","type":"integer"},
 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"}]},
 {"name":"hot","type":"boolean"},
 {"name":"close_date","type":"date"},
 {"name":"website","type":"url"},
 {"name":"notes","type":"textarea"}],
 "validation_rules":[
 {"name":"r1","error_when":"amount < 0"},
 {"name":"r2","error_when":"probability > 100"},
 {"name":"r3","error_when":"stage == \"won\" && amount == 0"},
 {"name":"r4","error_when":"close_date < addDays(today(), -36500)"},
 {"name":"r5","error_when":"len(company) > 150"},
 {"name":"r6","error_when":"email != nil && !(email contains \"@\")"},
 {"name":"r7","error_when":"employees > 1000000"},
 {"name":"r8","error_when":"hot && stage == \"lost\" && amount > 100000000"},
 {"name":"r9","error_when":"website != nil && !(website startsWith \"http\")"},
 {"name":"r10","error_when":"isBlank(company) || lower(trim(company)) == \"test\""}]}`

// BenchmarkWriteTenRules is the decision part of a create (conversion to stored form, JSON Schema
// validation, the ten rules), without the engine around it or the database.
func BenchmarkWriteTenRules(b *testing.B) {
	s := mustSet(b, tenRulesDef)
	in := input(b, `{"company":"Company 7","email":"c7@example.com","amount":"7.07","probability":40,"employees":7,
	 "stage":"won","hot":false,"close_date":"2027-03-01","website":"https://example.com/7","notes":"a note of some length to make the document realistic"}`)
	c := ctx(b)
	b.ReportAllocs()
	for b.Loop() {
		out := s.Write(Draft{Input: in, Context: c, Locale: "en"})
		if len(out.Errors) > 0 {
			b.Fatal(out.Errors)
		}
	}
}
