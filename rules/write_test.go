package rules

import (
	"encoding/json"
	"slices"
	"testing"

	"crm/forms"
)

func codes(errs []forms.FieldError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field+":"+e.Code)
	}
	slices.Sort(out)
	return out
}

func TestWriteCreate(t *testing.T) {
	s := mustSet(t, opportunityDef)
	out := s.Write(Draft{Input: input(t, `{"name":"Deal","amount":"1000.00","probability":25,"stage":"new","close_date":"2026-12-01","discount":"50"}`),
		Context: ctx(t), Locale: "en"})
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %+v", out.Errors)
	}
	want := map[string]any{
		"weighted":  int64(25000), // 1000.00 * 25 / 100 = 250.00
		"net":       int64(20000), // 250.00 - 50.00
		"follow_up": "2026-11-27", // addDays(today(), 7), today in Shanghai
		"region":    "north",      // literal default
	}
	for k, v := range want {
		if out.Stored[k] != v {
			t.Errorf("%s = %#v, want %#v", k, out.Stored[k], v)
		}
	}
	if out.Values["weighted"] != json.Number("250.00") {
		t.Errorf("wire weighted = %#v", out.Values["weighted"])
	}
	if st := out.Fields["lost_reason"]; st.Visible || st.Required {
		t.Errorf("lost_reason state %+v while stage is new", st)
	}
	// A default is not applied over a value the user gave.
	out = s.Write(Draft{Input: input(t, `{"name":"D","follow_up":"2027-01-05","region":"south"}`), Context: ctx(t), Locale: "en"})
	if out.Stored["follow_up"] != "2027-01-05" || out.Stored["region"] != "south" {
		t.Errorf("defaults overrode input: %v %+v", out.Stored, out.Errors)
	}
}

func TestWriteReportsEverythingAtOnce(t *testing.T) {
	s := mustSet(t, opportunityDef)
	out := s.Write(Draft{Input: input(t, `{"amount":"abc","stage":"lost","close_date":"2026-11-01","tags":["renewal"],"weighted":"5"}`),
		Context: ctx(t), Locale: "zh-CN"})
	got := codes(out.Errors)
	want := []string{":validation_rule", "amount:pattern", "close_date:validation_rule", "lost_reason:required", "name:required", "weighted:read_only"}
	if !slices.Equal(got, want) {
		t.Fatalf("errors %v, want %v (%+v)", got, want, out.Errors)
	}
	if out.Stored != nil {
		t.Error("stored values despite errors")
	}
	for _, e := range out.Errors {
		if e.Rule == "close_in_future" && e.Message != "结单日期必须晚于今天" {
			t.Errorf("rule message in zh-CN: %q", e.Message)
		}
		if e.Rule == "seats_for_renewal" && e.Message != "不满足规则 seats_for_renewal" {
			t.Errorf("rule without message: %q", e.Message)
		}
	}
	if st := out.Fields["lost_reason"]; !st.Visible || !st.Required {
		t.Errorf("lost_reason state %+v while stage is lost", st)
	}
}

func TestWriteUpdate(t *testing.T) {
	s := mustSet(t, opportunityDef)
	old := map[string]any{"id": "r1", "version": int64(3), "name": "Deal", "amount": int64(100000), "probability": 50.0,
		"stage": "won", "discount": int64(1000), "weighted": int64(50000), "net": int64(49000), "created_at": "2026-11-01T00:00:00.000Z"}

	// read_only_when holds on the stored record (stage won): the discount may not change, even
	// together with a stage change that would lift the condition.
	out := s.Write(Draft{Input: input(t, `{"discount":"20","stage":"new"}`), Old: old, Context: ctx(t), Locale: "en"})
	if got := codes(out.Errors); !slices.Equal(got, []string{"discount:read_only"}) {
		t.Errorf("errors %v", got)
	}
	// Sending it back unchanged is fine; formulas follow the new amount.
	out = s.Write(Draft{Input: input(t, `{"discount":"10.00","amount":"2000"}`), Old: old, Context: ctx(t), Locale: "en"})
	if len(out.Errors) > 0 {
		t.Fatalf("errors: %+v", out.Errors)
	}
	if out.Stored["weighted"] != int64(100000) || out.Stored["net"] != int64(99000) {
		t.Errorf("formulas after update: %v %v", out.Stored["weighted"], out.Stored["net"])
	}
	if !out.Fields["discount"].ReadOnly || !out.Fields["weighted"].ReadOnly {
		t.Errorf("states %+v", out.Fields)
	}
	// System fields may be echoed, not changed; defaults do not apply on update.
	out = s.Write(Draft{Input: input(t, `{"id":"r1","version":4}`), Old: old, Context: ctx(t), Locale: "en"})
	if got := codes(out.Errors); !slices.Equal(got, []string{"version:read_only"}) {
		t.Errorf("errors %v", got)
	}
	out = s.Write(Draft{Input: input(t, `{"id":"r1"}`), Old: old, Context: ctx(t), Locale: "en"})
	if len(out.Errors) > 0 || out.Stored["follow_up"] != nil || out.Stored["region"] != nil {
		t.Errorf("update applied defaults or failed: %v %+v", out.Stored, out.Errors)
	}
}

