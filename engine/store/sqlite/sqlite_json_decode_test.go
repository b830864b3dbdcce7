package sqlite

import (
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// stdDecode is the reference decodeDoc must agree with: valid JSON decoded as the store did before
// fastjson (oldDecode).
func stdDecode(text string) (map[string]any, error) {
	if !json.Valid([]byte(text)) {
		return nil, strconv.ErrSyntax
	}
	return oldDecode(text)
}

// oldDecode is encoding/json with json.Number turned into int64 or float64.
func oldDecode(text string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	v, err := stdNumbers(m)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

func stdNumbers(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, nil
			}
		}
		return strconv.ParseFloat(s, 64)
	case []any:
		for i, e := range x {
			ne, err := stdNumbers(e)
			if err != nil {
				return nil, err
			}
			x[i] = ne
		}
	case map[string]any:
		for k, e := range x {
			ne, err := stdNumbers(e)
			if err != nil {
				return nil, err
			}
			x[k] = ne
		}
	}
	return v, nil
}

var decodeCases = []string{
	`{}`, ` { } `, `null`, `{"a":null}`,
	`{"company":"Company 7","amount":123456,"probability":40.0,"hot":true,"cold":false}`,
	`{"n":-0,"f":-0.0,"e":1e3,"E":2E-3,"big":9223372036854775807,"over":9223372036854775808,"neg":-9223372036854775809}`,
	`{"tags":["a","b"],"empty":[],"nested":{"x":[1,2.5,{"y":null}],"z":{}}}`,
	`{"esc":"a\"b\\c\/d\b\f\n\r\t","u":"\u0026\u003c\u003e\u2028\u00e9\u0000"}`,
	`{"pair":"\ud83d\ude00","lone":"\ud800x","low":"\udc00","bad pair":"\ud800\u0041"}`,
	"{\"utf8\":\"中文 ✓\",\"invalid\":\"a\xffb\",\"esc+invalid\":\"\\n\xc3\"}",
	`{"dup":1,"dup":2}`,
	" {\n\t\"ws\" : [ 1 , 2 ] \r}\n",
	`{"a":1}x`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`, `{"a":"x`, `{"a":"\x"}`,
	`{"a":"\u12"}`, `{"a":tru}`, `{"a":1,}`, `{,}`, `[1]`, `1`, `"s"`, ``, `{"a"}`, "{\"a\":\"\x01\"}",
	`{"a":1e400}`, `{"a":[1,]}`, `{"a":nul}`, `nullx`,
}

// TestDecodeDocMatchesEncodingJSON pins decodeDoc to encoding/json on valid and invalid text.
func TestDecodeDocMatchesEncodingJSON(t *testing.T) {
	for _, c := range decodeCases {
		checkDecode(t, c)
	}
}

func FuzzDecodeDoc(f *testing.F) {
	for _, c := range decodeCases {
		f.Add(c)
	}
	f.Fuzz(checkDecode)
}

// checkDecode compares decodeDoc with encoding/json on text, and then on what encodeDoc writes for
// the result, which must read back exactly.
func checkDecode(t *testing.T, text string) {
	want, werr := stdDecode(text)
	got, gerr := decodeDoc(text)
	if werr == nil && gerr != nil && nesting(text) > fastjson.MaxDepth {
		return // deeper than fastjson reads and encodeDoc writes
	}
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%q: error %v, encoding/json %v", text, gerr, werr)
	}
	if werr != nil {
		return
	}
	if odd(text) {
		// Invalid UTF-8 and unpaired surrogate escapes, which encodeDoc never writes, are kept by
		// fastjson where encoding/json has U+FFFD; the rest must agree.
		got, want = clean(got), clean(want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", text, got, want)
	}
	enc, err := encodeDoc(want)
	if err != nil {
		if nesting(text) >= fastjson.MaxDepth {
			return
		}
		t.Fatalf("%q: encodeDoc: %v", text, err)
	}
	if odd(enc) {
		t.Fatalf("%q: encodeDoc wrote %q", text, enc)
	}
	again, err := decodeDoc(enc)
	if err != nil || !reflect.DeepEqual(again, withoutNulls(want)) {
		t.Fatalf("%q: encodeDoc wrote %q, read back as %#v, %v", text, enc, again, err)
	}
}

// oddEscape is a \u escape of a surrogate, paired or not (an escaped backslash before it only
// makes odd say yes more often).
var oddEscape = regexp.MustCompile(`(?i)\\ud[89a-f]`)

// odd reports whether text has what fastjson decodes differently from encoding/json.
func odd(text string) bool { return !utf8.ValidString(text) || oddEscape.MatchString(text) }

// clean replaces the strings of v that hold U+FFFD or a backslash (so neither decoding's take on
// odd text) with one marker, recursively.
func clean(v any) map[string]any {
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			if !utf8.ValidString(x) || strings.ContainsAny(x, "\ufffd\\") {
				return "odd"
			}
		case []any:
			y := make([]any, len(x))
			for i, e := range x {
				y[i] = walk(e)
			}
			return y
		case map[string]any:
			y := map[string]any{}
			for k, e := range x {
				y[walk(k).(string)] = walk(e)
			}
			return y
		}
		return v
	}
	return walk(v).(map[string]any)
}

