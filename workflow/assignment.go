package workflow

import (
	"fmt"
	"slices"
	"sort"

	"crm/forms"
	"crm/rules"
)

// Assignment target types.
const (
	TargetUser        = "user"         // one named user
	TargetRoundRobin  = "round_robin"  // the pool in turn, the position kept in the database
	TargetLeastLoaded = "least_loaded" // the pool member owning the fewest open records
	TargetSkills      = "skills"       // a pool member whose skills include a record field's value, in turn
	// TargetLookupOwner is the owner of the record a lookup field points at (a payment belongs to
	// its contract's owner); a parent owned by a pool, or none, assigns nobody.
	TargetLookupOwner = "lookup_owner"
)

// AssignmentRules are an object's ordered assignment entries: the first whose condition holds
// decides the owner; when none holds, or its target has nobody available, the fallback owns.
type AssignmentRules struct {
	Object   string           `json:"object"`
	Disabled bool             `json:"disabled,omitempty"`
	Rules    []AssignmentRule `json:"rules"`
	Fallback string           `json:"fallback,omitempty"` // a user id; "": the owner stays
}

// AssignmentRule is one entry.
type AssignmentRule struct {
	Name      string      `json:"name"`
	Label     forms.Label `json:"label,omitempty"`
	Condition string      `json:"condition,omitempty"` // empty: always
	Target    Target      `json:"target"`
}

// Target says who among whom gets the record.
type Target struct {
	Type  string   `json:"type"`
	User  string   `json:"user,omitempty"`  // user
	Team  string   `json:"team,omitempty"`  // the pool: a team's members ...
	Users []string `json:"users,omitempty"` // ... or named users (skills: neither means everyone)
	Open  string   `json:"open,omitempty"`  // least_loaded: the filter of records that count (filter language; "": all)
	Field string   `json:"field,omitempty"` // skills: the record field whose value a skill must equal
}

// People answers what a save-time check needs to know about users and teams.
type People interface {
	UserExists(id string) bool
	TeamExists(id string) bool
}

// anyone passes every name: the engine checks users and teams of actions when they are saved.
type anyone struct{}

func (anyone) UserExists(string) bool { return true }
func (anyone) TeamExists(string) bool { return true }

// TargetRules are one-rule assignment rules that send a record to target (an assign action's own
// target).
func TargetRules(object string, target Target) *AssignmentRules {
	return &AssignmentRules{Object: object, Rules: []AssignmentRule{{Name: "action", Target: target}}}
}

// CompiledAssignment is an object's assignment rules ready to decide.
type CompiledAssignment struct {
	AssignmentRules
	conditions []*rules.Program
}

