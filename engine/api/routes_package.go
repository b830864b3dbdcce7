package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// exportPackage answers every definition as one package (?name= names it; default "app").
func exportPackage(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := e.ExportPackage(c.UserContext(), actor(c), c.Query("name", "app"))
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

// importPackage applies a package, checked in full first (?dry_run=true only checks;
// ?missing_users=drop removes references to people this server lacks instead of refusing).
func importPackage(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		body, err := objectBody(c)
		if err != nil {
			return err
		}
		p, err := engine.DecodePackage(body)
		if err != nil {
			return err
		}
		res, err := e.ImportPackage(c.UserContext(), actor(c), p,
			engine.ImportOptions{DryRun: c.QueryBool("dry_run"), DropUnknownUsers: c.Query("missing_users") == "drop"})
		if err != nil {
			return err
		}
		return c.JSON(res)
	}
}
