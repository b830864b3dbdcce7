package query

import (
	"encoding/json"
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/forms"
)

// systemFields are the fields every record has besides the object's own, typed for filters/sorts.
var systemFields = map[string]*forms.Field{
	"id":         {Name: "id", Type: "lookup"},
	"owner":      {Name: "owner", Type: "user"},
	"created_by": {Name: "created_by", Type: "user"},
	"updated_by": {Name: "updated_by", Type: "user"},
	"created_at": {Name: "created_at", Type: "datetime"},
	"updated_at": {Name: "updated_at", Type: "datetime"},
	"version":    {Name: "version", Type: "integer"},
	// Kept by the engine on records an SLA policy measures.
	"sla_status": {Name: "sla_status", Type: "picklist", Options: []forms.Option{{Value: "pending"}, {Value: "met"}, {Value: "paused"},
		{Value: "running"}, {Value: "warning"}, {Value: "breached"}}},
	"sla_due_at": {Name: "sla_due_at", Type: "datetime"},
}

// FieldOf finds a filterable field by name: a system field or one the object defines.
func FieldOf(obj *forms.Object, name string) (*forms.Field, bool) {
	if f, ok := systemFields[name]; ok {
		return f, true
	}
	f := obj.Field(name)
	return f, f != nil
}

// opsByType lists which operators a field type allows.
func opsFor(f *forms.Field) map[string]bool {
	t := f.ValueType()
	all := func(ops ...string) map[string]bool {
		m := map[string]bool{"null": true, "notnull": true}
		for _, o := range ops {
			m[o] = true
		}
		return m
	}
	switch t {
	case "text", "textarea", "email", "phone", "url", "autonumber":
		return all("=", "!=", "<", "<=", ">", ">=", "in", "contains")
	case "picklist", "lookup", "user":
		return all("=", "!=", "in")
	case "multipicklist":
		return all("=", "in", "contains")
	case "number", "integer", "currency", "percent", "date", "datetime":
		return all("=", "!=", "<", "<=", ">", ">=", "in")
	case "boolean":
		return all("=", "!=")
	}
	return all()
}

// Resolve turns a parsed filter into the seam's syntax tree over obj's fields. Lookup paths are
// refused here: they need the parents' definitions and records (ResolveWith).
func Resolve(n Node, obj *forms.Object) (store.Filter, error) {
	return ResolveWith(n, obj, nil)
}

// resolveTerm resolves a term on a field of obj named name (the last part of the term's path).
func resolveTerm(t Term, name string, obj *forms.Object) (store.Filter, error) {
	f, ok := FieldOf(obj, name)
	if !ok {
		return nil, &Error{Code: "invalid_filter", Pos: t.Pos, Message: fmt.Sprintf("unknown field %q", t.Field)}
	}
	if !opsFor(f)[t.Op] {
		return nil, &Error{Code: "invalid_filter", Pos: t.Pos, Message: fmt.Sprintf("operator %s cannot be used with %s field %q", opName(t.Op), f.Type, t.Field)}
	}
	scalar := f.Type != "multipicklist" // only multipicklists hold arrays: the rest use plain indexes
	switch t.Op {
	case "null", "notnull":
		return store.IsNull{Field: f.Name, Negate: t.Op == "notnull"}, nil
	case "contains":
		if t.Values[0].Kind != "string" {
			return nil, &Error{Code: "invalid_filter", Pos: t.Pos, Message: "contains takes a \"string\""}
		}
		if f.Type == "multipicklist" {
			v, err := element(f, t.Values[0], t.Pos)
			if err != nil {
				return nil, err
			}
			return store.Compare{Field: f.Name, Op: store.Eq, Value: v}, nil
		}
		return store.Contains{Field: f.Name, Value: t.Values[0].Text}, nil
	case "in":
		vals := make([]any, 0, len(t.Values))
		for _, l := range t.Values {
			v, err := element(f, l, t.Pos)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
		}
		return store.In{Field: f.Name, Values: vals, Scalar: scalar}, nil
	}
	v, err := element(f, t.Values[0], t.Pos)
	if err != nil {
		return nil, err
	}
	return store.Compare{Field: f.Name, Op: store.Op(t.Op), Value: v, Scalar: scalar}, nil
}

// element converts one literal into the stored kind of f (for a multipicklist: of one element).
func element(f *forms.Field, l Literal, pos int) (any, error) {
	var wire any
	switch l.Kind {
	case "string":
		wire = l.Text
	case "number":
		wire = json.Number(l.Text)
	case "bool":
		wire = l.Text == "true"
	}
	if f.Name == "version" {
		if n, err := json.Number(l.Text).Int64(); err == nil && l.Kind == "number" {
			return n, nil
		}
		return nil, &Error{Code: "invalid_filter", Pos: pos, Message: "version is a whole number"}
	}
	// An owner is a user or a pool of the object ("pool:lead_pool", forms/object_pools.go).
	if name, ok := strings.CutPrefix(l.Text, forms.PoolOwnerPrefix); ok && f.Name == "owner" && l.Kind == "string" && forms.NamePattern.MatchString(name) {
		return l.Text, nil
	}
	if f.Type == "multipicklist" {
		s, ok := wire.(string)
		if !ok {
			return nil, &Error{Code: "invalid_filter", Pos: pos, Message: fmt.Sprintf("%s takes a \"string\"", f.Name)}
		}
		if _, err := f.StoreValue([]any{s}); err != nil {
			return nil, &Error{Code: "invalid_filter", Pos: pos, Message: fmt.Sprintf("%q is not an option of %s", s, f.Name)}
		}
		return s, nil
	}
	v, err := f.StoreValue(wire)
	if err != nil || v == nil {
		return nil, &Error{Code: "invalid_filter", Pos: pos, Message: fmt.Sprintf("%s does not fit %s field %q", l.describe(), f.Type, f.Name)}
	}
	return v, nil
}

func (l Literal) describe() string {
	if l.Kind == "string" {
		return fmt.Sprintf("%q", l.Text)
	}
	return l.Text
}

func opName(op string) string {
	switch op {
	case "null":
		return "is null"
	case "notnull":
		return "is not null"
	}
	return op
}

// Search builds the filter of a q= text search: any text-like field contains q.
func Search(q string, obj *forms.Object) (store.Filter, error) {
	if q == "" {
		return nil, nil
	}
	if len(q) > 200 {
		return nil, &Error{Code: "invalid_filter", Pos: -1, Message: "search text is longer than 200 characters"}
	}
	var or store.Or
	for _, f := range obj.Fields {
		switch f.Type {
		case "text", "textarea", "email", "phone", "url", "autonumber":
			or = append(or, store.Contains{Field: f.Name, Value: q})
		}
	}
	return or, nil
}
