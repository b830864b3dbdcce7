package forms

import (
	"strings"
	"time"
)

// TypeDatetime is an instant in time.
const TypeDatetime = "datetime"

// TimeLayout is how instants are stored and sent: fixed width, UTC, milliseconds, so that they
// sort as text on every backend and compare equal whatever offset they were entered with.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// datetimeType is an instant. Input is any RFC 3339 time with an offset ("+08:00" or "Z"); it is
// converted to UTC and cut to the millisecond (finer digits are dropped, not rounded, so a time
// never moves into the next second or day).
type datetimeType struct{}

var _ fieldType = datetimeType{}

func init() { register(TypeDatetime, datetimeType{}) }

func (datetimeType) allows() option { return optStored }

func (datetimeType) check(*Field, string, *report) {}

func (datetimeType) schema(*Field) map[string]any {
	return map[string]any{"type": "string", "format": "date-time"}
}

func (datetimeType) store(_ *Field, v any) (any, *issue) {
	s, ok := v.(string)
	if !ok {
		return nil, &issue{code: CodeType, arg: "string"}
	}
	// RFC 3339 allows lower-case "t" and "z"; Go's parser wants them upper-case.
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return nil, &issue{code: CodeFormat, arg: "date-time"}
	}
	t = t.UTC().Truncate(time.Millisecond)
	if y := t.Year(); y < 1 || y > 9999 {
		return nil, &issue{code: CodeFormat, arg: "date-time"}
	}
	return t.Format(TimeLayout), nil
}

func (datetimeType) wire(_ *Field, v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(TimeLayout)
	}
	return v
}
