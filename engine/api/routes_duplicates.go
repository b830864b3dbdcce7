package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// checkDuplicates runs an object's duplicate rules over a form's values without saving. The
// body is the values; an "id" in it names the record being edited (never its own match).
func checkDuplicates(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeObject(c)
		if err != nil {
			return err
		}
		id, _ := in["id"].(string)
		delete(in, "id")
		d, err := e.CheckDuplicates(c.UserContext(), actor(c), c.Params("object"), id, in, locale(c))
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}
