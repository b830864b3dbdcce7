package api

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/workflow"
)

func approvalProcesses(e *engine.Engine) definition[workflow.ApprovalProcess, engine.ApprovalProcessDef] {
	return definition[workflow.ApprovalProcess, engine.ApprovalProcessDef]{
		key:     "name",
		setKey:  func(p *workflow.ApprovalProcess, name string) { p.Name = name },
		version: func(p *engine.ApprovalProcessDef) int64 { return p.Version },
		list: func(c *fiber.Ctx) ([]*engine.ApprovalProcessDef, error) {
			return e.ListApprovalProcesses(c.UserContext(), actor(c), c.Query("object"))
		},
		get:    getApprovalProcess(e),
		save:   e.SaveApprovalProcess,
		remove: e.DeleteApprovalProcess,
	}
}

// getApprovalProcess answers the current version, or ?version=N.
func getApprovalProcess(e *engine.Engine) func(*fiber.Ctx, string) (*engine.ApprovalProcessDef, error) {
	return func(c *fiber.Ctx, name string) (*engine.ApprovalProcessDef, error) {
		var v int64
		if q := c.Query("version"); q != "" {
			n, err := strconv.ParseInt(q, 10, 64)
			if err != nil || n < 1 {
				return nil, &engine.Error{Kind: engine.KindInvalid, Code: "invalid_version", Message: "version is a whole number from 1"}
			}
			v = n
		}
		return e.GetApprovalProcess(c.UserContext(), actor(c), name, v)
	}
}

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
