package sqlite

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// stdDecode is the reference decodeDoc must agree with: valid JSON decoded as the store did before
// its own parser (oldDecode).
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
	`{"esc":"a\"b\\c\/d\b\f\n\r\t","u":"\u0026\u003c\u003e\u2028","pair":"\ud83d\ude00","lone":"\ud800x","low":"\udc00","bad pair":"\ud800\u0041"}`,
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

func checkDecode(t *testing.T, text string) {
	want, werr := stdDecode(text)
	got, gerr := decodeDoc(text)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%q: error %v, encoding/json %v", text, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", text, got, want)
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
	// Nesting is limited as in encoding/json: one level more fails in both.
	nested := func(n int) string { return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}` }
	checkDecode(t, nested(maxDepth-1))
	if _, err := decodeDoc(nested(maxDepth)); err == nil {
		t.Fatal("no error for a document nested too deep")
	}
	checkDecode(t, nested(maxDepth))
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
	b.Run("parser", func(b *testing.B) {
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
