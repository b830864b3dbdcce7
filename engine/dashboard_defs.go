package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"crm/engine/query"
	"crm/forms"
)

// Dashboards live in meta_dashboards (id: the name). Analysts and admins define them; every
// signed-in user may read them, and their data is computed for the reader (see DashboardData).
const collDashboards = "meta_dashboards"

// Widget types.
const (
	WidgetFunnel        = "funnel"         // one picklist group key in option order, with conversion
	WidgetBar           = "bar"            // one or two group keys
	WidgetPie           = "pie"            // one group key
	WidgetNumber        = "number"         // no group key: totals
	WidgetSLACompliance = "sla_compliance" // records by sla_status, with the share not breached
	WidgetReport        = "report"         // a saved report's result, computed for the reader
)

var widgetTypes = []string{WidgetFunnel, WidgetBar, WidgetPie, WidgetNumber, WidgetSLACompliance, WidgetReport}

// GridColumns is the width of a dashboard's grid: a widget's layout places it in these columns.
const GridColumns = 12

// WidgetLayout is where a widget sits on the dashboard's grid: column X (0 to 11) and row Y, W
// columns wide and H rows high.
type WidgetLayout struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// maxWidgetRows bounds a layout's rows (Y + H), so a dashboard stays a page, not a scroll.
const maxWidgetRows = 200

// Dashboard is a named set of widgets.
type Dashboard struct {
	Name    string      `json:"name"`
	Label   forms.Label `json:"label,omitempty"`
	Widgets []Widget    `json:"widgets"`
}

// Widget is one chart: an aggregation of one object's records (see AggParams) and how to show it.
type Widget struct {
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	Label    forms.Label   `json:"label,omitempty"`
	Object   string        `json:"object,omitempty"`
	GroupBy  []string      `json:"group_by,omitempty"`
	Measures []string      `json:"measures,omitempty"` // none: count
	Filter   string        `json:"filter,omitempty"`
	Order    []string      `json:"order,omitempty"`  // funnel: the stages in order; none: every option in option order
	Report   string        `json:"report,omitempty"` // report: the saved report's name
	Chart    string        `json:"chart,omitempty"`  // report: how to draw it; none: the report's own chart
	Layout   *WidgetLayout `json:"layout,omitempty"`
}

// DashboardDef is a dashboard as stored and shown.
type DashboardDef struct {
	Dashboard
	Version int64 `json:"version"`
}

// MaxWidgets is how many widgets one dashboard holds.
const MaxWidgets = 24

// ListDashboards returns every dashboard, by name.
func (e *Engine) ListDashboards(ctx context.Context, by *Actor) ([]*DashboardDef, error) {
	return findNamed[DashboardDef](ctx, e, dashboardsKind, "")
}

// GetDashboard returns one dashboard.
func (e *Engine) GetDashboard(ctx context.Context, by *Actor, name string) (*DashboardDef, error) {
	return getNamed[DashboardDef](ctx, e, dashboardsKind, name)
}

// SaveDashboard creates (create) or replaces a dashboard after checking every widget against
// its object. Analysts and admins only.
func (e *Engine) SaveDashboard(ctx context.Context, by *Actor, d *Dashboard, create bool, ifMatch int64) (*DashboardDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if d.Widgets == nil {
		d.Widgets = []Widget{}
	}
	if probs := e.checkDashboard(ctx, d); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	version, err := e.saveNamed(ctx, dashboardsKind, d.Name, d, create, ifMatch)
	if err != nil {
		return nil, err
	}
	e.audit(ctx, by, auditEntry{Action: dashboardsKind.audited("saved"), Record: d.Name})
	return &DashboardDef{Dashboard: *d, Version: version}, nil
}

// DeleteDashboard removes a dashboard.
func (e *Engine) DeleteDashboard(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	if err := e.deleteNamed(ctx, dashboardsKind, name); err != nil {
		return err
	}
	e.audit(ctx, by, auditEntry{Action: dashboardsKind.audited("deleted"), Record: name})
	return nil
}

