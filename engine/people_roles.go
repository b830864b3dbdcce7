package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"crm/engine/store"
	"crm/forms"
)

// Built-in roles. admin may do everything and cannot be changed; the others are stored like
// custom roles, seeded with these defaults, and may be adjusted by an admin.
const (
	RoleAnalyst = "analyst"
	RoleManager = "manager"
	RoleSales   = "sales"
	RoleSupport = "support"
)

// Perm is what a role may do with one object's records. See-all and edit-all lift record-level
// sharing: without them a user reaches their own records, their reports' and those shared with them.
type Perm struct {
	Create  bool `json:"create,omitempty"`
	Read    bool `json:"read,omitempty"`
	Edit    bool `json:"edit,omitempty"`
	Delete  bool `json:"delete,omitempty"`
	SeeAll  bool `json:"see_all,omitempty"`
	EditAll bool `json:"edit_all,omitempty"`
}

func (p Perm) or(q Perm) Perm {
	return Perm{p.Create || q.Create, p.Read || q.Read, p.Edit || q.Edit, p.Delete || q.Delete, p.SeeAll || q.SeeAll, p.EditAll || q.EditAll}
}

// Field access levels of field-level security; a field not listed is editable.
const (
	FieldHidden   = "hidden"
	FieldReadOnly = "read_only"
)

// Role is a named set of permissions: per object and per object and field. An object a role does
// not list grants it nothing, so a new object is reached by admins only until an admin grants it.
// The key "*" of earlier versions ("every object not listed") is still accepted on save, as a
// shorthand for every object that exists at that moment: it is expanded then and never stored,
// so it cannot widen access to objects made later (see expandEveryObject).
type Role struct {
	Name    string                       `json:"name"`
	Label   forms.Label                  `json:"label,omitempty"`
	Builtin bool                         `json:"builtin,omitempty"`
	Define  bool                         `json:"define,omitempty"` // may change object definitions
	Objects map[string]Perm              `json:"objects,omitempty"`
	Fields  map[string]map[string]string `json:"fields,omitempty"`
	Version int64                        `json:"version,omitempty"`
}

var everyObject = "*"

// builtinRoles are the defaults seeded on first start. They grant no object: on a new database
// there is none yet, and the template (or an admin) lists what each role may do per object.
func builtinRoles() []*Role {
	none := map[string]Perm{}
	return []*Role{
		{Name: RoleAnalyst, Label: forms.Label{"en": "Analyst", "zh-CN": "业务分析师"}, Builtin: true, Define: true, Objects: none},
		{Name: RoleManager, Label: forms.Label{"en": "Manager", "zh-CN": "经理"}, Builtin: true, Objects: none},
		{Name: RoleSales, Label: forms.Label{"en": "Sales", "zh-CN": "销售"}, Builtin: true, Objects: none},
		{Name: RoleSupport, Label: forms.Label{"en": "Support", "zh-CN": "客服"}, Builtin: true, Objects: none},
	}
}

// expandEveryObject replaces the key "*" of a role (the grant of every object not listed, as
// earlier versions stored it) by one entry per object in objects that the role does not list.
// It reports whether the role had the key.
func expandEveryObject(r *Role, objects []string) bool {
	all, ok := r.Objects[everyObject]
	if !ok {
		return false
	}
	delete(r.Objects, everyObject)
	for _, o := range objects {
		if _, listed := r.Objects[o]; !listed && all != (Perm{}) {
			r.Objects[o] = all
		}
	}
	return true
}

