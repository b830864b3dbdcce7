package engine

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"crm/forms"
)

// From the text of a spreadsheet cell to the value a form would send for its field. The
// conversion is forgiving where people's sheets differ (dates as Excel serials or text in the
// common layouts, money with symbols and separators, picklists by value or by label in either
// language, lookups by id or by name); what it cannot read is a cell error with a stable code,
// and everything else is the write pipeline's to judge, as for a form.

// cellMessages are the texts of the cell errors, per locale.
var cellMessages = map[string]forms.Label{
	"invalid_number":      {"en": "Not a number", "zh-CN": "不是有效的数字"},
	"invalid_date":        {"en": "Not a date (e.g. 2026-03-31 or an Excel date)", "zh-CN": "不是有效的日期（如 2026-03-31 或 Excel 日期）"},
	"invalid_datetime":    {"en": "Not a date and time", "zh-CN": "不是有效的日期时间"},
	"invalid_boolean":     {"en": "Not yes or no", "zh-CN": "不是“是”或“否”"},
	"invalid_option":      {"en": "Not one of the options (by value or label)", "zh-CN": "不是可选项（按值或名称）"},
	"lookup_not_found":    {"en": "No record of that name or id", "zh-CN": "找不到该名称或编号的记录"},
	"lookup_ambiguous":    {"en": "Several records have that name; use the id", "zh-CN": "有多条同名记录，请使用编号"},
	"user_not_found":      {"en": "No user with that email, name or id", "zh-CN": "找不到该邮箱、姓名或编号的用户"},
	"key_missing":         {"en": "The key column is empty", "zh-CN": "主键列为空"},
	"key_ambiguous":       {"en": "Several records have this key", "zh-CN": "有多条记录使用该主键"},
	"duplicate_ambiguous": {"en": "The row matches several existing records", "zh-CN": "该行与多条已有记录重复"},
	"row_failed":          {"en": "The row could not be imported", "zh-CN": "该行无法导入"},
}

func cellMessage(code, locale string) string {
	if l, ok := cellMessages[code]; ok {
		return l.In(locale)
	}
	return errorText(code, locale)
}

// cellError is what is wrong with one cell, or with the row when Column is empty.
type cellError struct {
	Column string `json:"column,omitempty"`
	Field  string `json:"field,omitempty"`
	Code   string `json:"code"`
	// Message per locale: the report speaks its reader's language, not only the importer's.
	Message forms.Label `json:"message"`
}

// converter turns cells into input values for one import run; it remembers the lookups it
// resolved, as a sheet names the same account on many rows.
type converter struct {
	mu      sync.Mutex // the caches: a batch's rows are converted on several workers
	e       *Engine
	by      *Actor
	def     *definition
	loc     *time.Location
	lookups map[string]lookupAnswer // target + "\x00" + text
	users   map[string]lookupAnswer
	titles  map[string]string // target -> its title field
}

type lookupAnswer struct {
	id   string
	code string // "" when found
}

func (e *Engine) newConverter(by *Actor, def *definition) *converter {
	return &converter{e: e, by: by, def: def, loc: location(by.Timezone),
		lookups: map[string]lookupAnswer{}, users: map[string]lookupAnswer{}, titles: map[string]string{}}
}

