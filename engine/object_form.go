package engine

import (
	"context"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// Form returns what a generated form needs for an object, in one locale, as the actor may use it:
// hidden fields are absent, locked ones and those only a process sets read-only.
func (e *Engine) Form(ctx context.Context, by *Actor, object, locale, layout string) (forms.Form, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return forms.Form{}, err
	}
	if !g.perm.Read {
		return forms.Form{}, ErrForbidden
	}
	c, err := e.controlled(ctx, object)
	if err != nil {
		return forms.Form{}, err
	}
	f := def.compiled.Form(locale, layout).Restricted(g.hidden, withControlled(g.locked, c))
	// A condition's text would name what the user may not see; evaluate answers its state.
	for i, ff := range f.Fields {
		v, r, ro := def.rules.Conditions(ff.Name)
		if v.ReadsAny(g.hidden) {
			f.Fields[i].VisibleWhen = ""
		}
		if r.ReadsAny(g.hidden) {
			f.Fields[i].RequiredWhen = ""
		}
		if ro.ReadsAny(g.hidden) {
			f.Fields[i].ReadOnlyWhen = ""
		}
	}
	return f, nil
}

// FormState is what a form shows for a draft: per field visible, required and read-only, the
// values after defaults and formulas, and every error the write would answer.
type FormState struct {
	Fields map[string]rules.FieldState `json:"fields"`
	Values map[string]any              `json:"values"`
	Errors []forms.FieldError          `json:"errors"`
}

// EvaluateForm runs the write path on a draft without writing: values are a new record's, or
// with id the changes to that record, exactly as a create or a PATCH would take them, except
// that nothing hidden from the actor is run for the answer (see rules.Draft.DryRun).
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
	values, _, ownerErrs, err := e.takeOwner(ctx, def.obj, values, by.ID, locale)
	if err != nil {
		return FormState{}, err
	}
	rc, err := e.userContext(ctx, by, def, lookupValues(values, old))
	if err != nil {
		return FormState{}, err
	}
	out := def.rules.Write(rules.Draft{Input: values, Old: old, Context: rc, Locale: locale, Locked: g.locked, Hidden: hiddenWithRefs(g), DryRun: true})
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
	c, err := e.controlled(ctx, object)
	if err != nil {
		return FormState{}, err
	}
	for f := range c {
		if s, ok := out.Fields[f]; ok {
			s.ReadOnly = true
			out.Fields[f] = s
		}
	}
	st := FormState{Fields: out.Fields, Values: g.strip(out.Values), Errors: []forms.FieldError{}}
	errs = append(append(c.Check(def.obj, values, old, locale), ownerErrs...), errs...)
	for _, fe := range errs {
		if g.hidden[fe.Field] {
			// Refusing the input is told (without the name); any other error there would
			// depend on the hidden value.
			if fe.Code != rules.CodeReadOnly {
				continue
			}
			fe.Field = ""
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
