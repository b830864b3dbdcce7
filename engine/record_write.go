package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

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

// CreateRecord runs the write pipeline for a new record: permission, key check, fields only a
// process sets (see checkControlled), owner, then the
// rules' decision (read-only and locked fields, defaults, formulas, schema, conditions, validation
// rules), lookups the actor can see, autonumbers, persist, audit.
func (e *Engine) CreateRecord(ctx context.Context, by *Actor, object string, input map[string]any, locale string) (Record, error) {
	return e.createRecord(ctx, by, object, input, locale, "", "")
}

// createRecord is CreateRecord with a given id (automations derive ids so that a re-run creates
// nothing twice; a taken id answers record_exists) and a default owner ("": the actor).
func (e *Engine) createRecord(ctx context.Context, by *Actor, object string, input map[string]any, locale, id, defaultOwner string) (Record, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Create {
		return nil, ErrForbidden
	}
	if err := checkKeys(input); err != nil {
		return nil, err
	}
	if err := e.checkControlled(ctx, by, def, input, nil, locale); err != nil {
		return nil, err
	}
	_, ownerGiven := input["owner"]
	// Records that arrive without an owner (from a form, an import, a web-to-lead call) go
	// through the object's assignment rules; an owner named by the caller stays.
	assign := defaultOwner == "" && !ownerGiven
	if defaultOwner == "" {
		defaultOwner = by.ID
	}
	input, owner, ownerErrs, err := e.takeOwner(ctx, def.obj, input, defaultOwner, locale)
	if err != nil {
		return nil, err
	}
	rc, err := e.userContext(ctx, by, def, input)
	if err != nil {
		return nil, err
	}
	if rc.OwnerCounts, err = e.ownerCounts(ctx, def, owner, ""); err != nil {
		return nil, err
	}
	if rc.OwnerUser, err = e.ownerUser(ctx, def, rc.User, owner); err != nil {
		return nil, err
	}
	out := def.rules.Write(rules.Draft{Input: input, Context: rc, Locale: locale, Locked: g.locked, Hidden: g.hidden, Automated: by == SystemActor, Owner: owner})
	errs, err := e.afterRules(ctx, by, def, nil, out, locale)
	if err != nil {
		return nil, err
	}
	errs = append(ownerErrs, errs...)
	if len(errs) > 0 {
		return nil, validationFailed(errs, locale)
	}
	stored := out.Stored
	dups, err := e.checkDuplicates(ctx, by, object, nil, id, stored, locale)
	if err != nil {
		return nil, err
	}
	for _, f := range def.obj.Fields {
		if f.Type == forms.TypeAutonumber {
			n, err := e.store.NextSequence(ctx, "autonumber."+object+"."+f.Name)
			if err != nil {
				return nil, storeErr(err)
			}
			stored[f.Name] = f.Autonumber(n)
		}
	}
	if id == "" {
		id = newID()
	}
	var trace store.Doc
	if assign {
		if owner, trace, err = e.assignOnCreate(ctx, def, id, stored, owner); err != nil {
			return nil, err
		}
	}
	now := e.stamp()
	stored["id"] = id
	stored["owner"] = owner
	stored["created_at"], stored["created_by"] = now, by.ID
	stored["updated_at"], stored["updated_by"] = now, by.ID
	if err := e.measure(ctx, def, nil, stored); err != nil {
		return nil, err
	}
	if err := e.putDuplicateKeys(ctx, object, stored); err != nil {
		return nil, err
	}
	logStages(def, nil, stored, now)
	ev, err := e.beginEvent(ctx, object, id, "created", nil, stored)
	if err != nil {
		return nil, err
	}
	markEvent(stored, nil, ev.id)
	stored["version"] = int64(1)
	marks, err := e.rollupMarks(ctx, ev, object, nil, stored)
	if err != nil {
		return nil, err
	}
	rec := wire(def, stored)
	var logs []store.WriteOp
	if trace != nil { // in the record's commit: one fsync less per assigned create
		logs = append(logs, store.WriteOp{Kind: store.OpInsert, Coll: collRuns, Doc: assignmentLog(derivedID("assign:create:"+id), trace)})
	}
	err = e.commitWrite(ctx, ev, marks, store.WriteOp{Kind: store.OpInsert, Coll: recordsColl(object), Doc: stored},
		e.auditDoc(ctx, by, auditEntry{Action: "record_created", Object: object, Record: id, Changes: diff(nil, rec)}), logs...)
	if errors.Is(err, store.ErrDuplicateID) {
		return nil, errorf(KindConflict, "record_exists", "a %s record %q exists", object, id)
	}
	if err != nil {
		return nil, recordWriteErr(err, locale)
	}
	if e.crashAfterWrite != nil {
		e.crashAfterWrite()
	}
	e.afterEvent(ctx, ev)
	answer := g.strip(rec)
	if trace != nil && owner != by.ID && by != SystemActor {
		if answer[AssignmentKey], err = e.assignmentNote(ctx, def, g, id, owner, trace, locale); err != nil {
			return nil, err
		}
	}
	if dups.Any() {
		answer[DuplicatesKey] = dups
	}
	return answer, nil
}

