package forms

// TypeMultipicklist is several values chosen from a fixed list.
const TypeMultipicklist = "multipicklist"

// multipicklistType is a set of the field's option values, stored as []any of strings in the order
// given, without duplicates. It cannot be unique or indexed: a list is not one key. A required
// multipicklist needs at least one value.
type multipicklistType struct{}

var _ fieldType = multipicklistType{}

func init() { register(TypeMultipicklist, multipicklistType{}) }

func (multipicklistType) allows() option { return optRequired | optDefault | optEntered | optOptions }

func (multipicklistType) check(f *Field, at string, r *report) { checkOptions(f, at, r) }

func (multipicklistType) schema(f *Field) map[string]any {
	s := map[string]any{
		"type":        "array",
		"items":       map[string]any{"enum": optionValues(f)},
		"uniqueItems": true,
	}
	if f.Required {
		s["minItems"] = 1
	}
	return s
}

func (multipicklistType) store(f *Field, v any) (any, *issue) {
	var items []any
	switch l := v.(type) {
	case []any:
		items = l
	case []string:
		items = make([]any, len(l))
		for i, s := range l {
			items[i] = s
		}
	default:
		return nil, &issue{code: CodeType, arg: "array"}
	}
	out := make([]any, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, &issue{code: CodeType, arg: "string"}
		}
		if !hasOption(f, s) {
			return nil, &issue{code: CodeEnum}
		}
		for _, prev := range out[:i] {
			if prev == s {
				return nil, &issue{code: CodeUniqueItems}
			}
		}
		out[i] = s
	}
	return out, nil
}

func (multipicklistType) wire(_ *Field, v any) any {
	if l, ok := v.([]string); ok {
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	}
	return v
}
