package engine

import (
	"context"
	"encoding/json"
	"math"
	"math/big"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// MaxAggGroups is how many groups one aggregation answers; beyond it the answer is cut (in key
// order) and says so, so a chart never receives an unbounded list.
const MaxAggGroups = 1000

// maxAggKeys is how many fields an aggregation request groups by (a report takes one more).
const maxAggKeys = 2

// AggParams are an aggregation request's parameters as the client wrote them.
type AggParams struct {
	GroupBy  []string // "stage", "close_date:month"; at most two
	Measures []string // "count", "sum:amount"; none: count
	Filter   string   // the list filter language
	Locale   string   // for the labels of picklist keys
}

// AggGroup is one group on the wire: "key" (field -> stored value or date bucket), "labels"
// (field -> display text, for picklist options and users) and one member per measure.
type AggGroup map[string]any

// AggResult is an aggregation's answer.
type AggResult struct {
	Groups    []AggGroup `json:"groups"`
	Truncated bool       `json:"truncated,omitempty"`
}

// aggPlan is a checked aggregation: what to ask the store and how to show its groups.
type aggPlan struct {
	def      *definition
	keys     []query.GroupKey
	measures []query.Measure
	filter   store.Filter
	locale   string
	users    map[string]*User
}

// AggregateRecords groups the records the actor may read and measures each group. Group keys,
// measures and the filter are parsed against the actor's view of the object, so hidden fields are
// unknown here as in lists, and the actor's record-level access is ANDed into the filter.
func (e *Engine) AggregateRecords(ctx context.Context, by *Actor, object string, p AggParams) (*AggResult, error) {
	plan, err := e.planAggregate(ctx, by, object, p)
	if err != nil {
		return nil, err
	}
	groups, truncated, err := e.runAggregate(ctx, plan)
	if err != nil {
		return nil, err
	}
	out := &AggResult{Groups: make([]AggGroup, 0, len(groups)), Truncated: truncated}
	for _, g := range groups {
		out.Groups = append(out.Groups, plan.format(g))
	}
	return out, nil
}

func (e *Engine) planAggregate(ctx context.Context, by *Actor, object string, p AggParams) (*aggPlan, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	plan := &aggPlan{def: def, locale: p.Locale}
	if len(p.GroupBy) > maxAggKeys {
		return nil, errorf(KindInvalid, "invalid_group_by", "group by at most %d fields", maxAggKeys)
	}
	seen := map[string]bool{}
	for _, s := range p.GroupBy {
		k, err := query.ParseGroupBy(s, g.view)
		if err != nil {
			return nil, queryErr(err)
		}
		if seen[k.Key.Field] {
			return nil, errorf(KindInvalid, "invalid_group_by", "%q appears twice", k.Key.Field)
		}
		seen[k.Key.Field] = true
		plan.keys = append(plan.keys, k)
	}
	if len(p.Measures) == 0 {
		p.Measures = []string{"count"}
	}
	if len(p.Measures) > 8 {
		return nil, errorf(KindInvalid, "invalid_measure", "at most 8 measures")
	}
	names := map[string]bool{}
	for _, s := range p.Measures {
		m, err := query.ParseMeasure(s, g.view)
		if err != nil {
			return nil, queryErr(err)
		}
		if names[m.Name] {
			return nil, errorf(KindInvalid, "invalid_measure", "%q appears twice", s)
		}
		names[m.Name] = true
		plan.measures = append(plan.measures, m)
	}
	f, err := e.listFilter(ctx, by, g.view, p.Filter)
	if err != nil {
		return nil, err
	}
	var and store.And
	if f != nil {
		and = append(and, f)
	}
	if g.read != nil {
		and = append(and, g.read)
	}
	if len(and) > 0 {
		plan.filter = and
	}
	for _, k := range plan.keys {
		if k.Field.Type == "user" {
			dir, err := e.directory(ctx)
			if err != nil {
				return nil, err
			}
			plan.users = dir.users
			break
		}
	}
	return plan, nil
}

// runAggregate asks the store under the query time limit and cuts the answer to MaxAggGroups.
func (e *Engine) runAggregate(ctx context.Context, plan *aggPlan) ([]store.Group, bool, error) {
	q := store.AggQuery{Filter: plan.filter}
	for _, k := range plan.keys {
		q.GroupBy = append(q.GroupBy, k.Key)
	}
	for _, m := range plan.measures {
		q.Measures = append(q.Measures, m.M)
	}
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	groups, err := e.store.Aggregate(ctx, recordsColl(plan.def.obj.Name), q)
	if err != nil {
		return nil, false, storeErr(err)
	}
	if len(groups) > MaxAggGroups {
		return groups[:MaxAggGroups], true, nil
	}
	return groups, false, nil
}

// format turns a store group into its wire form: measures of money in the field's wire form
// (a JSON number, exact), averages of money rounded to the minor unit.
func (p *aggPlan) format(g store.Group) AggGroup {
	out := AggGroup{}
	key, labels := map[string]any{}, map[string]any{}
	for i, k := range p.keys {
		v := g.Key[i]
		key[k.Key.Field] = v
		if l := p.label(k.Field, v); l != "" {
			labels[k.Key.Field] = l
		}
	}
	out["key"] = key
	if len(labels) > 0 {
		out["labels"] = labels
	}
	for i, m := range p.measures {
		v := g.Values[i]
		if b, ok := bigNumber(v, m); ok {
			out[m.Name] = b
			continue
		}
		if m.Field != nil && v != nil {
			money := isMoney(m.Field)
			if m.M.Op == store.AggAvg && money {
				if f, ok := v.(float64); ok {
					v = minorOf(f)
				}
			}
			if m.M.Op != store.AggAvg || money {
				v = p.wireValue(m.Field.Name, v)
			}
		}
		out[m.Name] = v
	}
	return out
}

// bigNumber is a sum beyond int64 or float64 as an exact JSON number; money in its major unit.
func bigNumber(v any, m query.Measure) (json.Number, bool) {
	switch n := v.(type) {
	case *big.Int:
		if m.Field != nil && isMoney(m.Field) {
			digits := m.Field.CurrencyDigits()
			r := new(big.Rat).SetFrac(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
			return json.Number(r.FloatString(digits)), true
		}
		return json.Number(n.String()), true
	case *big.Float:
		return json.Number(n.Text('g', 17)), true
	}
	return "", false
}

// minorOf rounds an average of minor units; a mean of int64s is within int64, but its float64
// may round to 2^63, which int64() would wrap around.
func minorOf(f float64) int64 {
	switch r := math.Round(f); {
	case r >= math.MaxInt64:
		return math.MaxInt64
	case r <= math.MinInt64:
		return math.MinInt64
	default:
		return int64(r)
	}
}

func isMoney(f *forms.Field) bool {
	return f.ValueType() == forms.TypeCurrency
}

// wireValue is a stored value of one of the object's fields in its wire form.
func (p *aggPlan) wireValue(field string, v any) any {
	if w, ok := p.def.compiled.Output(map[string]any{field: v})[field]; ok {
		return w
	}
	return v
}

// label is what a key shows: a picklist option's label in the locale, a user's name.
func (p *aggPlan) label(f *forms.Field, v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	switch f.Type {
	case "picklist":
		for _, o := range f.Options {
			if o.Value == s {
				return o.Label.In(p.locale)
			}
		}
	case "user":
		if u := p.users[s]; u != nil {
			if u.Name != "" {
				return u.Name
			}
			return u.Email
		}
		// The owner may be one of the object's pools: shown by its label, as lists show it.
		if pool := p.def.obj.PoolOf(s); f.Name == "owner" && pool != nil {
			return pool.Label.In(p.locale)
		}
	}
	return ""
}
