package api

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/forms"
	"crm/rules"
)

func listObjects(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		objs, err := e.ListObjects(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": objs})
	}
}

func getObject(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		o, err := e.GetObject(c.UserContext(), actor(c), c.Params("object"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(o.Version))
		return c.JSON(o)
	}
}

func createObject(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		obj, read, err := decodeDefinition(c)
		if err != nil {
			return err
		}
		if err := checkRead(c, e, obj, read); err != nil {
			return err
		}
		o, err := e.CreateObject(c.UserContext(), actor(c), obj)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(o.Version))
		return c.Status(fiber.StatusCreated).JSON(o)
	}
}

func updateObject(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		obj, read, err := decodeDefinition(c)
		if err != nil {
			return err
		}
		if err := checkRead(c, e, obj, read); err != nil {
			return err
		}
		o, err := e.UpdateObject(c.UserContext(), actor(c), c.Params("object"), obj, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(o.Version))
		return c.JSON(o)
	}
}

func deleteObject(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		if err := e.DeleteObject(c.UserContext(), actor(c), c.Params("object"), v); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func objectHistory(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h, err := e.ObjectHistory(c.UserContext(), actor(c), c.Params("object"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": h})
	}
}

// rollupBackfill answers how far the computing of an object's roll-ups for its existing records
// is (after a save added or changed one): {state, done, total, fields, ...}; 404 before any.
func rollupBackfill(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := e.RollupBackfill(c.UserContext(), actor(c), c.Params("object"))
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

func getForm(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := e.Form(c.UserContext(), actor(c), c.Params("object"), locale(c), c.Query("layout"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentLanguage, locale(c))
		return c.JSON(f)
	}
}

func evaluateForm(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req struct {
			Values map[string]any `json:"values"`
			ID     string         `json:"id"`
		}
		if err := decodeBody(c, &req); err != nil {
			return err
		}
		if req.Values == nil {
			req.Values = map[string]any{}
		}
		st, err := e.EvaluateForm(c.UserContext(), actor(c), c.Params("object"), req.ID, req.Values, locale(c))
		if err != nil {
			return err
		}
		return c.JSON(st)
	}
}

func checkExpression(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req engine.ExpressionCheck
		if err := decodeBody(c, &req); err != nil {
			return err
		}
		res, err := e.CheckExpression(c.UserContext(), actor(c), req)
		if err != nil {
			return err
		}
		return c.JSON(res)
	}
}

func expressionLibrary() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"functions": rules.Library, "operators": rules.Operators, "variables": rules.Variables})
	}
}

// previewForm answers the form and its state for a draft definition and sample values:
// {definition, values} -> {form, state}.
func previewForm(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req struct {
			Definition json.RawMessage `json:"definition"`
			Values     map[string]any  `json:"values"`
		}
		if err := decodeBody(c, &req); err != nil {
			return err
		}
		if len(req.Definition) == 0 {
			return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_request", Message: "send the draft definition"}
		}
		obj, problems, err := forms.DecodeObject(req.Definition, engine.DefinitionServerKeys...)
		if err != nil {
			return &engine.Error{Kind: engine.KindInvalid, Code: "malformed_json", Message: "the definition is not valid: " + jsonProblem(err)}
		}
		if err := checkRead(c, e, obj, problems); err != nil {
			return err
		}
		if req.Values == nil {
			req.Values = map[string]any{}
		}
		p, err := e.PreviewForm(c.UserContext(), actor(c), obj, req.Values, locale(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentLanguage, locale(c))
		return c.JSON(p)
	}
}
