package api_test

import (
	"context"
	"strings"
	"testing"

	"crm/engine/store"
)

// sessionsOf counts a user's stored sessions.
func (h *harness) sessionsOf(userID string) int64 {
	h.t.Helper()
	n, err := h.store.Count(context.Background(), "tokens", store.Compare{Field: "user_id", Op: store.Eq, Value: userID})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestLogoutEverywhere: logout-all ends every session of the caller, not API tokens nor anyone
// else's; an admin ends another user's sessions; deactivation drops them from the database.
func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
		repID := h.mustDo(200, "GET", "/api/auth/me", "", bearer(h.userToken)...).JSON["id"].(string)
		laptop := h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "").JSON["token"].(string)
		phone := h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "").JSON["token"].(string)
		pat := h.mustDo(201, "POST", "/api/auth/tokens", `{"name":"sync"}`, bearer(laptop)...).JSON["token"].(string)
		for _, tok := range []string{h.userToken, laptop, phone, pat} {
			h.mustDo(200, "GET", "/api/auth/me", "", bearer(tok)...)
		}

		r := h.mustDo(200, "POST", "/api/auth/logout-all", "", bearer(phone)...)
		if r.JSON["revoked"] != float64(3) {
			t.Errorf("revoked %v, want 3", r.JSON["revoked"])
		}
		for _, tok := range []string{h.userToken, laptop, phone} {
			h.mustDo(401, "GET", "/api/auth/me", "", bearer(tok)...)
		}
		h.mustDo(200, "GET", "/api/auth/me", "", bearer(pat)...)          // API tokens are revoked one by one
		h.mustDo(200, "GET", "/api/auth/me", "", bearer(h.adminToken)...) // nobody else is signed out
		if n := h.sessionsOf(repID); n != 0 {
			t.Errorf("%d sessions left", n)
		}

		// An admin signs someone else out everywhere; others may not.
		a := h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "").JSON["token"].(string)
		b := h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "").JSON["token"].(string)
		adminID := h.mustDo(200, "GET", "/api/auth/me", "").JSON["id"].(string)
		h.mustDo(403, "POST", "/api/users/"+adminID+"/revoke-sessions", "", bearer(a)...)
		h.mustDo(404, "POST", "/api/users/nobody/revoke-sessions", "")
		if r := h.mustDo(200, "POST", "/api/users/"+repID+"/revoke-sessions", ""); r.JSON["revoked"] != float64(2) {
			t.Errorf("admin revoked %v, want 2", r.JSON["revoked"])
		}
		h.mustDo(401, "GET", "/api/auth/me", "", bearer(a)...)
		h.mustDo(401, "GET", "/api/auth/me", "", bearer(b)...)
		audit := h.mustDo(200, "GET", "/api/audit?action=sessions_revoked", "").JSON["items"].([]any)
		if len(audit) != 2 || audit[0].(map[string]any)["actor"] != adminID || audit[0].(map[string]any)["record"] != repID {
			t.Errorf("sessions_revoked entries: %v", audit)
		}

		// Deactivation drops the sessions themselves, not only their use.
		h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "")
		if h.sessionsOf(repID) != 1 {
			t.Fatal("no session to drop")
		}
		h.mustDo(200, "PATCH", "/api/users/"+repID, `{"active":false}`)
		if n := h.sessionsOf(repID); n != 0 {
			t.Errorf("%d sessions kept by a deactivated user", n)
		}
	})
}

// TestChangePassword: the current password is checked, the new one meets the policy, and the
// other sessions end while this one goes on.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		other := h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "").JSON["token"].(string)
		rep := []string{"Authorization", "Bearer " + h.userToken}
		hashOf := func(h *harness) any {
			docs, _ := h.store.Find(context.Background(), "users", store.Query{Filter: store.Compare{Field: "email", Op: store.Eq, Value: "rep@example.com"}})
			return docs[0]["password_hash"]
		}
		runScenarios(t, h, []scenario{
			{Name: "wrong current password", Method: "POST", URL: "/api/auth/password", Headers: rep,
				Body:           `{"current_password":"guess-guess-1","new_password":"a-much-better-one-7"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"wrong_password"`, `"/current_password"`}, Unchanged: hashOf},
			{Name: "too short", Method: "POST", URL: "/api/auth/password", Headers: rep,
				Body:           `{"current_password":"password-123","new_password":"short-1"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`, `"/new_password"`, "at least 10 characters"}, Unchanged: hashOf},
			{Name: "a common password", Method: "POST", URL: "/api/auth/password", Headers: rep,
				Body:           `{"current_password":"password-123","new_password":"Password123"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`, "attackers try"}, Unchanged: hashOf},
			{Name: "built on the email", Method: "POST", URL: "/api/auth/password", Headers: rep,
				Body:           `{"current_password":"password-123","new_password":"rep@example.com1"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`, "email"}, Unchanged: hashOf},
			{Name: "letters only and short of a passphrase", Method: "POST", URL: "/api/auth/password", Headers: rep,
				Body:           `{"current_password":"password-123","new_password":"abcdxyzefgh"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`, "two of letters"}, Unchanged: hashOf},
			{Name: "the same again", Method: "POST", URL: "/api/auth/password", Headers: rep,
				Body:           `{"current_password":"password-123","new_password":"password-123"}`,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`}, Unchanged: hashOf},
		})
		h.t = t
		h.mustDo(204, "POST", "/api/auth/password", `{"current_password":"password-123","new_password":"correct horse battery"}`, rep...)
		h.mustDo(200, "GET", "/api/auth/me", "", rep...)
		h.mustDo(401, "GET", "/api/auth/me", "", "Authorization", "Bearer "+other)
		h.mustDo(401, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), "Authorization", "")
		h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "correct horse battery"), "Authorization", "")
		if a := h.mustDo(200, "GET", "/api/audit?action=password_changed", "").JSON["items"].([]any); len(a) != 1 {
			t.Errorf("password_changed entries: %v", a)
		}

		// The admin's user form applies the same policy, with the pointer.
		r := h.mustDo(422, "POST", "/api/users", `{"email":"dave@example.com","password":"dave12345678"}`)
		if !strings.Contains(r.Text, `"weak_password"`) || !strings.Contains(r.Text, `"/password"`) {
			t.Errorf("admin sets a weak password: %s", r.Text)
		}
	})
}
