package rules

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"

	"crm/forms"
)

// Limits of one expression.
const (
	MaxLength = 4 << 10 // bytes of source
	maxNodes  = 1000    // syntax-tree nodes after parsing
	// memoryBudget bounds what one evaluation may allocate, in expr's units (roughly elements of
	// ranges, lists and maps built): far above any sensible rule, far below harm.
	memoryBudget = 100_000
)

// Kinds of expression, as the check endpoint names them.
const (
	KindCondition = "condition" // must give true or false
	KindValue     = "value"     // must give a value of a field type (defaults)
	KindFormula   = "formula"   // must give a value of a formula's result type
)

// Expect is what an expression must produce: a condition, or a value of a field type.
type Expect struct {
	Kind string
	Type string // the field type (value) or result type (formula)
}

// Issue is a mistake in an expression, at a 1-based line and column (in characters).
type Issue struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (i *Issue) Error() string { return fmt.Sprintf("%d:%d: %s", i.Line, i.Column, i.Message) }

// Env is the typed environment of one object's expressions: its fields (system fields included),
// old (the stored record on update), user (the acting user), and the library.
type Env struct {
	obj    *forms.Object
	fields map[string]*forms.Field
	names  map[string]bool // every name an expression may use as a value
	base   []expr.Option
	refs   *refState      // references through lookups (refs.go)
	noOld  map[string]any // old on a create: every field empty; shared, expressions only read it
}

// perEvaluation are library functions that read the evaluation (clock, old values); they are in
// the environment as plain functions, filled in by Context.env.
var perEvaluation = types.Map{
	"today":   types.TypeOf(func() time.Time { return time.Time{} }),
	"now":     types.TypeOf(func() time.Time { return time.Time{} }),
	"changed": types.TypeOf(func(string) bool { return false }),
}

// NewEnv builds the environment of obj's expressions, without references through lookups (see
// NewEnvWith).
func NewEnv(obj *forms.Object) *Env { return newEnv(obj, collectRefs(obj, nil)) }

func newEnv(obj *forms.Object, refs *refState) *Env {
	e := &Env{obj: obj, fields: make(map[string]*forms.Field, len(obj.Fields)), refs: refs}
	env := recordTypes(obj)
	for name, r := range refs.all {
		env[name] = typeOf(valueTypeOf(r.Field))
	}
	for _, f := range obj.Fields {
		if f != nil {
			e.fields[f.Name] = f
		}
	}
	env["old"] = recordTypes(obj)
	env["user"] = userTypes
	env[ownerUserName] = userTypes
	env[ownerCountsName] = ownerCountTypes(obj)
	env[meterName] = types.TypeOf(&meter{})
	for k, v := range perEvaluation {
		env[k] = v
	}
	e.noOld = e.record(nil)
	e.names = make(map[string]bool, len(env))
	for k := range env {
		e.names[k] = k != meterName
	}
	e.base = append([]expr.Option{expr.Env(env), expr.DisableAllBuiltins(), expr.MaxNodes(maxNodes)}, staticFunctions()...)
	e.base = append(e.base, meterFunctions()...)
	e.base = append(e.base, libraryMeterFunctions()...)
	for _, b := range allowedBuiltins {
		e.base = append(e.base, expr.EnableBuiltin(b))
	}
	e.base = append(e.base, decimalOperators()...)
	return e
}

