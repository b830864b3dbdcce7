package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"crm/engine/store"
	"crm/forms"
)

// Detail rows of a report (all its records, or one group's through the group's filter) page by
// page, and the report as a table for a CSV or .xlsx file.

// MaxReportRowOffset is how deep detail rows page (page × page_size); beyond it the user narrows
// the group or exports the list.
const MaxReportRowOffset = 10000

// ReportRows is one page of a report's detail rows: each with its id and the report's columns,
// lookup paths (account.industry) included.
type ReportRows struct {
	Items    []Record `json:"items"`
	Page     int      `json:"page"`
	PageSize int      `json:"page_size"`
	More     bool     `json:"more"`
}

// RunReportRows pages through a report's records for the reader, narrowed by group (a group's
// filter from its result, in the list language) when given.
func (e *Engine) RunReportRows(ctx context.Context, by *Actor, r *forms.Report, o ReportOptions, group string, page, size int) (*ReportRows, error) {
	if size == 0 {
		size = DefaultPageSize
	}
	if page == 0 {
		page = 1
	}
	if page < 1 || size < 1 || size > MaxPageSize || page*size > MaxReportRowOffset {
		return nil, errorf(KindInvalid, "invalid_page", "page is from 1, page_size from 1 to %d, and page × page_size at most %d", MaxPageSize, MaxReportRowOffset)
	}
	plan, err := e.planReport(ctx, by, r, o)
	if err != nil {
		return nil, err
	}
	f, err := e.listFilter(ctx, by, plan.g.view, andFilters(plan.filter, group))
	if err != nil {
		return nil, err
	}
	var and store.And
	if f != nil {
		and = append(and, f)
	}
	if plan.g.read != nil {
		and = append(and, plan.g.read)
	}
	var filter store.Filter
	if len(and) > 0 {
		filter = and
	}
	qctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	docs, err := e.store.Find(qctx, recordsColl(r.Object), store.Query{Filter: filter, Limit: page*size + 1})
	if err != nil {
		return nil, storeErr(err)
	}
	out := &ReportRows{Items: []Record{}, Page: page, PageSize: size}
	skip := (page - 1) * size
	if len(docs) <= skip {
		return out, nil
	}
	docs = docs[skip:]
	if len(docs) > size {
		docs, out.More = docs[:size], true
	}
	cols := plan.columns()
	paths, err := e.pathColumns(qctx, by, plan, cols, docs)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		rec := plan.g.strip(wire(plan.def, d))
		item := Record{"id": d["id"]}
		for _, c := range cols {
			if pc, ok := paths[c]; ok {
				id, _ := d[pc.lookup].(string)
				item[c] = pc.values[id]
				continue
			}
			item[c] = rec[c]
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// columns are the report's detail columns; without any, every field of the object the reader sees.
func (p *reportPlan) columns() []string {
	if len(p.r.Columns) > 0 {
		return p.r.Columns
	}
	var out []string
	for _, f := range p.g.view.Fields {
		out = append(out, f.Name)
	}
	return out
}

// pathColumn is a lookup path's values on one page: lookup id -> the parent's field (wire form).
type pathColumn struct {
	lookup string
	field  *forms.Field
	values map[string]any
}

func (e *Engine) pathColumns(ctx context.Context, by *Actor, plan *reportPlan, cols []string, docs []store.Doc) (map[string]pathColumn, error) {
	out := map[string]pathColumn{}
	fields := wholeFields{e: e, ctx: ctx}
	grants := map[string]*grant{}
	for _, c := range cols {
		rf, _ := forms.ResolveReportField(fields, plan.r.Object, c)
		if rf.Lookup == nil {
			continue
		}
		pg, err := e.parentGrant(ctx, by, rf.Lookup.Target, grants)
		if err != nil || pg == nil {
			return nil, err
		}
		pdef, err := e.current(ctx, rf.Lookup.Target)
		if err != nil {
			return nil, err
		}
		var ids []any
		for _, d := range docs {
			if id, ok := d[rf.Lookup.Name].(string); ok {
				ids = append(ids, id)
			}
		}
		pc := pathColumn{lookup: rf.Lookup.Name, field: rf.Field, values: map[string]any{}}
		if len(ids) > 0 {
			var f store.Filter = store.In{Field: "id", Values: ids, Scalar: true}
			if pg.read != nil {
				f = store.And{f, pg.read}
			}
			parents, err := e.store.Find(ctx, recordsColl(rf.Lookup.Target), store.Query{Filter: f})
			if err != nil {
				return nil, storeErr(err)
			}
			for _, pd := range parents {
				id, _ := pd["id"].(string)
				pc.values[id] = wire(pdef, pd)[rf.Field.Name]
			}
		}
		out[c] = pc
	}
	return out, nil
}

// ReportTable is a report as rows of text for a file: the grouped result (one line per group:
// its labels, the column's label in a matrix, its measures) with a line of totals, or the detail
// rows when the report groups by nothing (at most MaxReportRowOffset).
func (e *Engine) ReportTable(ctx context.Context, by *Actor, r *forms.Report, o ReportOptions) ([][]string, error) {
	if len(r.Rows) == 0 && r.Column == nil {
		return e.detailTable(ctx, by, r, o)
	}
	res, err := e.RunReport(ctx, by, r, o)
	if err != nil {
		return nil, err
	}
	var header []string
	for _, a := range res.Rows {
		header = append(header, a.Label.In(o.Locale))
	}
	if res.Column != nil {
		header = append(header, res.Column.Label.In(o.Locale))
	}
	for _, m := range res.Measures {
		header = append(header, m.Label.In(o.Locale))
	}
	out := [][]string{header}
	for _, g := range res.Groups {
		line := append([]string{}, g.Labels...)
		if res.Column != nil {
			line = append(line, g.ColumnLabel)
		}
		for _, v := range g.Values {
			line = append(line, cellText(v))
		}
		out = append(out, line)
	}
	total := make([]string, len(res.Rows))
	if len(total) > 0 {
		total[0] = forms.Label{"en": "Total", "zh-CN": "合计"}.In(o.Locale)
	}
	if res.Column != nil {
		total = append(total, "")
	}
	for _, v := range res.Totals {
		total = append(total, cellText(v))
	}
	return append(out, total), nil
}

func (e *Engine) detailTable(ctx context.Context, by *Actor, r *forms.Report, o ReportOptions) ([][]string, error) {
	plan, err := e.planReport(ctx, by, r, o)
	if err != nil {
		return nil, err
	}
	cols := plan.columns()
	fields := wholeFields{e: e, ctx: ctx}
	header := []string{}
	rfs := make([]forms.ReportField, len(cols))
	for i, c := range cols {
		rfs[i], _ = forms.ResolveReportField(fields, r.Object, c)
		header = append(header, fieldLabel(rfs[i]).In(o.Locale))
	}
	out := [][]string{header}
	for page := 1; page*MaxPageSize <= MaxReportRowOffset; page++ {
		rows, err := e.RunReportRows(ctx, by, r, o, "", page, MaxPageSize)
		if err != nil {
			return nil, err
		}
		for _, it := range rows.Items {
			line := make([]string, len(cols))
			for i, c := range cols {
				line[i] = plan.cellOf(rfs[i], it[c])
			}
			out = append(out, line)
		}
		if !rows.More {
			break
		}
	}
	return out, nil
}

// cellOf is a detail value as text: a picklist by its label in the reader's language.
func (p *reportPlan) cellOf(rf forms.ReportField, v any) string {
	if s, ok := v.(string); ok && rf.Field.Type == "picklist" {
		for _, o := range rf.Field.Options {
			if o.Value == s {
				if l := o.Label.In(p.locale); l != "" {
					return l
				}
			}
		}
	}
	return cellText(v)
}

// cellText is a value as a cell's text.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
