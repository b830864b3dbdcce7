package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// The public side of web forms (web-to-lead): the page a visitor fills and the submission it
// posts, without a session. A submission runs through the whole write pipeline (validation,
// duplicate rules, assignment, automations) as the form's own actor ("webform:<name>"), with an
// input built from the definition only: the fields it shows, its fixed values and what it
// captures. Its answers name nothing internal: no ids, no other records, no duplicates.
//
// Spam and abuse are met without any outside service: a honeypot field, a signed token with a
// minimum fill time and an expiry, and rate limits per address and per form (webform_limits.go).

// HoneypotField is the page's trap: hidden from people, filled by bots.
const HoneypotField = "website_url"

// webFormTexts are what a page says when its form does not.
var webFormTexts = map[string]forms.Label{
	"submit":   {"en": "Submit", "zh-CN": "提交"},
	"thanks":   {"en": "Thank you! We will be in touch soon.", "zh-CN": "感谢您的提交，我们会尽快与您联系。"},
	"required": {"en": "Please fill this in", "zh-CN": "请填写此项"},
}

// PublicWebForm is what the hosted page shows, in the visitor's language.
type PublicWebForm struct {
	Name    string           `json:"name"`
	Title   string           `json:"title"`
	Intro   string           `json:"intro,omitempty"`
	Submit  string           `json:"submit"`
	Fields  []PublicWebField `json:"fields"`
	Token   string           `json:"token"`
	Locale  string           `json:"locale"`
	Origins []string         `json:"-"` // sites that may embed the page
}

// PublicWebField is one field of the page.
type PublicWebField struct {
	Name     string         `json:"name"`
	Label    string         `json:"label"`
	Help     string         `json:"help,omitempty"`
	Type     string         `json:"type"`
	Required bool           `json:"required"`
	Options  []PublicOption `json:"options,omitempty"`
}

// PublicOption is a picklist option on the page.
type PublicOption struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// WebSubmission is what a visitor posted.
type WebSubmission struct {
	Values   map[string]string // field -> the text typed
	Token    string
	Honeypot string
	Capture  map[string]string // utm_source ... and referrer, as the page saw them
	IP       string
	Locale   string
}

// WebFormResult is what a visitor sees after an accepted submission.
type WebFormResult struct {
	Message  string `json:"message,omitempty"`
	Redirect string `json:"redirect,omitempty"`
}

// publicWebForm reads an enabled web form and its object; a disabled or unknown one is not found.
func (e *Engine) publicWebForm(ctx context.Context, name string) (*forms.WebForm, *definition, error) {
	if !forms.NamePattern.MatchString(name) {
		return nil, nil, webFormsKind.notFound(name)
	}
	w, err := getNamed[WebFormDef](ctx, e, webFormsKind, name)
	if err != nil {
		return nil, nil, err
	}
	if !w.Enabled {
		return nil, nil, webFormsKind.notFound(name)
	}
	def, err := e.current(ctx, w.Object)
	if err != nil {
		return nil, nil, webFormsKind.notFound(name)
	}
	return &w.WebForm, def, nil
}

// WebFormPage is the page of an enabled web form with a fresh token.
func (e *Engine) WebFormPage(ctx context.Context, name, locale string) (*PublicWebForm, error) {
	w, def, err := e.publicWebForm(ctx, name)
	if err != nil {
		return nil, err
	}
	token, err := e.webFormToken(ctx, name, e.now())
	if err != nil {
		return nil, err
	}
	p := &PublicWebForm{Name: w.Name, Title: w.Label.In(locale), Intro: w.Intro.In(locale), Submit: w.Submit.In(locale),
		Token: token, Locale: locale, Origins: w.Origins}
	if p.Title == "" {
		p.Title = def.obj.Label.In(locale)
	}
	if p.Submit == "" {
		p.Submit = webFormTexts["submit"].In(locale)
	}
	for _, wf := range w.Fields {
		f := def.obj.Field(wf.Field)
		if f == nil || !forms.WebFormFieldAllowed(f.Type) {
			continue // the object changed since the form was saved
		}
		pf := PublicWebField{Name: f.Name, Label: wf.Label.In(locale), Help: wf.Help.In(locale), Type: f.Type,
			Required: wf.Required || f.Required}
		if pf.Label == "" {
			pf.Label = f.Label.In(locale)
		}
		if pf.Help == "" {
			pf.Help = f.Help.In(locale)
		}
		for _, o := range f.Options {
			pf.Options = append(pf.Options, PublicOption{Value: o.Value, Label: o.Label.In(locale)})
		}
		p.Fields = append(p.Fields, pf)
	}
	return p, nil
}