// TestAutomatedWritesSetReadOnlyFields: a field read-only to users (a stamp, a flag) is set by
// the engine's own writes; formulas and system fields stay out of reach for them too.
func TestAutomatedWritesSetReadOnlyFields(t *testing.T) {
	s := mustSet(t, `{"name":"t","fields":[{"name":"title","type":"text"},
	 {"name":"stale","type":"boolean","read_only":true},
	 {"name":"amount","type":"integer","read_only_when":"title == \"a\""},
	 {"name":"loud","type":"formula","result_type":"text","expression":"upper(title)"}]}`)
	old := map[string]any{"id": "r1", "version": int64(1), "title": "a", "loud": "A"}
	user := s.Write(Draft{Input: input(t, `{"stale":true,"amount":5}`), Old: old, Context: ctx(t), Locale: "en"})
	if got := codes(user.Errors); !slices.Equal(got, []string{"amount:read_only", "stale:read_only"}) {
		t.Errorf("a user set a read-only field: %v", got)
	}
	auto := s.Write(Draft{Input: input(t, `{"stale":true,"amount":5}`), Old: old, Context: ctx(t), Locale: "en", Automated: true})
	if len(auto.Errors) > 0 || auto.Stored["stale"] != true || auto.Stored["amount"] != int64(5) {
		t.Errorf("automated write: %+v %v", auto.Errors, auto.Stored)
	}
	auto = s.Write(Draft{Input: input(t, `{"loud":"X","version":9}`), Old: old, Context: ctx(t), Locale: "en", Automated: true})
	if got := codes(auto.Errors); !slices.Equal(got, []string{"loud:read_only", "version:read_only"}) {
		t.Errorf("automated write of computed and system fields: %v", got)
	}
}

func TestHiddenFieldsAreNotRequired(t *testing.T) {
	def := `{"name":"t","fields":[{"name":"kind","type":"text"},
	  {"name":"detail","type":"text","required":true,"visible_when":"kind == \"other\""}]}`
	s := mustSet(t, def)
	if out := s.Write(Draft{Input: input(t, `{"kind":"simple"}`), Context: ctx(t)}); len(out.Errors) > 0 {
		t.Errorf("hidden required field refused: %+v", out.Errors)
	}
	if out := s.Write(Draft{Input: input(t, `{"kind":"other"}`), Context: ctx(t)}); !slices.Equal(codes(out.Errors), []string{"detail:required"}) {
		t.Errorf("visible required field: %+v", out.Errors)
	}
}

// TestHiddenFieldsTakeNoValue: a field whose visible condition is false is refused a value, from
// users and automations alike; a value stored while it applied stays until changed, and may be
// sent back unchanged or cleared.
func TestHiddenFieldsTakeNoValue(t *testing.T) {
	def := `{"name":"t","fields":[{"name":"kind","type":"picklist","options":[{"value":"sale"},{"value":"lease"}]},
	  {"name":"lease_end","type":"date","visible_when":"kind == \"lease\""}]}`
	s := mustSet(t, def)
	write := func(in string, old map[string]any, automated bool) []string {
		t.Helper()
		return codes(s.Write(Draft{Input: input(t, in), Old: old, Context: ctx(t), Locale: "zh-CN", Automated: automated}).Errors)
	}
	refused := []string{"lease_end:not_visible"}
	if got := write(`{"kind":"sale","lease_end":"2027-01-31"}`, nil, false); !slices.Equal(got, refused) {
		t.Errorf("create of a sale with a lease end: %v", got)
	}
	if got := write(`{"kind":"sale","lease_end":"2027-01-31"}`, nil, true); !slices.Equal(got, refused) {
		t.Errorf("automated create of a sale with a lease end: %v", got)
	}
	if got := write(`{"kind":"lease","lease_end":"2027-01-31"}`, nil, false); len(got) > 0 {
		t.Errorf("create of a lease: %v", got)
	}
	lease := map[string]any{"kind": "lease", "lease_end": "2027-01-31", "id": "r1", "version": int64(1)}
	out := s.Write(Draft{Input: input(t, `{"kind":"sale"}`), Old: lease, Context: ctx(t)})
	if len(out.Errors) > 0 || out.Stored["lease_end"] != "2027-01-31" {
		t.Errorf("a lease turned sale keeps its stored end: %v %+v", out.Stored, out.Errors)
	}
	if got := write(`{"kind":"sale","lease_end":"2027-01-31"}`, lease, false); len(got) > 0 {
		t.Errorf("the stored end sent back unchanged: %v", got)
	}
	if got := write(`{"kind":"sale","lease_end":null}`, lease, false); len(got) > 0 {
		t.Errorf("the stored end cleared: %v", got)
	}
	if got := write(`{"kind":"sale","lease_end":"2028-01-31"}`, lease, false); !slices.Equal(got, refused) {
		t.Errorf("a new end for a sale: %v", got)
	}
	if e := s.Write(Draft{Input: input(t, `{"kind":"sale","lease_end":"2027-01-31"}`), Context: ctx(t), Locale: "zh-CN"}).Errors; len(e) != 1 || e[0].Message != "此字段不适用于该记录（按条件隐藏）" {
		t.Errorf("message: %+v", e)
	}
}

