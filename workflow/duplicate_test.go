package workflow

import (
	"encoding/json"
	"strings"
	"testing"

	"crm/forms"
)

func TestDuplicateKeysNormalize(t *testing.T) {
	t.Parallel()
	same := []struct {
		match string
		a, b  any
	}{
		{MatchCaseInsensitive, "  ACME  Trading ", "acme trading"},
		{MatchCaseInsensitive, "ＡＣＭＥ", "acme"}, // full-width letters
		{MatchEmail, " Li.Lei+crm@Example.COM ", "li.lei@example.com"},
		{MatchEmail, "mailto:a@b.cn", "A@B.CN"},
		{MatchPhone, "+86 138-0013-8000", "138 0013 8000"},
		{MatchPhone, "0086 13800138000", "(138) 0013 8000"},
		{MatchPhone, "010-6552 9988", "+86 10 65529988"},
		{MatchFuzzy, "阿里巴巴(中国)有限公司", "阿里巴巴中国有限公司"},
		{MatchFuzzy, "阿里巴巴（中国）有限公司", "阿里巴巴中国"},
		{MatchFuzzy, "ACME Co., Ltd.", "acme"},
		{MatchFuzzy, "The Acme Corporation", "Acme Corp"},
		{MatchExact, int64(42), "42"},
	}
	for _, c := range same {
		a, okA := Key(c.match, c.a, "CN")
		b, okB := Key(c.match, c.b, "CN")
		if !okA || !okB || a != b {
			t.Errorf("%s: %q -> %q, %q -> %q, want equal keys", c.match, c.a, a, c.b, b)
		}
	}
	differ := []struct {
		match string
		a, b  any
	}{
		{MatchExact, "Acme", "acme"},
		{MatchEmail, "a@b.cn", "a@c.cn"},
		{MatchPhone, "+1 415 555 0100", "+86 415 555 0100"},
		{MatchFuzzy, "Costco", "Cost"}, // "co" is a suffix only as a word of its own
		{MatchFuzzy, "阿里巴巴", "腾讯"},
	}
	for _, c := range differ {
		a, _ := Key(c.match, c.a, "CN")
		b, _ := Key(c.match, c.b, "CN")
		if a == b {
			t.Errorf("%s: %q and %q both -> %q, want different keys", c.match, c.a, c.b, a)
		}
	}
	for _, empty := range []any{nil, "", "   ", "()", map[string]any{}} {
		if k, ok := Key(MatchFuzzy, empty, "CN"); ok {
			t.Errorf("Key(%v) = %q, want none: an empty value matches nothing", empty, k)
		}
	}
	if k, ok := Key(MatchPhone, "call me", "CN"); ok {
		t.Errorf("a phone without digits has a key %q", k)
	}
}

func TestFuzzySimilarityThreshold(t *testing.T) {
	t.Parallel()
	c := MatchCondition{Match: MatchFuzzy}
	a, _ := Key(MatchFuzzy, "Acme Industries Ltd", "")
	b, _ := Key(MatchFuzzy, "ACME Industrys", "")
	if s := Similarity(a, b); !c.Matches(a, b) {
		t.Errorf("%q vs %q: similarity %.2f, want a match at %.2f", a, b, s, c.Similarity())
	}
	x, _ := Key(MatchFuzzy, "Acme Logistics", "")
	if c.Matches(a, x) {
		t.Errorf("%q vs %q: similarity %.2f matched", a, x, Similarity(a, x))
	}
	strict := MatchCondition{Match: MatchFuzzy, Threshold: 0.99}
	if strict.Matches(a, b) {
		t.Errorf("a 0.99 threshold matched %q and %q", a, b)
	}
	if Similarity("阿里巴巴中国", "阿里巴巴中囯") < 0.8 {
		t.Errorf("one character of six differs: %.2f", Similarity("阿里巴巴中国", "阿里巴巴中囯"))
	}
}

func TestCheckDuplicateRulesReportsEveryProblem(t *testing.T) {
	t.Parallel()
	lead := &forms.Object{Name: "lead", Fields: []*forms.Field{
		{Name: "email", Type: forms.TypeEmail}, {Name: "company", Type: forms.TypeText},
		{Name: "amount", Type: forms.TypeNumber}}}
	contact := &forms.Object{Name: "contact", Fields: []*forms.Field{{Name: "email", Type: forms.TypeEmail}, {Name: "phone", Type: forms.TypePhone}}}
	objs := map[string]*forms.Object{"lead": lead, "contact": contact}
	var d DuplicateRules
	if err := json.Unmarshal([]byte(`{"object":"lead","rules":[
	 {"name":"ok","action":"block","against":"contact","conditions":[{"field":"email","match":"email"}]},
	 {"name":"ok","action":"stop","conditions":[{"field":"nope","match":"exact"}]},
	 {"name":"Bad","action":"warn","against":"ghost","conditions":[]},
	 {"name":"types","action":"warn","conditions":[{"field":"amount","match":"fuzzy","threshold":2},{"field":"company","match":"soundex"},{"field":"email","match":"email","region":"CN"}]},
	 {"name":"other","action":"warn","against":"contact","conditions":[{"field":"company","match":"fuzzy","against_field":"phone"}]}]}`), &d); err != nil {
		t.Fatal(err)
	}
	probs := CheckDuplicateRules(&d, func(n string) *forms.Object { return objs[n] })
	var got []string
	for _, p := range probs {
		got = append(got, p.Pointer+" "+p.Code)
	}
	want := []string{
		"/rules/1/name duplicate_name", "/rules/1/action invalid_option", "/rules/1/conditions/0/field unknown_field",
		"/rules/1/conditions/0/against_field unknown_field",
		"/rules/2/name invalid_name", "/rules/2/against unknown_object", "/rules/2/conditions invalid_option",
		"/rules/3/conditions/0/field invalid_field", "/rules/3/conditions/0/against_field invalid_field",
		"/rules/3/conditions/0/threshold invalid_option", "/rules/3/conditions/1/match invalid_option",
		"/rules/3/conditions/2/region invalid_option",
		"/rules/4/conditions/0/against_field invalid_field",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestKeySpecsCoverBothSides(t *testing.T) {
	t.Parallel()
	specs := KeySpecs([]*DuplicateRules{{Object: "lead", Rules: []DuplicateRule{
		{Name: "email", Action: DuplicateWarn, Conditions: []MatchCondition{{Field: "email", Match: MatchEmail}}},
		{Name: "contact", Action: DuplicateWarn, Against: "contact", Conditions: []MatchCondition{{Field: "email", Match: MatchEmail, AgainstField: "work_email"}}},
		{Name: "off", Action: DuplicateWarn, Disabled: true, Conditions: []MatchCondition{{Field: "company", Match: MatchFuzzy}}},
	}}})
	if len(specs["lead"]) != 1 || specs["lead"][0].Name() != "dupkey_em_email" {
		t.Errorf("lead keys %+v, want its email once", specs["lead"])
	}
	if len(specs["contact"]) != 1 || specs["contact"][0].Name() != "dupkey_em_work_email" {
		t.Errorf("contact keys %+v, want work_email", specs["contact"])
	}
	long := KeyField(strings.Repeat("f", 63), MatchFuzzy)
	if len(long) > 63 || !strings.HasPrefix(long, KeyPrefix) {
		t.Errorf("long key name %q", long)
	}
}
