package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"crm/forms"
)

// eval compiles src as a formula of type typ over the opportunity and returns the wire value it
// stores for a record with the given stored values.
func evalFormula(t *testing.T, src, typ string, stored map[string]any) (any, error) {
	t.Helper()
	obj := mustObject(t, opportunityDef)
	env := NewEnv(obj)
	p, is := env.Compile(src, Expect{Kind: KindFormula, Type: typ})
	if is != nil {
		t.Fatalf("%s: %v", src, is)
	}
	v, err := p.Run(env.Scope(stored, nil, ctx(t)))
	if err != nil {
		return nil, err
	}
	return wireValue(&forms.Field{Name: "x", Type: forms.TypeFormula, ResultType: typ, Currency: "CNY"}, v)
}

func TestMoneyIsExact(t *testing.T) {
	cases := []struct {
		src    string
		stored map[string]any
		want   string
	}{
		{`amount + discount`, map[string]any{"amount": int64(10), "discount": int64(20)}, "0.30"}, // 0.10 + 0.20
		{`amount / 3`, map[string]any{"amount": int64(10000)}, "33.33"},                           // 1/3 of 100.00
		{`amount * 2 / 3`, map[string]any{"amount": int64(10000)}, "66.67"},                       // rounds half away from zero
		{`amount / 8`, map[string]any{"amount": int64(100)}, "0.13"},                              // 0.125 -> 0.13
		{`0 - amount / 8`, map[string]any{"amount": int64(100)}, "-0.13"},                         // -0.125 -> -0.13
		{`amount * probability / 100`, map[string]any{"amount": int64(1234567), "probability": 35.0}, "4320.98"},
		{`amount * 0.1 + amount * 0.2`, map[string]any{"amount": int64(100)}, "0.30"},
		{`round(amount / 3, 1)`, map[string]any{"amount": int64(10000)}, "33.30"},
		{`coalesce(discount, 0) + 1`, map[string]any{}, "1.00"},
		{`amount * 30`, map[string]any{"amount": int64(922337203685477580)}, ""}, // overflows int64 minor units: refused by forms
	}
	for _, c := range cases {
		got, err := evalFormula(t, c.src, "currency", c.stored)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if c.want == "" {
			f := &forms.Field{Name: "x", Type: forms.TypeCurrency, Currency: "CNY"}
			if _, err := f.StoreValue(got); err == nil {
				t.Errorf("%s: %v was storable", c.src, got)
			}
			continue
		}
		if got != json.Number(c.want) {
			t.Errorf("%s = %v, want %s", c.src, got, c.want)
		}
	}
	// Comparisons of money are exact too.
	env := NewEnv(mustObject(t, opportunityDef))
	for src, want := range map[string]bool{
		`amount + discount == 0.3`:    true,
		`amount + discount > 0.3`:     false,
		`amount >= 0.1 && amount < 1`: true,
		`discount == nil`:             false,
		`amount != discount`:          true,
	} {
		p, is := env.Compile(src, Expect{Kind: KindCondition})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		got, err := p.Holds(env.Scope(map[string]any{"amount": int64(10), "discount": int64(20)}, nil, ctx(t)))
		if err != nil || got != want {
			t.Errorf("%s = %v %v, want %v", src, got, err, want)
		}
	}
}

