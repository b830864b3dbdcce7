package engine

import (
	"crm/engine/store"
	"crm/forms"
)

// Stage history: when a record entered each value of its picklists. It is kept on the record
// itself (stageLogKey, never in the API's answers), written with the change that sets the value:
// as durable as the record on every backend, travelling with it through export and merge, and
// read under the record's own access. Funnels read it for the time spent in each stage and for
// where records left the funnel.

const (
	stageLogKey = "_stages"
	// maxStageLog bounds one field's log: a record moved back and forth keeps its latest entries.
	maxStageLog = 64
)

// logStages carries old's stage log over to stored and adds an entry {v, at} for each picklist
// the write sets (a create) or changes (an update); v is "" when the value is cleared.
func logStages(def *definition, old, stored store.Doc, at string) {
	var prev map[string]any
	if old != nil {
		prev, _ = old[stageLogKey].(map[string]any)
	}
	var log map[string]any
	for _, f := range def.obj.Fields {
		if f == nil || f.Type != forms.TypePicklist {
			continue
		}
		v, _ := stored[f.Name].(string)
		if old == nil && v == "" {
			continue
		}
		if old != nil {
			if was, _ := old[f.Name].(string); was == v {
				continue
			}
		}
		if log == nil {
			log = make(map[string]any, len(prev)+1)
			for k, l := range prev {
				log[k] = l
			}
		}
		entries, _ := log[f.Name].([]any)
		entries = append(append([]any{}, entries...), map[string]any{"v": v, "at": at})
		if len(entries) > maxStageLog {
			entries = entries[len(entries)-maxStageLog:]
		}
		log[f.Name] = entries
	}
	switch {
	case log != nil:
		stored[stageLogKey] = log
	case prev != nil:
		stored[stageLogKey] = prev
	}
}

// stageEntry is one entry of a field's stage log.
type stageEntry struct {
	Value string
	At    string
}

// stageLog reads a record's log of one field, oldest first; entries of another shape are skipped.
func stageLog(doc store.Doc, field string) []stageEntry {
	log, _ := doc[stageLogKey].(map[string]any)
	entries, _ := log[field].([]any)
	out := make([]stageEntry, 0, len(entries))
	for _, x := range entries {
		m, _ := x.(map[string]any)
		v, ok1 := m["v"].(string)
		at, ok2 := m["at"].(string)
		if ok1 && ok2 {
			out = append(out, stageEntry{Value: v, At: at})
		}
	}
	return out
}
