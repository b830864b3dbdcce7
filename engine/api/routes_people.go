package api

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func listUsers(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		us, err := e.ListUsers(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": us})
	}
}

func getUser(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, err := e.GetUser(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(u.Version))
		return c.JSON(u)
	}
}

// saveUser creates (POST) or changes (PATCH, If-Match) a user.
func saveUser(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var in engine.UserInput
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		u, err := e.SaveUser(c.UserContext(), actor(c), c.Params("id"), in, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(u.Version))
		if c.Method() == fiber.MethodPost {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(u)
	}
}

func recordHistory(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h, err := e.RecordHistory(c.UserContext(), actor(c), c.Params("object"), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": h})
	}
}

func listAudit(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit := 0
		if s := c.Query("limit"); s != "" {
			if limit = c.QueryInt("limit", -1); limit <= 0 {
				return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_limit", Message: fmt.Sprintf("limit is a whole number from 1 to %d", engine.MaxPageSize)}
			}
		}
		page, err := e.ListAudit(c.UserContext(), actor(c), engine.AuditQuery{Action: c.Query("action"), Actor: c.Query("actor"), Cursor: c.Query("cursor"), Limit: limit})
		if err != nil {
			return err
		}
		return c.JSON(page)
	}
}
