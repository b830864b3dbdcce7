package workflow

import (
	"strings"
	"testing"

	"crm/forms"
	"crm/rules"
)

type fakeDirectory struct{ users, teams []string }

func (d fakeDirectory) UserExists(id string) bool { return contains(d.users, id) }
func (d fakeDirectory) TeamExists(id string) bool { return contains(d.teams, id) }

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func leadObject() *forms.Object {
	return &forms.Object{Name: "lead", Fields: []*forms.Field{
		{Name: "region", Type: forms.TypePicklist, Options: []forms.Option{{Value: "south"}, {Value: "north"}}},
		{Name: "industry", Type: forms.TypeText},
		{Name: "amount", Type: forms.TypeNumber},
	}}
}

func TestCompileAssignmentReportsEveryProblem(t *testing.T) {
	obj := leadObject()
	dir := fakeDirectory{users: []string{"ann"}, teams: []string{"south"}}
	a := &AssignmentRules{Object: "lead", Fallback: "ghost", Rules: []AssignmentRule{
		{Name: "south", Condition: `regoin == "south"`, Target: Target{Type: TargetRoundRobin, Team: "nobody"}},
		{Name: "south", Target: Target{Type: TargetUser}},
		{Name: "Bad", Target: Target{Type: TargetSkills, Field: "amount", Open: `x = 1`}},
		{Name: "ok", Target: Target{Type: "lottery"}},
		{Name: "parent", Target: Target{Type: TargetLookupOwner, Field: "industry"}},
		{Name: "parent2", Target: Target{Type: TargetLookupOwner, Field: "nope"}},
	}}
	_, probs := CompileAssignment(a, rules.NewEnv(obj), obj, dir)
	want := map[string]string{
		"/fallback":             "unknown_user",
		"/rules/0/condition":    "invalid_expression",
		"/rules/0/target/team":  "unknown_team",
		"/rules/1/name":         "duplicate_name",
		"/rules/1/target/user":  "missing_option",
		"/rules/2/name":         "invalid_name",
		"/rules/2/target/field": "invalid_field",
		"/rules/2/target/open":  "invalid_option",
		"/rules/3/target/type":  "invalid_target",
		"/rules/4/target/field": "invalid_field",
		"/rules/5/target/field": "unknown_field",
	}
	got := map[string]string{}
	for _, p := range probs {
		got[p.Pointer] = p.Code
	}
	for ptr, code := range want {
		if got[ptr] != code {
			t.Errorf("problem at %s = %q, want %q (all: %v)", ptr, got[ptr], code, probs)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(got), len(want), probs)
	}
	for _, p := range probs {
		if p.Pointer == "/rules/0/condition" && (p.Line != 1 || p.Column != 1 || !strings.Contains(p.Message, "regoin")) {
			t.Errorf("condition problem = %+v, want line 1 column 1 naming regoin", p)
		}
	}
}

func TestMatchFirstRuleWins(t *testing.T) {
	obj := leadObject()
	env := rules.NewEnv(obj)
	dir := fakeDirectory{users: []string{"ann", "bob"}, teams: []string{"south_saas"}}
	c, probs := CompileAssignment(&AssignmentRules{Object: "lead", Rules: []AssignmentRule{
		{Name: "south_saas", Condition: `region == "south" && industry == "SaaS"`, Target: Target{Type: TargetRoundRobin, Team: "south_saas"}},
		{Name: "big", Condition: `amount > 1000`, Target: Target{Type: TargetUser, User: "bob"}},
		{Name: "rest", Target: Target{Type: TargetUser, User: "ann"}},
	}}, env, obj, dir)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	for _, tc := range []struct {
		values map[string]any
		want   int
		checks int
	}{
		{map[string]any{"region": "south", "industry": "SaaS", "amount": 5000.0}, 0, 1},
		{map[string]any{"region": "north", "industry": "SaaS", "amount": 5000.0}, 1, 2},
		{map[string]any{"region": "south", "industry": "Retail"}, 2, 3}, // amount empty: "big" does not hold
	} {
		i, checks := c.Match(env.Scope(tc.values, nil, rules.Context{}))
		if i != tc.want || len(checks) != tc.checks {
			t.Errorf("Match(%v) = %d after %d checks, want %d after %d", tc.values, i, len(checks), tc.want, tc.checks)
		}
		if checks[0].Inputs["region"] != tc.values["region"] {
			t.Errorf("trace inputs %v miss region %v", checks[0].Inputs, tc.values["region"])
		}
	}
}

func TestEligibleAndChoices(t *testing.T) {
	pool := []Person{
		{ID: "u3", Active: true, Skills: []string{"returns"}},
		{ID: "u1", Active: true, Skills: []string{"invoice", "returns"}},
		{ID: "u2", Active: false, Skills: []string{"invoice"}},
		{ID: "u4", Active: true},
	}
	el, skipped := Eligible(Target{Type: TargetRoundRobin}, pool, nil)
	if strings.Join(el, ",") != "u1,u3,u4" || skipped["u2"] != "inactive" {
		t.Errorf("round robin eligible = %v skipped %v", el, skipped)
	}
	el, skipped = Eligible(Target{Type: TargetSkills}, pool, "invoice")
	if strings.Join(el, ",") != "u1" || skipped["u3"] != "lacks skill" || skipped["u4"] != "lacks skill" {
		t.Errorf("skills eligible = %v skipped %v", el, skipped)
	}
	el, _ = Eligible(Target{Type: TargetSkills}, pool, []any{"returns"})
	if strings.Join(el, ",") != "u1,u3" {
		t.Errorf("skills from a list = %v", el)
	}
	if el, _ := Eligible(Target{Type: TargetSkills}, pool, ""); len(el) != 0 {
		t.Errorf("an empty value matches no skill, got %v", el)
	}

	counts := map[string]int{}
	for n := int64(1); n <= 100; n++ {
		counts[InTurn([]string{"a", "b", "c"}, n)]++
	}
	if counts["a"] != 34 || counts["b"] != 33 || counts["c"] != 33 {
		t.Errorf("100 turns over three = %v, want 34/33/33", counts)
	}
	if InTurn(nil, 1) != "" {
		t.Error("nobody to pick must pick nobody")
	}

	load := map[string]int64{"a": 3, "b": 1, "c": 1}
	if got := LeastLoaded([]string{"a", "b", "c"}, load, 0); got != "b" {
		t.Errorf("least loaded = %s, want b (first of the tie)", got)
	}
	if got := LeastLoaded([]string{"a", "b", "c"}, load, 3); got != "c" {
		t.Errorf("least loaded from position 3 = %s, want c (the tie rotated)", got)
	}
	if got := LeastLoaded([]string{"a", "b"}, map[string]int64{}, 0); got != "a" {
		t.Errorf("nobody loaded: %s, want a", got)
	}
}
