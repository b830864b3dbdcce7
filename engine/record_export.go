package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"crm/forms"
)

// Exporting a list: the records the caller's list shows (the same query path: access, filter,
// search, sort, field-level security), page by page, as rows of text for a CSV or .xlsx file.
// Cells read as people read them, in the caller's language and time zone: picklists by label,
// lookups and people by name, instants in the caller's zone, money exactly as stored. A row
// exported this way imports again (record_import_values.go reads every such cell back).

// ExportParams are an export's parameters as the client wrote them.
type ExportParams struct {
	Filter, Q, Sort string
	Fields          []string // nil: every field the caller sees, with the id, owner and times
}

// exportPage is how many records an export reads at once: the list's largest page.
const exportPage = MaxPageSize

// Export is an export under way; Next answers its rows page by page.
type Export struct {
	e       *Engine
	by      *Actor
	object  string
	def     *definition
	params  ListParams
	columns []string
	header  []string
	locale  string
	loc     *time.Location
	first   *Page // read at start, so that a bad request fails before anything is sent
	done    bool
	users   *directory
}

// ExportRecords checks an export and reads its first page; it is audited once, here.
func (e *Engine) ExportRecords(ctx context.Context, by *Actor, object string, p ExportParams, locale string) (*Export, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	x := &Export{e: e, by: by, object: object, def: def, locale: locale, loc: location(by.Timezone),
		params: ListParams{Filter: p.Filter, Q: p.Q, Sort: p.Sort, Limit: exportPage}}
	if p.Fields == nil {
		x.columns = append(x.columns, "id")
		for _, f := range def.obj.Fields {
			if !g.hidden[f.Name] {
				x.columns = append(x.columns, f.Name)
			}
		}
		x.columns = append(x.columns, "owner", "created_at", "updated_at")
	} else {
		for _, name := range p.Fields {
			// A hidden field is as unknown as a field the object lacks: its name tells nothing.
			if (def.obj.Field(name) == nil || g.hidden[name]) && !isSystemField(name) {
				return nil, errorf(KindInvalid, "invalid_fields", "%q is not a field of %s", name, object)
			}
			x.columns = append(x.columns, name)
		}
		if len(x.columns) == 0 {
			return nil, errorf(KindInvalid, "invalid_fields", "name at least one field")
		}
	}
	for _, c := range x.columns {
		x.header = append(x.header, columnLabel(def.obj, c, locale))
	}
	if x.first, err = e.ListRecords(ctx, by, object, x.params); err != nil {
		return nil, err
	}
	if x.users, err = e.directory(ctx); err != nil {
		return nil, err
	}
	e.audit(ctx, by, auditEntry{Action: "records_exported", Object: object,
		Reason: fmt.Sprintf("filter %q, search %q, %d columns", p.Filter, p.Q, len(x.columns))})
	return x, nil
}

// systemLabels name the system fields in a header.
var systemLabels = map[string]forms.Label{
	"id":         {"en": "ID", "zh-CN": "编号"},
	"owner":      {"en": "Owner", "zh-CN": "负责人"},
	"created_at": {"en": "Created at", "zh-CN": "创建时间"},
	"created_by": {"en": "Created by", "zh-CN": "创建人"},
	"updated_at": {"en": "Updated at", "zh-CN": "更新时间"},
	"updated_by": {"en": "Updated by", "zh-CN": "更新人"},
	"version":    {"en": "Version", "zh-CN": "版本"},
}

func columnLabel(obj *forms.Object, name, locale string) string {
	if f := obj.Field(name); f != nil {
		if l := f.Label.In(locale); l != "" {
			return l
		}
		return name
	}
	if l, ok := systemLabels[name]; ok {
		return l.In(locale)
	}
	return name
}

// Header is the row of column labels in the caller's language.
func (x *Export) Header() []string { return x.header }

