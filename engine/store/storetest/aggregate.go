package storetest

import (
	"fmt"
	"math"
	mbig "math/big"
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
		{"three_keys_count_of_a_field", store.AggQuery{GroupBy: []store.GroupKey{{Field: "stage"}, {Field: "owner"}, {Field: "close", Prefix: 7}},
			Measures: []store.Measure{count, {Op: store.AggCount, Field: "p"}}}, []store.Group{
			g(key(nil, "u2", nil), int64(1), int64(0)),
			g(key("lost", "u1", "2026-02"), int64(1), int64(0)),
			g(key("open", "u1", "2026-01"), int64(1), int64(1)),
			g(key("open", "u2", "2026-02"), int64(1), int64(0)),
			g(key("won", "u1", "2026-01"), int64(1), int64(1)),
			g(key("won", "u2", "2026-01"), int64(1), int64(0)),
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
	t.Run("sums_beyond_int64_and_float64", func(t *testing.T) { aggregateHuge(t, open(t)) })
	t.Run("refused", func(t *testing.T) {
		for _, q := range []store.AggQuery{
			{GroupBy: by("a", "b", "c", "d")},
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

// aggregateHuge checks that sums of the largest amounts stay exact beyond int64 and that sums
// and averages of numbers near the float64 limit neither fail nor give infinities.
func aggregateHuge(t *testing.T, s store.Store) {
	const coll = "obj_huge"
	mustInsert(t, s, coll,
		store.Doc{"id": "h1", "g": "money", "amount": int64(math.MaxInt64)},
		store.Doc{"id": "h2", "g": "money", "amount": int64(math.MaxInt64)},
		store.Doc{"id": "h3", "g": "money", "amount": int64(2)},
		store.Doc{"id": "h4", "g": "neg", "amount": int64(math.MinInt64)},
		store.Doc{"id": "h5", "g": "neg", "amount": int64(-1)},
		store.Doc{"id": "h6", "g": "float", "x": 1e308},
		store.Doc{"id": "h7", "g": "float", "x": 1e308},
		store.Doc{"id": "h8", "g": "float", "x": -1e308},
		store.Doc{"id": "h9", "g": "float", "x": 1e308},
	)
	twice := new(mbig.Int).Mul(mbig.NewInt(math.MaxInt64), mbig.NewInt(2))
	sumMoney := new(mbig.Int).Add(twice, mbig.NewInt(2))
	sumNeg := new(mbig.Int).Sub(mbig.NewInt(math.MinInt64), mbig.NewInt(1))
	sumX := store.Measure{Op: store.AggSum, Field: "x"}
	avgX := store.Measure{Op: store.AggAvg, Field: "x"}
	avgAmt := store.Measure{Op: store.AggAvg, Field: "amount"}
	got, err := s.Aggregate(ctxOf(t), coll, store.AggQuery{GroupBy: by("g"), Measures: []store.Measure{sumAmt}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[any]string{"float": "0", "money": sumMoney.String(), "neg": sumNeg.String()}
	for _, g := range got {
		if s := fmt.Sprint(g.Values[0]); s != want[g.Key[0]] {
			t.Errorf("sum of amount in %v = %s (%T), want %s", g.Key[0], s, g.Values[0], want[g.Key[0]])
		}
	}
	// 3e308 is beyond float64: the sum is exact all the same, the average is a float64.
	got, err = s.Aggregate(ctxOf(t), coll, store.AggQuery{Filter: where("g", store.Eq, "float"), Measures: []store.Measure{sumX, avgX, avgAmt}})
	if err != nil {
		t.Fatal(err)
	}
	sum, ok := got[0].Values[0].(*mbig.Float)
	if f, _ := sum.Float64(); !ok || sum.Text('g', 3) != "2e+308" || !math.IsInf(f, 1) {
		t.Errorf("sum of 1e308 three times less once = %#v, want a big.Float 2e+308", got[0].Values[0])
	}
	if avg := got[0].Values[1]; avg != 5e307 {
		t.Errorf("avg = %#v, want 5e307", avg)
	}
	// The sums of the money groups overflow only alone; together, in one group, they are exact.
	got, err = s.Aggregate(ctxOf(t), coll, store.AggQuery{Filter: where("g", store.Eq, "money"), Measures: []store.Measure{count, sumAmt, avgAmt}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got[0].Values[:2]) != "[3 "+sumMoney.String()+"]" {
		t.Errorf("count, sum of money = %v", got[0].Values)
	}
	if avg, ok := got[0].Values[2].(float64); !ok || math.Abs(avg-float64(math.MaxInt64)*2/3) > 1e4 {
		t.Errorf("avg of money = %#v", got[0].Values[2])
	}
}