// decimalOperators make + - * / and comparisons work on money, with whole numbers and numbers.
func decimalOperators() []expr.Option {
	pairs := [][2]any{{Decimal{}, Decimal{}}, {Decimal{}, 0}, {0, Decimal{}}, {Decimal{}, 0.0}, {0.0, Decimal{}}}
	sig := func(out any) []any {
		var s []any
		for _, p := range pairs {
			ft := reflect.FuncOf([]reflect.Type{reflect.TypeOf(p[0]), reflect.TypeOf(p[1])}, []reflect.Type{reflect.TypeOf(out)}, false)
			s = append(s, reflect.New(ft).Interface())
		}
		return s
	}
	var opts []expr.Option
	add := func(op, name string, fn func(...any) (any, error), out any) {
		opts = append(opts, expr.Function(name, fn, sig(out)...), expr.Operator(op, name))
	}
	add("+", "decimal_add", decimalArith('+'), Decimal{})
	add("-", "decimal_sub", decimalArith('-'), Decimal{})
	add("*", "decimal_mul", decimalArith('*'), Decimal{})
	add("/", "decimal_div", decimalArith('/'), Decimal{})
	add("<", "decimal_lt", decimalCompare(func(c int) bool { return c < 0 }), false)
	add("<=", "decimal_le", decimalCompare(func(c int) bool { return c <= 0 }), false)
	add(">", "decimal_gt", decimalCompare(func(c int) bool { return c > 0 }), false)
	add(">=", "decimal_ge", decimalCompare(func(c int) bool { return c >= 0 }), false)
	add("==", "decimal_eq", decimalEqual(true), false)
	add("!=", "decimal_ne", decimalEqual(false), false)
	// Whole numbers are int64: expr's own + - * would wrap around silently.
	ints := []any{new(func(int, int) int)}
	for op, name := range map[string]string{"+": "int_add", "-": "int_sub", "*": "int_mul"} {
		opts = append(opts, expr.Function(name, intArith(op), ints...), expr.Operator(op, name))
	}
	// expr's / and ** give Inf or NaN, and % panics, where these give an error.
	numbers := []any{new(func(int, int) float64), new(func(int, float64) float64), new(func(float64, int) float64), new(func(float64, float64) float64)}
	opts = append(opts,
		expr.Function("num_div", numberArith("/"), numbers...), expr.Operator("/", "num_div"),
		expr.Function("num_pow", numberArith("**"), numbers...), expr.Operator("**", "num_pow"), expr.Operator("^", "num_pow"),
		expr.Function("int_mod", numberArith("%"), ints...), expr.Operator("%", "int_mod"))
	// expr compiles == on two strings or two ints to instructions that fail on an empty (nil)
	// value; these make "stage != \"won\"" true for an empty stage, as users expect.
	same := []any{new(func(string, string) bool), new(func(int, int) bool)}
	opts = append(opts,
		expr.Function("same_eq", func(p ...any) (any, error) { return p[0] == p[1], nil }, same...), expr.Operator("==", "same_eq"),
		expr.Function("same_ne", func(p ...any) (any, error) { return p[0] != p[1], nil }, same...), expr.Operator("!=", "same_ne"))
	return opts
}

// callable are the names a call may name: the library and the kept builtins.
var callable = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range Library {
		m[f.Name] = true
	}
	for _, b := range allowedBuiltins {
		m[b] = true
	}
	return m
}()

// Program is a compiled, type-checked expression.
type Program struct {
	Source  string
	prog    *vm.Program
	expect  Expect
	env     *Env
	metered bool     // spends from the scope's meter (see budget.go)
	reads   []string // what Reads answers, found once
	names   []string // what Names answers, found once
}

// Compile parses and type-checks src for what it must produce.
func (e *Env) Compile(src string, want Expect) (*Program, *Issue) {
	if len(src) > MaxLength {
		return nil, &Issue{Line: 1, Column: 1, Message: fmt.Sprintf("the expression is longer than %d bytes", MaxLength)}
	}
	guard := &sandbox{env: e, src: src}
	ins := &instrument{}
	refs := &refPatcher{env: e, issue: func(n ast.Node, msg string) {
		if guard.issue == nil {
			guard.fail(n, msg)
		}
	}}
	opts := append(append([]expr.Option{}, e.base...), expr.Patch(refs), expr.Patch(guard), expr.Patch(ins))
	prog, err := expr.Compile(src, opts...)
	if guard.issue != nil { // found before type checking: the earlier mistake
		return nil, guard.issue
	}
	if err != nil {
		return nil, issueOf(err)
	}
	if is := guard.unknownName(); is != nil {
		return nil, is
	}
	if msg := resultProblem(prog.Node().Type(), want); msg != "" {
		return nil, &Issue{Line: 1, Column: 1, Message: msg}
	}
	if n, msg := overBudget(prog.Node()); n != nil {
		guard.fail(n, msg)
		return nil, guard.issue
	}
	p := &Program{Source: src, prog: prog, expect: want, env: e, metered: ins.applied}
	p.reads = p.findReads()
	p.names = p.findNames()
	e.markUsed(p)
	return p, nil
}

func issueOf(err error) *Issue {
	var fe *file.Error
	if errors.As(err, &fe) {
		return &Issue{Line: max(fe.Line, 1), Column: fe.Column + 1, Message: fe.Message}
	}
	return &Issue{Line: 1, Column: 1, Message: err.Error()}
}

// sandbox refuses calls of anything but the library (methods of values above all) and checks
// changed("field") names a field. It runs on the tree as written, before operators are replaced.
type sandbox struct {
	env   *Env
	src   string
	issue *Issue
	// Names used as values, checked after compiling: expr's checker lets an unknown name through
	// as an argument of a typed function (upper(titel)), so the names are checked here too.
	idents   []*ast.IdentifierNode
	callees  map[*ast.IdentifierNode]bool
	declared map[string]bool // let names
}

