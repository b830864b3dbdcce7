//go:build !e2eclock

package api

import (
	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// mountTestRoutes adds nothing to a normal build: the clock switch for browser tests exists
// only in binaries built with -tags e2eclock (see testclock_on.go).
func mountTestRoutes(fiber.Router, *engine.Engine) {}
