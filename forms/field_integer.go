package forms

import "encoding/json"

// TypeInteger is a whole number.
const TypeInteger = "integer"

// integerType is a whole number stored as int64. "1.0" and "1e3" are whole numbers too; values
// beyond int64 are refused rather than wrapped.
type integerType struct{}

var _ fieldType = integerType{}

func init() { register(TypeInteger, integerType{}) }

func (integerType) allows() option { return optStored | optRange }

// check refuses limits that are not whole numbers: "min": 1.5 on a whole number is a mistake.
func (integerType) check(f *Field, at string, r *report) {
	for _, lim := range []struct {
		name string
		n    *string
	}{{"min", numText(f.Min)}, {"max", numText(f.Max)}} {
		if lim.n == nil {
			continue
		}
		if d, ok := parseDecimal(*lim.n); ok {
			if _, code := d.scaled(0); code != "" {
				r.add(at+"/"+lim.name, codeInvalidOption, "%s must be a whole number within 64 bits", lim.name)
			}
		}
	}
}

func (integerType) schema(f *Field) map[string]any { return rangeSchema(f, "integer") }

func (integerType) store(_ *Field, v any) (any, *issue) {
	text, ok := numberText(v)
	if !ok {
		return nil, &issue{code: CodeType, arg: "integer"}
	}
	d, ok := parseDecimal(text)
	if !ok {
		return nil, &issue{code: CodeType, arg: "integer"}
	}
	n, code := d.scaled(0)
	switch code {
	case CodeScale:
		return nil, &issue{code: CodeType, arg: "integer"}
	case CodeOverflow:
		return nil, &issue{code: CodeOverflow}
	}
	return n, nil
}

func (integerType) wire(_ *Field, v any) any {
	if n, ok := storedInt(v); ok {
		return n
	}
	return v
}

// numText is the text of an optional limit.
func numText(n *json.Number) *string {
	if n == nil {
		return nil
	}
	s := string(*n)
	return &s
}
