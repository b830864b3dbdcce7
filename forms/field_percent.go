package forms

// TypePercent is a percentage.
const TypePercent = "percent"

// percentType is a percentage stored as the number people type: 12.5 means 12.5 %. It behaves as a
// number; the type tells forms and lists to show a percent sign.
type percentType struct{}

var _ fieldType = percentType{}

func init() { register(TypePercent, percentType{}) }

func (percentType) allows() option { return optStored | optRange | optScale }

func (percentType) check(*Field, string, *report) {}

func (percentType) schema(f *Field) map[string]any { return rangeSchema(f, "number") }

func (percentType) store(f *Field, v any) (any, *issue) { return storeFloat(f, v) }

func (percentType) wire(_ *Field, v any) any { return wireFloat(v) }
