package rules

import (
	"fmt"
	"reflect"
	"slices"

	"crm/forms"
)

// Draft is one write to decide on.
type Draft struct {
	Input   map[string]any // what the client sent, in wire form; on update only what changes
	Old     map[string]any // the stored record before the write (system fields too); nil on create
	Context Context
	Locale  string
	Locked  map[string]bool // fields this user may not change (field-level security)
	// Automated marks the engine's own writes (automations, escalations, approval ends): fields
	// read-only to users (read_only, read_only_when) are theirs to set, which is how such fields
	// get values. Computed fields stay computed.
	Automated bool
	// Hidden are the fields this user may not see (field-level security). Naming one in the input
	// is refused whatever the value: letting an unchanged value through would tell the stored one.
	Hidden map[string]bool
	// DryRun marks a draft whose outcome is told to the user, not written (the form's evaluate):
	// conditions and validation rules that read a Hidden field are not run, so the answer does not
	// depend on what the user may not see. A field then has its state without that condition
	// (visible, as a failing condition shows it). A real write runs and enforces them all.
	DryRun bool
	// Rollups are roll-up values the engine folded from the children (Rollup.Fold), wire form:
	// a roll-up changes only this way. On create every roll-up starts over no children.
	Rollups map[string]any
	// Owner is the owner the write leaves when the engine changes it (a claim, a transfer): the
	// expressions' owner, so that changed("owner") and owner counts see the new one. Empty: as
	// stored (or, on create, as the engine sets it afterwards).
	Owner string
}

// FieldState is how a form shows a field for a draft.
type FieldState struct {
	Visible  bool `json:"visible"`
	Required bool `json:"required"`
	ReadOnly bool `json:"read_only"`
}

// Outcome is what the write path decided.
type Outcome struct {
	Stored map[string]any        // field values to persist, stored form; nil when there are errors
	Values map[string]any        // the draft after defaults and formulas, wire form
	Fields map[string]FieldState // per field: visible, required, read-only
	Errors []forms.FieldError    // every error of the write, each at its field
}

// Field error codes of the write path, beside forms' codes.
const (
	CodeReadOnly       = "read_only"
	CodeNotVisible     = "not_visible"
	CodeValidationRule = "validation_rule"
	CodeRuleFailed     = "rule_failed"
	CodeFormulaFailed  = "formula_failed"
	CodeDefaultFailed  = "default_failed"
	// CodeBudget is an expression stopped by its budget (see OverBudget): the definition, not the
	// input, is at fault, and the engine refuses the whole write with this code.
	CodeBudget = "expression_budget"
)

var messages = map[string]forms.Label{
	CodeReadOnly:       {"en": "This field cannot be changed", "zh-CN": "此字段不可修改"},
	CodeNotVisible:     {"en": "This field does not apply to this record (it is hidden by its condition)", "zh-CN": "此字段不适用于该记录（按条件隐藏）"},
	forms.CodeRequired: {"en": "Required", "zh-CN": "必填"},
	CodeValidationRule: {"en": "Rule %s is not met", "zh-CN": "不满足规则 %s"},
	CodeRuleFailed:     {"en": "Rule %s could not be checked: %s", "zh-CN": "无法检查规则 %s：%s"},
	CodeFormulaFailed:  {"en": "The formula could not be computed: %s", "zh-CN": "无法计算公式：%s"},
	CodeDefaultFailed:  {"en": "The default value could not be computed: %s", "zh-CN": "无法计算默认值：%s"},
	CodeBudget:         {"en": "The expression of this field could not be evaluated: %s", "zh-CN": "无法计算此字段的表达式（计算量过大）：%s"},
}

// failed is the error of an expression that could not be evaluated: code with args and the
// error, or CodeBudget when its budget stopped it.
func failed(field, code, locale string, err error, args ...any) forms.FieldError {
	if OverBudget(err) {
		return fieldError(field, CodeBudget, locale, err.Error())
	}
	return fieldError(field, code, locale, append(args, err.Error())...)
}

func fieldError(field, code, locale string, args ...any) forms.FieldError {
	msg := messages[code].In(locale)
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return forms.FieldError{Field: field, Code: code, Message: msg}
}

