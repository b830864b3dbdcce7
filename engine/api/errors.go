package api

import (
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"crm/engine"
)

var statusOf = map[engine.Kind]int{
	engine.KindInvalid:      fiber.StatusBadRequest,
	engine.KindUnauthorized: fiber.StatusUnauthorized,
	engine.KindForbidden:    fiber.StatusForbidden,
	engine.KindNotFound:     fiber.StatusNotFound,
	engine.KindConflict:     fiber.StatusConflict,
	engine.KindTooLarge:     fiber.StatusRequestEntityTooLarge,
	engine.KindValidation:   fiber.StatusUnprocessableEntity,
	engine.KindUnavailable:  fiber.StatusServiceUnavailable,
	engine.KindTooMany:      fiber.StatusTooManyRequests,
	engine.KindGone:         fiber.StatusGone,
}

var codeOfStatus = map[int]string{
	fiber.StatusBadRequest:                  "bad_request",
	fiber.StatusNotFound:                    "not_found",
	fiber.StatusMethodNotAllowed:            "method_not_allowed",
	fiber.StatusRequestEntityTooLarge:       "too_large",
	fiber.StatusRequestTimeout:              "timeout",
	fiber.StatusRequestHeaderFieldsTooLarge: "too_large",
}

// errorHandler is the one place errors become responses: {"error": {code, message, ...}}.
// Anything not an engine or HTTP error is a 500 whose message names only the request id. The
// message speaks the caller's language (Accept-Language) where the catalog does, the English
// particulars then in detail; see engine.Error.Localized.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var ee *engine.Error
		var fe *fiber.Error
		switch {
		case errors.As(err, &ee):
			status := statusOf[ee.Kind]
			if status == 0 {
				status = fiber.StatusInternalServerError
			}
			if ee.RetryAfter > 0 {
				c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(int64((ee.RetryAfter+time.Second-1)/time.Second), 10))
			}
			return c.Status(status).JSON(fiber.Map{"error": ee.Localized(locale(c))})
		case errors.As(err, &fe):
			he := &engine.Error{Code: "http_error", Message: fe.Message}
			if code := codeOfStatus[fe.Code]; code != "" {
				he.Code = code
			}
			if fe.Code == fiber.StatusRequestEntityTooLarge {
				he.Message = "the request body is larger than the server accepts"
			}
			return c.Status(fe.Code).JSON(fiber.Map{"error": he.Localized(locale(c))})
		}
		rid := c.GetRespHeader(fiber.HeaderXRequestID)
		log.Error("internal error", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
		ie := &engine.Error{Code: "internal_error", Message: "something went wrong on our side (request " + rid + ")"}
		return c.Status(fiber.StatusInternalServerError).JSON(fiber.Map{"error": ie.Localized(locale(c))})
	}
}