// AssignmentKey is the key of a create's answer telling where assignment rules sent the record
// (no field can be named so: names start with a letter).
const AssignmentKey = "_assignment"

// assignmentNote tells the creator of a record that assignment rules gave to someone else who
// has it now, by which rule, and whether the creator can still read it. The creator keeps no
// access of their own: like Salesforce's assignment rules, a routed record is its new owner's, and
// the creator sees it only as their role, team and sharing rules allow.
func (e *Engine) assignmentNote(ctx context.Context, def *definition, g *grant, id, owner string, trace store.Doc, locale string) (map[string]any, error) {
	note := map[string]any{"owner": owner, "readable": true}
	if dir, err := e.directory(ctx); err == nil {
		if u := dir.users[owner]; u != nil {
			note["owner_name"] = u.Name
			if u.Name == "" {
				note["owner_name"] = u.Email
			}
		}
	}
	if rule, _ := trace["rule"].(string); rule != "" {
		note["rule"] = rule
		if c, err := e.rulesFor(ctx, def.obj.Name); err == nil && c != nil {
			for _, r := range c.Rules {
				if r.Name == rule && r.Label.In(locale) != "" {
					note["rule_label"] = r.Label.In(locale) // the name analysts gave it, in the user's language
				}
			}
		}
	}
	if reason, _ := trace["reason"].(string); reason != "" {
		note["reason"] = reason
	}
	if g.read != nil {
		_, err := e.visibleDoc(ctx, def, g, id)
		switch {
		case isNotFound(err):
			note["readable"] = false
		case err != nil:
			return nil, err
		}
	}
	return note, nil
}

// GetRecord reads one record the actor may see.
func (e *Engine) GetRecord(ctx context.Context, by *Actor, object, id string) (Record, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	doc, err := e.visibleDoc(ctx, def, g, id)
	if err != nil {
		return nil, e.goneIfMerged(ctx, def, g, id, err)
	}
	return g.strip(wire(def, doc)), nil
}

// UpdateRecord merges a partial update into the stored record and validates the whole result.
// ifMatch (0: none) is the version the client last read; a stale one answers version_conflict.
// Without ifMatch, a concurrent change is merged by retrying on the fresh record.
func (e *Engine) UpdateRecord(ctx context.Context, by *Actor, object, id string, patch map[string]any, ifMatch int64, locale string) (Record, error) {
	return e.updateRecord(ctx, by, object, id, patch, ifMatch, locale, nil)
}

// updateRecord is UpdateRecord with roll-up values the engine folded (rules.Draft.Rollups).
func (e *Engine) updateRecord(ctx context.Context, by *Actor, object, id string, patch map[string]any, ifMatch int64, locale string, rollups map[string]any) (Record, error) {
	if err := checkKeys(patch); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		rec, err := e.updateOnce(ctx, by, object, id, patch, ifMatch, locale, rollups)
		if ifMatch == 0 && attempt < 5 && isVersionConflict(err) {
			continue
		}
		return rec, err
	}
}

func isVersionConflict(err error) bool {
	var ee *Error
	return errors.As(err, &ee) && ee.Code == "version_conflict"
}

