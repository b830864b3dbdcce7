package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"

	"crm/forms"
)

// Set is every expression of one object definition, compiled: what the write path and the
// evaluate endpoint run. It is built once per definition version and shared.
type Set struct {
	Env      *Env
	Object   *forms.Object
	Compiled *forms.Compiled

	defaults []fieldProgram // default_expression, in dependency order
	formulas []fieldProgram // formula fields, in dependency order
	visible  map[string]*Program
	required map[string]*Program
	readOnly map[string]*Program
	rules    []ruleProgram
}

type fieldProgram struct {
	field *forms.Field
	prog  *Program
}

type ruleProgram struct {
	rule forms.ValidationRule
	prog *Program
}

// Compile compiles every expression of a definition. Every mistake is reported at once, each at
// its JSON pointer with line and column. compiled is obj's forms.Compile, which the write path
// needs; it may be nil when only checking (then obj need not have passed forms' checks).
func Compile(obj *forms.Object, compiled *forms.Compiled) (*Set, []forms.Problem) {
	return CompileWith(obj, compiled, nil)
}

// CompileWith is Compile with references through lookups to the objects related knows.
func CompileWith(obj *forms.Object, compiled *forms.Compiled, related Related) (*Set, []forms.Problem) {
	s := &Set{Env: NewEnvWith(obj, related), Object: obj, Compiled: compiled,
		visible: map[string]*Program{}, required: map[string]*Program{}, readOnly: map[string]*Program{}}
	var problems []forms.Problem
	compile := func(src, at string, want Expect) *Program {
		if src == "" {
			return nil
		}
		p, is := s.Env.Compile(src, want)
		if is != nil {
			problems = append(problems, forms.Problem{Pointer: at, Code: "invalid_expression", Message: is.Message, Line: is.Line, Column: is.Column})
		}
		return p
	}
	cond := Expect{Kind: KindCondition}
	for i, f := range obj.Fields {
		if f == nil {
			continue
		}
		at := fmt.Sprintf("/fields/%d/", i)
		if f.Type == forms.TypeFormula {
			if p := compile(f.Expression, at+"expression", Expect{Kind: KindFormula, Type: f.ResultType}); p != nil {
				s.formulas = append(s.formulas, fieldProgram{f, p})
			}
		}
		if p := compile(f.DefaultExpression, at+"default_expression", Expect{Kind: KindValue, Type: f.Type}); p != nil {
			s.defaults = append(s.defaults, fieldProgram{f, p})
		}
		if p := compile(f.VisibleWhen, at+"visible_when", cond); p != nil {
			s.visible[f.Name] = p
		}
		if p := compile(f.RequiredWhen, at+"required_when", cond); p != nil {
			s.required[f.Name] = p
		}
		if p := compile(f.ReadOnlyWhen, at+"read_only_when", cond); p != nil {
			s.readOnly[f.Name] = p
		}
	}
	for i, r := range obj.ValidationRules {
		if p := compile(r.ErrorWhen, fmt.Sprintf("/validation_rules/%d/error_when", i), cond); p != nil {
			s.rules = append(s.rules, ruleProgram{r, p})
		}
	}
	var cyc []forms.Problem
	s.formulas, cyc = ordered(obj, s.formulas, "expression", "formula")
	problems = append(problems, cyc...)
	s.defaults, cyc = ordered(obj, s.defaults, "default_expression", "default")
	problems = append(problems, cyc...)
	if len(problems) > 0 {
		return nil, problems
	}
	return s, nil
}

