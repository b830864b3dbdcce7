//go:build !e2eclock

package api_test

import (
	"testing"

	"crm/internal/testenv"
)

// TestClockSwitchAbsent: a normal build has no way to move the engine's clock, not even for an
// admin.
func TestClockSwitchAbsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	r := h.do("POST", "/api/test/clock", `{"advance":"3h"}`)
	if r.Status != 404 {
		t.Fatalf("POST /api/test/clock in a normal build: %d %s", r.Status, r.Text)
	}
}
