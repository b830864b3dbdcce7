package store

import (
	"cmp"
	"fmt"
	"slices"
)

// AggOp is what a Measure computes over the documents of a group.
type AggOp string

// The measures every backend computes.
//
//   - count: how many documents the group holds (int64) when Field is empty; with a Field, how
//     many of them hold a value (not null) in it, which lets a caller merge averages.
//   - sum: the sum of the field's numbers; int64 (exact) while every value is an int64, so sums of
//     money in minor units stay exact, a *big.Int (still exact) when such a sum is beyond int64,
//     float64 as soon as one value is a float64 (a *big.Float when the sum is beyond float64),
//     int64 0 when the group has no number in the field. A sum never fails for its size.
//   - avg: the mean of the field's numbers as a finite float64, nil when there is none.
//   - min, max: the smallest and largest value of the field (numbers or strings, a field holds
//     one kind), nil when there is none.
const (
	AggCount AggOp = "count"
	AggSum   AggOp = "sum"
	AggAvg   AggOp = "avg"
	AggMin   AggOp = "min"
	AggMax   AggOp = "max"
)

// MaxGroupKeys is how many fields one aggregation may group by (a report's two row fields and
// its column field).
const MaxGroupKeys = 3

// AggQuery is what Aggregate takes.
type AggQuery struct {
	Filter   Filter     // nil: all documents
	GroupBy  []GroupKey // 0 to MaxGroupKeys keys; none: one group of every matching document
	Measures []Measure
}

// GroupKey groups by one field. Documents without the field (or with nil) form the group whose
// key is nil. Prefix > 0 groups string values by their first Prefix bytes, which buckets dates
// and instants by year (4), month (7) or day (10); values of other kinds are not cut. Grouping by
// a field that holds arrays is outside the seam (the engine never asks for it).
type GroupKey struct {
	Field  string
	Prefix int
}

// Measure is one value computed per group.
type Measure struct {
	Op    AggOp
	Field string // empty for count
}

// Group is one group of an aggregation: Key has one value per GroupKey (nil for the group of
// missing values), Values one per Measure.
type Group struct {
	Key    []any
	Values []any
}

// CheckAggQuery refuses what no backend answers: too many keys, unknown operators, a measure
// without a field or a negative prefix.
func CheckAggQuery(q AggQuery) error {
	if len(q.GroupBy) > MaxGroupKeys {
		return fmt.Errorf("store: group by at most %d fields", MaxGroupKeys)
	}
	for _, k := range q.GroupBy {
		if k.Prefix < 0 || k.Field == "" {
			return fmt.Errorf("store: invalid group key %+v", k)
		}
	}
	for _, m := range q.Measures {
		switch m.Op {
		case AggCount:
		case AggSum, AggAvg, AggMin, AggMax:
			if m.Field == "" {
				return fmt.Errorf("store: %s needs a field", m.Op)
			}
		default:
			return fmt.Errorf("store: unknown measure %q", m.Op)
		}
	}
	return nil
}

// EmptyResult is the answer over no documents: no group, or with no GroupBy the single group of
// nothing (count 0, sum 0, the others nil).
func EmptyResult(q AggQuery) []Group {
	if len(q.GroupBy) > 0 {
		return []Group{}
	}
	g := Group{Key: []any{}, Values: make([]any, len(q.Measures))}
	for i, m := range q.Measures {
		if m.Op == AggCount || m.Op == AggSum {
			g.Values[i] = int64(0)
		}
	}
	return []Group{g}
}

// SortGroups puts groups in the one order every backend answers in: by key, field by field,
// with CompareValues.
func SortGroups(gs []Group) {
	slices.SortStableFunc(gs, func(a, b Group) int {
		for i := range min(len(a.Key), len(b.Key)) {
			if c := CompareValues(a.Key[i], b.Key[i]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// CompareValues orders scalar values as the groups of an aggregation are ordered: nil first,
// then false before true, then numbers (int64 and float64 by value), then strings by their bytes.
func CompareValues(a, b any) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case string:
		return cmp.Compare(x, b.(string))
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	}
	if ra == 2 {
		return cmp.Compare(toFloat(a), toFloat(b))
	}
	return 0
}

// rank is the kind order of CompareValues; other kinds sort last, among themselves unordered.
func rank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case int64, float64:
		return 2
	case string:
		return 3
	}
	return 4
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}