func (s *sandbox) Visit(node *ast.Node) {
	if s.issue != nil {
		return
	}
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		s.idents = append(s.idents, n)
	case *ast.VariableDeclaratorNode:
		if strings.HasPrefix(n.Name, "$") { // the budget's names (see instrument)
			s.fail(n, "a name cannot begin with $")
			return
		}
		if s.declared == nil {
			s.declared = map[string]bool{}
		}
		s.declared[n.Name] = true
	case *ast.BinaryNode:
		if pattern, ok := n.Right.(*ast.StringNode); ok && n.Operator == "matches" {
			if c := compilePattern(pattern.Value); c.err != nil {
				s.fail(pattern, c.err.Error())
			}
			return
		}
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	id, ok := call.Callee.(*ast.IdentifierNode)
	if ok {
		if s.callees == nil {
			s.callees = map[*ast.IdentifierNode]bool{}
		}
		s.callees[id] = true
	}
	switch {
	case !ok:
		s.fail(call, "only the functions of the library can be called, not methods of values")
	case !callable[id.Value]:
		s.fail(call, fmt.Sprintf("unknown function %s", id.Value))
	case id.Value == "changed":
		if len(call.Arguments) != 1 {
			s.fail(call, `changed takes one field name, e.g. changed("stage")`)
			return
		}
		name, ok := call.Arguments[0].(*ast.StringNode)
		if !ok {
			s.fail(call.Arguments[0], `changed takes a field name in quotes, e.g. changed("stage")`)
			return
		}
		// owner too: a claim or a transfer changes it, and holding limits ask (owner counts).
		if s.env.fields[name.Value] == nil && name.Value != "owner" {
			s.fail(name, fmt.Sprintf("unknown field %s", name.Value))
		}
	}
}

// unknownName reports the first name that is neither a field, a system name nor a let variable.
func (s *sandbox) unknownName() *Issue {
	for _, id := range s.idents {
		if !s.callees[id] && !s.declared[id.Value] && !s.env.names[id.Value] {
			s.fail(id, "unknown name "+id.Value)
			return s.issue
		}
	}
	return nil
}

func (s *sandbox) fail(n ast.Node, msg string) {
	fe := (&file.Error{Location: n.Location(), Message: msg}).Bind(file.NewSource(s.src))
	s.issue = &Issue{Line: fe.Line, Column: fe.Column + 1, Message: msg}
}

// resultProblem says why a result type does not fit what is expected; "" when it does. An
// expression of unknown type (any) is accepted and checked when it runs.
func resultProblem(t reflect.Type, want Expect) string {
	if t == nil || t.Kind() == reflect.Interface {
		return ""
	}
	if want.Kind == KindCondition {
		if t.Kind() != reflect.Bool {
			return fmt.Sprintf("a condition must be true or false, this gives %s", typeWords(t))
		}
		return ""
	}
	if !fits(t, want.Type) {
		return fmt.Sprintf("a %s value is needed, this gives %s", want.Type, typeWords(t))
	}
	return ""
}

// fits tells whether values of Go type t can become values of a field type.
func fits(t reflect.Type, fieldType string) bool {
	switch fieldType {
	case "", "any": // callers that take whatever comes (the check endpoint without a type)
		return true
	case forms.TypeCurrency, forms.TypeNumber, forms.TypePercent:
		return t == reflectDecimal || t.Kind() == reflect.Int || t.Kind() == reflect.Float64
	case forms.TypeInteger:
		return t.Kind() == reflect.Int
	case forms.TypeBoolean:
		return t.Kind() == reflect.Bool
	case forms.TypeDate, forms.TypeDatetime:
		return t == reflectTime
	case forms.TypeMultipicklist:
		return t.Kind() == reflect.Slice
	}
	return t.Kind() == reflect.String
}

func typeWords(t reflect.Type) string {
	switch {
	case t == reflectDecimal:
		return "an amount"
	case t == reflectTime:
		return "a date"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true/false"
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "text"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a record"
	}
	return t.String()
}

// Type names what the program gives in the field-type words analysts use: boolean, integer,
// number, currency, date (also for instants), text, list, or any when only running tells.
func (p *Program) Type() string {
	t := p.prog.Node().Type()
	switch {
	case t == nil || t.Kind() == reflect.Interface:
		return "any"
	case t == reflectDecimal:
		return forms.TypeCurrency
	case t == reflectTime:
		return forms.TypeDate
	}
	switch t.Kind() {
	case reflect.Bool:
		return forms.TypeBoolean
	case reflect.Int:
		return forms.TypeInteger
	case reflect.Float64:
		return forms.TypeNumber
	case reflect.String:
		return forms.TypeText
	case reflect.Slice:
		return "list"
	}
	return "any"
}

// Names lists the fields and variables the program reads at its top level ("old" and "user"
// included), sorted: the inputs a run log shows beside a decision. Found at compile: a
// decision asks for them on every write.
func (p *Program) Names() []string { return slices.Clone(p.names) }

func (p *Program) findNames() []string {
	var out []string
	for n := range identifiers(p) {
		if _, lib := perEvaluation[n]; !lib {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
