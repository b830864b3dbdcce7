package query

import (
	"fmt"
	"strings"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "the end of the filter"
	case tokString:
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// lex splits a filter into tokens. Identifiers are ASCII letters, digits and underscores, joined
// by dots in a lookup path; anything else outside a string literal is refused, so keys like "$gt"
// never get through.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i})
			i++
		case c == ',':
			toks = append(toks, token{tokComma, ",", i})
			i++
		case c == '=':
			toks = append(toks, token{tokOp, "=", i})
			i++
		case c == '!' || c == '<' || c == '>':
			op := string(c)
			if i+1 < len(src) && src[i+1] == '=' {
				op += "="
			}
			if op == "!" {
				return nil, &Error{Code: "invalid_filter", Pos: i, Message: "expected != "}
			}
			toks = append(toks, token{tokOp, op, i})
			i += len(op)
		case c == '"':
			s, n, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokString, s, i})
			i += n
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || src[j] == '.') {
				j++
			}
			text := src[i:j]
			if text == "-" || strings.Count(text, ".") > 1 || strings.HasSuffix(text, ".") {
				return nil, &Error{Code: "invalid_filter", Pos: i, Message: fmt.Sprintf("%q is not a number", text)}
			}
			toks = append(toks, token{tokNumber, text, i})
			i = j
		case isIdentStart(c):
			j := identEnd(src, i)
			// A lookup path joins names with dots (account.industry); nothing else may.
			for j < len(src) && src[j] == '.' {
				if j+1 >= len(src) || !isIdentStart(src[j+1]) {
					return nil, &Error{Code: "invalid_filter", Pos: j, Message: `"." joins a lookup and a field of the record it points at, as in account.industry`}
				}
				j = identEnd(src, j+1)
			}
			toks = append(toks, token{tokIdent, src[i:j], i})
			i = j
		default:
			return nil, &Error{Code: "invalid_filter", Pos: i, Message: fmt.Sprintf("unexpected character %q", rune(c))}
		}
	}
	return append(toks, token{tokEOF, "", len(src)}), nil
}

func lexString(src string, start int) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '"':
			return b.String(), i - start + 1, nil
		case '\\':
			if i+1 >= len(src) || (src[i+1] != '"' && src[i+1] != '\\') {
				return "", 0, &Error{Code: "invalid_filter", Pos: i, Message: `only \" and \\ may follow a backslash`}
			}
			i++
			b.WriteByte(src[i])
		case 0:
			return "", 0, &Error{Code: "invalid_filter", Pos: i, Message: "NUL is not allowed in a filter"}
		default:
			b.WriteByte(src[i])
		}
	}
	return "", 0, &Error{Code: "invalid_filter", Pos: start, Message: "string is not closed"}
}

// identEnd is where the name starting at i ends.
func identEnd(src string, i int) int {
	j := i + 1
	for j < len(src) && (isIdentStart(src[j]) || isDigit(src[j])) {
		j++
	}
	return j
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
