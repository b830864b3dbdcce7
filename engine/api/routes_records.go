package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

func createRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeObject(c)
		if err != nil {
			return err
		}
		r, err := e.CreateRecord(c.UserContext(), actor(c), c.Params("object"), in, locale(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r["version"]))
		c.Location("/api/records/" + c.Params("object") + "/" + toString(r["id"]))
		return c.Status(fiber.StatusCreated).JSON(r)
	}
}

func listRecords(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit := 0
		if s := c.Query("limit"); s != "" {
			limit = c.QueryInt("limit", -1)
			if limit <= 0 {
				return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_limit", Message: "limit is a whole number from 1 to 200"}
			}
		}
		p, err := e.ListRecords(c.UserContext(), actor(c), c.Params("object"), engine.ListParams{
			Filter: c.Query("filter"), Sort: c.Query("sort"), Cursor: c.Query("cursor"), Q: c.Query("q"), Limit: limit,
		})
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
}

func getRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := e.GetRecord(c.UserContext(), actor(c), c.Params("object"), c.Params("id"))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r["version"]))
		return c.JSON(r)
	}
}

func updateRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		in, err := decodeObject(c)
		if err != nil {
			return err
		}
		r, err := e.UpdateRecord(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), in, v, locale(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r["version"]))
		return c.JSON(r)
	}
}

func deleteRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		if err := e.DeleteRecord(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), v); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// mergeRecords folds the losers into the winner: {winner, losers, fields: {field: record id}}.
// It answers the winner as stored.
func mergeRecords(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req engine.MergeRequest
		if err := decodeStrict(c, &req); err != nil {
			return err
		}
		r, err := e.MergeRecords(c.UserContext(), actor(c), c.Params("object"), req, locale(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r["version"]))
		return c.JSON(r)
	}
}

// claimRecord takes a record its pool owns into the caller's hands and answers it as stored.
func claimRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := e.ClaimRecord(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), locale(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r["version"]))
		return c.JSON(r)
	}
}

// returnRecord gives a record back to a pool: {pool?, reason}.
func returnRecord(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req struct {
			Pool   string `json:"pool"`
			Reason string `json:"reason"`
		}
		if err := decodeStrict(c, &req); err != nil {
			return err
		}
		r, err := e.ReturnRecord(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), req.Pool, req.Reason, locale(c))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderETag, etag(r["version"]))
		return c.JSON(r)
	}
}

// bulkRecords applies one change to many records: {action: update|delete, ids, values?,
// versions?} → {results: [{id, ok, version?, error?}], ok, failed}.
func bulkRecords(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req engine.BulkRequest
		if err := decodeStrict(c, &req); err != nil {
			return err
		}
		results, err := e.BulkRecords(c.UserContext(), actor(c), c.Params("object"), req, locale(c))
		if err != nil {
			return err
		}
		ok := 0
		for _, r := range results {
			if r.OK {
				ok++
			}
		}
		return c.JSON(fiber.Map{"results": results, "ok": ok, "failed": len(results) - ok})
	}
}
