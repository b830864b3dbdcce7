package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func listDeliveries(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, _ := strconv.Atoi(c.Query("limit"))
		items, err := e.ListDeliveries(c.UserContext(), actor(c), c.Query("automation"), c.Query("status"), limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}

func getDelivery(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := e.GetDelivery(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}

func retryDelivery(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d, err := e.RetryDelivery(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}

func getWebhookAllowList(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		l, err := e.GetWebhookAllowList(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(l.Version))
		return c.JSON(l)
	}
}

func saveWebhookAllowList(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var in struct {
			Entries []string `json:"entries"`
		}
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		l, err := e.SetWebhookAllowList(c.UserContext(), actor(c), in.Entries, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(l.Version))
		return c.JSON(l)
	}
}
