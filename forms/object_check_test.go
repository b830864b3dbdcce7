package forms

import (
	"strings"
	"testing"
)

// withFields is a definition of object "lead" with the given fields (JSON objects, comma-separated).
func withFields(fields string) string {
	return `{"name": "lead", "fields": [` + fields + `]}`
}

// problems lists "pointer code" of each problem.
func problems(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Pointer + " " + p.Code
	}
	return out
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		def  string
		want []string // "pointer code"; empty: the definition is fine
	}{
		// names
		{"valid minimal object", withFields(`{"name": "company", "type": "text"}`), nil},
		{"object name with capitals", `{"name": "Lead", "fields": [{"name": "a", "type": "text"}]}`, []string{"/name invalid_name"}},
		{"object name empty", `{"name": "", "fields": []}`, []string{"/name invalid_name"}},
		{"field name with a space", withFields(`{"name": "first name", "type": "text"}`), []string{"/fields/0/name invalid_name"}},
		{"field name starting with a digit", withFields(`{"name": "1st", "type": "text"}`), []string{"/fields/0/name invalid_name"}},
		{"field name of 64 characters", withFields(`{"name": "` + strings.Repeat("a", 64) + `", "type": "text"}`), []string{"/fields/0/name invalid_name"}},
		{"system field name", withFields(`{"name": "owner", "type": "user"}`), []string{"/fields/0/name reserved_name"}},
		{"duplicate key name", withFields(`{"name": "dupkey_em_email", "type": "text"}`), []string{"/fields/0/name reserved_name"}},
		{"duplicate field name points at the second", withFields(`{"name": "a", "type": "text"}, {"name": "b", "type": "text"}, {"name": "a", "type": "integer"}`), []string{"/fields/2/name duplicate_name"}},
		{"null field", withFields(`null`), []string{"/fields/0 invalid_field"}},

		// types and which settings they take
		{"unknown type", withFields(`{"name": "a", "type": "text"}, {"name": "b", "type": "text"}, {"name": "c", "type": "money"}`), []string{"/fields/2/type unknown_type"}},
		{"missing type", withFields(`{"name": "a"}`), []string{"/fields/0/type unknown_type"}},
		{"currency on a text field", withFields(`{"name": "a", "type": "text", "currency": "CNY"}`), []string{"/fields/0/currency option_not_allowed"}},
		{"target on a number", withFields(`{"name": "a", "type": "number", "target": "account"}`), []string{"/fields/0/target option_not_allowed"}},
		{"options on a text field", withFields(`{"name": "a", "type": "text"}, {"name": "b", "type": "text", "options": [{"value": "x"}]}`), []string{"/fields/1/options option_not_allowed"}},
		{"pattern on an email", withFields(`{"name": "a", "type": "email", "pattern": "^a"}`), []string{"/fields/0/pattern option_not_allowed"}},
		{"min_length on a number", withFields(`{"name": "a", "type": "number", "min_length": 1}`), []string{"/fields/0/min_length option_not_allowed"}},
		{"unique on a multipicklist", withFields(`{"name": "a", "type": "multipicklist", "unique": true, "options": [{"value": "x"}]}`), []string{"/fields/0/unique option_not_allowed"}},
		{"indexed on a multipicklist", withFields(`{"name": "a", "type": "multipicklist", "indexed": true, "options": [{"value": "x"}]}`), []string{"/fields/0/indexed option_not_allowed"}},
		{"unique on a textarea", withFields(`{"name": "a", "type": "textarea", "unique": true}`), []string{"/fields/0/unique option_not_allowed"}},
		{"indexed on a textarea", withFields(`{"name": "a", "type": "textarea", "indexed": true}`), []string{"/fields/0/indexed option_not_allowed"}},
		{"unique on a formula", withFields(`{"name": "a", "type": "formula", "result_type": "number", "expression": "1", "unique": true}`), []string{"/fields/0/unique option_not_allowed"}},
		{"unique on a boolean", withFields(`{"name": "a", "type": "boolean", "unique": true}`), []string{"/fields/0/unique option_not_allowed"}},
		{"indexed boolean is fine", withFields(`{"name": "a", "type": "boolean", "indexed": true}`), nil},
		{"required autonumber", withFields(`{"name": "a", "type": "autonumber", "required": true}`), []string{"/fields/0/required option_not_allowed"}},
		{"default on a formula", withFields(`{"name": "a", "type": "formula", "result_type": "text", "expression": "1", "default": "x"}`), []string{"/fields/0/default option_not_allowed"}},

		// settings a type needs
		{"currency without code", withFields(`{"name": "a", "type": "currency"}`), []string{"/fields/0/currency missing_option"}},
		{"currency code in lower case", withFields(`{"name": "a", "type": "currency", "currency": "cny"}`), []string{"/fields/0/currency invalid_option"}},
		{"lookup without target", withFields(`{"name": "a", "type": "lookup"}`), []string{"/fields/0/target missing_option"}},
		{"lookup to a missing object", withFields(`{"name": "a", "type": "text"}, {"name": "b", "type": "text"}, {"name": "c", "type": "text"}, {"name": "d", "type": "text"}, {"name": "e", "type": "lookup", "target": "ghost"}`), []string{"/fields/4/target unknown_object"}},
		{"lookup to an existing object", withFields(`{"name": "a", "type": "lookup", "target": "account"}`), nil},
		{"lookup to itself", withFields(`{"name": "parent", "type": "lookup", "target": "lead"}`), nil},
		{"picklist without options", withFields(`{"name": "a", "type": "picklist"}`), []string{"/fields/0/options missing_option"}},
		{"picklist with an empty list", withFields(`{"name": "a", "type": "picklist", "options": []}`), []string{"/fields/0/options missing_option"}},
		{"formula without expression", withFields(`{"name": "a", "type": "formula", "result_type": "number"}`), []string{"/fields/0/expression missing_option"}},
		{"formula without result_type", withFields(`{"name": "a", "type": "formula", "expression": "1"}`), []string{"/fields/0/result_type missing_option"}},
		{"formula with a bad result_type", withFields(`{"name": "a", "type": "formula", "result_type": "lookup", "expression": "1"}`), []string{"/fields/0/result_type invalid_option"}},
		{"formula scale on a text result", withFields(`{"name": "a", "type": "formula", "result_type": "text", "expression": "1", "scale": 2}`), []string{"/fields/0/scale option_not_allowed"}},
		{"formula currency without code", withFields(`{"name": "a", "type": "formula", "result_type": "currency", "expression": "1"}`), nil},

		// picklist options
		{"empty and duplicate option values", withFields(`{"name": "a", "type": "text"}, {"name": "b", "type": "text"}, {"name": "c", "type": "text"}, {"name": "d", "type": "text"}, {"name": "e", "type": "text"},
			{"name": "stage", "type": "picklist", "options": [{"value": "new"}, {"value": ""}, {"value": "new"}]}`),
			[]string{"/fields/5/options/1/value invalid_option", "/fields/5/options/2/value duplicate_value"}},
		{"option colours", withFields(`{"name": "a", "type": "picklist", "options": [{"value": "x", "color": "#12abEF"}, {"value": "y", "color": "gold"}, {"value": "z", "color": "pink"}, {"value": "w", "color": "#fff"}]}`),
			[]string{"/fields/0/options/2/color invalid_option", "/fields/0/options/3/color invalid_option"}},
		{"closed options of a picklist", withFields(`{"name": "a", "type": "picklist", "options": [{"value": "open"}, {"value": "won", "closed": true}, {"value": "lost", "closed": true}]}`), nil},
		{"a multipicklist option marked closed", withFields(`{"name": "a", "type": "multipicklist", "options": [{"value": "x"}, {"value": "y", "closed": true}]}`),
			[]string{"/fields/0/options/1/closed option_not_allowed"}},

		// limits
		{"min greater than max", withFields(`{"name": "a", "type": "number", "min": 10, "max": 9.5}`), []string{"/fields/0/min invalid_range"}},
		{"min equal to max", withFields(`{"name": "a", "type": "number", "min": 10, "max": 10}`), nil},
		{"min_length greater than max_length", withFields(`{"name": "a", "type": "text", "min_length": 5, "max_length": 4}`), []string{"/fields/0/min_length invalid_range"}},
		{"negative min_length", withFields(`{"name": "a", "type": "text", "min_length": -1}`), []string{"/fields/0/min_length invalid_range"}},
		{"zero max_length", withFields(`{"name": "a", "type": "text", "max_length": 0}`), []string{"/fields/0/max_length invalid_range"}},
		{"pattern that does not compile", withFields(`{"name": "a", "type": "text", "pattern": "([a-z]"}`), []string{"/fields/0/pattern invalid_pattern"}},
		{"pattern with Go-only flags", withFields(`{"name": "a", "type": "text", "pattern": "(?i)^abc$"}`), []string{"/fields/0/pattern invalid_pattern"}},
		{"pattern with an escaped backslash is fine", withFields(`{"name": "a", "type": "text", "pattern": "^\\\\A[0-9]+$"}`), nil},
		{"scale above 10", withFields(`{"name": "a", "type": "number", "scale": 11}`), []string{"/fields/0/scale invalid_range"}},
		{"negative scale", withFields(`{"name": "a", "type": "percent", "scale": -1}`), []string{"/fields/0/scale invalid_range"}},
		{"integer min not whole", withFields(`{"name": "a", "type": "integer", "min": 1.5}`), []string{"/fields/0/min invalid_option"}},
		{"currency max finer than cents", withFields(`{"name": "a", "type": "currency", "currency": "CNY", "max": 10.005}`), []string{"/fields/0/max invalid_option"}},
		{"currency max in fils", withFields(`{"name": "a", "type": "currency", "currency": "KWD", "max": 10.005}`), nil},
		{"autonumber digits and prefix", withFields(`{"name": "a", "type": "autonumber", "digits": 13, "prefix": "L -"}`), []string{"/fields/0/digits invalid_range", "/fields/0/prefix invalid_option"}},

		// defaults are validated like record values
		{"valid defaults", withFields(`{"name": "a", "type": "number", "default": 1.5}, {"name": "b", "type": "multipicklist", "options": [{"value": "x"}], "default": ["x"]},
			{"name": "c", "type": "date", "default": "2026-01-01"}, {"name": "d", "type": "boolean", "default": false}, {"name": "e", "type": "currency", "currency": "CNY", "default": "12.50"}`), nil},
		{"text default that is a number", withFields(`{"name": "a", "type": "text", "default": 5}`), []string{"/fields/0/default invalid_default"}},
		{"picklist default that is not an option", withFields(`{"name": "a", "type": "text"}, {"name": "b", "type": "picklist", "options": [{"value": "x"}], "default": "y"}`), []string{"/fields/1/default invalid_default"}},
		{"currency default finer than cents", withFields(`{"name": "a", "type": "currency", "currency": "CNY", "default": "1.234"}`), []string{"/fields/0/default invalid_default"}},
		{"default above max", withFields(`{"name": "a", "type": "integer", "max": 10, "default": 11}`), []string{"/fields/0/default invalid_default"}},
		{"default problems stay in field order", withFields(`{"name": "a", "type": "text", "default": 5}, {"name": "b", "type": "money"}`),
			[]string{"/fields/0/default invalid_default", "/fields/1/type unknown_type"}},
		{"default longer than max_length", withFields(`{"name": "a", "type": "text", "max_length": 3, "default": "abcd"}`), []string{"/fields/0/default invalid_default"}},

		// labels
		{"locale keys", `{"name": "lead", "label": {"en": "Lead", "EN": "x", "zh_CN": "线索"}, "fields": [{"name": "a", "type": "text", "label": {"zh-Hans-CN": "甲"}, "help": {"e": "x"}}]}`,
			[]string{"/label/EN invalid_label", "/label/zh_CN invalid_label", "/fields/0/help/e invalid_label"}},
		{"option label locale", withFields(`{"name": "a", "type": "picklist", "options": [{"value": "x", "label": {"english": "X"}}]}`), []string{"/fields/0/options/0/label/english invalid_label"}},

		// validation rules
		{"validation rules", `{"name": "lead", "fields": [{"name": "close_date", "type": "date"}],
			"validation_rules": [
				{"name": "in_future", "error_when": "close_date < today()", "field": "close_date", "message": {"en": "In the future", "zh-CN": "晚于今天"}},
				{"name": "In Future", "error_when": "false"},
				{"name": "in_future", "error_when": " "},
				{"name": "other", "error_when": "true", "field": "ghost", "message": {"EN": "x"}}]}`,
			[]string{"/validation_rules/1/name invalid_name", "/validation_rules/2/name duplicate_name", "/validation_rules/2/error_when missing_option",
				"/validation_rules/3/field unknown_field", "/validation_rules/3/message/EN invalid_label"}},

		// layouts
		{"layouts", `{"name": "lead", "fields": [{"name": "a", "type": "text"}, {"name": "b", "type": "text"}, {"name": "c", "type": "text"}],
			"layouts": [
				{"name": "default", "sections": [{"columns": 4, "fields": ["a"]}, {"label": {"en": "More"}, "fields": ["b", "c", "ghost", "a"]}]},
				{"name": "default", "sections": [{"fields": ["a"]}]},
				{"name": "", "sections": []}]}`,
			[]string{"/layouts/0/sections/0/columns invalid_layout", "/layouts/0/sections/1/fields/2 unknown_field", "/layouts/0/sections/1/fields/3 invalid_layout",
				"/layouts/1/name duplicate_name", "/layouts/2/name invalid_name", "/layouts/2/sections invalid_layout"}},

		// composite indexes
		{"indexes", `{"name": "lead", "fields": [{"name": "stage", "type": "picklist", "options": [{"value": "new"}]},
				{"name": "amount", "type": "currency", "currency": "CNY"}, {"name": "notes", "type": "textarea"},
				{"name": "tags", "type": "multipicklist", "options": [{"value": "x"}]}],
			"indexes": [
				{"name": "pipeline", "fields": ["stage", "-amount"]},
				{"fields": ["owner", "-created_at"]},
				{"name": "pipeline", "fields": ["-stage", "amount"]},
				{"name": "Bad Name", "fields": ["stage"]},
				{"fields": ["ghost", "notes", "tags", "id"]},
				{"fields": ["amount", "amount"]},
				{"fields": ["stage", "amount", "owner", "created_at", "updated_at"]}]}`,
			[]string{"/indexes/2/name duplicate_name", "/indexes/2/fields duplicate_index", "/indexes/3/name invalid_name", "/indexes/3/fields invalid_index",
				"/indexes/4/fields/0 unknown_field", "/indexes/4/fields/1 invalid_index", "/indexes/4/fields/2 invalid_index", "/indexes/4/fields/3 unknown_field",
				"/indexes/5/fields/1 duplicate_value", "/indexes/6/fields invalid_index"}},
		{"too many indexes", `{"name": "lead", "fields": [{"name": "a", "type": "text"}, {"name": "b", "type": "text"}], "indexes": [` +
			strings.Repeat(`{"fields": ["a", "b"]}, `, 10) + `{"fields": ["a", "b"]}]}`,
			[]string{"/indexes too_many_indexes", "/indexes/1/fields duplicate_index", "/indexes/2/fields duplicate_index", "/indexes/3/fields duplicate_index",
				"/indexes/4/fields duplicate_index", "/indexes/5/fields duplicate_index", "/indexes/6/fields duplicate_index", "/indexes/7/fields duplicate_index",
				"/indexes/8/fields duplicate_index", "/indexes/9/fields duplicate_index", "/indexes/10/fields duplicate_index"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := problems(object(t, tt.def).Check(existing))
			if !equalStrings(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	t.Parallel()
	o := object(t, `{"name": "Lead", "fields": [
		{"name": "id", "type": "text"},
		{"name": "amount", "type": "currency"},
		{"name": "stage", "type": "picklist", "options": [{"value": "a"}, {"value": "a"}]},
		{"name": "score", "type": "integer", "min": 10, "max": 1}]}`)
	ps := o.Check(existing)
	want := []string{"/name invalid_name", "/fields/0/name reserved_name", "/fields/1/currency missing_option",
		"/fields/2/options/1/value duplicate_value", "/fields/3/min invalid_range"}
	if got := problems(ps); !equalStrings(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
	for _, p := range ps {
		if p.Message == "" {
			t.Errorf("%s %s has no message", p.Pointer, p.Code)
		}
	}
}

// designExample is the object definition of DESIGN.md, verbatim.
const designExample = `{"name": "lead",
 "label": {"en": "Lead", "zh-CN": "线索"},
 "fields": [
   {"name": "company", "type": "text", "label": {"en": "Company", "zh-CN": "公司"}, "required": true, "max_length": 200},
   {"name": "email", "type": "email", "unique": true},
   {"name": "amount", "type": "currency", "currency": "CNY"},
   {"name": "stage", "type": "picklist", "options": [{"value": "new", "label": {"en": "New", "zh-CN": "新建"}}]},
   {"name": "account", "type": "lookup", "target": "account"},
   {"name": "weighted", "type": "formula", "result_type": "currency", "expression": "amount * probability / 100"}],
 "validation_rules": [{"name": "close_in_future", "error_when": "close_date < today()", "field": "close_date",
                       "message": {"en": "Close date must be in the future", "zh-CN": "结单日期必须晚于今天"}}],
 "layouts": [{"name": "default", "sections": [{"label": {"en": "Basics"}, "columns": 2, "fields": ["company", "email"]}]}]}`

// designExampleComplete is the example with the two fields its rule and formula use.
var designExampleComplete = strings.Replace(designExample,
	`{"name": "weighted"`,
	`{"name": "close_date", "type": "date"}, {"name": "probability", "type": "percent"}, {"name": "weighted"`, 1)

func TestCheckDesignExample(t *testing.T) {
	t.Parallel()
	// The example's validation rule names close_date, which the example does not define.
	got := problems(object(t, designExample).Check(existing))
	if want := []string{"/validation_rules/0/field unknown_field"}; !equalStrings(got, want) {
		t.Errorf("verbatim example: got %q, want %q", got, want)
	}
	if got := object(t, designExampleComplete).Check(existing); len(got) != 0 {
		t.Errorf("completed example: got %v, want no problems", got)
	}
	noAccount := func(string) bool { return false }
	got = problems(object(t, designExampleComplete).Check(noAccount))
	if want := []string{"/fields/4/target unknown_object"}; !equalStrings(got, want) {
		t.Errorf("without account: got %q, want %q", got, want)
	}
}
