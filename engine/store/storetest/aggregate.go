package storetest

import (
	"fmt"
	"reflect"
	"testing"

	"crm/engine/store"
)

// aggColl holds the aggregation dataset.
const aggColl = "obj_deal"

// big is beyond float64's exact integers: a sum through a float would lose the last digit.
const big = int64(9007199254740993)

// aggDocs is the aggregation dataset; expectations below are worked out by hand from it.
func aggDocs() []store.Doc {
	return []store.Doc{
		{"id": "a1", "stage": "won", "owner": "u1", "amount": int64(1000), "close": "2026-01-15", "p": 0.5, "hot": true},
		{"id": "a2", "stage": "won", "owner": "u2", "amount": big, "close": "2026-01-31"},
		{"id": "a3", "stage": "lost", "owner": "u1", "amount": int64(250), "close": "2026-02-03", "hot": false},
		{"id": "a4", "stage": "open", "owner": "u1", "amount": int64(300), "close": "2026-01-20", "p": 0.25},
		{"id": "a5", "owner": "u2"},
		{"id": "a6", "stage": "open", "owner": "u2", "amount": int64(50), "close": "2026-02-28", "hot": true},
	}
}

type aggCase struct {
	name string
	q    store.AggQuery
	want []store.Group
}

func g(key []any, vals ...any) store.Group { return store.Group{Key: key, Values: vals} }
func key(k ...any) []any                   { return append([]any{}, k...) }

func by(fields ...string) []store.GroupKey {
	out := make([]store.GroupKey, len(fields))
	for i, f := range fields {
		out[i] = store.GroupKey{Field: f}
	}
	return out
}

var (
	count  = store.Measure{Op: store.AggCount}
	sumAmt = store.Measure{Op: store.AggSum, Field: "amount"}
)

func aggCases() []aggCase {
	return []aggCase{
		{"count_sum_by_stage_nulls_first", store.AggQuery{GroupBy: by("stage"), Measures: []store.Measure{count, sumAmt}}, []store.Group{
			g(key(nil), int64(1), int64(0)),
			g(key("lost"), int64(1), int64(250)),
			g(key("open"), int64(2), int64(350)),
			g(key("won"), int64(2), big+1000),
		}},
		{"filter_applied", store.AggQuery{Filter: where("owner", store.Eq, "u1"), GroupBy: by("stage"), Measures: []store.Measure{count, sumAmt}}, []store.Group{
			g(key("lost"), int64(1), int64(250)),
			g(key("open"), int64(1), int64(300)),
			g(key("won"), int64(1), int64(1000)),
		}},
		{"two_keys", store.AggQuery{GroupBy: by("stage", "owner"), Measures: []store.Measure{count}}, []store.Group{
			g(key(nil, "u2"), int64(1)),
			g(key("lost", "u1"), int64(1)),
			g(key("open", "u1"), int64(1)),
			g(key("open", "u2"), int64(1)),
			g(key("won", "u1"), int64(1)),
			g(key("won", "u2"), int64(1)),
		}},
		{"no_group_all_measures", store.AggQuery{Measures: []store.Measure{count, sumAmt,
			{Op: store.AggMin, Field: "amount"}, {Op: store.AggMax, Field: "amount"}, {Op: store.AggAvg, Field: "p"}}}, []store.Group{
			g(key(), int64(6), big+1600, int64(50), big, 0.375),
		}},
		{"month_prefix_with_min", store.AggQuery{GroupBy: []store.GroupKey{{Field: "close", Prefix: 7}}, Measures: []store.Measure{count, {Op: store.AggMin, Field: "close"}}}, []store.Group{
			g(key(nil), int64(1), nil),
			g(key("2026-01"), int64(3), "2026-01-15"),
			g(key("2026-02"), int64(2), "2026-02-03"),
		}},
		{"boolean_key", store.AggQuery{GroupBy: by("hot"), Measures: []store.Measure{count}}, []store.Group{
			g(key(nil), int64(3)),
			g(key(false), int64(1)),
			g(key(true), int64(2)),
		}},
		{"float_sum_and_empty_sum", store.AggQuery{GroupBy: by("stage"), Measures: []store.Measure{{Op: store.AggSum, Field: "p"}}}, []store.Group{
			g(key(nil), int64(0)),
			g(key("lost"), int64(0)),
			g(key("open"), 0.25),
			g(key("won"), 0.5),
		}},
		{"avg_nil_without_numbers", store.AggQuery{GroupBy: by("owner"), Measures: []store.Measure{{Op: store.AggAvg, Field: "p"}, {Op: store.AggMax, Field: "p"}}}, []store.Group{
			g(key("u1"), 0.375, 0.5),
			g(key("u2"), nil, nil),
		}},
		{"nothing_matches_grouped", store.AggQuery{Filter: store.Or{}, GroupBy: by("stage"), Measures: []store.Measure{count}}, []store.Group{}},
		{"nothing_matches_ungrouped", store.AggQuery{Filter: where("owner", store.Eq, "nobody"), Measures: []store.Measure{count, sumAmt, {Op: store.AggAvg, Field: "p"}}}, []store.Group{
			g(key(), int64(0), int64(0), nil),
		}},
	}
}

// runAggregate checks grouping, measures, nulls, filters, exact sums and the empty cases.
func runAggregate(t *testing.T, open opener) {
	t.Run("empty_collection", func(t *testing.T) {
		s := open(t)
		expectGroups(t, s, "obj_never", store.AggQuery{GroupBy: by("stage"), Measures: []store.Measure{count}}, []store.Group{})
		expectGroups(t, s, "obj_never", store.AggQuery{Measures: []store.Measure{count, sumAmt, {Op: store.AggMax, Field: "amount"}}},
			[]store.Group{g(key(), int64(0), int64(0), nil)})
		mustEnsure(t, s, "obj_created")
		expectGroups(t, s, "obj_created", store.AggQuery{GroupBy: by("stage"), Measures: []store.Measure{count}}, []store.Group{})
		expectGroups(t, s, "obj_created", store.AggQuery{Measures: []store.Measure{count}}, []store.Group{g(key(), int64(0))})
	})
	s := open(t)
	mustEnsure(t, s, aggColl, store.Index{Field: "stage"}, store.Index{Field: "owner"})
	mustInsert(t, s, aggColl, aggDocs()...)
	for _, tc := range aggCases() {
		t.Run(tc.name, func(t *testing.T) { expectGroups(t, s, aggColl, tc.q, tc.want) })
	}
	t.Run("refused", func(t *testing.T) {
		for _, q := range []store.AggQuery{
			{GroupBy: by("a", "b", "c")},
			{Measures: []store.Measure{{Op: "median", Field: "amount"}}},
			{Measures: []store.Measure{{Op: store.AggSum}}},
			{GroupBy: by("bad.name")},
		} {
			if _, err := s.Aggregate(ctxOf(t), aggColl, q); err == nil {
				t.Errorf("Aggregate(%+v): no error", q)
			}
		}
	})
}

func expectGroups(t *testing.T, s store.Store, coll string, q store.AggQuery, want []store.Group) {
	t.Helper()
	got, err := s.Aggregate(ctxOf(t), coll, q)
	if err != nil {
		t.Fatalf("Aggregate(%s, %+v): %v", coll, q, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Aggregate(%s, %+v):\n got  %s\n want %s", coll, q, showGroups(got), showGroups(want))
	}
}

func showGroups(gs []store.Group) string {
	if gs == nil {
		return "nil"
	}
	s := "["
	for _, g := range gs {
		s += fmt.Sprintf("{key %#v values %#v} ", g.Key, g.Values)
	}
	return s + "]"
}
