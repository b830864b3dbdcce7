package forms

import (
	"fmt"
	"net/url"
	"strings"
)

// A web form is a public page that creates records of one object from what a visitor types
// (web-to-lead). It names the fields it shows, fixed values it adds (source = "website"), and
// which fields receive the page's UTM parameters and referrer. Nothing else of the object can be
// written through it: the engine builds a submission's input from this definition only.
type WebForm struct {
	Name     string            `json:"name"` // the address: /f/{name}
	Label    Label             `json:"label,omitempty"`
	Intro    Label             `json:"intro,omitempty"`
	Object   string            `json:"object"`
	Fields   []WebFormField    `json:"fields"`
	Hidden   map[string]any    `json:"hidden,omitempty"`  // field -> fixed value, as a form would send it
	Capture  map[string]string `json:"capture,omitempty"` // utm_source ... or referrer -> field
	Submit   Label             `json:"submit,omitempty"`  // the button
	ThankYou Label             `json:"thank_you,omitempty"`
	Redirect string            `json:"redirect,omitempty"` // https URL shown after a submission instead of the thanks
	Origins  []string          `json:"origins,omitempty"`  // sites allowed to embed the page or post to it
	Enabled  bool              `json:"enabled"`
}

// WebFormField is one field a web form shows.
type WebFormField struct {
	Field    string `json:"field"`
	Label    Label  `json:"label,omitempty"` // none: the field's own
	Help     Label  `json:"help,omitempty"`
	Required bool   `json:"required,omitempty"` // required on this form even when the object allows blank
}

// CaptureKeys are what a web form may capture from the visit.
var CaptureKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer"}

// webFormTypes are the field types a visitor may fill: no lookups or users (a visitor must not
// name records or people), nothing computed.
var webFormTypes = map[string]bool{
	TypeText: true, TypeTextarea: true, TypeEmail: true, TypePhone: true, TypeURL: true,
	TypeInteger: true, TypeNumber: true, TypeCurrency: true, TypePercent: true, TypeBoolean: true,
	TypeDate: true, TypePicklist: true, TypeMultipicklist: true,
}

// WebFormFieldAllowed reports whether a visitor may fill a field of this type.
func WebFormFieldAllowed(t string) bool { return webFormTypes[t] }

// Limits of a web form.
const (
	MaxWebFormFields  = 30
	MaxWebFormOrigins = 20
)

// CheckWebForm lists every problem of a web form for its object (nil: none).
func CheckWebForm(w *WebForm, obj *Object) []Problem {
	var probs []Problem
	add := func(ptr, code, format string, args ...any) {
		probs = append(probs, Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if !NamePattern.MatchString(w.Name) {
		add("/name", "invalid_name", "a web form's name is its address: it starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	if obj == nil {
		add("/object", "unknown_object", "object %q does not exist", w.Object)
		return probs
	}
	if len(w.Fields) == 0 {
		add("/fields", "required", "a web form shows at least one field")
	}
	if len(w.Fields) > MaxWebFormFields {
		add("/fields", "too_many", "a web form shows at most %d fields", MaxWebFormFields)
	}
	used := map[string]string{}
	claim := func(ptr, field string) *Field {
		f := obj.Field(field)
		switch {
		case f == nil:
			add(ptr, "unknown_field", "%q is not a field of %s", field, obj.Name)
		case !WebFormFieldAllowed(f.Type):
			add(ptr, "field_not_allowed", "a %s field cannot be filled from a web form", f.Type)
		case used[field] != "":
			add(ptr, "duplicate_field", "%q is already set by %s", field, used[field])
		default:
			used[field] = ptr
			return f
		}
		return nil
	}
	for i, f := range w.Fields {
		claim(fmt.Sprintf("/fields/%d/field", i), f.Field)
	}
	for field, v := range w.Hidden {
		ptr := "/hidden/" + field
		f := claim(ptr, field)
		if f == nil {
			continue
		}
		if _, err := f.StoreValue(v); err != nil {
			add(ptr, "invalid_value", "%v is not a value of %s: %v", v, field, err)
		} else if s, ok := v.(string); f.Type == TypePicklist && (!ok || !f.HasOption(s)) {
			add(ptr, "invalid_value", "%v is not an option of %s", v, field)
		}
	}
	for key, field := range w.Capture {
		ptr := "/capture/" + key
		known := false
		for _, k := range CaptureKeys {
			known = known || k == key
		}
		if !known {
			add(ptr, "unknown_capture", "%q cannot be captured (%s)", key, strings.Join(CaptureKeys, ", "))
			continue
		}
		if f := claim(ptr, field); f != nil && f.Type != TypeText && f.Type != TypeTextarea && f.Type != TypeURL {
			add(ptr, "field_not_allowed", "%s is captured as text: a text, text area or URL field", key)
		}
	}
	if w.Redirect != "" {
		if u, err := url.Parse(w.Redirect); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add("/redirect", "invalid_url", "the page after a submission is an http(s) address")
		}
	}
	if len(w.Origins) > MaxWebFormOrigins {
		add("/origins", "too_many", "at most %d sites may embed a web form", MaxWebFormOrigins)
	}
	for i, o := range w.Origins {
		if !IsOrigin(o) {
			add(fmt.Sprintf("/origins/%d", i), "invalid_origin", "%q is not an origin like https://www.example.com", o)
		}
	}
	return probs
}

// IsOrigin reports whether s is a web origin: scheme and host (and port), nothing else.
func IsOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil &&
		!strings.ContainsAny(s, " ;,'\"")
}

// HasOption reports whether value is one of a picklist's options.
func (f *Field) HasOption(value string) bool {
	for _, o := range f.Options {
		if o.Value == value {
			return true
		}
	}
	return false
}
