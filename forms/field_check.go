package forms

import (
	"math/big"
	"regexp"
	"strings"
)

// maxPattern is the longest pattern a field may have.
const maxPattern = 1000

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// checkFieldSettings reports problems in f's type and settings (not its name, not its default):
// the type must exist, every setting present must be one the type allows, the values of the
// generic settings must make sense, then the type checks what is its own.
func checkFieldSettings(f *Field, at string, r *report) {
	checkLabel(f.Label, at+"/label", r)
	checkLabel(f.Help, at+"/help", r)
	t, ok := types[f.Type]
	if !ok {
		if f.Type == "" {
			r.add(at+"/type", codeUnknownType, "a field needs a type")
		} else {
			r.add(at+"/type", codeUnknownType, "%q is not a field type; use one of %s", f.Type, strings.Join(Types(), ", "))
		}
		return
	}
	allowed := t.allows()
	for _, o := range optionSpecs {
		if o.set(f) && allowed&o.bit == 0 {
			r.add(at+"/"+o.name, codeOptionNotAllowed, "%s fields do not take %s", f.Type, o.name)
		}
	}
	checkLimits(f, allowed, at, r)
	if f.Default != nil && f.DefaultExpression != "" {
		r.add(at+"/default_expression", codeOptionNotAllowed, "give either a default value or a default_expression, not both")
	}
	t.check(f, at, r)
}

// checkLimits checks the values of the settings shared by several types, where allowed.
func checkLimits(f *Field, allowed option, at string, r *report) {
	var lo, hi *big.Rat
	if allowed&optMin != 0 && f.Min != nil {
		lo = checkNumber(string(*f.Min), at+"/min", r)
	}
	if allowed&optMax != 0 && f.Max != nil {
		hi = checkNumber(string(*f.Max), at+"/max", r)
	}
	if lo != nil && hi != nil && lo.Cmp(hi) > 0 {
		r.add(at+"/min", codeInvalidRange, "min %s is greater than max %s", *f.Min, *f.Max)
	}

	lengthsOK := true
	if allowed&optMinLength != 0 && f.MinLength != nil && *f.MinLength < 0 {
		r.add(at+"/min_length", codeInvalidRange, "min_length may not be negative")
		lengthsOK = false
	}
	if allowed&optMaxLength != 0 && f.MaxLength != nil && *f.MaxLength < 1 {
		r.add(at+"/max_length", codeInvalidRange, "max_length must be at least 1")
		lengthsOK = false
	}
	if lengthsOK && allowed&optLengths == optLengths && f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		r.add(at+"/min_length", codeInvalidRange, "min_length %d is greater than max_length %d", *f.MinLength, *f.MaxLength)
	}

	if allowed&optPattern != 0 && f.Pattern != "" {
		checkPattern(f.Pattern, at+"/pattern", r)
	}
	if allowed&optScale != 0 && f.Scale != nil && (*f.Scale < 0 || *f.Scale > maxScale) {
		r.add(at+"/scale", codeInvalidRange, "scale must be between 0 and %d", maxScale)
	}
	if allowed&optCurrency != 0 && f.Currency != "" && !currencyCode.MatchString(f.Currency) {
		r.add(at+"/currency", codeInvalidOption, "%q is not an ISO 4217 currency code such as \"CNY\" or \"USD\"", f.Currency)
	}
}

// checkNumber reports a limit that is not a decimal number; it returns the exact value otherwise.
func checkNumber(s, at string, r *report) *big.Rat {
	if _, ok := parseDecimal(s); !ok {
		r.add(at, codeInvalidOption, "%q is not a number", s)
		return nil
	}
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		r.add(at, codeInvalidOption, "%q is not a number", s)
		return nil
	}
	return x
}

// checkPattern requires an RE2 pattern that also means the same in the browser, where Ajv compiles
// it as a JavaScript regular expression: Go-only syntax would break client-side validation.
func checkPattern(p, at string, r *report) {
	if len(p) > maxPattern {
		r.add(at, codeInvalidPattern, "the pattern is longer than %d characters", maxPattern)
		return
	}
	if _, err := regexp.Compile(p); err != nil {
		r.add(at, codeInvalidPattern, "the pattern does not compile: %v", err)
		return
	}
	if what := goOnlySyntax(p); what != "" {
		r.add(at, codeInvalidPattern, "the pattern uses %s, which browsers do not understand", what)
	}
}

var posixClass = regexp.MustCompile(`\[:[a-z]+:\]`)

// goOnlySyntax names RE2 syntax that JavaScript regular expressions lack, or "".
func goOnlySyntax(p string) string {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 < len(p) {
				switch p[i+1] {
				case 'A', 'z', 'Q', 'C':
					return `\` + string(p[i+1])
				}
			}
			i++ // skip the escaped character
		case '(':
			rest := p[i+1:]
			if strings.HasPrefix(rest, "?P") {
				return "(?P<name>...) groups"
			}
			if len(rest) > 1 && rest[0] == '?' && (('a' <= rest[1] && rest[1] <= 'z') || rest[1] == '-') {
				return "flag groups such as (?i)"
			}
		}
	}
	if posixClass.MatchString(p) {
		return "POSIX classes such as [[:alpha:]]"
	}
	return ""
}