// expandStoredRoles rewrites, once, the roles an earlier version stored with the key "*": each
// keeps exactly what it reached (every object that exists now) and objects made later grant it
// nothing until an admin says so. Migration 2 (schema_version.go); a role without the key is left alone.
func (e *Engine) expandStoredRoles(ctx context.Context) error {
	docs, err := e.store.Find(ctx, collRoles, store.Query{})
	if err != nil {
		return storeErr(err)
	}
	var names []string
	for _, d := range docs {
		r, err := roleFromDoc(d)
		if err != nil {
			return err
		}
		if _, ok := r.Objects[everyObject]; !ok {
			continue
		}
		if names == nil {
			if names, err = e.objectNames(ctx); err != nil {
				return err
			}
		}
		expandEveryObject(r, names)
		if err := e.store.Replace(ctx, collRoles, roleDoc(r), r.Version); err != nil {
			return storeErr(err)
		}
		e.log.Info("role: the grant of every object (\"*\") is now one grant per existing object; new objects grant this role nothing until an admin grants them",
			"role", r.Name, "objects", len(names))
	}
	if names != nil {
		e.changedDirectory(ctx)
	}
	return nil
}

// seedRoles stores the built-in roles that do not exist yet.
func (e *Engine) seedRoles(ctx context.Context) error {
	for _, r := range builtinRoles() {
		err := e.store.Insert(ctx, collRoles, roleDoc(r))
		if err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return storeErr(err)
		}
	}
	return nil
}

// ListRoles returns every role, admin first, then by name.
func (e *Engine) ListRoles(ctx context.Context, by *Actor) ([]*Role, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	out := []*Role{adminRole()}
	for _, r := range dir.roles {
		out = append(out, r)
	}
	sort.Slice(out[1:], func(i, j int) bool { return out[1+i].Name < out[1+j].Name })
	return out, nil
}

func adminRole() *Role {
	return &Role{Name: RoleAdmin, Label: forms.Label{"en": "Administrator", "zh-CN": "管理员"}, Builtin: true, Define: true,
		Objects: map[string]Perm{everyObject: {true, true, true, true, true, true}}}
}

