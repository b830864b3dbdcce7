package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func listDashboards(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ds, err := e.ListDashboards(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": ds})
	}
}

func getDashboard(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := e.GetDashboard(c.UserContext(), actor(c), c.Params("name"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(d.Version))
		return c.JSON(d)
	}
}

func saveDashboard(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var d engine.Dashboard
		if err := decodeStrict(c, &d); err != nil {
			return err
		}
		create := c.Method() == fiber.MethodPost
		if !create {
			d.Name = c.Params("name")
		}
		out, err := e.SaveDashboard(c.UserContext(), actor(c), &d, create, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(out.Version))
		if create {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(out)
	}
}

func deleteDashboard(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteDashboard(c.UserContext(), actor(c), c.Params("name")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func dashboardData(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := e.DashboardData(c.UserContext(), actor(c), c.Params("name"), locale(c))
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}
