package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		h.mustDo(200, "GET", "/api/health", "", "Authorization", "")
		runScenarios(t, h, []scenario{
			{Name: "wrong password", Method: "POST", URL: "/api/auth/login", Body: `{"email":"admin@example.com","password":"nope-nope-nope"}`,
				ExpectedStatus: 401, ExpectedContent: []string{`"invalid_credentials"`}, NotExpectedContent: []string{`"token"`}},
			{Name: "unknown user", Method: "POST", URL: "/api/auth/login", Body: `{"email":"ghost@example.com","password":"password-123"}`,
				ExpectedStatus: 401, ExpectedContent: []string{`"invalid_credentials"`}},
			{Name: "malformed login", Method: "POST", URL: "/api/auth/login", Body: `{"email":`,
				ExpectedStatus: 400, ExpectedContent: []string{`"malformed_json"`}},
			{Name: "every other route needs a user", Method: "GET", URL: "/api/meta/objects", Headers: []string{"Authorization", ""},
				ExpectedStatus: 401, ExpectedContent: []string{`"unauthorized"`}},
			{Name: "unknown route", Method: "GET", URL: "/api/nothing-here", ExpectedStatus: 404, ExpectedContent: []string{`"not_found"`}},
		})
		r := h.mustDo(200, "POST", "/api/auth/login", `{"email":"ADMIN@example.com","password":"password-123"}`, "Authorization", "")
		token := r.JSON["token"].(string)
		cookie := r.Header.Get("Set-Cookie")
		if !strings.Contains(cookie, "crm_session="+token) || !strings.Contains(strings.ToLower(cookie), "httponly") {
			t.Errorf("cookie: %s", cookie)
		}
		// The cookie alone authenticates; logout revokes the token for cookie and bearer alike.
		h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "", "Cookie", "crm_session="+token)
		h.mustDo(204, "POST", "/api/auth/logout", "", "Authorization", "Bearer "+token)
		h.mustDo(401, "GET", "/api/auth/me", "", "Authorization", "Bearer "+token)
		h.mustDo(401, "GET", "/api/auth/me", "", "Authorization", "", "Cookie", "crm_session="+token)
	})
}

// TestPanicIsContained: a panic in a handler answers 500 with the request id and nothing of
// the panic's text, and the server keeps serving.
func TestPanicIsContained(t *testing.T) {
	t.Parallel()
	st := testenv.OpenSQLite(t)
	e, err := engine.New(context.Background(), engine.Config{Store: st, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	app := api.New(api.Config{Engine: e, Logger: quiet})
	app.Get("/boom", func(c *fiber.Ctx) error { panic("secret internal detail") })
	h := &harness{t: t, store: st, engine: e}
	h.serve(app)
	r := h.do("GET", "/boom", "")
	if r.Status != 500 || !strings.Contains(r.Text, `"internal_error"`) || strings.Contains(r.Text, "secret") {
		t.Errorf("panic answered %d %s", r.Status, r.Text)
	}
	if rid := r.Header.Get("X-Request-Id"); rid == "" || !strings.Contains(r.Text, rid) {
		t.Errorf("request id %q not named in %s", rid, r.Text)
	}
	h.mustDo(200, "GET", "/api/health", "")
}
