package engine

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// User is a person who signs in, as the admin API shows it (never the password hash).
type User struct {
	ID        string   `json:"id"`
	Email     string   `json:"email"`
	Name      string   `json:"name,omitempty"`
	Roles     []string `json:"roles"`
	Active    bool     `json:"active"`
	Locale    string   `json:"locale,omitempty"`
	Timezone  string   `json:"timezone,omitempty"`
	Manager   string   `json:"manager,omitempty"`
	Teams     []string `json:"teams"`
	Skills    []string `json:"skills"`
	CreatedAt string   `json:"created_at,omitempty"`
	UpdatedAt string   `json:"updated_at,omitempty"`
	Version   int64    `json:"version,omitempty"`
	// EmailNotifications: the user gets their notifications by email too (a profile setting).
	EmailNotifications bool `json:"email_notifications,omitempty"`
	// PasswordSet says whether the user has a password yet: an invited user has none until they
	// open their link.
	PasswordSet bool `json:"password_set"`
}

// UserInput is what an admin sends to create or change a user; nil members stay as they are.
type UserInput struct {
	Email    *string   `json:"email"`
	Name     *string   `json:"name"`
	Password *string   `json:"password"`
	Roles    *[]string `json:"roles"`
	Active   *bool     `json:"active"`
	Locale   *string   `json:"locale"`
	Timezone *string   `json:"timezone"`
	Manager  *string   `json:"manager"`
	Teams    *[]string `json:"teams"`
	Skills   *[]string `json:"skills"`
}

// ListUsers returns every user by email. Any signed-in user may list them (user fields and
// assignment need to name people); only admins change them.
func (e *Engine) ListUsers(ctx context.Context, by *Actor) ([]*User, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*User, 0, len(dir.users))
	for _, u := range dir.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out, nil
}

// GetUser returns one user.
func (e *Engine) GetUser(ctx context.Context, by *Actor, id string) (*User, error) {
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	if u := dir.users[id]; u != nil {
		return u, nil
	}
	return nil, errorf(KindNotFound, "user_not_found", "no user %q", id)
}

