package rules

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// doubling is text doubled n times in a let chain: 10 * 2^n characters from s0.
func doubling(s0 string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "let s0 = %s;\n", s0)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "let s%d = s%d + s%d;\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "len(s%d)", n)
	return b.String()
}

// squaring is an amount squared n times in a let chain: its digits double each time.
func squaring(n int) string {
	var b strings.Builder
	b.WriteString("let a0 = amount; ")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "let a%d = a%d * a%d; ", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "a%d > 0", n)
	return b.String()
}

// TestBudgetAtRun: work whose size only running tells stops at the budget with an error that
// OverBudget recognizes, instead of running for seconds and taking hundreds of megabytes.
func TestBudgetAtRun(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	cases := []struct {
		name, src string
		seats     int64
	}{
		{"nested_count", `let r = 1..seats; count(r, count(r, count(r, count(r, # > 0) == 100) == 100) == 100)`, 100},
		{"text_doubling", doubling("name", 24), 0},
		{"in_over_a_range_per_item", `let r = 1..seats; count(r, # in r)`, 20000},
		{"amount_squaring", squaring(22), 0},
		{"large_range", `len(1..seats) > 0`, 1_000_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, is := env.Compile(c.src, Expect{Kind: KindValue, Type: "any"})
			if is != nil {
				t.Fatal(is)
			}
			scope := env.Scope(map[string]any{"name": "0123456789", "amount": int64(123456), "seats": c.seats}, nil, ctx(t))
			v, err := p.Run(scope)
			if !OverBudget(err) {
				t.Fatalf("gave %.40v, %v; want a budget error", v, err)
			}
			if _, ok := err.(*RuntimeError); !ok || !strings.Contains(err.Error(), "too m") {
				t.Errorf("error %T %q does not say why", err, err)
			}
		})
	}
}

// TestBudgetAllowsSensibleWork: iterations within the budget run, and the budget is per run,
// not per scope.
func TestBudgetAllowsSensibleWork(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	scope := env.Scope(map[string]any{"name": "Acme", "seats": int64(600), "tags": []any{"vip", "renewal"}}, nil, ctx(t))
	cases := map[string]any{
		`count(tags, # == "vip")`:                            1,
		`all(tags, len(#) > 2) && any(tags, # in tags)`:      true,
		`count(1..seats, # % 2 == 0)`:                        300,
		`let r = 1..seats; count(r, count(r, # > 1) == 599)`: 600, // 360,000 iterations
		`name + " " + name + " Ltd"`:                         "Acme Acme Ltd",
	}
	for src, want := range cases {
		p, is := env.Compile(src, Expect{Kind: KindValue, Type: "any"})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		for range 3 {
			got, err := p.Run(scope)
			if err != nil || got != want {
				t.Fatalf("%s = %v, %v; want %v", src, got, err, want)
			}
		}
	}
}

// TestDeadline: the wall-clock safety net stops an evaluation with a budget error.
func TestDeadline(t *testing.T) {
	defer func(d time.Duration) { MaxEvalTime = d }(MaxEvalTime)
	MaxEvalTime = time.Nanosecond
	env := NewEnv(mustObject(t, opportunityDef))
	p, is := env.Compile(`count(1..seats, # > 0)`, Expect{Kind: KindValue, Type: "any"})
	if is != nil {
		t.Fatal(is)
	}
	_, err := p.Run(env.Scope(map[string]any{"seats": int64(1000)}, nil, ctx(t)))
	if !OverBudget(err) || !errors.Is(err, errDeadline) {
		t.Fatalf("got %v, want the deadline", err)
	}
}

// TestBudgetNamesHidden: the instrumentation's names are not inputs, and users cannot name them.
func TestBudgetNamesHidden(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	p, is := env.Compile(`count(tags, # == name + "x") > seats`, Expect{Kind: KindCondition})
	if is != nil {
		t.Fatal(is)
	}
	if got := strings.Join(p.Names(), ","); got != "name,seats,tags" {
		t.Errorf("names %s", got)
	}
	for _, src := range []string{`$meter != nil`, `$add($meter, "a", "b") == "ab"`, `let $list1 = tags; len($list1) > 0`} {
		if _, is := env.Compile(src, Expect{Kind: KindCondition}); is == nil {
			t.Errorf("%s was accepted", src)
		}
	}
}

// TestBudgetAtSave: what is over budget whatever the record (sizes known from constants) is
// refused when the definition is saved, at the part that goes over.
func TestBudgetAtSave(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	cases := []struct {
		name, src    string
		line, column int
	}{
		// the two: 100^4 iterations (at the second count, 2 million steps), text doubled
		// to 168 million characters (at the + of s17, 1.3 million bytes)
		{"nested_count", `let r = 1..100; count(r, count(r, count(r, count(r, # > 0) == 100) == 100) == 100)`, 1, 26},
		{"text_doubling", doubling(`"0123456789"`, 24), 18, 15},
		{"nested_literal_ranges", "count(1..1000,\n  count(1..1000, # > 0) == 1000)", 1, 1},
		{"range_too_large", `len(1..200000)`, 1, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, want := range []Expect{{Kind: KindValue, Type: "any"}, {Kind: KindCondition}} {
				_, is := env.Compile(c.src, want)
				if is == nil {
					t.Fatal("accepted")
				}
				if want.Kind == KindCondition {
					continue // a condition may fail its type first
				}
				if is.Line != c.line || is.Column != c.column || !strings.Contains(is.Message, "too m") {
					t.Errorf("got %+v, want %d:%d", is, c.line, c.column)
				}
			}
		})
	}
	// Sizes only a record tells, and work within the budget, are for the run to judge.
	for _, src := range []string{
		`let r = 1..seats; count(r, count(r, count(r, # > 0) == 100) == 100)`,
		`let r = 1..600; count(r, count(r, # > 1) == 599)`,
		doubling(`"0123456789"`, 15),
		`any(1..1000, # == 5) || all(1..1000, # > 0)`,
	} {
		if _, is := env.Compile(src, Expect{Kind: KindValue, Type: "any"}); is != nil {
			t.Errorf("%s: %v", src, is)
		}
	}
}