// ordered sorts programs that set fields so that each runs after those it reads; a cycle is a
// problem at each field in it.
func ordered(obj *forms.Object, progs []fieldProgram, key, what string) ([]fieldProgram, []forms.Problem) {
	index := map[string]int{}
	for i, p := range progs {
		index[p.field.Name] = i
	}
	deps := make([][]int, len(progs))
	for i, p := range progs {
		for name := range identifiers(p.prog) {
			if j, ok := index[name]; ok {
				deps[i] = append(deps[i], j)
			}
		}
		sort.Ints(deps[i])
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(progs))
	var out []fieldProgram
	var problems []forms.Problem
	var visit func(i int, path []string)
	visit = func(i int, path []string) {
		switch state[i] {
		case done:
			return
		case visiting:
			problems = append(problems, forms.Problem{Pointer: fmt.Sprintf("/fields/%d/%s", fieldIndex(obj, progs[i].field.Name), key),
				Code: "cyclic_expression", Message: fmt.Sprintf("the %s depends on itself: %s", what, strings.Join(append(path, progs[i].field.Name), " -> "))})
			return
		}
		state[i] = visiting
		for _, j := range deps[i] {
			visit(j, append(path, progs[i].field.Name))
		}
		state[i] = done
		out = append(out, progs[i])
	}
	for i := range progs {
		visit(i, nil)
	}
	return out, problems
}

func fieldIndex(obj *forms.Object, name string) int {
	for i, f := range obj.Fields {
		if f != nil && f.Name == name {
			return i
		}
	}
	return -1
}

// Reads lists, sorted, the object's fields and the references through its lookups whose values
// can change what the program gives: named directly, as members of old, or in changed("f").
// Field-level security hides whatever reads a hidden field or reference; old used otherwise than
// as old.f counts as reading every field. Kept from compile: conditions are asked on every write.
func (p *Program) Reads() []string { return slices.Clone(p.reads) }

func (p *Program) findReads() []string {
	names := map[string]bool{}
	for n := range identifiers(p) {
		if p.env.fields[n] != nil || p.env.refs.all[n] != nil {
			names[n] = true
		}
	}
	olds, named := 0, 0 // uses of old, and those as old.f
	ast.Find(p.prog.Node(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IdentifierNode:
			if n.Value == "old" {
				olds++
			}
		case *ast.MemberNode:
			if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "old" {
				if s, ok := n.Property.(*ast.StringNode); ok {
					names[s.Value] = true
					named++
				}
			}
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "changed" && len(n.Arguments) == 1 {
				if s, ok := n.Arguments[0].(*ast.StringNode); ok {
					names[s.Value] = true
				}
			}
		}
		return false
	})
	if olds > named { // old[k] with a computed k, or old as a whole
		for f := range p.env.fields {
			names[f] = true
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		if p.env.fields[n] != nil || p.env.refs.all[n] != nil {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ReadsAny tells whether the program (nil: none) reads any of the fields.
func (p *Program) ReadsAny(fields map[string]bool) bool {
	if p == nil || len(fields) == 0 {
		return false
	}
	for _, n := range p.reads {
		if fields[n] {
			return true
		}
	}
	return false
}

// Conditions are a field's compiled visible_when, required_when and read_only_when (nil: none).
func (s *Set) Conditions(field string) (visible, required, readOnly *Program) {
	return s.visible[field], s.required[field], s.readOnly[field]
}

// Hidden is hidden (fields one user may not see) with every formula that reads one, directly or
// through another formula: its value would tell what it read.
func (s *Set) Hidden(hidden map[string]bool) map[string]bool {
	out := make(map[string]bool, len(hidden))
	some := false
	for f, h := range hidden {
		out[f] = h
		some = some || h
	}
	for _, fp := range s.formulas { // in dependency order: what a formula reads is decided first
		if !some {
			break
		}
		if fp.prog.ReadsAny(out) {
			out[fp.field.Name] = true
		}
	}
	return out
}

// identifiers are the top-level names a program reads (fields; not members of old or user, nor
// the budget's own names, which begin with $).
func identifiers(p *Program) map[string]bool {
	names := map[string]bool{}
	callees := map[ast.Node]bool{} // functions, the operators' own among them (same_ne), are not values
	ast.Find(p.prog.Node(), func(n ast.Node) bool {
		if c, ok := n.(*ast.CallNode); ok {
			callees[c.Callee] = true
		}
		return false
	})
	ast.Find(p.prog.Node(), func(n ast.Node) bool {
		if id, ok := n.(*ast.IdentifierNode); ok && !callees[n] && !strings.HasPrefix(id.Value, "$") {
			names[id.Value] = true
		}
		return false
	})
	return names
}
