package forms

// TypeText is a single line of text.
const TypeText = "text"

// textType is a single line of text, with optional length limits and an RE2 pattern.
type textType struct{}

var _ fieldType = textType{}

func init() { register(TypeText, textType{}) }

func (textType) allows() option { return optStored | optLengths | optPattern | optSearchable }

func (textType) check(*Field, string, *report) {}

func (textType) schema(f *Field) map[string]any { return stringSchema(f) }

func (textType) store(_ *Field, v any) (any, *issue) { return storeString(v) }

func (textType) wire(_ *Field, v any) any { return v }

// stringSchema is the schema shared by the text-like types: a string within the field's lengths
// and pattern. A required field also needs at least one character, so "" does not count as filled.
func stringSchema(f *Field) map[string]any {
	s := map[string]any{"type": "string"}
	minLength := 0
	if f.MinLength != nil {
		minLength = *f.MinLength
	}
	if f.Required && minLength < 1 {
		minLength = 1
	}
	if minLength > 0 {
		s["minLength"] = minLength
	}
	if f.MaxLength != nil {
		s["maxLength"] = *f.MaxLength
	}
	if f.Pattern != "" {
		s["pattern"] = f.Pattern
	}
	return s
}

// storeString accepts any string as it is: formats and patterns are the schema's work.
func storeString(v any) (any, *issue) {
	s, ok := v.(string)
	if !ok {
		return nil, &issue{code: CodeType, arg: "string"}
	}
	return s, nil
}
