package api_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
)

// testClock is a clock the test moves by hand.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *testClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func loginBody(email, password string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
}

// TestLoginAudit: every sign-in, good or bad, is in the audit trail with the email tried, the
// user when known, the reason, the request id and the client's address; only admins read it.
func TestLoginAudit(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *harness) {
		anon := []string{"Authorization", ""}
		bad := h.mustDo(401, "POST", "/api/auth/login", loginBody("rep@example.com", "not-the-password"), anon...)
		h.mustDo(401, "POST", "/api/auth/login", loginBody("ghost@example.com", "password-123"), anon...)
		good := h.mustDo(200, "POST", "/api/auth/login", loginBody("REP@example.com", "password-123"), anon...)
		repID := good.JSON["user"].(map[string]any)["id"].(string)

		failed := h.mustDo(200, "GET", "/api/audit?action=login_failed", "").JSON["items"].([]any)
		if len(failed) != 2 {
			t.Fatalf("login_failed entries: %v", failed)
		}
		ghost, wrong := failed[0].(map[string]any), failed[1].(map[string]any) // newest first
		want := map[string]any{"email": "rep@example.com", "actor": repID, "reason": "wrong_password", "ip": "127.0.0.1",
			"request_id": bad.Header.Get("X-Request-Id")}
		for k, v := range want {
			if wrong[k] != v {
				t.Errorf("wrong password entry %s = %v, want %v (%v)", k, wrong[k], v, wrong)
			}
		}
		if ghost["email"] != "ghost@example.com" || ghost["reason"] != "unknown_email" || ghost["actor"] != nil {
			t.Errorf("unknown email entry: %v", ghost)
		}
		ok := h.mustDo(200, "GET", "/api/audit?action=login_succeeded&limit=1", "").JSON["items"].([]any)[0].(map[string]any)
		if ok["actor"] != repID || ok["email"] != "rep@example.com" || ok["request_id"] != good.Header.Get("X-Request-Id") || ok["ip"] != "127.0.0.1" {
			t.Errorf("login_succeeded entry: %v", ok)
		}
		h.mustDo(403, "GET", "/api/audit?action=login_failed", "", "Authorization", "Bearer "+h.userToken)
	})
}

// TestLoginLockout: the fifth failure for an email locks it for 15 minutes, the right password
// included, in every engine process on the database; the clock moving on unlocks it.
func TestLoginLockout(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		clock := newTestClock()
		stores := b.OpenShared(t, 2)
		h := newHarnessWith(t, stores[0], engine.Config{Clock: clock.Now}, api.Config{})
		other := newHarnessWith(t, stores[1], engine.Config{Clock: clock.Now}, api.Config{}) // a second engine process
		anon := []string{"Authorization", ""}
		login := func(h *harness, password string) response {
			return h.do("POST", "/api/auth/login", loginBody("rep@example.com", password), anon...)
		}

		// Failures that fall out of the window do not add up.
		for i := 0; i < 4; i++ {
			h.mustDo(401, "POST", "/api/auth/login", loginBody("rep@example.com", "wrong-password-1"), anon...)
		}
		clock.Advance(15 * time.Minute)
		for i := 0; i < 4; i++ {
			if r := login(h, "wrong-password-2"); r.Status != 401 {
				t.Fatalf("failure %d in a new window: %d %s", i+1, r.Status, r.Text)
			}
			clock.Advance(time.Second)
		}
		// The fifth within 15 minutes, on the other process, locks the email.
		if r := login(other, "wrong-password-3"); r.Status != 401 {
			t.Fatalf("fifth failure: %d %s", r.Status, r.Text)
		}
		for _, hh := range []*harness{h, other} {
			r := login(hh, "password-123")
			if r.Status != 429 || !strings.Contains(r.Text, `"too_many_attempts"`) || strings.Contains(r.Text, `"token"`) {
				t.Fatalf("right password while locked: %d %s", r.Status, r.Text)
			}
			if ra := r.Header.Get("Retry-After"); ra != "900" {
				t.Errorf("Retry-After %q, want 900", ra)
			}
		}
		// Another email is not locked; sessions opened before keep working.
		h.mustDo(200, "POST", "/api/auth/login", loginBody("admin@example.com", "password-123"), anon...)
		h.mustDo(200, "GET", "/api/auth/me", "", "Authorization", "Bearer "+h.userToken)

		clock.Advance(14 * time.Minute)
		if r := login(other, "password-123"); r.Status != 429 || r.Header.Get("Retry-After") != "60" {
			t.Fatalf("a minute before the end: %d %s %s", r.Status, r.Header.Get("Retry-After"), r.Text)
		}
		clock.Advance(time.Minute)
		if r := login(other, "password-123"); r.Status != 200 {
			t.Fatalf("after the lockout: %d %s", r.Status, r.Text)
		}
		locked := h.mustDo(200, "GET", "/api/audit?action=login_failed", "").JSON["items"].([]any)
		if reason := locked[0].(map[string]any)["reason"]; reason != "locked" {
			t.Errorf("newest login_failed reason %v, want locked", reason)
		}
		// A success clears the count: four more failures do not lock.
		for i := 0; i < 4; i++ {
			login(h, "wrong-password-4")
		}
		h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), anon...)
	})
}

// TestLoginAddressLimit: one client address trying many emails is locked as a whole.
func TestLoginAddressLimit(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	h := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{Clock: clock.Now, LoginLimits: engine.LoginLimits{MaxIPFailures: 3}}, api.Config{})
	anon := []string{"Authorization", ""}
	for i := 0; i < 3; i++ {
		h.mustDo(401, "POST", "/api/auth/login", loginBody(fmt.Sprintf("guess%d@example.com", i), "password-123"), anon...)
	}
	r := h.mustDo(429, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), anon...)
	if !strings.Contains(r.Text, `"too_many_attempts"`) {
		t.Errorf("address locked: %s", r.Text)
	}
	e := h.mustDo(200, "GET", "/api/audit?action=login_failed&limit=1", "").JSON["items"].([]any)[0].(map[string]any)
	if e["reason"] != "address_locked" || e["email"] != "rep@example.com" {
		t.Errorf("audit: %v", e)
	}
	clock.Advance(15 * time.Minute)
	h.mustDo(200, "POST", "/api/auth/login", loginBody("rep@example.com", "password-123"), anon...)
}

// TestClientAddressBehindProxy: X-Forwarded-For names the client only when the connection comes
// from a trusted proxy; otherwise anyone could pick the address their failures count against.
func TestClientAddressBehindProxy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		trusted []string
		want    string
	}{{nil, "127.0.0.1"}, {[]string{"127.0.0.0/8"}, "203.0.113.9"}} {
		h := newHarnessWith(t, testenv.OpenSQLite(t), engine.Config{}, api.Config{TrustedProxies: c.trusted})
		h.mustDo(401, "POST", "/api/auth/login", loginBody("rep@example.com", "wrong-password-1"), "Authorization", "", "X-Forwarded-For", "203.0.113.9")
		e := h.mustDo(200, "GET", "/api/audit?action=login_failed", "").JSON["items"].([]any)[0].(map[string]any)
		if e["ip"] != c.want {
			t.Errorf("trusting %v: ip %v, want %s", c.trusted, e["ip"], c.want)
		}
	}
}
