package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/forms"
)

const sessionCookie = "crm_session"

// actor is the authenticated user of the request (set by authenticate).
func actor(c *fiber.Ctx) *engine.Actor { return c.Locals("actor").(*engine.Actor) }

// authenticate accepts "Authorization: Bearer <token>" (a session or an API token) or the session
// cookie; a cookie-authenticated change must pass the CSRF check.
func authenticate(e *engine.Engine, secure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token, viaCookie := requestToken(c)
		a, err := e.Authenticate(c.UserContext(), token)
		if err != nil {
			return err
		}
		if viaCookie {
			if err := checkCSRF(c, token); err != nil {
				return err
			}
			// A session opened before the CSRF cookie existed gets it on its next read.
			if c.Cookies(csrfCookie) != csrfFor(token) {
				setCSRFCookie(c, token, secure)
			}
		}
		c.Locals("actor", a)
		c.Locals("token", token)
		return c.Next()
	}
}

// requestToken is the request's credential and whether it came from the session cookie.
func requestToken(c *fiber.Ctx) (token string, viaCookie bool) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t), false
		}
		return "", false
	}
	t := c.Cookies(sessionCookie)
	return t, t != ""
}

// sessionToken is the session of the request, "" when it came with an API token.
func sessionToken(c *fiber.Ctx) string {
	t, _ := c.Locals("token").(string)
	if strings.HasPrefix(t, engine.APITokenPrefix) {
		return ""
	}
	return t
}

// objectBody is the request body once it is known to be exactly one JSON object in valid UTF-8:
// every route that reads a body passes here, so trailing data ("{...}xx", two documents), null
// or another non-object, and invalid UTF-8 (which encoding/json would turn into U+FFFD
// silently) are refused alike, before anything is decoded or saved.
func objectBody(c *fiber.Ctx) ([]byte, error) {
	body := c.Body()
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, malformed("the request body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return nil, malformed("the request body is not valid UTF-8")
	}
	if trimmed[0] != '{' {
		return nil, malformed("the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, malformed("the request body is not valid JSON: " + jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed("the request body has data after the JSON object")
	}
	return body, nil
}

func malformed(msg string) error {
	return &engine.Error{Kind: engine.KindInvalid, Code: "malformed_json", Message: msg}
}

// decodeBody reads a JSON object body with numbers kept exact (json.Number).
func decodeBody(c *fiber.Ctx, v any) error {
	body, err := objectBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return malformed("the request body is not valid JSON: " + jsonProblem(err))
	}
	return nil
}

// decodeDefinition reads an object definition, and the problems of reading it (unknown keys,
// with their pointers). Those are answered together with every other problem of the definition
// (see checkRead), never alone.
func decodeDefinition(c *fiber.Ctx) (*forms.Object, []forms.Problem, error) {
	body, err := objectBody(c)
	if err != nil {
		return nil, nil, err
	}
	obj, problems, err := forms.DecodeObject(body, engine.DefinitionServerKeys...)
	if err != nil {
		return nil, nil, malformed("the request body is not a valid definition: " + jsonProblem(err))
	}
	return obj, problems, nil
}

// checkRead refuses a definition whose reading found problems, with every other problem of it.
func checkRead(c *fiber.Ctx, e *engine.Engine, obj *forms.Object, read []forms.Problem) error {
	if len(read) == 0 {
		return nil
	}
	return e.CheckObject(c.UserContext(), actor(c), obj, read)
}

// decodeStrict reads a JSON object into v, refusing keys v does not have (a typo such as
// "acitve" must not be ignored silently).
func decodeStrict(c *fiber.Ctx, v any) error {
	body, err := objectBody(c)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "json: unknown field") {
			msg = jsonProblem(err)
		}
		return malformed("the request body is not valid: " + msg)
	}
	return nil
}

// decodeObject reads a body that must be a JSON object of field values.
func decodeObject(c *fiber.Ctx) (map[string]any, error) {
	var m map[string]any
	if err := decodeBody(c, &m); err != nil {
		return nil, err
	}
	return m, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return se.Error() + " at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		if te.Field != "" {
			return "field " + te.Field + " must be " + te.Type.String()
		}
		return "expected " + te.Type.String()
	}
	return "unexpected end of input"
}

// locale is the caller's first Accept-Language tag; labels fall back from there.
func locale(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAcceptLanguage)
	tag, _, _ := strings.Cut(h, ",")
	tag, _, _ = strings.Cut(tag, ";")
	tag = strings.TrimSpace(tag)
	if tag == "" || tag == "*" || len(tag) > 35 {
		return "en"
	}
	return tag
}

// ifMatch reads If-Match as a record version: "3", W/"3" or 3; absent or * is 0 (any).
func ifMatch(c *fiber.Ctx) (int64, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return 0, &engine.Error{Kind: engine.KindInvalid, Code: "invalid_if_match", Message: "If-Match must be a record version, e.g. \"3\""}
	}
	return v, nil
}

func etag(version any) string { return `"` + toString(version) + `"` }

func toString(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return v
	}
	return ""
}
