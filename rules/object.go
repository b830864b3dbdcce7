package rules

import (
	"fmt"
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
	s := &Set{Env: NewEnv(obj), Object: obj, Compiled: compiled,
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
