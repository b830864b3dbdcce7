package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store"
	"crm/internal/testenv"
)

// TestAPITokens: a named token acts as its user, shows its secret once, is stored hashed, lists
// without the secret, ends when revoked or expired, and only admins see other people's tokens.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		h := newHarnessWith(t, b.Open(t), engine.Config{Clock: clock.Now}, api.Config{})
		rep := []string{"Authorization", "Bearer " + h.userToken}
		repID := h.mustDo(200, "GET", "/api/auth/me", "", rep...).JSON["id"].(string)

		runScenarios(t, h, []scenario{
			{Name: "a token needs a name", Method: "POST", URL: "/api/auth/tokens", Body: `{"name":" "}`, Headers: rep,
				ExpectedStatus: 422, ExpectedContent: []string{`"invalid_api_token"`, `"/name"`}, Unchanged: tokensOf},
			{Name: "expiry in the past", Method: "POST", URL: "/api/auth/tokens", Body: `{"name":"x","expires_at":"2020-01-01T00:00:00Z"}`, Headers: rep,
				ExpectedStatus: 422, ExpectedContent: []string{`"/expires_at"`, `"in_the_past"`}, Unchanged: tokensOf},
			{Name: "unknown key", Method: "POST", URL: "/api/auth/tokens", Body: `{"name":"x","scope":"all"}`, Headers: rep,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: tokensOf},
		})
		h.t = t

		created := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"ERP sync","expires_at":"2026-11-23T10:00:00+00:00"}`, rep...)
		secret, _ := created.JSON["token"].(string)
		tokID := created.JSON["id"].(string)
		if !strings.HasPrefix(secret, "crm_pat_") || created.JSON["user"] != repID || created.JSON["expires_at"] != "2026-11-23T10:00:00.000Z" {
			t.Fatalf("created: %s", created.Text)
		}
		// Stored hashed: the secret is nowhere in the database.
		docs, _ := h.store.Find(context.Background(), "api_tokens", store.Query{})
		if len(docs) != 1 || strings.Contains(toJSON(docs), strings.TrimPrefix(secret, "crm_pat_")) {
			t.Fatalf("stored: %v", docs)
		}

		// The token acts as the rep, with the rep's rights.
		tok := []string{"Authorization", "Bearer " + secret}
		if me := h.mustDo(200, "GET", "/api/auth/me", "", tok...); me.JSON["id"] != repID {
			t.Errorf("token acts as %v", me.JSON["id"])
		}
		h.mustDo(403, "GET", "/api/audit", "", tok...)
		h.mustDo(403, "POST", "/api/users", `{"email":"x@example.com","password":"correct-horse-x"}`, tok...)
		// A token may not mint tokens or change the password.
		h.mustDo(403, "POST", "/api/auth/tokens", `{"name":"more"}`, tok...)
		h.mustDo(403, "POST", "/api/auth/password", `{"current_password":"password-123","new_password":"another-secret-9"}`, tok...)

		// Listed without the secret, with its last use.
		list := h.mustDo(200, "GET", "/api/auth/tokens", "", rep...)
		items := list.JSON["items"].([]any)
		if len(items) != 1 || strings.Contains(list.Text, secret) || strings.Contains(list.Text, `"hash"`) || strings.Contains(list.Text, `"token"`) {
			t.Fatalf("list: %s", list.Text)
		}
		if it := items[0].(map[string]any); it["name"] != "ERP sync" || it["last_used_at"] != "2026-11-23T09:00:00.000Z" || it["created_at"] == nil {
			t.Errorf("listed: %v", it)
		}

		// Other people's tokens: admins list and revoke them; a plain user neither lists nor finds them.
		adminTok := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"admin script"}`).JSON["id"].(string)
		adminID := h.mustDo(200, "GET", "/api/auth/me", "").JSON["id"].(string)
		h.mustDo(403, "GET", "/api/auth/tokens?user="+adminID, "", rep...)
		h.mustDo(404, "DELETE", "/api/auth/tokens/"+adminTok, "", rep...)
		if l := h.mustDo(200, "GET", "/api/auth/tokens?user="+repID, ""); !strings.Contains(l.Text, tokID) || strings.Contains(l.Text, adminTok) {
			t.Errorf("admin lists rep's tokens: %s", l.Text)
		}
		if l := h.mustDo(200, "GET", "/api/auth/tokens", "", rep...); strings.Contains(l.Text, adminTok) {
			t.Errorf("rep sees the admin's token: %s", l.Text)
		}

		// Expiry: the token ends at its instant, the sessions (7 days) go on.
		clock.Advance(time.Hour - time.Millisecond)
		h.mustDo(200, "GET", "/api/auth/me", "", tok...)
		clock.Advance(time.Millisecond)
		h.mustDo(401, "GET", "/api/auth/me", "", tok...)

		// Revocation by the owner.
		second := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"no expiry"}`, rep...)
		tok2 := []string{"Authorization", "Bearer " + second.JSON["token"].(string)}
		h.mustDo(200, "GET", "/api/auth/me", "", tok2...)
		h.mustDo(204, "DELETE", "/api/auth/tokens/"+second.JSON["id"].(string), "", rep...)
		h.mustDo(401, "GET", "/api/auth/me", "", tok2...)
		h.mustDo(404, "DELETE", "/api/auth/tokens/"+second.JSON["id"].(string), "", rep...)

		// Revocation by an admin, and deactivation ends every token of the user.
		third := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"third"}`, rep...)
		h.mustDo(204, "DELETE", "/api/auth/tokens/"+third.JSON["id"].(string), "")
		h.mustDo(401, "GET", "/api/auth/me", "", "Authorization", "Bearer "+third.JSON["token"].(string))
		fourth := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"fourth"}`, rep...)
		h.mustDo(200, "PATCH", "/api/users/"+repID, `{"active":false}`)
		h.mustDo(200, "PATCH", "/api/users/"+repID, `{"active":true}`)
		h.mustDo(401, "GET", "/api/auth/me", "", "Authorization", "Bearer "+fourth.JSON["token"].(string))
		if n, _ := h.store.Count(context.Background(), "api_tokens", store.Compare{Field: "user_id", Op: store.Eq, Value: repID}); n != 0 {
			t.Errorf("%d tokens left after deactivation", n)
		}
		tokens := h.mustDo(200, "GET", "/api/audit?action=api_token_revoked", "").JSON["items"].([]any)
		if len(tokens) != 2 {
			t.Errorf("api_token_revoked entries: %v", tokens)
		}
	})
}

// tokensOf reads every stored API token, for Unchanged checks.
func tokensOf(h *harness) any {
	docs, err := h.store.Find(context.Background(), "api_tokens", store.Query{})
	if err != nil {
		h.t.Fatal(err)
	}
	return docs
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
