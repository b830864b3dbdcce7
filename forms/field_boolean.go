package forms

// TypeBoolean is a yes/no value.
const TypeBoolean = "boolean"

// booleanType is true or false. It cannot be unique: only two records could ever be saved.
type booleanType struct{}

var _ fieldType = booleanType{}

func init() { register(TypeBoolean, booleanType{}) }

func (booleanType) allows() option { return optRequired | optIndexed | optDefault | optEntered }

func (booleanType) check(*Field, string, *report) {}

func (booleanType) schema(*Field) map[string]any { return map[string]any{"type": "boolean"} }

func (booleanType) store(_ *Field, v any) (any, *issue) {
	b, ok := v.(bool)
	if !ok {
		return nil, &issue{code: CodeType, arg: "boolean"}
	}
	return b, nil
}

func (booleanType) wire(_ *Field, v any) any { return v }