func TestFailingExpressionsAreFieldErrors(t *testing.T) {
	def := `{"name":"t","fields":[{"name":"a","type":"integer"},{"name":"b","type":"integer"},
	  {"name":"ratio","type":"formula","result_type":"currency","expression":"a / b * 1.0"},
	  {"name":"label","type":"text","default_expression":"a matches (\"[\" + \"x\") ? \"y\" : \"z\""}],
	  "validation_rules":[{"name":"bad_regex","error_when":"string(a) matches \"(\"","field":"a"}]}`
	obj := mustObject(t, def)
	if _, probs := Compile(obj, nil); len(probs) != 2 {
		t.Fatalf("string() and matches on an int should be refused at save: %+v", probs)
	}
	def = `{"name":"t","fields":[{"name":"a","type":"currency","currency":"CNY"},{"name":"b","type":"integer"},
	  {"name":"ratio","type":"formula","result_type":"currency","currency":"CNY","expression":"a / b"}],
	  "validation_rules":[{"name":"per_seat","error_when":"a / b > 100","field":"b"}]}`
	s := mustSet(t, def)
	out := s.Write(Draft{Input: input(t, `{"a":"10","b":0}`), Context: ctx(t), Locale: "en"})
	got := codes(out.Errors)
	if !slices.Equal(got, []string{"b:rule_failed", "ratio:formula_failed"}) {
		t.Fatalf("errors %v %+v", got, out.Errors)
	}
	// An empty input leaves the formula empty and the rule not holding: no error.
	out = s.Write(Draft{Input: input(t, `{"a":"10"}`), Context: ctx(t), Locale: "en"})
	if len(out.Errors) > 0 || out.Stored["ratio"] != nil {
		t.Errorf("empty divisor: %+v %v", out.Errors, out.Stored)
	}
}

// TestDryRunIgnoresHiddenFields: a dry run told to a user from whom stage is hidden does not run
// the conditions over stage, and a hidden field in the input is refused whatever its value.
func TestDryRunIgnoresHiddenFields(t *testing.T) {
	s := mustSet(t, opportunityDef)
	hidden := map[string]bool{"stage": true}
	for _, stage := range []string{"won", "lost"} {
		old := map[string]any{"id": "r1", "version": int64(1), "name": "Deal", "stage": stage}
		out := s.Write(Draft{Input: input(t, `{"stage":"`+stage+`"}`), Old: old, Context: ctx(t), Locale: "en", Hidden: hidden, DryRun: true})
		if got := codes(out.Errors); !slices.Equal(got, []string{"stage:read_only"}) {
			t.Errorf("%s: errors %v", stage, got)
		}
		if lr, d := out.Fields["lost_reason"], out.Fields["discount"]; !lr.Visible || lr.Required || d.ReadOnly {
			t.Errorf("%s: states depend on the hidden stage: %+v %+v", stage, lr, d)
		}
	}
	// A real write enforces them.
	old := map[string]any{"id": "r1", "version": int64(1), "name": "Deal", "stage": "won", "discount": int64(1000)}
	out := s.Write(Draft{Input: input(t, `{"discount":"20"}`), Old: old, Context: ctx(t), Locale: "en", Hidden: hidden})
	if got := codes(out.Errors); !slices.Equal(got, []string{"discount:read_only"}) {
		t.Errorf("real write: errors %v", got)
	}
}

// TestWriteOverBudget: every kind of expression stopped by its budget reports expression_budget
// at its field, a visibility condition too (other failures of one only show the field).
func TestWriteOverBudget(t *testing.T) {
	const nested = `let r = 1..seats; count(r, count(r, count(r, # > 0) == seats) == seats) == 0`
	s := mustSet(t, `{"name":"fleet","fields":[
 {"name":"seats","type":"integer"},
 {"name":"a","type":"text","visible_when":"`+nested+`"},
 {"name":"b","type":"text","required_when":"`+nested+`"},
 {"name":"c","type":"integer","default_expression":"`+nested+` ? 1 : 0"},
 {"name":"d","type":"formula","result_type":"boolean","expression":"`+nested+`"}],
 "validation_rules":[{"name":"e","field":"seats","error_when":"`+nested+`"}]}`)
	out := s.Write(Draft{Input: input(t, `{"seats":200}`), Context: ctx(t), Locale: "en"})
	want := []string{"a:expression_budget", "b:expression_budget", "c:expression_budget", "d:expression_budget", "seats:expression_budget"}
	if got := codes(out.Errors); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if out := s.Write(Draft{Input: input(t, `{"seats":20}`), Context: ctx(t), Locale: "en"}); len(out.Errors) > 0 {
		t.Errorf("within budget: %+v", out.Errors)
	}
}
