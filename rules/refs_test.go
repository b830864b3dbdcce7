package rules

import (
	"strings"
	"testing"

	"crm/forms"
)

const (
	accountRefDef = `{"name":"account","fields":[
 {"name":"name","type":"text"},{"name":"vip","type":"boolean"},{"name":"industry","type":"picklist","options":[{"value":"it"},{"value":"retail"}]},
 {"name":"credit","type":"currency","currency":"CNY"},{"name":"parent","type":"lookup","target":"account"}]}`
	opportunityRefDef = `{"name":"opportunity","fields":[{"name":"name","type":"text"},{"name":"account","type":"lookup","target":"account"}]}`
	ticketRefDef      = `{"name":"ticket","fields":[{"name":"subject","type":"text"},{"name":"priority","type":"picklist","options":[{"value":"low"},{"value":"high"}]},
 {"name":"account","type":"lookup","target":"account"},{"name":"opportunity","type":"lookup","target":"opportunity"},
 {"name":"limit","type":"formula","result_type":"currency","currency":"CNY","expression":"account.credit * 2"}]}`
)

func refObjects(t *testing.T) Related {
	objs := map[string]*forms.Object{}
	for _, d := range []string{accountRefDef, opportunityRefDef, ticketRefDef} {
		o := mustObject(t, d)
		objs[o.Name] = o
	}
	return func(name string) *forms.Object { return objs[name] }
}

// TestReferencesThroughLookups: fields of a looked-up record are typed names, checked at save
// with their position, read from the values the engine supplies, and listed for loading.
func TestReferencesThroughLookups(t *testing.T) {
	related := refObjects(t)
	env := NewEnvWith(related("ticket"), related)
	cond := Expect{Kind: KindCondition}
	for _, c := range []struct {
		src, msg  string
		line, col int
	}{
		{`account.vipp == true`, "account (a lookup to account) has no field vipp", 1, 9},
		{`account.vip + 1 > 0`, "mismatched types", 1, 13},
		{`account.name > 3`, "mismatched types", 1, 14},
		{`opportunity.account.parent.vip`, "follows more than 2 lookups", 1, 28},
		{`subject.length == 1`, "has no field length", 1, 9},
	} {
		_, is := env.Compile(c.src, cond)
		if is == nil || !strings.Contains(is.Message, c.msg) || is.Line != c.line || is.Column != c.col {
			t.Errorf("%s: got %+v, want %d:%d %q", c.src, is, c.line, c.col, c.msg)
		}
	}
	vip, is := env.Compile(`account.vip == true || opportunity.account.industry == "it"`, cond)
	if is != nil {
		t.Fatal(is)
	}
	if _, is := env.Compile(`account != nil && account.owner == user.id && account.id != ""`, cond); is != nil {
		t.Fatal(is)
	}
	var used []string
	for _, r := range env.UsedRefs() {
		used = append(used, r.Name)
	}
	if strings.Join(used, ",") != "account.id,account.owner,account.vip,opportunity.account.industry" {
		t.Errorf("used references: %v", used)
	}
	r := env.Ref("opportunity.account.industry")
	if strings.Join(r.Path, "/") != "opportunity/account/industry" || strings.Join(r.Objects, "/") != "opportunity/account" {
		t.Errorf("reference: %+v", r)
	}
	run := func(refs map[string]any) bool {
		ok, err := vip.Holds(env.Scope(map[string]any{"subject": "x", "account": "a1"}, nil, Context{Now: clock, Refs: refs}))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if run(nil) || run(map[string]any{"account.vip": false}) {
		t.Error("holds without a VIP account")
	}
	if !run(map[string]any{"account.vip": true}) || !run(map[string]any{"opportunity.account.industry": "it"}) {
		t.Error("does not hold for a VIP account or an IT opportunity's account")
	}
	// A formula reads money through the lookup, exactly.
	s, probs := CompileWith(related("ticket"), nil, related)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	out, err := s.formulas[0].prog.Run(s.Env.Scope(map[string]any{}, nil, Context{Now: clock, Refs: map[string]any{"account.credit": int64(12345)}}))
	if err != nil || out.(Decimal).text(2) != "246.90" {
		t.Errorf("limit: %v %v", out, err)
	}
	// Without related objects, a member of a lookup is a mistake as before.
	if _, is := NewEnv(related("ticket")).Compile(`account.vip`, cond); is == nil {
		t.Error("a reference compiled without related objects")
	}
}
