package api_test

import (
	"strings"
	"testing"
)

// The language a user picks in the app is their profile's: GET /api/auth/me and the directory
// say it, so the app follows it on every device and notifications are written in it.
func TestOwnLocale(t *testing.T) {
	eachBackend(t, func(t *testing.T, h *harness) {
		user := []string{"Authorization", "Bearer " + h.userToken}
		me := h.mustDo(200, "GET", "/api/auth/me", "", user...)
		id := me.JSON["id"].(string)

		r := h.mustDo(200, "PATCH", "/api/auth/me", `{"locale":"zh-CN"}`, user...)
		if r.JSON["locale"] != "zh-CN" {
			t.Errorf("answer: %s", r.Text)
		}
		if r := h.mustDo(200, "GET", "/api/auth/me", "", user...); r.JSON["locale"] != "zh-CN" {
			t.Errorf("me after the change: %s", r.Text)
		}
		if r := h.mustDo(200, "GET", "/api/users/"+id, ""); r.JSON["locale"] != "zh-CN" {
			t.Errorf("the profile after the change: %s", r.Text)
		}

		runScenarios(t, h, []scenario{
			{Name: "not a locale", Method: "PATCH", URL: "/api/auth/me", Body: `{"locale":"klingon!"}`, Headers: user,
				ExpectedStatus: 422, ExpectedContent: []string{`"invalid_user"`, `"/locale"`}, Unchanged: meLocale(user)},
			{Name: "nothing else of one's profile", Method: "PATCH", URL: "/api/auth/me", Body: `{"roles":["admin"]}`, Headers: user,
				ExpectedStatus: 400, Unchanged: meLocale(user)},
			{Name: "signed in only", Method: "PATCH", URL: "/api/auth/me", Body: `{"locale":"en"}`, Headers: []string{"Authorization", ""},
				ExpectedStatus: 401},
		})
		if !strings.Contains(h.mustDo(200, "PATCH", "/api/auth/me", `{"locale":""}`, user...).Text, `"id"`) {
			t.Error("clearing the locale")
		}
		if r := h.mustDo(200, "GET", "/api/auth/me", "", user...); r.JSON["locale"] != nil {
			t.Errorf("me after clearing: %s", r.Text)
		}
	})
}

func meLocale(user []string) func(h *harness) any {
	return func(h *harness) any {
		r := h.do("GET", "/api/auth/me", "", user...)
		return []any{r.JSON["locale"], r.JSON["roles"]}
	}
}
