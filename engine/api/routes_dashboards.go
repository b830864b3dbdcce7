package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func dashboardData(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		df := engine.DashboardFilter{From: c.Query("from"), To: c.Query("to"), Owner: c.Query("owner"), Team: c.Query("team"), Period: c.Query("period")}
		d, err := e.DashboardData(c.UserContext(), actor(c), c.Params("name"), locale(c), df)
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}
