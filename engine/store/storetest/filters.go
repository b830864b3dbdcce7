package storetest

import (
	"reflect"
	"testing"

	"crm/engine/store"
)

// filterColl holds the filter and sort dataset.
const filterColl = "obj_filter"

// filterDocs is the dataset of the filter, sort and count tests. Expected results below are
// written out by hand from it. d02 is replaced once after insert, so it has version 2.
func filterDocs() []store.Doc {
	return []store.Doc{
		{"id": "d01", "name": "Alice", "n": int64(1), "x": 1.5, "ok": true, "tags": []any{"red", "blue"}, "at": "2026-01-01T00:00:00.000Z"},
		{"id": "d02", "name": "bob", "n": int64(2), "x": 2.0, "ok": false, "tags": []any{"blue"}, "at": "2026-01-02T03:04:05.000Z"},
		{"id": "d03", "name": "Carol.Smith", "n": int64(3), "x": 2.5, "ok": true, "tags": []any{}, "at": "2026-01-02T03:04:05.001Z"},
		{"id": "d04", "name": "a*b(c)", "n": int64(10), "x": -1.0, "ok": false, "tags": []any{"green"}, "at": "2025-12-31T23:59:59.999Z"},
		{"id": "d05", "name": "100% sure", "n": int64(-5), "x": 0.0, "ok": true, "tags": []any{"red"}},
		{"id": "d06", "name": "under_score", "n": int64(0), "tags": []any{"yellow", "red", "green"}, "at": "2026-02-01T00:00:00.000Z"},
		{"id": "d07", "n": int64(7), "x": 3.0, "ok": true, "at": "2026-01-02T03:04:05.000Z"},
		{"id": "d08", "name": "ALICE", "x": 7.25, "ok": false, "tags": []any{"Red"}, "at": "2027-01-01T00:00:00.000Z"},
		{"id": "d09", "name": "Ünïcode alice", "n": int64(9007199254740993), "x": 1e10, "ok": true, "tags": []any{"blue", "green"}, "at": "2026-01-01T00:00:00.000Z"},
		{"id": "d10", "name": nil},
	}
}

// loadFilterDocs opens a store holding the filter dataset, with indexes on some fields so that
// backends exercise both indexed and unindexed paths.
func loadFilterDocs(t *testing.T, open opener) store.Store {
	t.Helper()
	s := open(t)
	mustEnsure(t, s, filterColl, store.Index{Field: "n"}, store.Index{Field: "name"}, store.Index{Field: "at"}, store.Index{Field: "tags"})
	docs := filterDocs()
	mustInsert(t, s, filterColl, docs...)
	if err := s.Replace(ctxOf(t), filterColl, docs[1], 1); err != nil {
		t.Fatalf("Replace d02: %v", err)
	}
	return s
}

// all is every id of the filter dataset.
var all = []string{"d01", "d02", "d03", "d04", "d05", "d06", "d07", "d08", "d09", "d10"}

// except returns the ids of the dataset without the given ones.
func except(ids ...string) []string {
	var out []string
	for _, id := range all {
		skip := false
		for _, x := range ids {
			if x == id {
				skip = true
			}
		}
		if !skip {
			out = append(out, id)
		}
	}
	return out
}

type filterCase struct {
	name string
	f    store.Filter
	want []string // in id order
}

func where(field string, op store.Op, v any) store.Compare {
	return store.Compare{Field: field, Op: op, Value: v}
}

func ids(v ...string) []string { return v }

