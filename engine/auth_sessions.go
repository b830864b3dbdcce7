package engine

import (
	"context"
	"errors"

	"crm/engine/store"
	"crm/forms"
)

// LogoutAll ends every session of the caller, the current one included, and returns how many.
// API tokens stay: they are revoked one by one.
func (e *Engine) LogoutAll(ctx context.Context, by *Actor) (int, error) {
	n, err := e.revokeSessions(ctx, by.ID, "")
	if err != nil {
		return n, err
	}
	e.audit(ctx, by, auditEntry{Action: "sessions_revoked", Object: "user", Record: by.ID})
	return n, nil
}

// RevokeUserSessions ends every session of another user (admins), e.g. a lost laptop.
func (e *Engine) RevokeUserSessions(ctx context.Context, by *Actor, userID string) (int, error) {
	if !by.IsAdmin() {
		return 0, ErrForbidden
	}
	if _, err := e.store.Get(ctx, collUsers, userID); errors.Is(err, store.ErrNotFound) {
		return 0, errorf(KindNotFound, "user_not_found", "no user %q", userID)
	} else if err != nil {
		return 0, storeErr(err)
	}
	n, err := e.revokeSessions(ctx, userID, "")
	if err != nil {
		return n, err
	}
	e.audit(ctx, by, auditEntry{Action: "sessions_revoked", Object: "user", Record: userID})
	return n, nil
}

// ChangePassword sets the caller's password after checking the current one, and ends the
// caller's other sessions (keepToken is the session making the change; "" ends all). A wrong
// current password counts as a failed sign-in, so a stolen session cannot guess it freely.
func (e *Engine) ChangePassword(ctx context.Context, by *Actor, current, next, keepToken string) error {
	doc, err := e.store.Get(ctx, collUsers, by.ID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrUnauthorized
	}
	if err != nil {
		return storeErr(err)
	}
	stored, err := userDocFrom(doc)
	if err != nil {
		return err
	}
	email := stored.Email
	emailKey, _ := throttleKeys(email, "")
	if err := e.reserveAttempt(ctx, emailKey, e.loginLimits.MaxFailures); err != nil {
		return err
	}
	release, err := e.hashing.try()
	if err != nil {
		e.releaseAttempt(ctx, emailKey, false)
		return err
	}
	defer release()
	if !checkPassword(stored.PasswordHash, current) {
		e.audit(ctx, by, auditEntry{Action: "password_change_failed", Object: "user", Record: by.ID, Reason: "wrong_password"})
		return &Error{Kind: KindValidation, Code: "wrong_password", Message: "the current password is not right",
			Problems: []forms.Problem{{Pointer: "/current_password", Code: "wrong_password", Message: "not the current password"}}}
	}
	e.releaseAttempt(ctx, emailKey, true)
	if err := passwordProblem(next, email); err != nil {
		w := weakPassword(err)
		w.Problems = []forms.Problem{{Pointer: "/new_password", Code: "weak_password", Message: err.Error()}}
		return w
	}
	if next == current {
		return &Error{Kind: KindValidation, Code: "weak_password", Message: "the new password must differ from the current one",
			Problems: []forms.Problem{{Pointer: "/new_password", Code: "weak_password", Message: "same as the current password"}}}
	}
	v := stored.Version
	doc["password_hash"] = hashPassword(next)
	delete(doc, defaultPasswordKey)
	doc["updated_at"], doc["updated_by"] = e.stamp(), by.ID
	if err := e.store.Replace(ctx, collUsers, doc, v); err != nil {
		return storeErr(err)
	}
	e.changedDirectory(ctx)
	keep := ""
	if keepToken != "" {
		keep = tokenKey(keepToken)
	}
	if _, err := e.revokeSessions(ctx, by.ID, keep); err != nil {
		return err
	}
	e.audit(ctx, by, auditEntry{Action: "password_changed", Object: "user", Record: by.ID})
	return nil
}

// revokeSessions ends every session of a user but the one stored under keep.
func (e *Engine) revokeSessions(ctx context.Context, userID, keep string) (int, error) {
	return e.deleteWhere(ctx, collTokens, store.Compare{Field: "user_id", Op: store.Eq, Value: userID}, keep)
}

// deleteWhere deletes the documents matching f, but the one with id keep, and counts them. There
// are no multi-document deletes on the seam; a user has few sessions and tokens.
func (e *Engine) deleteWhere(ctx context.Context, coll string, f store.Filter, keep string) (int, error) {
	docs, err := e.store.Find(ctx, coll, store.Query{Filter: f})
	if err != nil {
		return 0, storeErr(err)
	}
	n := 0
	for _, d := range docs {
		id := docID(d)
		if id == keep {
			continue
		}
		if err := e.store.Delete(ctx, coll, id, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			return n, storeErr(err)
		}
		n++
	}
	return n, nil
}
