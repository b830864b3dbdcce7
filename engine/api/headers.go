package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// hstsMaxAge is a year, the common value for a site served only over TLS.
const hstsMaxAge = 365 * 24 * 60 * 60

// securityHeaders puts the same protective headers on every answer, the API's JSON and errors
// included: no MIME sniffing, no framing, no referrer leaving the site, the UI's CSP. Helmet
// sends HSTS only when it sees https itself; behind a TLS-terminating proxy it sees http, so
// SecureCookie (the operator saying "this is served over TLS") decides instead.
func securityHeaders(secure bool) fiber.Handler {
	h := helmet.New(helmet.Config{
		ContentSecurityPolicy: uiCSP,
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "no-referrer",
	})
	return func(c *fiber.Ctx) error {
		if secure {
			c.Set(fiber.HeaderStrictTransportSecurity, "max-age="+strconv.Itoa(hstsMaxAge)+"; includeSubDomains")
		}
		return h(c)
	}
}

// proxyHeader is the header naming the client when proxies are trusted.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
