package engine

import (
	"context"

	"crm/engine/store"
	"crm/workflow"
)

// The trace of an assignment decision, kept in the record's run log.

// logAssignment keeps an assignment trace in the record's run log; id makes a re-run write it once.
func (e *Engine) logAssignment(ctx context.Context, id string, trace store.Doc) {
	e.logRun(ctx, assignmentLog(id, trace))
}

// assignmentLog is the run-log document of an assignment trace, under id.
func assignmentLog(id string, trace store.Doc) store.Doc {
	trace["id"] = id
	return trace
}

// checkDocs stores the trace's rule checks as structToDoc would, field by field: a JSON round
// trip per check was a third of an assigned create's own time.
func checkDocs(checks []workflow.RuleCheck) []any {
	out := make([]any, len(checks))
	for i, c := range checks {
		d := store.Doc{"rule": c.Rule, "run": c.Run}
		if len(c.Inputs) > 0 {
			in := make(map[string]any, len(c.Inputs))
			for k, v := range c.Inputs {
				if v != nil {
					in[k] = toStoreKinds(v)
				}
			}
			d["inputs"] = in
		}
		if len(c.Reads) > 0 {
			reads := make([]any, len(c.Reads))
			for j, r := range c.Reads {
				reads[j] = r
			}
			d["reads"] = reads
		}
		if c.Error != "" {
			d["error"] = c.Error
		}
		out[i] = d
	}
	return out
}

func mapOfStrings(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func int64Map(m map[string]int64) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
