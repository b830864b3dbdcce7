package rules

import (
	"strings"
	"testing"
)

func TestCompileRefusesMistakesWithPosition(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	cond := Expect{Kind: KindCondition}
	cases := []struct {
		name, src string
		want      Expect
		line, col int
		msg       string
	}{
		{"misspelt field", `amont > 5`, cond, 1, 1, "unknown name amont"},
		{"misspelt field later", `stage == "won" && clse_date < today()`, cond, 1, 19, "unknown name clse_date"},
		{"misspelt field in a call", `upper(compny) == "ACME"`, cond, 1, 7, "unknown name compny"},
		{"misspelt old field", `old.stge != stage`, cond, 1, 5, "unknown field stge"},
		{"misspelt user field", `user.teem == "north"`, cond, 1, 6, "unknown field teem"},
		{"money against text", `amount > "x"`, cond, 1, 8, "mismatched types"},
		{"text plus number", `name + 1 == "x"`, cond, 1, 6, "mismatched types"},
		{"second line", "stage == \"won\" &&\n  seats == \"many\"", cond, 2, 9, "mismatched types"},
		{"condition not bool", `amount * 2`, cond, 1, 1, "must be true or false"},
		{"formula of wrong type", `name`, Expect{Kind: KindFormula, Type: "currency"}, 1, 1, "a currency value is needed, this gives text"},
		{"integer from number", `probability * 2`, Expect{Kind: KindFormula, Type: "integer"}, 1, 1, "gives a number"},
		{"date from text", `"2026-01-01"`, Expect{Kind: KindValue, Type: "date"}, 1, 1, "gives text"},
		{"method of a value", `created_at.Unix() > 0`, cond, 1, 12, "only the functions of the library"},
		{"money method", `amount.String() == "1"`, cond, 1, 8, "only the functions of the library"},
		{"builtin not allowed", `upper(name) == toJSON(name)`, cond, 1, 16, "unknown function toJSON"},
		{"changed needs a field", `changed("stag")`, cond, 1, 9, "unknown field stag"},
		{"changed needs a literal", `changed(name)`, cond, 1, 9, "in quotes"},
		{"syntax", `stage == `, cond, 1, 9, "unexpected token"},
		{"function arity", `daysBetween(close_date)`, cond, 1, 1, "not enough arguments"},
		{"function argument type", `lower(amount) == "x"`, cond, 1, 7, "cannot use"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, is := env.Compile(c.src, c.want)
			if is == nil {
				t.Fatalf("accepted %q (type %v)", c.src, p.prog.Node().Type())
			}
			if is.Line != c.line || is.Column != c.col || !strings.Contains(is.Message, c.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", is.Line, is.Column, is.Message, c.line, c.col, c.msg)
			}
		})
	}
}

func TestCompileAcceptsTheLanguage(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	for _, c := range []struct {
		src  string
		want Expect
	}{
		{`close_date < today() && stage != "closed_won"`, Expect{Kind: KindCondition}},
		{`amount * probability / 100`, Expect{Kind: KindFormula, Type: "currency"}},
		{`amount > 5000 and stage in ["won", "closed_won"]`, Expect{Kind: KindCondition}},
		{`name contains "Ltd" or name startsWith "A" or name endsWith "Inc" or name matches "^[A-Z]"`, Expect{Kind: KindCondition}},
		{`"vip" in tags && any(tags, # == "renewal")`, Expect{Kind: KindCondition}},
		{`old.stage != stage && changed("stage")`, Expect{Kind: KindCondition}},
		{`"sales" in user.roles && user.team == "north"`, Expect{Kind: KindCondition}},
		{`seats * 2`, Expect{Kind: KindFormula, Type: "integer"}},
		{`seats * 2`, Expect{Kind: KindFormula, Type: "currency"}},
		{`round(amount / 3, 2)`, Expect{Kind: KindFormula, Type: "currency"}},
		{`addDays(today(), 30)`, Expect{Kind: KindValue, Type: "date"}},
		{`upper(trim(name)) + "-" + lower(coalesce(stage, "none"))`, Expect{Kind: KindFormula, Type: "text"}},
		{`isBlank(lost_reason) ? 0 : len(lost_reason)`, Expect{Kind: KindFormula, Type: "integer"}},
		{`hoursBetween(created_at, now()) > 4.5 || daysBetween(today(), close_date) <= 7`, Expect{Kind: KindCondition}},
		{`close_date == nil`, Expect{Kind: KindCondition}},
	} {
		if _, is := env.Compile(c.src, c.want); is != nil {
			t.Errorf("%q refused: %v", c.src, is)
		}
	}
}

