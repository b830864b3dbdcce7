// Package query turns the list parameters of the HTTP API (filter, sort, cursor, q) into the
// storage seam's terms. The filter language is small and allow-listed:
//
//	stage = "won" and amount >= 5000
//	(status in ("new", "open") or owner = "u1") and not email is null
//	name contains "acme" and close_date < "2026-12-31"
//
// Operators: = != < <= > >= in contains, "is null", "is not null"; and, or, not, parentheses.
// Literals: "strings" (with \" and \\ escapes), numbers, true, false. Only fields the object defines
// and the system fields can be named; every literal is converted to the field's stored kind, so no
// operator or key from a request ever reaches a database.
//
// A lookup path names a field of the record a lookup points at, with every operator:
//
//	account.industry = "software" and stage = "won"
//	not account.vip = true or account.industry in ("a", "b")
//	opportunity.account.industry is null
//
// A path follows at most MaxPathLookups lookups (rules.MaxRefDepth, as references in expressions
// do). It is resolved against the parent object as the actor sees it: a field hidden from them
// there, or an object they may not read, is an unknown field, as a hidden field of the object
// itself is. Its value is the parent's field as the actor could read it, so it is null when the
// record has no parent, when the parent is gone and when the actor may not read that parent
// record: account.industry = "x" matches only records whose account the actor may read and whose
// industry is "x"; account.industry is null (and != "x", as != on a field) matches the others,
// records without an account included. See ResolveWith and Parents for how it is run.
package query

import (
	"fmt"
	"strings"

	"crm/rules"
)

// Limits on what a request may ask for.
const (
	MaxFilterLength = 2000
	MaxTerms        = 30
	MaxInValues     = 100
	MaxDepth        = 8
	// MaxPathLookups is how many lookups one path in a filter may follow.
	MaxPathLookups = rules.MaxRefDepth
)

// Error is a problem in a filter, sort or cursor, with the byte offset where it was found.
type Error struct {
	Code    string // invalid_filter, invalid_sort, invalid_cursor
	Pos     int    // byte offset into the parameter, -1 when not positional
	Message string
}

func (e *Error) Error() string {
	if e.Pos >= 0 {
		return fmt.Sprintf("%s at position %d", e.Message, e.Pos+1)
	}
	return e.Message
}

// Node is a parsed filter before it is resolved against an object.
type Node interface{ node() }

// Logical is and/or over children.
type Logical struct {
	Op       string // "and" or "or"
	Children []Node
}

// Negation is "not X".
type Negation struct{ Child Node }

// Term is one comparison: Field Op Values. For "is null" Values is empty. Field is a name or a
// lookup path (account.industry).
type Term struct {
	Field  string
	Op     string // = != < <= > >= in contains null notnull
	Values []Literal
	Pos    int
}

// Literal is a value as written: a string, a number (its text) or a bool.
type Literal struct {
	Kind string // string, number, bool
	Text string
}

func (Logical) node()  {}
func (Negation) node() {}
func (Term) node()     {}

// Parse parses a filter expression; the empty string yields nil.
func Parse(src string) (Node, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if len(src) > MaxFilterLength {
		return nil, &Error{Code: "invalid_filter", Pos: -1, Message: fmt.Sprintf("filter is longer than %d characters", MaxFilterLength)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errAt(t, "unexpected %s", t.describe())
	}
	return n, nil
}

type parser struct {
	toks  []token
	i     int
	terms int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) errAt(t token, format string, args ...any) error {
	return &Error{Code: "invalid_filter", Pos: t.pos, Message: fmt.Sprintf(format, args...)}
}

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, w)
}

func (p *parser) or(depth int) (Node, error) {
	return p.logical(depth, "or", p.and)
}

func (p *parser) and(depth int) (Node, error) {
	return p.logical(depth, "and", p.unary)
}

func (p *parser) logical(depth int, op string, operand func(int) (Node, error)) (Node, error) {
	first, err := operand(depth)
	if err != nil {
		return nil, err
	}
	children := []Node{first}
	for p.isWord(op) {
		p.next()
		n, err := operand(depth)
		if err != nil {
			return nil, err
		}
		children = append(children, n)
	}
	if len(children) == 1 {
		return first, nil
	}
	return Logical{Op: op, Children: children}, nil
}

func (p *parser) unary(depth int) (Node, error) {
	if depth > MaxDepth {
		return nil, p.errAt(p.peek(), "filter is nested more than %d levels deep", MaxDepth)
	}
	if p.isWord("not") {
		p.next()
		n, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return Negation{Child: n}, nil
	}
	if t := p.peek(); t.kind == tokLParen {
		p.next()
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			return nil, p.errAt(c, "expected ) but found %s", c.describe())
		}
		return n, nil
	}
	return p.term()
}

func (p *parser) term() (Node, error) {
	f := p.next()
	if f.kind != tokIdent || isKeyword(f.text) {
		return nil, p.errAt(f, "expected a field name but found %s", f.describe())
	}
	p.terms++
	if p.terms > MaxTerms {
		return nil, p.errAt(f, "filter has more than %d conditions", MaxTerms)
	}
	if n := strings.Count(f.text, "."); n > MaxPathLookups {
		return nil, p.errAt(f, "%s follows %d lookups; a path may follow at most %d", f.text, n, MaxPathLookups)
	}
	t := Term{Field: f.text, Pos: f.pos}
	op := p.next()
	switch {
	case op.kind == tokOp:
		t.Op = op.text
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		t.Values = []Literal{v}
	case op.kind == tokIdent && strings.EqualFold(op.text, "contains"):
		t.Op = "contains"
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		t.Values = []Literal{v}
	case op.kind == tokIdent && strings.EqualFold(op.text, "in"):
		t.Op = "in"
		vs, err := p.list()
		if err != nil {
			return nil, err
		}
		t.Values = vs
	case op.kind == tokIdent && strings.EqualFold(op.text, "is"):
		t.Op = "null"
		if p.isWord("not") {
			p.next()
			t.Op = "notnull"
		}
		if n := p.next(); n.kind != tokIdent || !strings.EqualFold(n.text, "null") {
			return nil, p.errAt(n, "expected null but found %s", n.describe())
		}
	default:
		return nil, p.errAt(op, "expected an operator (= != < <= > >= in contains is) but found %s", op.describe())
	}
	return t, nil
}

func (p *parser) list() ([]Literal, error) {
	if t := p.next(); t.kind != tokLParen {
		return nil, p.errAt(t, "expected ( after in but found %s", t.describe())
	}
	var vs []Literal
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		if len(vs) > MaxInValues {
			return nil, p.errAt(p.peek(), "in lists at most %d values", MaxInValues)
		}
		t := p.next()
		if t.kind == tokRParen {
			return vs, nil
		}
		if t.kind != tokComma {
			return nil, p.errAt(t, "expected , or ) but found %s", t.describe())
		}
	}
}

func (p *parser) literal() (Literal, error) {
	t := p.next()
	switch {
	case t.kind == tokString:
		return Literal{Kind: "string", Text: t.text}, nil
	case t.kind == tokNumber:
		return Literal{Kind: "number", Text: t.text}, nil
	case t.kind == tokIdent && (strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false")):
		return Literal{Kind: "bool", Text: strings.ToLower(t.text)}, nil
	}
	return Literal{}, p.errAt(t, "expected a value (a \"string\", a number, true or false) but found %s", t.describe())
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "and", "or", "not", "in", "contains", "is", "null", "true", "false":
		return true
	}
	return false
}
