package engine

import (
	"reflect"
	"sort"
	"strings"
)

// Three-way merge of definitions, so that applying a newer version of a package keeps what the
// customer changed since the last one. base is the element as the package last applied it, cur as
// it is in the database now, next as the new package has it. Values are decoded JSON.
//
//   - what the customer left as the package made it takes the package's new value;
//   - what the package did not change keeps the customer's value;
//   - where both changed one value, the customer's wins and the path is reported;
//   - lists of named things (fields, options, rules, nodes) merge element by element: elements the
//     customer added stay (after the package's), elements the customer deleted stay deleted, and
//     elements the package dropped are kept, since removing a field or rule could lose data.

// absent marks a key or element missing on one side (a JSON null is a value).
type absentT struct{}

var absent any = absentT{}

// merger collects the paths where the customer's change won over the package's.
type merger struct{ kept []string }

func (m *merger) merge(path string, base, cur, next any) any {
	switch {
	case same(cur, next):
		return cur
	case same(base, cur):
		return next
	case same(base, next):
		return cur
	}
	if cm, ok := cur.(map[string]any); ok {
		if nm, ok := next.(map[string]any); ok {
			bm, _ := base.(map[string]any)
			return m.mergeMaps(path, bm, cm, nm)
		}
	}
	if cl, ok := cur.([]any); ok {
		if nl, ok := next.([]any); ok {
			bl, _ := base.([]any)
			if key := listKey(bl, cl, nl); key != "" {
				return m.mergeLists(path, key, bl, cl, nl)
			}
		}
	}
	m.kept = append(m.kept, path)
	return cur
}

func (m *merger) mergeMaps(path string, base, cur, next map[string]any) map[string]any {
	keys := map[string]bool{}
	for _, mm := range []map[string]any{base, cur, next} {
		for k := range mm {
			keys[k] = true
		}
	}
	out := map[string]any{}
	for k := range keys {
		v := m.merge(path+"/"+k, lookup(base, k), lookup(cur, k), lookup(next, k))
		if v != absent {
			out[k] = v
		}
	}
	return out
}

func lookup(m map[string]any, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	return absent
}

// mergeLists merges lists of maps identified by key: the package's order first, then what only
// the customer has, in their order.
func (m *merger) mergeLists(path, key string, base, cur, next []any) []any {
	bi, ci, ni := byKey(base, key), byKey(cur, key), byKey(next, key)
	out := []any{}
	for _, el := range next {
		id := el.(map[string]any)[key].(string)
		c, inCur := ci[id]
		b, inBase := bi[id]
		switch {
		case !inCur && inBase: // the customer deleted it: it stays deleted
			continue
		case !inCur:
			out = append(out, el)
		default:
			if !inBase {
				b = absent
			}
			out = append(out, m.merge(path+"/"+id, b, c, el))
		}
	}
	for _, el := range cur {
		id := el.(map[string]any)[key].(string)
		if _, inNext := ni[id]; !inNext {
			out = append(out, el) // the customer's own, or dropped by the package: kept
		}
	}
	return out
}

// listKey names the member that identifies the elements of all three lists, or "" when the lists
// are not lists of uniquely named maps (they then merge as whole values).
func listKey(lists ...[]any) string {
	for _, key := range []string{"name", "id", "value"} {
		ok := true
		for _, l := range lists {
			if byKey(l, key) == nil && len(l) > 0 {
				ok = false
				break
			}
		}
		if ok {
			return key
		}
	}
	return ""
}

// byKey indexes a list of maps by a string member; nil when an element lacks it or repeats it.
func byKey(l []any, key string) map[string]any {
	out := make(map[string]any, len(l))
	for _, el := range l {
		mm, ok := el.(map[string]any)
		if !ok {
			return nil
		}
		id, ok := mm[key].(string)
		if !ok || id == "" {
			return nil
		}
		if _, dup := out[id]; dup {
			return nil
		}
		out[id] = mm
	}
	return out
}

func same(a, b any) bool { return reflect.DeepEqual(a, b) }

// sortedPaths returns the kept paths in a stable order for reports.
func (m *merger) sortedPaths() []string {
	out := append([]string(nil), m.kept...)
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i], out[j]) < 0 })
	return out
}
