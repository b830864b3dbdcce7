package api

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/forms"
)

// Public web forms: the hosted page GET /f/{name} (plain HTML, no script, works in a frame of the
// sites the form allows), and POST /api/public/forms/{name}, which the page posts as a form and
// other sites may post as JSON (CORS for the form's origins). GET /api/public/forms/{name} gives
// a site its own page's fields and a token. None of these need a session.

// webFormBodyLimit bounds a submission: a few fields of text.
const webFormBodyLimit = 32 << 10

//go:embed webform.html
var webFormHTML string

var webFormPage = template.Must(template.New("webform").Parse(webFormHTML))

// mountWebForms adds the public routes; api is the /api group, app the root.
func mountWebForms(app *fiber.App, a fiber.Router, e *engine.Engine) {
	app.Get("/f/:name", webFormGet(e))
	a.Get("/public/forms/:name", webFormJSON(e))
	a.Options("/public/forms/:name", webFormPreflight(e))
	a.Post("/public/forms/:name", webFormPost(e))
}

// pageLocale is the visitor's language: ?lang= first, then the browser's.
func pageLocale(c *fiber.Ctx) string {
	l := c.Query("lang")
	if l == "" {
		l = locale(c)
	}
	if strings.HasPrefix(strings.ToLower(l), "zh") {
		return "zh-CN"
	}
	return "en"
}

type webFormView struct {
	*engine.PublicWebForm
	Action   string
	Values   map[string]string
	Errors   map[string]string
	Problem  string
	Thanks   string
	Capture  map[string]string
	Honeypot string
}

// Values of multi-valued fields are shown checked by membership.
func (v webFormView) Checked(field, value string) bool {
	return slices.Contains(strings.Split(v.Values[field], ";"), value)
}

func webFormGet(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		loc := pageLocale(c)
		p, err := e.WebFormPage(c.UserContext(), c.Params("name"), loc)
		if err != nil {
			return webFormError(c, err, loc)
		}
		capture := map[string]string{}
		for _, k := range forms.CaptureKeys {
			if v := c.Query(k); v != "" {
				capture[k] = v
			}
		}
		if capture["referrer"] == "" {
			capture["referrer"] = c.Get(fiber.HeaderReferer)
		}
		return renderWebForm(c, fiber.StatusOK, webFormView{PublicWebForm: p, Capture: capture})
	}
}

// renderWebForm writes the page with the headers its form allows: framing by its origins, posting
// to this server, nothing else loaded.
func renderWebForm(c *fiber.Ctx, status int, v webFormView) error {
	v.Action = "/api/public/forms/" + v.Name + "?lang=" + v.Locale
	v.Honeypot = engine.HoneypotField
	var b bytes.Buffer
	if err := webFormPage.Execute(&b, v); err != nil {
		return err
	}
	ancestors := "'self'"
	if v.PublicWebForm != nil && len(v.Origins) > 0 {
		ancestors += " " + strings.Join(v.Origins, " ")
		c.Response().Header.Del(fiber.HeaderXFrameOptions)
	}
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self' https: http:; frame-ancestors "+ancestors+"; base-uri 'none'")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(b.Bytes())
}

// webFormError answers an unknown or disabled form, and every refusal of the page, as a page.
func webFormError(c *fiber.Ctx, err error, loc string) error {
	ee, ok := engine.AsError(err)
	if !ok {
		return err
	}
	status := statusOf[ee.Kind]
	if ee.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(int64((ee.RetryAfter+time.Second-1)/time.Second), 10))
	}
	msg := ee.Localized(loc).Message
	return renderWebForm(c, status, webFormView{PublicWebForm: &engine.PublicWebForm{Locale: loc, Title: msg}, Problem: msg})
}

func webFormJSON(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := e.WebFormPage(c.UserContext(), c.Params("name"), pageLocale(c))
		if err != nil {
			return err
		}
		allowOrigin(c, p.Origins)
		return c.JSON(p)
	}
}

// allowOrigin lets a site the form names read the answer (CORS); others get no header.
func allowOrigin(c *fiber.Ctx, origins []string) {
	if o := c.Get(fiber.HeaderOrigin); o != "" && slices.Contains(origins, o) {
		c.Set(fiber.HeaderAccessControlAllowOrigin, o)
		c.Set(fiber.HeaderVary, fiber.HeaderOrigin)
	}
}

