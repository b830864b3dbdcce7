package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/engine/store"
	"crm/internal/testenv"
)

// linksOf reads every stored password link, for Unchanged checks.
func linksOf(h *harness) any {
	docs, err := h.store.Find(context.Background(), "password_links", store.Query{})
	if err != nil {
		h.t.Fatal(err)
	}
	return docs
}

// TestPasswordLinks: an admin invites a user without a password through a one-time link shown
// once; the link sets the password once, within 72 hours of the engine's clock, for an active
// user only, and every refusal says nothing about users.
func TestPasswordLinks(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		h := newHarnessWith(t, b.Open(t), engine.Config{Clock: clock.Now}, api.Config{})
		anon := []string{"Authorization", ""}
		rep := []string{"Authorization", "Bearer " + h.userToken}

		// An invited user has no password yet and cannot sign in.
		u := h.mustDo(201, "POST", "/api/users", `{"email":"nina@example.com","name":"Nina","roles":["sales"]}`)
		id := u.JSON["id"].(string)
		if u.JSON["password_set"] != false {
			t.Fatalf("invited user: %s", u.Text)
		}
		h.mustDo(401, "POST", "/api/auth/login", loginBody("nina@example.com", ""), anon...)

		runScenarios(t, h, []scenario{
			{Name: "only admins make links", Method: "POST", URL: "/api/users/" + id + "/password-link", Headers: rep,
				ExpectedStatus: 403, Unchanged: linksOf},
			{Name: "unknown user", Method: "POST", URL: "/api/users/nobody/password-link",
				ExpectedStatus: 404, ExpectedContent: []string{`"user_not_found"`}, Unchanged: linksOf},
		})
		h.t = t

		link := h.mustDo(201, "POST", "/api/users/"+id+"/password-link", "")
		secret, _ := link.JSON["token"].(string)
		if secret == "" || link.JSON["path"] != "/set-password#"+secret || link.JSON["expires_at"] != "2026-11-26T09:00:00.000Z" {
			t.Fatalf("link: %s", link.Text)
		}
		if strings.Contains(toJSON(linksOf(h)), secret) {
			t.Fatal("the secret is stored in clear")
		}
		set := func(token, password string) string {
			return `{"token":"` + token + `","password":"` + password + `"}`
		}

		runScenarios(t, h, []scenario{
			{Name: "unknown token says nothing about users", Method: "POST", URL: "/api/auth/set-password", Body: set("forged", "a-good-passphrase-1"), Headers: anon,
				ExpectedStatus: 404, ExpectedContent: []string{`"link_invalid"`}, NotExpectedContent: []string{"nina", id}, Unchanged: linksOf},
			{Name: "weak password keeps the link", Method: "POST", URL: "/api/auth/set-password", Body: set(secret, "short1"), Headers: anon,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`, `"/password"`}, NotExpectedContent: []string{"nina"}, Unchanged: linksOf},
			{Name: "password built on the email", Method: "POST", URL: "/api/auth/set-password", Body: set(secret, "nina@example.com1"), Headers: anon,
				ExpectedStatus: 422, ExpectedContent: []string{`"weak_password"`}, Unchanged: linksOf},
			{Name: "unknown key", Method: "POST", URL: "/api/auth/set-password", Body: `{"token":"x","password":"y","user":"z"}`, Headers: anon,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}, Unchanged: linksOf},
		})
		h.t = t

		h.mustDo(204, "POST", "/api/auth/set-password", set(secret, "a-good-passphrase-1"), anon...)
		h.mustDo(200, "POST", "/api/auth/login", loginBody("nina@example.com", "a-good-passphrase-1"), anon...)
		if g := h.mustDo(200, "GET", "/api/users/"+id, ""); g.JSON["password_set"] != true {
			t.Errorf("after the link: %s", g.Text)
		}
		// Single use.
		r := h.do("POST", "/api/auth/set-password", set(secret, "another-passphrase-2"), anon...)
		if r.Status != 410 || !strings.Contains(r.Text, `"link_used"`) {
			t.Errorf("second use: %d %s", r.Status, r.Text)
		}
		h.mustDo(200, "POST", "/api/auth/login", loginBody("nina@example.com", "a-good-passphrase-1"), anon...)

		// A reset link ends the sessions of whoever knew the old password; it expires after 72 h.
		session := h.mustDo(200, "POST", "/api/auth/login", loginBody("nina@example.com", "a-good-passphrase-1"), anon...).JSON["token"].(string)
		reset := h.mustDo(201, "POST", "/api/users/"+id+"/password-link", "").JSON["token"].(string)
		clock.Advance(PasswordLinkAlmost)
		h.mustDo(204, "POST", "/api/auth/set-password", set(reset, "reset-passphrase-3"), anon...)
		h.mustDo(401, "GET", "/api/auth/me", "", "Authorization", "Bearer "+session)
		expiring := h.mustDo(201, "POST", "/api/users/"+id+"/password-link", "").JSON["token"].(string)
		clock.Advance(72 * time.Hour)
		r = h.do("POST", "/api/auth/set-password", set(expiring, "late-passphrase-4"), anon...)
		if r.Status != 410 || !strings.Contains(r.Text, `"link_expired"`) {
			t.Errorf("expired: %d %s", r.Status, r.Text)
		}

		// A newer link replaces the older; a deactivated user's link does not work, and no new
		// one is made for them.
		older := h.mustDo(201, "POST", "/api/users/"+id+"/password-link", "").JSON["token"].(string)
		newer := h.mustDo(201, "POST", "/api/users/"+id+"/password-link", "").JSON["token"].(string)
		if r := h.do("POST", "/api/auth/set-password", set(older, "older-passphrase-5"), anon...); r.Status != 404 || !strings.Contains(r.Text, `"link_invalid"`) {
			t.Errorf("older link: %d %s", r.Status, r.Text)
		}
		h.mustDo(200, "PATCH", "/api/users/"+id, `{"active":false}`)
		r = h.do("POST", "/api/auth/set-password", set(newer, "inactive-passphrase-6"), anon...)
		if r.Status != 404 || !strings.Contains(r.Text, `"link_invalid"`) || strings.Contains(r.Text, "deactivated") {
			t.Errorf("deactivated user: %d %s", r.Status, r.Text)
		}
		h.mustDo(409, "POST", "/api/users/"+id+"/password-link", "")
		h.mustDo(200, "PATCH", "/api/users/"+id, `{"active":true}`)
		h.mustDo(200, "POST", "/api/auth/login", loginBody("nina@example.com", "reset-passphrase-3"), anon...)
	})
}

// PasswordLinkAlmost is a little less than a link's life.
const PasswordLinkAlmost = engine.PasswordLinkTTL - time.Minute
