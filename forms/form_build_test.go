package forms

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestForm(t *testing.T) {
	t.Parallel()
	c := compile(t, designExampleComplete)
	tests := []struct {
		locale       string
		object       string
		company      string
		stageOptions []FormOption
		section      string
	}{
		{"en", "Lead", "Company", []FormOption{{Value: "new", Label: "New"}}, "Basics"},
		{"zh-CN", "线索", "公司", []FormOption{{Value: "new", Label: "新建"}}, "Basics"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			f := c.Form(tt.locale, "")
			if f.Object != "lead" || f.Label != tt.object || f.Layout != "default" {
				t.Errorf("object %q label %q layout %q", f.Object, f.Label, f.Layout)
			}
			if len(f.Fields) != len(c.Object.Fields) {
				t.Fatalf("%d fields, want %d", len(f.Fields), len(c.Object.Fields))
			}
			company, stage := f.Fields[0], f.Fields[3]
			if company.Label != tt.company || !company.Required || company.MaxLength == nil || *company.MaxLength != 200 {
				t.Errorf("company = %+v", company)
			}
			if !reflect.DeepEqual(stage.Options, tt.stageOptions) {
				t.Errorf("stage options = %+v, want %+v", stage.Options, tt.stageOptions)
			}
			want := []FormSection{{Label: tt.section, Columns: 2, Fields: []string{"company", "email"}}}
			if !reflect.DeepEqual(f.Sections, want) {
				t.Errorf("sections = %+v, want %+v", f.Sections, want)
			}
			if f.Schema["$schema"] != draft2020 {
				t.Errorf("schema missing: %v", f.Schema)
			}
		})
	}
}

func TestFormFields(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"name": "deal", "fields": [
		{"name": "amount", "type": "currency", "currency": "JPY", "min": 0, "default": 1000},
		{"name": "close_date", "type": "date", "read_only": true},
		{"name": "ref", "type": "autonumber"},
		{"name": "weighted", "type": "formula", "result_type": "currency", "expression": "amount / 2"},
		{"name": "rate", "type": "percent", "scale": 1},
		{"name": "stage", "type": "picklist", "options": [{"value": "won", "label": {"en": "Won"}, "color": "green", "closed": true}, {"value": "lost"}]},
		{"name": "account", "type": "lookup", "target": "account", "help": {"en": "Who buys", "zh-CN": "买方"}}]}`)
	f := c.Form("zh-CN", "")
	byName := map[string]FormField{}
	for _, ff := range f.Fields {
		byName[ff.Name] = ff
	}
	zero, two, one := 0, 2, 1
	min := json.Number("0")
	checks := []struct {
		name string
		got  FormField
		want FormField
	}{
		{"currency", byName["amount"], FormField{Name: "amount", Type: "currency", Label: "Amount", Currency: "JPY", Min: &min, Scale: &zero, Default: json.Number("1000")}},
		{"read_only option", byName["close_date"], FormField{Name: "close_date", Type: "date", Label: "Close date", ReadOnly: true}},
		{"autonumber", byName["ref"], FormField{Name: "ref", Type: "autonumber", Label: "Ref", ReadOnly: true}},
		{"formula", byName["weighted"], FormField{Name: "weighted", Type: "formula", ResultType: "currency", Label: "Weighted", ReadOnly: true, Scale: &two, Formula: "amount / 2"}},
		{"percent", byName["rate"], FormField{Name: "rate", Type: "percent", Label: "Rate", Scale: &one}},
		{"picklist", byName["stage"], FormField{Name: "stage", Type: "picklist", Label: "Stage",
			Options: []FormOption{{Value: "won", Label: "Won", Color: "green", Closed: true}, {Value: "lost", Label: "lost"}}}},
		{"lookup", byName["account"], FormField{Name: "account", Type: "lookup", Label: "Account", Help: "买方", Target: "account"}},
	}
	for _, ck := range checks {
		if !reflect.DeepEqual(ck.got, ck.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", ck.name, ck.got, ck.want)
		}
	}
	// Without layouts: one section of every field in two columns.
	want := []FormSection{{Columns: 2, Fields: []string{"amount", "close_date", "ref", "weighted", "rate", "stage", "account"}}}
	if !reflect.DeepEqual(f.Sections, want) || f.Layout != "" {
		t.Errorf("sections = %+v, layout %q", f.Sections, f.Layout)
	}
}

func TestFormLayoutChoice(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"name": "lead", "fields": [{"name": "a", "type": "text"}, {"name": "b", "type": "text"}],
		"layouts": [{"name": "full", "sections": [{"columns": 2, "fields": ["a", "b"]}]},
		            {"name": "quick", "sections": [{"fields": ["a"]}]}]}`)
	tests := []struct {
		layout, want string
		columns      int
	}{
		{"", "full", 2},
		{"quick", "quick", 1},
		{"missing", "full", 2},
	}
	for _, tt := range tests {
		f := c.Form("en", tt.layout)
		if f.Layout != tt.want || f.Sections[0].Columns != tt.columns {
			t.Errorf("Form(%q): layout %q columns %d, want %q %d", tt.layout, f.Layout, f.Sections[0].Columns, tt.want, tt.columns)
		}
	}
}
