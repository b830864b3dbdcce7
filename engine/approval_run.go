package engine

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"crm/engine/store"
	"crm/rules"
	"crm/workflow"
)

// Running approvals. An instance (approval_instances) holds the state of one submission, its
// timeline and an outbox of effects not yet applied. Every change of an instance is one
// compare-and-set of its document, so two approvers acting at once cannot both decide a step:
// the second re-reads, finds the step decided and gets 409. The effects (tasks, notifications,
// field updates, timers, unlocking) are written into the same document as the state they belong
// to, and a job stored just before the change applies them: right away by the process that made
// the change, or by any engine's scheduler after a crash. Every effect is idempotent (derived
// ids, compare-and-set), so applying one twice changes nothing.
//
// A record with a pending approval is locked: approval_locks holds a document whose id is the
// object and record, inserted atomically at submission, so one record has at most one pending
// process. Writes look the lock up by id; a lock whose instance is missing or has ended (a crash
// before the instance was stored, or before the unlock) locks nothing and is taken over by the
// next submission.
const (
	collApprovals     = "approval_instances"
	collApprovalTasks = "approval_tasks"
	collApprovalLocks = "approval_locks"
	approvalRetries   = 5
)

// ApprovalInstance is one submission of a record to a process.
type ApprovalInstance struct {
	ID             string                 `json:"id"`
	Process        string                 `json:"process"`
	ProcessVersion int64                  `json:"process_version"`
	Object         string                 `json:"object"`
	Record         string                 `json:"record"`
	Submitter      string                 `json:"submitter"`
	Status         string                 `json:"status"`
	State          workflow.ApprovalState `json:"state"`
	Timeline       []TimelineEntry        `json:"timeline"`
	SubmittedAt    string                 `json:"submitted_at"`
	FinishedAt     string                 `json:"finished_at,omitempty"`
	Seq            int64                  `json:"seq"`
	Outbox         []outboxEntry          `json:"outbox,omitempty"`
	version        int64
}

// TimelineEntry is one step of an approval's history.
type TimelineEntry struct {
	At       string `json:"at"`
	By       string `json:"by,omitempty"`
	Action   string `json:"action"` // submitted, entered, approved, rejected, delegated, recalled, timeout, escalated, routed, action, finished
	Decision string `json:"decision,omitempty"`
	Comment  string `json:"comment,omitempty"`
	Node     string `json:"node,omitempty"`
	To       string `json:"to,omitempty"`
	Edge     string `json:"edge,omitempty"`
	Note     string `json:"note,omitempty"`
	Version  int64  `json:"process_version"`
}

// outboxEntry is the effects of one transition, kept until applied.
type outboxEntry struct {
	Seq      int64                 `json:"seq"`
	At       string                `json:"at"`
	Tasks    []workflow.TaskChange `json:"tasks,omitempty"`
	Closed   []workflow.TaskChange `json:"closed,omitempty"`
	Timer    *workflow.Timer       `json:"timer,omitempty"`
	Updates  []workflow.NodeUpdate `json:"updates,omitempty"`
	Notices  []workflow.NodeNotice `json:"notices,omitempty"`
	Finished string                `json:"finished,omitempty"`
}

func instanceFromDoc(d store.Doc) (*ApprovalInstance, error) {
	var stored struct {
		ApprovalInstance
		Version int64 `json:"version"`
	}
	if err := decodeDoc(collApprovals, d, &stored); err != nil {
		return nil, err
	}
	in := stored.ApprovalInstance
	in.version = stored.Version
	return &in, nil
}

