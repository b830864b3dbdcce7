package engine

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	"crm/engine/store"
	"crm/workflow"
)

// DuplicatesKey is the key of a write's answer listing what warn rules found (no field can be
// named so: names start with a letter).
const DuplicatesKey = "_duplicates"

// Bounds of one check: candidates read per rule (each side of a fuzzy key's neighbourhood), and
// matches answered.
const (
	duplicateCandidates = 25
	// tailCandidates: the tail key's neighbourhood is for names that differ only at their
	// start, which sort next to each other from the end; a narrower read keeps the check's random
	// reads few at 100k records.
	tailCandidates      = 8
	maxDuplicateMatches = 20
)

// Duplicates is what duplicate rules found for a record: the matches the caller may see, and
// how many others there are (records they may not read, or found by a field hidden from them),
// so that nothing about those leaks. Block tells whether a rule that blocks found any.
type Duplicates struct {
	Matches []DuplicateMatch `json:"matches"`
	Hidden  int              `json:"hidden"`
	Block   bool             `json:"block"`
}

// DuplicateMatch is one record a rule found, as the caller may see it.
type DuplicateMatch struct {
	Rule      string   `json:"rule"`
	RuleLabel string   `json:"rule_label,omitempty"`
	Action    string   `json:"action"`
	Object    string   `json:"object"`
	ID        string   `json:"id"`
	Title     any      `json:"title,omitempty"`
	Fields    []string `json:"fields"`          // the found record's fields the rule compared
	Score     float64  `json:"score,omitempty"` // fuzzy conditions: the lowest similarity
	Record    Record   `json:"record"`
}

// Any tells whether anything was found.
func (d *Duplicates) Any() bool { return d != nil && (len(d.Matches) > 0 || d.Hidden > 0) }

// duplicateFound is the 409 of a write a block rule refused.
func duplicateFound(d *Duplicates, locale string) *Error {
	return &Error{Kind: KindConflict, Code: "duplicate_found", Message: errorText("duplicate_found", locale), Details: d}
}

// CheckDuplicates runs an object's duplicate rules over values a form holds (a new record, or
// record id's values with the changes), without saving: the form shows the matches as the user
// types.
func (e *Engine) CheckDuplicates(ctx context.Context, by *Actor, object, id string, values map[string]any, locale string) (*Duplicates, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Create && !g.perm.Edit {
		return nil, ErrForbidden
	}
	if err := checkKeys(values); err != nil {
		return nil, err
	}
	draft := map[string]any{}
	if id != "" {
		old, err := e.visibleDoc(ctx, def, g, id)
		if err != nil {
			return nil, err
		}
		for k, v := range g.strip(wire(def, old)) {
			draft[k] = v
		}
	}
	for k, v := range values {
		draft[k] = v
	}
	// The values as they would be stored (emails trimmed, numbers typed); a value the form has
	// not got right yet is compared as typed.
	stored, _ := def.compiled.Validate(draft, locale)
	if stored == nil {
		stored = map[string]any{}
	}
	for k, v := range draft {
		if _, ok := stored[k]; !ok {
			stored[k] = v
		}
	}
	var old store.Doc
	if id != "" {
		if old, err = e.visibleDoc(ctx, def, g, id); err != nil {
			return nil, err
		}
	}
	return e.findDuplicates(ctx, by, def.obj.Name, old, id, stored, locale)
}

