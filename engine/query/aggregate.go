package query

import (
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/forms"
)

// Buckets a date or datetime group key may be cut to: the length of the stored text's prefix
// ("2026-03-14" or "2026-03-14T09:30:00.000Z", UTC).
var Buckets = map[string]int{"year": 4, "month": 7, "day": 10}

// GroupKey is a parsed group_by: the store key and the field it names.
type GroupKey struct {
	Key    store.GroupKey
	Field  *forms.Field
	Bucket string // year, month, day; empty for other types
}

// Measure is a parsed measure: the store measure, its field (nil for count) and its result name
// ("count", "sum_amount").
type Measure struct {
	M     store.Measure
	Field *forms.Field
	Name  string
}

// effectiveType is the type of the values a field stores (a formula's result type).
func effectiveType(f *forms.Field) string {
	return f.ValueType()
}

// Groupable reports whether records may be grouped by a field: few distinct values (picklist,
// boolean, user, lookup) or dates cut to a bucket. Free text and multipicklists (arrays) may not.
func Groupable(f *forms.Field) bool {
	switch effectiveType(f) {
	case "picklist", "boolean", "user", "lookup", "date", "datetime":
		return f.Name != "id"
	}
	return false
}

// ParseGroupBy reads "stage" or "close_date:month" against obj's fields.
func ParseGroupBy(spec string, obj *forms.Object) (GroupKey, error) {
	name, bucket, cut := strings.Cut(strings.TrimSpace(spec), ":")
	bad := func(format string, args ...any) (GroupKey, error) {
		return GroupKey{}, &Error{Code: "invalid_group_by", Pos: -1, Message: fmt.Sprintf(format, args...)}
	}
	f, ok := FieldOf(obj, name)
	if !ok {
		return bad("unknown field %q", name)
	}
	if !Groupable(f) {
		return bad("cannot group by %s field %q: only picklist, boolean, user, lookup, date and datetime fields", f.Type, name)
	}
	t := effectiveType(f)
	gk := GroupKey{Key: store.GroupKey{Field: f.Name}, Field: f}
	switch {
	case t == "date" || t == "datetime":
		if !cut {
			bucket = "day"
		}
		n, ok := Buckets[bucket]
		if !ok {
			return bad("group %q by year, month or day, e.g. %q", name, name+":month")
		}
		gk.Key.Prefix, gk.Bucket = n, bucket
	case cut:
		return bad("only date and datetime fields take a bucket (%q)", spec)
	}
	return gk, nil
}

// numeric tells whether sums and averages apply to a field.
func numeric(f *forms.Field) bool {
	switch effectiveType(f) {
	case "number", "integer", "currency", "percent":
		return true
	}
	return false
}

// ParseMeasure reads "count", "sum:amount", "avg:amount", "min:close_date" or "max:amount".
func ParseMeasure(spec string, obj *forms.Object) (Measure, error) {
	op, name, _ := strings.Cut(strings.TrimSpace(spec), ":")
	bad := func(format string, args ...any) (Measure, error) {
		return Measure{}, &Error{Code: "invalid_measure", Pos: -1, Message: fmt.Sprintf(format, args...)}
	}
	if op == "count" {
		if name != "" {
			return bad("count takes no field (%q)", spec)
		}
		return Measure{M: store.Measure{Op: store.AggCount}, Name: "count"}, nil
	}
	m := store.AggOp(op)
	switch m {
	case store.AggSum, store.AggAvg, store.AggMin, store.AggMax:
	default:
		return bad("unknown measure %q: use count, sum:FIELD, avg:FIELD, min:FIELD or max:FIELD", spec)
	}
	f, ok := FieldOf(obj, name)
	if !ok {
		return bad("unknown field %q", name)
	}
	t := effectiveType(f)
	ordered := t == "date" || t == "datetime"
	if !numeric(f) && !(ordered && (m == store.AggMin || m == store.AggMax)) {
		return bad("cannot %s %s field %q: sum and avg take number, integer, currency and percent fields; min and max also dates", op, f.Type, name)
	}
	return Measure{M: store.Measure{Op: m, Field: f.Name}, Field: f, Name: op + "_" + f.Name}, nil
}
