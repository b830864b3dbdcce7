package engine

import (
	"context"
	"errors"
	"slices"

	"crm/engine/store"
)

// Effects applied once: an automation's update action (a timer, an SLA escalation, an event) may
// run again after a crash or a lease taken over by another process, and "hits + 1" applied twice
// is wrong. The update carries its effect key; the record keeps the keys of its latest effects
// (effectsKey, never in the API's answers) in the same compare-and-set write as the values, so a
// re-run finds its key and writes nothing. No transaction is needed on either backend.

const (
	effectsKey = "_effects"
	// maxEffects bounds the keys kept: a re-run comes within a job lease, long before this many
	// other effects land on the same record.
	maxEffects = 32
)

// errEffectApplied: the update under this effect key is already in the record.
var errEffectApplied = errors.New("effect already applied")

type effectCtxKey struct{}

// withEffect marks the updates made with ctx as the effect key: each applies once per record.
func withEffect(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, effectCtxKey{}, derivedID("effect:"+key))
}

// takeEffect returns ctx's effect key and a ctx without it, so the writes an update sets off
// (automations on the record it changed) are not mistaken for the same effect.
func takeEffect(ctx context.Context) (context.Context, string) {
	key, _ := ctx.Value(effectCtxKey{}).(string)
	if key == "" {
		return ctx, ""
	}
	return context.WithValue(ctx, effectCtxKey{}, ""), key
}

func effectApplied(doc store.Doc, key string) bool {
	keys, _ := doc[effectsKey].([]any)
	return slices.Contains(keys, any(key))
}

// keepEffects carries old's effect keys over to stored, with key added when not empty.
func keepEffects(old, stored store.Doc, key string) {
	keys, _ := old[effectsKey].([]any)
	if key != "" {
		keys = append(slices.Clip(keys), key)
		if len(keys) > maxEffects {
			keys = keys[len(keys)-maxEffects:]
		}
	}
	if len(keys) > 0 {
		stored[effectsKey] = keys
	}
}
