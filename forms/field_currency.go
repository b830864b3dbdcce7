package forms

import (
	"encoding/json"
	"strconv"
	"strings"
)

// TypeCurrency is an amount of money in one currency.
const TypeCurrency = "currency"

// decimalPattern is the shape of an amount sent as a string: no exponent, no "+", no spaces.
const decimalPattern = `^-?[0-9]+(\.[0-9]+)?$`

// minorUnits lists the ISO 4217 currencies whose minor unit is not a hundredth.
var minorUnits = map[string]int{
	"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0,
	"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3,
}

// minorDigits is how many digits after the point the currency code has (2 unless listed).
func minorDigits(code string) int {
	if n, ok := minorUnits[code]; ok {
		return n
	}
	return 2
}

// CurrencyDigits is how many digits after the point f's amounts have: the currency's minor units,
// 2 for a formula without a currency.
func (f *Field) CurrencyDigits() int { return minorDigits(f.Currency) }

// currencyType is money: stored as int64 minor units (cents, fils, yen), parsed exactly from the
// decimal text and never through float64, so 0.1 + 0.2 is 0.30. Clients may send a JSON number
// or a decimal string (JavaScript cannot hold every amount in a double). A value with more decimals
// than the currency has is refused; so are amounts beyond int64.
type currencyType struct{}

var _ fieldType = currencyType{}
var _ limitChecker = currencyType{}

func init() { register(TypeCurrency, currencyType{}) }

func (currencyType) allows() option { return optStored | optRange | optCurrency }

// check requires the currency code and limits that fit its minor units.
func (currencyType) check(f *Field, at string, r *report) {
	if f.Currency == "" {
		r.add(at+"/currency", codeMissingOption, "a currency field needs a currency code such as \"CNY\"")
		return
	}
	digits := minorDigits(f.Currency)
	for _, lim := range []struct {
		name string
		n    *string
	}{{"min", numText(f.Min)}, {"max", numText(f.Max)}} {
		if lim.n == nil {
			continue
		}
		if d, ok := parseDecimal(*lim.n); ok {
			if _, code := d.scaled(digits); code != "" {
				r.add(at+"/"+lim.name, codeInvalidOption, "%s must be an amount in %s with at most %d decimals", lim.name, f.Currency, digits)
			}
		}
	}
}

func (currencyType) schema(f *Field) map[string]any {
	s := rangeSchema(f, []any{"number", "string"})
	s["pattern"] = decimalPattern
	return s
}

func (currencyType) store(f *Field, v any) (any, *issue) {
	text, isString := v.(string)
	if isString {
		if strings.ContainsAny(text, "eE+") {
			return nil, &issue{code: CodePattern, arg: decimalPattern}
		}
	} else if t, ok := numberText(v); ok {
		text = t
	} else {
		return nil, &issue{code: CodeType, arg: "number"}
	}
	d, ok := parseDecimal(text)
	if !ok {
		if isString {
			return nil, &issue{code: CodePattern, arg: decimalPattern}
		}
		return nil, &issue{code: CodeType, arg: "number"}
	}
	digits := minorDigits(f.Currency)
	n, code := d.scaled(digits)
	switch code {
	case CodeScale:
		return nil, &issue{code: CodeScale, arg: strconv.Itoa(digits)}
	case CodeOverflow:
		return nil, &issue{code: CodeOverflow}
	}
	return n, nil
}

// limits checks min and max on the exact amount: the schema can only check amounts sent as
// JSON numbers, not those sent as strings.
func (currencyType) limits(f *Field, stored any) *issue {
	n, _ := stored.(int64)
	digits := minorDigits(f.Currency)
	if lim, ok := scaledLimit(f.Min, digits); ok && n < lim {
		return &issue{code: CodeMinimum, arg: f.Min.String()}
	}
	if lim, ok := scaledLimit(f.Max, digits); ok && n > lim {
		return &issue{code: CodeMaximum, arg: f.Max.String()}
	}
	return nil
}

// scaledLimit is a limit in minor units.
func scaledLimit(lim *json.Number, digits int) (int64, bool) {
	if lim == nil {
		return 0, false
	}
	d, ok := parseDecimal(string(*lim))
	if !ok {
		return 0, false
	}
	n, code := d.scaled(digits)
	return n, code == ""
}

func (currencyType) wire(f *Field, v any) any {
	n, ok := storedInt(v)
	if !ok {
		return v
	}
	return formatMinor(n, minorDigits(f.Currency))
}

// formatMinor writes an amount in minor units with exactly digits decimals: 123450, 2 -> "1234.50".
func formatMinor(n int64, digits int) json.Number {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return json.Number(s)
}