// value converts the cell text s for field f. ok is false with the code of the cell error.
func (c *converter) value(ctx context.Context, f *forms.Field, s string) (v any, code string, err error) {
	switch f.Type {
	case forms.TypeInteger, forms.TypeNumber, forms.TypePercent:
		n, ok := numberCell(s, f.Type == forms.TypePercent)
		if !ok {
			return nil, "invalid_number", nil
		}
		return n, "", nil
	case forms.TypeCurrency:
		n, ok := numberCell(s, false)
		if !ok {
			return nil, "invalid_number", nil
		}
		return string(n), "", nil // as text: the pipeline keeps it exact to the minor unit
	case forms.TypeBoolean:
		b, ok := booleanCell(s)
		if !ok {
			return nil, "invalid_boolean", nil
		}
		return b, "", nil
	case forms.TypeDate:
		t, ok := dateCell(s, c.loc)
		if !ok {
			return nil, "invalid_date", nil
		}
		return t.Format("2006-01-02"), "", nil
	case forms.TypeDatetime:
		t, ok := dateCell(s, c.loc)
		if !ok {
			return nil, "invalid_datetime", nil
		}
		return t.UTC().Format(time.RFC3339Nano), "", nil
	case forms.TypePicklist:
		o, ok := optionCell(f, s)
		if !ok {
			return nil, "invalid_option", nil
		}
		return o, "", nil
	case forms.TypeMultipicklist:
		var out []any
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '；' || r == '，' }) {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			o, ok := optionCell(f, part)
			if !ok {
				return nil, "invalid_option", nil
			}
			out = append(out, o)
		}
		return out, "", nil
	case forms.TypeLookup:
		a, err := c.lookup(ctx, f.Target, s)
		return a.id, a.code, err
	case forms.TypeUser:
		a, err := c.user(ctx, s)
		return a.id, a.code, err
	}
	return s, "", nil
}

var numberJunk = strings.NewReplacer(",", "", "，", "", " ", "", "\u00a0", "", "¥", "", "￥", "", "$", "", "€", "", "£", "", "元", "")

var plainNumber = regexp.MustCompile(`^-?(\d+\.?\d*|\.\d+)$`)

// numberCell reads a number as people write it: "1,234.50", "¥ 1,000", "(12)" for a negative,
// "45%" for a percent field. It answers the digits as a json.Number, never a float, so money stays
// exact. An Excel cell holding 0.1+0.2 style noise ("0.30000000000000004") is cut to 15
// significant digits, as Excel shows it.
func numberCell(s string, percent bool) (json.Number, bool) {
	s = numberJunk.Replace(strings.TrimSpace(s))
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = "-" + s[1:len(s)-1]
	}
	if percent {
		s = strings.TrimSuffix(s, "%")
	}
	s = strings.TrimPrefix(s, "+")
	if plainNumber.MatchString(s) {
		return json.Number(s), true
	}
	f, err := strconv.ParseFloat(s, 64) // 1.5E+3, as Excel writes big or small numbers
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), true
}

func booleanCell(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "是", "真", "对", "x", "✓":
		return true, true
	case "false", "no", "n", "0", "否", "假", "错":
		return false, true
	}
	return false, false
}

// dateLayouts are the text forms of dates and times accepted, tried in order. Day-first forms
// ("31/03/2026") are left out: "03/04/2026" would be ambiguous.
var dateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	"2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2", "2006.1.2", "2006年1月2日", "2006年1月2日 15:04",
	"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006", "Jan 2, 2006", "2 Jan 2006", "January 2, 2006",
}

// dateCell reads an Excel serial (days since 1899-12-30, with the day's fraction) or a date in
// one of dateLayouts, in loc where the text names no offset.
func dateCell(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f <= 0 || f > 2958465 { // 9999-12-31
			return time.Time{}, false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return time.Time{}, false
		}
		// A serial is wall-clock time in the sheet: the user's zone.
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), true
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// optionCell finds the option a cell names: by value, else by a label in any language, ignoring
// letter case.
func optionCell(f *forms.Field, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, o := range f.Options {
		if o.Value == s {
			return o.Value, true
		}
	}
	for _, o := range f.Options {
		if strings.EqualFold(o.Value, s) {
			return o.Value, true
		}
		for _, l := range o.Label {
			if strings.EqualFold(strings.TrimSpace(l), s) {
				return o.Value, true
			}
		}
	}
	return "", false
}

// titleNames are the fields that name a record, in order, before the first text field (the UI's
// rule in builder-ui/src/app/meta.ts).
var titleNames = []string{"name", "subject", "company", "title"}