// Next answers the next page of rows; none when the export is over.
func (x *Export) Next(ctx context.Context) ([][]string, error) {
	if x.done {
		return nil, nil
	}
	page := x.first
	x.first = nil
	if page == nil {
		var err error
		if page, err = x.e.ListRecords(ctx, x.by, x.object, x.params); err != nil {
			return nil, err
		}
	}
	x.params.Cursor = page.NextCursor
	x.done = page.NextCursor == ""
	titles, err := x.titles(ctx, page.Items)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, 0, len(page.Items))
	for _, r := range page.Items {
		row := make([]string, len(x.columns))
		for i, c := range x.columns {
			row[i] = x.cell(c, r[c], titles)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// titles names the records the page's lookups point at, one list query per target (as the
// caller: a record they cannot see keeps its id).
func (x *Export) titles(ctx context.Context, items []Record) (map[string]string, error) {
	ids := map[string][]string{}
	for _, c := range x.columns {
		f := x.def.obj.Field(c)
		if f == nil || f.Type != forms.TypeLookup {
			continue
		}
		for _, r := range items {
			if id, ok := r[c].(string); ok && id != "" {
				ids[f.Target] = append(ids[f.Target], id)
			}
		}
	}
	out := map[string]string{}
	for target, list := range ids {
		def, err := x.e.current(ctx, target)
		if err != nil {
			return nil, err
		}
		title := titleOf(def.obj)
		if title == "" {
			continue
		}
		quoted := make([]string, 0, len(list))
		for _, id := range list {
			quoted = append(quoted, quoteFilter(id))
		}
		for start := 0; start < len(quoted); start += exportPage {
			end := min(start+exportPage, len(quoted))
			p, err := x.e.ListRecords(ctx, x.by, target, ListParams{Filter: "id in (" + strings.Join(quoted[start:end], ", ") + ")", Limit: exportPage})
			if isForbidden(err) {
				break
			}
			if err != nil {
				return nil, err
			}
			for _, r := range p.Items {
				id, _ := r["id"].(string)
				if t, ok := r[title].(string); ok && t != "" {
					out[target+"\x00"+id] = t
				}
			}
		}
	}
	return out, nil
}

// cell writes one value as the caller reads it.
func (x *Export) cell(column string, v any, titles map[string]string) string {
	if v == nil {
		return ""
	}
	f := x.def.obj.Field(column)
	typ := ""
	if f != nil {
		typ = f.ValueType()
	}
	switch {
	case column == "owner" || column == "created_by" || column == "updated_by" || typ == forms.TypeUser:
		id, _ := v.(string)
		if u := x.users.users[id]; u != nil {
			if u.Name != "" {
				return u.Name
			}
			return u.Email
		}
		return id
	case column == "created_at" || column == "updated_at" || typ == forms.TypeDatetime:
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.In(x.loc).Format("2006-01-02 15:04:05")
	case typ == forms.TypePicklist:
		return optionLabel(f, fmt.Sprint(v), x.locale)
	case typ == forms.TypeMultipicklist:
		l, _ := v.([]any)
		parts := make([]string, 0, len(l))
		for _, o := range l {
			parts = append(parts, optionLabel(f, fmt.Sprint(o), x.locale))
		}
		return strings.Join(parts, "; ")
	case typ == forms.TypeLookup:
		id, _ := v.(string)
		if t, ok := titles[f.Target+"\x00"+id]; ok {
			return t
		}
		return id
	case typ == forms.TypeBoolean:
		if v == true {
			return forms.Label{"en": "Yes", "zh-CN": "是"}.In(x.locale)
		}
		return forms.Label{"en": "No", "zh-CN": "否"}.In(x.locale)
	}
	switch n := v.(type) {
	case json.Number:
		return string(n) // money as stored: exact, with its minor digits
	case string:
		return n
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func optionLabel(f *forms.Field, value, locale string) string {
	for _, o := range f.Options {
		if o.Value == value {
			if l := o.Label.In(locale); l != "" {
				return l
			}
		}
	}
	return value
}
