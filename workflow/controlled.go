package workflow

import (
	"fmt"
	"reflect"
	"strings"

	"crm/forms"
)

// CodeControlled is the field error of a user's change to a field only a process sets.
const CodeControlled = "controlled_field"

// Controller is a process that alone sets a field: an approval process or an automation.
type Controller struct {
	Kind string `json:"kind"` // "approval_process" or "automation"
	Name string `json:"name"`
}

// Controlled maps each controlled field of one object to the processes that set it. What a
// process decides (a contract approved) must not be undone or forged by an edit: users change
// such a field through no write path; the engine's own process writes still set it.
type Controlled map[string][]Controller

// ControlledFields is every field the process controls: the fields its updates set (start to
// end and recall, so a decision can never be overwritten) and those it names in controlled_fields.
func (p *ApprovalProcess) ControlledFields() []string {
	seen := map[string]bool{}
	for _, f := range p.Controls {
		seen[f] = true
	}
	for f := range p.RecallUpdates {
		seen[f] = true
	}
	for _, n := range p.Nodes {
		for f := range n.Updates {
			seen[f] = true
		}
	}
	return sortedKeys(seen)
}

// ControlledBy collects, per object, the fields the processes and automations control. Disabled
// ones keep control: the decisions they made stand.
func ControlledBy(procs []*ApprovalProcess, autos []*Automation) map[string]Controlled {
	out := map[string]Controlled{}
	add := func(object, field string, c Controller) {
		if out[object] == nil {
			out[object] = Controlled{}
		}
		out[object][field] = append(out[object][field], c)
	}
	for _, p := range procs {
		for _, f := range p.ControlledFields() {
			add(p.Object, f, Controller{Kind: "approval_process", Name: p.Name})
		}
	}
	for _, a := range autos {
		for _, f := range a.Controls {
			add(a.Object, f, Controller{Kind: "automation", Name: a.Name})
		}
	}
	return out
}

// Check refuses a user's write that would change a controlled field. input is what the user
// sent (wire form), old the stored record (nil on create). Sending the stored value back (a form
// posts every input), or on create nothing or the field's default, changes nothing and passes.
func (c Controlled) Check(obj *forms.Object, input, old map[string]any, locale string) []forms.FieldError {
	var errs []forms.FieldError
	for _, name := range sortedKeys(input) {
		owners := c[name]
		f := obj.Field(name)
		if len(owners) == 0 || f == nil || !changes(f, input[name], old) {
			continue
		}
		errs = append(errs, forms.FieldError{Field: name, Code: CodeControlled, Message: c.Message(name, locale)})
	}
	return errs
}

// Message says who alone sets a field, in the locale.
func (c Controlled) Message(field, locale string) string {
	var names []string
	for _, o := range c[field] {
		names = append(names, fmt.Sprintf(controllerKinds[o.Kind].In(locale), o.Name))
	}
	return fmt.Sprintf(controlledText.In(locale), strings.Join(names, listSeparator.In(locale)))
}

var (
	controllerKinds = map[string]forms.Label{
		"approval_process": {"en": "the approval process %s", "zh-CN": "审批流程 %s"},
		"automation":       {"en": "the automation %s", "zh-CN": "自动化 %s"},
	}
	controlledText = forms.Label{"en": "Set only by %s; it cannot be changed directly", "zh-CN": "此字段仅由%s设置，不能直接修改"}
	listSeparator  = forms.Label{"en": ", ", "zh-CN": "、"}
)

// Names is the controlled fields, sorted.
func (c Controlled) Names() []string { return sortedKeys(c) }

// changes tells whether sending v would change the field's stored value (old nil: create, where
// an empty value or the default is what the record gets anyway).
func changes(f *forms.Field, v any, old map[string]any) bool {
	blank := v == nil || v == ""
	var was any
	if old != nil {
		was = old[f.Name]
	} else if blank {
		return false
	} else if f.Default != nil {
		was, _ = f.StoreValue(f.Default)
	}
	if blank {
		return was != nil
	}
	now, err := f.StoreValue(v)
	return err != nil || !reflect.DeepEqual(now, was)
}

// checkControls checks the fields a definition names in controlled_fields: each is a field of obj
// that can be set (not a formula or an autonumber).
func checkControls(names []string, obj *forms.Object, bad func(ptr, code, format string, args ...any)) {
	seen := map[string]bool{}
	for i, name := range names {
		ptr := fmt.Sprintf("/controlled_fields/%d", i)
		f := obj.Field(name)
		switch {
		case f == nil || f.Computed():
			bad(ptr, "unknown_field", "%s has no field %q that can be set", obj.Name, name)
		case seen[name]:
			bad(ptr, "duplicate_value", "%q is listed twice", name)
		}
		seen[name] = true
	}
}