// filterCases are the filter expectations over filterDocs.
func filterCases() []filterCase {
	const eq, ne, lt, le, gt, ge = store.Eq, store.Ne, store.Lt, store.Le, store.Gt, store.Ge
	return []filterCase{
		// Eq
		{"eq_string", where("name", eq, "bob"), ids("d02")},
		{"eq_string_case_sensitive", where("name", eq, "Alice"), ids("d01")},
		{"eq_string_unicode", where("name", eq, "Ünïcode alice"), ids("d09")},
		{"eq_string_none", where("name", eq, "nobody"), nil},
		{"eq_int", where("n", eq, int64(3)), ids("d03")},
		{"eq_int_large", where("n", eq, int64(9007199254740993)), ids("d09")},
		{"eq_int_large_neighbour", where("n", eq, int64(9007199254740992)), nil},
		{"eq_int_negative", where("n", eq, int64(-5)), ids("d05")},
		{"eq_int_zero", where("n", eq, int64(0)), ids("d06")},
		{"eq_float", where("x", eq, 2.5), ids("d03")},
		{"eq_float_integral", where("x", eq, 3.0), ids("d07")},
		{"eq_bool_true", where("ok", eq, true), ids("d01", "d03", "d05", "d07", "d09")},
		{"eq_bool_false", where("ok", eq, false), ids("d02", "d04", "d08")},
		{"eq_time", where("at", eq, "2026-01-02T03:04:05.000Z"), ids("d02", "d07")},
		{"eq_array_any_element", where("tags", eq, "red"), ids("d01", "d05", "d06")},
		{"eq_array_any_element_2", where("tags", eq, "green"), ids("d04", "d06", "d09")},
		{"eq_absent_field", where("zz", eq, "x"), nil},

		// Ne matches missing fields.
		{"ne_string", where("name", ne, "bob"), except("d02")},
		{"ne_int", where("n", ne, int64(3)), except("d03")},
		{"ne_bool", where("ok", ne, true), ids("d02", "d04", "d06", "d08", "d10")},
		{"ne_array_no_element", where("tags", ne, "red"), ids("d02", "d03", "d04", "d07", "d08", "d09", "d10")},
		{"ne_absent_field", where("zz", ne, "x"), all},

		// Ordering operators never match missing fields.
		{"lt_int", where("n", lt, int64(3)), ids("d01", "d02", "d05", "d06")},
		{"le_int", where("n", le, int64(3)), ids("d01", "d02", "d03", "d05", "d06")},
		{"gt_int", where("n", gt, int64(3)), ids("d04", "d07", "d09")},
		{"ge_int", where("n", ge, int64(3)), ids("d03", "d04", "d07", "d09")},
		{"gt_int_large", where("n", gt, int64(9007199254740992)), ids("d09")},
		{"lt_int_large", where("n", lt, int64(9007199254740993)), ids("d01", "d02", "d03", "d04", "d05", "d06", "d07")},
		{"lt_float", where("x", lt, 2.0), ids("d01", "d04", "d05")},
		{"le_float", where("x", le, 2.0), ids("d01", "d02", "d04", "d05")},
		{"gt_float", where("x", gt, 2.5), ids("d07", "d08", "d09")},
		{"ge_float", where("x", ge, 2.5), ids("d03", "d07", "d08", "d09")},
		{"lt_string", where("name", lt, "B"), ids("d01", "d05", "d08")},
		{"ge_string", where("name", ge, "a"), ids("d02", "d04", "d06", "d09")},
		{"gt_string", where("name", gt, "bob"), ids("d06", "d09")},
		{"le_string", where("name", le, "bob"), ids("d01", "d02", "d03", "d04", "d05", "d08")},
		{"ge_time", where("at", ge, "2026-01-02T03:04:05.000Z"), ids("d02", "d03", "d06", "d07", "d08")},
		{"gt_time", where("at", gt, "2026-01-02T03:04:05.000Z"), ids("d03", "d06", "d08")},
		{"lt_time", where("at", lt, "2026-01-01T00:00:00.000Z"), ids("d04")},
		{"le_time", where("at", le, "2026-01-02T03:04:05.000Z"), ids("d01", "d02", "d04", "d07", "d09")},
		{"gt_absent_field", where("zz", gt, int64(0)), nil},

		// Numbers compare across int64 and float64.
		{"int_field_gt_float", where("n", gt, 2.5), ids("d03", "d04", "d07", "d09")},
		{"int_field_eq_float", where("n", eq, 2.0), ids("d02")},
		{"int_field_le_float", where("n", le, -4.5), ids("d05")},
		{"float_field_ge_int", where("x", ge, int64(2)), ids("d02", "d03", "d07", "d08", "d09")},
		{"float_field_eq_int", where("x", eq, int64(3)), ids("d07")},
		{"float_field_lt_int", where("x", lt, int64(0)), ids("d04")},

		// In
		{"in_string", store.In{Field: "name", Values: []any{"bob", "Alice", "nobody"}}, ids("d01", "d02")},
		{"in_int", store.In{Field: "n", Values: []any{int64(1), int64(10), int64(99)}}, ids("d01", "d04")},
		{"in_bool", store.In{Field: "ok", Values: []any{false}}, ids("d02", "d04", "d08")},
		{"in_array_any_element", store.In{Field: "tags", Values: []any{"green", "yellow"}}, ids("d04", "d06", "d09")},
		{"in_array_case_sensitive", store.In{Field: "tags", Values: []any{"Red"}}, ids("d08")},
		{"in_empty", store.In{Field: "name", Values: nil}, nil},
		{"not_in_empty", store.Not{F: store.In{Field: "name", Values: []any{}}}, all},

		// Contains: ASCII case-insensitive substring, everything literal.
		{"contains_case_insensitive", store.Contains{Field: "name", Value: "alice"}, ids("d01", "d08", "d09")},
		{"contains_upper", store.Contains{Field: "name", Value: "ALI"}, ids("d01", "d08", "d09")},
		{"contains_middle", store.Contains{Field: "name", Value: "o"}, ids("d02", "d03", "d06", "d09")},
		{"contains_exact_unicode", store.Contains{Field: "name", Value: "Ünï"}, ids("d09")},
		{"contains_dot_literal", store.Contains{Field: "name", Value: "."}, ids("d03")},
		{"contains_dot_not_wildcard", store.Contains{Field: "name", Value: "a.i"}, nil},
		{"contains_star_literal", store.Contains{Field: "name", Value: "a*"}, ids("d04")},
		{"contains_paren_literal", store.Contains{Field: "name", Value: "*b("}, ids("d04")},
		{"contains_paren_close", store.Contains{Field: "name", Value: "(c)"}, ids("d04")},
		{"contains_percent_literal", store.Contains{Field: "name", Value: "%"}, ids("d05")},
		{"contains_percent_not_wildcard", store.Contains{Field: "name", Value: "a%e"}, nil},
		{"contains_percent_context", store.Contains{Field: "name", Value: "0% S"}, ids("d05")},
		{"contains_underscore_literal", store.Contains{Field: "name", Value: "_"}, ids("d06")},
		{"contains_underscore_not_wildcard", store.Contains{Field: "name", Value: "b_b"}, nil},
		{"contains_regex_chars", store.Contains{Field: "name", Value: "^a|b$"}, nil},
		{"contains_backslash", store.Contains{Field: "name", Value: `\`}, nil},
		{"contains_bracket", store.Contains{Field: "name", Value: "[a-z]"}, nil},

		// IsNull
		{"isnull", store.IsNull{Field: "name"}, ids("d07", "d10")},
		{"isnull_negate", store.IsNull{Field: "name", Negate: true}, except("d07", "d10")},
		{"isnull_int", store.IsNull{Field: "n"}, ids("d08", "d10")},
		{"isnull_float", store.IsNull{Field: "x"}, ids("d06", "d10")},
		{"isnull_bool", store.IsNull{Field: "ok"}, ids("d06", "d10")},
		{"isnull_array_empty_is_present", store.IsNull{Field: "tags"}, ids("d07", "d10")},
		{"isnull_time", store.IsNull{Field: "at"}, ids("d05", "d10")},
		{"isnull_absent_field", store.IsNull{Field: "zz"}, all},
		{"isnull_negate_absent_field", store.IsNull{Field: "zz", Negate: true}, nil},

		// And, Or, Not
		{"and", store.And{where("n", ge, int64(1)), where("ok", eq, true)}, ids("d01", "d03", "d07", "d09")},
		{"or", store.Or{where("name", eq, "bob"), where("n", gt, int64(5))}, ids("d02", "d04", "d07", "d09")},
		{"not_eq", store.Not{F: where("name", eq, "bob")}, except("d02")},
		{"not_lt_matches_missing", store.Not{F: where("n", lt, int64(3))}, ids("d03", "d04", "d07", "d08", "d09", "d10")},
		{"not_array", store.Not{F: where("tags", eq, "red")}, ids("d02", "d03", "d04", "d07", "d08", "d09", "d10")},
		{"not_in_array", store.Not{F: store.In{Field: "tags", Values: []any{"blue", "green"}}}, ids("d03", "d05", "d07", "d08", "d10")},
		{"not_contains", store.Not{F: store.Contains{Field: "name", Value: "alice"}}, ids("d02", "d03", "d04", "d05", "d06", "d07", "d10")},
		{"not_isnull", store.Not{F: store.IsNull{Field: "name"}}, except("d07", "d10")},
		{"not_not", store.Not{F: store.Not{F: where("n", lt, int64(3))}}, ids("d01", "d02", "d05", "d06")},
		{"not_ne", store.Not{F: where("n", ne, int64(3))}, ids("d03")},
		{"nested", store.And{
			store.Or{where("tags", eq, "blue"), where("tags", eq, "green")},
			store.Not{F: store.Or{where("ok", eq, false), where("n", gt, int64(100))}},
		}, ids("d01", "d06")},
		{"nested_2", store.Or{
			store.And{where("x", ge, 2.0), where("x", lt, 3.0)},
			store.And{store.IsNull{Field: "at"}, store.Not{F: store.IsNull{Field: "name"}}},
		}, ids("d02", "d03", "d05")},
		{"and_single", store.And{where("name", eq, "bob")}, ids("d02")},
		{"or_single", store.Or{where("name", eq, "bob")}, ids("d02")},
		{"and_empty_all", store.And{}, all},
		{"or_empty_none", store.Or{}, nil},
		{"not_and_empty_none", store.Not{F: store.And{}}, nil},
		{"not_or_empty_all", store.Not{F: store.Or{}}, all},
		{"and_with_empty_or", store.And{store.Or{}, where("name", eq, "bob")}, nil},
		{"or_with_empty_and", store.Or{store.And{}, where("name", eq, "bob")}, all},

		// System fields
		{"id_eq", where("id", eq, "d03"), ids("d03")},
		{"id_ne", where("id", ne, "d01"), except("d01")},
		{"id_in", store.In{Field: "id", Values: []any{"d05", "d01", "zz"}}, ids("d01", "d05")},
		{"id_gt", where("id", gt, "d08"), ids("d09", "d10")},
		{"id_lt", where("id", lt, "d02"), ids("d01")},
		{"version_eq", where("version", eq, int64(2)), ids("d02")},
		{"version_gt", where("version", gt, int64(1)), ids("d02")},
		{"version_eq_1", where("version", eq, int64(1)), except("d02")},
		{"version_in", store.In{Field: "version", Values: []any{int64(2), int64(5)}}, ids("d02")},
		{"version_isnull_never", store.IsNull{Field: "version"}, nil},
		{"id_and_field", store.And{where("id", ge, "d05"), where("ok", eq, true)}, ids("d05", "d07", "d09")},
	}
}

// runFilters checks every filter case against the dataset. Find without sort answers in id order,
// so the id lists compare exactly.
func runFilters(t *testing.T, open opener) {
	s := loadFilterDocs(t, open)
	for _, tc := range filterCases() {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := s.Find(ctxOf(t), filterColl, store.Query{Filter: tc.f})
			if err != nil {
				t.Fatalf("Find(%#v): %v", tc.f, err)
			}
			expectIDs(t, "Find", docs, tc.want)
			n, err := s.Count(ctxOf(t), filterColl, tc.f)
			if err != nil {
				t.Fatalf("Count(%#v): %v", tc.f, err)
			}
			if n != int64(len(tc.want)) {
				t.Errorf("Count = %d, want %d", n, len(tc.want))
			}
		})
	}
	t.Run("keys", func(t *testing.T) {
		// A document narrowed to its id and the keys it has, also through a split IN (a
		// manager's team on SQLite).
		docs := mustFind(t, s, filterColl, store.Query{Filter: store.In{Field: "id", Values: []any{"d01", "d07"}},
			Keys: []string{"name", "at", "missing"}})
		want := []store.Doc{{"id": "d01", "name": "Alice", "at": "2026-01-01T00:00:00.000Z"}, {"id": "d07", "at": "2026-01-02T03:04:05.000Z"}}
		if !reflect.DeepEqual(docs, want) {
			t.Fatalf("Find with keys returned %v, want %v", docs, want)
		}
		docs = mustFind(t, s, filterColl, store.Query{Filter: store.In{Field: "name", Values: []any{"bob", "Alice"}},
			Sort: []store.SortKey{{Field: "name", Desc: true}}, Limit: 5, Keys: []string{"name"}})
		want = []store.Doc{{"id": "d02", "name": "bob"}, {"id": "d01", "name": "Alice"}}
		if !reflect.DeepEqual(docs, want) {
			t.Fatalf("Find with keys over an IN returned %v, want %v", docs, want)
		}
		if _, err := s.Find(ctxOf(t), filterColl, store.Query{Keys: []string{"a'b"}}); err == nil {
			t.Errorf("Find with the key name \"a'b\" succeeded; want an error")
		}
	})
	t.Run("documents_complete", func(t *testing.T) {
		docs := mustFind(t, s, filterColl, store.Query{Filter: where("id", store.Eq, "d09")})
		want := with(filterDocs()[8], "version", int64(1))
		if len(docs) != 1 || !reflect.DeepEqual(docs[0], want) {
			t.Fatalf("Find returned %v, want [%s]", docs, show(want))
		}
	})
}
