package engine

import (
	"context"
	"strings"

	"crm/workflow"
)

// approvalsKey is the settings version every approval process save or delete bumps, so that each
// engine process rebuilds its controlled fields when another changed a process.
const approvalsKey = "approval_processes"

// controlSet is which fields of each object only a process sets, built from the approval
// processes and automations at one version of each.
type controlSet struct {
	approvals, automations int64
	byObject               map[string]workflow.Controlled
}

// controlled returns the object's controlled fields (two reads by key when nothing changed).
func (e *Engine) controlled(ctx context.Context, object string) (workflow.Controlled, error) {
	av, err := e.setting(ctx, approvalsKey)
	if err != nil {
		return nil, err
	}
	mv, err := e.setting(ctx, automationsKey)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	cached := e.controls
	e.mu.Unlock()
	if cached != nil && cached.approvals == av && cached.automations == mv {
		return cached.byObject[object], nil
	}
	procs, err := e.ListApprovalProcesses(ctx, SystemActor, "")
	if err != nil {
		return nil, err
	}
	autos, err := e.listAutomations(ctx, "")
	if err != nil {
		return nil, err
	}
	ps := make([]*workflow.ApprovalProcess, len(procs))
	for i, p := range procs {
		ps[i] = &p.ApprovalProcess
	}
	as := make([]*workflow.Automation, len(autos))
	for i, a := range autos {
		as[i] = &a.Automation
	}
	set := &controlSet{approvals: av, automations: mv, byObject: workflow.ControlledBy(ps, as)}
	e.mu.Lock()
	e.controls = set
	e.mu.Unlock()
	return set.byObject[object], nil
}

// checkControlled refuses a user's change to a field only a process sets: 422 controlled_field
// naming the process. The engine's own writes (approval ends, automations) pass; so does nobody
// else, admins included, as a decision a process made must not be overwritten by hand.
func (e *Engine) checkControlled(ctx context.Context, by *Actor, def *definition, input map[string]any, old map[string]any, locale string) error {
	if by == SystemActor {
		return nil
	}
	c, err := e.controlled(ctx, def.obj.Name)
	if err != nil || len(c) == 0 {
		return err
	}
	errs := c.Check(def.obj, input, old, locale)
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, fe := range errs {
		msgs[i] = fe.Field + ": " + fe.Message
	}
	return &Error{Kind: KindValidation, Code: workflow.CodeControlled, Message: strings.Join(msgs, "; "), Fields: errs, lang: locale}
}

// withControlled is locked plus the controlled fields: what a form shows read-only.
func withControlled(locked map[string]bool, c workflow.Controlled) map[string]bool {
	if len(c) == 0 {
		return locked
	}
	out := make(map[string]bool, len(locked)+len(c))
	for f, l := range locked {
		out[f] = l
	}
	for f := range c {
		out[f] = true
	}
	return out
}
