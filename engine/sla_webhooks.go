package engine

import (
	"context"
	"fmt"

	"crm/forms"
	"crm/workflow"
)

// SLA warnings and escalations may send webhooks too; their secrets follow the automations' rules
// (made when empty, kept when sent back masked, shown once, masked on every read).

// slaActionLists are a policy's action lists with the pointer of each.
func slaActionLists(p *workflow.SLAPolicy) (ptrs []string, lists [][]workflow.Action) {
	for i := range p.Warnings {
		ptrs, lists = append(ptrs, fmt.Sprintf("/warnings/%d/actions", i)), append(lists, p.Warnings[i].Actions)
	}
	for i := range p.Escalations {
		ptrs, lists = append(ptrs, fmt.Sprintf("/escalations/%d/actions", i)), append(lists, p.Escalations[i].Actions)
	}
	return ptrs, lists
}

// prepareSLAWebhooks resolves the webhook secrets of a policy about to be saved; the answer maps
// each action list's pointer to the actions whose secret is new.
func (e *Engine) prepareSLAWebhooks(ctx context.Context, p *workflow.SLAPolicy, create bool) (map[string]map[int]bool, error) {
	old := map[string][]workflow.Action{}
	var pool []workflow.Action
	if !create {
		prev, err := e.getSLAPolicy(ctx, p.Name)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		if err == nil {
			ptrs, lists := slaActionLists(&prev.SLAPolicy)
			for i, ptr := range ptrs {
				old[ptr] = lists[i]
				pool = append(pool, lists[i]...)
			}
		}
	}
	fresh := map[string]map[int]bool{}
	ptrs, lists := slaActionLists(p)
	for i, ptr := range ptrs {
		f, err := prepareSecrets(lists[i], old[ptr], pool)
		if err != nil {
			return nil, err
		}
		fresh[ptr] = f
	}
	return fresh, nil
}

// slaWebhookTargets refuses literal restricted webhook targets of a policy.
func (e *Engine) slaWebhookTargets(ctx context.Context, p *workflow.SLAPolicy) []forms.Problem {
	var probs []forms.Problem
	ptrs, lists := slaActionLists(p)
	for i, ptr := range ptrs {
		probs = append(probs, e.checkWebhookTargets(ctx, ptr, lists[i])...)
	}
	return probs
}

// maskPolicy is a copy of a policy with its webhook secrets masked, except the fresh ones.
func maskPolicy(p *SLAPolicyDef, fresh map[string]map[int]bool) *SLAPolicyDef {
	out := *p
	out.Warnings = append([]workflow.SLAWarning(nil), p.Warnings...)
	out.Escalations = append([]workflow.SLAEscalation(nil), p.Escalations...)
	for i := range out.Warnings {
		out.Warnings[i].Actions = maskActions(out.Warnings[i].Actions, fresh[fmt.Sprintf("/warnings/%d/actions", i)])
	}
	for i := range out.Escalations {
		out.Escalations[i].Actions = maskActions(out.Escalations[i].Actions, fresh[fmt.Sprintf("/escalations/%d/actions", i)])
	}
	return &out
}
