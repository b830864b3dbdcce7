package rules

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"
)

// errEmpty marks a failure caused by an empty value: a comparison or arithmetic with a field that
// has no value. Such a condition does not hold and such a formula has no value, as in a
// spreadsheet, instead of failing the write.
var errEmpty = errors.New("a value used here is empty")

// Func documents one function of the library, for the README and the builder's autocomplete.
type Func struct {
	Name      string `json:"name"`
	Signature string `json:"signature"`
	Doc       string `json:"doc"`
	Example   string `json:"example"`
}

// Library lists the functions expressions may call, in the order the docs show them. today, now
// and changed read the write being checked and are provided per evaluation (see env.go).
var Library = []Func{
	{"isBlank", "isBlank(value) bool", "true when the value is empty: no value, blank text or an empty list", `isBlank(email) && isBlank(phone)`},
	{"len", "len(text or list) int", "characters of a text, or items of a list; 0 when empty", `len(description) > 500`},
	{"lower", "lower(text) text", "the text in lower case", `lower(country) == "china"`},
	{"upper", "upper(text) text", "the text in upper case", `upper(code)`},
	{"trim", "trim(text) text", "the text without leading and trailing spaces", `trim(company) == ""`},
	{"today", "today() date", "the current date in the acting user's time zone", `close_date < today()`},
	{"now", "now() datetime", "the current instant", `hoursBetween(created_at, now()) > 48`},
	{"daysBetween", "daysBetween(from, to) int", "whole days from one date or instant to another (negative when to is earlier)", `daysBetween(today(), close_date) <= 7`},
	{"hoursBetween", "hoursBetween(from, to) number", "hours, with fractions, from one instant to another", `hoursBetween(created_at, first_response_at) > 4`},
	{"addDays", "addDays(date, n) date", "the date or instant n days later (earlier when n is negative)", `addDays(today(), 30)`},
	{"changed", `changed("field") bool`, "true when this write changes the field; on create, when it has a value", `changed("stage") && stage == "lost"`},
	{"coalesce", "coalesce(value, fallback, ...) value", "the first value that is not empty", `coalesce(discount, 0)`},
	{"round", "round(number, places) number", "rounded half away from zero to places digits after the point (0 when left out); exact for amounts", `round(amount * 0.15, 2)`},
}

// Variables lists what expressions read beside the record's fields and the library, for the docs
// and the builder's autocomplete. Two more follow the object: old.<field> (the record before the
// write; empty on create) and owner_counts.<name> (the object's owner counts).
var Variables = []Func{
	{"user.id", "user.id text", "the acting user's id", `owner == user.id`},
	{"user.email", "user.email text", "the acting user's email", `user.email endsWith "@example.com"`},
	{"user.name", "user.name text", "the acting user's name", `user.name != ""`},
	{"user.roles", "user.roles list", "the acting user's roles", `"manager" in user.roles`},
	{"user.team", "user.team text", "the acting user's first team", `user.team == "east"`},
	{"user.teams", "user.teams list", "every team of the acting user", `"east" in user.teams`},
	{"owner_user.id", "owner_user.id text", "the id of the user the write leaves as owner", `owner_user.id != user.id`},
	{"owner_user.email", "owner_user.email text", "the owner's email", `owner_user.email endsWith "@example.com"`},
	{"owner_user.name", "owner_user.name text", "the owner's name", `owner_user.name != ""`},
	{"owner_user.roles", "owner_user.roles list", "the owner's roles: a limit by the holder's role, whoever writes", `"manager" in owner_user.roles`},
	{"owner_user.team", "owner_user.team text", "the owner's first team", `owner_user.team == "east"`},
	{"owner_user.teams", "owner_user.teams list", "every team of the owner", `"east" in owner_user.teams`},
}

// Operators lists the operators beside arithmetic and comparison, for the docs and autocomplete.
// contains, startsWith, endsWith and matches are operators in expr, written between their operands.
var Operators = []Func{
	{"and", "a and b, a && b", "both hold", `stage == "won" and amount >= 5000`},
	{"or", "a or b, a || b", "either holds", `priority == "vip" or amount > 100000`},
	{"not", "not a, !a", "does not hold", `not isBlank(email)`},
	{"in", "value in list", "the value is one of the list (also a multipicklist)", `stage in ["won", "lost"]`},
	{"contains", "text contains part", "the text contains the part", `company contains "Ltd"`},
	{"startsWith", "text startsWith part", "the text begins with the part", `phone startsWith "+86"`},
	{"endsWith", "text endsWith part", "the text ends with the part", `email endsWith "@example.com"`},
	{"matches", "text matches pattern", "the text matches a regular expression (RE2 syntax)", `code matches "^[A-Z]{3}-[0-9]+$"`},
	{"??", "value ?? fallback", "the value, or the fallback when it is empty", `discount ?? 0`},
	{"?:", "condition ? a : b", "a when the condition holds, else b", `amount > 10000 ? "large" : "small"`},
}

