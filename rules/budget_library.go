package rules

import (
	"fmt"
	"math/bits"
	"reflect"
	"regexp"
	"regexp/syntax"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
)

// The budget of the library and of the operators whose work grows with their operands. Go's
// regular expressions run in time linear in the text times the compiled pattern, so matches
// spends, before it matches, the text's bytes times the pattern's instructions; a pattern is
// bounded in length and in instructions before it is compiled, and compiled patterns are
// cached. Functions and operators that read a text or a list as a whole (len, lower, upper,
// trim, isBlank, coalesce, in, contains, startsWith, endsWith) spend the size of what they read.
const (
	// maxPatternLength bounds the bytes of a regular expression: validation patterns need tens.
	maxPatternLength = 1 << 10
	// maxPatternSize bounds the instructions of a compiled regular expression, as patternSize
	// counts them: a{1000} is 1,000 of them in 7 bytes.
	maxPatternSize = 4096
	// regexPerStep is how many (text byte, pattern instruction) pairs make one step: a step is
	// some 50 ns, a pair up to some 5 ns (measured on patterns of alternations, optional
	// classes, Unicode classes and case folding over 60 KB of text).
	regexPerStep = 8
	// patternCacheSize bounds the compiled patterns kept: patterns may come from records.
	patternCacheSize = 256
)

var errPattern = fmt.Errorf("the pattern is too long or too complex (more than %d bytes or %d instructions)", maxPatternLength, maxPatternSize)

// metered are the library functions whose arguments the instrumentation charges.
var metered = map[string]bool{"len": true, "lower": true, "upper": true, "trim": true, "isBlank": true, "coalesce": true}

// libraryMeterFunctions are what the instrumentation calls besides $charge and $add:
// $spend(meter, v) spends v's size and gives v; $matches(meter, text, pattern) is matches;
// $neg(v) is unary minus, checked (see negate).
func libraryMeterFunctions() []expr.Option {
	return []expr.Option{func(c *conf.Config) {
		c.Functions["$spend"] = &builtin.Function{Name: "$spend", Func: spend, Validate: func(args []reflect.Type) (reflect.Type, error) {
			return args[1], nil
		}}
		c.Functions["$matches"] = &builtin.Function{Name: "$matches", Func: matches, Validate: matchesType}
		c.Functions["$neg"] = &builtin.Function{Name: "$neg", Func: negate, Validate: negateType}
	}}
}

func spend(p ...any) (any, error) {
	if err := p[0].(*meter).spend(sizeOf(p[1])); err != nil {
		return nil, err
	}
	return p[1], nil
}

// matches is text matches pattern: an empty side does not match, as in expr.
func matches(p ...any) (any, error) {
	if p[1] == nil || p[2] == nil {
		return false, nil
	}
	text, ok1 := p[1].(string)
	pattern, ok2 := p[2].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("matches needs text on both sides, not %s and %s", kindName(p[1]), kindName(p[2]))
	}
	c := compilePattern(pattern)
	if c.err != nil {
		return nil, c.err
	}
	if err := p[0].(*meter).spend(regexCost(len(text), c.size)); err != nil {
		return nil, err
	}
	return c.re.MatchString(text), nil
}

// regexCost is the steps of matching text bytes with a pattern of size instructions,
// compiling it included (charged even when cached, so that a cost never depends on the cache).
func regexCost(text, size int) int {
	return size + capped((text+1)*size/regexPerStep)
}

func matchesType(args []reflect.Type) (reflect.Type, error) {
	for _, t := range args[1:] {
		if t.Kind() != reflect.String && t.Kind() != reflect.Interface {
			return nil, fmt.Errorf("invalid operation: matches needs text, not %s", typeWords(t))
		}
	}
	return reflect.TypeOf(true), nil
}

// compiled is a pattern as the cache keeps it: compiled, or why it cannot be.
type compiled struct {
	re   *regexp.Regexp
	size int
	err  error
}

var patterns = struct {
	sync.Mutex
	m map[string]compiled
}{m: map[string]compiled{}}

// compilePattern compiles a pattern once; the cache forgets an arbitrary one when full.
func compilePattern(pattern string) compiled {
	patterns.Lock()
	c, ok := patterns.m[pattern]
	patterns.Unlock()
	if ok {
		return c
	}
	c = checkPattern(pattern)
	if c.err == nil {
		c.re, c.err = regexp.Compile(pattern)
	}
	patterns.Lock()
	if len(patterns.m) >= patternCacheSize {
		for k := range patterns.m {
			delete(patterns.m, k)
			break
		}
	}
	patterns.m[pattern] = c
	patterns.Unlock()
	return c
}

// checkPattern parses a pattern and measures it, refusing what is too long or too large
// before anything is compiled.
func checkPattern(pattern string) compiled {
	if len(pattern) > maxPatternLength {
		return compiled{err: errPattern}
	}
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return compiled{err: err}
	}
	size := patternSize(tree)
	if size > maxPatternSize {
		return compiled{err: errPattern}
	}
	return compiled{size: size}
}

// patternSize is at least the instructions re compiles to: repetitions count their copies.
func patternSize(re *syntax.Regexp) int {
	n := 1
	switch re.Op {
	case syntax.OpLiteral:
		n = len(re.Rune)
	case syntax.OpCharClass:
		n = 1 + bits.Len(uint(len(re.Rune)/2)) // a binary search over the class's ranges
	case syntax.OpCapture:
		n = 2
	case syntax.OpRepeat:
		times := re.Max
		if times < 0 {
			times = re.Min + 1
		}
		return capped(1 + times*patternSize(re.Sub[0]))
	}
	for _, s := range re.Sub {
		n = capped(n + patternSize(s))
	}
	return n
}