// SaveUser creates a user (id "") or changes one (ifMatch: the version read, 0: any). Admins only.
// Deactivating a user ends their sessions.
func (e *Engine) SaveUser(ctx context.Context, by *Actor, id string, in UserInput, ifMatch int64) (*User, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	var doc store.Doc
	var version int64
	if id == "" {
		// A user made without a password signs in once they set one through a password link
		// (an invitation: CreatePasswordLink).
		if in.Email == nil {
			return nil, &Error{Kind: KindValidation, Code: "invalid_user", Message: "a new user needs an email",
				Problems: []forms.Problem{{Pointer: "/email", Code: "required", Message: "required"}}}
		}
		id = newID()
		doc = store.Doc{"id": id, "active": true, "roles": []any{}, "teams": []any{}, "skills": []any{}, "created_at": e.stamp(), "created_by": by.ID}
	} else {
		doc, err = e.store.Get(ctx, collUsers, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errorf(KindNotFound, "user_not_found", "no user %q", id)
		}
		if err != nil {
			return nil, storeErr(err)
		}
		stored, err := userDocFrom(doc) // the input applies to a user of the right shape
		if err != nil {
			return nil, err
		}
		version = stored.Version
		if ifMatch != 0 && ifMatch != version {
			return nil, storeErr(store.ErrVersionConflict)
		}
	}
	if in.Password != nil {
		release, err := e.hashing.wait(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if probs := e.applyUserInput(dir, id, doc, in); len(probs) > 0 {
		return nil, &Error{Kind: KindValidation, Code: "invalid_user", Message: fmt.Sprintf("the user has %d problem(s)", len(probs)), Problems: probs}
	}
	doc["updated_at"], doc["updated_by"] = e.stamp(), by.ID
	if version == 0 {
		err = e.store.Insert(ctx, collUsers, doc)
	} else {
		err = e.store.Replace(ctx, collUsers, doc, version)
	}
	var dup *store.DuplicateError
	if errors.As(err, &dup) {
		return nil, errorf(KindConflict, "user_exists", "a user with email %v exists", doc["email"])
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if doc["active"] != true {
		// A deactivated user's sessions and API tokens end now, not when they expire: were the
		// user made active again, an integration should not resume unnoticed.
		if _, err := e.revokeSessions(ctx, id, ""); err != nil {
			e.log.Error("sessions not revoked", "user", id, "err", err)
		}
		if _, err := e.revokeAPITokens(ctx, id); err != nil {
			e.log.Error("API tokens not revoked", "user", id, "err", err)
		}
	}
	e.changedDirectory(ctx)
	action := "user_created"
	if version != 0 {
		action = "user_updated"
	}
	e.audit(ctx, by, auditEntry{Action: action, Object: "user", Record: id})
	doc["version"] = version + 1
	return userFromDoc(doc)
}

// applyUserInput checks and copies the given members into doc, reporting every problem at once.
func (e *Engine) applyUserInput(dir *directory, id string, doc store.Doc, in UserInput) []forms.Problem {
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if in.Email != nil {
		email := strings.ToLower(strings.TrimSpace(*in.Email))
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			bad("/email", "invalid_email", "%q is not a valid email address", *in.Email)
		}
		doc["email"] = email
	}
	if in.Password != nil {
		email, _ := doc["email"].(string)
		if err := passwordProblem(*in.Password, email); err != nil {
			bad("/password", "weak_password", "%s", err.Error())
		} else {
			doc["password_hash"] = hashPassword(*in.Password) // within the gate SaveUser holds
			delete(doc, defaultPasswordKey)
		}
	}
	if in.Name != nil {
		doc["name"] = strings.TrimSpace(*in.Name)
	}
	if in.Roles != nil {
		for i, r := range *in.Roles {
			if r != RoleAdmin && dir.roles[r] == nil {
				bad(fmt.Sprintf("/roles/%d", i), "unknown_role", "no role named %q", r)
			}
		}
		doc["roles"] = anyList(*in.Roles)
	}
	if in.Active != nil {
		doc["active"] = *in.Active
	}
	if in.Locale != nil {
		if *in.Locale != "" && !forms.ValidLocale(*in.Locale) {
			bad("/locale", "invalid_locale", "%q is not a locale such as en or zh-CN", *in.Locale)
		}
		setOrDelete(doc, "locale", *in.Locale)
	}
	if in.Timezone != nil {
		if *in.Timezone != "" {
			if _, err := time.LoadLocation(*in.Timezone); err != nil {
				bad("/timezone", "invalid_timezone", "%q is not a time zone such as Asia/Shanghai", *in.Timezone)
			}
		}
		setOrDelete(doc, "timezone", *in.Timezone)
	}
	if in.Manager != nil {
		m := *in.Manager
		switch {
		case m == "":
		case m == id:
			bad("/manager", "invalid_manager", "a user cannot be their own manager")
		case dir.users[m] == nil:
			bad("/manager", "unknown_user", "no user %q", m)
		case slices.Contains(dir.subordinates(id), m):
			bad("/manager", "invalid_manager", "%s reports to this user: the manager chain would loop", dir.users[m].Email)
		}
		setOrDelete(doc, "manager", m)
	}
	if in.Teams != nil {
		for i, t := range *in.Teams {
			if dir.teams[t] == nil {
				bad(fmt.Sprintf("/teams/%d", i), "unknown_team", "no team %q", t)
			}
		}
		doc["teams"] = anyList(*in.Teams)
	}
	if in.Skills != nil {
		doc["skills"] = anyList(*in.Skills)
	}
	return probs
}

func setOrDelete(doc store.Doc, k, v string) {
	if v == "" {
		delete(doc, k)
	} else {
		doc[k] = v
	}
}

func anyList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func stringList(v any) []string {
	out := []string{}
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// userFromDoc decodes a stored user (its password hash stays behind: see userDoc).
func userFromDoc(d store.Doc) (*User, error) {
	u := &User{}
	if err := decodeDoc(collUsers, d, u); err != nil {
		return nil, err
	}
	hash, _ := d["password_hash"].(string)
	u.PasswordSet = hash != ""
	// Lists are shown as [] rather than null.
	for _, l := range []*[]string{&u.Roles, &u.Teams, &u.Skills} {
		if *l == nil {
			*l = []string{}
		}
	}
	return u, nil
}

// userDoc is a stored user with what only sign-in reads.
type userDoc struct {
	User
	PasswordHash string `json:"password_hash"`
}

func userDocFrom(d store.Doc) (*userDoc, error) {
	var u userDoc
	if err := decodeDoc(collUsers, d, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
