package api_test

import (
	"context"
	"slices"
	"testing"

	"crm/engine"
)

// TestDefaultPasswordFlag: an admin created with the default password is told so by
// /api/auth/me (and listed for the start-up warning) until the password changes, by the admin
// or by another admin's reset; a user with another password and a non-admin are never flagged.
func TestDefaultPasswordFlag(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		flagged := func() []string {
			t.Helper()
			emails, err := h.engine.DefaultPasswordUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return emails
		}
		mark := func(email, password string, roles []string) (id, token string) {
			t.Helper()
			u, err := h.engine.CreateUser(ctx, engine.SystemActor, email, email, password, roles)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.engine.MarkDefaultPassword(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			tok, _, err := h.engine.Login(ctx, email, password)
			if err != nil {
				t.Fatal(err)
			}
			return u.ID, tok
		}
		_, boss := mark("boss@example.com", engine.DefaultAdminPassword, []string{engine.RoleAdmin})
		_, other := mark("other@example.com", "a-good-long-secret-9", []string{engine.RoleAdmin})
		chiefID, chief := mark("chief@example.com", engine.DefaultAdminPassword, []string{engine.RoleAdmin})

		if got := flagged(); !slices.Equal(got, []string{"boss@example.com", "chief@example.com"}) && !slices.Equal(got, []string{"chief@example.com", "boss@example.com"}) {
			t.Fatalf("flagged users: %v", got)
		}
		if r := h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "Bearer "+boss); r.JSON["default_password"] != true {
			t.Errorf("me of an admin with the default password: %s", r.Text)
		}
		for _, tok := range []string{other, h.userToken, h.adminToken} {
			if r := h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "Bearer "+tok); r.JSON["default_password"] != nil {
				t.Errorf("me of a user without the default password: %s", r.Text)
			}
		}

		// Changing one's own password clears the flag.
		h.mustDo(204, "POST", "/api/auth/password",
			`{"current_password":"`+engine.DefaultAdminPassword+`","new_password":"correct horse battery"}`, "Authorization", "Bearer "+boss)
		if r := h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "Bearer "+boss); r.JSON["default_password"] != nil {
			t.Errorf("me after the change: %s", r.Text)
		}
		if got := flagged(); !slices.Equal(got, []string{"chief@example.com"}) {
			t.Errorf("flagged after one change: %v", got)
		}

		// So does an admin's reset of someone else's password.
		h.mustDo(200, "PATCH", "/api/users/"+chiefID, `{"password":"another good secret 4"}`)
		if got := flagged(); len(got) != 0 {
			t.Errorf("flagged after the reset: %v", got)
		}
		if r := h.do("GET", "/api/auth/me", "", "Authorization", "Bearer "+chief); r.JSON["default_password"] != nil {
			t.Errorf("me after the reset: %s", r.Text)
		}
	})
}
