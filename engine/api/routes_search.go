package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// search answers GET /api/search?q=acme&limit=5: the records of every object the caller may read
// that the text finds, grouped by object.
func search(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		groups, err := e.Search(c.UserContext(), actor(c), c.Query("q"), locale(c), c.QueryInt("limit", 5))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"groups": groups})
	}
}
