package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/mail"
	"strings"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// Roles known to the foundation; the access-control work adds the rest.
const RoleAdmin = "admin"

// Actor is the user an engine call acts for.
type Actor struct {
	ID       string   `json:"id"`
	Email    string   `json:"email"`
	Name     string   `json:"name,omitempty"`
	Roles    []string `json:"roles"`
	Teams    []string `json:"teams,omitempty"`
	Locale   string   `json:"locale,omitempty"`
	Timezone string   `json:"timezone,omitempty"`
	// EmailNotifications: the user gets their notifications by email too.
	EmailNotifications bool `json:"email_notifications,omitempty"`
}

// IsAdmin reports whether the actor holds the admin role.
func (a *Actor) IsAdmin() bool {
	for _, r := range a.Roles {
		if r == RoleAdmin {
			return true
		}
	}
	return false
}

// SystemActor is the engine acting on its own (start-up, migrations).
var SystemActor = &Actor{ID: "system", Email: "system", Roles: []string{RoleAdmin}}

// CreateUser adds a user with a hashed password. Only admins may call it (the CLI acts as SystemActor).
func (e *Engine) CreateUser(ctx context.Context, by *Actor, email, name, password string, roles []string) (*Actor, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, errorf(KindValidation, "invalid_email", "%q is not a valid email address", email)
	}
	if err := passwordProblem(password, email); err != nil {
		return nil, weakPassword(err)
	}
	if roles == nil {
		roles = []string{}
	}
	u := &Actor{ID: newID(), Email: email, Name: name, Roles: roles}
	rs := make([]any, len(roles))
	for i, r := range roles {
		rs[i] = r
	}
	hash, err := e.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	doc := store.Doc{
		"id": u.ID, "email": email, "name": name, "roles": rs, "active": true,
		"password_hash": hash, "created_at": e.stamp(), "created_by": by.ID,
	}
	if err := e.store.Insert(ctx, collUsers, doc); err != nil {
		var dup *store.DuplicateError
		if errors.As(err, &dup) {
			return nil, errorf(KindConflict, "user_exists", "a user with email %s exists", email)
		}
		return nil, storeErr(err)
	}
	return u, nil
}

// CountUsers tells whether anyone can sign in yet (for first-start bootstrap).
func (e *Engine) CountUsers(ctx context.Context) (int64, error) {
	n, err := e.store.Count(ctx, collUsers, nil)
	return n, storeErr(err)
}

// maxEmailLength is the longest address accepted (RFC 5321); longer sign-ins fail unstored.
const maxEmailLength = 254

// Login checks the password and opens a session; the token is returned once and stored hashed.
// Every attempt is audited (login_succeeded, login_failed with the reason). Attempts count per
// email and per client address (WithClientIP) before the password is checked; a locked key
// answers too_many_attempts, even to the right password, until the lockout ends, and so does a
// sign-in that finds every hashing slot busy.
func (e *Engine) Login(ctx context.Context, email, password string) (token string, u *Actor, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	bad := errorf(KindUnauthorized, "invalid_credentials", "wrong email or password")
	if len(email) > maxEmailLength {
		return "", nil, bad
	}
	emailKey, ipKey := throttleKeys(email, clientIP(ctx))
	// The attempt is counted before its password is checked (see reserveAttempt).
	for _, k := range []struct {
		key, reason string
		max         int
	}{{emailKey, "locked", e.loginLimits.MaxFailures}, {ipKey, "address_locked", e.loginLimits.MaxIPFailures}} {
		if err := e.reserveAttempt(ctx, k.key, k.max); err != nil {
			if ee, ok := AsError(err); ok && ee.Kind == KindTooMany {
				e.audit(ctx, nil, auditEntry{Action: "login_failed", Email: email, Reason: k.reason})
			}
			return "", nil, err
		}
	}
	release, err := e.hashing.try()
	if err != nil {
		// Refused unchecked: no guess was spent, so the attempt is given back.
		e.releaseAttempt(ctx, emailKey, false)
		e.releaseAttempt(ctx, ipKey, false)
		e.audit(ctx, nil, auditEntry{Action: "login_failed", Email: email, Reason: "busy"})
		return "", nil, err
	}
	defer release()
	fail := func(who *Actor, reason string) error {
		e.audit(ctx, who, auditEntry{Action: "login_failed", Email: email, Reason: reason})
		return bad
	}
	docs, err := e.store.Find(ctx, collUsers, store.Query{Filter: store.Compare{Field: "email", Op: store.Eq, Value: email}, Limit: 1})
	if err != nil {
		return "", nil, storeErr(err)
	}
	if len(docs) == 0 {
		checkPassword(dummyHash(), password)
		return "", nil, fail(nil, "unknown_email")
	}
	stored, err := userDocFrom(docs[0])
	if err != nil {
		return "", nil, err
	}
	if !checkPassword(stored.PasswordHash, password) {
		return "", nil, fail(stored.actor(), "wrong_password")
	}
	if !stored.Active {
		return "", nil, fail(stored.actor(), "inactive")
	}
	token, err = e.openSession(ctx, stored.ID)
	if err != nil {
		return "", nil, err
	}
	u = stored.actor()
	e.releaseAttempt(ctx, emailKey, true)
	e.releaseAttempt(ctx, ipKey, false)
	e.audit(ctx, u, auditEntry{Action: "login_succeeded", Email: email})
	return token, u, nil
}

