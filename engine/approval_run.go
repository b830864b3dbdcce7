package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
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
	var in ApprovalInstance
	if err := docToStruct(d, &in); err != nil {
		return nil, err
	}
	in.version, _ = d["version"].(int64)
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

func lockID(object, record string) string { return object + ":" + record }

// SubmitApproval submits a record to a process ("": the first of the object's processes, by
// name, that admits it). The submitter must be able to change the record.
func (e *Engine) SubmitApproval(ctx context.Context, by *Actor, object, id, process, comment string) (*ApprovalInstance, error) {
	def, g, err := e.access(ctx, by, object)
	if err != nil {
		return nil, err
	}
	if !g.perm.Edit {
		return nil, ErrForbidden
	}
	if _, err := e.writableDoc(ctx, def, g, id); err != nil {
		return nil, err
	}
	return e.submit(ctx, by, object, id, process, comment, newID())
}

// submit starts an instance with a given id (automations derive it, so a re-run submits once).
// A write that lands while it submits makes it start again on the changed record.
func (e *Engine) submit(ctx context.Context, by *Actor, object, id, process, comment, instID string) (*ApprovalInstance, error) {
	for attempt := 0; ; attempt++ {
		in, err := e.submitOnce(ctx, by, object, id, process, comment, instID)
		if attempt < 5 && isVersionConflict(err) {
			continue
		}
		return in, err
	}
}

func (e *Engine) submitOnce(ctx context.Context, by *Actor, object, id, process, comment, instID string) (*ApprovalInstance, error) {
	doc, err := e.getDoc(ctx, object, id)
	if err != nil {
		return nil, err
	}
	// A pending approval answers first: its own updates (status "pending") usually make the
	// entry condition fail, which would hide the reason.
	if err := e.checkLock(ctx, &Actor{ID: by.ID}, object, id); err != nil {
		var ee *Error
		if errors.As(err, &ee) && ee.Code == "record_locked" {
			return nil, &Error{Kind: KindConflict, Code: "approval_pending", Message: "the record is already waiting for an approval", Details: ee.Details}
		}
		return nil, err
	}
	procs, err := e.candidateProcesses(ctx, object, process)
	if err != nil {
		return nil, err
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	var chosen *ApprovalProcessDef
	var c *workflow.CompiledProcess
	var env workflow.ApprovalEnv
	for _, p := range procs {
		cp, def, err := e.compiledVersion(ctx, p)
		if err != nil {
			return nil, err
		}
		env = e.approvalEnv(def, dir, doc, by.ID, cp.FallbackApprover)
		if d := cp.Admits(env.Scope); d.Run {
			chosen, c = p, cp
			break
		}
	}
	if chosen == nil {
		if process != "" {
			return nil, errorf(KindValidation, "entry_condition_not_met", "the record does not meet the entry condition of %s", process)
		}
		return nil, errorf(KindValidation, "no_approval_process", "no approval process of %s admits this record", object)
	}
	tr, err := c.Start(env)
	if err != nil {
		return nil, approvalErr(err, false)
	}
	if err := e.keepVersion(ctx, chosen); err != nil {
		return nil, err
	}
	if err := e.takeLock(ctx, object, id, instID); err != nil {
		return nil, err
	}
	// Writes check the lock before they land, so one that read the record before the lock was
	// taken could still land after it. Moving the record's version fails such a write's version
	// check (retried, it meets the lock); a write that landed first fails this one instead.
	if err := e.touchRecord(ctx, object, doc); err != nil {
		e.releaseLock(context.WithoutCancel(ctx), object, id, instID)
		return nil, err
	}
	in := &ApprovalInstance{ID: instID, Process: chosen.Name, ProcessVersion: chosen.Version, Object: object, Record: id,
		Submitter: by.ID, SubmittedAt: e.stamp()}
	if err := e.transit(ctx, in, tr, by, comment, true); err != nil {
		e.releaseLock(context.WithoutCancel(ctx), object, id, instID)
		if errors.Is(err, store.ErrDuplicateID) {
			return e.shownInstance(ctx, instID) // an automation re-run: submitted the first time
		}
		return nil, err
	}
	return e.shownInstance(ctx, instID)
}

// candidateProcesses are the named process or every enabled process of the object, current versions.
func (e *Engine) candidateProcesses(ctx context.Context, object, name string) ([]*ApprovalProcessDef, error) {
	if name != "" {
		p, err := e.GetApprovalProcess(ctx, SystemActor, name, 0)
		if err != nil {
			return nil, err
		}
		if p.Object != object || p.Disabled {
			return nil, errorf(KindNotFound, "approval_process_not_found", "no enabled approval process %q for %s", name, object)
		}
		return []*ApprovalProcessDef{p}, nil
	}
	all, err := e.ListApprovalProcesses(ctx, SystemActor, object)
	if err != nil {
		return nil, err
	}
	var out []*ApprovalProcessDef
	for _, p := range all {
		if !p.Disabled {
			out = append(out, p)
		}
	}
	return out, nil
}

// takeLock makes instID the record's one pending approval.
func (e *Engine) takeLock(ctx context.Context, object, record, instID string) error {
	lock := store.Doc{"id": lockID(object, record), "instance": instID, "object": object, "record": record, "at": e.stamp()}
	for attempt := 0; attempt < 3; attempt++ {
		err := e.store.Insert(ctx, collApprovalLocks, lock)
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrDuplicateID) {
			return storeErr(err)
		}
		old, err := e.store.Get(ctx, collApprovalLocks, lockID(object, record))
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return storeErr(err)
		}
		held, _ := old["instance"].(string)
		if held == instID {
			return nil
		}
		if pending, err := e.instancePending(ctx, held); err != nil || pending {
			if err != nil {
				return err
			}
			return &Error{Kind: KindConflict, Code: "approval_pending", Message: "the record is already waiting for an approval", Details: map[string]any{"approval": held}}
		}
		// A stale lock (its instance ended or was never stored): take it over.
		v, _ := old["version"].(int64)
		err = e.store.Replace(ctx, collApprovalLocks, lock, v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrVersionConflict) && !errors.Is(err, store.ErrNotFound) {
			return storeErr(err)
		}
	}
	return errorf(KindConflict, "approval_pending", "the record is already waiting for an approval")
}

