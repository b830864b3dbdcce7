package engine

import (
	"context"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// Form returns what a generated form needs for an object, in one locale.
func (e *Engine) Form(ctx context.Context, by *Actor, object, locale, layout string) (forms.Form, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return forms.Form{}, err
	}
	return def.compiled.Form(locale, layout), nil
}

// FormState is what a form shows for a draft: per field visible, required and read-only, the
// values after defaults and formulas, and every error the write would answer.
type FormState struct {
	Fields map[string]rules.FieldState `json:"fields"`
	Values map[string]any              `json:"values"`
	Errors []forms.FieldError          `json:"errors"`
}

// EvaluateForm runs the write path on a draft without writing: values are a new record's, or
// with id the changes to that record, exactly as a create or a PATCH would take them.
func (e *Engine) EvaluateForm(ctx context.Context, by *Actor, object, id string, values map[string]any, locale string) (FormState, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return FormState{}, err
	}
	if err := checkKeys(values); err != nil {
		return FormState{}, err
	}
	var old store.Doc
	if id != "" {
		if old, err = e.getDoc(ctx, object, id); err != nil {
			return FormState{}, err
		}
	}
	out := def.rules.Write(rules.Draft{Input: values, Old: old, Context: e.ruleContext(by), Locale: locale})
	errs := out.Errors
	if len(errs) == 0 {
		if errs, err = e.checkLookups(ctx, def.obj, old, out.Stored, locale); err != nil {
			return FormState{}, err
		}
	}
	if errs == nil {
		errs = []forms.FieldError{}
	}
	return FormState{Fields: out.Fields, Values: out.Values, Errors: errs}, nil
}
