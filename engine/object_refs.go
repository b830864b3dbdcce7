package engine

import (
	"context"
	"errors"
	"time"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// References through lookups (rules/refs.go): an object's expressions may read fields of the
// records its lookups point at. The engine compiles them against the stored definitions of those
// objects, and supplies their values when it runs them, read from the parents as they are at
// that moment (refValues). Values a write stores (formulas) and decisions it keeps (the SLA
// policy that applies) are brought up to date when a parent changes by a durable job that
// re-evaluates the children (refresh_children, object_refs_refresh.go).

// relatedObjects reads the stored definitions obj's lookups reach within rules.MaxRefDepth, with
// their versions. over stands for its name's stored definition (a definition being saved).
func (e *Engine) relatedObjects(ctx context.Context, obj *forms.Object, over *forms.Object) (rules.Related, map[string]int64, error) {
	objs := map[string]*forms.Object{}
	versions := map[string]int64{}
	if over != nil {
		objs[over.Name] = over
	}
	var walk func(o *forms.Object, depth int) error
	walk = func(o *forms.Object, depth int) error {
		if depth >= rules.MaxRefDepth {
			return nil
		}
		for _, f := range o.Fields {
			if f == nil || f.Type != forms.TypeLookup || f.Target == "" {
				continue
			}
			t, ok := objs[f.Target]
			if !ok {
				d, err := e.store.Get(ctx, collObjects, f.Target)
				if errors.Is(err, store.ErrNotFound) {
					objs[f.Target] = nil
					continue
				}
				if err != nil {
					return storeErr(err)
				}
				od, err := objectFromDoc(d)
				if err != nil {
					return err
				}
				t = od.Object
				objs[f.Target] = t
				versions[f.Target], _ = d["version"].(int64)
			}
			if t != nil {
				if err := walk(t, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(obj, 0); err != nil {
		return nil, nil, err
	}
	return func(name string) *forms.Object { return objs[name] }, versions, nil
}

// relatedChanged tells whether an object a cached definition's references read has a newer
// version (its fields may have changed type or gone).
func (e *Engine) relatedChanged(ctx context.Context, def *definition) (bool, error) {
	for name, v := range def.related {
		cur, found, err := e.versions.version(ctx, e.store, collObjects, name)
		if err != nil {
			return false, err
		}
		if !found || cur != v {
			return true, nil
		}
	}
	return false, nil
}

// refValues reads the values env's programs read through lookups, for a record whose lookups
// hold values (stored or wire form: a lookup is its id either way). Each parent is read once.
func (e *Engine) refValues(ctx context.Context, env *rules.Env, values map[string]any) (map[string]any, error) {
	refs := env.UsedRefs()
	if len(refs) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(refs))
	docs := map[string]store.Doc{}
	read := func(object, id string) (store.Doc, error) {
		key := object + "/" + id
		if d, ok := docs[key]; ok {
			return d, nil
		}
		d, err := e.store.Get(ctx, recordsColl(object), id)
		if errors.Is(err, store.ErrNotFound) {
			d, err = nil, nil
		}
		if err != nil {
			return nil, storeErr(err)
		}
		docs[key] = d
		return d, nil
	}
	for _, r := range refs {
		cur := values
		for i := 0; i < len(r.Path)-1 && cur != nil; i++ {
			id, _ := cur[r.Path[i]].(string)
			if id == "" {
				cur = nil
				break
			}
			d, err := read(r.Objects[i], id)
			if err != nil {
				return nil, err
			}
			cur = d
		}
		if cur != nil {
			if v, ok := cur[r.Path[len(r.Path)-1]]; ok && v != nil {
				out[r.Name] = v
			}
		}
	}
	return out, nil
}

// lookupValues are a write's lookups as they will be: the input's where it names them, else the
// stored record's.
func lookupValues(input, old map[string]any) map[string]any {
	if old == nil {
		return input
	}
	out := make(map[string]any, len(old)+len(input))
	for k, v := range old {
		out[k] = v
	}
	for k, v := range input {
		out[k] = v
	}
	return out
}

// systemScope is the scope of the engine's own decisions about a record (SLA policies,
// assignment, approvals, automations): as the system, at now, reading through lookups.
func (e *Engine) systemScope(ctx context.Context, def *definition, doc, old map[string]any, now time.Time) (rules.Scope, error) {
	refs, err := e.refValues(ctx, def.rules.Env, doc)
	if err != nil {
		return rules.Scope{}, err
	}
	return def.rules.Env.Scope(doc, old, rules.Context{Now: now, User: rules.User{ID: SystemActor.ID, Roles: SystemActor.Roles}, Refs: refs}), nil
}

// userContext is ruleContext with the values a write's expressions read through lookups.
func (e *Engine) userContext(ctx context.Context, by *Actor, def *definition, values map[string]any) (rules.Context, error) {
	c := e.ruleContext(by)
	refs, err := e.refValues(ctx, def.rules.Env, values)
	c.Refs = refs
	return c, err
}
