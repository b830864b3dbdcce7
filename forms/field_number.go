package forms

import (
	"strconv"
)

// TypeNumber is a decimal number with a fixed number of digits after the point.
const TypeNumber = "number"

// Scale limits: the digits after the point of number and percent fields.
const (
	defaultScale = 2
	maxScale     = 10
)

// numberType is a decimal number stored as float64. A value with more decimals than the field's
// scale, or more significant digits than a float64 holds exactly, is refused rather than silently
// rounded, so what the user typed is what is kept.
type numberType struct{}

var _ fieldType = numberType{}

func init() { register(TypeNumber, numberType{}) }

func (numberType) allows() option { return optStored | optRange | optScale }

func (numberType) check(*Field, string, *report) {}

func (numberType) schema(f *Field) map[string]any { return rangeSchema(f, "number") }

func (numberType) store(f *Field, v any) (any, *issue) { return storeFloat(f, v) }

func (numberType) wire(_ *Field, v any) any { return wireFloat(v) }

// rangeSchema is the schema of a JSON number of type typ within the field's min and max.
func rangeSchema(f *Field, typ any) map[string]any {
	s := map[string]any{"type": typ}
	if f.Min != nil {
		s["minimum"] = *f.Min
	}
	if f.Max != nil {
		s["maximum"] = *f.Max
	}
	return s
}

// scaleOf is the number of digits f keeps after the point.
func scaleOf(f *Field) int {
	if f.Scale != nil {
		return *f.Scale
	}
	return defaultScale
}

// storeFloat reads a number exactly to check its scale, then takes the float64 nearest to it.
func storeFloat(f *Field, v any) (any, *issue) {
	text, ok := numberText(v)
	if !ok {
		return nil, &issue{code: CodeType, arg: "number"}
	}
	d, ok := parseDecimal(text)
	if !ok {
		return nil, &issue{code: CodeType, arg: "number"}
	}
	scale := scaleOf(f)
	if d.places() > scale {
		return nil, &issue{code: CodeScale, arg: strconv.Itoa(scale)}
	}
	x, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, &issue{code: CodeOverflow}
	}
	// A float64 keeps about 15 significant digits: 9007199254740993 would be stored as ...992.
	// Refused like too many decimals, so what is kept is what was sent.
	if back, _ := parseDecimal(strconv.FormatFloat(x, 'g', -1, 64)); back != d {
		return nil, &issue{code: CodePrecision}
	}
	if x == 0 {
		x = 0 // no negative zero
	}
	return x, nil
}

// wireFloat is the wire form of a stored float: a json.Number.
func wireFloat(v any) any {
	if x, ok := storedFloat(v); ok {
		return floatNumber(x)
	}
	return v
}
