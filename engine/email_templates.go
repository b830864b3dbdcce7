package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Email templates live in meta_email_templates (id: the name). Analysts and admins define them;
// they are checked against their object when saved (every merge field must name a value), and
// filled for a record when an email is queued (so the outbox holds what was sent, whatever the
// record becomes).
const collEmailTemplates = "meta_email_templates"

var emailTemplatesKind = namedKind{coll: collEmailTemplates, code: "email_template", label: "email template"}

// EmailTemplateDef is an email template as stored and shown.
type EmailTemplateDef struct {
	workflow.EmailTemplate
	Version int64 `json:"version"`
}

// ListEmailTemplates returns every email template, of one object when object is not empty.
func (e *Engine) ListEmailTemplates(ctx context.Context, by *Actor, object string) ([]*EmailTemplateDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	return findNamed[EmailTemplateDef](ctx, e, emailTemplatesKind, object)
}

// GetEmailTemplate returns one email template.
func (e *Engine) GetEmailTemplate(ctx context.Context, by *Actor, name string) (*EmailTemplateDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	return getNamed[EmailTemplateDef](ctx, e, emailTemplatesKind, name)
}

// objectsLookup answers the current definition of an object by name, nil when there is none;
// failed reports a read error other than not-found.
func (e *Engine) objectsLookup(ctx context.Context) (objects func(string) *forms.Object, failed func() error) {
	var lookupErr error
	return func(name string) *forms.Object {
			d, err := e.current(ctx, name)
			if err != nil {
				if !isNotFound(err) {
					lookupErr = err
				}
				return nil
			}
			return d.obj
		}, func() error {
			return lookupErr
		}
}

// SaveEmailTemplate creates (create) or replaces an email template after checking it against
// its object: a merge field that names no value is refused with its JSON pointer.
func (e *Engine) SaveEmailTemplate(ctx context.Context, by *Actor, t *workflow.EmailTemplate, create bool, ifMatch int64) (*EmailTemplateDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	objects, failed := e.objectsLookup(ctx)
	probs := workflow.CheckEmailTemplate(t, objects)
	if err := failed(); err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	version, err := e.saveNamed(ctx, emailTemplatesKind, t.Name, t, create, ifMatch)
	if err != nil {
		return nil, err
	}
	e.audit(ctx, by, auditEntry{Action: emailTemplatesKind.audited("saved"), Record: t.Name})
	return &EmailTemplateDef{EmailTemplate: *t, Version: version}, nil
}

// DeleteEmailTemplate removes an email template; actions naming it fail from then on, with the
// reason in their run log.
func (e *Engine) DeleteEmailTemplate(ctx context.Context, by *Actor, name string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	if err := e.deleteNamed(ctx, emailTemplatesKind, name); err != nil {
		return err
	}
	e.audit(ctx, by, auditEntry{Action: emailTemplatesKind.audited("deleted"), Record: name})
	return nil
}

// EmailPreview is a template filled for a record.
type EmailPreview struct {
	workflow.RenderedEmail
	Locale string `json:"locale"`
}

