package rules

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/vm/runtime"
)

// The cost budget of one evaluation. expr's MemoryBudget counts a range once however often it
// is iterated, and no text built with +, so Compile instruments the program: a predicate
// (count, all, any, none, one) spends, before it starts, its list's size plus, per item, one
// step and the size of the values its body reads (a list's items, a text's bytes); + on text
// spends the bytes it builds. Running out stops the evaluation with a RuntimeError that
// OverBudget recognizes. A predicate that could stop early (any) is charged in full.
const (
	// costBudget is the steps of one evaluation: some 50 ms of work at most.
	costBudget = 1_000_000
	// maxDecimalBits bounds an amount's numerator and denominator: money needs tens of digits,
	// while squaring in a let chain would double them until the CPU gives out.
	maxDecimalBits = 4096
)

// MaxEvalTime bounds the wall-clock time of one instrumented evaluation: a safety net for work
// the cost budget does not count, never a decision. Set it before evaluating; 0 turns it off.
var MaxEvalTime = 250 * time.Millisecond

var (
	errBudget   = fmt.Errorf("the expression does too much work (more than %d steps): iterate over fewer items, build shorter text or match simpler patterns", costBudget)
	errDeadline = errors.New("the expression takes too much time")
	errMemory   = errors.New("the expression uses too much memory")
	errDigits   = fmt.Errorf("the expression builds an amount with too many digits (more than %d bits)", maxDecimalBits)
)

// OverBudget tells whether err is an evaluation stopped by its budget: too many steps, too much
// memory or time, an amount with too many digits.
func OverBudget(err error) bool {
	var re *RuntimeError
	return errors.As(err, &re) && re.budget
}

const meterName = "$meter" // the environment's meter; users cannot name it (see sandbox)

// meter counts the steps of one evaluation. A Scope holds one; Run resets it.
type meter struct {
	used     int
	deadline time.Time
}

func (m *meter) reset() {
	m.used, m.deadline = 0, time.Time{}
	if MaxEvalTime > 0 {
		m.deadline = time.Now().Add(MaxEvalTime)
	}
}

func (m *meter) spend(n int) error {
	if n > costBudget-m.used {
		return errBudget
	}
	m.used += n
	if !m.deadline.IsZero() && time.Now().After(m.deadline) {
		return errDeadline
	}
	return nil
}

// meterFunctions are what the instrumentation calls: $charge(meter, list, values read...)
// before a predicate, $add(meter, a, b) for + on text or on what is not typed yet.
func meterFunctions() []expr.Option {
	return []expr.Option{
		expr.Function("$charge", func(p ...any) (any, error) {
			per := 1
			for _, v := range p[2:] {
				per += sizeOf(v)
			}
			n, items := sizeOf(p[1]), lenOf(p[1])
			if items > 0 && per > costBudget/items {
				return nil, errBudget
			}
			return true, p[0].(*meter).spend(n - items + items*per) // items' own bytes, then per item
		}, new(func(*meter, any, ...any) bool)),
		func(c *conf.Config) {
			c.Functions["$add"] = &builtin.Function{Name: "$add", Func: add, Validate: addType}
		},
	}
}

// add is +: text spends its bytes, money adds exactly, anything else as expr adds.
func add(p ...any) (any, error) {
	a, ok1 := p[1].(string)
	b, ok2 := p[2].(string)
	if ok1 && ok2 {
		if err := p[0].(*meter).spend(len(a) + len(b)); err != nil {
			return nil, err
		}
		return a + b, nil
	}
	_, dec1 := p[1].(Decimal)
	_, dec2 := p[2].(Decimal)
	if dec1 || dec2 {
		return decimalAdd(p[1], p[2])
	}
	return runtime.Add(p[1], p[2]), nil
}

var decimalAdd = decimalArith('+')

// addType is the type of $add: what + gives. The sandbox patches + before the money operators
// are in place, so an operand may be untyped at first; each later type check asks again.
func addType(args []reflect.Type) (reflect.Type, error) {
	a, b := args[1], args[2]
	number := func(t reflect.Type) bool {
		return t == reflectDecimal || t.Kind() == reflect.Int || t.Kind() == reflect.Float64
	}
	switch {
	case a.Kind() == reflect.Interface || b.Kind() == reflect.Interface:
		return a, nil // any
	case a.Kind() == reflect.String && b.Kind() == reflect.String:
		return a, nil
	case (a == reflectDecimal || b == reflectDecimal) && number(a) && number(b):
		return reflectDecimal, nil
	case a.Kind() == reflect.Int && b.Kind() == reflect.Int:
		return a, nil
	case number(a) && number(b):
		return reflect.TypeOf(0.0), nil
	}
	return nil, fmt.Errorf("invalid operation: %s + %s", typeWords(a), typeWords(b))
}

// sizeOf is the steps of reading v: its bytes or items (one level into records).
func sizeOf(v any) int {
	switch x := v.(type) {
	case nil, bool, int, float64, time.Time:
		return 0
	case string:
		return len(x)
	case Decimal:
		return decimalWords(x)
	case []int:
		return len(x)
	case []string:
		n := len(x)
		for _, s := range x {
			n += len(s)
		}
		return n
	case []any:
		n := len(x)
		for _, e := range x {
			n += sizeOf(e)
		}
		return n
	case map[string]any:
		n := len(x)
		for _, e := range x {
			n += sizeOf(e)
		}
		return n
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map {
		return rv.Len()
	}
	return 0
}

// lenOf is the items of a list.
func lenOf(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case []int:
		return len(x)
	case []string:
		return len(x)
	case []any:
		return len(x)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		return rv.Len()
	}
	return 0
}

