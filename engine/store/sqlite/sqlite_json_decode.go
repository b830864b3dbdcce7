package sqlite

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"crm/engine/store"
)

// decodeDoc reads a stored document back, numbers with '.', 'e' or 'E' as float64 and the others
// as int64 (float64 when they overflow it).
//
// It is a small parser for JSON straight into the document's values instead of encoding/json,
// whose reflection, json.Number values and second pass to convert them were about 40% of the CPU
// of a list page. It accepts any JSON text (old rows, rows written by other tools) and gives what
// encoding/json would: escapes and invalid UTF-8 are decoded the same way, which a fuzz test
// checks. A string without escapes shares the memory of text.
func decodeDoc(text string) (store.Doc, error) {
	p := docParser{s: text}
	p.space()
	var m map[string]any
	if strings.HasPrefix(text[p.i:], "null") {
		p.i += len("null")
	} else {
		if p.i >= len(text) || text[p.i] != '{' {
			return nil, p.fail()
		}
		var err error
		if m, err = p.object(1, strings.Count(text, `":`)); err != nil {
			return nil, err
		}
	}
	p.space()
	if p.i != len(text) {
		return nil, p.fail()
	}
	if m == nil {
		m = store.Doc{}
	}
	return m, nil
}

// decodeValue reads one stored JSON value (a key of a group that is an array or an object).
func decodeValue(text string) (any, error) {
	p := docParser{s: text}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(text) {
		return nil, p.fail()
	}
	return v, nil
}

// maxDepth bounds nesting as encoding/json does, so a hostile row cannot exhaust the stack.
const maxDepth = 10000

// docParser reads s from offset i.
type docParser struct {
	s string
	i int
}

func (p *docParser) fail() error {
	return fmt.Errorf("sqlite: stored document: invalid JSON at offset %d", p.i)
}

func (p *docParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value reads any value at nesting depth.
func (p *docParser) value(depth int) (any, error) {
	p.space()
	if p.i >= len(p.s) {
		return nil, p.fail()
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth+1, 0)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.fail()
}

func (p *docParser) literal(lit string) error {
	if !strings.HasPrefix(p.s[p.i:], lit) {
		return p.fail()
	}
	p.i += len(lit)
	return nil
}

// object reads {...} at p.i; hint sizes the map.
func (p *docParser) object(depth, hint int) (map[string]any, error) {
	if depth > maxDepth {
		return nil, p.fail()
	}
	p.i++ // '{'
	m := make(map[string]any, hint)
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.fail()
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.fail()
		}
		p.i++
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.space()
		if p.i >= len(p.s) {
			return nil, p.fail()
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.fail()
		}
	}
}

// array reads [...] at p.i; an empty array is an empty slice, not nil.
func (p *docParser) array(depth int) ([]any, error) {
	if depth > maxDepth {
		return nil, p.fail()
	}
	p.i++ // '['
	a := []any{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return a, nil
	}
	for {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.space()
		if p.i >= len(p.s) {
			return nil, p.fail()
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return a, nil
		default:
			return nil, p.fail()
		}
	}
}

// number reads a JSON number: int64 unless it has a fraction or an exponent or overflows.
func (p *docParser) number() (any, error) {
	start := p.i
	s := p.s
	i := p.i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		p.i = i
		return nil, p.fail()
	}
	float := false
	if i < len(s) && s[i] == '.' {
		float = true
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			p.i = i
			return nil, p.fail()
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		float = true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			p.i = i
			return nil, p.fail()
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	p.i = i
	num := s[start:i]
	if !float {
		if n, err := strconv.ParseInt(num, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stored number %q: %w", num, err)
	}
	return f, nil
}

// str reads a string at p.i (on its opening quote). Without escapes and with valid UTF-8 it is a
// substring of the text; otherwise unquote builds it.
func (p *docParser) str() (string, error) {
	start := p.i + 1
	plain := true
	for i := start; i < len(p.s); i++ {
		switch c := p.s[i]; {
		case c == '"':
			p.i = i + 1
			if plain {
				return p.s[start:i], nil
			}
			return unquote(p.s[start:i]), nil
		case c == '\\':
			plain = false
			i++ // the escaped byte cannot end the string; unquote checks the escape
			if i < len(p.s) && !validEscape(p.s, i) {
				p.i = i
				return "", p.fail()
			}
		case c < 0x20:
			p.i = i
			return "", p.fail()
		case c >= utf8.RuneSelf:
			if plain {
				r, size := utf8.DecodeRuneInString(p.s[i:])
				if r == utf8.RuneError && size == 1 {
					plain = false
				}
				i += size - 1
			}
		}
	}
	p.i = len(p.s)
	return "", p.fail()
}

// validEscape reports whether s[i] (after a backslash) starts a valid escape.
func validEscape(s string, i int) bool {
	switch s[i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		if i+4 >= len(s) {
			return false
		}
		_, ok := hex4(s[i+1 : i+5])
		return ok
	}
	return false
}

// hex4 reads four hex digits.
func hex4(s string) (rune, bool) {
	var r rune
	for i := range 4 {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unquote decodes the body of a string whose escapes str has checked, as encoding/json does:
// an unpaired surrogate and an invalid UTF-8 byte each become U+FFFD.
func unquote(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			i++
			switch s[i] {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, _ := hex4(s[i+1:])
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(0), false
					if i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
						r2, ok = hex4(s[i+3:])
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b.WriteRune(r)
			default: // '"', '\\', '/'
				b.WriteByte(s[i])
			}
			i++
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r) // RuneError for an invalid byte
			i += size
		}
	}
	return b.String()
}