// checkDashboard finds every problem of a dashboard at once, each with its JSON pointer. Fields
// are checked against the whole object: what a reader may not see is left out when the data is
// computed for them.
func (e *Engine) checkDashboard(ctx context.Context, d *Dashboard) []forms.Problem {
	var probs []forms.Problem
	bad := func(at, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: at, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if !forms.NamePattern.MatchString(d.Name) {
		bad("/name", "invalid_name", "a dashboard name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	if len(d.Widgets) > MaxWidgets {
		bad("/widgets", "too_many", "a dashboard holds at most %d widgets", MaxWidgets)
	}
	names := map[string]bool{}
	for i, w := range d.Widgets {
		at := fmt.Sprintf("/widgets/%d", i)
		if !forms.NamePattern.MatchString(w.Name) {
			bad(at+"/name", "invalid_name", "a widget name starts with a lower-case letter and holds only a-z, 0-9 and _")
		} else if names[w.Name] {
			bad(at+"/name", "duplicate_name", "two widgets are named %q", w.Name)
		}
		names[w.Name] = true
		if l := w.Layout; l != nil {
			if l.X < 0 || l.X >= GridColumns {
				bad(at+"/layout/x", "invalid_layout", "x is a column from 0 to %d", GridColumns-1)
			}
			if l.W < 1 || l.X+l.W > GridColumns {
				bad(at+"/layout/w", "invalid_layout", "w is from 1 column and x + w at most %d", GridColumns)
			}
			if l.Y < 0 || l.Y >= maxWidgetRows {
				bad(at+"/layout/y", "invalid_layout", "y is a row from 0 to %d", maxWidgetRows-1)
			}
			if l.H < 1 || l.Y+l.H > maxWidgetRows {
				bad(at+"/layout/h", "invalid_layout", "h is from 1 row and y + h at most %d", maxWidgetRows)
			}
		}
		if !slices.Contains(widgetTypes, w.Type) {
			bad(at+"/type", "invalid_type", "a widget is one of %v", widgetTypes)
			continue
		}
		if w.Type == WidgetReport {
			if w.Chart != "" && !slices.Contains([]string{"none", "bar", "column", "line", "pie", "funnel", "table"}, w.Chart) {
				bad(at+"/chart", "invalid_chart", "a chart is none, bar, column, line, pie, funnel or table")
			}
			if _, err := getNamed[forms.Report](ctx, e, reportsKind, w.Report); err != nil {
				bad(at+"/report", "unknown_report", "no report named %q", w.Report)
			}
			if w.Object != "" || len(w.GroupBy) > 0 || len(w.Measures) > 0 || w.Filter != "" || len(w.Order) > 0 {
				bad(at, "invalid_widget", "a report widget names its report only (and a chart)")
			}
			continue
		}
		if w.Report != "" || w.Chart != "" {
			bad(at+"/report", "invalid_widget", "only a report widget names a report or a chart")
		}
		def, err := e.current(ctx, w.Object)
		if err != nil {
			bad(at+"/object", "unknown_object", "no object named %q", w.Object)
			continue
		}
		probs = append(probs, checkWidget(at, &w, def.obj, e.pathParents(ctx, nil))...)
	}
	return probs
}

// checkWidget checks one widget's keys, measures, filter and order against its object.
func checkWidget(at string, w *Widget, obj *forms.Object, parents *pathParents) []forms.Problem {
	var probs []forms.Problem
	bad := func(at, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: at, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	want := map[string][2]int{WidgetFunnel: {1, 1}, WidgetBar: {1, 2}, WidgetPie: {1, 1}, WidgetNumber: {0, 0}, WidgetSLACompliance: {0, 1}}[w.Type]
	if n := len(w.GroupBy); n < want[0] || n > want[1] {
		bad(at+"/group_by", "invalid_group_by", "a %s widget groups by %d to %d fields", w.Type, want[0], want[1])
	}
	var keys []query.GroupKey
	for j, s := range w.GroupBy {
		k, err := query.ParseGroupBy(s, obj)
		if err != nil {
			bad(fmt.Sprintf("%s/group_by/%d", at, j), "invalid_group_by", "%s", errMessage(err))
			continue
		}
		keys = append(keys, k)
	}
	for j, s := range w.Measures {
		if _, err := query.ParseMeasure(s, obj); err != nil {
			bad(fmt.Sprintf("%s/measures/%d", at, j), "invalid_measure", "%s", errMessage(err))
		}
	}
	if err := checkFilter(w.Filter, obj, parents); err != nil {
		bad(at+"/filter", "invalid_filter", "%s", errMessage(err))
	}
	switch {
	case w.Type == WidgetSLACompliance && len(w.GroupBy) == 1 && w.GroupBy[0] != "sla_status":
		bad(at+"/group_by/0", "invalid_group_by", "an sla_compliance widget groups by sla_status")
	case w.Type == WidgetFunnel && len(keys) == 1:
		f := keys[0].Field
		if f.Type != "picklist" {
			bad(at+"/group_by/0", "invalid_group_by", "a funnel groups by a picklist field, not %s", f.Type)
			break
		}
		for j, v := range w.Order {
			if !slices.ContainsFunc(f.Options, func(o forms.Option) bool { return o.Value == v }) {
				bad(fmt.Sprintf("%s/order/%d", at, j), "unknown_option", "%q is not an option of %q", v, f.Name)
			}
		}
	}
	if len(w.Order) > 0 && w.Type != WidgetFunnel {
		bad(at+"/order", "invalid_order", "only a funnel has an order")
	}
	return probs
}

// errMessage is the text of a parse error without its code.
func errMessage(err error) string {
	var qe *query.Error
	if errors.As(err, &qe) {
		return qe.Error()
	}
	return err.Error()
}
