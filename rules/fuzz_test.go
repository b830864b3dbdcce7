package rules

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// maxEvalAlloc is far more than an evaluation within its budget allocates (a million steps,
// text and lists of a few megabytes) and far less than the harm the budget prevents.
const maxEvalAlloc = 64 << 20

// maxEvalCPU is twenty times the CPU an evaluation within its budget takes (a million steps,
// some 50 ms), and far less than the harm the budget prevents. It is the evaluating thread's CPU
// time, not the wall clock: other processes on the machine do not add to it.
const maxEvalCPU = time.Second

// allocated is the bytes the process has allocated so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// FuzzCompileEval: whatever an analyst types, compiling and evaluating it never panics, an
// accepted expression runs to a value or a RuntimeError, and no evaluation exceeds its budget:
// none allocates more than maxEvalAlloc or uses more than maxEvalCPU of its thread's CPU, which
// would be work the cost budget does not count. The checked-in corpus is in
// testdata/fuzz/FuzzCompileEval.
func FuzzCompileEval(f *testing.F) {
	for _, l := range append(append([]Func{}, Library...), Operators...) {
		f.Add(l.Example)
	}
	// The security issue's two: refused at save; and their kin that only running can judge.
	f.Add(`let r = 1..100; count(r, count(r, count(r, count(r, # > 0) == 100) == 100) == 100)`)
	f.Add(doubling(`"0123456789"`, 24))
	f.Add(`let r = 1..(len(name) * 25); count(r, count(r, count(r, count(r, # > 0) == 100) == 100) == 100)`)
	f.Add(doubling(`name`, 24))
	// Regular expressions and the library: charged before they work, patterns bounded.
	f.Add(`name matches "` + strings.Repeat("[a-c]?", 500) + `d"`)
	f.Add(`name matches "(abcdefghij|klmnopqrst|uvwxyzABCD){1000}"`)
	f.Add(doubling(`name`, 14) + ` > 0 && s14 matches "` + strings.Repeat("[a-c]?", 150) + `d"`)
	f.Add(`let p = "[a-c]?"; let q = p + p + p + p; name + name matches q + q + q + "d" || name matches lost_reason`)
	f.Add(doubling(`name`, 16) + ` + len(upper(s16)) + len(lower(s16)) + len(trim(s16)) + (s16 contains "x" ? 1 : 0)`)
	// Integer edges: errors, never wrapped values, infinities or panics.
	f.Add(`-(seats - 9223372036854775807 - 1)`)
	f.Add(`(seats - 9223372036854775807 - 1) / -1 + (seats - 9223372036854775807 - 1) % -1`)
	f.Add(`seats % 0 + seats / 0`)
	f.Add(`10 ** 400 > 1 || (0 - 8) ^ 0.5 > 1 || 0 ** -1 > 1`)
	f.Add(`-amount - -probability`)
	// The wall-clock safety net only stops what would otherwise run for very long; whether an
	// evaluation did too much is judged by its CPU time, which load on the machine does not change.
	defer func(d time.Duration) { MaxEvalTime = d }(MaxEvalTime)
	MaxEvalTime = 30 * time.Second
	s := mustSet(f, opportunityDef)
	stored := map[string]any{"name": "Deal", "amount": int64(123456), "probability": 35.0, "stage": "new",
		"close_date": "2026-12-01", "tags": []any{"vip"}, "seats": int64(0), "created_at": "2026-11-01T08:00:00.000Z"}
	old := map[string]any{"name": "Deal", "stage": "won"}
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) {
			return
		}
		// One thread for the whole evaluation, so that its CPU time is the evaluation's.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		scope := s.Env.Scope(stored, old, ctx(t))
		for _, want := range []Expect{{Kind: KindCondition}, {Kind: KindFormula, Type: "currency"}, {Kind: KindValue, Type: "any"}} {
			p, is := s.Env.Compile(src, want)
			if is != nil {
				if is.Line < 1 || is.Column < 1 || is.Message == "" {
					t.Fatalf("issue without position or message: %+v", is)
				}
				continue
			}
			before := allocated()
			cpu, cpuKnown := threadCPU()
			_, err := p.Run(scope)
			if n := allocated() - before; n > maxEvalAlloc {
				t.Fatalf("%q: one evaluation allocated %d MB", src, n>>20)
			}
			if now, ok := threadCPU(); cpuKnown && ok && now-cpu > maxEvalCPU {
				t.Fatalf("%q: one evaluation used %v of CPU: work the cost budget does not count", src, now-cpu)
			}
			if err != nil {
				if _, ok := err.(*RuntimeError); !ok {
					t.Fatalf("%q: error of type %T: %v", src, err, err)
				}
			}
		}
	})
}
