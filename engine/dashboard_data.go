package engine

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// DashboardData is a dashboard computed for one reader.
type DashboardData struct {
	Name    string       `json:"name"`
	Label   string       `json:"label,omitempty"`
	Widgets []WidgetData `json:"widgets"`
}

// WidgetData is one widget's groups as the reader may see them, or the error that kept it empty
// (an object the reader may not read, a field hidden from them).
type WidgetData struct {
	Name       string        `json:"name"`
	Type       string        `json:"type"`
	Label      string        `json:"label,omitempty"`
	Object     string        `json:"object"`
	Layout     *WidgetLayout `json:"layout,omitempty"`
	Report     string        `json:"report,omitempty"`
	Chart      string        `json:"chart,omitempty"`
	Result     *ReportResult `json:"result,omitempty"` // report: the report computed for the reader
	Groups     []AggGroup    `json:"groups,omitempty"`
	Truncated  bool          `json:"truncated,omitempty"`
	Compliance *float64      `json:"compliance,omitempty"` // sla_compliance: share of measured records not breached
	Error      *Error        `json:"error,omitempty"`
}

// DashboardFilter narrows every widget of one reading of a dashboard: records created from From
// to To (dates, both days included, UTC), owned by Owner (a user id), or by a member of Team.
// Empty parts narrow nothing.
type DashboardFilter struct {
	From, To, Owner, Team string
	// Period (forms.Periods) narrows by creation in the reader's calendar, as report widgets do.
	Period string
}

// DashboardData evaluates every widget for the reader through the same aggregation as
// AggregateRecords, so each number counts only records the reader may read.
func (e *Engine) DashboardData(ctx context.Context, by *Actor, name, locale string, df DashboardFilter) (*DashboardData, error) {
	d, err := e.GetDashboard(ctx, by, name)
	if err != nil {
		return nil, err
	}
	if df.Period != "" {
		from, to, ok := forms.PeriodDays(df.Period, e.now(), location(by.Timezone))
		if !ok {
			return nil, errorf(KindInvalid, "invalid_filter", "period is one of %v", forms.Periods)
		}
		end, _ := time.Parse(time.DateOnly, to)
		df.From, df.To = from, end.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	narrow, err := e.dashboardFilter(ctx, df)
	if err != nil {
		return nil, err
	}
	out := &DashboardData{Name: d.Name, Label: d.Label.In(locale), Widgets: make([]WidgetData, 0, len(d.Widgets))}
	for _, w := range d.Widgets {
		var wd WidgetData
		var err error
		if w.Type == WidgetReport {
			wd, err = e.reportWidget(ctx, by, w, locale, df)
		} else {
			wd, err = e.widgetData(ctx, by, w, locale, narrow)
		}
		if err != nil {
			ee, ok := AsError(err)
			if !ok || ee.Kind == KindUnavailable {
				return nil, err
			}
			wd = WidgetData{Error: (&Error{Code: ee.Code, Message: ee.Message}).Localized(locale)}
		}
		wd.Name, wd.Type, wd.Label, wd.Layout = w.Name, w.Type, w.Label.In(locale), w.Layout
		if w.Type != WidgetReport {
			wd.Object = w.Object
		} else {
			wd.Report = w.Report
		}
		out.Widgets = append(out.Widgets, wd)
	}
	return out, nil
}

// reportWidget is a report widget's result for the reader, under the dashboard's period, owner
// and team (a report they may not read, or one over a field hidden from them, is its error).
func (e *Engine) reportWidget(ctx context.Context, by *Actor, w Widget, locale string, df DashboardFilter) (WidgetData, error) {
	wd := WidgetData{Report: w.Report, Chart: w.Chart}
	r, err := e.GetReport(ctx, by, w.Report)
	if err != nil {
		return wd, err
	}
	wd.Object = r.Object
	if wd.Chart == "" {
		wd.Chart = r.Chart
	}
	o := ReportOptions{Locale: locale, Owner: df.Owner, Team: df.Team}
	var parts []string
	if df.From != "" {
		parts = append(parts, "created_at >= "+forms.FilterString(forms.LocalMidnight(df.From, location(by.Timezone))))
	}
	if df.To != "" {
		end, _ := time.Parse(time.DateOnly, df.To)
		parts = append(parts, "created_at < "+forms.FilterString(forms.LocalMidnight(end.AddDate(0, 0, 1).Format(time.DateOnly), location(by.Timezone))))
	}
	o.Filter = strings.Join(parts, " and ")
	res, err := e.RunReport(ctx, by, r, o)
	if err != nil {
		return WidgetData{Object: r.Object, Report: w.Report, Chart: wd.Chart}, err
	}
	wd.Result = res
	return wd, nil
}

func (e *Engine) widgetData(ctx context.Context, by *Actor, w Widget, locale string, narrow store.Filter) (WidgetData, error) {
	p := AggParams{GroupBy: w.GroupBy, Measures: w.Measures, Filter: w.Filter, Locale: locale}
	if w.Type == WidgetSLACompliance {
		p.GroupBy = []string{"sla_status"}
	}
	if (w.Type == WidgetFunnel || w.Type == WidgetSLACompliance) && !slices.Contains(p.Measures, "count") {
		p.Measures = append([]string{"count"}, p.Measures...)
	}
	plan, err := e.planAggregate(ctx, by, w.Object, p)
	if err != nil {
		return WidgetData{}, err
	}
	switch {
	case narrow == nil:
	case plan.filter == nil:
		plan.filter = narrow
	default:
		plan.filter = store.And{plan.filter, narrow}
	}
	groups, truncated, err := e.runAggregate(ctx, plan)
	if err != nil {
		return WidgetData{}, err
	}
	wd := WidgetData{Truncated: truncated}
	switch w.Type {
	case WidgetFunnel:
		order := funnelOrder(plan, w.Order)
		wd.Groups = funnel(plan, groups, order)
		truncated, err := e.addStageFlows(ctx, plan, wd.Groups, order)
		if err != nil {
			return WidgetData{}, err
		}
		wd.Truncated = wd.Truncated || truncated
	case WidgetSLACompliance:
		wd.Groups = formatAll(plan, groups)
		wd.Compliance = compliance(groups, countIndex(plan))
	default:
		wd.Groups = formatAll(plan, groups)
	}
	return wd, nil
}

func formatAll(plan *aggPlan, groups []store.Group) []AggGroup {
	out := make([]AggGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, plan.format(g))
	}
	return out
}