func (e *Engine) updateOnce(ctx context.Context, by *Actor, object, id string, patch map[string]any, ifMatch int64, locale string, rollups map[string]any) (Record, error) {
	ctx, effect := takeEffect(ctx)
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit {
		return nil, ErrForbidden
	}
	old, err := e.writableDoc(ctx, def, g, id)
	if err != nil {
		return nil, err
	}
	if err := e.checkLock(ctx, by, object, id); err != nil {
		return nil, err
	}
	version, err := docVersion(recordsColl(object), old)
	if err != nil {
		return nil, err
	}
	if ifMatch != 0 && ifMatch != version {
		return nil, storeErr(store.ErrVersionConflict)
	}
	if effect != "" && effectApplied(old, effect) {
		return nil, errEffectApplied
	}
	stored, dups, err := e.planUpdate(ctx, by, def, g, old, version, patch, locale, rollups, true)
	if err != nil {
		return nil, err
	}
	keepEffects(old, stored, effect)
	answer, err := e.commitUpdate(ctx, by, def, g, old, stored, version, auditEntry{Action: "record_updated"}, locale)
	if err != nil {
		return nil, err
	}
	if dups.Any() {
		answer[DuplicatesKey] = dups
	}
	return answer, nil
}

// commitUpdate stores a planned update of old (stored, replacing version) with its event, roll-up
// marks and audit entry (audit's action and reason; its object, record and changes are filled
// here), then runs what the event sets off. The answer is the record as the grant shows it.
func (e *Engine) commitUpdate(ctx context.Context, by *Actor, def *definition, g *grant, old, stored store.Doc, version int64, audit auditEntry, locale string) (Record, error) {
	object, id := def.obj.Name, old["id"].(string)
	ev, err := e.beginEvent(ctx, object, id, "updated", old, stored)
	if err != nil {
		return nil, err
	}
	if err := e.settleEvents(ctx, markEvent(stored, old, ev.id)); err != nil {
		return nil, err
	}
	marks, err := e.rollupMarks(ctx, ev, object, old, stored)
	if err != nil {
		return nil, err
	}
	rec := wire(def, stored)
	delete(stored, "version")
	audit.Object, audit.Record, audit.Changes = object, id, diff(wire(def, old), rec)
	err = e.commitWrite(ctx, ev, marks, store.WriteOp{Kind: store.OpReplace, Coll: recordsColl(object), Doc: stored, Expect: version},
		e.auditDoc(ctx, by, audit))
	if err != nil {
		return nil, recordWriteErr(err, locale)
	}
	e.afterEvent(ctx, ev)
	return g.strip(rec), nil
}

// planUpdate is the pipeline's decision on a patch of a stored record at version: the document
// to store at the next version (with the system fields) and the duplicates it matches (checked
// when dupCheck), or the refusal. Nothing is written.
func (e *Engine) planUpdate(ctx context.Context, by *Actor, def *definition, g *grant, old store.Doc, version int64, patch map[string]any, locale string, rollups map[string]any, dupCheck bool) (store.Doc, *Duplicates, error) {
	object, id := def.obj.Name, old["id"].(string)
	if err := e.checkControlled(ctx, by, def, patch, old, locale); err != nil {
		return nil, nil, err
	}
	oldOwner, _ := old["owner"].(string)
	patch, owner, ownerErrs, err := e.takeOwner(ctx, def.obj, patch, oldOwner, locale)
	if err != nil {
		return nil, nil, err
	}
	rc, err := e.userContext(ctx, by, def, lookupValues(patch, old))
	if err != nil {
		return nil, nil, err
	}
	if rc.OwnerCounts, err = e.ownerCounts(ctx, def, owner, id); err != nil {
		return nil, nil, err
	}
	if rc.OwnerUser, err = e.ownerUser(ctx, def, rc.User, owner); err != nil {
		return nil, nil, err
	}
	out := def.rules.Write(rules.Draft{Input: patch, Old: old, Context: rc, Locale: locale, Locked: g.locked, Hidden: g.hidden, Automated: by == SystemActor, Rollups: rollups, Owner: owner})
	errs, err := e.afterRules(ctx, by, def, old, out, locale)
	if err != nil {
		return nil, nil, err
	}
	errs = append(ownerErrs, errs...)
	if len(errs) > 0 {
		return nil, nil, validationFailed(errs, locale)
	}
	stored := out.Stored
	var dups *Duplicates
	if dupCheck {
		if dups, err = e.checkDuplicates(ctx, by, object, old, id, stored, locale); err != nil {
			return nil, nil, err
		}
	}
	for _, k := range systemFields {
		if v, ok := old[k]; ok {
			stored[k] = v
		}
	}
	stored["owner"] = owner
	stored["updated_at"], stored["updated_by"] = e.stamp(), by.ID
	if err := e.measure(ctx, def, old, stored); err != nil {
		return nil, nil, err
	}
	if err := e.putDuplicateKeys(ctx, object, stored); err != nil {
		return nil, nil, err
	}
	logStages(def, old, stored, stored["updated_at"].(string))
	keepEffects(old, stored, "")
	keepPool(old, stored)
	stored["version"] = version + 1
	return stored, dups, nil
}

