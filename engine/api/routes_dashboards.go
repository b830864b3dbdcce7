package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func dashboards(e *engine.Engine) definition[engine.Dashboard, engine.DashboardDef] {
	return definition[engine.Dashboard, engine.DashboardDef]{
		key:     "name",
		setKey:  func(d *engine.Dashboard, name string) { d.Name = name },
		version: func(d *engine.DashboardDef) int64 { return d.Version },
		list: func(c *fiber.Ctx) ([]*engine.DashboardDef, error) {
			return e.ListDashboards(c.UserContext(), actor(c))
		},
		get:    byName(e.GetDashboard),
		save:   e.SaveDashboard,
		remove: e.DeleteDashboard,
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
