package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

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
