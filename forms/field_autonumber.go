package forms

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TypeAutonumber is a number the engine gives each new record ("L-0042").
const TypeAutonumber = "autonumber"

// Autonumber limits.
const (
	defaultDigits = 4
	maxDigits     = 12
	maxPrefix     = 16
)

// autonumberType is a sequence number assigned by the engine from an atomic counter when a record
// is created, formatted as prefix + zero-padded digits. Users never enter it, so it cannot be
// required or have a default; it can be unique and indexed to find records by their number.
type autonumberType struct{}

var _ fieldType = autonumberType{}
var _ computedType = autonumberType{}

func init() { register(TypeAutonumber, autonumberType{}) }

func (autonumberType) allows() option {
	return optUnique | optIndexed | optPrefix | optDigits | optSearchable
}

func (autonumberType) computed() bool { return true }

func (autonumberType) check(f *Field, at string, r *report) {
	if f.Digits < 0 || f.Digits > maxDigits {
		r.add(at+"/digits", codeInvalidRange, "digits must be between 1 and %d", maxDigits)
	}
	if utf8.RuneCountInString(f.Prefix) > maxPrefix {
		r.add(at+"/prefix", codeInvalidOption, "the prefix has at most %d characters", maxPrefix)
	}
	for _, c := range f.Prefix {
		if !unicode.IsPrint(c) || unicode.IsSpace(c) {
			r.add(at+"/prefix", codeInvalidOption, "the prefix may not contain spaces or control characters")
			break
		}
	}
}

func (autonumberType) schema(*Field) map[string]any { return map[string]any{"type": "string"} }

func (autonumberType) store(_ *Field, v any) (any, *issue) { return storeString(v) }

func (autonumberType) wire(_ *Field, v any) any { return v }

// Autonumber formats the n-th number of an autonumber field: prefix + n zero-padded to the
// field's digits (default 4), e.g. "L-0042". Numbers wider than the padding are written in full.
func (f *Field) Autonumber(n int64) string {
	digits := f.Digits
	if digits == 0 {
		digits = defaultDigits
	}
	s := strconv.FormatInt(n, 10)
	if len(s) < digits {
		s = strings.Repeat("0", digits-len(s)) + s
	}
	return f.Prefix + s
}
