package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// aggregateRecords answers GET /api/records/{object}/aggregate?group_by=stage&measure=count&
// measure=sum:amount&filter=...; group_by and measure may repeat or list values with commas.
func aggregateRecords(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := e.AggregateRecords(c.UserContext(), actor(c), c.Params("object"), engine.AggParams{
			GroupBy:  multiQuery(c, "group_by"),
			Measures: multiQuery(c, "measure"),
			Filter:   c.Query("filter"),
			Locale:   locale(c),
		})
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}

// multiQuery collects a repeated query parameter, splitting comma-separated values.
func multiQuery(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Context().QueryArgs().PeekMulti(name) {
		for _, p := range strings.Split(string(v), ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
