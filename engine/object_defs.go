package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
	"crm/rules"
	"crm/workflow"
)

// ObjectDef is an object definition as stored: the definition plus its version and who changed it last.
type ObjectDef struct {
	*forms.Object
	Version   int64  `json:"version"`
	UpdatedAt string `json:"updated_at,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

// HistoryEntry is one change of a definition: who, when, what it was before and after.
type HistoryEntry struct {
	ID         string        `json:"id"`
	Object     string        `json:"object"`
	Action     string        `json:"action"` // created, updated, deleted
	Version    int64         `json:"version"`
	At         string        `json:"at"`
	By         string        `json:"by"`
	Definition *forms.Object `json:"definition,omitempty"`
	Previous   *forms.Object `json:"previous,omitempty"`
}

// Breakage is a definition change refused because stored records would no longer be valid.
type Breakage struct {
	Field   string   `json:"field"`
	Change  string   `json:"change"`
	Values  []string `json:"values,omitempty"`
	Records int64    `json:"records"`
}

// canDefine lets admins and holders of a role that may define (analysts) change definitions.
func (e *Engine) canDefine(ctx context.Context, a *Actor) error {
	if a.IsAdmin() {
		return nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return err
	}
	for _, r := range a.Roles {
		if dir.roles[r] != nil && dir.roles[r].Define {
			return nil
		}
	}
	return ErrForbidden
}

// ListObjects returns every object definition, by name.
func (e *Engine) ListObjects(ctx context.Context, by *Actor) ([]*ObjectDef, error) {
	docs, err := e.store.Find(ctx, collObjects, store.Query{})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*ObjectDef, 0, len(docs))
	for _, d := range docs {
		def, err := objectFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, def)
	}
	return out, nil
}

// GetObject returns one definition.
func (e *Engine) GetObject(ctx context.Context, by *Actor, name string) (*ObjectDef, error) {
	d, err := e.store.Get(ctx, collObjects, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "object_not_found", "no object named %q", name)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return objectFromDoc(d)
}

// CreateObject checks and saves a new definition, then creates its collection and indexes.
func (e *Engine) CreateObject(ctx context.Context, by *Actor, obj *forms.Object) (*ObjectDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if err := e.checkDefinition(ctx, obj); err != nil {
		return nil, err
	}
	if _, err := e.store.Get(ctx, collObjects, obj.Name); err == nil {
		return nil, errorf(KindConflict, "object_exists", "an object named %q exists", obj.Name)
	}
	// Records left by a delete that crashed half-way must not reappear under a new definition.
	if err := e.store.DropCollection(ctx, recordsColl(obj.Name)); err != nil {
		return nil, storeErr(err)
	}
	idx, err := e.recordIndexes(ctx, obj)
	if err != nil {
		return nil, err
	}
	if err := e.store.EnsureCollection(ctx, recordsColl(obj.Name), idx); err != nil {
		return nil, storeErr(err)
	}
	doc, err := structToDoc(obj)
	if err != nil {
		return nil, err
	}
	now := e.stamp()
	if err := e.store.Insert(ctx, collObjects, store.Doc{"id": obj.Name, "definition": doc, "updated_at": now, "updated_by": by.ID}); err != nil {
		if errors.Is(err, store.ErrDuplicateID) {
			return nil, errorf(KindConflict, "object_exists", "an object named %q exists", obj.Name)
		}
		return nil, storeErr(err)
	}
	e.recordHistory(ctx, by, "created", obj.Name, 1, obj, nil)
	if err := e.backfillChanged(ctx, nil, obj); err != nil {
		return nil, err
	}
	return &ObjectDef{Object: obj, Version: 1, UpdatedAt: now, UpdatedBy: by.ID}, nil
}

// UpdateObject replaces a definition. ifMatch (0: any) guards against overwriting a concurrent
// change. A change that would break stored records is refused with how many would break.
func (e *Engine) UpdateObject(ctx context.Context, by *Actor, name string, obj *forms.Object, ifMatch int64) (*ObjectDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if obj.Name != name {
		return nil, &Error{Kind: KindValidation, Code: "invalid_definition", Message: "the definition is not valid",
			Problems: []forms.Problem{{Pointer: "/name", Code: "rename_not_supported", Message: "an object cannot be renamed"}}}
	}
	old, err := e.GetObject(ctx, by, name)
	if err != nil {
		return nil, err
	}
	if ifMatch != 0 && ifMatch != old.Version {
		return nil, errorf(KindConflict, "version_conflict", "the definition was changed by someone else (now version %d)", old.Version)
	}
	if err := e.checkDefinition(ctx, obj); err != nil {
		return nil, err
	}
	if err := e.checkBreakage(ctx, old.Object, obj); err != nil {
		return nil, err
	}
	// New indexes first (a unique index over duplicates written meanwhile fails here, before the
	// definition changes), then the definition, then indexes no longer wanted are dropped.
	coll := recordsColl(name)
	oldIdx, err := e.recordIndexes(ctx, old.Object)
	if err != nil {
		return nil, err
	}
	newIdx, err := e.recordIndexes(ctx, obj)
	if err != nil {
		return nil, err
	}
	if err := e.store.EnsureCollection(ctx, coll, unionIndexes(oldIdx, newIdx)); err != nil {
		var dup *store.DuplicateError
		if errors.As(err, &dup) {
			return nil, errorf(KindConflict, "breaking_change", "records hold duplicate values of %s", dup.Field)
		}
		return nil, storeErr(err)
	}
	doc, err := structToDoc(obj)
	if err != nil {
		return nil, err
	}
	now := e.stamp()
	if err := e.store.Replace(ctx, collObjects, store.Doc{"id": name, "definition": doc, "updated_at": now, "updated_by": by.ID}, old.Version); err != nil {
		return nil, storeErr(err)
	}
	if err := e.store.EnsureCollection(ctx, coll, newIdx); err != nil {
		e.log.Warn("dropping old indexes failed; retried at next start", "object", name, "err", err)
	}
	e.recordHistory(ctx, by, "updated", name, old.Version+1, obj, old.Object)
	if keySignature(workflow.SearchSpecs(old.Object)) != keySignature(workflow.SearchSpecs(obj)) {
		// The records get the new search keys before the answer, as for changed duplicate rules.
		if err := e.syncDuplicateKeys(ctx); err != nil {
			return nil, err
		}
	}
	if err := e.backfillChanged(ctx, old.Object, obj); err != nil {
		return nil, err
	}
	return &ObjectDef{Object: obj, Version: old.Version + 1, UpdatedAt: now, UpdatedBy: by.ID}, nil
}

// DeleteObject removes a definition and all its records. It is refused while another object
// looks up to it.
func (e *Engine) DeleteObject(ctx context.Context, by *Actor, name string, ifMatch int64) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	old, err := e.GetObject(ctx, by, name)
	if err != nil {
		return err
	}
	if ifMatch != 0 && ifMatch != old.Version {
		return errorf(KindConflict, "version_conflict", "the definition was changed by someone else (now version %d)", old.Version)
	}
	all, err := e.ListObjects(ctx, by)
	if err != nil {
		return err
	}
	for _, o := range all {
		for _, f := range o.Fields {
			if f.Type == "lookup" && f.Target == name && o.Name != name {
				return errorf(KindConflict, "object_in_use", "%s.%s looks up %s; remove that field first", o.Name, f.Name, name)
			}
		}
	}
	// Records go first: a crash after this leaves a definition with no records, never records
	// without a definition.
	if err := e.store.DropCollection(ctx, recordsColl(name)); err != nil {
		return storeErr(err)
	}
	if err := e.store.Delete(ctx, collObjects, name, old.Version); err != nil {
		return storeErr(err)
	}
	e.recordHistory(ctx, by, "deleted", name, old.Version+1, nil, old.Object)
	return nil
}

// ObjectHistory lists the changes of a definition, newest first.
func (e *Engine) ObjectHistory(ctx context.Context, by *Actor, name string) ([]HistoryEntry, error) {
	docs, err := e.store.Find(ctx, collHistory, store.Query{
		Filter: store.Compare{Field: "object", Op: store.Eq, Value: name},
		Sort:   []store.SortKey{{Field: "id", Desc: true}},
		Limit:  500,
	})
	if err != nil {
		return nil, storeErr(err)
	}
	if len(docs) == 0 {
		return nil, errorf(KindNotFound, "object_not_found", "no object named %q", name)
	}
	out := make([]HistoryEntry, 0, len(docs))
	for _, d := range docs {
		var h HistoryEntry
		if err := decodeDoc(collHistory, d, &h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// recordHistory appends a history entry. A failure is logged, not returned: the change itself
// has been made and must not be reported as failed.
func (e *Engine) recordHistory(ctx context.Context, by *Actor, action, name string, version int64, def, prev *forms.Object) {
	doc := store.Doc{"id": newID(), "object": name, "action": action, "version": version, "at": e.stamp(), "by": by.ID}
	for key, o := range map[string]*forms.Object{"definition": def, "previous": prev} {
		if o != nil {
			d, err := structToDoc(o)
			if err == nil {
				doc[key] = d
			}
		}
	}
	if err := e.store.Insert(ctx, collHistory, doc); err != nil {
		e.log.Error("definition history not written", "object", name, "version", version, "err", err)
	}
	e.audit(ctx, by, auditEntry{Action: "definition_" + action, Object: name, Record: strconv.FormatInt(version, 10)})
}

// checkDefinition runs every definition check at once and answers all problems together.
func (e *Engine) checkDefinition(ctx context.Context, obj *forms.Object) error {
	var lookupErr error
	exists := func(name string) bool {
		if name == obj.Name {
			return true
		}
		_, err := e.store.Get(ctx, collObjects, name)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			lookupErr = err
		}
		return err == nil
	}
	rollupProblems, err := e.checkRollups(ctx, obj)
	if err != nil {
		return err
	}
	problems := obj.Check(exists)
	if lookupErr != nil {
		return storeErr(lookupErr)
	}
	problems = append(problems, rollupProblems...)
	related, _, err := e.relatedObjects(ctx, obj, obj)
	if err != nil {
		return err
	}
	_, exprProblems := rules.CompileWith(obj, nil, related)
	problems = append(problems, exprProblems...)
	_, sharingProblems := compileSharing(obj)
	problems = append(problems, sharingProblems...)
	dir, err := e.directory(ctx)
	if err != nil {
		return err
	}
	for i, sr := range obj.SharingRules {
		for j, r := range sr.Roles {
			if r != RoleAdmin && dir.roles[r] == nil {
				problems = append(problems, forms.Problem{Pointer: fmt.Sprintf("/sharing_rules/%d/roles/%d", i, j), Code: "unknown_role", Message: fmt.Sprintf("no role named %q", r)})
			}
		}
		for j, t := range sr.Teams {
			if dir.teams[t] == nil {
				problems = append(problems, forms.Problem{Pointer: fmt.Sprintf("/sharing_rules/%d/teams/%d", i, j), Code: "unknown_team", Message: fmt.Sprintf("no team %q", t)})
			}
		}
	}
	for i, p := range obj.Pools {
		for _, side := range []struct {
			name   string
			people forms.PoolPeople
		}{{"members", p.Members}, {"managers", p.Managers}} {
			people := side.people
			for j, r := range people.Roles {
				if r != RoleAdmin && dir.roles[r] == nil {
					problems = append(problems, forms.Problem{Pointer: fmt.Sprintf("/pools/%d/%s/roles/%d", i, side.name, j), Code: "unknown_role", Message: fmt.Sprintf("no role named %q", r)})
				}
			}
			for j, t := range people.Teams {
				if dir.teams[t] == nil {
					problems = append(problems, forms.Problem{Pointer: fmt.Sprintf("/pools/%d/%s/teams/%d", i, side.name, j), Code: "unknown_team", Message: fmt.Sprintf("no team %q", t)})
				}
			}
		}
	}
	for i, c := range obj.OwnerCounts {
		at := fmt.Sprintf("/owner_counts/%d/", i)
		target := obj
		if c.Object != obj.Name && c.Object != "" {
			t, err := e.current(ctx, c.Object)
			if isNotFound(err) {
				problems = append(problems, forms.Problem{Pointer: at + "object", Code: "unknown_object", Message: fmt.Sprintf("no object %q", c.Object)})
				continue
			}
			if err != nil {
				return err
			}
			target = t.obj
		}
		if c.Filter == "" {
			continue
		}
		if _, err := ownerCountFilter(c, target); err != nil {
			p := forms.Problem{Pointer: at + "filter", Code: "invalid_condition", Message: err.Error()}
			var qe *query.Error
			if errors.As(err, &qe) {
				p.Message, p.Line, p.Column = qe.Message, 1, max(qe.Pos+1, 1)
			}
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return InvalidDefinition(problems)
	}
	return nil
}

// CheckObject answers, without saving anything, every problem of a definition a client sent
// together with those found while reading it (read: unknown keys), so that one round shows them
// all: an analyst who mistyped a key must not learn of a broken rule only after fixing the key.
// A definition without problems answers nil.
func (e *Engine) CheckObject(ctx context.Context, by *Actor, obj *forms.Object, read []forms.Problem) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	more, err := definitionProblems(e.checkDefinition(ctx, obj))
	if err != nil {
		return err
	}
	if problems := append(slices.Clone(read), more...); len(problems) > 0 {
		return InvalidDefinition(problems)
	}
	return nil
}

// definitionProblems splits a check's answer into the problems of an invalid_definition (to be
// answered together with those of other checks) and any other error (answered as it is).
func definitionProblems(err error) ([]forms.Problem, error) {
	var ee *Error
	if err == nil {
		return nil, nil
	}
	if errors.As(err, &ee) && ee.Code == "invalid_definition" {
		return ee.Problems, nil
	}
	return nil, err
}

// DefinitionServerKeys are the keys ObjectDef adds to a definition on reads.
var DefinitionServerKeys = []string{"version", "updated_at", "updated_by"}

// InvalidDefinition is the 422 answer listing every problem of a definition.
func InvalidDefinition(problems []forms.Problem) *Error {
	return &Error{Kind: KindValidation, Code: "invalid_definition",
		Message: fmt.Sprintf("the definition has %d problem(s)", len(problems)), Problems: problems}
}

// checkBreakage counts the stored records each change would invalidate.
func (e *Engine) checkBreakage(ctx context.Context, old, new *forms.Object) error {
	coll := recordsColl(new.Name)
	var broken []Breakage
	var total int64
	for _, c := range forms.Diff(old, new) {
		var n int64
		var err error
		switch c.Kind {
		case "required":
			n, err = e.store.Count(ctx, coll, store.IsNull{Field: c.Field})
		case "type":
			n, err = e.store.Count(ctx, coll, store.IsNull{Field: c.Field, Negate: true})
		case "options_removed":
			vals := make([]any, len(c.Values))
			for i, v := range c.Values {
				vals[i] = v
			}
			n, err = e.store.Count(ctx, coll, store.In{Field: c.Field, Values: vals})
		case "unique":
			n, err = e.countDuplicates(ctx, coll, c.Field)
		}
		if err != nil {
			return storeErr(err)
		}
		if n > 0 {
			broken = append(broken, Breakage{Field: c.Field, Change: c.Kind, Values: c.Values, Records: n})
			total += n
		}
	}
	if len(broken) == 0 {
		return nil
	}
	sort.Slice(broken, func(i, j int) bool { return broken[i].Field < broken[j].Field })
	return &Error{Kind: KindConflict, Code: "breaking_change", Details: broken,
		Message: fmt.Sprintf("this change would make %d stored record(s) invalid", total)}
}

// countDuplicates counts records whose value of field is shared with another record, reading
// the collection in field order a page at a time.
func (e *Engine) countDuplicates(ctx context.Context, coll, field string) (int64, error) {
	sortKeys := []store.SortKey{{Field: field}}
	var filter store.Filter = store.IsNull{Field: field, Negate: true}
	var n, run int64
	var prev any
	for {
		docs, err := e.store.Find(ctx, coll, store.Query{Filter: filter, Sort: sortKeys, Limit: 1000})
		if err != nil {
			return 0, err
		}
		for _, d := range docs {
			v := d[field]
			if run > 0 && v == prev {
				run++
				if run == 2 {
					n += 2
				} else {
					n++
				}
				continue
			}
			prev, run = v, 1
		}
		if len(docs) < 1000 {
			return n, nil
		}
		last := docs[len(docs)-1]
		filter = store.And{store.IsNull{Field: field, Negate: true}, store.After(sortKeys, []any{last[field], last["id"]})}
	}
}

func objectFromDoc(d store.Doc) (*ObjectDef, error) {
	var stored struct {
		Definition forms.Object `json:"definition"`
		Version    int64        `json:"version"`
		UpdatedAt  string       `json:"updated_at"`
		UpdatedBy  string       `json:"updated_by"`
	}
	if err := decodeDoc(collObjects, d, &stored); err != nil {
		return nil, err
	}
	return &ObjectDef{Object: &stored.Definition, Version: stored.Version, UpdatedAt: stored.UpdatedAt, UpdatedBy: stored.UpdatedBy}, nil
}

// indexesOf derives a collection's indexes from its definition: unique and indexed fields,
// lookups, users and autonumbers, the system fields lists sort and filter by, the declared
// composite indexes, each lookup's related list newest first, and on objects whose records are
// not public the owner's lists newest first and recently updated (the access filter is
// owner IN (...)), each once.
func indexesOf(obj *forms.Object) []store.Index {
	idx := []store.Index{{Field: "owner"}, {Field: "created_at"}, {Field: "updated_at"}, {Field: "sla_status"}, {Field: "sla_due_at"}}
	for _, f := range obj.Fields {
		switch {
		case f.Unique:
			idx = append(idx, store.Index{Field: f.Name, Unique: true})
		case f.Indexed, f.Type == "lookup", f.Type == "user", f.Type == "autonumber":
			idx = append(idx, store.Index{Field: f.Name})
		}
	}
	var composite [][]string
	if private(obj) {
		composite = append(composite, []string{"owner", "created_at"}, []string{"owner", "updated_at"})
		// A list shared by a rule is its own records OR the rule's: each arm is read in order by
		// an index led by what the rule fixes.
		for _, f := range sharingFields(obj) {
			composite = append(composite, []string{f, "created_at"}, []string{f, "updated_at"})
		}
	}
	// A lookup's related list (the contacts of an account) is lookup = id, newest first.
	for _, f := range obj.Fields {
		if f.Type == "lookup" {
			composite = append(composite, []string{f.Name, "created_at"})
		}
	}
	for _, ix := range obj.Indexes {
		composite = append(composite, ix.Fields)
		// A rep's list filtered as the index serves (own records, stage = X, by -amount) is read
		// in order by the same index led by owner; so is each owner's arm of a team's list.
		if private(obj) && len(ix.Fields) < forms.MaxIndexFields && !slices.ContainsFunc(ix.Fields, func(f string) bool { n, _ := forms.IndexField(f); return n == "owner" }) {
			composite = append(composite, append([]string{"owner"}, ix.Fields...))
		}
	}
	seen := map[string]bool{}
	for _, fields := range composite {
		if shape := forms.IndexShape(fields); !seen[shape] {
			seen[shape] = true
			keys := make([]store.SortKey, len(fields))
			for i, s := range fields {
				keys[i].Field, keys[i].Desc = forms.IndexField(s)
			}
			idx = append(idx, store.Index{Keys: keys})
		}
	}
	return idx
}

// private tells whether users see only some records of the object (their own, their team's,
// what sharing rules share), so that lists filter by owner.
func private(obj *forms.Object) bool {
	return obj.Sharing != forms.SharingPublicRead && obj.Sharing != forms.SharingPublicReadWrite
}

// sharingFields are the indexable fields the sharing rules' conditions fix to one value (the
// first of each rule's conjunction), which their part of an access filter is searched by.
func sharingFields(obj *forms.Object) []string {
	rules, _ := compileSharing(obj)
	var out []string
	for _, r := range rules {
		var conj []store.Filter
		switch f := r.filter.(type) {
		case store.And:
			conj = f
		default:
			conj = []store.Filter{f}
		}
		for _, c := range conj {
			field := ""
			switch c := c.(type) {
			case store.Compare:
				if c.Op == store.Eq && c.Scalar {
					field = c.Field
				}
			case store.In:
				if c.Scalar && len(c.Values) == 1 {
					field = c.Field
				}
			}
			if field != "" && obj.Indexable(field) && !slices.Contains(out, field) {
				out = append(out, field)
				break
			}
		}
	}
	return out
}

// unionIndexes is every index of a and b, a field's index unique when either is.
func unionIndexes(a, b []store.Index) []store.Index {
	out := append([]store.Index(nil), a...)
	for _, x := range b {
		found := false
		for i, y := range out {
			if len(x.Keys) == 0 && len(y.Keys) == 0 && y.Field == x.Field {
				found = true
				out[i].Unique = y.Unique || x.Unique
			}
			if len(x.Keys) > 0 && x.Spec() == y.Spec() {
				found = true
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}
