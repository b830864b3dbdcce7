package query

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/forms"
)

// MaxSortKeys is how many fields one list may be sorted by.
const MaxSortKeys = 3

// Sortable reports whether a list may be sorted by the field: every field holding one value (not
// a multipicklist). A sort an index serves reads a page; one on a field without an index sorts
// every matching record, under the list's query time limit (query_timeout past it).
func Sortable(f *forms.Field) bool {
	t := f.ValueType()
	return t != "multipicklist"
}

// present are the fields every record has a value for: the engine sets them on every write.
var present = map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true}

// ParseSort reads "-amount,created_at" (a leading - sorts descending). Empty means newest first.
func ParseSort(spec string, obj *forms.Object) ([]store.SortKey, error) {
	if strings.TrimSpace(spec) == "" {
		return []store.SortKey{{Field: "created_at", Desc: true, Present: true}}, nil
	}
	parts := strings.Split(spec, ",")
	if len(parts) > MaxSortKeys {
		return nil, &Error{Code: "invalid_sort", Pos: -1, Message: fmt.Sprintf("sort by at most %d fields", MaxSortKeys)}
	}
	keys := make([]store.SortKey, 0, len(parts))
	seen := map[string]bool{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		k := store.SortKey{Field: strings.TrimPrefix(p, "-"), Desc: strings.HasPrefix(p, "-")}
		k.Present = present[k.Field]
		f, ok := FieldOf(obj, k.Field)
		if !ok {
			return nil, &Error{Code: "invalid_sort", Pos: -1, Message: fmt.Sprintf("unknown field %q", k.Field)}
		}
		if !Sortable(f) {
			return nil, &Error{Code: "invalid_sort", Pos: -1, Message: fmt.Sprintf("cannot sort by %q: it holds several values", k.Field)}
		}
		if seen[k.Field] {
			return nil, &Error{Code: "invalid_sort", Pos: -1, Message: fmt.Sprintf("%q appears twice", k.Field)}
		}
		seen[k.Field] = true
		keys = append(keys, k)
	}
	return keys, nil
}

// MarkPresent marks the sort keys that every record matching f has a value for (f compares them,
// or requires them present), so that a cursor can bound them descending too (store.After): the
// next page of "amount > 100, by -amount" is searched from the cursor's amount on.
func MarkPresent(keys []store.SortKey, f store.Filter) {
	for i := range keys {
		keys[i].Present = keys[i].Present || requires(f, keys[i].Field)
	}
}

// requires tells whether every document matching f has a value for field.
func requires(f store.Filter, field string) bool {
	switch f := f.(type) {
	case store.And:
		for _, c := range f {
			if requires(c, field) {
				return true
			}
		}
	case store.Or:
		for _, c := range f {
			if !requires(c, field) {
				return false
			}
		}
		return len(f) > 0
	case store.Compare:
		return f.Field == field && f.Op != store.Ne
	case store.In:
		return f.Field == field
	case store.Contains:
		return f.Field == field
	case store.IsNull:
		return f.Field == field && f.Negate
	}
	return false
}

// cursor is what a next_cursor carries: the sort it belongs to and the last row's position.
type cursor struct {
	Sort   string `json:"s"`
	Values []any  `json:"v"`
}

// EncodeCursor makes the opaque next_cursor from the last document of a page.
func EncodeCursor(keys []store.SortKey, last store.Doc) string {
	keys = store.WithIDTieBreak(keys)
	vals := make([]any, len(keys))
	for i, k := range keys {
		vals[i] = last[k.Field]
	}
	b, _ := json.Marshal(cursor{Sort: sortSpec(keys), Values: vals})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor back into the keyset predicate for the same sort.
func DecodeCursor(s string, keys []store.SortKey, obj *forms.Object) (store.Filter, error) {
	bad := &Error{Code: "invalid_cursor", Pos: -1, Message: "cursor is not valid for this list; start again without it"}
	if len(s) > 4096 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var c cursor
	keys = store.WithIDTieBreak(keys)
	if dec.Decode(&c) != nil || c.Sort != sortSpec(keys) || len(c.Values) != len(keys) {
		return nil, bad
	}
	for i, k := range keys {
		v := c.Values[i]
		if v == nil {
			continue
		}
		f, _ := FieldOf(obj, k.Field)
		kind := storedKind(f)
		switch v := v.(type) {
		case json.Number:
			switch kind {
			case "int":
				n, err := v.Int64()
				if err != nil {
					return nil, bad
				}
				c.Values[i] = n
			case "float":
				x, err := v.Float64()
				if err != nil {
					return nil, bad
				}
				c.Values[i] = x
			default:
				return nil, bad
			}
		case string:
			if kind != "string" {
				return nil, bad
			}
		case bool:
			if kind != "bool" {
				return nil, bad
			}
		default:
			return nil, bad
		}
	}
	return store.After(keys, c.Values), nil
}

func storedKind(f *forms.Field) string {
	t := f.ValueType()
	switch t {
	case "integer", "currency":
		return "int"
	case "number", "percent":
		return "float"
	case "boolean":
		return "bool"
	}
	return "string"
}

func sortSpec(keys []store.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Field
		if k.Desc {
			parts[i] = "-" + k.Field
		}
	}
	return strings.Join(parts, ",")
}
