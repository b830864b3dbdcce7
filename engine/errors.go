package engine

import (
	"errors"
	"fmt"
	"time"

	"crm/forms"
	"crm/rules"
)

// Kind classifies an engine error; the API maps each kind to one HTTP status.
type Kind int

const (
	KindInvalid      Kind = iota + 1 // 400: malformed request
	KindUnauthorized                 // 401
	KindForbidden                    // 403
	KindNotFound                     // 404
	KindConflict                     // 409: version, unique, exists, breaking change
	KindTooLarge                     // 413
	KindValidation                   // 422: the content is wrong
	KindUnavailable                  // 503: the database does not answer or a query ran too long
	KindTooMany                      // 429: too many attempts; RetryAfter says when to come back
	KindGone                         // 410: the record was merged into another (Details name it)
)

// Error is the one error type the engine returns to its callers: a stable code, a human message,
// and where it applies, the fields or definition problems concerned.
type Error struct {
	Kind    Kind   `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Detail is, when Message is the catalog's text in the reader's language (see Localized), the
	// English message that names the particulars.
	Detail   string             `json:"detail,omitempty"`
	Fields   []forms.FieldError `json:"fields,omitempty"`
	Problems []forms.Problem    `json:"problems,omitempty"`
	Details  any                `json:"details,omitempty"`
	// RetryAfter is, for KindTooMany, how long the caller must wait (the Retry-After header).
	RetryAfter time.Duration `json:"-"`
	// lang is set when Message is already written in the request's language.
	lang string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// AsError finds the engine error in err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Common errors.
var (
	ErrUnauthorized = &Error{Kind: KindUnauthorized, Code: "unauthorized", Message: "sign in first"}
	ErrForbidden    = &Error{Kind: KindForbidden, Code: "forbidden", Message: "you may not do this"}
)

// expressionBudget refuses a write (or its evaluation) whose expressions ran out of their budget:
// the definition is at fault, not the input, so the other errors would only distract.
func expressionBudget(fields []forms.FieldError, locale string) *Error {
	return &Error{Kind: KindValidation, Code: rules.CodeBudget, Message: errorText(rules.CodeBudget, locale), Fields: fields}
}

func validationFailed(fields []forms.FieldError, locale string) *Error {
	return &Error{Kind: KindValidation, Code: "validation_failed", Message: errorText("validation_failed", locale), Fields: fields}
}