func (e *Engine) instancePending(ctx context.Context, id string) (bool, error) {
	d, err := e.store.Get(ctx, collApprovals, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, storeErr(err)
	}
	return d["status"] == workflow.ApprovalPending, nil
}

// releaseLock removes the record's lock if instID still holds it.
func (e *Engine) releaseLock(ctx context.Context, object, record, instID string) error {
	d, err := e.store.Get(ctx, collApprovalLocks, lockID(object, record))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	if d["instance"] != instID {
		return nil // a later submission holds it
	}
	v, _ := d["version"].(int64)
	if err := e.store.Delete(ctx, collApprovalLocks, lockID(object, record), v); err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrVersionConflict) {
		return storeErr(err)
	}
	return nil
}

// touchRecord stores a record unchanged at the next version, if it is still at the version read.
func (e *Engine) touchRecord(ctx context.Context, object string, doc store.Doc) error {
	next := maps.Clone(doc)
	version, _ := next["version"].(int64)
	delete(next, "version")
	return storeErr(e.store.Replace(ctx, recordsColl(object), next, version))
}

// checkLock refuses a write to a record waiting for an approval; admins (and the engine itself,
// which applies the process's own updates) pass.
func (e *Engine) checkLock(ctx context.Context, by *Actor, object, record string) error {
	if by.IsAdmin() {
		return nil
	}
	d, err := e.store.Get(ctx, collApprovalLocks, lockID(object, record))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	held, _ := d["instance"].(string)
	pending, err := e.instancePending(ctx, held)
	if err != nil || !pending {
		return err
	}
	return &Error{Kind: KindConflict, Code: "record_locked", Message: "the record is waiting for an approval and cannot be changed until it is decided or recalled",
		Details: map[string]any{"approval": held}}
}

