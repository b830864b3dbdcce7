package forms

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Field is one typed field of an object. The wire shape is flat: the settings that apply to a type
// are plain members, and the type decides which of them it accepts (see fieldType.allows).
type Field struct {
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	Label      Label        `json:"label,omitempty"`
	Help       Label        `json:"help,omitempty"`
	Required   bool         `json:"required,omitempty"`
	Unique     bool         `json:"unique,omitempty"`
	Indexed    bool         `json:"indexed,omitempty"`
	Searchable bool         `json:"searchable,omitempty"` // found by the global search (see Object.SearchFields)
	ReadOnly   bool         `json:"read_only,omitempty"`
	Default    any          `json:"default,omitempty"`     // a literal value in the field's wire form
	Min        *json.Number `json:"min,omitempty"`         // number, integer, currency, percent
	Max        *json.Number `json:"max,omitempty"`         // number, integer, currency, percent
	MinLength  *int         `json:"min_length,omitempty"`  // text-like
	MaxLength  *int         `json:"max_length,omitempty"`  // text-like
	Pattern    string       `json:"pattern,omitempty"`     // text, textarea: RE2
	Scale      *int         `json:"scale,omitempty"`       // number, percent: digits after the point, default 2
	Currency   string       `json:"currency,omitempty"`    // currency: ISO 4217 code
	Options    []Option     `json:"options,omitempty"`     // picklist, multipicklist
	Target     string       `json:"target,omitempty"`      // lookup: target object name
	Prefix     string       `json:"prefix,omitempty"`      // autonumber, e.g. "L-"
	Digits     int          `json:"digits,omitempty"`      // autonumber zero padding, default 4
	ResultType string       `json:"result_type,omitempty"` // formula: the type of its value
	Expression string       `json:"expression,omitempty"`  // formula

	// Roll-up summary (see field_rollup.go): Function over the records of ChildObject whose
	// ChildLookup points at this record, of their field Summarize, those where Filter holds.
	ChildObject string `json:"child_object,omitempty"`
	ChildLookup string `json:"child_lookup,omitempty"`
	Function    string `json:"function,omitempty"`
	Summarize   string `json:"summarize,omitempty"`
	Filter      string `json:"filter,omitempty"`

	// Expressions over the record, compiled and type-checked by the rules package.
	DefaultExpression string `json:"default_expression,omitempty"` // the value of an empty field on create
	VisibleWhen       string `json:"visible_when,omitempty"`       // shown only while true
	RequiredWhen      string `json:"required_when,omitempty"`      // required while true (and visible)
	ReadOnlyWhen      string `json:"read_only_when,omitempty"`     // clients may not change it while true
}

// Option is one value of a picklist or multipicklist. Value is what is stored; Label is shown.
// Closed marks an end of the picklist's process (won, lost, done): the work area asks before a
// record is moved there. Only a picklist's options take it, since a record is in one stage.
type Option struct {
	Value  string `json:"value"`
	Label  Label  `json:"label,omitempty"`
	Color  string `json:"color,omitempty"` // "#rrggbb" or a palette name (see palette)
	Closed bool   `json:"closed,omitempty"`
}

// fieldType is what differs from one field type to another. Everything common (names, labels,
// required, null handling, titles, error mapping) is done once around it, so a type file only says
// what is particular to its values. Extra powers are optional interfaces (computedType).
type fieldType interface {
	// allows is the set of optional settings the type accepts; any other setting that is present
	// is reported as option_not_allowed. Generic checks of the values (min <= max, pattern
	// compiles, ...) run for every allowed setting.
	allows() option
	// check reports what is particular to the type in f's settings: missing required settings and
	// values the generic checks cannot judge. at is the JSON pointer of the field.
	check(f *Field, at string, r *report)
	// schema is the JSON Schema of a non-null value of f. The caller adds null, title,
	// description, default and readOnly.
	schema(f *Field) map[string]any
	// store converts a non-nil wire value to its stored form. It checks, without any schema
	// (StoreValue uses it alone), what the conversion depends on: the JSON type, dates and times,
	// option values, record id shape; and what a schema cannot check exactly: decimal scale,
	// currency minor units, int64 range. Email, URL and phone formats and the field's limits are
	// left to the schema.
	store(f *Field, v any) (any, *issue)
	// wire converts a non-nil stored value back to its wire form. It accepts what storage
	// backends give back (an int64 may come back as float64 or int32); a value it does not
	// recognise is returned unchanged rather than hidden.
	wire(f *Field, v any) any
}

// computedType is implemented by types whose values the engine computes (autonumber, formula):
// they are read-only in forms and in the schema.
type computedType interface {
	computed() bool
}

// limitChecker is implemented by types that check the field's limits on the stored value because
// the schema cannot check them exactly for every wire form (currency sent as a string).
type limitChecker interface {
	limits(f *Field, stored any) *issue
}

// types is the registry of field types, filled from each type file's init().
var types = map[string]fieldType{}

func register(name string, t fieldType) {
	if _, dup := types[name]; dup {
		panic("forms: field type registered twice: " + name)
	}
	types[name] = t
}

