package forms

import (
	"fmt"
	"strings"
)

// Check reports every problem in the definition at once, never stopping at the first, so that the
// builder can mark all of them in one round. exists tells whether an object name exists, for lookup
// targets (the object itself always counts; nil means every name exists). Problems come in the
// order of the definition: name, label, fields, validation rules, layouts, sharing, indexes, timeline.
func (o *Object) Check(exists func(name string) bool) []Problem {
	r := &report{self: o.Name, known: exists}
	if !NamePattern.MatchString(o.Name) {
		r.add("/name", codeInvalidName, "object name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", o.Name)
	}
	checkLabel(o.Label, "/label", r)

	seen := make(map[string]bool, len(o.Fields))
	var sound []int                    // fields without problems, whose defaults can be validated
	ends := make([]int, len(o.Fields)) // where each field's problems end, to put default problems after them
	for i, f := range o.Fields {
		at := fmt.Sprintf("/fields/%d", i)
		if f == nil {
			r.add(at, codeInvalidField, "a field must be an object with a name and a type")
			ends[i] = len(r.problems)
			continue
		}
		before := len(r.problems)
		switch {
		case !NamePattern.MatchString(f.Name):
			r.add(at+"/name", codeInvalidName, "field name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", f.Name)
		case isSystemField(f.Name):
			r.add(at+"/name", codeReservedName, "%q is a system field (%s)", f.Name, strings.Join(SystemFields, ", "))
		case strings.HasPrefix(f.Name, KeyPrefix):
			r.add(at+"/name", codeReservedName, "names starting with %q are the engine's (duplicate rule keys)", KeyPrefix)
		case seen[f.Name]:
			r.add(at+"/name", codeDuplicateName, "field name %q is used twice", f.Name)
		}
		seen[f.Name] = true
		checkFieldSettings(f, at, r)
		if len(r.problems) == before && f.Default != nil {
			sound = append(sound, i)
		}
		ends[i] = len(r.problems)
	}
	if defaults := checkDefaults(o, sound); len(defaults) > 0 {
		r.problems = mergeDefaults(r.problems, ends, defaults)
	}
	checkRules(o, r)
	checkLayouts(o, r)
	checkSharing(o, r)
	checkPools(o, r)
	checkOwnerCounts(o, r)
	checkIndexes(o, r)
	checkTimeline(o, r)
	return r.problems
}

// defaultProblem is a problem with the default of field i.
type defaultProblem struct {
	i int
	Problem
}

// checkDefaults validates the defaults of the given fields like record values, through the same
// schema and conversions, so a default can never produce a record that fails validation.
func checkDefaults(o *Object, idx []int) []defaultProblem {
	if len(idx) == 0 {
		return nil
	}
	tmp := &Object{Name: "defaults", Fields: make([]*Field, len(idx))}
	values := make(map[string]any, len(idx))
	index := make(map[string]int, len(idx))
	for k, i := range idx {
		f := *o.Fields[i]
		f.Required = false // a default is never null, and null is what required refuses
		tmp.Fields[k] = &f
		values[f.Name] = f.Default
		index[f.Name] = i
	}
	c, err := Compile(tmp)
	if err != nil {
		i := idx[0]
		return []defaultProblem{{i, Problem{Pointer: fmt.Sprintf("/fields/%d/default", i), Code: codeInvalidDefault, Message: "the defaults could not be checked: " + err.Error()}}}
	}
	_, errs := c.Validate(values, "en")
	out := make([]defaultProblem, len(errs))
	for k, e := range errs { // in field order, as Validate sorts them
		i := index[e.Field]
		out[k] = defaultProblem{i, Problem{Pointer: fmt.Sprintf("/fields/%d/default", i), Code: codeInvalidDefault, Message: "the default value is not valid: " + e.Message}}
	}
	return out
}

// mergeDefaults puts each default problem after the other problems of its field, so that all
// problems stay in the order of the definition.
func mergeDefaults(ps []Problem, ends []int, defaults []defaultProblem) []Problem {
	out := make([]Problem, 0, len(ps)+len(defaults))
	next := 0
	for _, d := range defaults {
		out = append(out, ps[next:ends[d.i]]...)
		next = ends[d.i]
		out = append(out, d.Problem)
	}
	return append(out, ps[next:]...)
}

// checkRules checks the shape of validation rules; their expressions are the rules package's.
func checkRules(o *Object, r *report) {
	seen := make(map[string]bool, len(o.ValidationRules))
	for j, vr := range o.ValidationRules {
		at := fmt.Sprintf("/validation_rules/%d", j)
		switch {
		case !NamePattern.MatchString(vr.Name):
			r.add(at+"/name", codeInvalidName, "rule name %q must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)", vr.Name)
		case seen[vr.Name]:
			r.add(at+"/name", codeDuplicateName, "rule name %q is used twice", vr.Name)
		}
		seen[vr.Name] = true
		if strings.TrimSpace(vr.ErrorWhen) == "" {
			r.add(at+"/error_when", codeMissingOption, "a validation rule needs an error_when expression")
		}
		if vr.Field != "" && o.Field(vr.Field) == nil {
			r.add(at+"/field", codeUnknownField, "the object has no field %q", vr.Field)
		}
		checkLabel(vr.Message, at+"/message", r)
	}
}
