package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/forms"
	"crm/workflow"
)

// handleApprovalEffects applies an instance's outbox, then removes what it applied. Applying is
// idempotent, so a crash anywhere here only means some effects are applied again.
func (e *Engine) handleApprovalEffects(ctx context.Context, j *jobs.Job[approvalArgs]) error {
	id := j.Args.Instance
	in, err := e.loadInstance(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(in.Outbox) == 0 {
		return nil
	}
	var applied int64
	for _, entry := range in.Outbox {
		if err := e.applyEffects(ctx, in, entry); err != nil {
			return err
		}
		applied = entry.Seq
	}
	for attempt := 0; attempt < approvalRetries; attempt++ {
		var keep []outboxEntry
		for _, entry := range in.Outbox {
			if entry.Seq > applied {
				keep = append(keep, entry)
			}
		}
		if len(keep) == len(in.Outbox) {
			return nil
		}
		next := *in
		next.Outbox = keep
		doc, err := structToDoc(&next)
		if err != nil {
			return err
		}
		err = e.store.Replace(ctx, collApprovals, doc, in.version)
		if err == nil || !errors.Is(err, store.ErrVersionConflict) {
			return storeErr(err)
		}
		if in, err = e.loadInstance(ctx, id); err != nil {
			return err
		}
	}
	return nil // applied; the entries stay and are applied again harmlessly by the next job
}

func taskID(instance string, step int64, user string) string {
	return derivedID("approval-task:" + instance + ":" + strconv.FormatInt(step, 10) + ":" + user)
}

// applyEffects applies one transition's effects: tasks closed and opened (with notices), field
// updates as the engine (past the lock, through the whole write pipeline), node notifications,
// the step's timer, and at the end the unlock and the submitter's notice.
func (e *Engine) applyEffects(ctx context.Context, in *ApprovalInstance, x outboxEntry) error {
	for _, c := range x.Closed {
		if err := e.closeTask(ctx, taskID(in.ID, c.Step, c.User), c.Status, x.At); err != nil {
			return err
		}
	}
	for _, t := range x.Tasks {
		tid := taskID(in.ID, t.Step, t.User)
		doc := store.Doc{"id": tid, "instance": in.ID, "process": in.Process, "process_version": in.ProcessVersion,
			"object": in.Object, "record": in.Record, "node": t.Node, "step": t.Step, "user": t.User,
			"submitter": in.Submitter, "status": workflow.TaskOpen, "created_at": x.At}
		if err := e.store.Insert(ctx, collApprovalTasks, doc); err != nil && !errors.Is(err, store.ErrDuplicateID) {
			return storeErr(err)
		}
		if err := e.noteApproval(ctx, in, t.User, "task:"+tid, approvalTexts["requested"]); err != nil {
			return err
		}
	}
	def, err := e.current(ctx, in.Object)
	if err != nil {
		return err
	}
	for _, u := range x.Updates {
		if _, err := e.UpdateRecord(ctx, SystemActor, in.Object, in.Record, u.Values, 0, "en"); err != nil {
			if isNotFound(err) {
				continue // the record is gone: nothing to update
			}
			var ee *Error
			if errors.As(err, &ee) && ee.Kind == KindValidation {
				// The record refuses the process's values; retrying cannot change that.
				e.log.Error("approval update refused by the record's rules", "approval", in.ID, "node", u.Node, "err", err)
				continue
			}
			return err
		}
	}
	if len(x.Notices) > 0 {
		doc, err := e.store.Get(ctx, recordsColl(in.Object), in.Record)
		if err == nil {
			for i, n := range x.Notices {
				to := n.Notice.To
				act := workflow.Action{Type: workflow.ActionNotify, To: &to, Title: n.Notice.Title, Message: n.Notice.Message}
				if _, err := e.notify(ctx, def, act, in.Record, doc, fmt.Sprintf("approval:%s:%d:%d", in.ID, x.Seq, i)); err != nil {
					return err
				}
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return storeErr(err)
		}
	}
	if x.Timer != nil {
		at, err := time.Parse(forms.TimeLayout, x.At)
		if err != nil {
			return permanent(err)
		}
		after := time.Duration(x.Timer.AfterMs) * time.Millisecond
		due := at.Add(after)
		if x.Timer.Calendar != "" {
			// In business hours; a calendar deleted since counts around the clock, like SLA policies.
			set, err := e.slaPolicies(ctx)
			if err != nil {
				return err
			}
			if t, ok := set.schedule(x.Timer.Calendar).Add(at, after); ok {
				due = t
			}
		}
		jid := "approval_timeout:" + in.ID + ":" + strconv.FormatInt(x.Timer.Step, 10)
		if _, err := e.insertJob(ctx, jid, approvalTimeoutArgs{Instance: in.ID, Step: x.Timer.Step}, due); err != nil {
			return err
		}
	}
	if x.Finished != "" {
		if err := e.releaseLock(ctx, in.Object, in.Record, in.ID); err != nil {
			return err
		}
		if x.Finished != workflow.ApprovalRecalled {
			if err := e.noteApproval(ctx, in, in.Submitter, "finished:"+in.ID, approvalTexts[x.Finished]); err != nil {
				return err
			}
		}
	}
	return nil
}

// closeTask sets a task's final status once (a closed task stays as it closed).
func (e *Engine) closeTask(ctx context.Context, id, status, at string) error {
	for attempt := 0; attempt < approvalRetries; attempt++ {
		d, err := e.store.Get(ctx, collApprovalTasks, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return storeErr(err)
		}
		if d["status"] != workflow.TaskOpen {
			return nil
		}
		v, err := docVersion(collApprovalTasks, d)
		if err != nil {
			return err
		}
		delete(d, "version")
		d["status"], d["closed_at"] = status, at
		err = e.store.Replace(ctx, collApprovalTasks, d, v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrVersionConflict) {
			return storeErr(err)
		}
	}
	return fmt.Errorf("approval task %s kept changing", id)
}

// approvalTexts are the notices approvals send, per locale; %s is the process label.
var approvalTexts = map[string]forms.Label{
	"requested":               {"en": "Approval requested: %s", "zh-CN": "待审批：%s"},
	workflow.ApprovalApproved: {"en": "Approved: %s", "zh-CN": "已批准：%s"},
	workflow.ApprovalRejected: {"en": "Rejected: %s", "zh-CN": "已驳回：%s"},
}

// noteApproval sends an approval notice to one user (approvers get theirs whether or not the
// record's sharing lets them read it: the task is how they reach it). Its id derives from key.
func (e *Engine) noteApproval(ctx context.Context, in *ApprovalInstance, user, key string, text forms.Label) error {
	dir, err := e.directory(ctx)
	if err != nil {
		return err
	}
	u := dir.users[user]
	if u == nil || !u.Active {
		return nil
	}
	label := in.Process
	if p, err := e.processVersion(ctx, in.Process, in.ProcessVersion, nil); err == nil && len(p.Label) > 0 {
		label = p.Label.In(u.Locale)
	}
	n := store.Doc{"id": derivedID("approval-note:" + key + ":" + user), "user": user, "at": e.stamp(), "read": false,
		"title": fmt.Sprintf(text.In(u.Locale), label), "object": in.Object, "record": in.Record}
	if err := e.store.Insert(ctx, collNotes, n); err != nil && !errors.Is(err, store.ErrDuplicateID) {
		return storeErr(err)
	}
	e.emailNotification(ctx, u, n["id"].(string), n["title"].(string), "", in.Object, in.Record)
	return nil
}
