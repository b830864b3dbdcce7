package api

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/engine/metrics"
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

// login opens a session: the token in the body for API clients, and an HttpOnly cookie for the UI
// with the readable CSRF cookie beside it.
func login(e *engine.Engine, secure bool, m *metrics.Registry) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var b loginBody
		if err := decodeBody(c, &b); err != nil {
			return err
		}
		token, u, err := e.Login(c.UserContext(), b.Email, b.Password)
		if err != nil {
			m.SignInFailed()
			return err
		}
		setSessionCookies(c, token, secure)
		return c.JSON(fiber.Map{"token": token, "user": u})
	}
}

// logout revokes the session token and clears the cookies. Signing out through the cookie is a
// change like any other and needs the CSRF header.
func logout(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if t, viaCookie := requestToken(c); t != "" && !strings.HasPrefix(t, engine.APITokenPrefix) {
			if viaCookie {
				if err := checkCSRF(c, t); err != nil {
					return err
				}
			}
			if err := e.Logout(c.UserContext(), t); err != nil {
				return err
			}
		}
		clearSessionCookies(c)
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// logoutAll ends every session of the caller, this one included.
func logoutAll(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if sessionToken(c) == "" {
			return errSessionRequired
		}
		n, err := e.LogoutAll(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		clearSessionCookies(c)
		return c.JSON(fiber.Map{"revoked": n})
	}
}

// revokeUserSessions ends every session of another user (admins).
func revokeUserSessions(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if sessionToken(c) == "" {
			return errSessionRequired
		}
		n, err := e.RevokeUserSessions(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"revoked": n})
	}
}

// errSessionRequired refuses, to a request made with an API token, what only a signed-in person
// may do: a leaked token must not mint more tokens, take over the account or lock its owner out
// (end sessions, delete the other tokens).
var errSessionRequired = &engine.Error{Kind: engine.KindForbidden, Code: "session_required",
	Message: "sign in with a password to do this; an API token may not"}

type passwordBody struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword sets the caller's password; the caller's other sessions end.
func changePassword(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		session := sessionToken(c)
		if session == "" {
			return errSessionRequired
		}
		var b passwordBody
		if err := decodeStrict(c, &b); err != nil {
			return err
		}
		if err := e.ChangePassword(c.UserContext(), actor(c), b.CurrentPassword, b.NewPassword, session); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// listTokens lists the caller's API tokens, or with ?user= another user's (admins).
func listTokens(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ts, err := e.ListAPITokens(c.UserContext(), actor(c), c.Query("user"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": ts})
	}
}

// createToken makes an API token of the caller; the answer is the only time the secret shows.
func createToken(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if sessionToken(c) == "" {
			return errSessionRequired
		}
		var in engine.APITokenInput
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		t, err := e.CreateAPIToken(c.UserContext(), actor(c), in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(t)
	}
}

// revokeToken deletes an API token; a token may not (a leaked one must not delete its owner's others).
func revokeToken(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if sessionToken(c) == "" {
			return errSessionRequired
		}
		if err := e.RevokeAPIToken(c.UserContext(), actor(c), c.Params("id")); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// meBody is the caller as GET /api/auth/me answers: the actor, and for an admin whose password
// is still the default one, default_password (the app shows a banner until it is changed).
type meBody struct {
	*engine.Actor
	DefaultPassword bool `json:"default_password,omitempty"`
}

func me(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := actor(c)
		flag, err := e.HasDefaultPassword(c.UserContext(), a)
		if err != nil {
			return err
		}
		return c.JSON(meBody{Actor: a, DefaultPassword: flag})
	}
}

// profileBody is what a user may change of their own profile.
type profileBody struct {
	Locale             *string `json:"locale"`
	Timezone           *string `json:"timezone"`
	EmailNotifications *bool   `json:"email_notifications"`
}

// updateMe changes the caller's own profile settings (its language) and answers the caller as GET
// /api/auth/me does.
func updateMe(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var b profileBody
		if err := decodeStrict(c, &b); err != nil {
			return err
		}
		a := actor(c)
		if b.Locale != nil || b.Timezone != nil {
			var err error
			if a, err = e.SetOwnProfile(c.UserContext(), a, b.Locale, b.Timezone); err != nil {
				return err
			}
		}
		if b.EmailNotifications != nil {
			var err error
			if a, err = e.SetOwnEmailNotifications(c.UserContext(), a, *b.EmailNotifications); err != nil {
				return err
			}
		}
		return c.JSON(a)
	}
}

// createPasswordLink makes a one-time link with which a user sets their password (admins); the
// answer is the only time the secret shows.
func createPasswordLink(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if sessionToken(c) == "" {
			return errSessionRequired
		}
		l, err := e.CreatePasswordLink(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusCreated).JSON(l)
	}
}

type setPasswordBody struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// setPassword sets a password with a password link; no session needed (the link is the proof).
func setPassword(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var b setPasswordBody
		if err := decodeStrict(c, &b); err != nil {
			return err
		}
		if err := e.SetPasswordWithLink(c.UserContext(), b.Token, b.Password); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
