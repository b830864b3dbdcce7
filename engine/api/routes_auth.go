package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// health answers liveness and whether the database is reachable.
func health(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := e.Ping(ctx); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "degraded", "database": "unreachable"})
		}
		return c.JSON(fiber.Map{"status": "ok", "database": "ok"})
	}
}

type loginBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// login opens a session: the token in the body for API clients, and an HttpOnly cookie for the UI.
func login(e *engine.Engine, secure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var b loginBody
		if err := decodeBody(c, &b); err != nil {
			return err
		}
		token, u, err := e.Login(c.UserContext(), b.Email, b.Password)
		if err != nil {
			return err
		}
		c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteStrictMode})
		return c.JSON(fiber.Map{"token": token, "user": u})
	}
}

// logout revokes the session token and clears the cookie.
func logout(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if t := requestToken(c); t != "" {
			if err := e.Logout(c.UserContext(), t); err != nil {
				return err
			}
		}
		c.ClearCookie(sessionCookie)
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func me() fiber.Handler {
	return func(c *fiber.Ctx) error { return c.JSON(actor(c)) }
}
