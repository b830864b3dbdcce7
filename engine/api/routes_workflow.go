package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/workflow"
)

func listAutomations(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		as, err := e.ListAutomations(c.UserContext(), actor(c), c.Query("object"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": as})
	}
}

func getAutomation(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := e.GetAutomation(c.UserContext(), actor(c), c.Params("name"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(a.Version))
		return c.JSON(a)
	}
}

func saveAutomation(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var a workflow.Automation
		if err := decodeStrict(c, &a); err != nil {
			return err
		}
		create := c.Method() == fiber.MethodPost
		if !create {
			a.Name = c.Params("name")
		}
		out, err := e.SaveAutomation(c.UserContext(), actor(c), &a, create, v)
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

func deleteAutomation(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteAutomation(c.UserContext(), actor(c), c.Params("name")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

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
