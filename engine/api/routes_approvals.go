package api

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// approvalInput is the optional body of a submission or an action.
type approvalInput struct {
	Process string `json:"process"` // submit: the process ("": the first that admits the record)
	Comment string `json:"comment"`
	To      string `json:"to"` // delegate: the user who takes over
}

func decodeApprovalInput(c *fiber.Ctx) (approvalInput, error) {
	var in approvalInput
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return in, nil
	}
	return in, decodeStrict(c, &in)
}

func submitApproval(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeApprovalInput(c)
		if err != nil {
			return err
		}
		out, err := e.SubmitApproval(c.UserContext(), actor(c), c.Params("object"), c.Params("id"), in.Process, in.Comment)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

func recordApprovals(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		items, err := e.RecordApprovals(c.UserContext(), actor(c), c.Params("object"), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}

// listApprovals is the inbox (?assigned=me, the default) or the caller's submissions
// (?submitted=me), with ?status= and ?limit=.
func listApprovals(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		limit, _ := strconv.Atoi(c.Query("limit"))
		assigned, submitted := c.Query("assigned"), c.Query("submitted")
		if (assigned != "" && assigned != "me") || (submitted != "" && submitted != "me") || (assigned != "" && submitted != "") {
			return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_query", Message: "ask for assigned=me or submitted=me"}
		}
		if submitted == "me" {
			items, err := e.SubmittedApprovals(c.UserContext(), actor(c), c.Query("status"), limit)
			if err != nil {
				return err
			}
			return c.JSON(fiber.Map{"items": items})
		}
		items, err := e.ApprovalTasks(c.UserContext(), actor(c), c.Query("status"), limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": items})
	}
}

func getApproval(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := e.GetApproval(c.UserContext(), actor(c), c.Params("id"))
		if err != nil {
			return err
		}
		return c.JSON(in)
	}
}

// actOnApproval is POST /api/approvals/{id}/approve|reject|recall|delegate.
func actOnApproval(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeApprovalInput(c)
		if err != nil {
			return err
		}
		out, err := e.ActOnApproval(c.UserContext(), actor(c), c.Params("id"), c.Params("action"), in.Comment, in.To)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}
