package store

import (
	"fmt"
	"math"
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

// foldAcc accumulates one measure.
type foldAcc struct {
	isum    int64
	fsum    float64
	isFloat bool
	n       int64 // numbers seen (avg)
	best    any   // min or max so far
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
		case AggSum, AggAvg:
			switch x := v.(type) {
			case int64:
				a.isum += x
				a.fsum += float64(x)
				a.n++
			case float64:
				a.isFloat = true
				a.fsum += x
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
			case AggSum:
				if a.isFloat {
					vals[i] = a.fsum
				} else {
					vals[i] = a.isum
				}
			case AggAvg:
				if a.n > 0 {
					vals[i] = a.fsum / float64(a.n)
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
