package engine

import (
	"context"
	"errors"
	"strings"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// Record is a record as clients see it: field values in wire form plus the system fields.
type Record = map[string]any

// systemFields are set by the engine on every record and may not be changed by clients.
var systemFields = []string{"id", "version", "owner", "created_at", "created_by", "updated_at", "updated_by"}

func isSystemField(k string) bool {
	for _, s := range systemFields {
		if s == k {
			return true
		}
	}
	return false
}

// CreateRecord runs the write pipeline for a new record: key check, then the rules' decision
// (read-only fields, defaults, formulas, schema, conditions, validation rules), lookups,
// autonumbers, persist.
func (e *Engine) CreateRecord(ctx context.Context, by *Actor, object string, input map[string]any, locale string) (Record, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return nil, err
	}
	if err := checkKeys(input); err != nil {
		return nil, err
	}
	out := def.rules.Write(rules.Draft{Input: input, Context: e.ruleContext(by), Locale: locale})
	errs := out.Errors
	stored := out.Stored
	if len(errs) == 0 {
		lerrs, err := e.checkLookups(ctx, def.obj, nil, stored, locale)
		if err != nil {
			return nil, err
		}
		errs = lerrs
	}
	if len(errs) > 0 {
		return nil, validationFailed(errs, locale)
	}
	for _, f := range def.obj.Fields {
		if f.Type == "autonumber" {
			n, err := e.store.NextSequence(ctx, "autonumber."+object+"."+f.Name)
			if err != nil {
				return nil, storeErr(err)
			}
			stored[f.Name] = f.Autonumber(n)
		}
	}
	now := e.stamp()
	stored["id"] = newID()
	stored["owner"] = by.ID
	stored["created_at"], stored["created_by"] = now, by.ID
	stored["updated_at"], stored["updated_by"] = now, by.ID
	if err := e.store.Insert(ctx, recordsColl(object), stored); err != nil {
		return nil, storeErr(err)
	}
	stored["version"] = int64(1)
	return wire(def, stored), nil
}

// GetRecord reads one record.
func (e *Engine) GetRecord(ctx context.Context, by *Actor, object, id string) (Record, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return nil, err
	}
	doc, err := e.getDoc(ctx, object, id)
	if err != nil {
		return nil, err
	}
	return wire(def, doc), nil
}

// UpdateRecord merges a partial update into the stored record and validates the whole result.
// ifMatch (0: none) is the version the client last read; a stale one answers version_conflict.
// Without ifMatch, a concurrent change is merged by retrying on the fresh record.
func (e *Engine) UpdateRecord(ctx context.Context, by *Actor, object, id string, patch map[string]any, ifMatch int64, locale string) (Record, error) {
	if err := checkKeys(patch); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		rec, err := e.updateOnce(ctx, by, object, id, patch, ifMatch, locale)
		var ee *Error
		if ifMatch == 0 && attempt < 5 && errors.As(err, &ee) && ee.Code == "version_conflict" {
			continue
		}
		return rec, err
	}
}

func (e *Engine) updateOnce(ctx context.Context, by *Actor, object, id string, patch map[string]any, ifMatch int64, locale string) (Record, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return nil, err
	}
	old, err := e.getDoc(ctx, object, id)
	if err != nil {
		return nil, err
	}
	version, _ := old["version"].(int64)
	if ifMatch != 0 && ifMatch != version {
		return nil, storeErr(store.ErrVersionConflict)
	}
	out := def.rules.Write(rules.Draft{Input: patch, Old: old, Context: e.ruleContext(by), Locale: locale})
	errs := out.Errors
	stored := out.Stored
	if len(errs) == 0 {
		lerrs, err := e.checkLookups(ctx, def.obj, old, stored, locale)
		if err != nil {
			return nil, err
		}
		errs = lerrs
	}
	if len(errs) > 0 {
		return nil, validationFailed(errs, locale)
	}
	for _, k := range systemFields {
		if v, ok := old[k]; ok {
			stored[k] = v
		}
	}
	stored["updated_at"], stored["updated_by"] = e.stamp(), by.ID
	if err := e.store.Replace(ctx, recordsColl(object), stored, version); err != nil {
		return nil, storeErr(err)
	}
	stored["version"] = version + 1
	return wire(def, stored), nil
}

// DeleteRecord removes a record; ifMatch (0: any) guards against deleting a changed record.
func (e *Engine) DeleteRecord(ctx context.Context, by *Actor, object, id string, ifMatch int64) error {
	if _, err := e.current(ctx, object); err != nil {
		return err
	}
	err := e.store.Delete(ctx, recordsColl(object), id, ifMatch)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(KindNotFound, "record_not_found", "no %s record %q", object, id)
	}
	return storeErr(err)
}

func (e *Engine) getDoc(ctx context.Context, object, id string) (store.Doc, error) {
	doc, err := e.store.Get(ctx, recordsColl(object), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "record_not_found", "no %s record %q", object, id)
	}
	return doc, storeErr(err)
}

// wire is a stored document as clients see it.
func wire(def *definition, doc store.Doc) Record {
	out := def.compiled.Output(doc)
	for _, k := range systemFields {
		if v, ok := doc[k]; ok {
			out[k] = v
		}
	}
	return out
}

// checkKeys refuses keys that could mean something to a database: "$" prefixes, dots and NUL,
// at any depth. Such a request changes nothing.
func checkKeys(m map[string]any) error {
	for k, v := range m {
		if k == "" || strings.HasPrefix(k, "$") || strings.ContainsAny(k, ".\x00") {
			return errorf(KindInvalid, "invalid_key", "field name %q is not allowed", k)
		}
		if err := checkNested(v); err != nil {
			return err
		}
	}
	return nil
}

func checkNested(v any) error {
	switch v := v.(type) {
	case map[string]any:
		return checkKeys(v)
	case []any:
		for _, x := range v {
			if err := checkNested(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLookups verifies that every lookup and user value names an existing record or user. Only
// values that changed are checked on update.
func (e *Engine) checkLookups(ctx context.Context, obj *forms.Object, old, stored store.Doc, locale string) ([]forms.FieldError, error) {
	var errs []forms.FieldError
	for _, f := range obj.Fields {
		if f.Type != "lookup" && f.Type != "user" {
			continue
		}
		id, ok := stored[f.Name].(string)
		if !ok || (old != nil && old[f.Name] == id) {
			continue
		}
		coll, code := collUsers, "user_not_found"
		if f.Type == "lookup" {
			coll, code = recordsColl(f.Target), "lookup_not_found"
		}
		_, err := e.store.Get(ctx, coll, id)
		if errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fieldError(f.Name, code, locale))
			continue
		}
		if err != nil {
			return nil, storeErr(err)
		}
	}
	return errs, nil
}

// messages are the engine's own field error texts, per locale.
var messages = map[string]forms.Label{
	"lookup_not_found": {"en": "The linked record does not exist", "zh-CN": "关联的记录不存在"},
	"user_not_found":   {"en": "No such user", "zh-CN": "用户不存在"},
}

func fieldError(field, code, locale string) forms.FieldError {
	return forms.FieldError{Field: field, Code: code, Message: messages[code].In(locale)}
}

// ruleContext is what expressions read of this write besides the record: the clock and the user.
func (e *Engine) ruleContext(by *Actor) rules.Context {
	return rules.Context{Now: e.now(), User: rules.User{ID: by.ID, Email: by.Email, Name: by.Name, Roles: by.Roles}}
}
