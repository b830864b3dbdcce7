package engine

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"

	"crm/engine/store"
	"crm/forms"
)

// Merging database groups into a report's groups (several lookups with one industry, the hours
// of one local day): counts and sums add exactly (whole numbers in a big.Int, floats in a wide
// big.Float), minimums and maximums compare as the store orders values, and an average is its
// sum over its count of values.

type groupMerger struct {
	ops    []store.AggOp
	groups map[string]*mergeAcc
	order  []*mergeAcc
}

type mergeAcc struct {
	key  []any
	vals []measureAcc
}

type measureAcc struct {
	isum *big.Int
	fsum *big.Float
	best any
}

func newGroupMerger(ms []store.Measure) *groupMerger {
	m := &groupMerger{groups: map[string]*mergeAcc{}}
	for _, x := range ms {
		m.ops = append(m.ops, x.Op)
	}
	return m
}

// add merges one database group's values (in the plan's store measures) into the group of key.
func (m *groupMerger) add(key []any, values []any) {
	id := fmt.Sprintf("%#v", key)
	a := m.groups[id]
	if a == nil {
		a = &mergeAcc{key: key, vals: make([]measureAcc, len(values))}
		m.groups[id] = a
		m.order = append(m.order, a)
	}
	for i, v := range values {
		acc := &a.vals[i]
		switch m.ops[i] {
		case store.AggMin, store.AggMax:
			if v == nil {
				continue
			}
			c := store.CompareValues(v, acc.best)
			if acc.best == nil || (m.ops[i] == store.AggMin && c < 0) || (m.ops[i] == store.AggMax && c > 0) {
				acc.best = v
			}
			continue
		}
		switch x := v.(type) {
		case int64:
			acc.addInt(new(big.Int).SetInt64(x))
		case *big.Int:
			acc.addInt(x)
		case float64:
			acc.addFloat(new(big.Float).SetFloat64(x))
		case *big.Float:
			acc.addFloat(x)
		}
	}
}

func (a *measureAcc) addInt(x *big.Int) {
	if a.isum == nil {
		a.isum = new(big.Int)
	}
	a.isum.Add(a.isum, x)
}

func (a *measureAcc) addFloat(x *big.Float) {
	if a.fsum == nil {
		a.fsum = new(big.Float).SetPrec(2200)
	}
	a.fsum.Add(a.fsum, x)
}

// sorted is the merged groups in key order: a picklist's keys in option order, others as the
// store orders them, the group without a value first.
func (m *groupMerger) sorted(p *reportPlan) []*mergeAcc {
	out := slices.Clone(m.order)
	slices.SortStableFunc(out, func(a, b *mergeAcc) int {
		for i, k := range p.keys {
			if c := compareKey(k.rf.Field, a.key[i], b.key[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

func compareKey(f *forms.Field, a, b any) int {
	if f.Type == "picklist" && a != nil && b != nil {
		ia := slices.IndexFunc(f.Options, func(o forms.Option) bool { return o.Value == a })
		ib := slices.IndexFunc(f.Options, func(o forms.Option) bool { return o.Value == b })
		if ia >= 0 && ib >= 0 {
			return ia - ib
		}
		if ia >= 0 || ib >= 0 { // options before values no longer offered
			return ib - ia
		}
	}
	return store.CompareValues(a, b)
}

// values is a merged group's measures on the wire: counts as numbers, money as exact decimal
// strings, averages of money rounded to the minor unit, other numbers as numbers.
func (p *reportPlan) values(a *mergeAcc) []any {
	out := make([]any, len(p.measures))
	for i, m := range p.measures {
		acc := a.vals[m.at]
		switch m.m.Op {
		case "count":
			out[i] = intValue(acc.isum)
		case "sum":
			out[i] = numberValue(m.field, acc)
		case "avg":
			n := intValue(a.vals[m.n].isum).(int64)
			out[i] = average(m.field, acc, n)
		case "min", "max":
			out[i] = extremeValue(m.field, acc.best)
		}
	}
	return out
}

// intValue is a whole-number sum: an int64, or an exact JSON number beyond it.
func intValue(x *big.Int) any {
	if x == nil {
		return int64(0)
	}
	if x.IsInt64() {
		return x.Int64()
	}
	return json.Number(x.String())
}

func numberValue(f *forms.Field, acc measureAcc) any {
	if acc.fsum != nil {
		t := new(big.Float).SetPrec(2200).Set(acc.fsum)
		if acc.isum != nil {
			t.Add(t, new(big.Float).SetInt(acc.isum))
		}
		v, _ := t.Float64()
		return v
	}
	if isMoney(f) {
		if acc.isum == nil {
			return money(new(big.Int), f.CurrencyDigits())
		}
		return money(acc.isum, f.CurrencyDigits())
	}
	return intValue(acc.isum)
}

// money is an amount in minor units as its decimal text ("34500.00").
func money(minor *big.Int, digits int) string {
	r := new(big.Rat).SetFrac(minor, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
	return r.FloatString(digits)
}

func average(f *forms.Field, acc measureAcc, n int64) any {
	if n == 0 {
		return nil
	}
	if isMoney(f) && acc.fsum == nil {
		sum := acc.isum
		if sum == nil {
			sum = new(big.Int)
		}
		// Round half away from zero to the minor unit.
		q, r := new(big.Int).QuoRem(sum, big.NewInt(n), new(big.Int))
		if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(big.NewInt(n)) >= 0 {
			if sum.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
		return money(q, f.CurrencyDigits())
	}
	t := new(big.Float).SetPrec(2200)
	if acc.fsum != nil {
		t.Set(acc.fsum)
	}
	if acc.isum != nil {
		t.Add(t, new(big.Float).SetInt(acc.isum))
	}
	v, _ := t.Quo(t, new(big.Float).SetInt64(n)).Float64()
	return v
}

func extremeValue(f *forms.Field, v any) any {
	if x, ok := v.(int64); ok && isMoney(f) {
		return money(big.NewInt(x), f.CurrencyDigits())
	}
	return v
}