// findDuplicates runs object's rules for a record with stored values (self: its id, never a
// match of itself).
// On an update (old not nil) only the rules reading a field that changes are checked, so that
// records that were duplicates before a rule existed can still be edited.
func (e *Engine) findDuplicates(ctx context.Context, by *Actor, object string, old store.Doc, self string, stored map[string]any, locale string) (*Duplicates, error) {
	set, err := e.duplicates(ctx)
	if err != nil {
		return nil, err
	}
	out := &Duplicates{Matches: []DuplicateMatch{}}
	rules := set.byObject[object]
	if rules == nil {
		return out, nil
	}
	seen := map[string]bool{}
	for _, r := range rules.Rules {
		if r.Disabled || (old != nil && !slices.ContainsFunc(r.Conditions, func(c workflow.MatchCondition) bool {
			return !reflect.DeepEqual(old[c.Field], stored[c.Field])
		})) {
			continue
		}
		found, err := e.ruleCandidates(ctx, object, r, stored)
		if err != nil {
			return nil, err
		}
		target := r.Target(object)
		var fresh []candidate
		for _, c := range found {
			id, _ := c.doc["id"].(string)
			if (target == object && id == self) || seen[target+"/"+id] {
				continue
			}
			seen[target+"/"+id] = true
			fresh = append(fresh, c)
		}
		if len(fresh) == 0 {
			continue
		}
		if r.Action == workflow.DuplicateBlock {
			out.Block = true
		}
		if err := e.shown(ctx, by, object, r, fresh, out, locale); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// candidate is a record a rule found, with the lowest fuzzy similarity (1 when none).
type candidate struct {
	doc   store.Doc
	score float64
}

// ruleCandidates reads the records a rule finds for stored values: through the index of one
// key (every exact-like condition's key at once when there are some, else the neighbourhood of
// the first fuzzy key, see workflow/duplicate_keys.go), then checks every condition.
func (e *Engine) ruleCandidates(ctx context.Context, object string, r workflow.DuplicateRule, stored map[string]any) ([]candidate, error) {
	keys := make([]string, len(r.Conditions))
	var eq store.And
	fuzzy := -1
	for i, c := range r.Conditions {
		k, ok := workflow.Key(c.Match, stored[c.Field], c.PhoneRegion())
		if !ok {
			return nil, nil // an empty value matches nothing
		}
		keys[i] = k
		if c.Match == workflow.MatchFuzzy {
			if fuzzy < 0 {
				fuzzy = i
			}
			continue
		}
		eq = append(eq, store.Compare{Field: workflow.KeyField(c.Other(), c.Match), Op: store.Eq, Value: k, Scalar: true})
	}
	coll := recordsColl(r.Target(object))
	// A fuzzy rule's neighbours are read as their stored keys, which the searched index holds
	// (66 of them read whole were a third of a template import's CPU), and only the matches whole
	// after; an equality's few candidates are mostly matches, so they are read whole at once.
	keyFields := make([]string, len(r.Conditions))
	for i, c := range r.Conditions {
		keyFields[i] = workflow.KeyField(c.Other(), c.Match)
	}
	var docs []store.Doc
	if len(eq) > 0 {
		found, err := e.store.Find(ctx, coll, store.Query{Filter: eq, Limit: duplicateCandidates})
		if err != nil {
			return nil, storeErr(err)
		}
		docs = found
	} else {
		// The neighbourhoods of the key and of the key read from its end, so that names that
		// differ in their first characters meet too.
		c := r.Conditions[fuzzy]
		tail, _ := workflow.Key(workflow.MatchFuzzyTail, stored[c.Field], "")
		seen := map[any]bool{}
		for _, by := range []struct {
			field, key string
			limit      int
		}{
			{workflow.KeyField(c.Other(), workflow.MatchFuzzy), keys[fuzzy], duplicateCandidates},
			{workflow.KeyField(c.Other(), workflow.MatchFuzzyTail), tail, tailCandidates},
		} {
			for _, side := range []struct {
				op   store.Op
				desc bool
			}{{store.Ge, false}, {store.Lt, true}} {
				found, err := e.store.Find(ctx, coll, store.Query{
					Filter: store.Compare{Field: by.field, Op: side.op, Value: by.key, Scalar: true},
					Sort:   []store.SortKey{{Field: by.field, Desc: side.desc}}, Limit: by.limit, Keys: keyFields})
				if err != nil {
					return nil, storeErr(err)
				}
				for _, d := range found {
					if !seen[d["id"]] {
						seen[d["id"]] = true
						docs = append(docs, d)
					}
				}
			}
		}
	}
	var out []candidate
	for _, d := range docs {
		score, ok := 1.0, true
		for i, c := range r.Conditions {
			var theirs string
			var has bool
			if len(eq) > 0 { // read whole: the key from the value
				theirs, has = workflow.Key(c.Match, d[c.Other()], c.PhoneRegion())
			} else { // read as keys
				theirs, has = d[keyFields[i]].(string)
			}
			if !has || !c.Matches(keys[i], theirs) {
				ok = false
				break
			}
			if c.Match == workflow.MatchFuzzy {
				score = min(score, workflow.Similarity(keys[i], theirs))
			}
		}
		if ok {
			out = append(out, candidate{doc: d, score: score})
		}
	}
	if len(eq) == 0 {
		var err error
		if out, err = wholeCandidates(ctx, e.store, coll, out); err != nil {
			return nil, err
		}
	}
	// Best first: the neighbourhood comes in index order, not by likeness.
	slices.SortStableFunc(out, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	return out, nil
}

// wholeCandidates reads the found candidates' documents whole; one deleted since is dropped.
func wholeCandidates(ctx context.Context, st store.Store, coll string, found []candidate) ([]candidate, error) {
	if len(found) == 0 {
		return found, nil
	}
	ids := make([]any, len(found))
	for i, c := range found {
		ids[i] = c.doc["id"]
	}
	docs, err := st.Find(ctx, coll, store.Query{Filter: store.In{Field: "id", Values: ids, Scalar: true}})
	if err != nil {
		return nil, storeErr(err)
	}
	byID := make(map[any]store.Doc, len(docs))
	for _, d := range docs {
		byID[d["id"]] = d
	}
	out := found[:0]
	for _, c := range found {
		if d, ok := byID[c.doc["id"]]; ok {
			c.doc = d
			out = append(out, c)
		}
	}
	return out, nil
}

// shown adds a rule's candidates to out: those the caller may read, by fields they may see, as
// matches; the others to the hidden count.
func (e *Engine) shown(ctx context.Context, by *Actor, object string, r workflow.DuplicateRule, found []candidate, out *Duplicates, locale string) error {
	target := r.Target(object)
	def, g, err := e.access(ctx, by, target)
	if err != nil {
		return err
	}
	fields := make([]string, len(r.Conditions))
	hiddenField := false
	for i, c := range r.Conditions {
		fields[i] = c.Other()
		hiddenField = hiddenField || g.hides(c.Other())
	}
	if !g.perm.Read || hiddenField {
		out.Hidden += len(found)
		return nil
	}
	visible := map[string]bool{}
	if g.read == nil {
		for _, c := range found {
			visible[c.doc["id"].(string)] = true
		}
	} else {
		ids := make([]any, len(found))
		for i, c := range found {
			ids[i] = c.doc["id"]
		}
		docs, err := e.store.Find(ctx, recordsColl(target), store.Query{Filter: store.And{store.In{Field: "id", Values: ids, Scalar: true}, g.read}})
		if err != nil {
			return storeErr(err)
		}
		for _, d := range docs {
			visible[d["id"].(string)] = true
		}
	}
	for _, c := range found {
		id := c.doc["id"].(string)
		if !visible[id] {
			out.Hidden++
			continue
		}
		if len(out.Matches) >= maxDuplicateMatches {
			continue // enough to decide; the count of visible ones beyond is not told either
		}
		rec := g.strip(wire(def, c.doc))
		m := DuplicateMatch{Rule: r.Name, RuleLabel: r.Label.In(locale), Action: r.Action, Object: target, ID: id,
			Fields: fields, Record: rec, Title: nameOf(def.obj, rec)}
		if c.score < 1 {
			m.Score = float64(int(c.score*100)) / 100
		}
		out.Matches = append(out.Matches, m)
	}
	return nil
}

// String is a short account of the matches for logs and import error reports.
func (d *Duplicates) String() string {
	s := fmt.Sprintf("%d match(es)", len(d.Matches))
	if d.Hidden > 0 {
		s += fmt.Sprintf(" and %d you may not see", d.Hidden)
	}
	return s
}

// checkDuplicates is the duplicate check of a write by a person (processes are not checked: an
// automation's write must not fail on what a person would be warned of): a block rule that found
// something refuses it, warn rules' matches come back for the answer.
func (e *Engine) checkDuplicates(ctx context.Context, by *Actor, object string, old store.Doc, self string, stored map[string]any, locale string) (*Duplicates, error) {
	if by == SystemActor {
		return nil, nil
	}
	d, err := e.findDuplicates(ctx, by, object, old, self, stored, locale)
	if err != nil {
		return nil, err
	}
	if d.Block {
		return nil, duplicateFound(d, locale)
	}
	return d, nil
}

// putDuplicateKeys puts the keys the rules read into a record about to be stored.
func (e *Engine) putDuplicateKeys(ctx context.Context, object string, stored map[string]any) error {
	set, err := e.duplicates(ctx)
	if err != nil {
		return err
	}
	def, err := e.current(ctx, object)
	if err != nil {
		return err
	}
	setDuplicateKeys(recordKeySpecs(set, def.obj), stored)
	return nil
}
