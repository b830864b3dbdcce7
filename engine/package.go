package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// A package is every definition of an app as one document: what GET /api/meta/export answers,
// what POST /api/meta/import and `crm template apply` take, and what templates/ hold. Each part is
// a list of definitions in exactly the shape their own API takes.

// PackageFormat names the package layout; a package of another format is refused.
const PackageFormat = "crm-package/1"

// Package is a decoded package.
type Package struct {
	Format  string
	Name    string
	Version string
	Label   forms.Label
	Parts   map[string][]map[string]any
}

var packageHeader = []string{"format", "name", "version", "label"}

// MarshalJSON writes the header members then each part under its key.
func (p *Package) MarshalJSON() ([]byte, error) {
	m := map[string]any{"format": p.Format, "name": p.Name}
	if p.Version != "" {
		m["version"] = p.Version
	}
	if len(p.Label) > 0 {
		m["label"] = p.Label
	}
	for k, v := range p.Parts {
		m[k] = v
	}
	return json.Marshal(m)
}

// DecodePackage reads a package; every problem of its shape comes back at once with its pointer.
func DecodePackage(b []byte) (*Package, error) {
	var raw map[string]json.RawMessage
	if err := decodeJSON(b, &raw); err != nil {
		return nil, errorf(KindInvalid, "malformed_json", "the package is not a JSON object: %v", err)
	}
	p := &Package{Parts: map[string][]map[string]any{}}
	var probs []forms.Problem
	bad := func(at, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: at, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	known := map[string]bool{}
	for _, s := range packageSections() {
		known[s.key] = true
	}
	for k, v := range raw {
		switch k {
		case "format":
			_ = json.Unmarshal(v, &p.Format)
		case "name":
			_ = json.Unmarshal(v, &p.Name)
		case "version":
			_ = json.Unmarshal(v, &p.Version)
		case "label":
			if err := json.Unmarshal(v, &p.Label); err != nil {
				bad("/label", "invalid_type", "a label maps locales to text")
			}
		default:
			if !known[k] {
				bad("/"+k, "unknown_key", "a package has no member %q", k)
				continue
			}
			var list []map[string]any
			if err := decodeJSON(v, &list); err != nil {
				bad("/"+k, "invalid_type", "%s is a list of definitions", k)
				continue
			}
			p.Parts[k] = list
		}
	}
	if p.Format != PackageFormat {
		bad("/format", "unknown_format", "the package format must be %q", PackageFormat)
	}
	if !forms.NamePattern.MatchString(p.Name) {
		bad("/name", "invalid_name", "a package name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	if len(probs) > 0 {
		return nil, invalidPackage(probs)
	}
	return p, nil
}

func invalidPackage(probs []forms.Problem) *Error {
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
	return &Error{Kind: KindValidation, Code: "invalid_package", Problems: probs,
		Message: fmt.Sprintf("the package has %d problem(s); nothing was changed", len(probs))}
}

// ExportPackage returns every definition as one package.
func (e *Engine) ExportPackage(ctx context.Context, by *Actor, name string) (*Package, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	p := &Package{Format: PackageFormat, Name: name, Parts: map[string][]map[string]any{}}
	for _, s := range packageSections() {
		cur, err := s.list(ctx, e)
		if err != nil {
			return nil, err
		}
		list := []map[string]any{}
		for _, v := range cur {
			m, err := s.normalize(v)
			if err != nil {
				return nil, err
			}
			dropMaskedSecrets(m)
			if err := e.exportPeople(ctx, s, m); err != nil {
				return nil, err
			}
			list = append(list, m)
		}
		sort.SliceStable(list, func(i, j int) bool { return s.name(list[i]) < s.name(list[j]) })
		p.Parts[s.key] = list
	}
	return p, nil
}

// dropMaskedSecrets removes webhook secrets, which reads show masked, from an exported
// definition: the database it is imported into makes its own secret, shown once when saved.
func dropMaskedSecrets(v any) {
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["secret"].(string); ok && workflow.IsMaskedSecret(s) {
			delete(x, "secret")
		}
		for _, c := range x {
			dropMaskedSecrets(c)
		}
	case []any:
		for _, c := range x {
			dropMaskedSecrets(c)
		}
	}
}

// ImportResult says what applying a package changed.
type ImportResult struct {
	Package   string   `json:"package"`
	Version   string   `json:"version,omitempty"`
	DryRun    bool     `json:"dry_run,omitempty"`
	Created   []string `json:"created"`
	Updated   []string `json:"updated"`
	Unchanged int      `json:"unchanged"`
	// KeptChanges are the places where the customer changed what the package changed too: the
	// customer's value stays.
	KeptChanges []string `json:"kept_changes,omitempty"`
	// KeptDeleted are definitions the customer deleted after an earlier version: not restored.
	KeptDeleted []string `json:"kept_deleted,omitempty"`
	// AddedMembers are the team memberships the package added ("team: email").
	AddedMembers []string `json:"added_members,omitempty"`
	// DroppedPeople are references to people this server does not have, removed on request
	// ("pointer: email"); see package_people.go.
	DroppedPeople []string `json:"dropped_people,omitempty"`
}

// step is one engine call of an import.
type step struct {
	sec    *section
	at     string // the element's pointer in the package
	name   string
	value  map[string]any
	exists bool
	again  bool // the second save of an object this plan creates without its roll-ups first
}

// ImportPackage applies a package. Everything is checked first, by applying it to a scratch copy
// of the definitions through the same engine calls, and against the stored records; on any problem
// nothing changes. Definitions equal to what is stored are not saved again, so applying a package
// twice changes nothing, and a newer version merges with what the customer changed (see
// package_merge.go). Admins only: a package carries roles and teams. People are named by email
// (package_people.go).
func (e *Engine) ImportPackage(ctx context.Context, by *Actor, p *Package, opts ImportOptions) (*ImportResult, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	dryRun := opts.DryRun
	base, err := e.packageBase(ctx, p.Name)
	if err != nil {
		return nil, err
	}
	probs, dropped, err := e.importPeople(ctx, p, opts.DropUnknownUsers)
	if err != nil {
		return nil, err
	}
	if len(probs) > 0 {
		return nil, invalidPackage(probs)
	}
	steps, res, err := e.planPackage(ctx, p, base)
	if err != nil {
		return nil, err
	}
	res.DryRun, res.DroppedPeople = dryRun, dropped
	if len(steps) > 0 {
		if err := e.rehearse(ctx, by, steps); err != nil {
			return nil, err
		}
		if err := e.checkPackageBreakage(ctx, steps); err != nil {
			return nil, err
		}
	}
	members := packageMembers(p)
	if dryRun {
		res.AddedMembers, err = e.addMembers(ctx, by, members, true)
		return res, err
	}
	if err := applySteps(ctx, e, by, steps); err != nil {
		return nil, err
	}
	if res.AddedMembers, err = e.addMembers(ctx, by, members, false); err != nil {
		return nil, err
	}
	if err := e.savePackageBase(ctx, p); err != nil {
		return nil, err
	}
	if len(steps) > 0 || len(res.AddedMembers) > 0 {
		e.audit(ctx, by, auditEntry{Action: "package_imported", Object: "package", Record: p.Name})
	}
	return res, nil
}

// planPackage merges every element with what is stored and lists the saves needed, in order.
func (e *Engine) planPackage(ctx context.Context, p *Package, base map[string][]map[string]any) ([]step, *ImportResult, error) {
	res := &ImportResult{Package: p.Name, Version: p.Version, Created: []string{}, Updated: []string{}}
	var steps, roleSteps []step
	var probs []forms.Problem
	for _, s := range packageSections() {
		curList, err := s.list(ctx, e)
		if err != nil {
			return nil, nil, err
		}
		cur := map[string]map[string]any{}
		for _, v := range curList {
			m, err := s.normalize(v)
			if err != nil {
				return nil, nil, err
			}
			cur[s.name(m)] = m
		}
		baseBy := map[string]map[string]any{}
		for _, m := range base[s.key] {
			baseBy[s.name(m)] = m
		}
		seen := map[string]bool{}
		var sectionSteps []step
		for i, raw := range p.Parts[s.key] {
			at := fmt.Sprintf("/%s/%d", s.key, i)
			name := s.name(raw)
			if name == "" || seen[name] {
				probs = append(probs, forms.Problem{Pointer: at + "/" + s.id, Code: "invalid_name",
					Message: fmt.Sprintf("each of %s needs its own %s", s.key, s.id)})
				continue
			}
			seen[name] = true
			v, ps, err := s.typed(raw)
			if err != nil {
				return nil, nil, err
			}
			if len(ps) > 0 {
				for _, pr := range ps {
					pr.Pointer = at + pr.Pointer
					probs = append(probs, pr)
				}
				continue
			}
			next, err := s.normalize(v)
			if err != nil {
				return nil, nil, err
			}
			label := s.key + "/" + name
			c, exists := cur[name]
			b, inBase := baseBy[name]
			switch {
			case !exists && inBase:
				res.KeptDeleted = append(res.KeptDeleted, label)
				continue
			case !exists:
				res.Created = append(res.Created, label)
				sectionSteps = append(sectionSteps, step{sec: s, at: at, name: name, value: next})
				continue
			}
			var m merger
			var bv any = absent
			if inBase {
				bv = b
			}
			merged := m.merge("/"+label, bv, c, next).(map[string]any)
			for _, k := range m.sortedPaths() {
				res.KeptChanges = append(res.KeptChanges, k)
			}
			if same(merged, c) {
				res.Unchanged++
				continue
			}
			res.Updated = append(res.Updated, label)
			sectionSteps = append(sectionSteps, step{sec: s, at: at, name: name, value: merged, exists: true})
		}
		switch s.key {
		case "roles":
			// New roles are made empty first, so objects' sharing rules can name them; their
			// permissions follow once the objects exist.
			for _, st := range sectionSteps {
				if !st.exists {
					steps = append(steps, step{sec: s, at: st.at, name: st.name,
						value: map[string]any{"name": st.name, "label": st.value["label"], "define": st.value["define"]}})
					st.exists = true
				}
				roleSteps = append(roleSteps, st)
			}
			continue
		case "objects":
			sectionSteps = rollupsLast(lookupOrder(sectionSteps))
			steps = append(steps, sectionSteps...)
			steps = append(steps, roleSteps...)
			continue
		}
		steps = append(steps, sectionSteps...)
	}
	if len(probs) > 0 {
		return nil, nil, invalidPackage(probs)
	}
	return steps, res, nil
}

// applySteps runs the saves on an engine; a refusal names the element's pointer in the package.
func applySteps(ctx context.Context, e *Engine, by *Actor, steps []step) error {
	var probs []forms.Problem
	for _, st := range steps {
		v, ps, err := st.sec.typed(st.value)
		if err == nil && len(ps) > 0 {
			err = InvalidDefinition(ps)
		}
		if err == nil {
			err = st.sec.save(ctx, e, by, v, st.exists)
		}
		if err == nil {
			continue
		}
		ps, err = problemsOf(err, st.at)
		if err != nil {
			return err
		}
		probs = append(probs, ps...)
	}
	if len(probs) > 0 {
		return invalidPackage(probs)
	}
	return nil
}

// rehearse applies the steps to a scratch database holding a copy of every definition and the
// people they name, so that every check of every engine call runs before the real database changes.
func (e *Engine) rehearse(ctx context.Context, by *Actor, steps []step) error {
	if e.scratch == nil {
		return errorf(KindUnavailable, "no_scratch_store", "package import needs a scratch database, and this server has none configured")
	}
	st, err := e.scratch(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, c := range rehearsedColls() {
		if err := st.EnsureCollection(ctx, c.name, c.indexes); err != nil {
			return err
		}
		if err := e.eachDoc(ctx, c.name, func(d store.Doc) error {
			delete(d, "password_hash")
			return st.Insert(ctx, c.name, d)
		}); err != nil {
			return err
		}
	}
	scratch, err := New(ctx, Config{Store: st, Clock: e.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	return applySteps(ctx, scratch, by, steps)
}

// checkPackageBreakage refuses object changes that stored records would not survive, as the
// definitions API does, before anything is written.
func (e *Engine) checkPackageBreakage(ctx context.Context, steps []step) error {
	for _, st := range steps {
		if st.sec.key != "objects" || !st.exists || st.again {
			continue
		}
		v, _, err := st.sec.typed(st.value)
		if err != nil {
			return err
		}
		old, err := e.current(ctx, st.name)
		if err != nil {
			return err
		}
		if err := e.checkBreakage(ctx, old.obj, v.(*forms.Object)); err != nil {
			var ee *Error
			if errors.As(err, &ee) {
				ee.Message = st.name + ": " + ee.Message + "; nothing was changed"
			}
			return err
		}
	}
	return nil
}

// The package as last applied is kept per package name: the base of the next version's merge.
func packageBaseID(name string) string { return "package:" + name }

func (e *Engine) packageBase(ctx context.Context, name string) (map[string][]map[string]any, error) {
	d, err := e.store.Get(ctx, collSettings, packageBaseID(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var stored struct {
		Body string `json:"body"`
	}
	if err := decodeDoc(collSettings, d, &stored); err != nil {
		return nil, err
	}
	p, err := DecodePackage([]byte(stored.Body))
	if err != nil {
		return nil, fmt.Errorf("the stored base of package %s: %w", name, err)
	}
	out := map[string][]map[string]any{}
	for _, s := range packageSections() {
		for _, raw := range p.Parts[s.key] {
			v, ps, err := s.typed(raw)
			if err != nil || len(ps) > 0 {
				continue // a base that no longer decodes merges as if absent
			}
			m, err := s.normalize(v)
			if err != nil {
				return nil, err
			}
			out[s.key] = append(out[s.key], m)
		}
	}
	return out, nil
}

func (e *Engine) savePackageBase(ctx context.Context, p *Package) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(p); err != nil {
		return err
	}
	doc := store.Doc{"id": packageBaseID(p.Name), "body": buf.String(), "version_name": p.Version, "applied_at": e.stamp()}
	old, err := e.store.Get(ctx, collSettings, packageBaseID(p.Name))
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = e.store.Insert(ctx, collSettings, doc)
	case err == nil:
		var v int64
		if v, err = docVersion(collSettings, old); err == nil {
			err = e.store.Replace(ctx, collSettings, doc, v)
		}
	}
	return storeErr(err)
}