func TestCompileLimits(t *testing.T) {
	env := NewEnv(mustObject(t, opportunityDef))
	long := strings.Repeat("seats + ", MaxLength/8) + "1 > 0"
	if _, is := env.Compile(long, Expect{Kind: KindCondition}); is == nil || !strings.Contains(is.Message, "longer than") {
		t.Errorf("long expression: %v", is)
	}
	// Within the length limit but over the node limit.
	many := strings.Repeat("1+", 1500) + "1 > 0"
	if _, is := env.Compile(many, Expect{Kind: KindCondition}); is == nil {
		t.Error("an expression of 3000 nodes was accepted")
	}
}

func TestDefinitionProblemsAllAtOnce(t *testing.T) {
	def := strings.NewReplacer(
		`"expression":"amount * probability / 100"`, `"expression":"amont * probability / 100"`,
		`"visible_when":"stage == \"lost\""`, `"visible_when":"stage"`,
		`close_date < today()`, `close_date < \"today\"`,
	).Replace(opportunityDef)
	_, probs := Compile(mustObject(t, def), nil)
	want := map[string]string{
		"/fields/11/expression":          "unknown name amont",
		"/fields/5/visible_when":         "must be true or false",
		"/validation_rules/0/error_when": "mismatched types",
	}
	if len(probs) != len(want) {
		t.Fatalf("problems: %+v", probs)
	}
	for _, p := range probs {
		if !strings.Contains(p.Message, want[p.Pointer]) || p.Line == 0 || p.Column == 0 || p.Code != "invalid_expression" {
			t.Errorf("problem %+v, want message containing %q", p, want[p.Pointer])
		}
	}
}

func TestCyclicFormulasAreRefused(t *testing.T) {
	def := `{"name":"x","fields":[
	 {"name":"a","type":"formula","result_type":"integer","expression":"b + 1"},
	 {"name":"b","type":"formula","result_type":"integer","expression":"c + 1"},
	 {"name":"c","type":"formula","result_type":"integer","expression":"a + 1"},
	 {"name":"d","type":"formula","result_type":"integer","expression":"e * 2"},
	 {"name":"e","type":"integer"}]}`
	_, probs := Compile(mustObject(t, def), nil)
	if len(probs) != 1 || probs[0].Code != "cyclic_expression" || !strings.Contains(probs[0].Message, "a -> b -> c -> a") {
		t.Fatalf("problems: %+v", probs)
	}
}

func TestReadsAndHidden(t *testing.T) {
	s := mustSet(t, opportunityDef)
	for src, want := range map[string]string{
		`amount > 1 && stage == "won"`:              "amount stage",
		`old.discount != discount`:                  "discount",
		`changed("seats") && user.name == "x"`:      "seats",
		`let x = seats; x > 0 && id != ""`:          "seats",
		`coalesce(old.close_date, today()) > now()`: "close_date",
		`old[lower(region)] == name`:                "amount close_date discount follow_up lost_reason name net probability region seats stage tags weighted",
	} {
		p, is := s.Env.Compile(src, Expect{Kind: KindCondition})
		if is != nil {
			t.Fatalf("%s: %v", src, is)
		}
		if got := strings.Join(p.Reads(), " "); got != want {
			t.Errorf("%s reads %q, want %q", src, got, want)
		}
	}
	h := s.Hidden(map[string]bool{"discount": true})
	if !h["discount"] || !h["net"] || h["weighted"] || h["amount"] {
		t.Errorf("hiding discount hides %v, want discount and net (which reads it)", h)
	}
	if h := s.Hidden(map[string]bool{"probability": true}); !h["weighted"] || !h["net"] {
		t.Errorf("hiding probability hides %v, want weighted and, through it, net", h)
	}
}
