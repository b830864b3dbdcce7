// Package rules is the expression layer of the product: every expression an analyst writes
// (formulas, defaults, validation rules, visible/required/read-only conditions, and later
// assignment, approval and SLA conditions) is compiled here with expr-lang against a typed
// environment derived from the object, so a mistake is reported with its line and column when the
// definition is saved, never at run time.
//
// Expressions run sandboxed: only the library's functions can be called (no methods, no other
// builtins), the environment holds plain data, and length, syntax-tree size, memory and work
// are bounded (budget.go). The clock is an argument, never read for a decision; only the
// wall-clock safety net of one evaluation (MaxEvalTime) looks at it.
package rules
