package engine

import (
	"context"

	"crm/forms"
)

// Web forms live in meta_web_forms (id: the name, which is also the page's address /f/{name}).
// Analysts and admins define them; the public reads only what webform_public.go shows.
const collWebForms = "meta_web_forms"

var webFormsKind = namedKind{coll: collWebForms, code: "web_form", label: "web form"}

// WebFormDef is a web form as stored and shown.
type WebFormDef struct {
	forms.WebForm
	Version int64 `json:"version"`
}

// ListWebForms returns every web form, of one object when object is not empty.
func (e *Engine) ListWebForms(ctx context.Context, by *Actor, object string) ([]*WebFormDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	return findNamed[WebFormDef](ctx, e, webFormsKind, object)
}

// GetWebForm returns one web form.
func (e *Engine) GetWebForm(ctx context.Context, by *Actor, name string) (*WebFormDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	return getNamed[WebFormDef](ctx, e, webFormsKind, name)
}

// SaveWebForm creates (create) or replaces a web form after checking it against its object.
func (e *Engine) SaveWebForm(ctx context.Context, by *Actor, w *forms.WebForm, create bool, ifMatch int64) (*WebFormDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if w.Fields == nil {
		w.Fields = []forms.WebFormField{}
	}
	var obj *forms.Object
	if def, err := e.current(ctx, w.Object); err == nil {
		obj = def.obj
	}
	if probs := forms.CheckWebForm(w, obj); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	version, err := e.saveNamed(ctx, webFormsKind, w.Name, w, create, ifMatch)
	if err != nil {
		return nil, err
	}
	e.audit(ctx, by, auditEntry{Action: webFormsKind.audited("saved"), Record: w.Name})
	return &WebFormDef{WebForm: *w, Version: version}, nil
}

// DeleteWebForm removes a web form; its page answers 404 from then on.
func (e *Engine) DeleteWebForm(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	if err := e.deleteNamed(ctx, webFormsKind, name); err != nil {
		return err
	}
	e.audit(ctx, by, auditEntry{Action: webFormsKind.audited("deleted"), Record: name})
	return nil
}
