package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// definition serves one kind of definition (engine.DefinitionKinds) in the one HTTP shape the
// named, versioned definitions share (automations, calendars, SLA policies, approval processes,
// dashboards, roles, teams): list, get with its version as ETag, create with POST (201), replace
// with PUT under the key in the path and an optional If-Match, delete (204).
type definition struct {
	e    *engine.Engine
	kind *engine.DefinitionKind
}

// mountDefinitions adds the five routes of every kind the shape serves, under the kind's path.
func mountDefinitions(r fiber.Router, e *engine.Engine) {
	for _, k := range engine.DefinitionKinds() {
		if k.API == nil {
			continue // routes of its own
		}
		d := definition{e: e, kind: k}
		one := k.Path + "/:" + k.Param
		r.Get(k.Path, d.listHandler)
		r.Post(k.Path, d.saveHandler)
		r.Get(one, d.getHandler)
		r.Put(one, d.saveHandler)
		r.Delete(one, d.deleteHandler)
	}
}

func (d definition) listHandler(c *fiber.Ctx) error {
	items, err := d.kind.API.List(c.UserContext(), d.e, actor(c), c.Query("object"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// getHandler answers the current version, or ?version=N of a kind that keeps every version.
func (d definition) getHandler(c *fiber.Ctx) error {
	var v int64
	if q := c.Query("version"); q != "" && d.kind.Versions {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 1 {
			return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_version", Message: "version is a whole number from 1"}
		}
		v = n
	}
	out, version, err := d.kind.API.Get(c.UserContext(), d.e, actor(c), c.Params(d.kind.Param), v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(version))
	return c.JSON(out)
}

func (d definition) saveHandler(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	in := d.kind.API.New()
	if err := decodeStrict(c, in); err != nil {
		return err
	}
	create := c.Method() == fiber.MethodPost
	if !create {
		// The path names what is replaced, whatever the body says.
		d.kind.API.SetKey(in, c.Params(d.kind.Param))
	}
	out, version, err := d.kind.API.Save(c.UserContext(), d.e, actor(c), in, create, v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(version))
	if create {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(out)
}

func (d definition) deleteHandler(c *fiber.Ctx) error {
	if err := d.kind.API.Delete(c.UserContext(), d.e, actor(c), c.Params(d.kind.Param)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
