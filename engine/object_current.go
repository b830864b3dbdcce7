package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/forms"
	"crm/rules"
)

// definition is an object compiled at one version.
type definition struct {
	version  int64
	obj      *forms.Object
	compiled *forms.Compiled
	rules    *rules.Set
	sharing  []sharingRule
	related  map[string]int64 // the versions of the objects its references and roll-ups read (object_refs.go)
	rollups  []*rules.Rollup  // its roll-up fields, compiled against their children (object_rollups.go)
}

// current returns the object's definition at its stored version. It learns the stored version
// from the version cache (exact for changes made through this process, within VersionTTL for
// another process's) and compiles only when that version is new to this process.
func (e *Engine) current(ctx context.Context, name string) (*definition, error) {
	version, found, err := e.versions.version(ctx, e.store, collObjects, name)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	cached := e.defs[name]
	e.mu.Unlock()
	if found && cached != nil && cached.version == version {
		stale, err := e.relatedChanged(ctx, cached)
		if err != nil {
			return nil, err
		}
		if !stale {
			return cached, nil
		}
	}
	d, err := e.store.Get(ctx, collObjects, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "object_not_found", "no object named %q", name)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if version, err = docVersion(collObjects, d); err != nil {
		return nil, err
	}
	if cached != nil && cached.version == version {
		if stale, err := e.relatedChanged(ctx, cached); err != nil || !stale {
			return cached, err
		}
	}
	od, err := objectFromDoc(d)
	if err != nil {
		return nil, err
	}
	c, err := forms.Compile(od.Object)
	if err != nil {
		return nil, err
	}
	related, relatedVersions, err := e.relatedObjects(ctx, od.Object, nil)
	if err != nil {
		return nil, err
	}
	children, childVersions, err := e.childDefinitions(ctx, od.Object, nil)
	if err != nil {
		return nil, err
	}
	for n, v := range childVersions {
		relatedVersions[n] = v
	}
	rollups, rollupProblems := compileRollups(od.Object, children)
	for _, p := range rollupProblems {
		// Saved definitions passed this check; a child changed by an older build may not fit.
		e.log.Warn("a roll-up does not fit the object it summarizes and is not kept current", "object", name, "at", p.Pointer, "problem", p.Message)
	}
	rs, problems := rules.CompileWith(od.Object, c, related)
	if len(problems) > 0 {
		// Saved definitions passed these checks; this only happens when the expression language
		// changed under a stored definition.
		return nil, &Error{Kind: KindUnavailable, Code: "definition_broken",
			Message: fmt.Sprintf("the definition of %s no longer compiles (%s at %s); an analyst must fix it", name, problems[0].Message, problems[0].Pointer), Problems: problems}
	}
	if cached != nil {
		rs.Env.InheritUsed(cached.rules.Env)
	}
	sharing, problems := compileSharing(od.Object)
	if len(problems) > 0 {
		return nil, &Error{Kind: KindUnavailable, Code: "definition_broken",
			Message: fmt.Sprintf("the sharing rules of %s no longer compile (%s at %s); an analyst must fix them", name, problems[0].Message, problems[0].Pointer), Problems: problems}
	}
	def := &definition{version: version, obj: od.Object, compiled: c, rules: rs, sharing: sharing, related: relatedVersions, rollups: rollups}
	name = strings.Clone(name) // the key outlives the call; never keep a caller's buffer
	e.mu.Lock()
	if old := e.defs[name]; old == nil || old.version <= version {
		e.defs[name] = def
	}
	e.mu.Unlock()
	return def, nil
}
