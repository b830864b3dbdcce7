package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"crm/forms"
)

// section is a kind of definition's part of a package (DefinitionKind.section): how its
// elements are named, read from the database in the package's shape, and saved through the same
// engine call the API uses.
type section struct {
	key string // the package member: "objects", "automations", ...
	id  string // the member naming an element: "name", "id", "object"
	// server lists the members a read adds that a package does not carry.
	server []string
	// people are the paths ("rules/*/target/user") of members naming users: a package names them
	// by email (package_people.go).
	people []string
	// decode reads one element strictly, so a typo in a package is a problem, not a silent drop.
	decode func(b []byte) (any, []forms.Problem, error)
	// list reads the current elements.
	list func(ctx context.Context, e *Engine) ([]any, error)
	// save writes one element; exists tells create from replace.
	save func(ctx context.Context, e *Engine, by *Actor, v any, exists bool) error
}

// packageSections are the package sections of the definition kinds, in the order a package is
// applied.
func packageSections() []*section {
	kinds := DefinitionKinds()
	out := make([]*section, len(kinds))
	for i, k := range kinds {
		s := k.section
		s.key = k.Key
		out[i] = &s
	}
	return out
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

// anySlice is in as []any, nil when in is nil (a list answers null as before).
func anySlice[T any](in []T) []any {
	if in == nil {
		return nil
	}
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
