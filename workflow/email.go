package workflow

import (
	"fmt"
	"html"
	"net/mail"
	"regexp"
	"sort"
	"strings"

	"crm/forms"
)

// Email templates and the checks every outgoing email passes. A template belongs to one object:
// a subject, an HTML body and a plain-text body per language, with logic-less merge fields:
// {{field}}, {{lookup.field}} (one level, through a lookup field) and {{record_url}}. Values are
// HTML-escaped in the HTML body; nothing else a template or a record holds can run or change a
// header (CR and LF never reach a subject).

// EmailTemplate is an email template as stored, in packages and on the wire.
type EmailTemplate struct {
	Name    string      `json:"name"`
	Label   forms.Label `json:"label,omitempty"`
	Object  string      `json:"object"`
	Subject forms.Label `json:"subject"`
	HTML    forms.Label `json:"html,omitempty"`
	Text    forms.Label `json:"text,omitempty"`
}

// Email limits.
const (
	MaxEmailRecipients = 50
	MaxSubjectLength   = 400
	MaxEmailBody       = 200 << 10
)

// RecordURLField is the merge field that shows the record's address in the app.
const RecordURLField = "record_url"

// mergeField finds every {{...}}; what is inside is checked apart so that a malformed one is
// refused, not sent as it is.
var (
	mergeField = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
	mergePath  = regexp.MustCompile(`^\s*([a-z][a-z0-9_]*)(?:\.([a-z][a-z0-9_]*))?\s*$`)
)

// MergeFields lists the merge fields a text names, each as "field" or "lookup.field"; bad lists
// the ones that are not well formed.
func MergeFields(text string) (paths, bad []string) {
	for _, m := range mergeField.FindAllStringSubmatch(text, -1) {
		p := mergePath.FindStringSubmatch(m[1])
		if p == nil {
			bad = append(bad, m[0])
			continue
		}
		if p[2] != "" {
			paths = append(paths, p[1]+"."+p[2])
		} else {
			paths = append(paths, p[1])
		}
	}
	return paths, bad
}

// CheckEmailTemplate lists every problem of a template against its object (nil: none); objects
// answers the objects its lookups reach.
func CheckEmailTemplate(t *EmailTemplate, objects Objects) []forms.Problem {
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if !forms.NamePattern.MatchString(t.Name) {
		bad("/name", "invalid_name", "a template name starts with a lower-case letter and holds only a-z, 0-9 and _")
	}
	obj := objects(t.Object)
	if obj == nil {
		bad("/object", "unknown_object", "no object named %q", t.Object)
		return probs
	}
	if len(t.Subject) == 0 {
		bad("/subject", "required", "a template has a subject")
	}
	if len(t.HTML) == 0 && len(t.Text) == 0 {
		bad("/text", "required", "a template has an HTML or a plain-text body")
	}
	parts := []struct {
		key   string
		label forms.Label
		limit int
	}{{"subject", t.Subject, MaxSubjectLength}, {"html", t.HTML, MaxEmailBody}, {"text", t.Text, MaxEmailBody}}
	for _, part := range parts {
		for _, loc := range sortedKeys(part.label) {
			text := part.label[loc]
			ptr := "/" + part.key + "/" + loc
			if !forms.ValidLocale(loc) {
				bad(ptr, "invalid_locale", "%q is not a locale such as en or zh-CN", loc)
			}
			if len(text) > part.limit {
				bad(ptr, "too_long", "at most %d characters", part.limit)
			}
			if part.key == "subject" && strings.ContainsAny(text, "\r\n") {
				bad(ptr, "header_injection", "a subject is one line: no CR or LF")
			}
			paths, malformed := MergeFields(text)
			for _, m := range malformed {
				bad(ptr, "invalid_merge_field", "%s is not a merge field: write {{field}} or {{lookup.field}}", m)
			}
			for _, p := range paths {
				if msg := checkMergePath(obj, objects, p); msg != "" {
					bad(ptr, "unknown_field", "%s", msg)
				}
			}
		}
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
	return probs
}

// checkMergePath answers why a merge field does not name a value of the object ("": it does).
func checkMergePath(obj *forms.Object, objects Objects, path string) string {
	head, tail, deep := strings.Cut(path, ".")
	if !deep {
		if head == RecordURLField || isSystemName(head) || obj.Field(head) != nil {
			return ""
		}
		return fmt.Sprintf("the template names %q, which is not a field of %s", head, obj.Name)
	}
	f := obj.Field(head)
	if f == nil || f.Type != forms.TypeLookup {
		return fmt.Sprintf("the template names %q: %q is not a lookup field of %s", path, head, obj.Name)
	}
	target := objects(f.Target)
	if target == nil || (target.Field(tail) == nil && !isSystemName(tail)) {
		return fmt.Sprintf("the template names %q, which is not a field of %s", path, f.Target)
	}
	return ""
}

// LookupPaths lists the lookup fields a template reads through, so the engine reads only those.
func (t *EmailTemplate) LookupPaths() []string {
	seen := map[string]bool{}
	for _, l := range []forms.Label{t.Subject, t.HTML, t.Text} {
		for _, text := range l {
			paths, _ := MergeFields(text)
			for _, p := range paths {
				if head, _, deep := strings.Cut(p, "."); deep {
					seen[head] = true
				}
			}
		}
	}
	return sortedKeys(seen)
}

// RenderedEmail is a template filled for one record in one language.
type RenderedEmail struct {
	Subject string `json:"subject"`
	HTML    string `json:"html,omitempty"`
	Text    string `json:"text"`
}

// MergeValues answers the display text of a merge field ("" for an empty value).
type MergeValues func(path string) string

// Render fills the template in a language: values are HTML-escaped in the HTML body, and line
// breaks in the subject become spaces. A template without a plain-text body gets one from its
// HTML, with the tags taken out.
func (t *EmailTemplate) Render(locale string, values MergeValues) RenderedEmail {
	fill := func(text string, esc func(string) string) string {
		return mergeField.ReplaceAllStringFunc(text, func(m string) string {
			p := mergePath.FindStringSubmatch(m[2 : len(m)-2])
			if p == nil {
				return ""
			}
			path := p[1]
			if p[2] != "" {
				path += "." + p[2]
			}
			return esc(values(path))
		})
	}
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	out := RenderedEmail{Subject: oneLine(fill(t.Subject.In(locale), func(s string) string { return s }))}
	if h := t.HTML.In(locale); h != "" {
		out.HTML = fill(h, html.EscapeString)
	}
	if txt := t.Text.In(locale); txt != "" {
		out.Text = fill(txt, func(s string) string { return s })
	} else {
		out.Text = strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(out.HTML, "")))
	}
	return out
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// Codes of refused email input; the engine answers them with these stable codes.
const (
	CodeHeaderInjection   = "header_injection"
	CodeInvalidEmail      = "invalid_email"
	CodeTooManyRecipients = "too_many_recipients"
)

