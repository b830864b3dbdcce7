package storetest

import (
	"testing"

	"crm/engine/store"
)

type sortCase struct {
	name string
	q    store.Query
	want []string
}

func asc(f string) store.SortKey  { return store.SortKey{Field: f} }
func desc(f string) store.SortKey { return store.SortKey{Field: f, Desc: true} }

// sortCases are the sort expectations over filterDocs: missing values first ascending and last
// descending, ties by id in the direction of the last key (so an index on (field, id) serves
// the whole order).
func sortCases() []sortCase {
	sorted := func(keys ...store.SortKey) store.Query { return store.Query{Sort: keys} }
	return []sortCase{
		{"default_by_id", store.Query{}, all},
		{"string_asc", sorted(asc("name")), ids("d07", "d10", "d05", "d08", "d01", "d03", "d04", "d02", "d06", "d09")},
		{"string_desc", sorted(desc("name")), ids("d09", "d06", "d02", "d04", "d03", "d01", "d08", "d05", "d10", "d07")},
		{"int_asc", sorted(asc("n")), ids("d08", "d10", "d05", "d06", "d01", "d02", "d03", "d07", "d04", "d09")},
		{"int_desc", sorted(desc("n")), ids("d09", "d04", "d07", "d03", "d02", "d01", "d06", "d05", "d10", "d08")},
		{"float_asc", sorted(asc("x")), ids("d06", "d10", "d04", "d05", "d01", "d02", "d03", "d07", "d08", "d09")},
		{"float_desc", sorted(desc("x")), ids("d09", "d08", "d07", "d03", "d02", "d01", "d05", "d04", "d10", "d06")},
		{"time_asc", sorted(asc("at")), ids("d05", "d10", "d04", "d01", "d09", "d02", "d07", "d03", "d06", "d08")},
		{"time_desc", sorted(desc("at")), ids("d08", "d06", "d03", "d07", "d02", "d09", "d01", "d04", "d10", "d05")},
		{"multi_time_asc_name_desc", sorted(asc("at"), desc("name")), ids("d05", "d10", "d04", "d09", "d01", "d02", "d07", "d03", "d06", "d08")},
		{"multi_time_desc_name_asc", sorted(desc("at"), asc("name")), ids("d08", "d06", "d03", "d07", "d02", "d01", "d09", "d04", "d10", "d05")},
		{"id_desc", sorted(desc("id")), ids("d10", "d09", "d08", "d07", "d06", "d05", "d04", "d03", "d02", "d01")},
		{"version_desc", sorted(desc("version")), ids("d02", "d10", "d09", "d08", "d07", "d06", "d05", "d04", "d03", "d01")},
		{"absent_field_desc", sorted(desc("zz")), ids("d10", "d09", "d08", "d07", "d06", "d05", "d04", "d03", "d02", "d01")},
		{"limit", store.Query{Sort: []store.SortKey{asc("n")}, Limit: 3}, ids("d08", "d10", "d05")},
		{"limit_desc", store.Query{Sort: []store.SortKey{desc("at")}, Limit: 4}, ids("d08", "d06", "d03", "d07")},
		{"limit_filter", store.Query{Filter: where("n", store.Gt, int64(0)), Sort: []store.SortKey{desc("n")}, Limit: 2}, ids("d09", "d04")},
		{"limit_default_sort", store.Query{Limit: 2}, ids("d01", "d02")},
		{"limit_above_count", store.Query{Sort: []store.SortKey{desc("id")}, Limit: 50}, ids("d10", "d09", "d08", "d07", "d06", "d05", "d04", "d03", "d02", "d01")},
		{"filter_and_sort", store.Query{Filter: where("tags", store.Eq, "blue"), Sort: []store.SortKey{desc("name")}}, ids("d09", "d02", "d01")},
	}
}

// runSort checks orders and limits.
func runSort(t *testing.T, open opener) {
	s := loadFilterDocs(t, open)
	for _, tc := range sortCases() {
		t.Run(tc.name, func(t *testing.T) {
			expectIDs(t, "Find", mustFind(t, s, filterColl, tc.q), tc.want)
		})
	}
}

// runCount checks Count with and without a filter.
func runCount(t *testing.T, open opener) {
	s := loadFilterDocs(t, open)
	cases := []struct {
		name string
		f    store.Filter
		want int64
	}{
		{"all", nil, 10},
		{"and_empty", store.And{}, 10},
		{"or_empty", store.Or{}, 0},
		{"isnull", store.IsNull{Field: "name"}, 2},
		{"array", where("tags", store.Eq, "red"), 3},
		{"range", where("n", store.Ge, int64(3)), 4},
		{"contains", store.Contains{Field: "name", Value: "ALICE"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := s.Count(ctxOf(t), filterColl, tc.f)
			if err != nil {
				t.Fatalf("Count: %v", err)
			}
			if n != tc.want {
				t.Fatalf("Count = %d, want %d", n, tc.want)
			}
		})
	}
	t.Run("after_writes", func(t *testing.T) {
		mustInsert(t, s, filterColl, store.Doc{"id": "e1", "name": "new"})
		if err := s.Delete(ctxOf(t), filterColl, "d01", 0); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := s.Delete(ctxOf(t), filterColl, "d02", 0); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if n, err := s.Count(ctxOf(t), filterColl, nil); err != nil || n != 9 {
			t.Fatalf("Count = %d, %v; want 9", n, err)
		}
		if n, err := s.Count(ctxOf(t), "obj_other", nil); err != nil || n != 0 {
			t.Fatalf("Count of another collection = %d, %v; want 0", n, err)
		}
	})
}
