package rules

import (
	"testing"
	"unicode/utf8"
)

// FuzzCompileEval: whatever an analyst types, compiling and evaluating it never panics, and an
// accepted expression runs to a value or a RuntimeError. The checked-in corpus is in
// testdata/fuzz/FuzzCompileEval.
func FuzzCompileEval(f *testing.F) {
	for _, l := range append(append([]Func{}, Library...), Operators...) {
		f.Add(l.Example)
	}
	s := mustSet(f, opportunityDef)
	stored := map[string]any{"name": "Deal", "amount": int64(123456), "probability": 35.0, "stage": "new",
		"close_date": "2026-12-01", "tags": []any{"vip"}, "seats": int64(0), "created_at": "2026-11-01T08:00:00.000Z"}
	old := map[string]any{"name": "Deal", "stage": "won"}
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) {
			return
		}
		scope := s.Env.Scope(stored, old, ctx(t))
		for _, want := range []Expect{{Kind: KindCondition}, {Kind: KindFormula, Type: "currency"}, {Kind: KindValue, Type: "any"}} {
			p, is := s.Env.Compile(src, want)
			if is != nil {
				if is.Line < 1 || is.Column < 1 || is.Message == "" {
					t.Fatalf("issue without position or message: %+v", is)
				}
				continue
			}
			if _, err := p.Run(scope); err != nil {
				if _, ok := err.(*RuntimeError); !ok {
					t.Fatalf("%q: error of type %T: %v", src, err, err)
				}
			}
		}
	})
}
