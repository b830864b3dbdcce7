package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func listViews(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Query("object") == "" {
			return &engine.Error{Kind: engine.KindInvalid, Code: "missing_object", Message: "name the object: /api/views?object=lead"}
		}
		vs, err := e.ListViews(c.UserContext(), actor(c), c.Query("object"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": vs})
	}
}

// saveView creates (POST /api/views) or replaces (PUT /api/views/{id}) a view; id, owner and
// version in the body are ignored, the server keeps them.
func saveView(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var in engine.View
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		in.ID, in.Owner, in.Version = c.Params("id"), "", 0
		out, err := e.SaveView(c.UserContext(), actor(c), &in, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(out.Version))
		if c.Method() == fiber.MethodPost {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(out)
	}
}

func deleteView(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteView(c.UserContext(), actor(c), c.Params("id")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
