package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/workflow"
)

func listCalendars(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cs, err := e.ListCalendars(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": cs})
	}
}

func getCalendar(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cal, err := e.GetCalendar(c.UserContext(), actor(c), c.Params("name"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(cal.Version))
		return c.JSON(cal)
	}
}

func saveCalendar(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var cal workflow.Calendar
		if err := decodeStrict(c, &cal); err != nil {
			return err
		}
		create := c.Method() == fiber.MethodPost
		if !create {
			cal.Name = c.Params("name")
		}
		out, err := e.SaveCalendar(c.UserContext(), actor(c), &cal, create, v)
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

func deleteCalendar(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteCalendar(c.UserContext(), actor(c), c.Params("name")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func listSLAPolicies(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ps, err := e.ListSLAPolicies(c.UserContext(), actor(c), c.Query("object"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": ps})
	}
}

func getSLAPolicy(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := e.GetSLAPolicy(c.UserContext(), actor(c), c.Params("name"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(p.Version))
		return c.JSON(p)
	}
}

func saveSLAPolicy(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var p workflow.SLAPolicy
		if err := decodeStrict(c, &p); err != nil {
			return err
		}
		create := c.Method() == fiber.MethodPost
		if !create {
			p.Name = c.Params("name")
		}
		out, err := e.SaveSLAPolicy(c.UserContext(), actor(c), &p, create, v)
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

func deleteSLAPolicy(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteSLAPolicy(c.UserContext(), actor(c), c.Params("name")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func recordSLA(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, err := e.GetRecordSLA(c.UserContext(), actor(c), c.Params("object"), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(s)
	}
}

// slaReport answers GET /api/sla/report?policy=&from=&to= (dates or RFC 3339 instants; the
// default period is the last 30 days).
func slaReport(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		to, err := instant(c.Query("to"), time.Now())
		if err != nil {
			return err
		}
		from, err := instant(c.Query("from"), to.AddDate(0, 0, -30))
		if err != nil {
			return err
		}
		rows, err := e.SLAReport(c.UserContext(), actor(c), c.Query("policy"), from, to)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339), "items": rows})
	}
}

func instant(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, &engine.Error{Kind: engine.KindInvalid, Code: "invalid_parameter", Message: "from and to are dates (2026-11-01) or instants (2026-11-01T09:00:00Z)"}
}