// ActOnApproval approves, rejects, delegates (to) or recalls a pending approval.
func (e *Engine) ActOnApproval(ctx context.Context, by *Actor, id, kind, comment, to string) (*ApprovalInstance, error) {
	switch kind {
	case workflow.ActApprove, workflow.ActReject, workflow.ActDelegate, workflow.ActRecall:
	default:
		return nil, errorf(KindInvalid, "invalid_action", "%q is not one of approve, reject, delegate, recall", kind)
	}
	if len(comment) > 4000 {
		return nil, errorf(KindValidation, "comment_too_long", "a comment has at most 4000 characters")
	}
	for attempt := 0; attempt < approvalRetries; attempt++ {
		in, err := e.loadInstance(ctx, id)
		if err != nil {
			return nil, err
		}
		if kind == workflow.ActRecall && in.Submitter != by.ID && !by.IsAdmin() {
			return nil, errorf(KindForbidden, "forbidden", "only the submitter or an admin may recall an approval")
		}
		dir, err := e.directory(ctx)
		if err != nil {
			return nil, err
		}
		if kind == workflow.ActDelegate {
			if u := dir.users[to]; u == nil || !u.Active {
				return nil, errorf(KindValidation, "invalid_delegate", "delegate to an active user")
			}
		}
		c, def, err := e.instanceProcess(ctx, in)
		if err != nil {
			return nil, err
		}
		doc, err := e.store.Get(ctx, recordsColl(in.Object), in.Record)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, storeErr(err)
		}
		tr, err := c.Act(in.State, workflow.ApprovalAction{Kind: kind, User: by.ID, To: to}, e.approvalEnv(def, dir, doc, in.Submitter, c.FallbackApprover))
		if err != nil {
			return nil, approvalErr(err, attempt > 0)
		}
		err = e.transit(ctx, in, tr, by, comment, false)
		if errors.Is(err, store.ErrVersionConflict) {
			continue // someone acted at the same moment: decide again on what they left
		}
		if err != nil {
			return nil, err
		}
		return e.shownInstance(ctx, id)
	}
	return nil, errorf(KindConflict, "approval_conflict", "the approval changed while you acted; reload it and try again")
}

// instanceProcess compiles the version an instance started with.
func (e *Engine) instanceProcess(ctx context.Context, in *ApprovalInstance) (*workflow.CompiledProcess, *definition, error) {
	var cur *ApprovalProcessDef
	if d, err := e.store.Get(ctx, collApprovalProcs, in.Process); err == nil {
		cur, _ = processFromDoc(d)
	}
	p, err := e.processVersion(ctx, in.Process, in.ProcessVersion, cur)
	if err != nil {
		return nil, nil, err
	}
	return e.compiledVersion(ctx, p)
}

// approvalErr maps a refused transition to an engine error. retried: the action was valid when
// first read and someone else's change made it moot, which is a conflict.
func approvalErr(err error, retried bool) error {
	var ae *workflow.ApprovalError
	if !errors.As(err, &ae) {
		return err
	}
	if retried && (ae.Code == "not_approver" || ae.Code == "not_pending" || ae.Code == "already_answered") {
		return errorf(KindConflict, "already_decided", "someone else decided this step a moment ago")
	}
	switch ae.Code {
	case "not_approver":
		return errorf(KindForbidden, "not_approver", "%s", ae.Message)
	case "not_pending", "already_answered":
		return errorf(KindConflict, ae.Code, "%s", ae.Message)
	case "invalid_delegate", "no_approvers", "too_few_approvers", "update_failed":
		return errorf(KindValidation, ae.Code, "%s", ae.Message)
	}
	return errorf(KindUnavailable, ae.Code, "%s", ae.Message)
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
		case "escalated":
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
		j := jobFromDoc(d)
		j.ReadyAt = e.stamp()
		if _, err := e.runJobNow(ctx, j); err != nil {
			e.log.Warn("approval effects not applied now; the scheduler applies them", "approval", in.ID, "err", err)
		}
	}
	return nil
}