func webFormPreflight(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		origins, err := e.WebFormOrigins(c.UserContext(), c.Params("name"))
		if err != nil {
			return err
		}
		allowOrigin(c, origins)
		c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST")
		c.Set(fiber.HeaderAccessControlAllowHeaders, fiber.HeaderContentType)
		c.Set(fiber.HeaderAccessControlMaxAge, "600")
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// webFormPost takes a submission as the page posts it (a form: the answer is a page) or as JSON.
func webFormPost(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		loc := pageLocale(c)
		name := c.Params("name")
		page := !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON)
		if len(c.Body()) > webFormBodyLimit {
			err := &engine.Error{Kind: engine.KindTooLarge, Code: "too_large", Message: "the submission is too large"}
			if page {
				return webFormError(c, err, loc)
			}
			return err
		}
		s := engine.WebSubmission{Values: map[string]string{}, Capture: map[string]string{}, IP: c.IP(), Locale: loc}
		if page {
			args := c.Request().PostArgs()
			args.VisitAll(func(k, v []byte) {
				key := string(k)
				switch {
				case key == "_token":
					s.Token = string(v)
				case key == engine.HoneypotField:
					s.Honeypot = string(v)
				case strings.HasPrefix(key, "_capture_"):
					s.Capture[strings.TrimPrefix(key, "_capture_")] = string(v)
				case s.Values[key] != "":
					s.Values[key] += ";" + string(v) // the boxes of a multi-select
				default:
					s.Values[key] = string(v)
				}
			})
		} else {
			var body struct {
				Values  map[string]any    `json:"values"`
				Token   string            `json:"token"`
				Trap    string            `json:"website_url"`
				Capture map[string]string `json:"capture"`
			}
			if err := decodeBody(c, &body); err != nil {
				return err
			}
			for k, v := range body.Values {
				switch v := v.(type) {
				case string:
					s.Values[k] = v
				case []any:
					var parts []string
					for _, p := range v {
						if ps, ok := p.(string); ok {
							parts = append(parts, ps)
						}
					}
					s.Values[k] = strings.Join(parts, ";")
				case nil:
				default:
					s.Values[k] = fmt.Sprint(v) // a number or a boolean
				}
			}
			s.Token, s.Honeypot, s.Capture = body.Token, body.Trap, body.Capture
			if s.Capture == nil {
				s.Capture = map[string]string{}
			}
		}
		res, err := e.SubmitWebForm(c.UserContext(), name, s)
		if !page {
			if origins, oerr := e.WebFormOrigins(c.UserContext(), name); oerr == nil {
				allowOrigin(c, origins)
			}
			if err != nil {
				return err
			}
			return c.JSON(res)
		}
		if err != nil {
			ee, ok := engine.AsError(err)
			if !ok || ee.Kind != engine.KindValidation {
				if ok && ee.Kind == engine.KindInvalid { // a token refused: a fresh page says why
					return resubmitPage(c, e, name, loc, s, ee.Localized(loc).Message, fiber.StatusBadRequest)
				}
				return webFormError(c, err, loc)
			}
			return resubmitPage(c, e, name, loc, s, ee.Localized(loc).Message, fiber.StatusUnprocessableEntity, ee.Fields...)
		}
		if res.Redirect != "" {
			return c.Redirect(res.Redirect, fiber.StatusSeeOther)
		}
		p, perr := e.WebFormPage(c.UserContext(), name, loc)
		if perr != nil {
			return webFormError(c, perr, loc)
		}
		return renderWebForm(c, fiber.StatusOK, webFormView{PublicWebForm: p, Thanks: res.Message})
	}
}

// resubmitPage shows the page again with what the visitor typed, the problems and a new token.
func resubmitPage(c *fiber.Ctx, e *engine.Engine, name, loc string, s engine.WebSubmission, problem string, status int, fields ...forms.FieldError) error {
	p, err := e.WebFormPage(c.UserContext(), name, loc)
	if err != nil {
		return webFormError(c, err, loc)
	}
	v := webFormView{PublicWebForm: p, Values: s.Values, Capture: s.Capture, Problem: problem, Errors: map[string]string{}}
	for _, f := range fields {
		v.Errors[f.Field] = f.Message
	}
	return renderWebForm(c, status, v)
}

// webFormStats answers a web form's submissions by outcome, for analysts.
func webFormStats(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, err := e.WebFormStats(c.UserContext(), actor(c), c.Params("name"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"counts": s})
	}
}
