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
