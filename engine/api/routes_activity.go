package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// recordActivity answers a page of a record's activity timeline: ?before=<cursor>&limit=.
func recordActivity(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit := 0
		if s := c.Query("limit"); s != "" {
			limit = c.QueryInt("limit", -1)
			if limit <= 0 {
				return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_limit", Message: "limit is a whole number from 1 to 200"}
			}
		}
		p, err := e.RecordActivity(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), c.Query("before"), limit)
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}