// GetRole returns one role.
func (e *Engine) GetRole(ctx context.Context, by *Actor, name string) (*Role, error) {
	if name == RoleAdmin {
		return adminRole(), nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	r := dir.roles[name]
	if r == nil {
		return nil, errorf(KindNotFound, "role_not_found", "no role named %q", name)
	}
	return r, nil
}

// SaveRole creates (ifMatch -1) or replaces (ifMatch: the version read, 0: any) a role. Admins only.
func (e *Engine) SaveRole(ctx context.Context, by *Actor, r *Role, create bool, ifMatch int64) (*Role, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	if r.Name == RoleAdmin {
		return nil, errorf(KindForbidden, "role_fixed", "the admin role cannot be changed")
	}
	if _, ok := r.Objects[everyObject]; ok {
		names, err := e.objectNames(ctx)
		if err != nil {
			return nil, err
		}
		expandEveryObject(r, names)
	}
	if err := e.checkRole(ctx, r); err != nil {
		return nil, err
	}
	if create {
		r.Builtin = false
		if err := e.store.Insert(ctx, collRoles, roleDoc(r)); err != nil {
			if errors.Is(err, store.ErrDuplicateID) {
				return nil, errorf(KindConflict, "role_exists", "a role named %q exists", r.Name)
			}
			return nil, storeErr(err)
		}
		r.Version = 1
	} else {
		old, err := e.store.Get(ctx, collRoles, r.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errorf(KindNotFound, "role_not_found", "no role named %q", r.Name)
		}
		if err != nil {
			return nil, storeErr(err)
		}
		stored, err := roleFromDoc(old)
		if err != nil {
			return nil, err
		}
		version := stored.Version
		if ifMatch != 0 && ifMatch != version {
			return nil, storeErr(store.ErrVersionConflict)
		}
		r.Builtin = stored.Builtin
		if err := e.store.Replace(ctx, collRoles, roleDoc(r), version); err != nil {
			return nil, storeErr(err)
		}
		r.Version = version + 1
	}
	e.changedDirectory(ctx)
	e.audit(ctx, by, auditEntry{Action: rolesKind.audited("saved"), Object: "role", Record: r.Name})
	return r, nil
}

// DeleteRole removes a custom role that no user holds.
func (e *Engine) DeleteRole(ctx context.Context, by *Actor, name string) error {
	if !by.IsAdmin() {
		return ErrForbidden
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return err
	}
	r := dir.roles[name]
	switch {
	case name == RoleAdmin || (r != nil && r.Builtin):
		return errorf(KindForbidden, "role_fixed", "built-in roles cannot be deleted")
	case r == nil:
		return errorf(KindNotFound, "role_not_found", "no role named %q", name)
	}
	for _, u := range dir.users {
		for _, ur := range u.Roles {
			if ur == name {
				return errorf(KindConflict, "role_in_use", "user %s holds role %s", u.Email, name)
			}
		}
	}
	if err := e.store.Delete(ctx, collRoles, name, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeErr(err)
	}
	e.changedDirectory(ctx)
	e.audit(ctx, by, auditEntry{Action: rolesKind.audited("deleted"), Object: "role", Record: name})
	return nil
}

// checkRole reports every problem of a role at once.
func (e *Engine) checkRole(ctx context.Context, r *Role) error {
	var probs []forms.Problem
	if !forms.NamePattern.MatchString(r.Name) {
		probs = append(probs, forms.Problem{Pointer: "/name", Code: "invalid_name", Message: "a role name starts with a lower-case letter and holds only a-z, 0-9 and _"})
	}
	objs, err := e.ListObjects(ctx, SystemActor)
	if err != nil {
		return err
	}
	known := map[string]*forms.Object{}
	for _, o := range objs {
		known[o.Name] = o.Object
	}
	for name := range r.Objects {
		if known[name] == nil {
			probs = append(probs, forms.Problem{Pointer: "/objects/" + name, Code: "unknown_object", Message: fmt.Sprintf("no object named %q", name)})
		}
	}
	for obj, fields := range r.Fields {
		o := known[obj]
		if o == nil {
			probs = append(probs, forms.Problem{Pointer: "/fields/" + obj, Code: "unknown_object", Message: fmt.Sprintf("no object named %q", obj)})
			continue
		}
		for f, level := range fields {
			at := "/fields/" + obj + "/" + f
			switch {
			case o.Field(f) == nil:
				probs = append(probs, forms.Problem{Pointer: at, Code: "unknown_field", Message: fmt.Sprintf("%s has no field %q", obj, f)})
			case level != FieldHidden && level != FieldReadOnly:
				probs = append(probs, forms.Problem{Pointer: at, Code: "invalid_option", Message: "a field is hidden or read_only"})
			}
		}
	}
	if len(probs) > 0 {
		sort.Slice(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
		return &Error{Kind: KindValidation, Code: "invalid_role", Message: fmt.Sprintf("the role has %d problem(s)", len(probs)), Problems: probs}
	}
	return nil
}

func roleDoc(r *Role) store.Doc {
	objects := map[string]any{}
	for k, p := range r.Objects {
		objects[k] = map[string]any{"create": p.Create, "read": p.Read, "edit": p.Edit, "delete": p.Delete, "see_all": p.SeeAll, "edit_all": p.EditAll}
	}
	fields := map[string]any{}
	for obj, fs := range r.Fields {
		m := map[string]any{}
		for f, level := range fs {
			m[f] = level
		}
		fields[obj] = m
	}
	label := map[string]any{}
	for k, v := range r.Label {
		label[k] = v
	}
	return store.Doc{"id": r.Name, "label": label, "builtin": r.Builtin, "define": r.Define, "objects": objects, "fields": fields}
}

func roleFromDoc(d store.Doc) (*Role, error) {
	var stored struct {
		Role
		ID string `json:"id"` // the name
	}
	if err := decodeDoc(collRoles, d, &stored); err != nil {
		return nil, err
	}
	r := &stored.Role
	r.Name = stored.ID
	if r.Label == nil {
		r.Label = forms.Label{}
	}
	if r.Objects == nil {
		r.Objects = map[string]Perm{}
	}
	if r.Fields == nil {
		r.Fields = map[string]map[string]string{}
	}
	return r, nil
}