func TestLibrary(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	stored := map[string]any{
		"name": "  Acme Ltd ", "amount": int64(500000), "stage": "won", "close_date": "2026-11-27",
		"tags": []any{"vip"}, "created_at": "2026-11-19T20:00:00.000Z", "seats": int64(12),
	}
	old := map[string]any{"name": "  Acme Ltd ", "stage": "new", "amount": int64(500000)}
	scope := env.Scope(stored, old, ctx(t))
	cases := map[string]any{
		`isBlank(lost_reason) && !isBlank(name) && isBlank("  ") && !isBlank(tags)`: true,
		`len(trim(name))`:                  8,
		`len(tags)`:                        1,
		`len(lost_reason)`:                 0,
		`lower(trim(name))`:                "acme ltd",
		`upper(stage)`:                     "WON",
		`today() == date("2026-11-20")`:    nil,                                           // date() is not in the library: refused below
		`today()`:                          time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), // Shanghai's date at 02:00 UTC
		`now()`:                            clock,
		`daysBetween(today(), close_date)`: 7,
		`hoursBetween(created_at, now())`:  6.0,
		`addDays(close_date, -30)`:         time.Date(2026, 10, 28, 0, 0, 0, 0, time.UTC),
		`changed("stage")`:                 true,
		`changed("amount")`:                false,
		`changed("name")`:                  false,
		`coalesce(lost_reason, "none")`:    "none",
		`round(2.345, 2)`:                  2.35,
		`round(seats)`:                     12,
		`name matches "^\\s+Acme"`:         true,
		`"vip" in tags`:                    true,
		`"sales" in user.roles`:            true,
		`user.email`:                       "rep@example.com",
		`old.stage`:                        "new",
	}
	for src, want := range cases {
		p, is := env.Compile(src, Expect{Kind: KindValue, Type: "any"})
		if want == nil {
			if is == nil {
				t.Errorf("%s was accepted", src)
			}
			continue
		}
		if is != nil {
			t.Errorf("%s: %v", src, is)
			continue
		}
		got, err := p.Run(scope)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if tm, ok := want.(time.Time); ok {
			if g, ok := got.(time.Time); !ok || !g.Equal(tm) {
				t.Errorf("%s = %v, want %v", src, got, want)
			}
			continue
		}
		if got != want {
			t.Errorf("%s = %#v, want %#v", src, got, want)
		}
	}
	// Every documented example compiles, against an object with the fields the examples name.
	docs := mustObject(t, opportunityDef)
	for _, name := range []string{"email", "phone", "description", "country", "code", "company"} {
		docs.Fields = append(docs.Fields, &forms.Field{Name: name, Type: "text"})
	}
	docs.Fields = append(docs.Fields, &forms.Field{Name: "first_response_at", Type: "datetime"})
	docsEnv := NewEnv(docs)
	for _, f := range append(append([]Func{}, Library...), Variables...) {
		if _, is := docsEnv.Compile(f.Example, Expect{Kind: KindValue, Type: "any"}); is != nil {
			t.Errorf("example of %s: %v", f.Name, is)
		}
	}
	// Every variable named is one an expression may read.
	for _, v := range Variables {
		if _, is := docsEnv.Compile(v.Name, Expect{Kind: KindValue, Type: "any"}); is != nil {
			t.Errorf("variable %s: %v", v.Name, is)
		}
	}
}

func TestTodayFollowsTheUsersZone(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	p, _ := env.Compile(`today()`, Expect{Kind: KindValue, Type: "date"})
	late := Context{Now: time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)} // 01:00 on the 21st in Shanghai
	for loc, want := range map[*time.Location]int{time.UTC: 20, shanghai(t): 21} {
		late.Location = loc
		v, _ := p.Run(env.Scope(nil, nil, late))
		if v.(time.Time).Day() != want {
			t.Errorf("today() in %v = %v", loc, v)
		}
	}
}

func TestEmptyValues(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	scope := env.Scope(map[string]any{"stage": "new"}, nil, ctx(t))
	for _, src := range []string{`amount > 5`, `close_date < today()`, `seats * 2 > 1`, `daysBetween(close_date, today()) > 1`, `old.seats > 1`} {
		p, is := env.Compile(src, Expect{Kind: KindCondition})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		if ok, err := p.Holds(scope); ok || err != nil {
			t.Errorf("%s on empty values: %v %v, want false without error", src, ok, err)
		}
	}
	// Equality with an empty value is decided: empty equals only empty.
	for src, want := range map[string]bool{`stage != "won"`: true, `lost_reason != "x"`: true, `lost_reason == "x"`: false,
		`seats != 5`: true, `seats == 5`: false, `seats == nil`: true, `amount != 5`: true, `close_date == nil`: true,
		`old.stage != "won"`: true, `"vip" in tags`: false} {
		p, is := env.Compile(src, Expect{Kind: KindCondition})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		if ok, err := p.Holds(scope); ok != want || err != nil {
			t.Errorf("%s on empty values: %v %v, want %v", src, ok, err, want)
		}
	}
	// A formula over an empty value has no value.
	if v, err := evalFormula(t, `amount * probability / 100`, "currency", map[string]any{"amount": int64(100)}); err == nil || !Empty(err) {
		t.Errorf("formula over empty probability: %v %v", v, err)
	}
}

