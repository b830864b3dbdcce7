package engine

import (
	"context"

	"crm/forms"
	"crm/rules"
)

// FormPreview is the generated form of a draft definition and its state for sample values.
type FormPreview struct {
	Form  forms.Form `json:"form"`
	State FormState  `json:"state"`
}

// PreviewForm builds the form of a definition the builder has not saved and runs the rules of a
// create on sample values, without storing anything, so the analyst sees conditions, formulas and
// validation rules work while editing. Lookups and autonumbers need stored records and are left
// out. A definition with problems answers them as a save would (pointers, line, column).
func (e *Engine) PreviewForm(ctx context.Context, by *Actor, obj *forms.Object, values map[string]any, locale string) (FormPreview, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return FormPreview{}, err
	}
	if err := checkKeys(values); err != nil {
		return FormPreview{}, err
	}
	// Lookup targets are not looked up: the preview does not read other objects.
	// Every problem at once, as a save answers: the expressions are checked also when a field is
	// broken.
	problems := obj.Check(nil)
	_, exprProblems := rules.Compile(obj, nil)
	if problems = append(problems, exprProblems...); len(problems) > 0 {
		return FormPreview{}, InvalidDefinition(problems)
	}
	c, err := forms.Compile(obj)
	if err != nil {
		return FormPreview{}, err
	}
	rs, problems := rules.Compile(obj, c)
	if len(problems) > 0 {
		return FormPreview{}, InvalidDefinition(problems)
	}
	out := rs.Write(rules.Draft{Input: values, Context: e.ruleContext(by), Locale: locale})
	st := FormState{Fields: out.Fields, Values: out.Values, Errors: out.Errors}
	if st.Errors == nil {
		st.Errors = []forms.FieldError{}
	}
	return FormPreview{Form: c.Form(locale, ""), State: st}, nil
}
