package forms

import (
	"encoding/json"
	"strings"
	"testing"
)

// decode reads JSON the way the engine does: numbers stay json.Number.
func decode(t testing.TB, src string, into any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("decode %s: %v", src, err)
	}
}

// object decodes a definition.
func object(t testing.TB, src string) *Object {
	t.Helper()
	var o Object
	decode(t, src, &o)
	return &o
}

// compile decodes, checks and compiles a definition; a definition with problems fails the test.
func compile(t testing.TB, src string) *Compiled {
	t.Helper()
	o := object(t, src)
	if ps := o.Check(existing); len(ps) > 0 {
		t.Fatalf("definition has problems: %v", ps)
	}
	c, err := Compile(o)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

// existing is the exists function of the tests: "account" and "contact" exist.
func existing(name string) bool { return name == "account" || name == "contact" }

// codes lists "field code" of field errors.
func codes(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field + " " + e.Code
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
