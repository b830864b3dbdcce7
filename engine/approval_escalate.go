package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/workflow"
)

// Escalating approvals: a step whose time ran out times out or escalates, as its process says.

// handleApprovalTimeout acts on a step whose time ran out, if it is still that step.
func (e *Engine) handleApprovalTimeout(ctx context.Context, j *jobs.Job[approvalTimeoutArgs]) error {
	id, step := j.Args.Instance, j.Args.Step
	for attempt := 0; attempt < approvalRetries; attempt++ {
		in, err := e.loadInstance(ctx, id)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if in.Status != workflow.ApprovalPending || in.State.Step != step {
			return nil // decided, escalated or recalled meanwhile
		}
		c, def, err := e.instanceProcess(ctx, in)
		if err != nil {
			return err
		}
		dir, err := e.directory(ctx)
		if err != nil {
			return err
		}
		doc, err := e.store.Get(ctx, recordsColl(in.Object), in.Record)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return storeErr(err)
		}
		env, err := e.approvalEnv(ctx, def, dir, doc, in.Submitter, c.FallbackApprover)
		if err != nil {
			return err
		}
		tr, err := c.Act(in.State, workflow.ApprovalAction{Kind: workflow.ActTimeout}, env)
		if err != nil {
			return permanent(fmt.Errorf("approval %s timeout: %w", id, err))
		}
		err = e.transit(ctx, in, tr, SystemActor, "", false)
		if errors.Is(err, store.ErrVersionConflict) {
			continue
		}
		return err
	}
	return fmt.Errorf("approval %s changed %d times while its timeout fired; retrying", id, approvalRetries)
}
