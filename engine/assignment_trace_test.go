package engine

import (
	"reflect"
	"testing"

	"crm/workflow"
)

// TestCheckDocsAsStored: the trace's checks are stored as a JSON round trip of the struct would
// store them, so traces written before and after read alike.
func TestCheckDocsAsStored(t *testing.T) {
	t.Parallel()
	checks := []workflow.RuleCheck{
		{Rule: "vip", Decision: workflow.Decision{Run: true, Inputs: map[string]any{"region": "east", "amount": "12.5"}, Reads: []string{"region", "amount"}}},
		{Rule: "none", Decision: workflow.Decision{}},
		{Rule: "broken", Decision: workflow.Decision{Error: "division by zero", Reads: []string{"x"}}},
	}
	got := checkDocs(checks)
	for i, c := range checks {
		want, err := structToDoc(c)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("check %d: got %#v, want %#v", i, got[i], want)
		}
	}
}
