package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/workflow"
)

// mountEmail adds the email routes: SMTP settings and their test (admins), template previews,
// and the outbox.
func mountEmail(authed fiber.Router, e *engine.Engine) {
	authed.Get("/admin/smtp", getSMTP(e))
	authed.Put("/admin/smtp", saveSMTP(e))
	authed.Post("/admin/smtp/test", testSMTP(e))
	authed.Post("/meta/email-templates/:name/preview", previewEmailTemplate(e))
	authed.Get("/emails", listEmails(e))
	authed.Post("/emails/:id/retry", retryEmail(e))
}

func getSMTP(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s, err := e.GetSMTPSettings(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(s.Version))
		return c.JSON(s)
	}
}

func saveSMTP(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		var in engine.SMTPSettings
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		s, err := e.SetSMTPSettings(c.UserContext(), actor(c), &in, v)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(s.Version))
		return c.JSON(s)
	}
}

func testSMTP(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in struct {
			To string `json:"to"`
		}
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		if err := e.TestSMTP(c.UserContext(), actor(c), in.To); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"sent": true, "to": in.To})
	}
}

func previewEmailTemplate(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in struct {
			Record   string                  `json:"record"`
			Locale   string                  `json:"locale"`
			Template *workflow.EmailTemplate `json:"template"`
		}
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		p, err := e.PreviewEmailTemplate(c.UserContext(), actor(c), c.Params("name"), in.Template, in.Record, in.Locale)
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

func listEmails(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, _ := strconv.Atoi(c.Query("limit"))
		items, err := e.ListEmails(c.UserContext(), actor(c), c.Query("record"), c.Query("status"), limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}

func retryEmail(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		m, err := e.RetryEmail(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(m)
	}
}
