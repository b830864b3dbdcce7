package forms

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		old, new string // fields of object "lead"
		want     []Change
	}{
		{"no change", `{"name": "a", "type": "text"}`, `{"name": "a", "type": "text", "label": {"en": "A"}}`, nil},
		{"field became required", `{"name": "a", "type": "text"}`, `{"name": "a", "type": "text", "required": true}`,
			[]Change{{Kind: "required", Field: "a"}}},
		{"required field added", `{"name": "a", "type": "text"}`, `{"name": "a", "type": "text"}, {"name": "b", "type": "date", "required": true}`,
			[]Change{{Kind: "required", Field: "b"}}},
		{"optional field added", `{"name": "a", "type": "text"}`, `{"name": "a", "type": "text"}, {"name": "b", "type": "date", "unique": true}`, nil},
		{"field removed", `{"name": "a", "type": "text"}, {"name": "b", "type": "text"}`, `{"name": "a", "type": "text"}`, nil},
		{"required relaxed", `{"name": "a", "type": "text", "required": true}`, `{"name": "a", "type": "text"}`, nil},
		{"type changed", `{"name": "a", "type": "text"}`, `{"name": "a", "type": "integer"}`, []Change{{Kind: "type", Field: "a"}}},
		{"formula result changed", `{"name": "a", "type": "formula", "result_type": "number", "expression": "1"}`,
			`{"name": "a", "type": "formula", "result_type": "text", "expression": "1"}`, []Change{{Kind: "type", Field: "a"}}},
		{"currency with the same minor units", `{"name": "a", "type": "currency", "currency": "CNY"}`, `{"name": "a", "type": "currency", "currency": "USD"}`, nil},
		{"currency with other minor units", `{"name": "a", "type": "currency", "currency": "CNY"}`, `{"name": "a", "type": "currency", "currency": "JPY"}`,
			[]Change{{Kind: "type", Field: "a"}}},
		{"options removed", `{"name": "s", "type": "picklist", "options": [{"value": "new"}, {"value": "open"}, {"value": "won"}, {"value": "lost"}]}`,
			`{"name": "s", "type": "picklist", "options": [{"value": "new"}, {"value": "won"}, {"value": "closed"}]}`,
			[]Change{{Kind: "options_removed", Field: "s", Values: []string{"open", "lost"}}}},
		{"multipicklist options removed", `{"name": "t", "type": "multipicklist", "options": [{"value": "a"}, {"value": "b"}]}`,
			`{"name": "t", "type": "multipicklist", "options": [{"value": "b"}]}`,
			[]Change{{Kind: "options_removed", Field: "t", Values: []string{"a"}}}},
		{"options added", `{"name": "s", "type": "picklist", "options": [{"value": "new"}]}`,
			`{"name": "s", "type": "picklist", "options": [{"value": "new"}, {"value": "won"}]}`, nil},
		{"unique added", `{"name": "a", "type": "email"}`, `{"name": "a", "type": "email", "unique": true}`, []Change{{Kind: "unique", Field: "a"}}},
		{"several changes, in field order of the new definition",
			`{"name": "a", "type": "text"}, {"name": "b", "type": "text"}`,
			`{"name": "b", "type": "number", "required": true, "unique": true}, {"name": "a", "type": "text", "required": true}`,
			[]Change{{Kind: "required", Field: "b"}, {Kind: "type", Field: "b"}, {Kind: "unique", Field: "b"}, {Kind: "required", Field: "a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Diff(object(t, withFields(tt.old)), object(t, withFields(tt.new)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
