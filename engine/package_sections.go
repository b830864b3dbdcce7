package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// section is one kind of definition in a package: how its elements are named, read from the
// database in the package's shape, and saved through the same engine call the API uses.
type section struct {
	key string // the package member: "objects", "automations", ...
	id  string // the member naming an element: "name", "id", "object"
	// server lists the members a read adds that a package does not carry.
	server []string
	// people lists members naming users of this database, which an export leaves out: they mean
	// nothing in another one (team leads are set there).
	people []string
	// decode reads one element strictly, so a typo in a package is a problem, not a silent drop.
	decode func(b []byte) (any, []forms.Problem, error)
	// list reads the current elements.
	list func(ctx context.Context, e *Engine) ([]any, error)
	// save writes one element; exists tells create from replace.
	save func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error
}

// sections are in the order a package is applied: what later ones name comes first. Roles come
// twice: new roles are created empty before the objects (whose sharing rules may name them) and
// get their permissions after the objects exist.
func packageSections() []*section {
	return []*section{
		{key: "teams", id: "id", server: []string{"version", "members"}, people: []string{"lead"},
			decode: strictDecoder[Team](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				ts, err := e.ListTeams(ctx, SystemActor)
				return anySlice(ts), err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveTeam(ctx, by, v.(*Team), !exists, 0)
				return err
			}},
		{key: "roles", id: "name", server: []string{"version", "builtin"},
			decode: strictDecoder[Role](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				rs, err := e.ListRoles(ctx, SystemActor)
				var out []any
				for _, r := range rs {
					if r.Name != RoleAdmin { // admin is fixed
						out = append(out, r)
					}
				}
				return out, err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveRole(ctx, by, v.(*Role), !exists, 0)
				return err
			}},
		{key: "objects", id: "name", server: DefinitionServerKeys,
			decode: func(b []byte) (any, []forms.Problem, error) { return forms.DecodeObject(b) },
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				os, err := e.ListObjects(ctx, SystemActor)
				out := make([]any, len(os))
				for i, o := range os {
					out[i] = o.Object
				}
				return out, err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				o := v.(*forms.Object)
				if exists {
					_, err := e.UpdateObject(ctx, by, o.Name, o, 0)
					return err
				}
				_, err := e.CreateObject(ctx, by, o)
				return err
			}},
		{key: "calendars", id: "name", server: []string{"version"},
			decode: strictDecoder[workflow.Calendar](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				cs, err := e.ListCalendars(ctx, SystemActor)
				return anySlice(cs), err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveCalendar(ctx, by, v.(*workflow.Calendar), !exists, 0)
				return err
			}},
		{key: "sla_policies", id: "name", server: []string{"version"},
			decode: strictDecoder[workflow.SLAPolicy](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				ps, err := e.ListSLAPolicies(ctx, SystemActor, "")
				return anySlice(ps), err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveSLAPolicy(ctx, by, v.(*workflow.SLAPolicy), !exists, 0)
				return err
			}},
		{key: "assignment_rules", id: "object", server: []string{"version"},
			decode: strictDecoder[workflow.AssignmentRules](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				docs, err := e.store.Find(ctx, collAssignment, store.Query{})
				if err != nil {
					return nil, storeErr(err)
				}
				out := make([]any, 0, len(docs))
				for _, d := range docs {
					var a workflow.AssignmentRules
					if err := docToStruct(d, &a); err != nil {
						return nil, err
					}
					out = append(out, &a)
				}
				return out, nil
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				a := v.(*workflow.AssignmentRules)
				_, err := e.SaveAssignmentRules(ctx, by, a.Object, a, 0)
				return err
			}},
		{key: "approval_processes", id: "name", server: []string{"version"},
			decode: strictDecoder[workflow.ApprovalProcess](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				ps, err := e.ListApprovalProcesses(ctx, SystemActor, "")
				return anySlice(ps), err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveApprovalProcess(ctx, by, v.(*workflow.ApprovalProcess), !exists, 0)
				return err
			}},
		{key: "automations", id: "name", server: []string{"version"},
			decode: strictDecoder[workflow.Automation](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				as, err := e.ListAutomations(ctx, SystemActor, "")
				return anySlice(as), err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveAutomation(ctx, by, v.(*workflow.Automation), !exists, 0)
				return err
			}},
		{key: "dashboards", id: "name", server: []string{"version"},
			decode: strictDecoder[Dashboard](),
			list: func(ctx context.Context, e *Engine) ([]any, error) {
				ds, err := e.ListDashboards(ctx, SystemActor)
				out := make([]any, len(ds))
				for i, d := range ds {
					out[i] = &d.Dashboard
				}
				return out, err
			},
			save: func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error {
				_, err := e.SaveDashboard(ctx, by, v.(*Dashboard), !exists, 0)
				return err
			}},
	}
}

// strictDecoder decodes one element refusing unknown members.
func strictDecoder[T any]() func(b []byte) (any, []forms.Problem, error) {
	return func(b []byte) (any, []forms.Problem, error) {
		v := new(T)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			return nil, []forms.Problem{{Code: "invalid_json", Message: err.Error()}}, nil
		}
		return v, nil, nil
	}
}

func anySlice[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// normalize turns an element into the package's JSON shape: typed round trip (so that defaults
// and omitted members compare equal) without the members only reads carry.
func (s *section) normalize(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := decodeJSON(b, &m); err != nil {
		return nil, err
	}
	for _, k := range s.server {
		delete(m, k)
	}
	return m, nil
}

// typed decodes a package element; problems carry pointers inside the element.
func (s *section) typed(m map[string]any) (any, []forms.Problem, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, nil, err
	}
	v, probs, err := s.decode(b)
	if err != nil {
		return nil, []forms.Problem{{Code: "invalid_json", Message: err.Error()}}, nil
	}
	return v, probs, nil
}

func (s *section) name(m map[string]any) string {
	n, _ := m[s.id].(string)
	return n
}

// problemsOf turns an engine error into problems under a package pointer; other errors pass.
func problemsOf(err error, at string) ([]forms.Problem, error) {
	var e *Error
	if !errors.As(err, &e) || e.Kind == KindUnavailable {
		return nil, err
	}
	if len(e.Problems) == 0 && len(e.Fields) == 0 {
		return []forms.Problem{{Pointer: at, Code: e.Code, Message: e.Message}}, nil
	}
	var out []forms.Problem
	for _, p := range e.Problems {
		p.Pointer = at + p.Pointer
		out = append(out, p)
	}
	for _, f := range e.Fields {
		out = append(out, forms.Problem{Pointer: fmt.Sprintf("%s/%s", at, f.Field), Code: f.Code, Message: f.Message})
	}
	return out, nil
}
