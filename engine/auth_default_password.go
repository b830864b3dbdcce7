package engine

import (
	"context"
	"errors"

	"crm/engine/store"
)

// DefaultAdminPassword is the password `make run` gives the first administrator. A database
// whose admin still signs in with it is open to anyone who has read the README, so the server
// remembers it (a flag on the user, set when the first admin is created with it and cleared by
// any change of that user's password): serve warns in its log and the app shows a banner to
// admins until it is changed.
const DefaultAdminPassword = "admin-change-me"

// defaultPasswordKey is the user document's flag for a password still at DefaultAdminPassword.
const defaultPasswordKey = "default_password"

// MarkDefaultPassword flags a user whose password is DefaultAdminPassword (first-start
// bootstrap). It checks the stored hash, so a user whose password differs is left unflagged.
func (e *Engine) MarkDefaultPassword(ctx context.Context, userID string) error {
	doc, err := e.store.Get(ctx, collUsers, userID)
	if err != nil {
		return storeErr(err)
	}
	u, err := userDocFrom(doc)
	if err != nil {
		return err
	}
	if !checkPassword(u.PasswordHash, DefaultAdminPassword) {
		return nil
	}
	doc[defaultPasswordKey] = true
	if err := e.store.Replace(ctx, collUsers, doc, u.Version); err != nil {
		return storeErr(err)
	}
	e.changedDirectory(ctx)
	return nil
}

// HasDefaultPassword reports whether the user still has the default password; only admins are
// told (anyone else is answered false), the banner is theirs to act on.
func (e *Engine) HasDefaultPassword(ctx context.Context, a *Actor) (bool, error) {
	if !a.IsAdmin() {
		return false, nil
	}
	doc, err := e.store.Get(ctx, collUsers, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, storeErr(err)
	}
	flag, _ := doc[defaultPasswordKey].(bool)
	return flag, nil
}

// DefaultPasswordUsers lists the emails of the active users still flagged with the default
// password, for the warning serve logs at start.
func (e *Engine) DefaultPasswordUsers(ctx context.Context) ([]string, error) {
	docs, err := e.store.Find(ctx, collUsers, store.Query{Filter: store.Compare{Field: defaultPasswordKey, Op: store.Eq, Value: true}})
	if err != nil {
		return nil, storeErr(err)
	}
	var out []string
	for _, d := range docs {
		if active, _ := d["active"].(bool); !active {
			continue
		}
		if email, _ := d["email"].(string); email != "" {
			out = append(out, email)
		}
	}
	return out, nil
}
