package forms

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// TypePicklist is one value chosen from a fixed list.
const TypePicklist = "picklist"

// maxOptionValue is the longest option value: values are stored and filtered on, not prose.
const maxOptionValue = 100

// palette is the set of colour names an option may use besides "#rrggbb"; the UI maps each to
// its theme's shade so that colours stay readable in light and dark themes.
var palette = map[string]bool{
	"blue": true, "green": true, "red": true, "orange": true, "gold": true,
	"purple": true, "cyan": true, "magenta": true, "gray": true,
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// picklistType is one value out of the field's options; the stored value is the option's value,
// so labels can be renamed and translated without touching records.
type picklistType struct{}

var _ fieldType = picklistType{}

func init() { register(TypePicklist, picklistType{}) }

func (picklistType) allows() option { return optStored | optOptions }

func (picklistType) check(f *Field, at string, r *report) { checkOptions(f, at, r) }

func (picklistType) schema(f *Field) map[string]any {
	return map[string]any{"enum": optionValues(f)}
}

func (picklistType) store(f *Field, v any) (any, *issue) {
	s, ok := v.(string)
	if !ok {
		return nil, &issue{code: CodeType, arg: "string"}
	}
	if !hasOption(f, s) {
		return nil, &issue{code: CodeEnum}
	}
	return s, nil
}

func (picklistType) wire(_ *Field, v any) any { return v }

// checkOptions requires at least one option, each with a non-empty, unique value, a valid colour
// and well-formed label locales; only picklists may mark options closed.
func checkOptions(f *Field, at string, r *report) {
	if len(f.Options) == 0 {
		r.add(at+"/options", codeMissingOption, "a %s field needs at least one option", f.Type)
		return
	}
	seen := make(map[string]bool, len(f.Options))
	for j, o := range f.Options {
		oat := fmt.Sprintf("%s/options/%d", at, j)
		switch {
		case o.Value == "":
			r.add(oat+"/value", codeInvalidOption, "an option needs a value")
		case utf8.RuneCountInString(o.Value) > maxOptionValue:
			r.add(oat+"/value", codeInvalidOption, "an option value has at most %d characters", maxOptionValue)
		case seen[o.Value]:
			r.add(oat+"/value", codeDuplicateValue, "option value %q is used twice", o.Value)
		}
		seen[o.Value] = true
		if o.Color != "" && !palette[o.Color] && !hexColor.MatchString(o.Color) {
			r.add(oat+"/color", codeInvalidOption, "colour %q is neither #rrggbb nor one of blue, green, red, orange, gold, purple, cyan, magenta, gray", o.Color)
		}
		if o.Closed && f.Type != TypePicklist {
			r.add(oat+"/closed", codeOptionNotAllowed, "only a picklist's options can be marked closed")
		}
		checkLabel(o.Label, oat+"/label", r)
	}
}

// optionValues lists the option values as a JSON array.
func optionValues(f *Field) []any {
	vals := make([]any, len(f.Options))
	for i, o := range f.Options {
		vals[i] = o.Value
	}
	return vals
}

func hasOption(f *Field, v string) bool {
	for _, o := range f.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}