func (e *Engine) loadInstance(ctx context.Context, id string) (*ApprovalInstance, error) {
	d, err := e.store.Get(ctx, collApprovals, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "approval_not_found", "no approval %q", id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	return instanceFromDoc(d)
}

// shownInstance is an instance as callers see it, without the engine's outbox.
func (e *Engine) shownInstance(ctx context.Context, id string) (*ApprovalInstance, error) {
	in, err := e.loadInstance(ctx, id)
	if err != nil {
		return nil, err
	}
	in.Outbox = nil
	return in, nil
}

// instanceProcess compiles the version an instance started with.
func (e *Engine) instanceProcess(ctx context.Context, in *ApprovalInstance) (*workflow.CompiledProcess, *definition, error) {
	var cur *ApprovalProcessDef
	if d, err := e.store.Get(ctx, collApprovalProcs, in.Process); err == nil {
		if cur, err = processFromDoc(d); err != nil {
			return nil, nil, err
		}
	}
	p, err := e.processVersion(ctx, in.Process, in.ProcessVersion, cur)
	if err != nil {
		return nil, nil, err
	}
	return e.compiledVersion(ctx, p)
}

// transit stores a transition: the job that applies its effects first, then the instance by
// compare-and-set (insert when new). On success the effects are applied right away.
func (e *Engine) transit(ctx context.Context, in *ApprovalInstance, tr *workflow.Transition, by *Actor, comment string, create bool) error {
	now := e.stamp()
	next := *in
	next.State = tr.State
	next.Status = tr.State.Status
	next.Seq = in.Seq + 1
	next.Timeline = slices.Clone(in.Timeline)
	commented := false
	for _, ev := range tr.Events {
		te := TimelineEntry{At: now, Action: ev.Kind, Node: ev.Node, To: ev.To, Edge: ev.Edge, Note: ev.Note, Version: in.ProcessVersion}
		switch ev.Kind {
		case "submitted", "approved", "rejected", "delegated", "recalled":
			te.By = by.ID
			if ev.Kind == "approved" || ev.Kind == "rejected" {
				te.Decision = ev.Kind
			}
			if !commented {
				te.Comment, commented = comment, true
			}
		case "escalated", "skipped": // whose task moved, or who was not asked again
			te.By = ev.User
		case "timeout":
			te.By = SystemActor.ID
		}
		next.Timeline = append(next.Timeline, te)
	}
	if tr.Finished != "" {
		next.FinishedAt = now
	}
	next.Outbox = append(slices.Clone(in.Outbox), outboxEntry{Seq: next.Seq, At: now, Tasks: tr.Tasks, Closed: tr.Closed,
		Timer: tr.Timer, Updates: tr.Updates, Notices: tr.Notices, Finished: tr.Finished})
	doc, err := structToDoc(&next)
	if err != nil {
		return err
	}
	jobID := derivedID("approval:" + in.ID + ":" + strconv.FormatInt(next.Seq, 10))
	if _, err := e.insertJob(ctx, jobID, approvalArgs{Instance: in.ID}, e.now().Add(eventGrace)); err != nil {
		return err
	}
	if create {
		err = e.store.Insert(ctx, collApprovals, doc)
	} else {
		err = e.store.Replace(ctx, collApprovals, doc, in.version)
	}
	if err != nil {
		if errors.Is(err, store.ErrVersionConflict) {
			return err // the job stays: it belongs to whoever won this step and applies their effects
		}
		return storeErr(err)
	}
	action := "approval_" + tr.State.Status
	if !create && tr.Finished == "" {
		action = "approval_step"
	}
	if create {
		action = "approval_submitted"
	}
	e.audit(ctx, by, auditEntry{Action: action, Object: in.Object, Record: in.Record})
	if d, err := e.store.Get(ctx, collJobs, jobID); err == nil {
		j, err := jobFromDoc(d)
		if err == nil {
			j.ReadyAt = e.stamp()
			_, err = e.runJobNow(ctx, j)
		}
		if err != nil {
			e.log.Warn("approval effects not applied now; the scheduler applies them", "approval", in.ID, "err", err)
		}
	}
	return nil
}

// approvalEnv is what a transition reads: the record, approvers and managers from the directory,
// and who decides when nobody else does (the process's fallback approver, else the admins).
func (e *Engine) approvalEnv(ctx context.Context, def *definition, dir *directory, doc store.Doc, submitter, fallback string) (workflow.ApprovalEnv, error) {
	active := func(id string) bool { u := dir.users[id]; return u != nil && u.Active }
	var scope rules.Scope
	if doc != nil {
		var err error
		if scope, err = e.systemScope(ctx, def, doc, nil, e.now()); err != nil {
			return workflow.ApprovalEnv{}, err
		}
	} else {
		scope = def.rules.Env.Scope(map[string]any{}, nil, rules.Context{Now: e.now()})
	}
	return workflow.ApprovalEnv{
		Scope: scope,
		Resolve: func(n *workflow.Node) ([]string, error) {
			var out []string
			add := func(id string) {
				if active(id) && !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
			for _, a := range n.Approvers {
				switch a.Type {
				case workflow.ApproverUser:
					for _, u := range a.Users {
						add(u)
					}
				case workflow.ApproverRole, workflow.ApproverTeam:
					var ids []string
					for id, u := range dir.users {
						if (a.Type == workflow.ApproverRole && slices.Contains(u.Roles, a.Role)) || (a.Type == workflow.ApproverTeam && slices.Contains(u.Teams, a.Team)) {
							ids = append(ids, id)
						}
					}
					slices.Sort(ids)
					for _, id := range ids {
						add(id)
					}
				case workflow.ApproverManager:
					m := submitter
					for i := 0; i < max(a.Levels, 1) && m != ""; i++ {
						if u := dir.users[m]; u != nil {
							m = u.Manager
						} else {
							m = ""
						}
					}
					add(m)
				case workflow.ApproverField:
					if id, ok := doc[a.Field].(string); ok {
						add(id)
					}
				}
			}
			return out, nil
		},
		Fallback: func() []string {
			if active(fallback) {
				return []string{fallback}
			}
			return dir.activeAdmins()
		},
		Manager: dir.activeManager,
	}, nil
}