// openSession stores a new session of the user and returns its token.
func (e *Engine) openSession(ctx context.Context, userID string) (string, error) {
	token := randomToken()
	now := e.now()
	err := e.store.Insert(ctx, collTokens, store.Doc{
		"id": tokenKey(token), "user_id": userID,
		"created_at": now.UTC().Format(forms.TimeLayout), "expires_at": now.Add(e.tokenTTL).UTC().Format(forms.TimeLayout),
	})
	if err != nil {
		return "", storeErr(err)
	}
	return token, nil
}

// randomToken is 256 random bits in URL-safe text.
func randomToken() string {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// Authenticate resolves a session token or an API token (APITokenPrefix) to its user; expired
// tokens and inactive users fail.
func (e *Engine) Authenticate(ctx context.Context, token string) (*Actor, error) {
	if token == "" || len(token) > 200 {
		return nil, ErrUnauthorized
	}
	if strings.HasPrefix(token, APITokenPrefix) {
		return e.authenticateAPIToken(ctx, token)
	}
	key, now := tokenKey(token), e.stamp()
	if a := e.sessions.get(key, now); a != nil {
		return a, nil
	}
	gen := e.sessions.generation()
	t, err := e.store.Get(ctx, collTokens, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, storeErr(err)
	}
	var session struct {
		User      string `json:"user_id"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := decodeDoc(collTokens, t, &session); err != nil {
		return nil, err
	}
	if session.ExpiresAt <= now {
		return nil, ErrUnauthorized
	}
	a, err := e.activeUser(ctx, session.User)
	if err == nil {
		e.sessions.put(key, gen, a, session.ExpiresAt)
	}
	return a, err
}

// activeUser is the actor of an active user; anything else is unauthorized.
func (e *Engine) activeUser(ctx context.Context, uid string) (*Actor, error) {
	u, err := e.store.Get(ctx, collUsers, uid)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, storeErr(err)
	}
	stored, err := userFromDoc(u)
	if err != nil {
		return nil, err
	}
	if !stored.Active {
		return nil, ErrUnauthorized
	}
	return stored.actor(), nil
}

// Logout revokes the session token.
func (e *Engine) Logout(ctx context.Context, token string) error {
	err := e.store.Delete(ctx, collTokens, tokenKey(token), 0)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return storeErr(err)
}

// tokenKey is how a token is stored: its SHA-256, so a leaked table opens no session.
func tokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// actor is the user as the actor of a request.
func (u *User) actor() *Actor {
	return &Actor{ID: u.ID, Email: u.Email, Name: u.Name, Roles: u.Roles, Teams: u.Teams, Locale: u.Locale, Timezone: u.Timezone, EmailNotifications: u.EmailNotifications}
}

// newID returns a 26-character id that sorts by creation time: 48 bits of milliseconds then 80
// random bits, in lower-case Crockford base32.
func newID() string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:])
	return base32ID(b)
}

// idAlphabet is lower-case Crockford base32, in ascending order: ids sort as their bytes do.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// base32ID writes 16 bytes as a 26-character id.
func base32ID(b [16]byte) string {
	out := make([]byte, 26)
	var acc uint32
	bits, j := 0, 0
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		bits += 8
		for bits >= 5 {
			out[j] = idAlphabet[(acc>>(bits-5))&31]
			bits -= 5
			j++
		}
	}
	out[j] = idAlphabet[(acc<<(5-bits))&31]
	return string(out)
}
