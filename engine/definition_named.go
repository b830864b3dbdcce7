package engine

import (
	"context"
	"errors"

	"crm/engine/store"
	"crm/forms"
)

// namedKind is a collection of definitions (calendars, SLA policies, automations, ...): where
// they are stored, and the code and label that name the kind in error codes, messages and audit
// actions. The kinds are listed in definition_kinds.go; the helpers below serve those stored one
// document per name, its id the name, its version kept by the store.
type namedKind struct {
	coll  string
	code  string // automation: automation_not_found, automation_exists, automation_saved
	label string // "SLA policy"
}

// namedKinds lists every kind: their codes (<code>_not_found, <code>_exists) are made at run
// time, so the catalog of error messages is checked against this list.
var namedKinds = []namedKind{calendarsKind, slaPoliciesKind, automationsKind, dashboardsKind, reportsKind, duplicateRulesKind, webFormsKind, emailTemplatesKind}

// audited is the audit action of a change to one: audited("saved") is "automation_saved".
func (k namedKind) audited(change string) string { return k.code + "_" + change }

func (k namedKind) notFound(name string) error {
	return errorf(KindNotFound, k.code+"_not_found", "no %s named %q", k.label, name)
}

// findNamed reads every definition of a kind, of one object when object is not empty. D is the
// stored form with its version (e.g. CalendarDef).
func findNamed[D any](ctx context.Context, e *Engine, k namedKind, object string) ([]*D, error) {
	var f store.Filter
	if object != "" {
		f = store.Compare{Field: "object", Op: store.Eq, Value: object, Scalar: true}
	}
	docs, err := e.store.Find(ctx, k.coll, store.Query{Filter: f})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*D, 0, len(docs))
	for _, d := range docs {
		var def D
		if err := decodeDoc(k.coll, d, &def); err != nil {
			return nil, err
		}
		out = append(out, &def)
	}
	return out, nil
}

// getNamed reads one definition of a kind.
func getNamed[D any](ctx context.Context, e *Engine, k namedKind, name string) (*D, error) {
	d, err := e.store.Get(ctx, k.coll, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, k.notFound(name)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var def D
	if err := decodeDoc(k.coll, d, &def); err != nil {
		return nil, err
	}
	return &def, nil
}

// saveNamed stores a definition under its name: a new one (create) or a new version of the
// stored one (ifMatch, when not 0, must be its version). Returns the stored version.
func (e *Engine) saveNamed(ctx context.Context, k namedKind, name string, v any, create bool, ifMatch int64) (int64, error) {
	if !forms.NamePattern.MatchString(name) {
		return 0, InvalidDefinition([]forms.Problem{{Pointer: "/name", Code: "invalid_name", Message: "a name starts with a lower-case letter and holds only a-z, 0-9 and _"}})
	}
	doc, err := structToDoc(v)
	if err != nil {
		return 0, err
	}
	doc["id"] = name
	if create {
		err := e.store.Insert(ctx, k.coll, doc)
		if errors.Is(err, store.ErrDuplicateID) {
			return 0, errorf(KindConflict, k.code+"_exists", "there is already a %s named %q", k.label, name)
		}
		return 1, storeErr(err)
	}
	old, err := e.store.Get(ctx, k.coll, name)
	if errors.Is(err, store.ErrNotFound) {
		return 0, k.notFound(name)
	}
	if err != nil {
		return 0, storeErr(err)
	}
	version, err := docVersion(k.coll, old)
	if err != nil {
		return 0, err
	}
	if ifMatch != 0 && ifMatch != version {
		return 0, storeErr(store.ErrVersionConflict)
	}
	if err := e.store.Replace(ctx, k.coll, doc, version); err != nil {
		return 0, storeErr(err)
	}
	return version + 1, nil
}

func (e *Engine) deleteNamed(ctx context.Context, k namedKind, name string) error {
	err := e.store.Delete(ctx, k.coll, name, 0)
	if errors.Is(err, store.ErrNotFound) {
		return k.notFound(name)
	}
	return storeErr(err)
}
