package store

import (
	"fmt"
	"math"
	"math/big"
)

// Folder computes an aggregation document by document, for a backend that cannot run all of a
// query on the server (FerretDB v1 has no $avg, $min, $max or string operators in $group).
// It follows the AggOp rules exactly, so a backend may mix it with server-side grouping.
type Folder struct {
	q      AggQuery
	groups map[string]*foldGroup
	order  []string
}

type foldGroup struct {
	key   []any
	count int64
	acc   []foldAcc
}

// foldAcc accumulates one measure. Sums are exact: whole numbers in int64 until they leave it,
// then in a big.Int; floats in a big.Float wide enough for any sum of float64s, so neither a
// sum of amounts beyond int64 nor one of numbers beyond float64 fails or wraps around.
type foldAcc struct {
	isum int64
	ibig *big.Int   // the whole-number sum once beyond int64
	fsum *big.Float // the sum of the floats, nil until one is seen
	n    int64      // numbers seen (avg)
	best any        // min or max so far
}

// floatSumPrec holds any sum of float64s exactly: 2^1024 down to 2^-1074, plus carries.
const floatSumPrec = 2200

func (a *foldAcc) addInt(x int64) {
	if a.ibig == nil {
		if s, ok := addInt64(a.isum, x); ok {
			a.isum = s
			return
		}
		a.ibig = big.NewInt(a.isum)
	}
	a.ibig.Add(a.ibig, big.NewInt(x))
}

func (a *foldAcc) addFloat(x float64) {
	if a.fsum == nil {
		a.fsum = new(big.Float).SetPrec(floatSumPrec)
	}
	a.fsum.Add(a.fsum, new(big.Float).SetFloat64(x))
}

// addInt64 is a + b, false when that leaves int64.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

// total is the sum as a seam value: int64, else *big.Int, when every number was whole; else a
// float64, or a *big.Float when the sum is beyond float64.
func (a *foldAcc) total() any {
	if a.fsum == nil {
		if a.ibig != nil {
			return a.ibig
		}
		return a.isum
	}
	t := a.exactTotal()
	if f, _ := t.Float64(); !math.IsInf(f, 0) {
		return f
	}
	return t
}

// exactTotal is the sum of every number as a big.Float.
func (a *foldAcc) exactTotal() *big.Float {
	t := new(big.Float).SetPrec(floatSumPrec)
	if a.fsum != nil {
		t.Set(a.fsum)
	}
	if a.ibig != nil {
		t.Add(t, new(big.Float).SetInt(a.ibig))
	} else {
		t.Add(t, new(big.Float).SetInt64(a.isum))
	}
	return t
}

// mean is the average as a float64; the mean of finite numbers is finite.
func (a *foldAcc) mean() float64 {
	t := a.exactTotal()
	f, _ := t.Quo(t, new(big.Float).SetInt64(a.n)).Float64()
	return f
}

// Overflowed tells whether a backend's own answer lost a sum or an average: a float that is not
// finite (a sum beyond float64), or a float sum at or beyond 2^63, which is how MongoDB and
// FerretDB answer a sum of int64s beyond int64. The backend then folds the documents instead.
func Overflowed(q AggQuery, gs []Group) bool {
	for _, g := range gs {
		for i, m := range q.Measures {
			f, ok := g.Values[i].(float64)
			if !ok || (m.Op != AggSum && m.Op != AggAvg) {
				continue
			}
			if math.IsInf(f, 0) || math.IsNaN(f) || (m.Op == AggSum && math.Abs(f) >= 1<<63) {
				return true
			}
		}
	}
	return false
}

// NewFolder starts an aggregation of q over documents given to Add.
func NewFolder(q AggQuery) *Folder {
	return &Folder{q: q, groups: map[string]*foldGroup{}}
}

// Add counts one document matching the filter.
func (f *Folder) Add(d Doc) {
	key := make([]any, len(f.q.GroupBy))
	for i, k := range f.q.GroupBy {
		v := d[k.Field]
		if s, ok := v.(string); ok && k.Prefix > 0 && len(s) > k.Prefix {
			v = s[:k.Prefix]
		}
		key[i] = v
	}
	id := fmt.Sprintf("%#v", normalizeKey(key))
	g := f.groups[id]
	if g == nil {
		g = &foldGroup{key: key, acc: make([]foldAcc, len(f.q.Measures))}
		f.groups[id] = g
		f.order = append(f.order, id)
	}
	g.count++
	for i, m := range f.q.Measures {
		a := &g.acc[i]
		v := d[m.Field]
		switch m.Op {
		case AggCount:
			if m.Field != "" && v != nil {
				a.n++
			}
		case AggSum, AggAvg:
			switch x := v.(type) {
			case int64:
				a.addInt(x)
				a.n++
			case float64:
				a.addFloat(x)
				a.n++
			}
		case AggMin, AggMax:
			if v == nil || rank(v) == 4 {
				continue
			}
			c := CompareValues(v, a.best)
			if a.best == nil || (m.Op == AggMin && c < 0) || (m.Op == AggMax && c > 0) {
				a.best = v
			}
		}
	}
}

// normalizeKey makes integral floats equal to the same int64, as the databases group them.
func normalizeKey(key []any) []any {
	out := make([]any, len(key))
	for i, v := range key {
		if x, ok := v.(float64); ok && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			v = int64(x)
		}
		out[i] = v
	}
	return out
}

// Groups returns the result in SortGroups order.
func (f *Folder) Groups() []Group {
	if len(f.order) == 0 {
		return EmptyResult(f.q)
	}
	out := make([]Group, 0, len(f.order))
	for _, id := range f.order {
		g := f.groups[id]
		vals := make([]any, len(f.q.Measures))
		for i, m := range f.q.Measures {
			a := g.acc[i]
			switch m.Op {
			case AggCount:
				vals[i] = g.count
				if m.Field != "" {
					vals[i] = a.n
				}
			case AggSum:
				vals[i] = a.total()
			case AggAvg:
				if a.n > 0 {
					vals[i] = a.mean()
				}
			case AggMin, AggMax:
				vals[i] = a.best
			}
		}
		out = append(out, Group{Key: g.key, Values: vals})
	}
	SortGroups(out)
	return out
}
