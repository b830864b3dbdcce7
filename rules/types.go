package rules

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/expr-lang/expr/types"

	"crm/forms"
)

// Go types of values in expressions.
var (
	typeDecimal = types.TypeOf(Decimal{})
	typeTime    = types.TypeOf(time.Time{})
	typeStrings = types.Array(types.String)

	reflectDecimal = reflect.TypeOf(Decimal{})
	reflectTime    = reflect.TypeOf(time.Time{})
)

// typeOf is the expression type of a field type's values: number and percent are float64,
// integer is int, currency is Decimal, date and datetime are time.Time (a date is midnight UTC of
// that day), multipicklist is a list of strings; every other type (picklist, lookup, user,
// autonumber, the text types) is a string. Empty values are nil whatever the type.
func typeOf(fieldType string) types.Type {
	switch fieldType {
	case forms.TypeNumber, forms.TypePercent:
		return types.Float64
	case forms.TypeInteger:
		return types.Int
	case forms.TypeCurrency:
		return typeDecimal
	case forms.TypeBoolean:
		return types.Bool
	case forms.TypeDate, forms.TypeDatetime:
		return typeTime
	case forms.TypeMultipicklist:
		return typeStrings
	}
	return types.String
}

// valueTypeOf is the type of a field's values, a formula's being its result type's.
func valueTypeOf(f *forms.Field) string {
	return f.ValueType()
}

// recordTypes are the fields of a record, system fields included.
func recordTypes(obj *forms.Object) types.Map {
	m := types.Map{
		"id": types.String, "version": types.Int, "owner": types.String,
		"created_at": typeTime, "created_by": types.String, "updated_at": typeTime, "updated_by": types.String,
	}
	for _, f := range obj.Fields {
		if f != nil {
			m[f.Name] = typeOf(valueTypeOf(f))
		}
	}
	return m
}

// ownerCountsName is the variable holding the object's owner counts (forms.OwnerCount).
const ownerCountsName = "owner_counts"

// ownerCountTypes are an object's owner counts, each a whole number.
func ownerCountTypes(obj *forms.Object) types.Map {
	m := types.Map{}
	for _, c := range obj.OwnerCounts {
		m[c.Name] = types.Int
	}
	return m
}

// ownerUserName is the variable holding the user the write leaves as owner (Context.OwnerUser).
const ownerUserName = "owner_user"

// userTypes describe the acting user, and the owner as owner_user.
var userTypes = types.Map{
	"id": types.String, "email": types.String, "name": types.String,
	"roles": typeStrings, "team": types.String, "teams": typeStrings,
}

// User is the acting user as expressions see it.
type User struct {
	ID    string
	Email string
	Name  string
	Roles []string
	Team  string   // the user's primary team
	Teams []string // every team the user belongs to
}

func (u User) value() map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "name": u.Name,
		"roles": orEmpty(u.Roles), "team": u.Team, "teams": orEmpty(u.Teams)}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// exprValue converts a stored value (forms' stored kinds: string, bool, int64, float64, []any)
// into its expression value; nil for an empty or unreadable value.
func exprValue(f *forms.Field, v any) any {
	if v == nil {
		return nil
	}
	switch valueTypeOf(f) {
	case forms.TypeInteger:
		if n, ok := v.(int64); ok {
			return int(n)
		}
	case forms.TypeNumber, forms.TypePercent:
		if x, ok := v.(float64); ok {
			return x
		}
	case forms.TypeCurrency:
		if n, ok := v.(int64); ok {
			return decimalFromMinor(n, f.CurrencyDigits())
		}
	case forms.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b
		}
	case forms.TypeDate:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.DateOnly, s); err == nil {
				return t
			}
		}
	case forms.TypeDatetime:
		if s, ok := v.(string); ok {
			if t, err := time.Parse(forms.TimeLayout, s); err == nil {
				return t
			}
		}
	case forms.TypeMultipicklist:
		if l, ok := v.([]any); ok {
			out := make([]string, 0, len(l))
			for _, e := range l {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
	default:
		if s, ok := v.(string); ok {
			return s
		}
	}
	return nil
}

// systemValue converts a stored system field.
func systemValue(name string, v any) any {
	switch name {
	case "created_at", "updated_at":
		if s, ok := v.(string); ok {
			if t, err := time.Parse(forms.TimeLayout, s); err == nil {
				return t
			}
		}
		return nil
	case "version":
		if n, ok := v.(int64); ok {
			return int(n)
		}
		return nil
	}
	return v
}

// wireValue converts an expression's result into the wire form of a value of field f (what a
// client would send), so that the schema and the type's conversion check it like typed input.
// Money and numbers are rounded half away from zero to the field's places.
func wireValue(f *forms.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	t := valueTypeOf(f)
	switch t {
	case forms.TypeCurrency, forms.TypeNumber, forms.TypePercent:
		var d Decimal
		switch x := v.(type) {
		case Decimal:
			d = x
		case int:
			d = decimalFromMinor(int64(x), 0)
		case float64:
			var err error
			if d, err = decimalFromFloat(x); err != nil {
				return nil, errDivisionByZero // Inf and NaN come from dividing by zero
			}
		default:
			return nil, fmt.Errorf("gives %s, not a number", kindName(v))
		}
		places := f.CurrencyDigits()
		if t != forms.TypeCurrency {
			places = 2
			if f.Scale != nil {
				places = *f.Scale
			}
		}
		return json.Number(d.text(places)), nil
	case forms.TypeInteger:
		if n, ok := v.(int); ok {
			return json.Number(strconv.Itoa(n)), nil
		}
		return nil, fmt.Errorf("gives %s, not a whole number", kindName(v))
	case forms.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("gives %s, not true or false", kindName(v))
	case forms.TypeDate:
		if tm, ok := v.(time.Time); ok {
			return tm.Format(time.DateOnly), nil
		}
		return nil, fmt.Errorf("gives %s, not a date", kindName(v))
	case forms.TypeDatetime:
		if tm, ok := v.(time.Time); ok {
			return tm.UTC().Format(forms.TimeLayout), nil
		}
		return nil, fmt.Errorf("gives %s, not a date and time", kindName(v))
	case forms.TypeMultipicklist:
		switch l := v.(type) {
		case []string:
			out := make([]any, len(l))
			for i, s := range l {
				out[i] = s
			}
			return out, nil
		case []any:
			return l, nil
		}
		return nil, fmt.Errorf("gives %s, not a list of values", kindName(v))
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return nil, fmt.Errorf("gives %s, not text", kindName(v))
}

// kindName names a value's type in words an analyst knows.
func kindName(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case bool:
		return "true/false"
	case int:
		return "a whole number"
	case float64:
		return "a number"
	case Decimal:
		return "an amount"
	case string:
		return "text"
	case time.Time:
		return "a date"
	case []string, []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
