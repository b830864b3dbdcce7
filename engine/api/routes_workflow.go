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

// runManual runs a manual automation. An optional body {"use": {alias: record id}} answers its
// create actions with records that exist (see manualMatches).
func runManual(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in struct {
			Use map[string]string `json:"use"`
		}
		if len(c.Body()) > 0 {
			if err := decodeBody(c, &in); err != nil {
				return err
			}
		}
		run, err := e.RunManual(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), c.Params("name"), in.Use)
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

// manualActions lists the manual automations the caller may run on the record now (their
// condition holds: a converted lead offers no Convert).
func manualActions(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := e.ManualActions(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), locale(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}

// manualMatches lists, per create action of a manual automation, the existing records the
// caller could use instead of a new one.
func manualMatches(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := e.ManualMatches(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), c.Params("name"), locale(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}
