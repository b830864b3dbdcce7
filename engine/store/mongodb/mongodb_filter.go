package mongodb

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"crm/engine/store"
)

// matchNothing is a filter no document satisfies; MongoDB rejects an empty $or, which the seam
// defines as matching nothing.
var matchNothing = bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{}}}}}

// compileFilter turns the filter syntax tree into a bson query. Only the tree decides the
// operators: field names are checked against the seam's name rule and values must be scalars,
// and every value sits under an explicit operator ($eq, $in, ...), so a string like "$gt" or a
// value shaped like a document can never act as an operator.
func compileFilter(f store.Filter) (bson.D, error) {
	switch n := f.(type) {
	case nil:
		return bson.D{}, nil
	case store.And:
		if len(n) == 0 {
			return bson.D{}, nil
		}
		parts, err := compileAll(n)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$and", Value: parts}}, nil
	case store.Or:
		if len(n) == 0 {
			return matchNothing, nil
		}
		parts, err := compileAll(n)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$or", Value: parts}}, nil
	case store.Not:
		child, err := compileFilter(n.F)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$nor", Value: bson.A{child}}}, nil
	case store.Compare:
		return compileCompare(n)
	case store.In:
		path, err := fieldPath(n.Field)
		if err != nil {
			return nil, err
		}
		vals := make(bson.A, 0, len(n.Values))
		for _, v := range n.Values {
			sv, err := scalar(v)
			if err != nil {
				return nil, fmt.Errorf("mongodb: filter on %q: %w", n.Field, err)
			}
			vals = append(vals, sv)
		}
		return bson.D{{Key: path, Value: bson.D{{Key: "$in", Value: vals}}}}, nil
	case store.Contains:
		path, err := fieldPath(n.Field)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: path, Value: bson.D{{Key: "$regex", Value: asciiFoldPattern(n.Value)}}}}, nil
	case store.IsNull:
		path, err := fieldPath(n.Field)
		if err != nil {
			return nil, err
		}
		if n.Negate {
			return bson.D{{Key: path, Value: bson.D{{Key: "$ne", Value: nil}}}}, nil
		}
		return bson.D{{Key: path, Value: nil}}, nil
	default:
		return nil, fmt.Errorf("mongodb: unsupported filter node %T", f)
	}
}

// compileAll compiles the children of And / Or.
func compileAll(fs []store.Filter) (bson.A, error) {
	out := make(bson.A, 0, len(fs))
	for _, f := range fs {
		c, err := compileFilter(f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// compareOps maps the seam's operators. MongoDB's own semantics are the seam's: $eq and the
// ordering operators never match a missing field and match any element of an array; $ne
// matches a missing field.
var compareOps = map[store.Op]string{
	store.Eq: "$eq", store.Ne: "$ne",
	store.Lt: "$lt", store.Le: "$lte", store.Gt: "$gt", store.Ge: "$gte",
}

// compileCompare compiles one comparison. A nil value (which the engine should not send) means
// "missing" for = and != and is refused for the ordering operators.
func compileCompare(n store.Compare) (bson.D, error) {
	path, err := fieldPath(n.Field)
	if err != nil {
		return nil, err
	}
	op, ok := compareOps[n.Op]
	if !ok {
		return nil, fmt.Errorf("mongodb: unknown operator %q", n.Op)
	}
	if n.Value == nil {
		switch n.Op {
		case store.Eq:
			return compileFilter(store.IsNull{Field: n.Field})
		case store.Ne:
			return compileFilter(store.IsNull{Field: n.Field, Negate: true})
		default:
			return nil, fmt.Errorf("mongodb: %s compares %q with no value", n.Op, n.Field)
		}
	}
	v, err := scalar(n.Value)
	if err != nil {
		return nil, fmt.Errorf("mongodb: filter on %q: %w", n.Field, err)
	}
	return bson.D{{Key: path, Value: bson.D{{Key: op, Value: v}}}}, nil
}

// scalar admits the seam's filter value kinds only (widening int, int32 and float32), so no
// document or array can reach the query as a value.
func scalar(v any) (any, error) {
	switch x := v.(type) {
	case string, bool, int64, float64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	default:
		return nil, fmt.Errorf("unsupported filter value kind %T", v)
	}
}

// asciiFoldPattern builds a regular expression matching s literally as a substring while
// ignoring ASCII case only, as the seam defines Contains: each ASCII letter becomes a class
// ([aA]) and everything else is escaped. The "i" option is not used because MongoDB's PCRE and
// FerretDB's Go regexp then also fold non-ASCII letters (É/é), which the sqlite backend does not.
// The pattern uses only syntax both engines read the same way.
func asciiFoldPattern(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteString("[" + string(r) + string(r-'a'+'A') + "]")
		case r >= 'A' && r <= 'Z':
			b.WriteString("[" + string(r-'A'+'a') + string(r) + "]")
		case r == 0 || r == utf8.RuneError:
			fmt.Fprintf(&b, `\x{%x}`, r)
		case r < utf8.RuneSelf && strings.ContainsRune(`\.+*?()|[]{}^$`, r):
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x{%x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
