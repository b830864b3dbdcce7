package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func recordRuns(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		runs, err := e.RecordRuns(c.UserContext(), actor(c), c.Params("object"), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": runs})
	}
}

func runManual(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		run, err := e.RunManual(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), c.Params("name"))
		if err != nil {
			return err
		}
		return c.JSON(run)
	}
}

func listNotifications(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, _ := strconv.Atoi(c.Query("limit"))
		items, unread, err := e.Notifications(c.UserContext(), actor(c), c.Query("unread") == "true", limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items, "unread": unread})
	}
}

func markRead(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.MarkRead(c.UserContext(), actor(c), c.Params("id")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func listJobs(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, _ := strconv.Atoi(c.Query("limit"))
		jobs, err := e.ListJobs(c.UserContext(), actor(c), c.Query("state"), limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": jobs})
	}
}
