package api_test

import (
	"context"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// TestAPITokenCannotEndSessionsOrTokens: a leaked API token must not lock its owner out: it may
// not end the owner's sessions, another user's sessions (an admin's token), nor delete the owner's
// other tokens. Those need a signed-in person.
func TestAPITokenCannotEndSessionsOrTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	rep := []string{"Authorization", "Bearer " + h.userToken}
	repID := h.mustDo(200, "GET", "/api/auth/me", "", rep...).JSON["id"].(string)
	repTok := []string{"Authorization", "Bearer " + h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"script"}`, rep...).JSON["token"].(string)}
	other := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"other"}`, rep...).JSON["id"].(string)
	adminTok := []string{"Authorization", "Bearer " + h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"admin script"}`).JSON["token"].(string)}
	sessions := func(h *harness) any {
		docs, err := h.store.Find(context.Background(), "tokens", store.Query{})
		if err != nil {
			h.t.Fatal(err)
		}
		return len(docs)
	}
	both := func(h *harness) any { // sessions and tokens (a token's use stamps it, which is no change)
		var ids []any
		for _, d := range tokensOf(h).([]store.Doc) {
			ids = append(ids, d["id"])
		}
		return []any{sessions(h), ids}
	}
	runScenarios(t, h, []scenario{
		{Name: "a token cannot end its owner's sessions", Method: "POST", URL: "/api/auth/logout-all", Headers: repTok,
			ExpectedStatus: 403, ExpectedContent: []string{`"session_required"`}, Unchanged: both},
		{Name: "a token cannot delete its owner's other tokens", Method: "DELETE", URL: "/api/auth/tokens/" + other, Headers: repTok,
			ExpectedStatus: 403, ExpectedContent: []string{`"session_required"`}, Unchanged: both},
		{Name: "an admin's token cannot end a user's sessions", Method: "POST", URL: "/api/users/" + repID + "/revoke-sessions", Headers: adminTok,
			ExpectedStatus: 403, ExpectedContent: []string{`"session_required"`}, Unchanged: both},
	})
	h.t = t
	// Signed in, each works.
	h.mustDo(204, "DELETE", "/api/auth/tokens/"+other, "", rep...)
	h.mustDo(200, "POST", "/api/users/"+repID+"/revoke-sessions", "")
}

// TestAPIAnswersAreNotStored: every API answer, errors included, tells caches not to keep it:
// records and tokens must not stay in a shared proxy or the browser's disk cache.
func TestAPIAnswersAreNotStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	h.withLead()
	for _, r := range []response{
		h.do("GET", "/api/health", ""),
		h.do("GET", "/api/records/lead", ""),
		h.do("GET", "/api/forms/lead", ""),
		h.do("GET", "/api/records/lead/nope", ""),
		h.do("GET", "/api/auth/me", "", "Authorization", ""),
		h.do("POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", ""),
	} {
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%d %.60s: Cache-Control %q, want no-store", r.Status, r.Text, got)
		}
	}
}
