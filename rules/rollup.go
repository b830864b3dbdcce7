package rules

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"

	"crm/forms"
)

// Rollup is a roll-up field (forms.TypeRollup) compiled against the definition of the object it
// summarizes: the pure part of keeping it, folding the children's stored values into the
// parent's. Which children there are, when to fold and where the value goes is the engine's.
type Rollup struct {
	Parent     string       // the object holding the field
	Field      *forms.Field // the roll-up field
	Child      *forms.Object
	summarized *forms.Field // nil for count
	env        *Env
	filter     *Program // nil: every child counts
}

// CompileRollup checks a roll-up field of parent against child, the definition of the object it
// summarizes, and compiles its filter (a condition over a child, without references through the
// child's lookups: the children are read in bulk). at is the field's pointer ("/fields/3");
// every problem is reported at once, the filter's with its line and column.
func CompileRollup(parent string, f *forms.Field, child *forms.Object, at string) (*Rollup, []forms.Problem) {
	var problems []forms.Problem
	bad := func(key, code, format string, args ...any) {
		problems = append(problems, forms.Problem{Pointer: at + "/" + key, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if child == nil {
		bad("child_object", "unknown_object", "object %q does not exist", f.ChildObject)
		return nil, problems
	}
	if lf := child.Field(f.ChildLookup); lf == nil || lf.Type != forms.TypeLookup || lf.Target != parent {
		bad("child_lookup", "invalid_option", "%s has no lookup %q to %s", child.Name, f.ChildLookup, parent)
	}
	r := &Rollup{Parent: parent, Field: f, Child: child, env: NewEnv(child)}
	if f.Function != forms.RollupCount {
		r.summarized = child.Field(f.Summarize)
		switch rt, cur, scale := forms.RollupResult(f.Function, r.summarized); {
		case r.summarized == nil:
			bad("summarize", "unknown_field", "%s has no field %q", child.Name, f.Summarize)
		case rt == "":
			bad("summarize", "invalid_option", "%s of %s: only number, integer, currency and percent fields can be summarized", f.Function, f.Summarize)
		default:
			checkResult(f, rt, cur, scale, bad)
		}
	} else {
		checkResult(f, forms.TypeInteger, "", nil, bad)
	}
	if f.Filter != "" {
		p, is := r.env.Compile(f.Filter, Expect{Kind: KindCondition})
		if is != nil {
			problems = append(problems, forms.Problem{Pointer: at + "/filter", Code: "invalid_expression", Message: is.Message, Line: is.Line, Column: is.Column})
		}
		r.filter = p
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return r, nil
}

// checkResult reports a result type, currency or scale other than the function gives.
func checkResult(f *forms.Field, rt, cur string, scale *int, bad func(key, code, format string, args ...any)) {
	if f.ResultType != rt {
		bad("result_type", "invalid_option", "%s of this field gives %s, not %s", f.Function, rt, f.ResultType)
		return
	}
	if f.Currency != cur {
		bad("currency", "invalid_option", "the summarized amounts are in %q, not %q", cur, f.Currency)
	}
	if (f.Scale == nil) != (scale == nil) || (scale != nil && *f.Scale != *scale) {
		bad("scale", "invalid_option", "the scale is the summarized field's")
	}
}

// CompleteRollup fills in a roll-up's result type, currency and scale from the child's
// definition when its result type is not given: what an analyst means is what the function
// gives. A field that cannot be summarized is left for CompileRollup to report.
func CompleteRollup(f *forms.Field, child *forms.Object) {
	if f.Type != forms.TypeRollup || f.ResultType != "" || child == nil {
		return
	}
	var of *forms.Field
	if f.Function != forms.RollupCount {
		if of = child.Field(f.Summarize); of == nil {
			return
		}
	}
	f.ResultType, f.Currency, f.Scale = forms.RollupResult(f.Function, of)
}

// Reads are the child's fields whose values the roll-up depends on, sorted: the lookup, the
// summarized field and those the filter reads. A child write changing none of them leaves the
// roll-up as it was.
func (r *Rollup) Reads() []string {
	names := map[string]bool{r.Field.ChildLookup: true}
	if r.summarized != nil {
		names[r.summarized.Name] = true
	}
	if r.filter != nil {
		for _, n := range r.filter.Reads() {
			names[n] = true
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Fold computes the roll-up over the stored children of one parent, in the wire form of the
// field's values (what rules.Draft.Computed takes). Arithmetic is exact (rationals), so money
// sums to the minor unit; an average is rounded half away from zero to the field's places.
// Empty values are skipped, as SQL's aggregates do; over no values count and sum are 0, the
// others empty. c is the clock a filter reading today() sees.
func (r *Rollup) Fold(children []map[string]any, c Context) (any, error) {
	n := 0
	var sum, best *big.Rat
	for _, doc := range children {
		if r.filter != nil {
			ok, err := r.filter.Holds(r.env.Scope(doc, nil, c))
			if err != nil {
				return nil, fmt.Errorf("the filter of %s: %w", r.Field.Name, err)
			}
			if !ok {
				continue
			}
		}
		if r.summarized == nil {
			n++
			continue
		}
		v := exprValue(r.summarized, doc[r.summarized.Name])
		if v == nil {
			continue
		}
		x, err := toRat(v)
		if err != nil {
			return nil, err
		}
		n++
		if sum == nil {
			sum, best = new(big.Rat), new(big.Rat).Set(x)
		}
		sum.Add(sum, x)
		switch c := x.Cmp(best); {
		case r.Field.Function == forms.RollupMin && c < 0, r.Field.Function == forms.RollupMax && c > 0:
			best.Set(x)
		}
	}
	var out *big.Rat
	switch r.Field.Function {
	case forms.RollupCount:
		return json.Number(fmt.Sprint(n)), nil
	case forms.RollupSum:
		out = sum
		if out == nil {
			out = new(big.Rat)
		}
	case forms.RollupMin, forms.RollupMax:
		out = best
	case forms.RollupAvg:
		if n > 0 {
			out = new(big.Rat).Quo(sum, new(big.Rat).SetInt64(int64(n)))
		}
	}
	if out == nil {
		return nil, nil
	}
	return ratWire(r.Field, out)
}

// EmptyRollup is a roll-up's value over no children: what a new record holds.
func EmptyRollup(f *forms.Field) any {
	switch f.Function {
	case forms.RollupCount:
		return json.Number("0")
	case forms.RollupSum:
		v, _ := ratWire(f, new(big.Rat))
		return v
	}
	return nil
}

// ratWire is an exact result in the wire form of the field's result type.
func ratWire(f *forms.Field, x *big.Rat) (any, error) {
	if f.ResultType == forms.TypeInteger {
		q, ok := Decimal{x}.minor(0)
		if !ok {
			return nil, fmt.Errorf("%s is beyond a whole number's range", x.FloatString(0))
		}
		return json.Number(fmt.Sprint(q)), nil
	}
	return wireValue(f, Decimal{x})
}
