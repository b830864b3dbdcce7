package rules

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
)

// Decimal is an exact number: money in expressions. Arithmetic is done on rationals, so 0.10 +
// 0.20 is exactly 0.30 and amount / 3 keeps every digit until the result is stored, where it is
// rounded half away from zero to the field's places (commercial rounding: 100.00 / 3 stores as
// 33.33, 200.00 / 3 as 66.67, 0.125 to two places as 0.13).
//
// It has no exported methods or fields on purpose: expr lets expressions call any exported method
// of a value in their environment.
type Decimal struct{ r *big.Rat } // nil means zero

// errDivisionByZero is the runtime failure of x / 0 on money.
var errDivisionByZero = errors.New("division by zero")

func decimalFromMinor(units int64, places int) Decimal {
	r := new(big.Rat).SetInt64(units)
	if places > 0 {
		r.Quo(r, new(big.Rat).SetInt(pow10(places)))
	}
	return Decimal{r}
}

// decimalFromFloat takes a float64 as the shortest decimal that reads back as it (0.1 is 1/10,
// not 0.1000000000000000055...), which is what the user typed for a number field.
func decimalFromFloat(f float64) (Decimal, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return Decimal{}, errors.New("not a finite number")
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok {
		return Decimal{}, errors.New("not a finite number")
	}
	return Decimal{r}, nil
}

func (d Decimal) rat() *big.Rat {
	if d.r == nil {
		return new(big.Rat)
	}
	return d.r
}

// rounded is d rounded half away from zero to places digits after the point, scaled by
// 10^places: the minor units of an amount.
func (d Decimal) rounded(places int) *big.Int {
	scaled := new(big.Rat).Mul(d.rat(), new(big.Rat).SetInt(pow10(places)))
	num, den := scaled.Num(), scaled.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int)) // truncated toward zero
	// |m| * 2 >= den: round away from zero.
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// minor is d in minor units of places digits, rounded; false when it does not fit an int64.
func (d Decimal) minor(places int) (int64, bool) {
	q := d.rounded(places)
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// text is d rounded to places digits after the point, as a decimal string ("-12.50").
func (d Decimal) text(places int) string {
	q := d.rounded(places)
	neg := q.Sign() < 0
	digits := new(big.Int).Abs(q).String()
	if places > 0 {
		for len(digits) <= places {
			digits = "0" + digits
		}
		digits = digits[:len(digits)-places] + "." + digits[len(digits)-places:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// float is d as the nearest float64.
func (d Decimal) float() float64 {
	f, _ := d.rat().Float64()
	return f
}

// String shows the exact value for error messages and tests; expressions cannot call it (only
// library functions can be called).
func (d Decimal) String() string { return d.rat().FloatString(10) }

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// toRat reads an operand of mixed decimal arithmetic.
func toRat(v any) (*big.Rat, error) {
	switch x := v.(type) {
	case Decimal:
		return x.rat(), nil
	case int:
		return new(big.Rat).SetInt64(int64(x)), nil
	case float64:
		d, err := decimalFromFloat(x)
		return d.r, err
	case nil:
		return nil, errEmpty
	}
	return nil, errors.New("not a number")
}

// decimalArith is the overload of + - * / for money with money, whole numbers and numbers.
func decimalArith(op byte) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		a, err := toRat(params[0])
		if err != nil {
			return nil, err
		}
		b, err := toRat(params[1])
		if err != nil {
			return nil, err
		}
		r := new(big.Rat)
		switch op {
		case '+':
			r.Add(a, b)
		case '-':
			r.Sub(a, b)
		case '*':
			r.Mul(a, b)
		case '/':
			if b.Sign() == 0 {
				return nil, errDivisionByZero
			}
			r.Quo(a, b)
		}
		if d := (Decimal{r}); decimalWords(d) > maxDecimalBits/64 {
			return nil, errDigits
		}
		return Decimal{r}, nil
	}
}

// errIntRange is the runtime failure of whole-number arithmetic beyond int64.
var errIntRange = errors.New("the whole number is out of range (beyond ±9223372036854775807)")

// intArith is the overload of + - * on whole numbers: an error where int64 would wrap around.
func intArith(op string) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		a, ok1 := params[0].(int)
		b, ok2 := params[1].(int)
		if !ok1 || !ok2 {
			return nil, errEmpty
		}
		var r int
		var over bool
		switch op {
		case "+":
			r = a + b
			over = (b > 0 && r < a) || (b < 0 && r > a)
		case "-":
			r = a - b
			over = (b < 0 && r < a) || (b > 0 && r > a)
		case "*":
			r = a * b
			over = a != 0 && (r/a != b || (a == -1 && b == math.MinInt))
		}
		if over {
			return nil, errIntRange
		}
		return r, nil
	}
}

// errNumberRange is the runtime failure of a power beyond what a number holds, or of no number.
var errNumberRange = errors.New("the number is out of range (a power too large, or no real number)")

// negate is unary minus ($neg, see instrument): an error where int64 would wrap around
// (-(-9223372036854775808)), and money stays exact.
func negate(p ...any) (any, error) {
	switch x := p[0].(type) {
	case nil:
		return nil, errEmpty
	case int:
		if x == math.MinInt {
			return nil, errIntRange
		}
		return -x, nil
	case float64:
		return -x, nil
	case Decimal:
		return Decimal{new(big.Rat).Neg(x.rat())}, nil
	}
	return nil, fmt.Errorf("invalid operation: - %s", kindName(p[0]))
}

func negateType(args []reflect.Type) (reflect.Type, error) {
	t := args[0]
	if t == reflectDecimal || t.Kind() == reflect.Int || t.Kind() == reflect.Float64 || t.Kind() == reflect.Interface {
		return t, nil
	}
	return nil, fmt.Errorf("invalid operation: - needs a number, not %s", typeWords(t))
}

// numberArith is the overload of / (always a number, as in expr), % (whole numbers) and ** or ^
// (a number) without money: division by zero is an error, not an infinity or a panic, and
// so is a power that is no finite number.
func numberArith(op string) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		if params[0] == nil || params[1] == nil {
			return nil, errEmpty
		}
		if op == "%" {
			a, b := params[0].(int), params[1].(int)
			if b == 0 {
				return nil, errDivisionByZero
			}
			return a % b, nil // math.MinInt % -1 is 0 in Go, no trap
		}
		a, b := toFloat(params[0]), toFloat(params[1])
		var r float64
		switch op {
		case "/":
			if b == 0 {
				return nil, errDivisionByZero
			}
			r = a / b
		case "**":
			r = math.Pow(a, b)
		}
		if !finite(r) {
			return nil, errNumberRange
		}
		return r, nil
	}
}

func toFloat(v any) float64 {
	if i, ok := v.(int); ok {
		return float64(i)
	}
	return v.(float64)
}

// decimalEqual is the overload of == (want true) and != (want false) for money: an empty value
// equals only another empty value.
func decimalEqual(want bool) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		if params[0] == nil || params[1] == nil {
			return (params[0] == nil && params[1] == nil) == want, nil
		}
		a, err := toRat(params[0])
		if err != nil {
			return nil, err
		}
		b, err := toRat(params[1])
		if err != nil {
			return nil, err
		}
		return (a.Cmp(b) == 0) == want, nil
	}
}

// decimalCompare is the overload of comparisons of money with money and numbers.
func decimalCompare(test func(c int) bool) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		a, err := toRat(params[0])
		if err != nil {
			return nil, err
		}
		b, err := toRat(params[1])
		if err != nil {
			return nil, err
		}
		return test(a.Cmp(b)), nil
	}
}
