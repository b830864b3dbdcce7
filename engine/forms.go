package engine

import (
	"context"

	"crm/forms"
)

// Form returns what a generated form needs for an object, in one locale.
func (e *Engine) Form(ctx context.Context, by *Actor, object, locale, layout string) (forms.Form, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return forms.Form{}, err
	}
	return def.compiled.Form(locale, layout), nil
}
