package engine

import "testing"

// TestDefinitionKindsComplete fails when a kind of definition lacks a package section, a route
// or its collection's place in the export and a package rehearsal, or when a collection a
// rehearsal copies as a definition belongs to no kind.
func TestDefinitionKindsComplete(t *testing.T) {
	t.Parallel()
	colls := map[string]systemColl{}
	for _, c := range systemColls {
		colls[c.name] = c
	}
	keys, ofKind := map[string]bool{}, map[string]bool{}
	for _, k := range DefinitionKinds() {
		if k.Key == "" || keys[k.Key] {
			t.Errorf("kind %q: no key, or one used twice", k.Key)
		}
		keys[k.Key] = true
		s := k.section
		if s.id == "" || s.decode == nil || s.list == nil || s.save == nil {
			t.Errorf("kind %q has no complete package section", k.Key)
		}
		if k.Path == "" || k.Param == "" {
			t.Errorf("kind %q has no route", k.Key)
		}
		if k.named.code == "" {
			t.Errorf("kind %q has no code for its errors and audit actions", k.Key)
		}
		c, ok := colls[k.named.coll]
		switch {
		case !ok:
			t.Errorf("kind %q: collection %q is not a system collection", k.Key, k.named.coll)
		case c.notExported != "" || !c.rehearsed:
			t.Errorf("kind %q: collection %q is left out of the export or a package rehearsal", k.Key, c.name)
		}
		ofKind[k.named.coll] = true
	}
	for _, s := range packageSections() {
		if !keys[s.key] {
			t.Errorf("package section %q is no kind's", s.key)
		}
	}
	// A rehearsal also copies the people definitions name and the approval processes' earlier
	// versions, which running approvals follow.
	notKinds := map[string]bool{collUsers: true, collApprovalVersions: true}
	for _, c := range rehearsedColls() {
		if !ofKind[c.name] && !notKinds[c.name] {
			t.Errorf("collection %q is rehearsed as a definition, but no kind of definition stores it", c.name)
		}
	}
}
