package forms

import "time"

// TypeDate is a calendar date without time of day.
const TypeDate = "date"

// dateLayout is how dates travel and are stored: ISO 8601, so that they sort as text.
const dateLayout = "2006-01-02"

// dateType is a calendar day ("2026-03-31"), free of time zones: a birthday is the same day
// everywhere.
type dateType struct{}

var _ fieldType = dateType{}

func init() { register(TypeDate, dateType{}) }

func (dateType) allows() option { return optStored }

func (dateType) check(*Field, string, *report) {}

func (dateType) schema(*Field) map[string]any {
	return map[string]any{"type": "string", "format": "date"}
}

func (dateType) store(_ *Field, v any) (any, *issue) {
	s, ok := v.(string)
	if !ok {
		return nil, &issue{code: CodeType, arg: "string"}
	}
	if len(s) != len(dateLayout) {
		return nil, &issue{code: CodeFormat, arg: "date"}
	}
	if _, err := time.Parse(dateLayout, s); err != nil {
		return nil, &issue{code: CodeFormat, arg: "date"}
	}
	return s, nil
}

func (dateType) wire(_ *Field, v any) any {
	if t, ok := v.(time.Time); ok {
		return t.Format(dateLayout)
	}
	return v
}
