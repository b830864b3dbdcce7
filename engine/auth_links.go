package engine

import (
	"context"
	"errors"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// Password links let an admin invite a user or reset a forgotten password without ever knowing
// the password: the admin gets a one-time link to hand over, the user opens it and chooses the
// password. The secret is shown once, only its SHA-256 is stored (like API tokens); a link works
// once, for PasswordLinkTTL, and only for an active user. A newer link of the same user replaces
// the older ones.
const (
	collPasswordLinks = "password_links"
	// PasswordLinkTTL is how long a password link works.
	PasswordLinkTTL = 72 * time.Hour
	// PasswordLinkPath is the UI page a link opens; the secret follows in the fragment, which
	// browsers send to no server and write to no access log.
	PasswordLinkPath = "/set-password#"
)

// PasswordLink is a new link as the admin sees it, once.
type PasswordLink struct {
	User      string `json:"user"`
	Token     string `json:"token"`
	Path      string `json:"path"` // the UI page with the secret: prefix it with the app's address
	ExpiresAt string `json:"expires_at"`
}

// The errors of a link: one for every link that is not (or no longer) a link of an active user,
// so that the answer tells nothing about users; used and expired are said, as they are what the
// holder of a real link needs to know (ask the admin for a new one).
var (
	errLinkInvalid = &Error{Kind: KindNotFound, Code: "link_invalid", Message: "this link is not valid; ask an administrator for a new one"}
	errLinkUsed    = &Error{Kind: KindGone, Code: "link_used", Message: "this link was already used; ask an administrator for a new one"}
	errLinkExpired = &Error{Kind: KindGone, Code: "link_expired", Message: "this link has expired; ask an administrator for a new one"}
)

// CreatePasswordLink makes a one-time link with which the user sets their password (an invite for
// a user without one, a reset otherwise). Admins only; earlier links of the user stop working.
func (e *Engine) CreatePasswordLink(ctx context.Context, by *Actor, userID string) (*PasswordLink, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	doc, err := e.store.Get(ctx, collUsers, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "user_not_found", "no user %q", userID)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if doc["active"] != true {
		return nil, errorf(KindConflict, "user_inactive", "the user is deactivated; reactivate them first")
	}
	if _, err := e.deleteWhere(ctx, collPasswordLinks, store.Compare{Field: "user_id", Op: store.Eq, Value: userID}, ""); err != nil {
		return nil, err
	}
	secret := randomToken()
	now := e.now().UTC()
	expires := now.Add(PasswordLinkTTL).Format(forms.TimeLayout)
	if err := e.store.Insert(ctx, collPasswordLinks, store.Doc{"id": tokenKey(secret), "user_id": userID,
		"created_at": now.Format(forms.TimeLayout), "created_by": by.ID, "expires_at": expires}); err != nil {
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "password_link_created", Object: "user", Record: userID})
	return &PasswordLink{User: userID, Token: secret, Path: PasswordLinkPath + secret, ExpiresAt: expires}, nil
}

// SetPasswordWithLink sets the password of the link's user and uses the link up. A weak password
// leaves the link as it was, to try again. The user's sessions end: whoever knew the old password
// is signed out.
func (e *Engine) SetPasswordWithLink(ctx context.Context, secret, password string) error {
	if secret == "" || len(secret) > 200 {
		return errLinkInvalid
	}
	link, err := e.store.Get(ctx, collPasswordLinks, tokenKey(secret))
	if errors.Is(err, store.ErrNotFound) {
		return errLinkInvalid
	}
	if err != nil {
		return storeErr(err)
	}
	if used, _ := link["used_at"].(string); used != "" {
		return errLinkUsed
	}
	if exp, _ := link["expires_at"].(string); exp <= e.stamp() {
		return errLinkExpired
	}
	userID, _ := link["user_id"].(string)
	doc, err := e.store.Get(ctx, collUsers, userID)
	if errors.Is(err, store.ErrNotFound) {
		return errLinkInvalid
	}
	if err != nil {
		return storeErr(err)
	}
	u, err := userDocFrom(doc)
	if err != nil {
		return err
	}
	if !u.Active {
		return errLinkInvalid
	}
	if err := passwordProblem(password, u.Email); err != nil {
		w := weakPassword(err)
		w.Problems = []forms.Problem{{Pointer: "/password", Code: "weak_password", Message: err.Error()}}
		return w
	}
	// The link is used up first, by compare-and-set: of two requests with one link, one wins.
	link["used_at"] = e.stamp()
	v, _ := link["version"].(int64)
	if err := e.store.Replace(ctx, collPasswordLinks, link, v); err != nil {
		if errors.Is(err, store.ErrVersionConflict) {
			return errLinkUsed
		}
		return storeErr(err)
	}
	hash, err := e.hash(ctx, password)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		doc["password_hash"] = hash
		doc["updated_at"], doc["updated_by"] = e.stamp(), userID
		err = e.store.Replace(ctx, collUsers, doc, u.Version)
		if !errors.Is(err, store.ErrVersionConflict) || attempt >= 5 {
			break
		}
		// An admin changed the user meanwhile: set the password on top of that change.
		if doc, err = e.store.Get(ctx, collUsers, userID); err != nil {
			return storeErr(err)
		}
		if u, err = userDocFrom(doc); err != nil {
			return err
		}
	}
	if err != nil {
		return storeErr(err)
	}
	e.changedDirectory(ctx)
	if _, err := e.revokeSessions(ctx, userID, ""); err != nil {
		e.log.Error("sessions not revoked", "user", userID, "err", err)
	}
	e.audit(ctx, u.actor(), auditEntry{Action: "password_set_with_link", Object: "user", Record: userID})
	return nil
}
