package mongodb_test

import (
	"regexp"
	"slices"
	"testing"

	"crm/engine/store"
	"crm/engine/store/mongodb"
	"crm/engine/store/mongodb/mongotest"
)

// ids runs Find and returns the ids in order.
func ids(t *testing.T, s store.Store, coll string, f store.Filter) []string {
	t.Helper()
	docs, err := s.Find(t.Context(), coll, store.Query{Filter: f})
	if err != nil {
		t.Fatalf("Find(%#v): %v", f, err)
	}
	out := []string{}
	for _, d := range docs {
		out = append(out, d["id"].(string))
	}
	return out
}

// TestOperatorLookingValuesAreLiteral checks that values shaped like query operators are matched
// as plain strings, never interpreted: filters are built from the syntax tree only.
func TestOperatorLookingValuesAreLiteral(t *testing.T) {
	s := mongotest.Open(t)
	const c = "obj_inject"
	for _, d := range []store.Doc{
		{"id": "op", "name": `{"$gt": ""}`},
		{"id": "dollar", "name": "$gt"},
		{"id": "plain", "name": "x"},
		{"id": "regex", "name": ".*"},
	} {
		if err := s.Insert(t.Context(), c, d); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"eq json operator", store.Compare{Field: "name", Op: store.Eq, Value: `{"$gt": ""}`}, []string{"op"}},
		{"eq dollar", store.Compare{Field: "name", Op: store.Eq, Value: "$gt"}, []string{"dollar"}},
		{"ne dollar", store.Compare{Field: "name", Op: store.Ne, Value: "$gt"}, []string{"op", "plain", "regex"}},
		{"in operators", store.In{Field: "name", Values: []any{"$gt", `{"$ne": null}`}}, []string{"dollar"}},
		{"contains dollar", store.Contains{Field: "name", Value: "$gt"}, []string{"dollar", "op"}},
		{"contains regex", store.Contains{Field: "name", Value: ".*"}, []string{"regex"}},
		{"id eq operator", store.Compare{Field: "id", Op: store.Eq, Value: `{"$ne": ""}`}, []string{}},
	}
	for _, tc := range cases {
		got := ids(t, s, c, tc.f)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	// Non-scalar values and malformed field names are refused, not sent.
	bad := []store.Filter{
		store.Compare{Field: "name", Op: store.Eq, Value: map[string]any{"$gt": ""}},
		store.Compare{Field: "name", Op: store.Eq, Value: []any{"x"}},
		store.In{Field: "name", Values: []any{map[string]any{"$ne": nil}}},
		store.Compare{Field: "$where", Op: store.Eq, Value: "x"},
		store.Compare{Field: "a.b", Op: store.Eq, Value: "x"},
		store.IsNull{Field: "_id"},
		store.Compare{Field: "name", Op: "$regex", Value: ".*"},
	}
	for _, f := range bad {
		if _, err := s.Find(t.Context(), c, store.Query{Filter: f}); err == nil {
			t.Errorf("Find(%#v) succeeded; want an error", f)
		}
	}
	if _, err := s.Find(t.Context(), c, store.Query{Sort: []store.SortKey{{Field: "$natural"}}}); err == nil {
		t.Errorf("sort on $natural succeeded; want an error")
	}
}

// TestContainsFoldsASCIIOnly checks that Contains ignores ASCII case only, like the sqlite
// backend, and treats every character of the value literally.
func TestContainsFoldsASCIIOnly(t *testing.T) {
	s := mongotest.Open(t)
	const c = "obj_contains"
	for _, d := range []store.Doc{
		{"id": "accent", "name": "ÉMILE Zola"},
		{"id": "meta", "name": `a.b*(c)[d]{2}|^$\e?+`},
		{"id": "ctrl", "name": "x\ty"},
		{"id": "multi", "name": "über 中文 Straße"},
	} {
		if err := s.Insert(t.Context(), c, d); err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string][]string{
		"émile":                {},
		"ÉMILE":                {"accent"},
		"Émile zola":           {"accent"},
		"mile":                 {"accent"},
		`A.B*(C)[D]{2}|^$\E?+`: {"meta"},
		"a.b":                  {"meta"},
		"ab":                   {},
		"\t":                   {"ctrl"},
		"中文 straSSe":           {},
		"中文 STRAße":            {"multi"},
		"":                     {"accent", "ctrl", "meta", "multi"},
	}
	for v, want := range cases {
		got := ids(t, s, c, store.Contains{Field: "name", Value: v})
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("Contains %q: got %v, want %v", v, got, want)
		}
	}
}

// TestASCIIFoldPatternIsLiteral checks the pattern against Go's regexp (FerretDB's engine) for
// values full of metacharacters.
func TestASCIIFoldPatternIsLiteral(t *testing.T) {
	for _, v := range []string{`a.b*(c)[d]{2}|^$\e?+`, "x\x00y", "\x7f", "-#/ ", "Ünï"} {
		re, err := regexp.Compile(mongodb.AsciiFoldPattern(v))
		if err != nil {
			t.Fatalf("pattern for %q: %v", v, err)
		}
		if !re.MatchString("pre" + v + "post") {
			t.Errorf("pattern %q does not match its own value %q", mongodb.AsciiFoldPattern(v), v)
		}
		if re.MatchString("zzz") {
			t.Errorf("pattern for %q matches unrelated text", v)
		}
	}
}
