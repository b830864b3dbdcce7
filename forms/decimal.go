package forms

import (
	"encoding/json"
	"math"
	"strconv"
)

// decimal is an exact decimal number, digits × 10^exp, parsed from text so that money never goes
// through float64. digits has no leading and no trailing zeros; zero is "" with exp 0.
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// maxExp bounds exponents while parsing: far beyond any int64 or scale, small enough not to
// overflow int arithmetic.
const maxExp = 100000

// parseDecimal reads a JSON number ("-12.50", "1e3") or a plain decimal string ("007.5").
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && s[i] == '-' {
		d.neg = true
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[start:i]
	if intPart == "" {
		return d, false
	}
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		start = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[start:i]
		if frac == "" {
			return d, false
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return d, false
		}
		for ; i < len(s); i++ {
			if !isDigit(s[i]) {
				return d, false
			}
			if exp < maxExp {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	if i != len(s) {
		return d, false
	}
	digits := intPart + frac
	exp -= len(frac)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if digits == "" {
		return decimal{}, true
	}
	d.digits, d.exp = digits, exp
	return d, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// places is how many digits the number has after the point.
func (d decimal) places() int {
	if d.exp >= 0 {
		return 0
	}
	return -d.exp
}

// scaled returns the number times 10^scale as an int64: CodeScale when that is not a whole
// number, CodeOverflow when it does not fit.
func (d decimal) scaled(scale int) (int64, string) {
	if d.digits == "" {
		return 0, ""
	}
	e := d.exp + scale
	if e < 0 {
		return 0, CodeScale
	}
	if len(d.digits)+e > 19 {
		return 0, CodeOverflow
	}
	var u uint64
	for i := 0; i < len(d.digits); i++ {
		u = u*10 + uint64(d.digits[i]-'0') // at most 19 digits: no wrap-around
	}
	for ; e > 0; e-- {
		if u > math.MaxUint64/10 {
			return 0, CodeOverflow
		}
		u *= 10
	}
	limit := uint64(math.MaxInt64)
	if d.neg {
		limit++
	}
	if u > limit {
		return 0, CodeOverflow
	}
	if d.neg {
		return -int64(u-1) - 1, ""
	}
	return int64(u), ""
}

// numberText returns the text of a numeric wire value: a json.Number as it came, and Go numbers
// (defaults written in Go, JSON decoded without UseNumber) in their shortest exact form.
func numberText(v any) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		return string(n), true
	case float64:
		if math.IsInf(n, 0) || math.IsNaN(n) {
			return "", false
		}
		return strconv.FormatFloat(n, 'g', -1, 64), true
	case float32:
		return numberText(float64(n))
	case int:
		return strconv.Itoa(n), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case int32:
		return strconv.FormatInt(int64(n), 10), true
	}
	return "", false
}

// storedInt reads an int64 back from storage, which may hand it over as any numeric Go type.
func storedInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n), true
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		if d, ok := parseDecimal(string(n)); ok {
			if i, code := d.scaled(0); code == "" {
				return i, true
			}
		}
	}
	return 0, false
}

// storedFloat reads a float64 back from storage.
func storedFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// floatNumber is the wire form of a float: the shortest text that reads back as the same float,
// without an exponent unless the number is huge.
func floatNumber(f float64) json.Number {
	if f == 0 {
		return "0" // also for -0
	}
	if math.Abs(f) >= 1e21 {
		return json.Number(strconv.FormatFloat(f, 'e', -1, 64))
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}
