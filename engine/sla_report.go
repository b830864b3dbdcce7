package engine

import (
	"context"
	"sort"
	"time"

	"crm/engine/store"
	"crm/workflow"
)

// SLA as users read it: one record's clocks at now, and the outcomes of a period per policy.

// RecordSLA is a record's SLA as the API shows it, brought to now.
type RecordSLA struct {
	Policy   string                 `json:"policy"`
	Calendar string                 `json:"calendar,omitempty"`
	Status   string                 `json:"status"`
	DueAt    string                 `json:"due_at,omitempty"`
	Metrics  []workflow.MetricState `json:"metrics"`
}

// GetRecordSLA returns the SLA of a record the actor may see, measured at now.
func (e *Engine) GetRecordSLA(ctx context.Context, by *Actor, object, id string) (*RecordSLA, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Read {
		return nil, ErrForbidden
	}
	doc, err := e.visibleDoc(ctx, def, g, id)
	if err != nil {
		return nil, err
	}
	set, err := e.slaPolicies(ctx)
	if err != nil {
		return nil, err
	}
	p, st, err := e.measureNow(ctx, def, set, doc)
	if err != nil {
		return nil, err
	}
	if p == nil {
		if st, err = slaStateOf(recordsColl(object), doc); err != nil {
			return nil, err
		}
		if st == nil {
			return nil, errorf(KindNotFound, "no_sla", "no SLA policy measures this record")
		}
	}
	status, due := st.Summary()
	return &RecordSLA{Policy: st.Policy, Calendar: st.Calendar, Status: status, DueAt: due, Metrics: st.Metrics}, nil
}

// SLAReportRow is one policy and metric over a period.
type SLAReportRow struct {
	Policy      string  `json:"policy"`
	Metric      string  `json:"metric"`
	Met         int     `json:"met"`
	Breached    int     `json:"breached"`
	AverageSecs float64 `json:"average_s"` // average business time used until the metric stopped
}

// SLAReport counts, per policy and metric, the clocks that stopped in [from, to): met, breached,
// and the average business time they took. Analysts, managers and admins only.
func (e *Engine) SLAReport(ctx context.Context, by *Actor, policy string, from, to time.Time) ([]SLAReportRow, error) {
	if err := e.canReport(ctx, by); err != nil {
		return nil, err
	}
	f := store.And{
		store.Compare{Field: "stopped_at", Op: store.Ge, Value: stamp(from)},
		store.Compare{Field: "stopped_at", Op: store.Lt, Value: stamp(to)},
	}
	if policy != "" {
		f = append(f, store.Compare{Field: "policy", Op: store.Eq, Value: policy, Scalar: true})
	}
	docs, err := e.store.Find(ctx, collSLAOutcomes, store.Query{Filter: f})
	if err != nil {
		return nil, storeErr(err)
	}
	rows := map[[2]string]*SLAReportRow{}
	sums := map[[2]string]int64{}
	for _, d := range docs {
		var o struct {
			Policy string `json:"policy"`
			Metric string `json:"metric"`
			Result string `json:"result"`
			UsedMs int64  `json:"used_ms"`
		}
		if err := decodeDoc(collSLAOutcomes, d, &o); err != nil {
			return nil, err
		}
		k := [2]string{o.Policy, o.Metric}
		r := rows[k]
		if r == nil {
			r = &SLAReportRow{Policy: k[0], Metric: k[1]}
			rows[k] = r
		}
		if o.Result == workflow.StatusMet {
			r.Met++
		} else {
			r.Breached++
		}
		sums[k] += o.UsedMs
	}
	out := make([]SLAReportRow, 0, len(rows))
	for k, r := range rows {
		r.AverageSecs = float64(sums[k]) / 1000 / float64(r.Met+r.Breached)
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Policy != out[j].Policy {
			return out[i].Policy < out[j].Policy
		}
		return out[i].Metric < out[j].Metric
	})
	return out, nil
}

// canReport lets admins and holders of a defining or see-all role read reports over everyone.
func (e *Engine) canReport(ctx context.Context, by *Actor) error {
	if e.canDefine(ctx, by) == nil {
		return nil
	}
	for _, r := range by.Roles {
		if r == RoleManager {
			return nil
		}
	}
	return ErrForbidden
}
