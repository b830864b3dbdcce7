package forms

// TypePhone is a telephone number.
const TypePhone = "phone"

// phonePattern accepts telephone numbers as people write them: an optional "+", then digits,
// spaces and the usual separators. Numbering plans differ too much to check more.
const phonePattern = `^\+?[0-9 ()./-]{3,32}$`

// phoneType is a telephone number, kept as typed.
type phoneType struct{}

var _ fieldType = phoneType{}

func init() { register(TypePhone, phoneType{}) }

func (phoneType) allows() option { return optStored | optLengths | optSearchable }

func (phoneType) check(*Field, string, *report) {}

func (phoneType) schema(f *Field) map[string]any {
	s := stringSchema(f)
	s["pattern"] = phonePattern
	return s
}

func (phoneType) store(_ *Field, v any) (any, *issue) { return storeString(v) }

func (phoneType) wire(_ *Field, v any) any { return v }