// DeleteRecord removes a record; ifMatch (0: any) guards against deleting a changed record.
func (e *Engine) DeleteRecord(ctx context.Context, by *Actor, object, id string, ifMatch int64) error {
	for attempt := 0; ; attempt++ {
		err := e.deleteOnce(ctx, by, object, id, ifMatch)
		if ifMatch == 0 && attempt < 5 && isVersionConflict(err) {
			continue
		}
		return err
	}
}

func (e *Engine) deleteOnce(ctx context.Context, by *Actor, object, id string, ifMatch int64) error {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return err
	}
	if !g.perm.Delete {
		return ErrForbidden
	}
	old, err := e.writableDoc(ctx, def, g, id)
	if err != nil {
		return err
	}
	if err := e.checkLock(ctx, by, object, id); err != nil {
		return err
	}
	// Deleted only as read: what was checked (the lock, the access) still holds.
	version, err := docVersion(recordsColl(object), old)
	if err != nil {
		return err
	}
	if ifMatch != 0 && ifMatch != version {
		return storeErr(store.ErrVersionConflict)
	}
	ev, err := e.beginEvent(ctx, object, id, "deleted", old, nil)
	if err != nil {
		return err
	}
	ids, _ := old[recordEventKey].([]any)
	if err := e.settleEvents(ctx, ids); err != nil {
		return err
	}
	marks, err := e.rollupMarks(ctx, ev, object, old, nil)
	if err != nil {
		return err
	}
	err = e.commitWrite(ctx, ev, marks, store.WriteOp{Kind: store.OpDelete, Coll: recordsColl(object), ID: id, Expect: version},
		e.auditDoc(ctx, by, auditEntry{Action: "record_deleted", Object: object, Record: id, Changes: diff(wire(def, old), nil)}))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(KindNotFound, "record_not_found", "no %s record %q", object, id)
	}
	if err != nil {
		return storeErr(err)
	}
	e.afterEvent(ctx, ev)
	return nil
}

// writableDoc reads a record the actor may change: 404 when they cannot see it, 403 when they
// see it but may not change it.
func (e *Engine) writableDoc(ctx context.Context, def *definition, g *grant, id string) (store.Doc, error) {
	doc, err := e.visibleDoc(ctx, def, g, id)
	if err != nil {
		return nil, e.goneIfMerged(ctx, def, g, id, err)
	}
	ok, err := e.editable(ctx, def, g, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(KindForbidden, "forbidden", "you may see this record but not change it")
	}
	return doc, nil
}

// afterRules completes the rules' errors with the lookups the actor may link to (checked only
// when everything else is right, as lookups cost reads).
func (e *Engine) afterRules(ctx context.Context, by *Actor, def *definition, old store.Doc, out rules.Outcome, locale string) ([]forms.FieldError, error) {
	if len(out.Errors) > 0 {
		var over []forms.FieldError
		for _, fe := range out.Errors {
			if fe.Code == rules.CodeBudget {
				over = append(over, fe)
			}
		}
		if len(over) > 0 {
			return nil, expressionBudget(over, locale)
		}
	}
	// Links are checked beside every other error, so that a form hears of all problems at once:
	// with errors there is no stored form, and the draft's links without an error of their own
	// are checked instead (an id reads the same in both forms).
	links := store.Doc(out.Stored)
	if len(out.Errors) > 0 {
		links = store.Doc{}
		for _, f := range def.obj.Fields {
			if (f.Type == forms.TypeLookup || f.Type == forms.TypeUser) && !slices.ContainsFunc(out.Errors, func(fe forms.FieldError) bool { return fe.Field == f.Name }) {
				links[f.Name] = out.Values[f.Name]
			}
		}
	}
	linkErrs, err := e.checkLookups(ctx, by, def.obj, old, links, locale)
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(out.Errors), linkErrs...), nil
}