// PreviewEmailTemplate fills a template for a real record in a language. draft, when given, is
// previewed instead of the stored template (the builder previews what is being edited), after
// the same checks as a save.
func (e *Engine) PreviewEmailTemplate(ctx context.Context, by *Actor, name string, draft *workflow.EmailTemplate, record, locale string) (*EmailPreview, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	var t *workflow.EmailTemplate
	if draft != nil {
		objects, failed := e.objectsLookup(ctx)
		probs := workflow.CheckEmailTemplate(draft, objects)
		if err := failed(); err != nil {
			return nil, err
		}
		if len(probs) > 0 {
			return nil, InvalidDefinition(probs)
		}
		t = draft
	} else {
		d, err := getNamed[EmailTemplateDef](ctx, e, emailTemplatesKind, name)
		if err != nil {
			return nil, err
		}
		t = &d.EmailTemplate
	}
	if locale == "" {
		locale = by.Locale
	}
	if locale == "" || !forms.ValidLocale(locale) {
		locale = "en"
	}
	// The record is read as the caller reads it (GET /api/records/:object/:id): one they may not
	// see answers as a missing one, and the fields hidden from them render empty.
	def, g, err := e.access(ctx, by, t.Object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	doc, err := e.visibleDoc(ctx, def, g, record)
	if err != nil {
		return nil, err
	}
	r, _, err := e.renderTemplate(ctx, t, def, record, doc, locale, by)
	if err != nil {
		return nil, err
	}
	return &EmailPreview{RenderedEmail: r, Locale: locale}, nil
}

// renderTemplate fills a template for a record (doc as stored) in a language: values as the API
// shows them, people by name, a lookup's fields read from the record it names. reader, when not
// nil, is whom it is filled for: they read it as they read records, so a field hidden from their
// role (on the record or on a lookup's record) and a lookup's record they may not see render
// empty, as a missing value does. withheld names the merge fields of the template that were
// emptied for the reader ("" when none): readers with the same withheld fields get the same email.
func (e *Engine) renderTemplate(ctx context.Context, t *workflow.EmailTemplate, def *definition, record string, doc store.Doc, locale string, reader *Actor) (r workflow.RenderedEmail, withheld string, err error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return workflow.RenderedEmail{}, "", err
	}
	values := map[string]string{}
	blocked := map[string]bool{} // merge fields emptied for the reader; "lookup." for a whole lookup
	put := func(prefix string, d *definition, doc store.Doc, g *grant) {
		w := wire(d, doc)
		if g != nil {
			for f, h := range g.hidden {
				if h {
					blocked[prefix+f] = true
				}
			}
			w = g.strip(w)
		}
		for k, v := range w {
			f := d.obj.Field(k)
			isUser := (f != nil && f.Type == forms.TypeUser) || k == "owner" || k == "created_by" || k == "updated_by"
			values[prefix+k] = displayValue(v, isUser, dir, f, locale)
		}
	}
	var g *grant
	if reader != nil {
		if g, err = e.grantOn(ctx, reader, def); err != nil {
			return workflow.RenderedEmail{}, "", err
		}
	}
	put("", def, doc, g)
	for _, lf := range t.LookupPaths() {
		f := def.obj.Field(lf)
		id, _ := doc[lf].(string)
		if f == nil || id == "" {
			continue
		}
		if g != nil && g.hidden[lf] {
			blocked[lf+"."] = true // which record it names is hidden too
			continue
		}
		tdef, err := e.current(ctx, f.Target)
		if err != nil {
			continue
		}
		if reader == nil {
			tdoc, err := e.store.Get(ctx, recordsColl(f.Target), id)
			if err != nil {
				continue // a lookup to a deleted record shows empty values
			}
			put(lf+".", tdef, tdoc, nil)
			continue
		}
		tg, err := e.grantOn(ctx, reader, tdef)
		if err != nil {
			return workflow.RenderedEmail{}, "", err
		}
		if !tg.perm.Read {
			blocked[lf+"."] = true
			continue
		}
		tdoc, err := e.visibleDoc(ctx, tdef, tg, id)
		if isNotFound(err) {
			blocked[lf+"."] = true // deleted, or not theirs to see: told apart by no one
			continue
		}
		if err != nil {
			return workflow.RenderedEmail{}, "", err
		}
		put(lf+".", tdef, tdoc, tg)
	}
	s, _ := e.storedSMTP(ctx)
	if s != nil && s.AppURL != "" {
		values[workflow.RecordURLField] = s.AppURL + "/app/" + def.obj.Name + "/" + record
	}
	if len(blocked) > 0 {
		names := map[string]bool{}
		for _, l := range []forms.Label{t.Subject, t.HTML, t.Text} {
			for _, text := range l {
				paths, _ := workflow.MergeFields(text)
				for _, p := range paths {
					head, _, deep := strings.Cut(p, ".")
					if blocked[p] || (deep && blocked[head+"."]) {
						names[p] = true
					}
				}
			}
		}
		list := make([]string, 0, len(names))
		for p := range names {
			list = append(list, p)
		}
		sort.Strings(list)
		withheld = strings.Join(list, ",")
	}
	return t.Render(locale, func(path string) string { return values[path] }), withheld, nil
}

// displayValue is a value as an email shows it: a picklist by its label, a user by name.
func displayValue(v any, isUser bool, dir *directory, f *forms.Field, locale string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if isUser {
			if u := dir.users[x]; u != nil {
				if u.Name != "" {
					return u.Name
				}
				return u.Email
			}
		}
		if f != nil {
			for _, o := range f.Options {
				if o.Value == x && len(o.Label) > 0 {
					return o.Label.In(locale)
				}
			}
		}
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, y := range x {
			parts = append(parts, displayValue(y, isUser, dir, f, locale))
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(x)
	}
}
