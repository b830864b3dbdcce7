package rules

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"crm/forms"
)

// Context is what an evaluation reads besides the record: the clock, the acting user and the
// user's time zone. The clock is always given, never read.
type Context struct {
	Now      time.Time
	Location *time.Location // for today(); nil is UTC
	User     User
	// Refs are the values read through lookups, stored form, by reference name
	// ("account.vip"); a reference absent here reads as empty (see refs.go).
	Refs map[string]any
	// OwnerCounts are the object's owner counts for the owner the write leaves, by name; a count
	// absent here reads as 0.
	OwnerCounts map[string]int64
	// OwnerUser is the user the write leaves as owner (owner_user: a holding limit by the
	// holder's role); nil when a pool or nobody owns it, read as a user with no roles.
	OwnerUser *User
}

// Scope is the environment of the expressions of one write: built once, read by every program.
type Scope struct {
	vars  map[string]any
	meter *meter // also vars[meterName]; a Scope serves one goroutine at a time
}

// Scope builds the environment from stored values (forms' stored kinds) of the record being
// written and, on update, of the record as it was (old is nil on create).
func (e *Env) Scope(values, old map[string]any, c Context) Scope {
	vars := e.record(values)
	for name, v := range c.Refs {
		if r := e.refs.all[name]; r != nil {
			vars[name] = exprValue(r.Field, v)
		}
	}
	if old == nil {
		vars["old"] = e.noOld
	} else {
		vars["old"] = e.record(old)
	}
	vars["user"] = c.User.value()
	if c.OwnerUser != nil {
		vars[ownerUserName] = c.OwnerUser.value()
	} else {
		vars[ownerUserName] = User{}.value()
	}
	counts := make(map[string]any, len(e.obj.OwnerCounts))
	for _, oc := range e.obj.OwnerCounts {
		counts[oc.Name] = int(c.OwnerCounts[oc.Name])
	}
	vars[ownerCountsName] = counts
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	now := c.Now.UTC()
	y, m, d := c.Now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // dates are midnight UTC, like date fields
	vars["now"] = func() time.Time { return now }
	vars["today"] = func() time.Time { return today }
	vars["changed"] = func(name string) bool {
		if old == nil {
			return values[name] != nil
		}
		return !reflect.DeepEqual(values[name], old[name])
	}
	mt := &meter{}
	vars[meterName] = mt
	return Scope{vars: vars, meter: mt}
}

// record is a record's expression values; every field is present (nil when empty), so that a
// condition on an empty field reads nil rather than failing to find it.
func (e *Env) record(stored map[string]any) map[string]any {
	out := make(map[string]any, len(e.obj.Fields)+len(forms.SystemFields)+4)
	for _, name := range forms.SystemFields {
		out[name] = systemValue(name, stored[name])
	}
	for _, f := range e.obj.Fields {
		if f != nil {
			out[f.Name] = exprValue(f, stored[f.Name])
		}
	}
	return out
}

var machines = sync.Pool{New: func() any { return &vm.VM{MemoryBudget: memoryBudget} }}

// Run evaluates the program. A failure caused by an empty value is ErrEmpty-wrapped (see Empty).
func (p *Program) Run(s Scope) (any, error) {
	if p.metered {
		s.meter.reset()
	}
	m := machines.Get().(*vm.VM)
	out, err := m.Run(p.prog, s.vars)
	machines.Put(m)
	if err != nil {
		return nil, runtimeError(err)
	}
	return out, nil
}

// Holds evaluates a condition. A condition that cannot be decided because a value it reads is
// empty does not hold, as in SQL; any other failure is returned.
func (p *Program) Holds(s Scope) (bool, error) {
	out, err := p.Run(s)
	if err != nil {
		if Empty(err) {
			return false, nil
		}
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		if out == nil {
			return false, nil
		}
		return false, &RuntimeError{Message: "the condition gave " + kindName(out) + ", not true or false"}
	}
	return b, nil
}

// RuntimeError is an evaluation that failed: division by zero, a bad regular expression, a
// memory limit. Its message is meant for the analyst who wrote the expression.
type RuntimeError struct {
	Message string
	empty   bool
	budget  bool  // stopped by the budget (see OverBudget)
	cause   error // the budget's reason
}

func (e *RuntimeError) Error() string { return e.Message }
func (e *RuntimeError) Unwrap() error { return e.cause }

// Empty tells whether err is a failure caused by an empty value.
func Empty(err error) bool {
	var re *RuntimeError
	return errors.As(err, &re) && re.empty
}

// runtimeError words an evaluation failure. expr reports operations on nil as "invalid
// operation: <nil> > int", member access as "cannot fetch x from <nil>" and logic on nil as
// "interface conversion: interface {} is nil, not bool"; our functions return errEmpty. Tests pin
// these forms.
func runtimeError(err error) error {
	msg := err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		msg = fe.Message
		if fe.Prev != nil && errors.Is(fe.Prev, errEmpty) {
			return &RuntimeError{Message: errEmpty.Error(), empty: true}
		}
	}
	if errors.Is(err, errEmpty) || strings.Contains(msg, "<nil>") || strings.Contains(msg, "interface {} is nil") {
		return &RuntimeError{Message: errEmpty.Error(), empty: true}
	}
	if strings.Contains(msg, "memory budget exceeded") {
		err = errMemory
	}
	for _, b := range []error{errBudget, errDeadline, errMemory, errDigits, errPattern} {
		if errors.Is(err, b) {
			return &RuntimeError{Message: b.Error(), budget: true, cause: b}
		}
	}
	return &RuntimeError{Message: msg}
}

// Value is a variable of the scope as expressions see it (for run logs).
func (s Scope) Value(name string) any { return s.vars[name] }

// WireValue converts an expression result into the wire form of a field's value (what a client
// would send for it); callers outside this package use it to apply computed values.
func WireValue(f *forms.Field, v any) (any, error) { return wireValue(f, v) }