func titleOf(obj *forms.Object) string {
	for _, n := range titleNames {
		if obj.Field(n) != nil {
			return n
		}
	}
	for _, f := range obj.Fields {
		if f.Type == forms.TypeText {
			return f.Name
		}
	}
	return ""
}

// nameOf is a record's name as people say it, as the UI's recordTitle says it: contacts by first
// and last name, else the title field's value; nil when it has none.
func nameOf(obj *forms.Object, rec Record) any {
	if obj.Field("last_name") != nil {
		var parts []string
		for _, f := range []string{"first_name", "last_name"} {
			if s, _ := rec[f].(string); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " ")
		}
	}
	if t := titleOf(obj); t != "" {
		return rec[t]
	}
	return nil
}

// lookup resolves a lookup cell: a record id the importer can see, else the one record whose
// title is the text. Both go through the list query, so a record the importer cannot see is as
// good as missing.
func (c *converter) lookup(ctx context.Context, target, s string) (lookupAnswer, error) {
	key := target + "\x00" + s
	c.mu.Lock()
	a, ok := c.lookups[key]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	a, err := c.findLookup(ctx, target, s)
	if err == nil {
		c.mu.Lock()
		c.lookups[key] = a
		c.mu.Unlock()
	}
	return a, err
}

func (c *converter) findLookup(ctx context.Context, target, s string) (lookupAnswer, error) {
	if idPattern.MatchString(s) {
		if _, err := c.e.GetRecord(ctx, c.by, target, s); err == nil {
			return lookupAnswer{id: s}, nil
		} else if !isNotFound(err) && !isForbidden(err) {
			return lookupAnswer{}, err
		}
	}
	c.mu.Lock()
	title, ok := c.titles[target]
	c.mu.Unlock()
	if !ok {
		def, err := c.e.current(ctx, target)
		if err != nil {
			return lookupAnswer{}, err
		}
		title = titleOf(def.obj)
		c.mu.Lock()
		c.titles[target] = title
		c.mu.Unlock()
	}
	if title == "" {
		return lookupAnswer{code: "lookup_not_found"}, nil
	}
	p, err := c.e.ListRecords(ctx, c.by, target, ListParams{Filter: title + " = " + quoteFilter(s), Limit: 2})
	if isForbidden(err) {
		return lookupAnswer{code: "lookup_not_found"}, nil
	}
	if err != nil {
		return lookupAnswer{}, err
	}
	switch len(p.Items) {
	case 0:
		return lookupAnswer{code: "lookup_not_found"}, nil
	case 1:
		id, _ := p.Items[0]["id"].(string)
		return lookupAnswer{id: id}, nil
	}
	return lookupAnswer{code: "lookup_ambiguous"}, nil
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// user resolves a user cell by id, email or name (active users only).
func (c *converter) user(ctx context.Context, s string) (lookupAnswer, error) {
	c.mu.Lock()
	a, ok := c.users[s]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	dir, err := c.e.directory(ctx)
	if err != nil {
		return lookupAnswer{}, err
	}
	a = lookupAnswer{code: "user_not_found"}
	if u := dir.users[s]; u != nil && u.Active {
		a = lookupAnswer{id: s}
	} else {
		var found []string
		for id, u := range dir.users {
			if u.Active && (strings.EqualFold(u.Email, s) || strings.EqualFold(u.Name, s)) {
				found = append(found, id)
			}
		}
		switch len(found) {
		case 1:
			a = lookupAnswer{id: found[0]}
		case 0:
		default:
			a = lookupAnswer{code: "lookup_ambiguous"}
		}
	}
	c.mu.Lock()
	c.users[s] = a
	c.mu.Unlock()
	return a, nil
}

// quoteFilter writes s as a string literal of the filter language.
func quoteFilter(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func isForbidden(err error) bool {
	ee, ok := AsError(err)
	return ok && ee.Kind == KindForbidden
}