// Write decides a record write, in the order the product promises: defaults (create only), then
// formulas, then the JSON Schema, then required_when, then read_only_when, then validation rules.
// Every error comes back at once. The engine then checks lookups, numbers autonumbers and
// persists; the evaluate endpoint shows the same outcome to a form as the user types.
func (s *Set) Write(d Draft) Outcome {
	obj := s.Object
	create := d.Old == nil
	var errs []forms.FieldError

	values := map[string]any{}
	if !create {
		values = s.Compiled.Output(d.Old)
	}
	for k, v := range d.Input {
		if !isSystem(k) {
			values[k] = v
		}
	}
	errs = append(errs, s.staticReadOnly(d)...)
	for _, f := range obj.Fields {
		if f.Type != forms.TypeRollup {
			continue
		}
		if v, ok := d.Rollups[f.Name]; ok {
			values[f.Name] = v
		} else if create {
			values[f.Name] = EmptyRollup(f)
		}
	}

	typed := make(map[string]any, len(obj.Fields)+len(forms.SystemFields))
	for _, k := range forms.SystemFields {
		if d.Old != nil {
			typed[k] = d.Old[k]
		}
	}
	if d.Owner != "" {
		typed["owner"] = d.Owner
	}
	for _, f := range obj.Fields {
		typed[f.Name] = bestEffort(f, values[f.Name])
	}
	scope := s.Env.Scope(typed, d.Old, d.Context)
	set := func(f *forms.Field, wire any) {
		values[f.Name] = wire
		typed[f.Name] = bestEffort(f, wire)
		scope.vars[f.Name] = exprValue(f, typed[f.Name])
	}

	if create {
		for _, f := range obj.Fields {
			if f.Default != nil && blank(values[f.Name]) {
				set(f, f.Default)
			}
		}
		for _, fp := range s.defaults {
			if !blank(values[fp.field.Name]) {
				continue
			}
			v, err := fp.prog.Run(scope)
			if err == nil {
				v, err = wireValue(fp.field, v)
			}
			switch {
			case err == nil:
				set(fp.field, v)
			case !Empty(err):
				errs = append(errs, failed(fp.field.Name, CodeDefaultFailed, d.Locale, err))
			}
		}
	}

	for _, fp := range s.formulas {
		v, err := fp.prog.Run(scope)
		if err == nil {
			v, err = wireValue(fp.field, v)
		}
		switch {
		case err == nil:
			set(fp.field, v)
		case Empty(err):
			set(fp.field, nil)
		default:
			set(fp.field, nil)
			errs = append(errs, failed(fp.field.Name, CodeFormulaFailed, d.Locale, err))
		}
	}

	stored, schemaErrs := s.Compiled.Validate(values, d.Locale)

	states := make(map[string]FieldState, len(obj.Fields))
	var oldScope Scope
	if !create {
		oldScope = s.Env.Scope(d.Old, d.Old, d.Context)
	}
	var condErrs []forms.FieldError
	run := func(p *Program) bool { return p != nil && !(d.DryRun && p.ReadsAny(d.Hidden)) }
	for _, f := range obj.Fields {
		st := FieldState{Visible: true, Required: f.Required, ReadOnly: f.ReadOnly || computed(f) || d.Locked[f.Name]}
		if p := s.visible[f.Name]; run(p) {
			ok, err := p.Holds(scope)
			st.Visible = ok || err != nil // a failing condition shows the field rather than hide data
			if OverBudget(err) {
				condErrs = append(condErrs, failed(f.Name, CodeRuleFailed, d.Locale, err))
			}
		}
		if p := s.required[f.Name]; run(p) {
			ok, err := p.Holds(scope)
			if err != nil {
				condErrs = append(condErrs, failed(f.Name, CodeRuleFailed, d.Locale, err, "required_when"))
			}
			st.Required = st.Required || ok
		}
		if !st.Visible {
			st.Required = false // a hidden field cannot be filled in
			// Nor given a value, by anyone: the form does not show it. A value stored while the
			// field applied stays until changed; sending it back unchanged, or empty, is fine.
			if sent, given := d.Input[f.Name]; given && !blank(sent) && changes(f, sent, d.Old) {
				condErrs = append(condErrs, fieldError(f.Name, CodeNotVisible, d.Locale))
			}
		}
		if st.Required && typed[f.Name] == nil && !hasError(schemaErrs, f.Name) && !f.Required {
			condErrs = append(condErrs, fieldError(f.Name, forms.CodeRequired, d.Locale))
		}
		if p := s.readOnly[f.Name]; run(p) {
			sc := scope
			if !create {
				sc = oldScope // read-only as the record was when the user began editing
			}
			ok, err := p.Holds(sc)
			if err != nil {
				condErrs = append(condErrs, failed(f.Name, CodeRuleFailed, d.Locale, err, "read_only_when"))
			}
			if ok {
				st.ReadOnly = true
				if sent, given := d.Input[f.Name]; given && !d.Automated && changes(f, sent, d.Old) {
					condErrs = append(condErrs, fieldError(f.Name, CodeReadOnly, d.Locale))
				}
			}
		}
		states[f.Name] = st
	}
	// forms requires statically required fields; hidden ones are exempt.
	for _, e := range schemaErrs {
		if e.Code == forms.CodeRequired && !states[e.Field].Visible {
			continue
		}
		errs = append(errs, e)
	}
	errs = append(errs, condErrs...)

	for _, rp := range s.rules {
		if !run(rp.prog) {
			continue
		}
		ok, err := rp.prog.Holds(scope)
		switch {
		case err != nil:
			e := failed(rp.rule.Field, CodeRuleFailed, d.Locale, err, rp.rule.Name)
			e.Rule = rp.rule.Name
			errs = append(errs, e)
		case ok:
			e := forms.FieldError{Field: rp.rule.Field, Code: CodeValidationRule, Rule: rp.rule.Name, Message: rp.rule.Message.In(d.Locale)}
			if e.Message == "" {
				e.Message = fmt.Sprintf(messages[CodeValidationRule].In(d.Locale), rp.rule.Name)
			}
			errs = append(errs, e)
		}
	}

	out := Outcome{Values: values, Fields: states, Errors: errs}
	if len(errs) == 0 {
		out.Stored = stored
	}
	return out
}

