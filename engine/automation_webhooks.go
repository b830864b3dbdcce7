package engine

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/netip"
	"net/url"

	"crm/forms"
	"crm/workflow"
)

// Webhook secrets are shown in plain text once: in the answer of the save that made or set them.
// Every read (GET /api/meta/automations, by anyone, admins included) shows them masked
// ("whsec_…" and the last 4 characters). A client that saves an automation back with the masked
// value keeps the stored secret; an empty secret makes a new one (rotation).
const webhookSecretBytes = 32

// prepareWebhooks resolves the secrets of an automation's webhook actions before it is checked:
// a masked secret becomes the stored one it stands for, an empty one a new random secret. It
// returns the indexes of the actions whose secret is new in this save, the ones the answer may
// show. A masked secret that matches no stored one is left as it is, for the check to refuse.
func (e *Engine) prepareWebhooks(ctx context.Context, a *workflow.Automation, create bool) (map[int]bool, error) {
	var old []workflow.Action
	if !create {
		if prev, err := e.getAutomation(ctx, a.Name); err == nil {
			old = prev.Actions
		} else if !isNotFound(err) {
			return nil, err
		}
	}
	return prepareSecrets(a.Actions, old, old)
}

// prepareSecrets resolves the secrets of the webhook actions in acts (see prepareWebhooks); old is
// the stored list at the same place, pool every stored action a masked secret may come from.
func prepareSecrets(acts, old, pool []workflow.Action) (map[int]bool, error) {
	fresh := map[int]bool{}
	for i := range acts {
		act := &acts[i]
		if act.Type != workflow.ActionWebhook {
			continue
		}
		switch {
		case act.Secret == "":
			key := make([]byte, webhookSecretBytes)
			if _, err := rand.Read(key); err != nil {
				return nil, err
			}
			act.Secret = workflow.EncodeSecret(key)
			fresh[i] = true
		case workflow.IsMaskedSecret(act.Secret):
			if s := storedSecret(old, pool, i, act.Secret); s != "" {
				act.Secret = s
			}
		default:
			fresh[i] = storedSecret(old, pool, i, workflow.MaskSecret(act.Secret)) != act.Secret
		}
	}
	return fresh, nil
}

// storedSecret finds the stored secret a masked one stands for: the same action's first, then
// any webhook action's in pool (actions may have been reordered).
func storedSecret(old, pool []workflow.Action, i int, masked string) string {
	if i < len(old) && old[i].Type == workflow.ActionWebhook && workflow.MaskSecret(old[i].Secret) == masked {
		return old[i].Secret
	}
	for _, o := range pool {
		if o.Type == workflow.ActionWebhook && workflow.MaskSecret(o.Secret) == masked {
			return o.Secret
		}
	}
	return ""
}

// checkWebhookTargets refuses webhook URLs whose host is a literal restricted address the
// allow-list does not name; at is the pointer of the action list. Names are judged when a
// delivery connects, on the address they resolve to then.
func (e *Engine) checkWebhookTargets(ctx context.Context, at string, acts []workflow.Action) []forms.Problem {
	var probs []forms.Problem
	var allow *workflow.AllowList
	for i, act := range acts {
		if act.Type != workflow.ActionWebhook {
			continue
		}
		u, err := url.Parse(act.URL)
		if err != nil {
			continue // reported by the automation's own check
		}
		ip, err := netip.ParseAddr(u.Hostname())
		if err != nil {
			continue
		}
		if allow == nil {
			if allow, err = e.webhookAllow(ctx); err != nil {
				return []forms.Problem{{Pointer: at, Code: "unavailable", Message: err.Error()}}
			}
		}
		if !allow.Allows(u.Hostname(), urlPort(u), ip) {
			probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("%s/%d/url", at, i), Code: "target_not_allowed",
				Message: fmt.Sprintf("%s is a private, loopback, link-local or otherwise restricted address; an admin must add it to the webhook allow-list first", ip)})
		}
	}
	return probs
}

func urlPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// maskSecrets hides the webhook secrets of an automation, except the actions in show.
func maskSecrets(a *AutomationDef, show map[int]bool) *AutomationDef {
	out := *a
	out.Actions = maskActions(a.Actions, show)
	return &out
}

// maskActions is a copy of acts with the webhook secrets masked, except the actions in show.
func maskActions(acts []workflow.Action, show map[int]bool) []workflow.Action {
	if acts == nil {
		return nil
	}
	out := append([]workflow.Action(nil), acts...)
	for i := range out {
		if out[i].Type == workflow.ActionWebhook && !show[i] {
			out[i].Secret = workflow.MaskSecret(out[i].Secret)
		}
	}
	return out
}
