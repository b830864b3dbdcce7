package rules

import (
	"fmt"
	"testing"

	"crm/forms"
)

const childDef = `{"name":"deal","fields":[
 {"name":"account","type":"lookup","target":"account"},
 {"name":"amount","type":"currency","currency":"CNY"},
 {"name":"seats","type":"integer"},
 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"}]}]}`

func rollupField(fn, summarize, filter string) *forms.Field {
	return &forms.Field{Name: "r", Type: forms.TypeRollup, ChildObject: "deal", ChildLookup: "account",
		Function: fn, Summarize: summarize, Filter: filter}
}

// TestRollupFold: every function over stored children, exact to the minor unit, empty values
// skipped, the filter respected.
func TestRollupFold(t *testing.T) {
	t.Parallel()
	child := mustObject(t, childDef)
	children := []map[string]any{
		{"account": "a", "amount": int64(10), "seats": int64(3), "stage": "new"}, // 0.10
		{"account": "a", "amount": int64(20), "seats": int64(4), "stage": "new"}, // 0.20
		{"account": "a", "amount": int64(100001), "stage": "won"},                // 1000.01
		{"account": "a", "stage": "lost"},
	}
	open := `stage not in ["won","lost"]`
	for _, c := range []struct {
		fn, field, filter string
		want              any
	}{
		{"count", "", "", "0:4"},
		{"count", "", open, "0:2"},
		{"sum", "amount", "", "1000.31"},
		{"sum", "amount", open, "0.30"},
		{"min", "amount", "", "0.10"},
		{"max", "amount", "", "1000.01"},
		{"avg", "amount", "", "333.44"}, // 1000.31 / 3 = 333.4366..., rounded half away from zero
		{"avg", "seats", "", "3.50"},
		{"sum", "seats", "", "0:7"},
		{"min", "amount", `stage == "none"`, nil},
		{"sum", "amount", `stage == "none"`, "0.00"},
	} {
		f := rollupField(c.fn, c.field, c.filter)
		CompleteRollup(f, child)
		r, probs := CompileRollup("account", f, child, "/fields/0")
		if len(probs) > 0 {
			t.Fatalf("%s %s: %v", c.fn, c.field, probs)
		}
		got, err := r.Fold(children, ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		want := c.want
		if s, ok := want.(string); ok && len(s) > 2 && s[:2] == "0:" {
			want = s[2:] // a whole number
		}
		if fmt.Sprint(got) != fmt.Sprint(want) && !(got == nil && want == nil) {
			t.Errorf("%s(%s) where %q = %v, want %v", c.fn, c.field, c.filter, got, want)
		}
	}
}

// TestCompileRollupProblems: what only the child's definition tells is reported at the field's
// keys, a filter's mistake with its line and column.
func TestCompileRollupProblems(t *testing.T) {
	t.Parallel()
	child := mustObject(t, childDef)
	for _, c := range []struct {
		f       *forms.Field
		pointer string
		column  int
	}{
		{&forms.Field{Name: "r", Type: forms.TypeRollup, ChildObject: "deal", ChildLookup: "stage", Function: "count", ResultType: "integer"}, "/fields/2/child_lookup", 0},
		{&forms.Field{Name: "r", Type: forms.TypeRollup, ChildObject: "deal", ChildLookup: "account", Function: "sum", Summarize: "stage", ResultType: "number"}, "/fields/2/summarize", 0},
		{&forms.Field{Name: "r", Type: forms.TypeRollup, ChildObject: "deal", ChildLookup: "account", Function: "sum", Summarize: "amount", ResultType: "number"}, "/fields/2/result_type", 0},
		{&forms.Field{Name: "r", Type: forms.TypeRollup, ChildObject: "deal", ChildLookup: "account", Function: "count", ResultType: "integer", Filter: `stage == "won" && stag > 1`}, "/fields/2/filter", 19},
	} {
		_, probs := CompileRollup("account", c.f, child, "/fields/2")
		if len(probs) != 1 || probs[0].Pointer != c.pointer || probs[0].Column != c.column {
			t.Errorf("%+v: %+v, want one problem at %s column %d", c.f, probs, c.pointer, c.column)
		}
	}
}
