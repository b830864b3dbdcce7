package engine

import (
	"context"
	"errors"
	"maps"

	"crm/engine/store"
	"crm/workflow"
)

// The lock of a record under approval (approval_locks, described in approval_run.go): taken at
// submission, released when the instance ends, checked by every write.

func lockID(object, record string) string { return object + ":" + record }

// lockFromDoc is the instance holding a stored lock, and the lock's version.
func lockFromDoc(d store.Doc) (instance string, version int64, err error) {
	var stored struct {
		Instance string `json:"instance"`
		Version  int64  `json:"version"`
	}
	err = decodeDoc(collApprovalLocks, d, &stored)
	return stored.Instance, stored.Version, err
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
		held, v, err := lockFromDoc(old)
		if err != nil {
			return err
		}
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
	held, v, err := lockFromDoc(d)
	if err != nil {
		return err
	}
	if held != instID {
		return nil // a later submission holds it
	}
	if err := e.store.Delete(ctx, collApprovalLocks, lockID(object, record), v); err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrVersionConflict) {
		return storeErr(err)
	}
	return nil
}

// touchRecord stores a record unchanged at the next version, if it is still at the version read.
func (e *Engine) touchRecord(ctx context.Context, object string, doc store.Doc) error {
	next := maps.Clone(doc)
	version, err := docVersion(recordsColl(object), next)
	if err != nil {
		return err
	}
	delete(next, "version")
	return storeErr(e.store.Replace(ctx, recordsColl(object), next, version))
}

// checkLock refuses a write to a record waiting for an approval; admins (and the engine itself,
// which applies the process's own updates) pass.
func (e *Engine) checkLock(ctx context.Context, by *Actor, object, record string) error {
	if by.IsAdmin() {
		return nil
	}
	return e.refuseLocked(ctx, object, record)
}

// refuseLocked refuses, for everyone, a record waiting for an approval.
func (e *Engine) refuseLocked(ctx context.Context, object, record string) error {
	d, err := e.store.Get(ctx, collApprovalLocks, lockID(object, record))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr(err)
	}
	held, _, err := lockFromDoc(d)
	if err != nil {
		return err
	}
	pending, err := e.instancePending(ctx, held)
	if err != nil || !pending {
		return err
	}
	return &Error{Kind: KindConflict, Code: "record_locked", Message: "the record is waiting for an approval and cannot be changed until it is decided or recalled",
		Details: map[string]any{"approval": held}}
}