func TestRuntimeFailuresAreErrorsNotPanics(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	scope := env.Scope(map[string]any{"amount": int64(100), "seats": int64(0), "name": "x"}, nil, ctx(t))
	for src, want := range map[string]string{
		`amount / seats > 1`:                      "division by zero",
		`amount / discount > 1`:                   "empty",
		`len(1..(seats + 10000000)) > 0`:          "too much memory", // a size known at save is refused there
		`name matches ("[" + name)`:               "missing closing ]",
		`round(amount, 40) > 0`:                   "0 to 18 places",
		`count(1..(seats + 10000000), # > 5) > 0`: "too much memory",
	} {
		p, is := env.Compile(src, Expect{Kind: KindCondition})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		_, err := p.Run(scope)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", src, err, want)
		}
	}
	// Whole numbers do not wrap around: 2 + the largest int64 is an error, not a negative number.
	big := map[string]any{"seats": int64(math.MaxInt64)}
	for _, src := range []string{`2 + seats`, `seats + 1`, `-2 - seats - 2`, `seats * 2`, `seats * seats`, `(0 - seats - 1) * -1`} {
		v, err := evalFormula(t, src, "integer", big)
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("%s: %v %v, want an out of range error", src, v, err)
		}
	}
	if v, err := evalFormula(t, `seats - 1 + 1`, "integer", big); err != nil || fmt.Sprint(v) != "9223372036854775807" {
		t.Errorf("seats - 1 + 1: %v %v", v, err)
	}
	// Float division by zero gives no number a field could store.
	if _, err := evalFormula(t, `probability / 0`, "number", map[string]any{"probability": 5.0}); err == nil {
		t.Error("probability / 0 stored")
	}
}

// TestIntegerEdges: unary minus, division, remainder and powers at the edges of int64 and of
// numbers are runtime errors that say why, never a wrapped value, an infinity or a panic.
func TestIntegerEdges(t *testing.T) {
	smallest := map[string]any{"seats": int64(math.MinInt64), "probability": 5.0}
	for src, want := range map[string]string{
		`-seats`:                    "out of range",
		`-(seats)`:                  "out of range",
		`0 - -seats`:                "out of range",
		`seats % 0`:                 "division by zero",
		`seats / 0`:                 "division by zero",
		`probability / 0`:           "division by zero",
		`probability / (seats * 0)`: "division by zero",
		`10 ** 400`:                 "out of range",
		`10 ^ 400`:                  "out of range",
		`(0 - 8) ** 0.5`:            "out of range",
		`0 ** -1`:                   "out of range",
	} {
		p, is := NewEnv(mustObject(t, opportunityDef)).Compile(src, Expect{Kind: KindValue, Type: "any"})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		v, err := p.Run(NewEnv(mustObject(t, opportunityDef)).Scope(smallest, nil, ctx(t)))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "runtime error") {
			t.Errorf("%s: %v %v, want an error containing %q", src, v, err, want)
		}
	}
	// What is within range keeps its value: MinInt64 / -1 is a number, MinInt64 % -1 is 0.
	for src, want := range map[string]any{`seats / -1`: 9.223372036854775807e18, `seats % -1`: 0, `-(seats + 1)`: math.MaxInt64,
		`seats % 7`: -1, `-probability`: -5.0, `2 ** 10`: 1024.0, `-(-3)`: 3, `seats / 2`: -4.611686018427387904e18} {
		env := NewEnv(mustObject(t, opportunityDef))
		p, is := env.Compile(src, Expect{Kind: KindValue, Type: "any"})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		if v, err := p.Run(env.Scope(smallest, nil, ctx(t))); v != want || err != nil {
			t.Errorf("%s = %v (%T), %v; want %v", src, v, v, err, want)
		}
	}
	// Money negates exactly; text does not negate, and says where.
	if v, err := evalFormula(t, `-amount + 0.10`, "currency", map[string]any{"amount": int64(30)}); err != nil || fmt.Sprint(v) != "-0.20" {
		t.Errorf("-amount + 0.10: %v %v", v, err)
	}
	if _, is := NewEnv(mustObject(t, opportunityDef)).Compile(`1 + -name`, Expect{Kind: KindValue, Type: "any"}); is == nil || is.Column != 5 {
		t.Errorf("-name: %+v", is)
	}
	// An empty value negated is empty.
	if _, err := evalFormula(t, `-seats`, "integer", map[string]any{}); !Empty(err) {
		t.Errorf("-empty: %v", err)
	}
}