func decimalWords(d Decimal) int {
	if d.r == nil {
		return 0
	}
	return (d.r.Num().BitLen() + d.r.Denom().BitLen()) / 64
}

// instrument is the patch that makes a program spend from its meter. It runs after the
// sandbox, on the tree as written and type-checked (post-order: inner predicates first).
type instrument struct {
	applied bool
	lists   int // $list1, $list2, ...: the lists of predicates, named to be read twice
}

func (in *instrument) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BuiltinNode:
		if len(n.Arguments) != 2 {
			return
		}
		pred, ok := n.Arguments[1].(*ast.PredicateNode)
		if !ok {
			return
		}
		// count(list, body) becomes: let $listN = list; $charge($meter, $listN, reads of body...); count($listN, body)
		in.lists++
		name := fmt.Sprintf("$list%d", in.lists)
		args := []ast.Node{&ast.IdentifierNode{Value: meterName}, &ast.IdentifierNode{Value: name}}
		args = append(args, reads(pred.Node, nil)...)
		list := n.Arguments[0]
		n.Arguments[0] = &ast.IdentifierNode{Value: name}
		ast.Patch(node, &ast.VariableDeclaratorNode{Name: name, Value: list, Expr: &ast.SequenceNode{Nodes: []ast.Node{
			&ast.CallNode{Callee: &ast.IdentifierNode{Value: "$charge"}, Arguments: args}, n}}})
		in.applied = true
	case *ast.BinaryNode:
		switch n.Operator {
		case "+", "matches":
			if !maybeText(n.Left.Type()) || !maybeText(n.Right.Type()) {
				return
			}
			name := map[string]string{"+": "$add", "matches": "$matches"}[n.Operator]
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: []ast.Node{&ast.IdentifierNode{Value: meterName}, n.Left, n.Right}})
		case "in":
			n.Right = spending(n.Right)
		case "contains", "startsWith", "endsWith":
			n.Left, n.Right = spending(n.Left), spending(n.Right)
		default:
			return
		}
		in.applied = true
	case *ast.UnaryNode:
		switch n.Node.(type) {
		case *ast.IntegerNode, *ast.FloatNode: // -7 is a constant (see constInt), and cannot wrap
			return
		}
		if n.Operator == "-" {
			neg := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "$neg"}, Arguments: []ast.Node{n.Node}}
			neg.SetLocation(n.Location())
			ast.Patch(node, neg)
		}
	case *ast.CallNode:
		if !metered[callee(n)] {
			return
		}
		for i, a := range n.Arguments {
			n.Arguments[i] = spending(a)
		}
		in.applied = true
	}
}

// spending is $spend($meter, n): n, once its size is spent.
func spending(n ast.Node) ast.Node {
	c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "$spend"}, Arguments: []ast.Node{&ast.IdentifierNode{Value: meterName}, n}}
	c.SetLocation(n.Location()) // where a type error in n is shown
	return c
}

// maybeText tells whether a + operand may be text at run time.
func maybeText(t reflect.Type) bool {
	return t.Kind() == reflect.String || t.Kind() == reflect.Interface
}

// reads are copies of the names n reads that are bound outside it (fields, old, user, let
// variables of enclosing expressions): what one iteration of a predicate reads each time.
func reads(n ast.Node, bound []string) []ast.Node {
	var out []ast.Node
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if !strings.HasPrefix(n.Value, "$") && !slices.Contains(bound, n.Value) {
			out = append(out, &ast.IdentifierNode{Value: n.Value})
		}
		return out
	case *ast.VariableDeclaratorNode:
		return append(reads(n.Value, bound), reads(n.Expr, append(bound[:len(bound):len(bound)], n.Name))...)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "$charge" {
			return nil // an inner predicate's reads: it charges them itself
		}
		for _, a := range n.Arguments { // the callee is a function name, not a read
			out = append(out, reads(a, bound)...)
		}
		return out
	}
	for _, c := range children(n) {
		out = append(out, reads(c, bound)...)
	}
	return out
}

// children are the direct sub-nodes of n, in the order ast.Walk visits them.
func children(n ast.Node) []ast.Node {
	switch n := n.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.BinaryNode:
		return []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		return nonNil(n.Node, n.From, n.To)
	case *ast.CallNode:
		return append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.BuiltinNode:
		return n.Arguments
	case *ast.PredicateNode:
		return []ast.Node{n.Node}
	case *ast.VariableDeclaratorNode:
		return []ast.Node{n.Value, n.Expr}
	case *ast.SequenceNode:
		return n.Nodes
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.ArrayNode:
		return n.Nodes
	case *ast.MapNode:
		return n.Pairs
	case *ast.PairNode:
		return []ast.Node{n.Key, n.Value}
	}
	return nil
}

func nonNil(ns ...ast.Node) []ast.Node {
	var out []ast.Node
	for _, n := range ns {
		if n != nil {
			out = append(out, n)
		}
	}
	return out
}