// WebFormOrigins are the sites allowed to embed or post to an enabled web form.
func (e *Engine) WebFormOrigins(ctx context.Context, name string) ([]string, error) {
	w, _, err := e.publicWebForm(ctx, name)
	if err != nil {
		return nil, err
	}
	return w.Origins, nil
}

// SubmitWebForm judges and stores a visitor's submission. A honeypot catch and a duplicate that a
// rule blocks answer as an accepted submission does, so that neither tells the sender anything;
// both are counted as refused.
func (e *Engine) SubmitWebForm(ctx context.Context, name string, s WebSubmission) (*WebFormResult, error) {
	w, def, err := e.publicWebForm(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := e.webLimits.allow(name, s.IP, e.now()); err != nil {
		e.webStats.count(name, "rate_limited")
		return nil, err
	}
	thanks := &WebFormResult{Message: w.ThankYou.In(s.Locale), Redirect: w.Redirect}
	if thanks.Message == "" && thanks.Redirect == "" {
		thanks.Message = webFormTexts["thanks"].In(s.Locale)
	}
	if strings.TrimSpace(s.Honeypot) != "" {
		e.webStats.count(name, "honeypot")
		return thanks, nil
	}
	if err := e.checkWebFormToken(ctx, name, s.Token, e.now(), s.Locale); err != nil {
		e.webStats.count(name, errCode(err))
		return nil, err
	}
	input, err := webFormInput(ctx, e, w, def, s)
	if err != nil {
		e.webStats.count(name, errCode(err))
		return nil, err
	}
	actor := &Actor{ID: "webform:" + name, Email: "webform:" + name, Name: w.Label.In("en"), Roles: []string{RoleAdmin}, Locale: s.Locale}
	if _, err := e.CreateRecord(ctx, actor, def.obj.Name, input, s.Locale); err != nil {
		if ee, ok := AsError(err); ok && ee.Code == "duplicate_found" {
			e.webStats.count(name, "duplicate")
			return thanks, nil
		}
		if ee, ok := AsError(err); ok && ee.Kind == KindValidation {
			e.webStats.count(name, "invalid")
			return nil, publicValidation(ee, w)
		}
		return nil, err
	}
	e.webStats.count(name, "accepted")
	return thanks, nil
}

// webFormInput is a submission's record input: the form's fields as typed, converted as an
// import converts cells, then what the form captures, then its fixed values, which nothing
// posted can change. Fields the form does not name are ignored.
func webFormInput(ctx context.Context, e *Engine, w *forms.WebForm, def *definition, s WebSubmission) (map[string]any, error) {
	conv := e.newConverter(SystemActor, def)
	input := map[string]any{}
	var bad []forms.FieldError
	for _, wf := range w.Fields {
		f := def.obj.Field(wf.Field)
		if f == nil || !forms.WebFormFieldAllowed(f.Type) {
			continue
		}
		text := strings.TrimSpace(s.Values[f.Name])
		if text == "" {
			if wf.Required {
				bad = append(bad, forms.FieldError{Field: f.Name, Code: forms.CodeRequired, Message: webFormTexts["required"].In(s.Locale)})
			}
			continue
		}
		v, code, err := conv.value(ctx, f, text)
		if err != nil {
			return nil, err
		}
		if code != "" {
			bad = append(bad, forms.FieldError{Field: f.Name, Code: code, Message: cellMessage(code, s.Locale)})
			continue
		}
		input[f.Name] = v
	}
	if len(bad) > 0 {
		return nil, &Error{Kind: KindValidation, Code: "validation_failed", Message: errorText("validation_failed", s.Locale), Fields: bad}
	}
	for key, field := range w.Capture {
		if v := strings.TrimSpace(s.Capture[key]); v != "" {
			if len(v) > 500 {
				v = v[:500]
			}
			input[field] = v
		}
	}
	for field, v := range w.Hidden {
		input[field] = v
	}
	return input, nil
}

// publicValidation keeps the field errors of the fields the visitor filled; the others (a
// required field the form does not show, a rule on a fixed value) are the form's fault, not the
// visitor's, and are told as one general message without naming them.
func publicValidation(ee *Error, w *forms.WebForm) *Error {
	shown := map[string]bool{}
	for _, f := range w.Fields {
		shown[f.Field] = true
	}
	out := &Error{Kind: KindValidation, Code: "validation_failed", Message: ee.Message}
	for _, fe := range ee.Fields {
		if shown[fe.Field] {
			out.Fields = append(out.Fields, fe)
		}
	}
	return out
}

func errCode(err error) string {
	if ee, ok := AsError(err); ok {
		return ee.Code
	}
	return "error"
}

// Tokens: "<issued, unix ms, base 36>.<HMAC-SHA256 of the form and the time, base64url>". The
// page hands one out; a submission must come at least MinFill after it and before Expiry.

func (e *Engine) webFormToken(ctx context.Context, name string, at time.Time) (string, error) {
	key, err := e.webFormKey(ctx)
	if err != nil {
		return "", err
	}
	issued := strconv.FormatInt(at.UnixMilli(), 36)
	return issued + "." + tokenMAC(key, name, issued), nil
}

func tokenMAC(key []byte, name, issued string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(name + "\x00" + issued))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (e *Engine) checkWebFormToken(ctx context.Context, name, token string, now time.Time, locale string) error {
	key, err := e.webFormKey(ctx)
	if err != nil {
		return err
	}
	issued, mac, ok := strings.Cut(token, ".")
	ms, perr := strconv.ParseInt(issued, 36, 64)
	if !ok || perr != nil || !hmac.Equal([]byte(mac), []byte(tokenMAC(key, name, issued))) {
		return &Error{Kind: KindInvalid, Code: "web_form_token_invalid", Message: errorText("web_form_token_invalid", locale)}
	}
	age := now.Sub(time.UnixMilli(ms))
	switch {
	case age < e.webLimits.MinFill:
		return &Error{Kind: KindInvalid, Code: "web_form_too_fast", Message: errorText("web_form_too_fast", locale)}
	case age > e.webLimits.Expiry:
		return &Error{Kind: KindInvalid, Code: "web_form_expired", Message: errorText("web_form_expired", locale)}
	}
	return nil
}

// webFormKey is the server's secret for form tokens: made once, kept in the settings, so that
// every process sharing the database accepts the others' tokens.
func (e *Engine) webFormKey(ctx context.Context) ([]byte, error) {
	e.mu.Lock()
	key := e.webKey
	e.mu.Unlock()
	if key != nil {
		return key, nil
	}
	const id = "web_form_key"
	d, err := e.store.Get(ctx, collSettings, id)
	if errors.Is(err, store.ErrNotFound) {
		err = e.store.Insert(ctx, collSettings, store.Doc{"id": id, "value": randomToken() + randomToken()})
		if err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return nil, storeErr(err)
		}
		d, err = e.store.Get(ctx, collSettings, id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	s, _ := d["value"].(string)
	if len(s) < 32 {
		return nil, errors.New("engine: the web form key in the settings is malformed")
	}
	e.mu.Lock()
	e.webKey = []byte(s)
	e.mu.Unlock()
	return []byte(s), nil
}
