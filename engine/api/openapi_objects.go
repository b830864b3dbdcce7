package api

import (
	"errors"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// openAPI answers the OpenAPI document. Anonymous readers get the routes only; a valid session
// or API token adds the caller's objects. A token that is sent but not valid is refused (401)
// rather than answered as anonymous, so a client learns its token is wrong.
func openAPI(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var by *engine.Actor
		if token, _ := requestToken(c); token != "" {
			a, err := e.Authenticate(c.UserContext(), token)
			if err != nil {
				return err
			}
			by = a
		}
		doc, err := openAPIDoc(c, e, by)
		if err != nil {
			return err
		}
		return c.JSON(doc)
	}
}

// schemaName is what an object name must be to name a component (OpenAPI's rule for keys).
var schemaName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// addObjects adds, per object the caller may read, three schemas built from the JSON Schema the
// object's records are validated with (the fields hidden from the caller left out, as the form
// route leaves them out): <object> for a create, <object>_patch for an update (nothing
// required) and <object>_record for an answer (with the system fields), and the typed record
// routes /api/records/<object> and /api/records/<object>/{id} that use them.
func addObjects(c *fiber.Ctx, e *engine.Engine, by *engine.Actor, paths, schemas map[string]any) error {
	objs, err := e.ListObjects(c.UserContext(), by)
	if err != nil {
		return err
	}
	for _, def := range objs {
		name := def.Object.Name
		if !schemaName.MatchString(name) || schemas[name] != nil {
			continue
		}
		f, err := e.Form(c.UserContext(), by, name, locale(c), "")
		var ee *engine.Error
		if errors.As(err, &ee) && (ee.Kind == engine.KindForbidden || ee.Kind == engine.KindNotFound) {
			continue // not the caller's to read
		}
		if err != nil {
			return err
		}
		input := f.Schema
		delete(input, "$schema")
		delete(input, "$id")
		input["title"] = f.Label
		schemas[name] = input

		props, _ := input["properties"].(map[string]any)
		patch := map[string]any{"type": "object", "title": f.Label + " (changes)", "properties": props,
			"additionalProperties": false}
		schemas[name+"_patch"] = patch

		all := make(map[string]any, len(props)+len(systemFields))
		for k, v := range props {
			all[k] = v
		}
		for k, v := range systemFields {
			all[k] = v
		}
		schemas[name+"_record"] = map[string]any{"type": "object", "title": f.Label + " record", "properties": all,
			"required": []any{"id", "version"}}

		tag := "records: " + name
		list, one := "/api/records/"+name, "/api/records/"+name+"/{id}"
		lo := routeDocs["GET /records/:object"]
		lo.id, lo.tag, lo.summary = name+"_list", tag, "List "+f.Label+" records"
		co := routeDocs["POST /records/:object"]
		co.id, co.tag, co.summary = name+"_create", tag, "Create a "+f.Label+" record"
		paths[list] = map[string]any{"get": operation("GET", list, nil, lo, name), "post": operation("POST", list, nil, co, name)}
		g, u, d := routeDocs["GET /records/:object/:id"], routeDocs["PATCH /records/:object/:id"], routeDocs["DELETE /records/:object/:id"]
		g.id, g.tag, g.summary = name+"_get", tag, "Read a "+f.Label+" record"
		u.id, u.tag, u.summary = name+"_update", tag, "Change a "+f.Label+" record"
		d.id, d.tag, d.summary = name+"_delete", tag, "Delete a "+f.Label+" record"
		ids := []string{"id"}
		paths[one] = map[string]any{"get": operation("GET", one, ids, g, name), "patch": operation("PATCH", one, ids, u, name),
			"delete": operation("DELETE", one, ids, d, name)}
	}
	return nil
}