// Types lists the names of all field types, sorted.
func Types() []string {
	names := make([]string, 0, len(types))
	for name := range types {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// isComputed tells whether f's values are computed by the engine rather than entered.
func isComputed(f *Field) bool {
	c, ok := types[f.Type].(computedType)
	return ok && c.computed()
}

// Computed tells whether the engine computes f's values (autonumber, formula, rollup): nobody
// enters them, not even automations.
func (f *Field) Computed() bool { return isComputed(f) }

// ValueType is the type of the values f holds: a formula's or roll-up's result type, else its own.
func (f *Field) ValueType() string {
	if f.Type == TypeFormula || f.Type == TypeRollup {
		return f.ResultType
	}
	return f.Type
}

// readOnly tells whether users may not enter f: set read-only, or computed.
func readOnly(f *Field) bool {
	return f.ReadOnly || isComputed(f)
}

// StoreValue converts one wire value (json.Number, string, bool, []any for a multipicklist, nil)
// into f's stored form; the engine uses it for filter literals ("2026-01-01" for a date, "12.50"
// for currency -> int64 1250). nil stays nil. It checks what makes a value fit the type (JSON
// type, dates and times, option values, id shape, scale, int64 range) but neither the field's
// limits (lengths, min, max, pattern), since a filter may well compare with a value outside them,
// nor email, URL and phone formats, which only the schema checks.
func (f *Field) StoreValue(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	t, ok := types[f.Type]
	if !ok {
		return nil, fmt.Errorf("field %q has unknown type %q", f.Name, f.Type)
	}
	out, is := t.store(f, v)
	if is != nil {
		return nil, is
	}
	return out, nil
}

// option is a set of the optional field settings, as bits.
type option uint32

const (
	optRequired option = 1 << iota
	optUnique
	optIndexed
	optDefault
	optMin
	optMax
	optMinLength
	optMaxLength
	optPattern
	optScale
	optCurrency
	optOptions
	optTarget
	optPrefix
	optDigits
	optResultType
	optExpression
	optDefaultExpression
	optRequiredWhen
	optReadOnlyWhen
	optRollup // child_object, child_lookup, function, summarize, filter
	optSearchable
)

// Common setting sets shared by several types.
const (
	optEntered = optDefaultExpression | optRequiredWhen | optReadOnlyWhen       // a value users enter
	optStored  = optRequired | optUnique | optIndexed | optDefault | optEntered // a plain stored value
	optLengths = optMinLength | optMaxLength
	optRange   = optMin | optMax
)

// optionSpecs names every optional setting as it appears in JSON, with how to tell it is present.
// Label, help, read_only and visible_when apply to every type and are not listed.
var optionSpecs = []struct {
	bit  option
	name string
	set  func(f *Field) bool
}{
	{optRequired, "required", func(f *Field) bool { return f.Required }},
	{optUnique, "unique", func(f *Field) bool { return f.Unique }},
	{optIndexed, "indexed", func(f *Field) bool { return f.Indexed }},
	{optSearchable, "searchable", func(f *Field) bool { return f.Searchable }},
	{optDefault, "default", func(f *Field) bool { return f.Default != nil }},
	{optMin, "min", func(f *Field) bool { return f.Min != nil }},
	{optMax, "max", func(f *Field) bool { return f.Max != nil }},
	{optMinLength, "min_length", func(f *Field) bool { return f.MinLength != nil }},
	{optMaxLength, "max_length", func(f *Field) bool { return f.MaxLength != nil }},
	{optPattern, "pattern", func(f *Field) bool { return f.Pattern != "" }},
	{optScale, "scale", func(f *Field) bool { return f.Scale != nil }},
	{optCurrency, "currency", func(f *Field) bool { return f.Currency != "" }},
	{optOptions, "options", func(f *Field) bool { return f.Options != nil }},
	{optTarget, "target", func(f *Field) bool { return f.Target != "" }},
	{optPrefix, "prefix", func(f *Field) bool { return f.Prefix != "" }},
	{optDigits, "digits", func(f *Field) bool { return f.Digits != 0 }},
	{optResultType, "result_type", func(f *Field) bool { return f.ResultType != "" }},
	{optExpression, "expression", func(f *Field) bool { return f.Expression != "" }},
	{optDefaultExpression, "default_expression", func(f *Field) bool { return f.DefaultExpression != "" }},
	{optRequiredWhen, "required_when", func(f *Field) bool { return f.RequiredWhen != "" }},
	{optReadOnlyWhen, "read_only_when", func(f *Field) bool { return f.ReadOnlyWhen != "" }},
	{optRollup, "child_object", func(f *Field) bool { return f.ChildObject != "" }},
	{optRollup, "child_lookup", func(f *Field) bool { return f.ChildLookup != "" }},
	{optRollup, "function", func(f *Field) bool { return f.Function != "" }},
	{optRollup, "summarize", func(f *Field) bool { return f.Summarize != "" }},
	{optRollup, "filter", func(f *Field) bool { return f.Filter != "" }},
}