// staticReadOnly refuses changes to system fields, read-only fields, formulas and autonumbers.
// Sending such a field back unchanged (a form posting every input) is fine; so is sending it
// empty on create.
func (s *Set) staticReadOnly(d Draft) []forms.FieldError {
	var errs []forms.FieldError
	for _, k := range sortedKeys(d.Input) {
		v := d.Input[k]
		if isSystem(k) {
			if d.Old == nil || fmt.Sprint(d.Old[k]) != fmt.Sprint(v) {
				errs = append(errs, fieldError(k, CodeReadOnly, d.Locale))
			}
			continue
		}
		f := s.Object.Field(k)
		if f != nil && (d.Hidden[k] || ((f.ReadOnly && !d.Automated) || computed(f) || d.Locked[k]) && changes(f, v, d.Old)) {
			errs = append(errs, fieldError(k, CodeReadOnly, d.Locale))
		}
	}
	return errs
}

// changes tells whether sending v for f would change the stored record (old nil: create).
func changes(f *forms.Field, v any, old map[string]any) bool {
	var was any
	if old != nil {
		was = old[f.Name]
	}
	if blank(v) {
		return was != nil
	}
	now, err := f.StoreValue(v)
	return err != nil || !reflect.DeepEqual(now, was)
}

// bestEffort is a wire value's stored form, or nil when it is empty or not valid (the schema
// reports that); conditions and formulas then read it as empty.
func bestEffort(f *forms.Field, v any) any {
	if blank(v) {
		return nil
	}
	s, err := f.StoreValue(v)
	if err != nil {
		return nil
	}
	return s
}

func blank(v any) bool { return v == nil || v == "" }

func computed(f *forms.Field) bool {
	return f.Computed()
}

func isSystem(k string) bool {
	for _, s := range forms.SystemFields {
		if s == k {
			return true
		}
	}
	return false
}

func hasError(errs []forms.FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
