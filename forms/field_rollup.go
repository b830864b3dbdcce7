package forms

// TypeRollup is a summary of the records of another object that point at this one through a
// lookup: how many there are, or the sum, least, greatest or average of one of their fields,
// counting only those a filter expression holds for ("open pipeline": the sum of the amounts of
// an account's opportunities not won or lost).
const TypeRollup = "rollup"

// Roll-up functions.
const (
	RollupCount = "count"
	RollupSum   = "sum"
	RollupMin   = "min"
	RollupMax   = "max"
	RollupAvg   = "avg"
)

// RollupFunctions are the functions a roll-up may compute, in the order the builder offers them.
var RollupFunctions = []string{RollupCount, RollupSum, RollupMin, RollupMax, RollupAvg}

// rollupResults are the types a roll-up's values may have.
var rollupResults = []string{TypeInteger, TypeNumber, TypeCurrency, TypePercent}

// rollupType is kept by the engine, never entered: its values have the shape of its result type
// (as a formula's), which follows from the function and the summarized field (count: integer;
// avg: number, or currency over money; the others: the field's own). The engine derives it at
// save from the child object's definition and checks what only that definition can tell (the
// lookup points here, the field is a number); this file checks what the field alone says. The
// value is stored on the record, so it may be indexed, filtered, sorted and read by formulas.
type rollupType struct{}

var _ fieldType = rollupType{}
var _ computedType = rollupType{}

func init() { register(TypeRollup, rollupType{}) }

func (rollupType) allows() option {
	return optRollup | optResultType | optScale | optCurrency | optIndexed
}

func (rollupType) computed() bool { return true }

func (rollupType) check(f *Field, at string, r *report) {
	switch {
	case f.ChildObject == "":
		r.add(at+"/child_object", codeMissingOption, "a roll-up needs the object whose records it summarizes")
	case !NamePattern.MatchString(f.ChildObject):
		r.add(at+"/child_object", codeInvalidOption, "child_object %q is not a valid object name", f.ChildObject)
	case !r.exists(f.ChildObject):
		r.add(at+"/child_object", codeUnknownObject, "object %q does not exist", f.ChildObject)
	}
	if f.ChildLookup == "" {
		r.add(at+"/child_lookup", codeMissingOption, "a roll-up needs the lookup of %s that points at this object", orText(f.ChildObject, "the child object"))
	}
	switch {
	case f.Function == "":
		r.add(at+"/function", codeMissingOption, "a roll-up needs a function: count, sum, min, max or avg")
	case !isOneOf(f.Function, RollupFunctions):
		r.add(at+"/function", codeInvalidOption, "function %q is not one of count, sum, min, max, avg", f.Function)
	case f.Function == RollupCount && f.Summarize != "":
		r.add(at+"/summarize", codeOptionNotAllowed, "count counts records; it summarizes no field")
	case f.Function != RollupCount && f.Summarize == "":
		r.add(at+"/summarize", codeMissingOption, "%s needs the field to summarize", f.Function)
	}
	// An empty result type is the engine's to fill in from the child (or to explain why not).
	switch {
	case f.ResultType == "":
	case !isOneOf(f.ResultType, rollupResults):
		r.add(at+"/result_type", codeInvalidOption, "result_type %q is not one of integer, number, currency, percent", f.ResultType)
	default:
		if f.Scale != nil && f.ResultType != TypeNumber && f.ResultType != TypePercent {
			r.add(at+"/scale", codeOptionNotAllowed, "scale applies only to number and percent results")
		}
		if f.Currency != "" && f.ResultType != TypeCurrency {
			r.add(at+"/currency", codeOptionNotAllowed, "currency applies only to currency results")
		}
	}
}

func (rollupType) schema(f *Field) map[string]any {
	rf, rt := rollupResultOf(f)
	if rt == nil {
		return map[string]any{}
	}
	return rt.schema(rf)
}

func (rollupType) store(f *Field, v any) (any, *issue) {
	rf, rt := rollupResultOf(f)
	if rt == nil {
		return nil, &issue{code: CodeInvalid}
	}
	return rt.store(rf, v)
}

func (rollupType) wire(f *Field, v any) any {
	rf, rt := rollupResultOf(f)
	if rt == nil {
		return v
	}
	return rt.wire(rf, v)
}

// rollupResultOf is the shadow field and type a roll-up's values have; nil when unknown.
func rollupResultOf(f *Field) (*Field, fieldType) {
	if !isOneOf(f.ResultType, rollupResults) {
		return nil, nil
	}
	return &Field{Name: f.Name, Type: f.ResultType, Scale: f.Scale, Currency: f.Currency}, types[f.ResultType]
}

// RollupResult is the result type, currency and scale of fn over a field of type of (nil for
// count), or "" when fn cannot summarize such a field (only numbers, money and percentages can).
func RollupResult(fn string, of *Field) (resultType, currency string, scale *int) {
	if fn == RollupCount {
		return TypeInteger, "", nil
	}
	if of == nil {
		return "", "", nil
	}
	t := of.ValueType()
	if !isOneOf(t, rollupResults) {
		return "", "", nil
	}
	if fn == RollupAvg && t == TypeInteger {
		return TypeNumber, "", nil
	}
	return t, of.Currency, of.Scale
}

func isOneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