// withoutNulls is v without the nil values of its objects, as encodeDoc leaves them out.
func withoutNulls(v map[string]any) map[string]any {
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case []any:
			y := make([]any, len(x))
			for i, e := range x {
				y[i] = walk(e)
			}
			return y
		case map[string]any:
			y := map[string]any{}
			for k, e := range x {
				if e != nil {
					y[k] = walk(e)
				}
			}
			return y
		}
		return v
	}
	return walk(v).(map[string]any)
}

// nesting is the depth of valid JSON text as fastjson counts it: every value one level below the
// object or array holding it, the outermost value at 1.
func nesting(text string) int {
	dec := json.NewDecoder(strings.NewReader(text))
	depth, deepest := 1, 1
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
			continue
		}
		deepest = max(deepest, depth)
	}
}

// TestDecodeDocKinds checks the kinds the seam relies on, which DeepEqual above only compares.
func TestDecodeDocKinds(t *testing.T) {
	d, err := decodeDoc(`{"i":5,"f":5.0,"x":1e2,"o":18446744073709551616,"a":[],"m":{}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": int64(5), "f": 5.0, "x": 100.0, "o": math.Pow(2, 64), "a": []any{}, "m": map[string]any{}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("got %#v", d)
	}
	v, err := decodeValue(` [1, 2.0, "a", {"b": null}] `)
	if err != nil || !reflect.DeepEqual(v, []any{int64(1), 2.0, "a", map[string]any{"b": nil}}) {
		t.Fatalf("decodeValue: %#v %v", v, err)
	}
	if _, err := decodeValue(`[1] 2`); err == nil {
		t.Fatal("no error for text after a value")
	}
	// Nesting is limited to fastjson.MaxDepth levels, and encodeDoc writes no deeper.
	nested := func(n int) string { return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}` }
	checkDecode(t, nested(fastjson.MaxDepth-1))
	if _, err := decodeDoc(nested(fastjson.MaxDepth)); err == nil {
		t.Fatal("no error for a document nested too deep")
	}
	deep := func(n int, leaf any) map[string]any {
		v := leaf
		for range n {
			v = []any{v}
		}
		return map[string]any{"a": v}
	}
	for _, leaf := range []any{[]any{}, "x", []string{"x"}, map[string]any{}, map[string]any{"b": 1}} {
		for n := fastjson.MaxDepth - 4; n < fastjson.MaxDepth; n++ {
			d := deep(n, leaf)
			text, err := encodeDoc(d)
			if err != nil {
				std, _ := json.Marshal(d)
				if _, err := decodeDoc(string(std)); err == nil {
					t.Fatalf("%d levels around %#v: encodeDoc refused what decodeDoc reads", n, leaf)
				}
				continue
			}
			if _, err := decodeDoc(text); err != nil {
				t.Fatalf("%d levels around %#v: encodeDoc wrote what decodeDoc cannot read: %v", n, leaf, err)
			}
		}
		if _, err := encodeDoc(deep(fastjson.MaxDepth, leaf)); err == nil {
			t.Fatalf("encodeDoc wrote a document nested too deep around %#v", leaf)
		}
	}
}

func BenchmarkDecodeDoc(b *testing.B) {
	doc := map[string]any{"company": "Company 7 & Sons", "email": "c7@example.com", "amount": int64(123456),
		"probability": 40.0, "employees": int64(4000), "stage": "won", "hot": true, "close_date": "2027-03-01",
		"website": "https://example.com/7", "notes": "a note of some length\nto make the document realistic",
		"owner": "u1", "created_at": "2026-11-22T10:00:00.000Z", "created_by": "u1",
		"updated_at": "2026-11-22T10:00:00.000Z", "updated_by": "u1"}
	text, err := encodeDoc(doc)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fastjson", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeDoc(text); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := oldDecode(text); err != nil {
				b.Fatal(err)
			}
		}
	})
}
