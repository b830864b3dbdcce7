package rules

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"crm/forms"
)

// opportunityDef exercises every kind of expression.
const opportunityDef = `{"name":"opportunity","fields":[
 {"name":"name","type":"text","required":true},
 {"name":"amount","type":"currency","currency":"CNY"},
 {"name":"probability","type":"percent","scale":0},
 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"},{"value":"closed_won"}]},
 {"name":"close_date","type":"date"},
 {"name":"lost_reason","type":"textarea","visible_when":"stage == \"lost\"","required_when":"stage == \"lost\""},
 {"name":"discount","type":"currency","currency":"CNY","read_only_when":"stage == \"won\""},
 {"name":"tags","type":"multipicklist","options":[{"value":"vip"},{"value":"renewal"}]},
 {"name":"seats","type":"integer"},
 {"name":"follow_up","type":"date","default_expression":"addDays(today(), 7)"},
 {"name":"region","type":"text","default":"north"},
 {"name":"weighted","type":"formula","result_type":"currency","currency":"CNY","expression":"amount * probability / 100"},
 {"name":"net","type":"formula","result_type":"currency","currency":"CNY","expression":"weighted - coalesce(discount, 0)"}],
 "validation_rules":[
  {"name":"close_in_future","error_when":"close_date < today() && stage != \"closed_won\"","field":"close_date",
   "message":{"en":"Close date must be in the future","zh-CN":"结单日期必须晚于今天"}},
  {"name":"seats_for_renewal","error_when":"\"renewal\" in tags && seats == nil"}]}`

// clock is the injected now of every test: Friday 2026-11-20 10:00 in Shanghai.
var clock = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func shanghai(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustObject(t testing.TB, def string) *forms.Object {
	t.Helper()
	var obj forms.Object
	dec := json.NewDecoder(strings.NewReader(def))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		t.Fatal(err)
	}
	if probs := obj.Check(nil); len(probs) > 0 {
		t.Fatalf("definition: %v", probs)
	}
	return &obj
}

func mustSet(t testing.TB, def string) *Set {
	t.Helper()
	obj := mustObject(t, def)
	c, err := forms.Compile(obj)
	if err != nil {
		t.Fatal(err)
	}
	s, probs := Compile(obj, c)
	if len(probs) > 0 {
		t.Fatalf("expressions: %v", probs)
	}
	return s
}

func ctx(t testing.TB) Context {
	return Context{Now: clock, Location: shanghai(t), User: User{ID: "u1", Email: "rep@example.com", Roles: []string{"sales"}, Team: "north"}}
}

// input decodes a wire-form record as the API does (numbers as json.Number).
func input(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}
