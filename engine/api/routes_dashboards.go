package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func dashboardData(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := e.DashboardData(c.UserContext(), actor(c), c.Params("name"), locale(c))
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}