// CompileAssignment checks assignment rules against their object and the directory; every
// problem comes at once with its JSON pointer. The engine checks the `open` filters itself (the
// filter language is the engine's).
func CompileAssignment(a *AssignmentRules, env *rules.Env, obj *forms.Object, people People) (*CompiledAssignment, []forms.Problem) {
	c := &CompiledAssignment{AssignmentRules: *a, conditions: make([]*rules.Program, len(a.Rules))}
	var probs []forms.Problem
	bad := func(ptr, code, format string, args ...any) {
		probs = append(probs, forms.Problem{Pointer: ptr, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	names := map[string]bool{}
	for i, r := range a.Rules {
		at := fmt.Sprintf("/rules/%d", i)
		if !forms.NamePattern.MatchString(r.Name) {
			bad(at+"/name", "invalid_name", "a rule name starts with a lower-case letter and holds only a-z, 0-9 and _")
		} else if names[r.Name] {
			bad(at+"/name", "duplicate_name", "two rules are named %q", r.Name)
		}
		names[r.Name] = true
		if r.Condition != "" {
			p, is := env.Compile(r.Condition, rules.Expect{Kind: rules.KindCondition})
			if is != nil {
				probs = append(probs, forms.Problem{Pointer: at + "/condition", Code: "invalid_expression", Message: is.Message, Line: is.Line, Column: is.Column})
			}
			c.conditions[i] = p
		}
		t := r.Target
		at += "/target"
		pool := func() {
			if t.Team != "" && len(t.Users) > 0 {
				bad(at+"/team", "invalid_option", "a pool is a team or a list of users, not both")
			}
			if t.Team != "" && !people.TeamExists(t.Team) {
				bad(at+"/team", "unknown_team", "no team %q", t.Team)
			}
			for j, u := range t.Users {
				if !people.UserExists(u) {
					bad(fmt.Sprintf("%s/users/%d", at, j), "unknown_user", "no user %q", u)
				}
			}
		}
		switch t.Type {
		case TargetUser:
			if t.User == "" {
				bad(at+"/user", "missing_option", "a user target names the user")
			} else if !people.UserExists(t.User) {
				bad(at+"/user", "unknown_user", "no user %q", t.User)
			}
		case TargetRoundRobin, TargetLeastLoaded:
			if t.Team == "" && len(t.Users) == 0 {
				bad(at+"/team", "missing_option", "a %s target needs a team or users", t.Type)
			}
			pool()
		case TargetSkills:
			f := obj.Field(t.Field)
			if f == nil {
				bad(at+"/field", "unknown_field", "%s has no field %q", obj.Name, t.Field)
			} else if f.Type != forms.TypeText && f.Type != forms.TypePicklist && f.Type != forms.TypeMultipicklist {
				bad(at+"/field", "invalid_field", "a skills target reads a text or picklist field, not %s", f.Type)
			}
			pool()
		case TargetLookupOwner:
			if f := obj.Field(t.Field); f == nil {
				bad(at+"/field", "unknown_field", "%s has no field %q", obj.Name, t.Field)
			} else if f.Type != forms.TypeLookup {
				bad(at+"/field", "invalid_field", "a lookup_owner target reads a lookup field, not %s", f.Type)
			}
		default:
			bad(at+"/type", "invalid_target", "target type %q is not one of user, round_robin, least_loaded, skills, lookup_owner", t.Type)
		}
		if t.Open != "" && t.Type != TargetLeastLoaded {
			bad(at+"/open", "invalid_option", "only a least_loaded target counts open records")
		}
	}
	if a.Fallback != "" && !people.UserExists(a.Fallback) {
		bad("/fallback", "unknown_user", "no user %q", a.Fallback)
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Pointer < probs[j].Pointer })
		return nil, probs
	}
	return c, nil
}

// RuleCheck is one rule's condition as a decision saw it.
type RuleCheck struct {
	Rule string `json:"rule"`
	Decision
}

// Match returns the index of the first rule whose condition holds (-1: none) and the checks
// made on the way, for the trace. A condition that cannot be evaluated does not hold.
func (c *CompiledAssignment) Match(scope rules.Scope) (int, []RuleCheck) {
	var checks []RuleCheck
	for i, r := range c.Rules {
		d := decide(c.conditions[i], scope)
		checks = append(checks, RuleCheck{Rule: r.Name, Decision: d})
		if d.Run {
			return i, checks
		}
	}
	return -1, checks
}

// Person is a pool member as a choice needs them.
type Person struct {
	ID     string
	Active bool
	Skills []string
}

// Eligible is the pool (sorted by id, so every process sees the same order) without inactive
// users and, for a skills target, without those lacking the skill. value is the record field's
// stored value (string or list) for skills targets. skipped names who was left out and why.
func Eligible(t Target, pool []Person, value any) (eligible []string, skipped map[string]string) {
	skipped = map[string]string{}
	sorted := slices.Clone(pool)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	wants := skillValues(value)
	for _, p := range sorted {
		switch {
		case !p.Active:
			skipped[p.ID] = "inactive"
		case t.Type == TargetSkills && !hasAny(p.Skills, wants):
			skipped[p.ID] = "lacks skill"
		default:
			eligible = append(eligible, p.ID)
		}
	}
	return eligible, skipped
}

func skillValues(v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func hasAny(have, wants []string) bool {
	for _, w := range wants {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// InTurn picks the member at a round-robin position (n counts from 1, as sequences do).
func InTurn(eligible []string, n int64) string {
	if len(eligible) == 0 || n < 1 {
		return ""
	}
	return eligible[(n-1)%int64(len(eligible))]
}

// LeastLoaded picks the member owning the fewest open records; ties go to the earliest in the
// eligible order, and n (a round-robin position, 0 for none) rotates that order so ties spread.
func LeastLoaded(eligible []string, load map[string]int64, n int64) string {
	if len(eligible) == 0 {
		return ""
	}
	start := 0
	if n > 0 {
		start = int((n - 1) % int64(len(eligible)))
	}
	best := ""
	for i := range eligible {
		id := eligible[(start+i)%len(eligible)]
		if best == "" || load[id] < load[best] {
			best = id
		}
	}
	return best
}
