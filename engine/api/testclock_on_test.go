//go:build e2eclock

package api_test

import (
	"context"
	"strings"
	"testing"

	"crm/engine"
	"crm/engine/api"
	"crm/internal/testenv"
	"crm/templates"
)

// TestClockSwitch (go test -tags e2eclock): an admin moves the running engine's clock and the
// SLA timers that fell due fire before the answer; others may not, and bad input moves nothing.
func TestClockSwitch(t *testing.T) {
	h := newHarnessWith(t, testenv.Backends()[0].Open(t), engine.Config{Clock: api.TestClock.Now}, api.Config{})
	body, err := templates.Load("default")
	if err != nil {
		t.Fatal(err)
	}
	h.mustDo(200, "POST", "/api/meta/import", string(body))
	demo, _ := templates.Demo("default")
	if _, err := h.engine.ApplyDemo(context.Background(), demo); err != nil {
		t.Fatal(err)
	}
	sun := h.as("sun")
	tk := h.mustDo(201, "POST", "/api/records/ticket", `{"subject":"Broken","priority":"vip","category":"returns","status":"new"}`, sun...)
	tid := tk.JSON["id"].(string)
	before := api.TestClock.Offset()
	runScenarios(t, h, []scenario{
		{Name: "not for users", Method: "POST", URL: "/api/test/clock", Body: `{"advance":"3h"}`, Headers: sun, ExpectedStatus: 403},
		{Name: "backwards", Method: "POST", URL: "/api/test/clock", Body: `{"advance":"-3h"}`, ExpectedStatus: 400, ExpectedContent: []string{`"invalid_advance"`}},
		{Name: "not a duration", Method: "POST", URL: "/api/test/clock", Body: `{"advance":"soon"}`, ExpectedStatus: 400},
	})
	h.t = t
	if api.TestClock.Offset() != before {
		t.Fatal("a refused request moved the clock")
	}
	r := h.mustDo(200, "POST", "/api/test/clock", `{"advance":"200h"}`)
	if n, _ := r.JSON["jobs_run"].(float64); n < 1 || !strings.Contains(r.Text, `"offset":"`) {
		t.Fatalf("advance: %s", r.Text)
	}
	// the sessions have expired meanwhile (7 days): sign in again
	h.adminToken = h.ensureUser("admin@example.com", []string{engine.RoleAdmin})
	s := h.mustDo(200, "GET", "/api/records/ticket/"+tid+"/sla", "", h.as("sun")...)
	if !strings.Contains(s.Text, `"status":"breached"`) {
		t.Fatalf("after 200h the VIP ticket has not breached: %s", s.Text)
	}
}
