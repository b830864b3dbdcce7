package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

// Cookie-authenticated requests that change something must prove they come from the app: the
// browser sends the session cookie with a forged cross-site form too, but only a page of our own
// origin can read the crm_csrf cookie and echo it in X-CSRF-Token. The value is derived from the
// session token, so it needs no storage, holds across engine processes, and a cookie planted by a
// neighbouring site cannot be made to match a session it does not know. Bearer requests are
// exempt: no browser adds that header on its own.
const (
	csrfCookie = "crm_csrf"
	csrfHeader = "X-CSRF-Token"
)

var errCSRF = &engine.Error{Kind: engine.KindForbidden, Code: "csrf_failed",
	Message: "this request must carry the X-CSRF-Token header from the crm_csrf cookie (or use Authorization: Bearer)"}

// csrfFor is the CSRF token that goes with a session token.
func csrfFor(session string) string {
	sum := sha256.Sum256([]byte("crm-csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkCSRF passes safe methods and refuses an unsafe one without the matching header, or one
// the browser marks as sent from another site.
func checkCSRF(c *fiber.Ctx, session string) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return nil
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return errCSRF
	}
	got, want := c.Get(csrfHeader), csrfFor(session)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

// setSessionCookies sets the HttpOnly session cookie and the readable CSRF cookie beside it.
func setSessionCookies(c *fiber.Ctx, token string, secure bool) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteStrictMode})
	setCSRFCookie(c, token, secure)
}

func setCSRFCookie(c *fiber.Ctx, token string, secure bool) {
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: csrfFor(token), Path: "/", Secure: secure, SameSite: fiber.CookieSameSiteStrictMode})
}

func clearSessionCookies(c *fiber.Ctx) {
	c.ClearCookie(sessionCookie, csrfCookie)
}
