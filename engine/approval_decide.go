package engine

import (
	"context"
	"errors"

	"crm/engine/store"
	"crm/workflow"
)

// Deciding approvals: an approver's approve, reject or delegate, or the submitter's recall.

// ActOnApproval approves, rejects, delegates (to) or recalls a pending approval.
func (e *Engine) ActOnApproval(ctx context.Context, by *Actor, id, kind, comment, to string) (*ApprovalInstance, error) {
	switch kind {
	case workflow.ActApprove, workflow.ActReject, workflow.ActDelegate, workflow.ActRecall:
	default:
		return nil, errorf(KindInvalid, "invalid_action", "%q is not one of approve, reject, delegate, recall", kind)
	}
	if len(comment) > 4000 {
		return nil, errorf(KindValidation, "comment_too_long", "a comment has at most 4000 characters")
	}
	for attempt := 0; attempt < approvalRetries; attempt++ {
		in, err := e.loadInstance(ctx, id)
		if err != nil {
			return nil, err
		}
		if kind == workflow.ActRecall && in.Submitter != by.ID && !by.IsAdmin() {
			return nil, errorf(KindForbidden, "forbidden", "only the submitter or an admin may recall an approval")
		}
		dir, err := e.directory(ctx)
		if err != nil {
			return nil, err
		}
		if kind == workflow.ActDelegate {
			if u := dir.users[to]; u == nil || !u.Active {
				return nil, errorf(KindValidation, "invalid_delegate", "delegate to an active user")
			}
		}
		c, def, err := e.instanceProcess(ctx, in)
		if err != nil {
			return nil, err
		}
		doc, err := e.store.Get(ctx, recordsColl(in.Object), in.Record)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, storeErr(err)
		}
		env, err := e.approvalEnv(ctx, def, dir, doc, in.Submitter, c.FallbackApprover)
		if err != nil {
			return nil, err
		}
		tr, err := c.Act(in.State, workflow.ApprovalAction{Kind: kind, User: by.ID, To: to}, env)
		if err != nil {
			return nil, approvalErr(err, attempt > 0)
		}
		err = e.transit(ctx, in, tr, by, comment, false)
		if errors.Is(err, store.ErrVersionConflict) {
			continue // someone acted at the same moment: decide again on what they left
		}
		if err != nil {
			return nil, err
		}
		return e.shownInstance(ctx, id)
	}
	return nil, errorf(KindConflict, "approval_conflict", "the approval changed while you acted; reload it and try again")
}

// approvalErr maps a refused transition to an engine error. retried: the action was valid when
// first read and someone else's change made it moot, which is a conflict.
func approvalErr(err error, retried bool) error {
	var ae *workflow.ApprovalError
	if !errors.As(err, &ae) {
		return err
	}
	if retried && (ae.Code == "not_approver" || ae.Code == "not_pending" || ae.Code == "already_answered") {
		return errorf(KindConflict, "already_decided", "someone else decided this step a moment ago")
	}
	switch ae.Code {
	case "not_approver":
		return errorf(KindForbidden, "not_approver", "%s", ae.Message)
	case "not_pending", "already_answered":
		return errorf(KindConflict, ae.Code, "%s", ae.Message)
	case "invalid_delegate", "no_approvers", "too_few_approvers", "update_failed":
		return errorf(KindValidation, ae.Code, "%s", ae.Message)
	}
	return errorf(KindUnavailable, ae.Code, "%s", ae.Message)
}
