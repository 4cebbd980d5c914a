// Package custos is the domain core: the types, rules and service interfaces
// of the due-diligence workflow. It imports no web framework, database driver,
// authorization engine or PDF library; adapters implement its interfaces.
package custos

import (
	"errors"
	"fmt"
)

// Error codes, one per way a request can fail. The HTTP adapter maps each to
// exactly one status.
const (
	ENOTFOUND        = "not_found"
	EINVALID         = "invalid"
	ECONFLICT        = "conflict"
	EFORBIDDEN       = "forbidden"
	EUNAUTHENTICATED = "unauthenticated"
	ETHROTTLED       = "throttled"
	// EBUSY: the server has no capacity for this now (every password-hashing
	// slot is taken); the client may retry after RetryAfterSeconds.
	EBUSY = "busy"
	// EPRECONDITION: the client's If-Match names a version that is no longer current.
	EPRECONDITION = "precondition_failed"
	// EUNAVAILABLE: a dependency (the database) does not answer in time; retry later.
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// FieldError names one invalid input and why it is invalid.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the one error type the domain returns to callers. Message is safe
// to show to the user; internal errors carry their cause only in Err, which is
// logged and never shown.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfterSeconds is set with ETHROTTLED and EBUSY.
	RetryAfterSeconds int
	// Blockers lists why a submission is refused.
	Blockers []Blocker
	Err      error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("custos %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("custos %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure; its cause is logged, not shown.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "internal error", Err: err}
}

// Invalid returns an EINVALID error naming one field.
func Invalid(field, reason string) *Error {
	return &Error{Code: EINVALID, Message: "the request is not valid", Fields: []FieldError{{field, reason}}}
}

// Problems collects field errors so a caller learns every problem at once.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, reason string) { *p = append(*p, FieldError{field, reason}) }

// Err returns nil when there are no problems, else an EINVALID error listing them.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "the request is not valid", Fields: p}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as *Error, wrapping anything else as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Stale is the error for a write based on an outdated version.
func Stale(what string) *Error {
	return Errorf(EPRECONDITION, "%s was changed by someone else since you loaded it; reload and try again", what)
}
