package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// definition is the one HTTP shape every named, versioned definition shares (automations,
// calendars, SLA policies, approval processes, dashboards, roles, teams): list, get with its
// version as ETag, create with POST (201), replace with PUT under the key in the path and an
// optional If-Match, delete (204). In is what a client sends, Out what the engine stores.
type definition[In, Out any] struct {
	key     string // the path parameter that names one: "name" or "id"
	setKey  func(in *In, key string)
	version func(out *Out) int64
	list    func(c *fiber.Ctx) ([]*Out, error)
	get     func(c *fiber.Ctx, key string) (*Out, error)
	save    func(ctx context.Context, by *engine.Actor, in *In, create bool, ifMatch int64) (*Out, error)
	remove  func(ctx context.Context, by *engine.Actor, key string) error
}

// mount adds the five routes under path (e.g. "/meta/automations").
func (d definition[In, Out]) mount(r fiber.Router, path string) {
	one := path + "/:" + d.key
	r.Get(path, d.listHandler)
	r.Post(path, d.saveHandler)
	r.Get(one, d.getHandler)
	r.Put(one, d.saveHandler)
	r.Delete(one, d.deleteHandler)
}

func (d definition[In, Out]) listHandler(c *fiber.Ctx) error {
	items, err := d.list(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (d definition[In, Out]) getHandler(c *fiber.Ctx) error {
	out, err := d.get(c, c.Params(d.key))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(d.version(out)))
	return c.JSON(out)
}

func (d definition[In, Out]) saveHandler(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in In
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	create := c.Method() == fiber.MethodPost
	if !create {
		// The path names what is replaced, whatever the body says.
		d.setKey(&in, c.Params(d.key))
	}
	out, err := d.save(c.UserContext(), actor(c), &in, create, v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(d.version(out)))
	if create {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(out)
}

func (d definition[In, Out]) deleteHandler(c *fiber.Ctx) error {
	if err := d.remove(c.UserContext(), actor(c), c.Params(d.key)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// byName is get for the definitions looked up by name alone.
func byName[Out any](get func(context.Context, *engine.Actor, string) (*Out, error)) func(*fiber.Ctx, string) (*Out, error) {
	return func(c *fiber.Ctx, key string) (*Out, error) { return get(c.UserContext(), actor(c), key) }
}
