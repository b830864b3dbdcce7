package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/forms"
	"crm/workflow"
)

func getAssignmentRules(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := e.GetAssignmentRules(c.UserContext(), actor(c), c.Params("object"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(a.Version))
		return c.JSON(a)
	}
}

func saveAssignmentRules(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var a workflow.AssignmentRules
		if err := decodeStrict(c, &a); err != nil {
			return err
		}
		if a.Object != "" && a.Object != c.Params("object") {
			return engine.InvalidDefinition([]forms.Problem{{Pointer: "/object", Code: "object_mismatch", Message: "the body names another object than the path"}})
		}
		out, err := e.SaveAssignmentRules(c.UserContext(), actor(c), c.Params("object"), &a, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(out.Version))
		return c.JSON(out)
	}
}

func assignRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		trace, err := e.Assign(c.UserContext(), actor(c), c.Params("object"), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(trace)
	}
}