// approvalEnv is what a transition reads: the record, approvers and managers from the directory,
// and who decides when nobody else does (the process's fallback approver, else the admins).
func (e *Engine) approvalEnv(def *definition, dir *directory, doc store.Doc, submitter, fallback string) workflow.ApprovalEnv {
	active := func(id string) bool { u := dir.users[id]; return u != nil && u.Active }
	var scope rules.Scope
	if doc != nil {
		scope = def.rules.Env.Scope(doc, nil, rules.Context{Now: e.now(), User: rules.User{ID: SystemActor.ID, Roles: SystemActor.Roles}})
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
	}
}

// handleApprovalTimeout acts on a step whose time ran out, if it is still that step.
func (e *Engine) handleApprovalTimeout(ctx context.Context, j *jobs.Job[approvalTimeoutArgs]) error {
	id, step := j.Args.Instance, j.Args.Step
	for attempt := 0; attempt < approvalRetries; attempt++ {
		in, err := e.loadInstance(ctx, id)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if in.Status != workflow.ApprovalPending || in.State.Step != step {
			return nil // decided, escalated or recalled meanwhile
		}
		c, def, err := e.instanceProcess(ctx, in)
		if err != nil {
			return err
		}
		dir, err := e.directory(ctx)
		if err != nil {
			return err
		}
		doc, err := e.store.Get(ctx, recordsColl(in.Object), in.Record)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return storeErr(err)
		}
		tr, err := c.Act(in.State, workflow.ApprovalAction{Kind: workflow.ActTimeout}, e.approvalEnv(def, dir, doc, in.Submitter, c.FallbackApprover))
		if err != nil {
			return permanent(fmt.Errorf("approval %s timeout: %w", id, err))
		}
		err = e.transit(ctx, in, tr, SystemActor, "", false)
		if errors.Is(err, store.ErrVersionConflict) {
			continue
		}
		return err
	}
	return fmt.Errorf("approval %s changed %d times while its timeout fired; retrying", id, approvalRetries)
}

// approvalAction is the automation action that submits the record, in its owner's name. The
// instance id derives from the action's key, so a re-run submits nothing twice.
func (e *Engine) approvalAction(ctx context.Context, def *definition, act workflow.Action, record string, doc store.Doc, key string) (string, error) {
	owner, _ := doc["owner"].(string)
	dir, err := e.directory(ctx)
	if err != nil {
		return "", err
	}
	by := SystemActor
	if u := dir.users[owner]; u != nil {
		by = &Actor{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles, Teams: u.Teams, Locale: u.Locale, Timezone: u.Timezone}
	}
	in, err := e.submit(ctx, by, def.obj.Name, record, act.Process, "", derivedID("approval-submit:"+key))
	var ee *Error
	switch {
	case err == nil:
		return "submitted " + in.ID, nil
	case isNotFound(err) && errors.As(err, &ee) && ee.Code == "record_not_found":
		return "record gone", nil
	case errors.As(err, &ee) && (ee.Code == "approval_pending" || ee.Code == "entry_condition_not_met"):
		return "not submitted: " + ee.Code, nil
	case errors.As(err, &ee) && (ee.Kind == KindValidation || ee.Kind == KindNotFound):
		return "", permanent(err)
	}
	return "", err
}

// checkApprovalActions checks, at save, that an automation's approval actions name a process of
// its object.
func (e *Engine) checkApprovalActions(ctx context.Context, a *workflow.Automation) []forms.Problem {
	var probs []forms.Problem
	for i, act := range a.Actions {
		if act.Type != workflow.ActionApproval || act.Process == "" {
			continue
		}
		p, err := e.GetApprovalProcess(ctx, SystemActor, act.Process, 0)
		if err != nil || p.Object != a.Object {
			probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("/actions/%d/process", i), Code: "unknown_process",
				Message: fmt.Sprintf("no approval process %q for %s", act.Process, a.Object)})
		}
	}
	return probs
}