// takeOwner separates the owner from the input: the current owner unless the input names another
// active user or a pool of obj. Returns the input without "owner".
func (e *Engine) takeOwner(ctx context.Context, obj *forms.Object, input map[string]any, current, locale string) (map[string]any, string, []forms.FieldError, error) {
	v, given := input["owner"]
	if !given {
		return input, current, nil, nil
	}
	rest := make(map[string]any, len(input))
	for k, x := range input {
		if k != "owner" {
			rest[k] = x
		}
	}
	id, _ := v.(string)
	if id == current {
		return rest, current, nil, nil
	}
	if obj.PoolOf(id) != nil {
		return rest, id, nil, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	if u := dir.users[id]; u == nil || !u.Active {
		return rest, current, []forms.FieldError{fieldError("owner", "owner_inactive", locale)}, nil
	}
	return rest, id, nil, nil
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
	for _, k := range slaFields {
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
func (e *Engine) checkLookups(ctx context.Context, by *Actor, obj *forms.Object, old, stored store.Doc, locale string) ([]forms.FieldError, error) {
	var errs []forms.FieldError
	for _, f := range obj.Fields {
		if f.Type != forms.TypeLookup && f.Type != forms.TypeUser {
			continue
		}
		id, ok := stored[f.Name].(string)
		if !ok || (old != nil && old[f.Name] == id) {
			continue
		}
		var err error
		code := "user_not_found"
		if f.Type == forms.TypeUser {
			_, err = e.store.Get(ctx, collUsers, id)
			if errors.Is(err, store.ErrNotFound) {
				err = errorf(KindNotFound, "user_not_found", "no user %q", id)
			} else {
				err = storeErr(err)
			}
		} else {
			// A record the actor cannot see is as good as missing: linking to it would reveal it.
			code = "lookup_not_found"
			var def *definition
			var g *grant
			def, g, err = e.access(ctx, by, f.Target)
			if err == nil {
				_, err = e.visibleDoc(ctx, def, g, id)
			}
		}
		if isNotFound(err) {
			errs = append(errs, fieldError(f.Name, code, locale))
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	return errs, nil
}

// messages are the engine's own field error texts, per locale.
var messages = map[string]forms.Label{
	"lookup_not_found": {"en": "The linked record does not exist", "zh-CN": "关联的记录不存在"},
	"user_not_found":   {"en": "No such user", "zh-CN": "用户不存在"},
	"owner_inactive":   {"en": "The owner must be an active user", "zh-CN": "负责人必须是有效用户"},
	"unique":           {"en": "already used by another record", "zh-CN": "已被其他记录使用"},
}

// recordWriteErr is storeErr for a record write: a duplicate value names its field in the
// writer's language.
func recordWriteErr(err error, locale string) error {
	err = storeErr(err)
	if ee, ok := AsError(err); ok && ee.Code == "duplicate_value" {
		for i, fe := range ee.Fields {
			ee.Fields[i] = fieldError(fe.Field, fe.Code, locale)
		}
	}
	return err
}

func fieldError(field, code, locale string) forms.FieldError {
	return forms.FieldError{Field: field, Code: code, Message: messages[code].In(locale)}
}

// ruleContext is what expressions read of this write besides the record: the clock and the user.
func (e *Engine) ruleContext(by *Actor) rules.Context {
	loc := location(by.Timezone)
	team := ""
	if len(by.Teams) > 0 {
		team = by.Teams[0]
	}
	return rules.Context{Now: e.now(), Location: loc,
		User: rules.User{ID: by.ID, Email: by.Email, Name: by.Name, Roles: by.Roles, Team: team, Teams: by.Teams}}
}

var locations sync.Map // time zone name -> *time.Location: loading parses the zone database

// location is the named time zone, UTC when empty or unknown.
func location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	locations.Store(name, l)
	return l
}
