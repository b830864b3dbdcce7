package rules

import (
	"fmt"
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// overBudget finds where a compiled program is sure to exceed its budget, to refuse it when the
// definition is saved: the smallest part whose steps, counted as the meter counts them with
// the sizes known before running (constants, ranges of constants, let variables bound to
// them), pass costBudget, or a range of constants longer than expr's memory budget allows.
// A list of unknown size counts as one item, a text of unknown size as empty, and of a
// branch (?:, &&, ||, ??, any, all, none, one) only what surely runs.
func overBudget(root ast.Node) (ast.Node, string) {
	e := &estimator{}
	e.est(root, nil)
	return e.over, e.why
}

type estimator struct {
	over ast.Node
	why  string
}

// value is what is known of a value before running: its sizeOf and lenOf.
type value struct {
	known       bool
	size, items int
}

type binding struct {
	name string
	v    value
}

// est returns a lower bound of the steps n spends and what is known of its value.
func (e *estimator) est(n ast.Node, lets []binding) (int, value) {
	steps, v := e.node(n, lets)
	if steps > costBudget && e.over == nil {
		e.over, e.why = n, fmt.Sprintf("this does too much work (more than %d steps): iterate over fewer items, build shorter text or match simpler patterns", costBudget)
	}
	return steps, v
}

func (e *estimator) node(n ast.Node, lets []binding) (int, value) {
	switch n := n.(type) {
	case *ast.StringNode:
		return 0, value{known: true, size: len(n.Value)}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode:
		return 0, value{known: true}
	case *ast.ConstantNode:
		return 0, value{known: true, size: sizeOf(n.Value), items: lenOf(n.Value)}
	case *ast.IdentifierNode:
		for i := len(lets) - 1; i >= 0; i-- {
			if lets[i].name == n.Value {
				return 0, lets[i].v
			}
		}
		return 0, value{}
	case *ast.ArrayNode:
		steps, v := 0, value{known: true, items: len(n.Nodes)}
		for _, c := range n.Nodes {
			s, cv := e.est(c, lets)
			steps, v.size = capped(steps+s), capped(v.size+cv.size)
		}
		v.size = capped(v.size + v.items)
		return steps, v
	case *ast.VariableDeclaratorNode:
		s1, v := e.est(n.Value, lets)
		s2, out := e.est(n.Expr, append(lets[:len(lets):len(lets)], binding{n.Name, v}))
		return capped(s1 + s2), out
	case *ast.SequenceNode:
		steps, v := 0, value{}
		for _, c := range n.Nodes {
			var s int
			s, v = e.est(c, lets)
			steps = capped(steps + s)
		}
		return steps, v
	case *ast.ConditionalNode:
		s, _ := e.est(n.Cond, lets)
		s1, _ := e.est(n.Exp1, lets)
		s2, _ := e.est(n.Exp2, lets)
		return capped(s + min(s1, s2)), value{}
	case *ast.BinaryNode:
		s1, _ := e.est(n.Left, lets)
		s2, _ := e.est(n.Right, lets)
		switch n.Operator {
		case "&&", "and", "||", "or", "??":
			return s1, value{}
		case "..":
			from, ok1 := constInt(n.Left)
			to, ok2 := constInt(n.Right)
			if !ok1 || !ok2 {
				return capped(s1 + s2), value{}
			}
			items := max(0, to-from+1)
			if items > memoryBudget && e.over == nil {
				e.over, e.why = n, fmt.Sprintf("this list has too many items (more than %d)", memoryBudget)
			}
			return capped(s1 + s2), value{known: true, size: capped(items), items: capped(items)}
		}
		return capped(s1 + s2), value{}
	case *ast.CallNode:
		steps, args := 0, make([]value, len(n.Arguments))
		for i, c := range n.Arguments {
			var s int
			s, args[i] = e.est(c, lets)
			steps = capped(steps + s)
		}
		switch callee(n) {
		case "$add": // text: the bytes built
			if a, b := args[1], args[2]; a.known && b.known && n.Type().Kind() == reflect.String {
				size := capped(a.size + b.size)
				return capped(steps + size), value{known: true, size: size}
			}
		case "$spend": // the size read
			if v := args[1]; v.known {
				return capped(steps + v.size), v
			}
		case "$matches": // the text's bytes times the pattern's instructions
			pattern, ok := n.Arguments[2].(*ast.StringNode)
			if !ok || !args[1].known {
				break
			}
			if c := checkPattern(pattern.Value); c.err == nil {
				return capped(steps + regexCost(args[1].size, c.size)), value{known: true}
			}
		case "$charge": // as the meter charges a predicate
			list := args[1]
			if !list.known {
				list = value{known: true, size: 1, items: 1}
			}
			per := 1
			for _, r := range args[2:] {
				per = capped(per + r.size)
			}
			return capped(steps + list.size - list.items + capped(list.items*min(per, costBudget+1))), value{known: true}
		}
		return steps, value{}
	case *ast.BuiltinNode:
		steps, list := e.est(n.Arguments[0], lets)
		if len(n.Arguments) < 2 {
			return steps, value{}
		}
		pred, ok := n.Arguments[1].(*ast.PredicateNode)
		if !ok {
			return steps, value{}
		}
		body, _ := e.est(pred.Node, lets)
		items := 1 // unknown, or the one item any/all/none/one surely look at
		if n.Name == "count" && list.known {
			items = list.items
		} else if list.known && list.items == 0 {
			items = 0
		}
		return capped(steps + capped(items*min(body, costBudget+1))), value{}
	}
	steps := 0
	for _, c := range children(n) {
		s, _ := e.est(c, lets)
		steps = capped(steps + s)
	}
	return steps, value{}
}

// capped keeps counts from overflowing: past the budget the exact figure does not matter.
func capped(n int) int { return min(n, 2*costBudget) }

func callee(n *ast.CallNode) string {
	if id, ok := n.Callee.(*ast.IdentifierNode); ok {
		return id.Value
	}
	return ""
}

// constInt reads 7 or -7.
func constInt(n ast.Node) (int, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return n.Value, true
	case *ast.UnaryNode:
		if i, ok := n.Node.(*ast.IntegerNode); ok && n.Operator == "-" {
			return -i.Value, true
		}
	}
	return 0, false
}
