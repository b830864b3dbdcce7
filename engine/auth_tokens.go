package engine

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"crm/engine/store"
	"crm/forms"
)

// API tokens let integrations act as a user without a password: named, optionally expiring,
// revocable one by one. The secret is shown once; only its SHA-256 is stored.
const (
	collAPITokens = "api_tokens"
	// APITokenPrefix starts every API token, so that it is told from a session token at a glance
	// (and by secret scanners).
	APITokenPrefix = "crm_pat_"
	// lastUsedEvery is how stale last_used_at may get: a token used constantly is written at most
	// once a minute rather than on every request.
	lastUsedEvery = time.Minute
)

var apiTokenIndexes = []store.Index{{Field: "hash", Unique: true}, {Field: "user_id"}}

// APIToken is a token as its owner and admins see it; Token is set only in the answer that
// creates it.
type APIToken struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	User       string `json:"user"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
	ExpiresAt  string `json:"expires_at,omitempty"`
	Token      string `json:"token,omitempty"`
}

// APITokenInput is what creates a token: a name, and an expiry instant (RFC 3339) or none.
type APITokenInput struct {
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
}

// CreateAPIToken makes a token acting with the rights of by.
func (e *Engine) CreateAPIToken(ctx context.Context, by *Actor, in APITokenInput) (*APIToken, error) {
	if by == nil || by == SystemActor {
		return nil, ErrForbidden
	}
	var probs []forms.Problem
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		probs = append(probs, forms.Problem{Pointer: "/name", Code: "required", Message: "a token needs a name of 1 to 100 characters, e.g. the integration using it"})
	}
	now := e.now()
	var expires string
	if in.ExpiresAt != "" {
		t, err := time.Parse(time.RFC3339, in.ExpiresAt)
		switch {
		case err != nil:
			probs = append(probs, forms.Problem{Pointer: "/expires_at", Code: "invalid_datetime", Message: "expires_at is an instant such as 2027-01-01T00:00:00Z"})
		case !t.After(now):
			probs = append(probs, forms.Problem{Pointer: "/expires_at", Code: "in_the_past", Message: "expires_at must be in the future"})
		default:
			expires = t.UTC().Format(forms.TimeLayout)
		}
	}
	if len(probs) > 0 {
		return nil, &Error{Kind: KindValidation, Code: "invalid_api_token", Message: fmt.Sprintf("the token has %d problem(s)", len(probs)), Problems: probs}
	}
	secret := APITokenPrefix + randomToken()
	t := &APIToken{ID: newID(), Name: name, User: by.ID, CreatedAt: now.UTC().Format(forms.TimeLayout), ExpiresAt: expires}
	doc := store.Doc{"id": t.ID, "name": name, "user_id": by.ID, "hash": tokenKey(secret), "created_at": t.CreatedAt}
	if expires != "" {
		doc["expires_at"] = expires
	}
	if err := e.store.Insert(ctx, collAPITokens, doc); err != nil {
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "api_token_created", Object: "api_token", Record: t.ID})
	t.Token = secret
	return t, nil
}

// ListAPITokens returns the tokens of a user (userID "": the caller's own), newest first. Only
// admins list someone else's.
func (e *Engine) ListAPITokens(ctx context.Context, by *Actor, userID string) ([]*APIToken, error) {
	if userID == "" {
		userID = by.ID
	}
	if userID != by.ID && !by.IsAdmin() {
		return nil, ErrForbidden
	}
	docs, err := e.store.Find(ctx, collAPITokens, store.Query{
		Filter: store.Compare{Field: "user_id", Op: store.Eq, Value: userID},
		Sort:   []store.SortKey{{Field: "id", Desc: true}}, Limit: 1000})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*APIToken, 0, len(docs))
	for _, d := range docs {
		t, err := apiTokenFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, &t.APIToken)
	}
	return out, nil
}

// RevokeAPIToken deletes a token of the caller, or any token for an admin. Someone else's token
// answers as a missing one.
func (e *Engine) RevokeAPIToken(ctx context.Context, by *Actor, id string) error {
	notFound := errorf(KindNotFound, "api_token_not_found", "no API token %q", id)
	d, err := e.store.Get(ctx, collAPITokens, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return storeErr(err)
	}
	if d["user_id"] != by.ID && !by.IsAdmin() {
		return notFound
	}
	if err := e.store.Delete(ctx, collAPITokens, id, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "api_token_revoked", Object: "api_token", Record: id})
	return nil
}

// authenticateAPIToken resolves an API token to its user and notes when it was last used.
func (e *Engine) authenticateAPIToken(ctx context.Context, token string) (*Actor, error) {
	hash := tokenKey(token)
	docs, err := e.store.Find(ctx, collAPITokens, store.Query{Filter: store.Compare{Field: "hash", Op: store.Eq, Value: hash}, Limit: 1})
	if err != nil {
		return nil, storeErr(err)
	}
	if len(docs) == 0 {
		return nil, ErrUnauthorized
	}
	d := docs[0]
	stored, err := apiTokenFromDoc(d)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(stored.hash), []byte(hash)) != 1 {
		return nil, ErrUnauthorized
	}
	now := e.now()
	if exp := parseStamp(stored.ExpiresAt); !exp.IsZero() && !now.Before(exp) {
		return nil, ErrUnauthorized
	}
	a, err := e.activeUser(ctx, stored.User)
	if err != nil {
		return nil, err
	}
	if last := parseStamp(stored.LastUsedAt); now.Sub(last) >= lastUsedEvery {
		v := stored.version
		d["last_used_at"] = stampOf(now)
		// A lost race means another request has just noted the use: nothing to do.
		if err := e.store.Replace(context.WithoutCancel(ctx), collAPITokens, d, v); err != nil &&
			!errors.Is(err, store.ErrVersionConflict) && !errors.Is(err, store.ErrNotFound) {
			e.log.Warn("token use not noted", "token", d["id"], "err", err)
		}
	}
	return a, nil
}

// revokeAPITokens deletes every API token of a user (deactivation).
func (e *Engine) revokeAPITokens(ctx context.Context, userID string) (int, error) {
	return e.deleteWhere(ctx, collAPITokens, store.Compare{Field: "user_id", Op: store.Eq, Value: userID}, "")
}

// apiTokenDoc is a stored API token: what its owner sees, and what only the engine reads.
type apiTokenDoc struct {
	APIToken
	hash    string
	version int64
}

func apiTokenFromDoc(d store.Doc) (*apiTokenDoc, error) {
	var stored struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		User       string `json:"user_id"`
		CreatedAt  string `json:"created_at"`
		LastUsedAt string `json:"last_used_at"`
		ExpiresAt  string `json:"expires_at"`
		Hash       string `json:"hash"`
		Version    int64  `json:"version"`
	}
	if err := decodeDoc(collAPITokens, d, &stored); err != nil {
		return nil, err
	}
	return &apiTokenDoc{
		APIToken: APIToken{ID: stored.ID, Name: stored.Name, User: stored.User, CreatedAt: stored.CreatedAt,
			LastUsedAt: stored.LastUsedAt, ExpiresAt: stored.ExpiresAt},
		hash: stored.Hash, version: stored.Version,
	}, nil
}