// CheckHeaderText refuses a text bound for a header (a subject, a display name) that holds CR or LF.
func CheckHeaderText(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return CodeHeaderInjection
	}
	return ""
}

// CheckAddress answers "" for a plain address (a@b.example), or the code of what is wrong.
func CheckAddress(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return CodeHeaderInjection
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") ||
		strings.ContainsAny(s, " <>,;\"") {
		return CodeInvalidEmail
	}
	return ""
}

// AddressAllowed tells whether a fixed address is one an admin allowed: the address itself or
// its domain ("example.com" or "@example.com") on the list, case-insensitive.
func AddressAllowed(addr string, allowed []string) bool {
	addr = strings.ToLower(addr)
	domain := addr[strings.LastIndex(addr, "@")+1:]
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == addr || strings.TrimPrefix(a, "@") == domain {
			return true
		}
	}
	return false
}

// checkEmailAction checks an email action of an automation on obj.
func checkEmailAction(at string, act Action, obj *forms.Object, bad func(ptr, code, format string, args ...any)) {
	if act.Template == "" {
		bad(at+"/template", "missing_option", "an email action names its template")
	}
	to := act.To
	if to == nil || (!to.Owner && !to.Manager && len(to.Users)+len(to.Roles)+len(to.Teams)+len(to.Fields)+len(to.Addresses) == 0) {
		bad(at+"/to", "missing_option", "an email action needs recipients")
		return
	}
	for i, f := range to.Fields {
		fd := obj.Field(f)
		if fd == nil || (fd.Type != forms.TypeEmail && fd.Type != forms.TypeUser) {
			bad(fmt.Sprintf("%s/to/fields/%d", at, i), "unknown_field", "%s has no email or user field %q", obj.Name, f)
		}
	}
	if len(to.Addresses) > MaxEmailRecipients {
		bad(at+"/to/addresses", CodeTooManyRecipients, "at most %d addresses", MaxEmailRecipients)
	}
	for i, a := range to.Addresses {
		if code := CheckAddress(a); code != "" {
			bad(fmt.Sprintf("%s/to/addresses/%d", at, i), code, "%q is not a plain email address", a)
		}
	}
}
