package sqlite

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"

	"crm/engine/store"
)

// parsers lends each decode its own fastjson.Parser: Get and Find decode on several connections
// at once, and a Parser is neither safe for concurrent use nor are its values valid after its
// next Parse, so decodeDoc copies everything out before giving it back.
var parsers fastjson.ParserPool

// decodeDoc reads a stored document back, numbers with '.', 'e' or 'E' as float64 and the others
// as int64 (float64 when they overflow it).
//
// It parses with fastjson rather than encoding/json, whose reflection, json.Number values and
// second pass to convert them were about 40% of the CPU of a list page. For the text encodeDoc
// writes it gives what encoding/json gave, which a fuzz test checks; on text from elsewhere it
// differs only where that text is odd: invalid UTF-8 and an unpaired \ud800-\udfff escape are
// kept as they are instead of becoming U+FFFD, and nesting stops at fastjson.MaxDepth (300) levels
// instead of 10,000 (encodeDoc refuses deeper documents so that all it writes reads back).
func decodeDoc(text string) (store.Doc, error) {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := parse(p, text)
	if err != nil {
		return nil, err
	}
	switch v.Type() {
	case fastjson.TypeNull:
		return store.Doc{}, nil
	case fastjson.TypeObject:
		m, err := newCopier(text).value(v)
		if err != nil {
			return nil, err
		}
		return m.(map[string]any), nil
	}
	return nil, fmt.Errorf("sqlite: stored document: a JSON %s, not an object", v.Type())
}

// decodeValue reads one stored JSON value (a key of a group that is an array or an object).
func decodeValue(text string) (any, error) {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := parse(p, text)
	if err != nil {
		return nil, err
	}
	return newCopier(text).value(v)
}

// parse validates text before parsing it: fastjson's parser alone lets through some invalid
// numbers, escapes and control characters, which encoding/json refused and so do we.
func parse(p *fastjson.Parser, text string) (*fastjson.Value, error) {
	if err := fastjson.Validate(text); err != nil {
		return nil, fmt.Errorf("sqlite: stored document: %w", err)
	}
	v, err := p.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stored document: %w", err)
	}
	return v, nil
}

// copier copies values out of the parser's memory. The strings (keys too) go into one buffer the
// size of the text, which holds them all since decoding never lengthens a string, rather than one
// allocation each.
type copier struct{ buf strings.Builder }

func newCopier(text string) *copier {
	c := &copier{}
	c.buf.Grow(len(text))
	return c
}

func (c *copier) str(b []byte) string {
	start := c.buf.Len()
	c.buf.Write(b)
	return c.buf.String()[start:]
}

// value copies v as the document's kinds: map[string]any, []any (empty, not nil, for []), string,
// int64 or float64, bool and nil.
func (c *copier) value(v *fastjson.Value) (any, error) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		m := make(map[string]any, o.Len())
		var err error
		o.Visit(func(k []byte, e *fastjson.Value) {
			if err == nil {
				m[c.str(k)], err = c.value(e) // the last of duplicate keys wins
			}
		})
		return m, err
	case fastjson.TypeArray:
		vs, _ := v.Array()
		a := make([]any, len(vs))
		for i, e := range vs {
			x, err := c.value(e)
			if err != nil {
				return nil, err
			}
			a[i] = x
		}
		return a, nil
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return c.str(b), nil
	case fastjson.TypeNumber:
		return number(v)
	case fastjson.TypeTrue:
		return true, nil
	case fastjson.TypeFalse:
		return false, nil
	}
	return nil, nil // null
}

// number reads a number's text with strconv: int64 unless it has a fraction or an exponent or
// overflows.
func number(v *fastjson.Value) (any, error) {
	var buf [32]byte
	num := string(v.MarshalTo(buf[:0])) // a number marshals as its text
	if !strings.ContainsAny(num, ".eE") {
		if n, err := strconv.ParseInt(num, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stored number: %w", err) // err quotes the number
	}
	return f, nil
}