// TestBudgetRegex: a regular expression spends, before it matches, the bytes of its text times
// the size of its pattern; a pattern from a record that is too long or too large to compile is
// refused at run, one written in the expression at save.
func TestBudgetRegex(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	long := strings.Repeat("ab", 30_000)                                     // 60 KB of text
	heavy := func(n int) string { return strings.Repeat("[a-c]?", n) + "d" } // 6n+1 bytes
	repeated := "(abcdefghij|klmnopqrst|uvwxyzABCD){1000}"                   // 41 bytes, some 30,000 instructions
	cases := []struct{ name, src, text, pattern string }{
		{"text_times_pattern", `name matches lost_reason`, long, heavy(160)},
		{"pattern_too_long", `name matches lost_reason`, "abc", heavy(500)},
		{"pattern_too_large", `name matches lost_reason`, "abc", repeated},
		{"inside_a_predicate", `count(1..50, name matches lost_reason) > 0`, long[:20_000], "[a-c]?[a-c]?[a-c]?[a-c]?d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, is := env.Compile(c.src, Expect{Kind: KindCondition})
			if is != nil {
				t.Fatal(is)
			}
			scope := env.Scope(map[string]any{"name": c.text, "lost_reason": c.pattern}, nil, ctx(t))
			start := time.Now()
			v, err := p.Run(scope)
			if !OverBudget(err) {
				t.Fatalf("gave %v, %v after %v; want a budget error", v, err, time.Since(start))
			}
			if d := time.Since(start); d > 50*time.Millisecond {
				t.Errorf("refused after %v: the work was done first", d)
			}
		})
	}
	// Sensible patterns on sensible text match, from the expression or from a record.
	scope := env.Scope(map[string]any{"name": "ACM-2024 " + strings.Repeat("x", 5000), "lost_reason": "^[A-Z]{3}-[0-9]+"}, nil, ctx(t))
	for _, src := range []string{`name matches "^[A-Z]{3}-[0-9]+"`, `name matches lost_reason`, `not (name matches "(?i)^acme$")`} {
		p, is := env.Compile(src, Expect{Kind: KindCondition})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		if ok, err := p.Holds(scope); !ok || err != nil {
			t.Errorf("%s: %v %v", src, ok, err)
		}
	}
	// Written in the expression: judged at save, at the pattern or at the match.
	for src, want := range map[string]string{
		`name matches "` + heavy(500) + `"`: "pattern", // 3 KB: 0.38 s on 60 KB, unmetered
		`name matches "` + repeated + `"`:   "pattern",
		`name matches "[a-"`:                "missing closing ]",
		doubling(`"0123456789"`, 12) + ` > 0 && s12 matches "` + heavy(150) + `"`: "too much work",
	} {
		if _, is := env.Compile(src, Expect{Kind: KindCondition}); is == nil || !strings.Contains(is.Message, want) {
			t.Errorf("%.60s: %v, want an issue about %q", src, is, want)
		}
	}
}

// TestBudgetLibrary: library functions whose work grows with their input spend its size, so
// that calling them many times on large values stops at the budget.
func TestBudgetLibrary(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	scope := env.Scope(map[string]any{"name": strings.Repeat("x", 1<<20), "tags": []any{"vip"}}, nil, ctx(t))
	for _, f := range []string{"len(name)", "len(lower(name))", "len(upper(name))", "len(trim(name))", "(isBlank(name) ? 0 : 1)", "len(coalesce(name, \"\"))", `("x" in [name] ? 1 : 0)`, `(name contains "y" ? 0 : 1)`} {
		src := strings.TrimSuffix(strings.Repeat(f+" + ", 3), " + ")
		p, is := env.Compile(src, Expect{Kind: KindValue, Type: "any"})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		if v, err := p.Run(scope); !OverBudget(err) {
			t.Errorf("%s gave %v, %v; want a budget error", src, v, err)
		}
	}
	small := env.Scope(map[string]any{"name": " Acme ", "tags": []any{"vip"}}, nil, ctx(t))
	p, is := env.Compile(`upper(trim(name)) + lower(name) + coalesce(region, "-") + (isBlank(name) ? "" : "!") + ("vip" in tags ? "v" : "")`, Expect{Kind: KindValue, Type: "any"})
	if is != nil {
		t.Fatal(is)
	}
	if v, err := p.Run(small); v != "ACME acme -!v" || err != nil {
		t.Errorf("got %q, %v", v, err)
	}
}
