package engine

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"crm/engine/query"
	"crm/engine/store"
	"crm/forms"
)

// grant is what one user may do with one object: the role permissions, which records (as store
// filters, nil meaning every record) and which fields.
type grant struct {
	admin  bool
	perm   Perm
	read   store.Filter    // records the user sees; nil: all
	edit   store.Filter    // records the user may change or delete; nil: all they see
	hidden map[string]bool // fields absent from everything the user gets, with the formulas that read them
	locked map[string]bool // fields the user may not change
	// hiddenRefs are the references through lookups (account.credit) the user may not see:
	// hidden like the fields they reach (see hiddenWithRefs).
	hiddenRefs map[string]bool
	view       *forms.Object // the object without hidden fields: what filters, sorts and search may name
}

// access resolves the object's current definition and the actor's grant on it.
func (e *Engine) access(ctx context.Context, by *Actor, object string) (*definition, *grant, error) {
	def, err := e.current(ctx, object)
	if err != nil {
		return nil, nil, err
	}
	g, err := e.grantOn(ctx, by, def)
	return def, g, err
}

func (e *Engine) grantOn(ctx context.Context, by *Actor, def *definition) (*grant, error) {
	if by.IsAdmin() {
		return &grant{admin: true, perm: adminRole().Objects[everyObject], view: def.obj}, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	g := &grant{}
	g.perm, g.hidden, g.locked = fieldAccess(dir, by, def.obj)
	// A reference reaches a field of another object: hidden when that field is hidden from the
	// user there, or the user may not read that object at all.
	hiddenRefs := map[string]bool{}
	for _, r := range def.rules.Env.UsedRefs() {
		target := r.Objects[len(r.Objects)-1]
		pdef, err := e.current(ctx, target)
		if err != nil {
			if isNotFound(err) {
				hiddenRefs[r.Name] = true
				continue
			}
			return nil, err
		}
		perm, hidden, _ := fieldAccess(dir, by, pdef.obj)
		if !perm.Read || pdef.rules.Hidden(hidden)[r.Field.Name] {
			hiddenRefs[r.Name] = true
			g.hidden[r.Name] = true
		}
	}
	if err := e.hideRollups(ctx, dir, by, def, g.hidden); err != nil {
		return nil, err
	}
	// This is the one hidden set of every read path: a formula over a hidden field would tell
	// its value, so it is hidden too (and, like any hidden field, never written).
	g.hidden = def.rules.Hidden(g.hidden)
	for n := range hiddenRefs {
		delete(g.hidden, n)
	}
	if len(hiddenRefs) > 0 {
		g.hiddenRefs = hiddenRefs
	}
	for f, h := range g.hidden {
		g.locked[f] = g.locked[f] || h
	}
	g.view = viewWithout(def.obj, g.hidden)

	u := dir.users[by.ID]
	var teams []string
	if u != nil {
		teams = u.Teams
	}
	owners := append([]any{by.ID}, anyList(dir.subordinates(by.ID))...)
	// The pools the user is in: members see their records, managers also change them.
	readOwners, editOwners := owners, owners
	for _, p := range def.obj.Pools {
		switch {
		case p.Managers.Has(by.Roles, teams):
			editOwners = append(slices.Clip(editOwners), forms.PoolOwner(p.Name))
			readOwners = append(slices.Clip(readOwners), forms.PoolOwner(p.Name))
		case p.Members.Has(by.Roles, teams):
			readOwners = append(slices.Clip(readOwners), forms.PoolOwner(p.Name))
		}
	}
	readAll := g.perm.SeeAll || g.perm.EditAll || def.obj.Sharing == forms.SharingPublicRead || def.obj.Sharing == forms.SharingPublicReadWrite
	editAll := g.perm.EditAll || def.obj.Sharing == forms.SharingPublicReadWrite
	read := store.Or{store.In{Field: "owner", Values: readOwners, Scalar: true}}
	edit := store.Or{store.In{Field: "owner", Values: editOwners, Scalar: true}}
	for _, sr := range def.sharing {
		if !sr.grants(by.Roles, teams) {
			continue
		}
		read = append(read, sr.filter)
		if sr.rule.Access == forms.AccessEdit {
			edit = append(edit, sr.filter)
		}
	}
	if !readAll {
		g.read = read
	}
	if !editAll {
		g.edit = edit
	}
	return g, nil
}

// viewWithout is obj without the hidden fields (obj itself when none is hidden).
func viewWithout(obj *forms.Object, hidden map[string]bool) *forms.Object {
	any := false
	for _, h := range hidden {
		any = any || h
	}
	if !any {
		return obj
	}
	v := *obj
	v.Fields = nil
	for _, f := range obj.Fields {
		if !hidden[f.Name] {
			v.Fields = append(v.Fields, f)
		}
	}
	return &v
}

// sharingRule is a compiled sharing rule of a definition.
type sharingRule struct {
	rule   forms.SharingRule
	filter store.Filter
}

func (s sharingRule) grants(roles, teams []string) bool {
	for _, r := range s.rule.Roles {
		if slices.Contains(roles, r) {
			return true
		}
	}
	for _, t := range s.rule.Teams {
		if slices.Contains(teams, t) {
			return true
		}
	}
	return false
}

// compileSharing turns sharing-rule conditions into store filters; problems carry the pointer and
// the position in the condition.
func compileSharing(obj *forms.Object) ([]sharingRule, []forms.Problem) {
	var out []sharingRule
	var probs []forms.Problem
	for i, sr := range obj.SharingRules {
		if sr.When == "" {
			continue
		}
		node, err := query.Parse(sr.When)
		var f store.Filter
		if err == nil {
			f, err = query.Resolve(node, obj)
		}
		if err != nil {
			p := forms.Problem{Pointer: "/sharing_rules/" + strconv.Itoa(i) + "/when", Code: "invalid_condition", Message: err.Error()}
			var qe *query.Error
			if errors.As(err, &qe) {
				p.Message, p.Line, p.Column = qe.Message, 1, max(qe.Pos+1, 1)
			}
			probs = append(probs, p)
			continue
		}
		out = append(out, sharingRule{rule: sr, filter: f})
	}
	return out, probs
}

// visibleDoc reads a record the grant lets the actor see; 404 otherwise, as for a missing one.
func (e *Engine) visibleDoc(ctx context.Context, def *definition, g *grant, id string) (store.Doc, error) {
	if g.read == nil {
		return e.getDoc(ctx, def.obj.Name, id)
	}
	docs, err := e.store.Find(ctx, recordsColl(def.obj.Name), store.Query{
		Filter: store.And{store.Compare{Field: "id", Op: store.Eq, Value: id}, g.read}, Limit: 1})
	if err != nil {
		return nil, storeErr(err)
	}
	if len(docs) == 0 {
		return nil, errorf(KindNotFound, "record_not_found", "no %s record %q", def.obj.Name, id)
	}
	return docs[0], nil
}

// editable tells whether the grant lets the actor change a record it sees.
func (e *Engine) editable(ctx context.Context, def *definition, g *grant, id string) (bool, error) {
	if g.edit == nil {
		return true, nil
	}
	n, err := e.store.Count(ctx, recordsColl(def.obj.Name), store.And{store.Compare{Field: "id", Op: store.Eq, Value: id}, g.edit})
	if err != nil {
		return false, storeErr(err)
	}
	return n > 0, nil
}

func isNotFound(err error) bool {
	var ee *Error
	return errors.As(err, &ee) && ee.Kind == KindNotFound
}

// strip removes hidden fields from a record the actor gets.
func (g *grant) strip(r Record) Record {
	for f, h := range g.hidden {
		if h {
			delete(r, f)
		}
	}
	return r
}

// runFor is a run log entry (an automation run or an assignment trace) as the actor may see it.
// When a condition in it read a field hidden from them, only which run it was and when is told:
// its inputs, result and actions would tell the hidden values.
func (g *grant) runFor(run RunLog) RunLog {
	if run == nil || !g.readsHidden(run) {
		return run
	}
	out := RunLog{"withheld": true} // the same for every such run: which keys it had would tell
	for _, k := range []string{"id", "kind", "object", "record", "automation", "trigger", "at", "definition_version", "rules_version", "owner", "previous_owner"} {
		if v, ok := run[k]; ok {
			out[k] = v
		}
	}
	return out
}

// readsHidden tells whether a run log entry's condition (or any rule check of a trace) read a
// field hidden from the grant: the fields it reads, else (older entries) its inputs.
func (g *grant) readsHidden(run map[string]any) bool {
	if reads, ok := run["reads"].([]any); ok {
		for _, n := range reads {
			if s, _ := n.(string); g.hides(s) {
				return true
			}
		}
	}
	if in, ok := run["inputs"].(map[string]any); ok {
		for n := range in {
			if g.hides(n) {
				return true
			}
		}
	}
	checks, _ := run["checks"].([]any)
	for _, c := range checks {
		if m, ok := c.(map[string]any); ok && g.readsHidden(m) {
			return true
		}
	}
	return false
}

// hides tells whether a field or a reference through a lookup is hidden from the grant.
func (g *grant) hides(name string) bool { return g.hidden[name] || g.hiddenRefs[name] }

// fieldAccess is what the user's roles allow on an object, before formulas and references: its
// permissions, and the fields hidden from them and those they may not change. A field is hidden
// only if every role hides it, read-only unless some role lets it be edited.
func fieldAccess(dir *directory, by *Actor, obj *forms.Object) (perm Perm, hidden, locked map[string]bool) {
	hidden, locked = map[string]bool{}, map[string]bool{}
	name := obj.Name
	level := map[string]int{} // 0 hidden, 1 read-only, 2 edit
	roles := 0
	for _, rn := range by.Roles {
		r := dir.roles[rn]
		if r == nil {
			continue
		}
		roles++
		perm = perm.or(r.Objects[name]) // an object the role does not list grants nothing
		for _, f := range obj.Fields {
			l := 2
			switch r.Fields[name][f.Name] {
			case FieldHidden:
				l = 0
			case FieldReadOnly:
				l = 1
			}
			if cur, seen := level[f.Name]; !seen || l > cur {
				level[f.Name] = l
			}
		}
	}
	if roles > 0 {
		for f, l := range level {
			hidden[f] = l == 0
			locked[f] = l < 2
		}
	}
	return perm, hidden, locked
}

// hiddenWithRefs is what a draft may not show the user: the hidden fields and references.
func hiddenWithRefs(g *grant) map[string]bool {
	if len(g.hiddenRefs) == 0 {
		return g.hidden
	}
	out := make(map[string]bool, len(g.hidden)+len(g.hiddenRefs))
	for k, v := range g.hidden {
		out[k] = v
	}
	for k := range g.hiddenRefs {
		out[k] = true
	}
	return out
}
