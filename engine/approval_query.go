package engine

import (
	"context"
	"slices"

	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// ApprovalTask is one approver's part of one step, as the inbox shows it.
type ApprovalTask struct {
	ID             string `json:"id"`
	Approval       string `json:"approval"` // the instance to act on: POST /api/approvals/{approval}/approve
	Process        string `json:"process"`
	ProcessVersion int64  `json:"process_version"`
	Object         string `json:"object"`
	Record         string `json:"record"`
	Node           string `json:"node"`
	Step           int64  `json:"step"`
	User           string `json:"user"`
	Submitter      string `json:"submitter"`
	Status         string `json:"status"`
	CreatedAt      string `json:"created_at"`
	ClosedAt       string `json:"closed_at,omitempty"`
	// What an open task's approver decides on, for the inbox: the submitter's comment and the
	// record's money fields (field -> wire value) as the approver may read them.
	Comment string         `json:"comment,omitempty"`
	Amounts map[string]any `json:"amounts,omitempty"`
}

func taskFromDoc(d store.Doc) (ApprovalTask, error) {
	var stored struct {
		ApprovalTask
		Instance string `json:"instance"` // shown as approval
	}
	if err := decodeDoc(collApprovalTasks, d, &stored); err != nil {
		return ApprovalTask{}, err
	}
	t := stored.ApprovalTask
	t.Approval = stored.Instance
	return t, nil
}

// ApprovalTasks is the caller's inbox: their tasks with a status ("": open; "all": every one),
// newest first.
func (e *Engine) ApprovalTasks(ctx context.Context, by *Actor, status string, limit int) ([]ApprovalTask, error) {
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	if status == "" {
		status = workflow.TaskOpen
	}
	var f store.Filter = store.Compare{Field: "user", Op: store.Eq, Value: by.ID, Scalar: true}
	if status != "all" {
		f = store.And{f, store.Compare{Field: "status", Op: store.Eq, Value: status, Scalar: true}}
	}
	docs, err := e.store.Find(ctx, collApprovalTasks, store.Query{Filter: f, Sort: []store.SortKey{{Field: "created_at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]ApprovalTask, 0, len(docs))
	for _, d := range docs {
		t, err := taskFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	e.describeTasks(ctx, by, out)
	return out, nil
}

// describeTasks adds to open tasks the submitter's comment and the record's money fields. Each
// is read under the approver's own access: a record or field she may not read adds nothing, and
// a failed read leaves the task as it is (the inbox still lists it).
func (e *Engine) describeTasks(ctx context.Context, by *Actor, tasks []ApprovalTask) {
	comments := map[string]string{}
	records := map[string]Record{}
	for i := range tasks {
		t := &tasks[i]
		if t.Status != workflow.TaskOpen {
			continue
		}
		comment, seen := comments[t.Approval]
		if !seen {
			if in, err := e.loadInstance(ctx, t.Approval); err == nil {
				for _, te := range in.Timeline {
					if te.Action == "submitted" {
						comment = te.Comment
						break
					}
				}
			}
			comments[t.Approval] = comment
		}
		t.Comment = comment
		key := t.Object + "/" + t.Record
		r, seen := records[key]
		if !seen {
			r, _ = e.GetRecord(ctx, by, t.Object, t.Record)
			records[key] = r
		}
		def, err := e.current(ctx, t.Object)
		if r == nil || err != nil {
			continue
		}
		// The amounts people enter (a contract's amount) when the record has any, else those it
		// computes (a quote's totals): a contract's received and receivable are not decided on.
		for _, computed := range []bool{false, true} {
			for _, f := range def.obj.Fields {
				if v, ok := r[f.Name]; ok && v != nil && moneyField(f, computed) {
					if t.Amounts == nil {
						t.Amounts = map[string]any{}
					}
					t.Amounts[f.Name] = v
				}
			}
			if t.Amounts != nil {
				break
			}
		}
	}
}

// moneyField: a currency field, or (computed) a formula or roll-up whose value is money.
func moneyField(f *forms.Field, computed bool) bool {
	if computed {
		return f.Type != forms.TypeCurrency && f.ResultType == forms.TypeCurrency
	}
	return f.Type == forms.TypeCurrency
}

// SubmittedApprovals are the approvals the caller submitted, with a status ("": any), newest first.
func (e *Engine) SubmittedApprovals(ctx context.Context, by *Actor, status string, limit int) ([]*ApprovalInstance, error) {
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var f store.Filter = store.Compare{Field: "submitter", Op: store.Eq, Value: by.ID, Scalar: true}
	if status != "" {
		f = store.And{f, store.Compare{Field: "status", Op: store.Eq, Value: status, Scalar: true}}
	}
	return e.findInstances(ctx, f, limit)
}

func (e *Engine) findInstances(ctx context.Context, f store.Filter, limit int) ([]*ApprovalInstance, error) {
	docs, err := e.store.Find(ctx, collApprovals, store.Query{Filter: f, Sort: []store.SortKey{{Field: "submitted_at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*ApprovalInstance, 0, len(docs))
	for _, d := range docs {
		in, err := instanceFromDoc(d)
		if err != nil {
			return nil, err
		}
		in.Outbox = nil
		out = append(out, in)
	}
	return out, nil
}

// GetApproval returns one approval to those who may see it: its submitter, anyone who had a
// task in it, admins and those who can see the record.
func (e *Engine) GetApproval(ctx context.Context, by *Actor, id string) (*ApprovalInstance, error) {
	in, err := e.loadInstance(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := e.mayFollow(ctx, by, in)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(KindNotFound, "approval_not_found", "no approval %q", id)
	}
	in.Outbox = nil
	return in, nil
}

func (e *Engine) mayFollow(ctx context.Context, by *Actor, in *ApprovalInstance) (bool, error) {
	if by.IsAdmin() || in.Submitter == by.ID || slices.Contains(in.State.Approvers, by.ID) {
		return true, nil
	}
	n, err := e.store.Count(ctx, collApprovalTasks, store.And{
		store.Compare{Field: "instance", Op: store.Eq, Value: in.ID, Scalar: true},
		store.Compare{Field: "user", Op: store.Eq, Value: by.ID, Scalar: true}})
	if err != nil {
		return false, storeErr(err)
	}
	if n > 0 {
		return true, nil
	}
	def, g, err := e.access(ctx, by, in.Object)
	if err != nil || !g.perm.Read {
		return false, nil
	}
	if _, err := e.visibleDoc(ctx, def, g, in.Record); err != nil {
		if isNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// RecordApprovals is a record's approvals (and those of the records merged into it) with their
// timelines, newest first: for those who see the record and for the people taking part in them.
func (e *Engine) RecordApprovals(ctx context.Context, by *Actor, object, id string) ([]*ApprovalInstance, error) {
	if _, err := e.current(ctx, object); err != nil {
		return nil, err
	}
	ids, err := e.mergedWith(ctx, object, id)
	if err != nil {
		return nil, err
	}
	all, err := e.findInstances(ctx, store.In{Field: "record", Values: ids, Scalar: true}, MaxPageSize)
	if err != nil {
		return nil, err
	}
	out := make([]*ApprovalInstance, 0, len(all))
	for _, in := range all {
		if in.Object != object {
			continue
		}
		probe := in
		if in.Record != id { // a merged record's approval: followed as the record it went into
			c := *in
			c.Record, probe = id, &c
		}
		ok, err := e.mayFollow(ctx, by, probe)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, in)
		}
	}
	if len(out) == 0 {
		// Nothing to show: a record the caller cannot see answers as missing.
		def, g, err := e.access(ctx, by, object)
		if err != nil {
			return nil, err
		}
		if !g.perm.Read {
			return nil, ErrForbidden
		}
		if _, err := e.visibleDoc(ctx, def, g, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}
