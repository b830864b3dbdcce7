package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Duplicate rules live in meta_duplicate_rules, one document per object (id: the object). Every
// change bumps the "duplicates" settings version, so each process reloads them.
const (
	collDuplicateRules = "meta_duplicate_rules"
	duplicatesKey      = "duplicates"
)

// DuplicateRulesDef is an object's duplicate rules as the API shows them.
type DuplicateRulesDef struct {
	workflow.DuplicateRules
	Version int64 `json:"version"`
}

// duplicateSet is every object's duplicate rules at one settings version that compile against
// the current definitions, and the keys each object's records carry for them.
type duplicateSet struct {
	version  int64
	defs     map[string]int64
	byObject map[string]*workflow.DuplicateRules
	keys     map[string][]workflow.KeySpec
	specs    sync.Map // object name → objectKeys: recordKeySpecs, found once per definition
}

// objectKeys are the key specs of one version of an object's definition.
type objectKeys struct {
	obj   *forms.Object
	specs []workflow.KeySpec
}

// GetDuplicateRules returns an object's duplicate rules (none yet: an empty list at version 0).
func (e *Engine) GetDuplicateRules(ctx context.Context, by *Actor, object string) (*DuplicateRulesDef, error) {
	if _, err := e.current(ctx, object); err != nil {
		return nil, err
	}
	d, err := e.store.Get(ctx, collDuplicateRules, object)
	if errors.Is(err, store.ErrNotFound) {
		return &DuplicateRulesDef{DuplicateRules: workflow.DuplicateRules{Object: object, Rules: []workflow.DuplicateRule{}}}, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return duplicateRulesFromDoc(d)
}

func duplicateRulesFromDoc(d store.Doc) (*DuplicateRulesDef, error) {
	var r DuplicateRulesDef
	if err := decodeDoc(collDuplicateRules, d, &r); err != nil {
		return nil, err
	}
	if r.Rules == nil {
		r.Rules = []workflow.DuplicateRule{}
	}
	return &r, nil
}

// ListDuplicateRules returns the rules of every object that has some (of one object when
// object is not empty).
func (e *Engine) ListDuplicateRules(ctx context.Context, by *Actor, object string) ([]*DuplicateRulesDef, error) {
	if object != "" {
		d, err := e.GetDuplicateRules(ctx, by, object)
		if err != nil || d.Version == 0 {
			return []*DuplicateRulesDef{}, err
		}
		return []*DuplicateRulesDef{d}, nil
	}
	docs, err := e.store.Find(ctx, collDuplicateRules, store.Query{})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*DuplicateRulesDef, 0, len(docs))
	for _, d := range docs {
		r, err := duplicateRulesFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// SaveDuplicateRules replaces an object's duplicate rules after checking every one (all problems
// at once), then brings the normalized keys of the records concerned up to date (see
// syncDuplicateKeys). Analysts and admins only; ifMatch (when not 0) must be the stored version,
// create refuses rules that exist (a POST).
func (e *Engine) SaveDuplicateRules(ctx context.Context, by *Actor, d *workflow.DuplicateRules, create bool, ifMatch int64) (*DuplicateRulesDef, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if d.Rules == nil {
		d.Rules = []workflow.DuplicateRule{}
	}
	if _, err := e.current(ctx, d.Object); err != nil {
		return nil, err
	}
	if probs := e.checkDuplicateRules(ctx, d); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	old, err := e.GetDuplicateRules(ctx, by, d.Object)
	if err != nil {
		return nil, err
	}
	if create && old.Version != 0 {
		return nil, errorf(KindConflict, duplicateRulesKind.code+"_exists", "%s has duplicate rules; replace them with PUT", d.Object)
	}
	if ifMatch != 0 && ifMatch != old.Version {
		return nil, storeErr(store.ErrVersionConflict)
	}
	doc, err := structToDoc(d)
	if err != nil {
		return nil, err
	}
	doc["id"] = d.Object
	if old.Version == 0 {
		err = e.store.Insert(ctx, collDuplicateRules, doc)
		if errors.Is(err, store.ErrDuplicateID) {
			err = store.ErrVersionConflict // saved by someone else since we read
		}
	} else {
		err = e.store.Replace(ctx, collDuplicateRules, doc, old.Version)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	e.bumpSetting(ctx, duplicatesKey)
	if err := e.syncDuplicateKeys(ctx); err != nil {
		return nil, err
	}
	e.audit(ctx, by, auditEntry{Action: duplicateRulesKind.audited("saved"), Object: d.Object})
	return &DuplicateRulesDef{DuplicateRules: *d, Version: old.Version + 1}, nil
}

// DeleteDuplicateRules removes an object's duplicate rules.
func (e *Engine) DeleteDuplicateRules(ctx context.Context, by *Actor, object string) error {
	if err := e.canDefine(ctx, by); err != nil {
		return err
	}
	err := e.store.Delete(ctx, collDuplicateRules, object, 0)
	if errors.Is(err, store.ErrNotFound) {
		return duplicateRulesKind.notFound(object)
	}
	if err != nil {
		return storeErr(err)
	}
	e.bumpSetting(ctx, duplicatesKey)
	if err := e.syncDuplicateKeys(ctx); err != nil {
		return err
	}
	e.audit(ctx, by, auditEntry{Action: duplicateRulesKind.audited("deleted"), Object: object})
	return nil
}

// checkDuplicateRules checks rules against the current definitions of their objects.
func (e *Engine) checkDuplicateRules(ctx context.Context, d *workflow.DuplicateRules) []forms.Problem {
	return workflow.CheckDuplicateRules(d, func(name string) *forms.Object {
		def, err := e.current(ctx, name)
		if err != nil {
			return nil
		}
		return def.obj
	})
}

// duplicates returns every object's rules, reloaded when any rules or an object they name changed.
func (e *Engine) duplicates(ctx context.Context) (*duplicateSet, error) {
	v, err := e.setting(ctx, duplicatesKey)
	if err != nil {
		return nil, err
	}
	return e.dups.get(func(c *duplicateSet) bool { return c.version == v && e.defsUnchanged(ctx, c.defs) }, func() (*duplicateSet, error) {
		docs, err := e.store.Find(ctx, collDuplicateRules, store.Query{})
		if err != nil {
			return nil, storeErr(err)
		}
		set := &duplicateSet{version: v, defs: map[string]int64{}, byObject: map[string]*workflow.DuplicateRules{}}
		var all []*workflow.DuplicateRules
		for _, d := range docs {
			r, err := duplicateRulesFromDoc(d)
			if err != nil {
				return nil, err
			}
			if probs := e.checkDuplicateRules(ctx, &r.DuplicateRules); len(probs) > 0 {
				// A definition change can break saved rules (a field removed): they then find nothing.
				e.log.Error("duplicate rules do not fit the current definitions; skipped", "object", r.Object, "problem", probs[0].Message)
				continue
			}
			set.byObject[r.Object] = &r.DuplicateRules
			all = append(all, &r.DuplicateRules)
			for _, rule := range r.Rules {
				for _, name := range []string{r.Object, rule.Target(r.Object)} {
					if def, err := e.current(ctx, name); err == nil {
						set.defs[name] = def.version
					}
				}
			}
		}
		set.keys = workflow.KeySpecs(all)
		for _, specs := range set.keys {
			slices.SortFunc(specs, func(a, b workflow.KeySpec) int { return strings.Compare(a.Name(), b.Name()) })
		}
		return set, nil
	})
}
