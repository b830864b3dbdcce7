package engine

import (
	"context"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// Form returns what a generated form needs for an object, in one locale, as the actor may use it:
// hidden fields are absent, locked ones read-only.
func (e *Engine) Form(ctx context.Context, by *Actor, object, locale, layout string) (forms.Form, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return forms.Form{}, err
	}
	if !g.perm.Read {
		return forms.Form{}, ErrForbidden
	}
	return def.compiled.Form(locale, layout).Restricted(g.hidden, g.locked), nil
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
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return FormState{}, err
	}
	if !g.perm.Read {
		return FormState{}, ErrForbidden
	}
	if err := checkKeys(values); err != nil {
		return FormState{}, err
	}
	var old store.Doc
	if id != "" {
		if old, err = e.visibleDoc(ctx, def, g, id); err != nil {
			return FormState{}, err
		}
	}
	values, _, ownerErr := e.takeOwner(ctx, values, by.ID, locale)
	if ownerErr != nil {
		return FormState{}, ownerErr
	}
	out := def.rules.Write(rules.Draft{Input: values, Old: old, Context: e.ruleContext(by), Locale: locale, Locked: g.locked})
	errs, err := e.afterRules(ctx, by, def, old, out, locale)
	if ee, ok := AsError(err); ok {
		for i, fe := range ee.Fields {
			if g.hidden[fe.Field] {
				ee.Fields[i].Field = "" // as below: a hidden field's name does not leak
			}
		}
	}
	if err != nil {
		return FormState{}, err
	}
	st := FormState{Fields: out.Fields, Values: g.strip(out.Values), Errors: []forms.FieldError{}}
	for _, fe := range errs {
		if g.hidden[fe.Field] {
			fe.Field = "" // the message stays; the hidden field's name does not leak
		}
		st.Errors = append(st.Errors, fe)
	}
	for f, h := range g.hidden {
		if h {
			delete(st.Fields, f)
		}
	}
	return st, nil
}
