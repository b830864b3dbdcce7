package forms

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong in a definition, located by a JSON pointer into the definition
// ("/fields/3/name") so that the builder can put the message next to the input at fault.
type Problem struct {
	Pointer string `json:"pointer"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`   // in an expression: 1-based line of the mistake
	Column  int    `json:"column,omitempty"` // in an expression: 1-based column (in characters)
}

// Codes of definition problems. They are part of the API contract.
const (
	codeInvalidName      = "invalid_name"
	codeReservedName     = "reserved_name"
	codeDuplicateName    = "duplicate_name"
	codeUnknownType      = "unknown_type"
	codeOptionNotAllowed = "option_not_allowed"
	codeMissingOption    = "missing_option"
	codeUnknownObject    = "unknown_object"
	codeInvalidOption    = "invalid_option"
	codeDuplicateValue   = "duplicate_value"
	codeInvalidRange     = "invalid_range"
	codeInvalidPattern   = "invalid_pattern"
	codeUnknownField     = "unknown_field"
	codeInvalidLayout    = "invalid_layout"
	codeInvalidLabel     = "invalid_label"
	codeInvalidDefault   = "invalid_default"
	codeInvalidField     = "invalid_field"
	codeInvalidIndex     = "invalid_index"
	codeDuplicateIndex   = "duplicate_index"
	codeTooManyIndexes   = "too_many_indexes"
)

// report collects the problems of one Check, so that every check runs and all are reported.
type report struct {
	problems []Problem
	self     string                 // the object being checked: a lookup to itself is fine
	known    func(name string) bool // nil: every name exists
}

func (r *report) add(pointer, code, format string, args ...any) {
	r.problems = append(r.problems, Problem{Pointer: pointer, Code: code, Message: fmt.Sprintf(format, args...)})
}

// exists tells whether an object name exists for lookup targets.
func (r *report) exists(name string) bool {
	return name == r.self || r.known == nil || r.known(name)
}

// pointerEscaper escapes a key for a JSON pointer token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// checkLabel reports locale keys that do not look like "en" or "zh-CN", in key order.
func checkLabel(l Label, at string, r *report) {
	if len(l) == 0 {
		return
	}
	keys := make([]string, 0, len(l))
	for k := range l {
		if !localePattern.MatchString(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.add(at+"/"+pointerEscaper.Replace(k), codeInvalidLabel, "%q is not a locale such as \"en\" or \"zh-CN\"", k)
	}
}
