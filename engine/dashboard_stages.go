package engine

import (
	"context"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// maxStageRecords bounds the records a funnel reads the stage history of; beyond it the widget
// says it is truncated.
const maxStageRecords = 100_000

// stageFlow is what the stage history says of one stage of a funnel.
type stageFlow struct {
	Entered int64         // records that were in the stage at some time
	Dropped int64         // records that left the funnel from it: now at a value outside the funnel
	Stays   int64         // stays in the stage that ended (the record moved on)
	Stayed  time.Duration // their total length
}

// stageFlows reads the stage logs of records (one log each, oldest first) against a funnel's
// stages in order. A record left the funnel from the last funnel stage it was in when its latest
// value is outside the funnel (lost, cleared); moving back to an earlier stage is not leaving.
func stageFlows(logs [][]stageEntry, order []string) []stageFlow {
	index := make(map[string]int, len(order))
	for i, s := range order {
		index[s] = i
	}
	out := make([]stageFlow, len(order))
	for _, log := range logs {
		entered := make([]bool, len(order))
		last := -1 // the last funnel stage the record was in
		for p, en := range log {
			k, in := index[en.Value]
			if !in {
				continue
			}
			entered[k], last = true, k
			if p+1 < len(log) {
				from, err1 := time.Parse(forms.TimeLayout, en.At)
				to, err2 := time.Parse(forms.TimeLayout, log[p+1].At)
				if err1 == nil && err2 == nil && !to.Before(from) {
					out[k].Stays++
					out[k].Stayed += to.Sub(from)
				}
			}
		}
		for k, e := range entered {
			if e {
				out[k].Entered++
			}
		}
		if len(log) > 0 && last >= 0 {
			if _, in := index[log[len(log)-1].Value]; !in {
				out[last].Dropped++
			}
		}
	}
	return out
}

// addStageFlows adds to a funnel's stages what the stage history of the records the plan reads
// says: how many entered each stage, the share that left the funnel from it (drop_off), and the
// average time a stay in it lasted (avg_seconds; none while no stay has ended). It reads the
// records through the plan's filter, the reader's access included.
func (e *Engine) addStageFlows(ctx context.Context, plan *aggPlan, out []AggGroup, order []string) (bool, error) {
	field := plan.keys[0].Field
	if field == nil || field.Type != forms.TypePicklist {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.queryTimeout)
	defer cancel()
	docs, err := e.store.Find(ctx, recordsColl(plan.def.obj.Name), store.Query{Filter: plan.filter, Limit: maxStageRecords + 1})
	if err != nil {
		return false, storeErr(err)
	}
	truncated := len(docs) > maxStageRecords
	if truncated {
		docs = docs[:maxStageRecords]
	}
	logs := make([][]stageEntry, 0, len(docs))
	for _, d := range docs {
		logs = append(logs, stageLog(d, field.Name))
	}
	for i, f := range stageFlows(logs, order) {
		out[i]["entered"] = f.Entered
		out[i]["drop_off"] = nil
		if f.Entered > 0 {
			out[i]["drop_off"] = ratio(f.Dropped, f.Entered)
		}
		out[i]["avg_seconds"] = nil
		if f.Stays > 0 {
			out[i]["avg_seconds"] = int64((f.Stayed / time.Duration(f.Stays)).Seconds())
		}
	}
	return truncated, nil
}
