package forms

// TypeFormula is a value computed from an expression over the record.
const TypeFormula = "formula"

// resultTypes are the types a formula may produce.
var resultTypes = []string{TypeText, TypeNumber, TypeInteger, TypeCurrency, TypePercent, TypeBoolean, TypeDate, TypeDatetime}

// formulaType is computed by the rules package from its expression; its values have the shape of
// its result type, so schema and conversions are the result type's, applied to a shadow field
// carrying the formula's scale and currency. The currency code is optional here (the design's
// example "weighted" has none): without one, amounts have two decimals. Formulas are read-only and
// never required or unique. They are computed and stored on every write, so they may be indexed
// for sorting and fast filters; a formula that reads today() or now() holds the value of its
// record's last write.
type formulaType struct{}

var _ fieldType = formulaType{}
var _ computedType = formulaType{}

func init() { register(TypeFormula, formulaType{}) }

func (formulaType) allows() option {
	return optResultType | optExpression | optScale | optCurrency | optIndexed
}

func (formulaType) computed() bool { return true }

func (formulaType) check(f *Field, at string, r *report) {
	if f.Expression == "" {
		r.add(at+"/expression", codeMissingOption, "a formula needs an expression")
	}
	switch {
	case f.ResultType == "":
		r.add(at+"/result_type", codeMissingOption, "a formula needs a result_type")
	case !isResultType(f.ResultType):
		r.add(at+"/result_type", codeInvalidOption, "result_type %q is not one of text, number, integer, currency, percent, boolean, date, datetime", f.ResultType)
	default:
		if f.Scale != nil && f.ResultType != TypeNumber && f.ResultType != TypePercent {
			r.add(at+"/scale", codeOptionNotAllowed, "scale applies only to number and percent results")
		}
		if f.Currency != "" && f.ResultType != TypeCurrency {
			r.add(at+"/currency", codeOptionNotAllowed, "currency applies only to currency results")
		}
	}
}

func (formulaType) schema(f *Field) map[string]any {
	rf, rt := resultOf(f)
	if rt == nil {
		return map[string]any{}
	}
	return rt.schema(rf)
}

func (formulaType) store(f *Field, v any) (any, *issue) {
	rf, rt := resultOf(f)
	if rt == nil {
		return nil, &issue{code: CodeInvalid}
	}
	return rt.store(rf, v)
}

func (formulaType) wire(f *Field, v any) any {
	rf, rt := resultOf(f)
	if rt == nil {
		return v
	}
	return rt.wire(rf, v)
}

// resultOf is the shadow field and type a formula's values have; nil when result_type is unknown.
func resultOf(f *Field) (*Field, fieldType) {
	if !isResultType(f.ResultType) {
		return nil, nil
	}
	return &Field{Name: f.Name, Type: f.ResultType, Scale: f.Scale, Currency: f.Currency}, types[f.ResultType]
}

func isResultType(t string) bool {
	for _, r := range resultTypes {
		if r == t {
			return true
		}
	}
	return false
}
