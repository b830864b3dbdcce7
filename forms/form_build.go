package forms

import (
	"encoding/json"
	"strings"
)

// Form is what a generated form needs, in one locale: the fields with their texts already chosen,
// the sections of the layout, and the JSON Schema for validation in the browser.
type Form struct {
	Object   string         `json:"object"`
	Label    string         `json:"label"`
	Layout   string         `json:"layout,omitempty"` // the layout used; empty when the object has none
	Fields   []FormField    `json:"fields"`           // every field, in definition order
	Sections []FormSection  `json:"sections"`
	Schema   map[string]any `json:"schema"`
}

// FormField describes one input of a form.
type FormField struct {
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	ResultType string       `json:"result_type,omitempty"` // formula
	Label      string       `json:"label"`
	Help       string       `json:"help,omitempty"`
	Required   bool         `json:"required,omitempty"`
	ReadOnly   bool         `json:"read_only,omitempty"` // read_only option, formula, autonumber
	Options    []FormOption `json:"options,omitempty"`
	Target     string       `json:"target,omitempty"`
	Currency   string       `json:"currency,omitempty"`
	Min        *json.Number `json:"min,omitempty"`
	Max        *json.Number `json:"max,omitempty"`
	MinLength  *int         `json:"min_length,omitempty"`
	MaxLength  *int         `json:"max_length,omitempty"`
	Scale      *int         `json:"scale,omitempty"`   // digits after the point: number and percent scale, currency minor units
	Default    any          `json:"default,omitempty"` // in wire form

	// Conditions, for showing which inputs depend on others; POST /api/forms/{object}/evaluate
	// gives their state for a draft.
	VisibleWhen  string `json:"visible_when,omitempty"`
	RequiredWhen string `json:"required_when,omitempty"`
	ReadOnlyWhen string `json:"read_only_when,omitempty"`
	Formula      string `json:"formula,omitempty"`
}

// FormOption is one choice of a picklist or multipicklist.
type FormOption struct {
	Value  string `json:"value"`
	Label  string `json:"label"`
	Color  string `json:"color,omitempty"`
	Closed bool   `json:"closed,omitempty"` // an end of the process: moving there is confirmed
}

// FormSection is one titled group of fields, laid out in Columns columns.
type FormSection struct {
	Label   string   `json:"label,omitempty"`
	Columns int      `json:"columns"`
	Fields  []string `json:"fields"`
}

// Form builds the form descriptor in one locale. layout is the named layout, or the first one when
// it is empty or unknown; an object without layouts gets one section of all its fields in two
// columns. Labels fall back like Label.In, then to the name made readable ("close_date" ->
// "Close date"), so no input is ever unlabelled.
func (c *Compiled) Form(locale, layout string) Form {
	o := c.Object
	form := Form{
		Object: o.Name,
		Label:  textOr(o.Label.In(locale), o.Name),
		Fields: make([]FormField, len(o.Fields)),
		Schema: c.Schema(),
	}
	for i, f := range o.Fields {
		form.Fields[i] = c.formField(i, f, locale)
	}
	if len(o.Layouts) == 0 {
		names := make([]string, len(o.Fields))
		for i, f := range o.Fields {
			names[i] = f.Name
		}
		form.Sections = []FormSection{{Columns: 2, Fields: names}}
		return form
	}
	l := o.Layouts[0]
	for _, cand := range o.Layouts {
		if cand.Name == layout {
			l = cand
			break
		}
	}
	form.Layout = l.Name
	form.Sections = make([]FormSection, len(l.Sections))
	for i, s := range l.Sections {
		cols := s.Columns
		if cols == 0 {
			cols = 1
		}
		form.Sections[i] = FormSection{Label: s.Label.In(locale), Columns: cols, Fields: append([]string{}, s.Fields...)}
	}
	return form
}

func (c *Compiled) formField(i int, f *Field, locale string) FormField {
	ff := FormField{
		Name:      f.Name,
		Type:      f.Type,
		Label:     textOr(f.Label.In(locale), f.Name),
		Help:      f.Help.In(locale),
		Required:  f.Required,
		ReadOnly:  readOnly(f),
		Target:    f.Target,
		Currency:  f.Currency,
		Min:       f.Min,
		Max:       f.Max,
		MinLength: f.MinLength,
		MaxLength: f.MaxLength,
	}
	kind := f.Type
	if f.Type == TypeFormula || f.Type == TypeRollup {
		ff.ResultType = f.ResultType
		kind = f.ResultType
	}
	switch kind {
	case TypeNumber, TypePercent:
		scale := scaleOf(f)
		ff.Scale = &scale
	case TypeCurrency:
		digits := minorDigits(f.Currency)
		ff.Scale = &digits
	}
	for _, opt := range f.Options {
		label := opt.Label.In(locale)
		if label == "" {
			label = opt.Value // values are often words already ("won"); shown as they are
		}
		ff.Options = append(ff.Options, FormOption{Value: opt.Value, Label: label, Color: opt.Color, Closed: opt.Closed})
	}
	if f.Default != nil {
		if v, is := c.types[i].store(f, f.Default); is == nil {
			ff.Default = c.types[i].wire(f, v)
		}
	}
	ff.VisibleWhen, ff.RequiredWhen, ff.ReadOnlyWhen, ff.Formula = f.VisibleWhen, f.RequiredWhen, f.ReadOnlyWhen, f.Expression
	return ff
}

// textOr is text, or name made readable when there is no text.
func textOr(text, name string) string {
	if text != "" {
		return text
	}
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Restricted is the form as one user may use it: hidden fields absent (from the inputs, the
// sections and the schema), locked fields read-only.
func (f Form) Restricted(hidden, locked map[string]bool) Form {
	if len(hidden) == 0 && len(locked) == 0 {
		return f
	}
	out := f
	out.Fields = nil
	for _, ff := range f.Fields {
		if hidden[ff.Name] {
			continue
		}
		if locked[ff.Name] {
			ff.ReadOnly = true
		}
		out.Fields = append(out.Fields, ff)
	}
	out.Sections = nil
	for _, s := range f.Sections {
		c := s
		c.Fields = nil
		for _, name := range s.Fields {
			if !hidden[name] {
				c.Fields = append(c.Fields, name)
			}
		}
		out.Sections = append(out.Sections, c)
	}
	schema := make(map[string]any, len(f.Schema))
	for k, v := range f.Schema {
		schema[k] = v
	}
	if props, ok := f.Schema["properties"].(map[string]any); ok {
		p := make(map[string]any, len(props))
		for k, v := range props {
			if !hidden[k] {
				p[k] = v
			}
		}
		schema["properties"] = p
	}
	if req, ok := f.Schema["required"].([]any); ok {
		r := []any{}
		for _, k := range req {
			if name, _ := k.(string); !hidden[name] {
				r = append(r, k)
			}
		}
		schema["required"] = r
	}
	out.Schema = schema
	return out
}
