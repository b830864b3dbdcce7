package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"crm/engine/store"
	"crm/workflow"
)

// The webhook allow-list names the restricted targets (private, loopback, link-local, ...)
// webhooks may reach all the same. It is one document, changed by admins only: whoever may reach
// internal addresses through the server holds the keys to the network. Entries given by the
// process's configuration (CRM_WEBHOOK_ALLOW) count too, so a fresh install can be bootstrapped.
const (
	collAllowList = "webhook_allowlist"
	allowListID   = "allowlist"
)

// WebhookAllowList is the allow-list as the API shows it.
type WebhookAllowList struct {
	Entries         []string `json:"entries"`
	FromEnvironment []string `json:"from_environment,omitempty"` // CRM_WEBHOOK_ALLOW: read-only here
	Version         int64    `json:"version"`
}

// ParseWebhookAllow splits a comma-separated CRM_WEBHOOK_ALLOW and checks every entry.
func ParseWebhookAllow(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if _, probs := workflow.ParseAllowList(out); len(probs) > 0 {
		return nil, fmt.Errorf("webhook allow-list: %s", probs[0].Message)
	}
	return out, nil
}

// GetWebhookAllowList shows the allow-list to admins.
func (e *Engine) GetWebhookAllowList(ctx context.Context, by *Actor) (*WebhookAllowList, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	l, _, err := e.storedAllowList(ctx)
	return l, err
}

// SetWebhookAllowList replaces the allow-list (admins only); ifMatch, when not 0, is the
// version the admin read.
func (e *Engine) SetWebhookAllowList(ctx context.Context, by *Actor, entries []string, ifMatch int64) (*WebhookAllowList, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	clean := []string{}
	for _, s := range entries {
		clean = append(clean, strings.TrimSpace(s))
	}
	if _, probs := workflow.ParseAllowList(clean); len(probs) > 0 {
		return nil, InvalidDefinition(probs)
	}
	old, exists, err := e.storedAllowList(ctx)
	if err != nil {
		return nil, err
	}
	if ifMatch != 0 && ifMatch != old.Version {
		return nil, storeErr(store.ErrVersionConflict)
	}
	doc := store.Doc{"id": allowListID, "entries": toStoreKinds(anyList(clean))}
	if exists {
		err = e.store.Replace(ctx, collAllowList, doc, old.Version)
	} else {
		err = e.store.Insert(ctx, collAllowList, doc)
		if errors.Is(err, store.ErrDuplicateID) {
			err = store.ErrVersionConflict // another admin saved it first
		}
	}
	if err != nil {
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "webhook_allowlist_saved", Object: "webhook", Record: allowListID,
		Changes: map[string]Change{"entries": {Old: anyList(old.Entries), New: anyList(clean)}}})
	return &WebhookAllowList{Entries: clean, FromEnvironment: e.webhookEnv, Version: old.Version + 1}, nil
}

// storedAllowList reads the allow-list document (empty when none was saved).
func (e *Engine) storedAllowList(ctx context.Context) (*WebhookAllowList, bool, error) {
	l := &WebhookAllowList{Entries: []string{}, FromEnvironment: e.webhookEnv}
	d, err := e.store.Get(ctx, collAllowList, allowListID)
	if errors.Is(err, store.ErrNotFound) {
		return l, false, nil
	}
	if err != nil {
		return nil, false, storeErr(err)
	}
	var stored struct {
		Entries []string `json:"entries"`
		Version int64    `json:"version"`
	}
	if err := decodeDoc(collAllowList, d, &stored); err != nil {
		return nil, false, err
	}
	l.Version = stored.Version
	l.Entries = append(l.Entries, stored.Entries...)
	return l, true, nil
}

// webhookAllow is the allow-list in force: the configuration's entries and the stored ones.
// It is read for every check, so an admin's change applies to the very next delivery.
func (e *Engine) webhookAllow(ctx context.Context) (*workflow.AllowList, error) {
	l, _, err := e.storedAllowList(ctx)
	if err != nil {
		return nil, err
	}
	list, _ := workflow.ParseAllowList(append(append([]string{}, e.webhookEnv...), l.Entries...))
	return list, nil
}