// allowedBuiltins are the expr builtins kept: predicates over lists (multipicklist values).
var allowedBuiltins = []string{"all", "any", "none", "one", "count"}

// staticFunctions are the library functions that need nothing of the evaluation, with their
// signatures for the type checker.
func staticFunctions() []expr.Option {
	return []expr.Option{
		expr.Function("isBlank", isBlank, new(func(any) bool)),
		expr.Function("len", length, new(func(any) int)),
		expr.Function("lower", textFunc(strings.ToLower), new(func(string) string)),
		expr.Function("upper", textFunc(strings.ToUpper), new(func(string) string)),
		expr.Function("trim", textFunc(func(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }), new(func(string) string)),
		expr.Function("daysBetween", daysBetween, new(func(time.Time, time.Time) int)),
		expr.Function("hoursBetween", hoursBetween, new(func(time.Time, time.Time) float64)),
		expr.Function("addDays", addDays, new(func(time.Time, int) time.Time)),
		expr.Function("coalesce", coalesce,
			new(func(Decimal, Decimal) Decimal), new(func(Decimal, int) Decimal), new(func(Decimal, float64) Decimal),
			new(func(float64, float64) float64), new(func(float64, int) float64), new(func(int, int) int),
			new(func(string, string) string), new(func(time.Time, time.Time) time.Time), new(func(bool, bool) bool),
			new(func([]string, []string) []string), new(func(any, ...any) any)),
		expr.Function("round", round,
			new(func(Decimal) Decimal), new(func(Decimal, int) Decimal),
			new(func(float64) float64), new(func(float64, int) float64), new(func(int) int), new(func(int, int) int)),
	}
}

func isBlank(p ...any) (any, error) {
	switch v := p[0].(type) {
	case nil:
		return true, nil
	case string:
		return strings.TrimFunc(v, unicode.IsSpace) == "", nil
	case []string:
		return len(v) == 0, nil
	case []any:
		return len(v) == 0, nil
	}
	return false, nil
}

func length(p ...any) (any, error) {
	switch v := p[0].(type) {
	case nil:
		return 0, nil
	case string:
		return utf8.RuneCountInString(v), nil
	}
	if rv := reflect.ValueOf(p[0]); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map {
		return rv.Len(), nil
	}
	return nil, errors.New("len needs a text or a list")
}

// textFunc lifts a string function; an empty value reads as "".
func textFunc(f func(string) string) func(p ...any) (any, error) {
	return func(p ...any) (any, error) {
		s, _ := p[0].(string)
		return f(s), nil
	}
}

func twoTimes(p []any) (time.Time, time.Time, error) {
	a, ok1 := p[0].(time.Time)
	b, ok2 := p[1].(time.Time)
	if !ok1 || !ok2 {
		return a, b, errEmpty
	}
	return a, b, nil
}

func daysBetween(p ...any) (any, error) {
	a, b, err := twoTimes(p)
	if err != nil {
		return nil, err
	}
	return int(b.Sub(a) / (24 * time.Hour)), nil
}

func hoursBetween(p ...any) (any, error) {
	a, b, err := twoTimes(p)
	if err != nil {
		return nil, err
	}
	return b.Sub(a).Hours(), nil
}

func addDays(p ...any) (any, error) {
	t, ok := p[0].(time.Time)
	n, ok2 := p[1].(int)
	if !ok || !ok2 {
		return nil, errEmpty
	}
	return t.AddDate(0, 0, n), nil
}

// coalesce returns the first non-empty argument; money stays money when a fallback is a number.
func coalesce(p ...any) (any, error) {
	money := false
	for _, v := range p {
		if _, ok := v.(Decimal); ok {
			money = true
		}
	}
	for _, v := range p {
		if blank, _ := isBlank(v); blank.(bool) {
			continue
		}
		if money {
			if _, isDec := v.(Decimal); !isDec {
				r, err := toRat(v)
				if err == nil {
					return Decimal{r}, nil
				}
			}
		}
		return v, nil
	}
	return nil, nil
}

func round(p ...any) (any, error) {
	places := 0
	if len(p) > 1 {
		n, ok := p[1].(int)
		if !ok {
			return nil, errEmpty
		}
		if n < 0 || n > 18 {
			return nil, errors.New("round keeps 0 to 18 places")
		}
		places = n
	}
	switch x := p[0].(type) {
	case Decimal:
		return Decimal{new(big.Rat).SetFrac(x.rounded(places), pow10(places))}, nil
	case float64:
		d, err := decimalFromFloat(x)
		if err != nil {
			return nil, errDivisionByZero
		}
		f, _ := new(big.Rat).SetFrac(d.rounded(places), pow10(places)).Float64()
		return f, nil
	case int:
		return x, nil
	case nil:
		return nil, errEmpty
	}
	return nil, errors.New("round needs a number")
}

// finite reports whether a float result is a number (x / 0 gives Inf in expr).
func finite(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }
