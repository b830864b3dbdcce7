package workflow

import (
	"slices"
	"strings"
	"testing"
)

// TestControlledCheck: only a change of a controlled field is refused; sending the stored value
// back, or on create nothing or the default, passes; the message names every process, per locale.
func TestControlledCheck(t *testing.T) {
	obj := contractObject()
	obj.Field("status").Default = "draft"
	p := &ApprovalProcess{Name: "contract_approval", Object: "contract", Controls: []string{"amount"},
		RecallUpdates: map[string]string{"status": `"draft"`},
		Nodes:         []Node{{ID: "approved", Kind: NodeApproved, Updates: map[string]string{"status": `"approved"`}}}}
	if got := p.ControlledFields(); !slices.Equal(got, []string{"amount", "status"}) {
		t.Fatalf("controlled fields %v", got)
	}
	a := &Automation{Name: "close", Object: "contract", Controls: []string{"status"}}
	c := ControlledBy([]*ApprovalProcess{p}, []*Automation{a})["contract"]
	old := map[string]any{"title": "x", "status": "draft", "amount": int64(100)}
	for _, tc := range []struct {
		name  string
		input map[string]any
		old   map[string]any
		want  []string
	}{
		{"unrelated edit", map[string]any{"title": "y"}, old, nil},
		{"the whole form back", map[string]any{"title": "y", "status": "draft", "amount": "1.00"}, old, nil},
		{"approve by hand", map[string]any{"status": "approved"}, old, []string{"status"}},
		{"clear", map[string]any{"amount": nil}, old, []string{"amount"}},
		{"create with the default", map[string]any{"status": "draft", "amount": ""}, nil, nil},
		{"create approved", map[string]any{"status": "approved", "amount": "5"}, nil, []string{"amount", "status"}},
	} {
		var got []string
		for _, e := range c.Check(obj, tc.input, tc.old, "en") {
			got = append(got, e.Field)
			if e.Code != CodeControlled {
				t.Errorf("%s: code %s", tc.name, e.Code)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: refused %v, want %v", tc.name, got, tc.want)
		}
	}
	if m := c.Message("status", "en"); m != "Set only by the approval process contract_approval, the automation close; it cannot be changed directly" {
		t.Errorf("en: %s", m)
	}
	if m := c.Message("status", "zh-CN"); !strings.Contains(m, "审批流程 contract_approval、自动化 close") {
		t.Errorf("zh-CN: %s", m)
	}
}