// funnelOrder is a funnel's stages: the widget's order, else the picklist's options in order.
func funnelOrder(plan *aggPlan, order []string) []string {
	if len(order) > 0 {
		return order
	}
	for _, o := range plan.keys[0].Field.Options {
		order = append(order, o.Value)
	}
	return order
}

// funnel puts the stages in order (see funnelOrder), with empty
// stages shown as zero and other values left out. Each stage but the last gets "conversion": of
// the records that reached the stage (they are in it or in a later one), the share that reached
// the next.
func funnel(plan *aggPlan, groups []store.Group, order []string) []AggGroup {
	countAt := countIndex(plan)
	byStage := map[string]store.Group{}
	for _, g := range groups {
		if s, ok := g.Key[0].(string); ok {
			byStage[s] = g
		}
	}
	stages := make([]store.Group, len(order))
	counts := make([]int64, len(order))
	for i, s := range order {
		g, ok := byStage[s]
		if !ok {
			g = zeroGroup(plan, s)
		}
		stages[i] = g
		counts[i], _ = g.Values[countAt].(int64)
	}
	reached := make([]int64, len(order)+1)
	for i := len(order) - 1; i >= 0; i-- {
		reached[i] = reached[i+1] + counts[i]
	}
	out := make([]AggGroup, len(order))
	for i, g := range stages {
		out[i] = plan.format(g)
		if i == len(order)-1 {
			continue
		}
		if reached[i] == 0 {
			out[i]["conversion"] = nil
		} else {
			out[i]["conversion"] = ratio(reached[i+1], reached[i])
		}
	}
	return out
}

// zeroGroup is a stage no record is in: count and sums 0, the rest empty.
func zeroGroup(plan *aggPlan, stage string) store.Group {
	g := store.Group{Key: []any{stage}, Values: make([]any, len(plan.measures))}
	for i, m := range plan.measures {
		if m.M.Op == store.AggCount || m.M.Op == store.AggSum {
			g.Values[i] = int64(0)
		}
	}
	return g
}

// compliance is the share of records with an SLA status that did not breach; nil without any.
func compliance(groups []store.Group, countAt int) *float64 {
	var total, breached int64
	for _, g := range groups {
		n, _ := g.Values[countAt].(int64)
		switch g.Key[0] {
		case nil:
			continue
		case "breached":
			breached += n
		}
		total += n
	}
	if total == 0 {
		return nil
	}
	r := ratio(total-breached, total)
	return &r
}

// ratio is a/b to four decimals, so the wire shows 0.6667 and not a float's long tail.
func ratio(a, b int64) float64 {
	return math.Round(float64(a)/float64(b)*10000) / 10000
}

// countIndex is where the count is among the plan's measures (funnels and SLA widgets have one).
func countIndex(plan *aggPlan) int {
	return slices.IndexFunc(plan.measures, func(m query.Measure) bool { return m.Name == "count" })
}

// dashboardFilter turns a reading's filter into the store's terms; an unknown date, user or team
// is refused (invalid_filter) rather than narrowing to nothing.
func (e *Engine) dashboardFilter(ctx context.Context, df DashboardFilter) (store.Filter, error) {
	var and store.And
	day := func(param, s string) (time.Time, error) {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return t, errorf(KindInvalid, "invalid_filter", "%s: %q is not a date (YYYY-MM-DD)", param, s)
		}
		return t, nil
	}
	if df.From != "" {
		t, err := day("from", df.From)
		if err != nil {
			return nil, err
		}
		and = append(and, store.Compare{Field: "created_at", Op: store.Ge, Value: t.Format(forms.TimeLayout), Scalar: true})
	}
	if df.To != "" {
		t, err := day("to", df.To)
		if err != nil {
			return nil, err
		}
		and = append(and, store.Compare{Field: "created_at", Op: store.Lt, Value: t.AddDate(0, 0, 1).Format(forms.TimeLayout), Scalar: true})
	}
	if df.Owner == "" && df.Team == "" {
		if len(and) == 0 {
			return nil, nil
		}
		return and, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	if df.Owner != "" {
		if dir.users[df.Owner] == nil {
			return nil, errorf(KindInvalid, "invalid_filter", "owner: no user %q", df.Owner)
		}
		and = append(and, store.Compare{Field: "owner", Op: store.Eq, Value: df.Owner, Scalar: true})
	}
	if df.Team != "" {
		if dir.teams[df.Team] == nil {
			return nil, errorf(KindInvalid, "invalid_filter", "team: no team %q", df.Team)
		}
		var members []any
		for id, u := range dir.users {
			if slices.Contains(u.Teams, df.Team) {
				members = append(members, id)
			}
		}
		slices.SortFunc(members, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		and = append(and, store.In{Field: "owner", Values: members, Scalar: true})
	}
	return and, nil
}
