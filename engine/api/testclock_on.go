//go:build e2eclock

package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
	"crm/internal/testclock"
)

// TestClock is the engine's clock in a build for browser tests (go build -tags e2eclock):
// cmd/crm gives it to the engine, and POST /api/test/clock moves it. Builds without the tag
// have neither.
var TestClock = &testclock.Clock{}

// maxAdvance bounds one move, so a typo does not throw the clock years ahead.
const maxAdvance = 400 * 24 * time.Hour

func mountTestRoutes(r fiber.Router, e *engine.Engine) {
	r.Post("/test/clock", advanceTestClock(e))
}

// advanceTestClock moves the clock forward by {"advance": "3h"} (admins only), then runs the
// scheduler until no due job is left, so timers that fell due fire before the answer.
func advanceTestClock(e *engine.Engine) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !actor(c).IsAdmin() {
			return engine.ErrForbidden
		}
		var in struct {
			Advance string `json:"advance"`
		}
		if err := decodeStrict(c, &in); err != nil {
			return err
		}
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d <= 0 || d > maxAdvance {
			return &engine.Error{Kind: engine.KindInvalid, Code: "invalid_advance", Message: "advance is a positive duration such as \"3h\", at most 400 days"}
		}
		TestClock.Advance(d)
		ran, err := tickUntilIdle(c.UserContext(), e)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"now": TestClock.Now().UTC().Format(time.RFC3339), "offset": TestClock.Offset().String(), "jobs_run": ran})
	}
}

// tickUntilIdle ticks while jobs keep running (a fired timer may schedule one that is due too),
// a bounded number of times.
func tickUntilIdle(ctx context.Context, e *engine.Engine) (int, error) {
	total := 0
	for range 50 {
		n, err := e.Tick(ctx)
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			break
		}
	}
	return total, nil
}
