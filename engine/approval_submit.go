package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// Starting approvals: a record submitted by a user or by an automation's action enters the first
// process whose entry condition it meets.

// SubmitApproval submits a record to a process ("": the first of the object's processes, by
// name, that admits it). The submitter must be able to change the record.
func (e *Engine) SubmitApproval(ctx context.Context, by *Actor, object, id, process, comment string) (*ApprovalInstance, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit {
		return nil, ErrForbidden
	}
	if _, err := e.writableDoc(ctx, def, g, id); err != nil {
		return nil, err
	}
	return e.submit(ctx, by, object, id, process, comment, newID())
}

// submit starts an instance with a given id (automations derive it, so a re-run submits once).
// A write that lands while it submits makes it start again on the changed record.
func (e *Engine) submit(ctx context.Context, by *Actor, object, id, process, comment, instID string) (*ApprovalInstance, error) {
	for attempt := 0; ; attempt++ {
		in, err := e.submitOnce(ctx, by, object, id, process, comment, instID)
		if attempt < 5 && isVersionConflict(err) {
			continue
		}
		return in, err
	}
}

func (e *Engine) submitOnce(ctx context.Context, by *Actor, object, id, process, comment, instID string) (*ApprovalInstance, error) {
	doc, err := e.getDoc(ctx, object, id)
	if err != nil {
		return nil, err
	}
	// A pending approval answers first: its own updates (status "pending") usually make the
	// entry condition fail, which would hide the reason.
	if err := e.checkLock(ctx, &Actor{ID: by.ID}, object, id); err != nil {
		var ee *Error
		if errors.As(err, &ee) && ee.Code == "record_locked" {
			return nil, &Error{Kind: KindConflict, Code: "approval_pending", Message: "the record is already waiting for an approval", Details: ee.Details}
		}
		return nil, err
	}
	procs, err := e.candidateProcesses(ctx, object, process)
	if err != nil {
		return nil, err
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	var chosen *ApprovalProcessDef
	var c *workflow.CompiledProcess
	var env workflow.ApprovalEnv
	for _, p := range procs {
		cp, def, err := e.compiledVersion(ctx, p)
		if err != nil {
			return nil, err
		}
		if env, err = e.approvalEnv(ctx, def, dir, doc, by.ID, cp.FallbackApprover); err != nil {
			return nil, err
		}
		if d := cp.Admits(env.Scope); d.Run {
			chosen, c = p, cp
			break
		}
	}
	if chosen == nil {
		if process != "" {
			return nil, errorf(KindValidation, "entry_condition_not_met", "the record does not meet the entry condition of %s", process)
		}
		return nil, errorf(KindValidation, "no_approval_process", "no approval process of %s admits this record", object)
	}
	tr, err := c.Start(env)
	if err != nil {
		return nil, approvalErr(err, false)
	}
	if err := e.keepVersion(ctx, chosen); err != nil {
		return nil, err
	}
	if err := e.takeLock(ctx, object, id, instID); err != nil {
		return nil, err
	}
	// Writes check the lock before they land, so one that read the record before the lock was
	// taken could still land after it. Moving the record's version fails such a write's version
	// check (retried, it meets the lock); a write that landed first fails this one instead.
	if err := e.touchRecord(ctx, object, doc); err != nil {
		e.releaseLock(context.WithoutCancel(ctx), object, id, instID)
		return nil, err
	}
	in := &ApprovalInstance{ID: instID, Process: chosen.Name, ProcessVersion: chosen.Version, Object: object, Record: id,
		Submitter: by.ID, SubmittedAt: e.stamp()}
	if err := e.transit(ctx, in, tr, by, comment, true); err != nil {
		e.releaseLock(context.WithoutCancel(ctx), object, id, instID)
		if errors.Is(err, store.ErrDuplicateID) {
			return e.shownInstance(ctx, instID) // an automation re-run: submitted the first time
		}
		return nil, err
	}
	return e.shownInstance(ctx, instID)
}

// candidateProcesses are the named process or every enabled process of the object, current versions.
func (e *Engine) candidateProcesses(ctx context.Context, object, name string) ([]*ApprovalProcessDef, error) {
	if name != "" {
		p, err := e.GetApprovalProcess(ctx, SystemActor, name, 0)
		if err != nil {
			return nil, err
		}
		if p.Object != object || p.Disabled {
			return nil, errorf(KindNotFound, "approval_process_not_found", "no enabled approval process %q for %s", name, object)
		}
		return []*ApprovalProcessDef{p}, nil
	}
	all, err := e.ListApprovalProcesses(ctx, SystemActor, object)
	if err != nil {
		return nil, err
	}
	var out []*ApprovalProcessDef
	for _, p := range all {
		if !p.Disabled {
			out = append(out, p)
		}
	}
	return out, nil
}

// approvalAction is the automation action that submits the record, in its owner's name. The
// instance id derives from the action's key, so a re-run submits nothing twice.
func (e *Engine) approvalAction(ctx context.Context, def *definition, act workflow.Action, record string, doc store.Doc, key string) (string, error) {
	owner, _ := doc["owner"].(string)
	dir, err := e.directory(ctx)
	if err != nil {
		return "", err
	}
	by := SystemActor
	if u := dir.users[owner]; u != nil {
		by = &Actor{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles, Teams: u.Teams, Locale: u.Locale, Timezone: u.Timezone}
	}
	in, err := e.submit(ctx, by, def.obj.Name, record, act.Process, "", derivedID("approval-submit:"+key))
	var ee *Error
	switch {
	case err == nil:
		return "submitted " + in.ID, nil
	case isNotFound(err) && errors.As(err, &ee) && ee.Code == "record_not_found":
		return "record gone", nil
	case errors.As(err, &ee) && (ee.Code == "approval_pending" || ee.Code == "entry_condition_not_met"):
		return "not submitted: " + ee.Code, nil
	case errors.As(err, &ee) && (ee.Kind == KindValidation || ee.Kind == KindNotFound):
		return "", permanent(err)
	}
	return "", err
}

// checkApprovalActions checks, at save, that an automation's approval actions name a process of
// its object.
func (e *Engine) checkApprovalActions(ctx context.Context, a *workflow.Automation) []forms.Problem {
	var probs []forms.Problem
	for i, act := range a.Actions {
		if act.Type != workflow.ActionApproval || act.Process == "" {
			continue
		}
		p, err := e.GetApprovalProcess(ctx, SystemActor, act.Process, 0)
		if err != nil || p.Object != a.Object {
			probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("/actions/%d/process", i), Code: "unknown_process",
				Message: fmt.Sprintf("no approval process %q for %s", act.Process, a.Object)})
		}
	}
	return probs
}
