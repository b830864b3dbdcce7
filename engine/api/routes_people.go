package api

import (
	"strconv"

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

func listTeams(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ts, err := e.ListTeams(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": ts})
	}
}

func getTeam(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := e.GetTeam(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(t.Version))
		return c.JSON(t)
	}
}

func saveTeam(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var t engine.Team
		if err := decodeStrict(c, &t); err != nil {
			return err
		}
		create := c.Method() == fiber.MethodPost
		if !create {
			t.ID = c.Params("id")
		}
		out, err := e.SaveTeam(c.UserContext(), actor(c), &t, create, v)
		if err != nil {
			return err
		}
		if create {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(out)
	}
}

func deleteTeam(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteTeam(c.UserContext(), actor(c), c.Params("id")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func listRoles(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rs, err := e.ListRoles(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": rs})
	}
}

func getRole(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := e.GetRole(c.UserContext(), actor(c), c.Params("name"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r.Version))
		return c.JSON(r)
	}
}

func saveRole(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var r engine.Role
		if err := decodeStrict(c, &r); err != nil {
			return err
		}
		create := c.Method() == fiber.MethodPost
		if !create {
			r.Name = c.Params("name")
		}
		out, err := e.SaveRole(c.UserContext(), actor(c), &r, create, v)
		if err != nil {
			return err
		}
		if create {
			c.Status(fiber.StatusCreated)
		}
		return c.JSON(out)
	}
}

func deleteRole(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := e.DeleteRole(c.UserContext(), actor(c), c.Params("name")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
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
		limit, _ := strconv.Atoi(c.Query("limit"))
		items, err := e.ListAudit(c.UserContext(), actor(c), c.Query("action"), c.Query("actor"), limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}
