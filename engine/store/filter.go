package store

// Filter is a node of the filter syntax tree. The engine builds it from the user's filter
// language over defined fields only; backends compile it to SQL or bson. Values are of the kinds
// listed in the package doc (string, bool, int64, float64) and of the same kind as the
// field's stored values.
type Filter interface{ isFilter() }

// And matches when every child matches (an empty And matches everything).
type And []Filter

// Or matches when any child matches (an empty Or matches nothing).
type Or []Filter

// Not negates its child exactly, also for documents without the field: Not{Compare{"n", Lt, 3}}
// matches documents that have no n.
type Not struct{ F Filter }

// Op is a comparison operator.
type Op string

const (
	Eq Op = "="
	Ne Op = "!="
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
)

// Compare compares a field with a value. Eq and the ordering operators never match a document
// without the field; Ne matches documents without the field. When the field holds an array
// (multipicklist), Eq matches when any element equals the value, and Ne (which is exactly Not
// Eq) when none does. int64 and float64 values compare numerically with each other. Strings
// compare by their UTF-8 bytes, case-sensitively.
type Compare struct {
	Field  string
	Op     Op
	Value  any
	Scalar bool // the field never holds an array (see In)
}

// In matches when the field equals one of the values (or, for arrays, any element does). An
// empty In matches nothing. Scalar promises the field never holds an array, which lets a backend
// answer from a plain index (the owner of a record, a picklist).
type In struct {
	Field  string
	Values []any
	Scalar bool
}

// Contains matches a string field containing Value as a substring, ignoring ASCII case. Every
// character of Value is literal (no wildcard or regex meaning for %, _, ., *, ...).
type Contains struct {
	Field string
	Value string
}

// IsNull matches documents where the field is missing (Negate: present).
type IsNull struct {
	Field  string
	Negate bool
}

func (And) isFilter()      {}
func (Or) isFilter()       {}
func (Not) isFilter()      {}
func (Compare) isFilter()  {}
func (In) isFilter()       {}
func (Contains) isFilter() {}
func (IsNull) isFilter()   {}

// After builds the keyset predicate "strictly after this position" for a sort order, so cursor
// pagination stays correct while documents are inserted. last holds the sort fields' values of the
// last document returned (nil for a missing value), and the id as its final element. Missing values
// sort first ascending and last descending, as in Find.
//
// Besides the Or of positions, it states a bound on the first key (at or beyond its value) that
// every later document meets, so an index on the sort is searched from the cursor on instead of
// read from the list's start and filtered: a deep page costs what the first does. Descending,
// missing values come after every value, so there the bound needs a key every document has
// (SortKey.Present).
func After(sort []SortKey, last []any) Filter {
	keys := WithIDTieBreak(sort)
	var or Or
	for i, k := range keys {
		var and And
		for j := 0; j < i; j++ {
			and = append(and, equalTo(keys[j].Field, last[j]))
		}
		if f := beyond(k, last[i]); f != nil {
			and = append(and, f)
			or = append(or, and)
		}
	}
	if b := bound(keys[0], last[0]); b != nil && len(keys) > 1 {
		return And{b, or}
	}
	return or
}

// bound is what every document after the position has in the first key k, whose value there
// is v; nil when that is nothing an index can seek to.
func bound(k SortKey, v any) Filter {
	switch {
	case v == nil && k.Desc:
		return IsNull{Field: k.Field}
	case v == nil, k.Desc && !k.Present:
		return nil
	case k.Desc:
		return Compare{Field: k.Field, Op: Le, Value: v, Scalar: true}
	}
	return Compare{Field: k.Field, Op: Ge, Value: v, Scalar: true}
}

// WithIDTieBreak returns the sort with "id" appended when it does not end with id, in the
// direction of the last key, so that an index on (field, id) serves the whole order.
func WithIDTieBreak(sort []SortKey) []SortKey {
	if len(sort) > 0 && sort[len(sort)-1].Field == "id" {
		return sort
	}
	out := append([]SortKey(nil), sort...)
	desc := len(sort) > 0 && sort[len(sort)-1].Desc
	return append(out, SortKey{Field: "id", Desc: desc, Present: true})
}

// equalTo is "field equals v" for a sort key. Lists are sorted by scalar fields only, so the
// equality is Scalar: an index on the field answers it without reading the document.
func equalTo(field string, v any) Filter {
	if v == nil {
		return IsNull{Field: field}
	}
	return Compare{Field: field, Op: Eq, Value: v, Scalar: true}
}

// beyond is "field sorts after v" in direction k; nil when nothing can.
func beyond(k SortKey, v any) Filter {
	switch {
	case v == nil && !k.Desc:
		return IsNull{Field: k.Field, Negate: true}
	case v == nil && k.Desc:
		return nil
	case k.Desc && k.Present:
		return Compare{Field: k.Field, Op: Lt, Value: v}
	case k.Desc:
		return Or{Compare{Field: k.Field, Op: Lt, Value: v}, IsNull{Field: k.Field}}
	default:
		return Compare{Field: k.Field, Op: Gt, Value: v}
	}
}
