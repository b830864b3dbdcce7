package engine

import (
	"context"
	"fmt"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// prepareWebhooks checks webhook actions before an automation is saved.
func (e *Engine) prepareWebhooks(a *workflow.Automation) error {
	for i, act := range a.Actions {
		if act.Type == workflow.ActionWebhook {
			return InvalidDefinition([]forms.Problem{{Pointer: fmt.Sprintf("/actions/%d/type", i), Code: "not_available",
				Message: act.Type + " actions are not available in this version"}})
		}
	}
	return nil
}

// queueWebhook is unreachable until webhook actions can be saved.
func (e *Engine) queueWebhook(ctx context.Context, a *workflow.Compiled, act workflow.Action, def *definition, record string, doc store.Doc, key string) (string, error) {
	return "", permanent(fmt.Errorf("webhook actions are not available in this version"))
}
