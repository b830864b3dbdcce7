package query

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"crm/engine/store"
	"crm/forms"
)

func mustObject(t testing.TB, src string) *forms.Object {
	t.Helper()
	var o forms.Object
	if err := json.Unmarshal([]byte(src), &o); err != nil {
		t.Fatal(err)
	}
	return &o
}

// pathObject is a deal with lookups to an account (which has a region) and to an object that
// does not exist (or the actor may not read).
func pathObject(t testing.TB) *forms.Object {
	return mustObject(t, `{"name":"deal","fields":[
	 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"}]},
	 {"name":"account","type":"lookup","target":"account"},
	 {"name":"partner","type":"lookup","target":"ghost"}]}`)
}

// testParents knows the actor's views of account (its secret field hidden) and region, and
// answers Match with an In over the lookup naming the object, recording what it was asked.
type testParents struct {
	views map[string]*forms.Object
	asked []Path
}

func newTestParents(t testing.TB) *testParents {
	return &testParents{views: map[string]*forms.Object{
		"account": mustObject(t, `{"name":"account","fields":[
		 {"name":"industry","type":"picklist","options":[{"value":"software"},{"value":"retail"}]},
		 {"name":"vip","type":"boolean"},
		 {"name":"tags","type":"multipicklist","options":[{"value":"key"}]},
		 {"name":"region","type":"lookup","target":"region"}]}`),
		"region": mustObject(t, `{"name":"region","fields":[{"name":"name","type":"text"}]}`),
	}}
}

func (p *testParents) View(object string) (*forms.Object, error) { return p.views[object], nil }

func (p *testParents) Match(path Path) (store.Filter, error) {
	p.asked = append(p.asked, path)
	return store.In{Field: path.Lookup, Values: []any{"ids:" + path.Object}, Scalar: true}, nil
}

// TestResolvePaths: each path becomes an In over its lookup (the parents' ids), the conditions
// that need no value its complement; terms ANDed on one lookup ask for their parents once.
func TestResolvePaths(t *testing.T) {
	obj := pathObject(t)
	accounts := store.In{Field: "account", Values: []any{"ids:account"}, Scalar: true}
	regions := store.In{Field: "region", Values: []any{"ids:region"}, Scalar: true}
	software := store.Compare{Field: "industry", Op: store.Eq, Value: "software", Scalar: true}
	won := store.Compare{Field: "stage", Op: store.Eq, Value: "won", Scalar: true}
	cases := []struct {
		src   string
		want  store.Filter
		asked []store.Filter // the conditions on the parents, in the order asked
	}{
		{`account.industry = "software" and stage = "won"`, store.And{accounts, won}, []store.Filter{software}},
		{`account.industry != "software"`, store.Not{F: accounts}, []store.Filter{software}},
		{`account.industry is null`, store.Not{F: accounts}, []store.Filter{store.IsNull{Field: "industry", Negate: true}}},
		{`account.industry is not null`, accounts, []store.Filter{store.IsNull{Field: "industry", Negate: true}}},
		{`not account.vip = true`, store.Not{F: accounts}, []store.Filter{store.Compare{Field: "vip", Op: store.Eq, Value: true, Scalar: true}}},
		{`account.industry in ("software", "retail")`, accounts, []store.Filter{store.In{Field: "industry", Values: []any{"software", "retail"}, Scalar: true}}},
		{`account.tags contains "key"`, accounts, []store.Filter{store.Compare{Field: "tags", Op: store.Eq, Value: "key"}}},
		{`account.id = "a1"`, accounts, []store.Filter{store.Compare{Field: "id", Op: store.Eq, Value: "a1", Scalar: true}}},
		{`account.created_at >= "2026-01-01T00:00:00Z"`, accounts, []store.Filter{store.Compare{Field: "created_at", Op: store.Ge, Value: "2026-01-01T00:00:00.000Z", Scalar: true}}},
		// One question for the terms ANDed on one lookup; a negated one stays apart.
		{`account.industry = "software" and stage = "won" and account.vip = true and account.industry != "retail"`,
			store.And{accounts, won, store.Not{F: accounts}},
			[]store.Filter{store.And{software, store.Compare{Field: "vip", Op: store.Eq, Value: true, Scalar: true}},
				store.Compare{Field: "industry", Op: store.Eq, Value: "retail", Scalar: true}}},
		{`account.industry = "software" or stage = "won"`, store.Or{accounts, won}, []store.Filter{software}},
		// Two lookups deep: the region's ids stand in the condition on the accounts.
		{`account.region.name contains "east"`, accounts, []store.Filter{store.Contains{Field: "name", Value: "east"}, regions}},
		{`account.region.name is null`, store.Not{F: accounts}, []store.Filter{store.IsNull{Field: "name", Negate: true}, regions}},
	}
	for _, c := range cases {
		n, err := Parse(c.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		ps := newTestParents(t)
		got, err := ResolveWith(n, obj, ps)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ResolveWith(%q) = %#v, %v; want %#v", c.src, got, err, c.want)
			continue
		}
		var asked []store.Filter
		for _, p := range ps.asked {
			asked = append(asked, p.Cond)
		}
		if !reflect.DeepEqual(asked, c.asked) {
			t.Errorf("ResolveWith(%q) asked for %#v; want %#v", c.src, asked, c.asked)
		}
	}
}

// TestPathErrors: a path through a field that is no lookup, to an object the actor may not read,
// to a field hidden from them, or where paths are not taken is an invalid filter at a position;
// nothing is asked of the parents then.
func TestPathErrors(t *testing.T) {
	obj := pathObject(t)
	cases := []struct {
		src  string
		pos  int // 1-based
		text string
	}{
		{`stage = "won" and stage.x = 1`, 19, `"stage" is not a lookup`},
		{`account.vip.x = 1`, 9, `"vip" is not a lookup`},
		{`account.owner.x = 1`, 9, `"owner" is not a lookup`},
		{`stage = "won" or nope.x = 1`, 18, `unknown field "nope" in nope.x`},
		{`partner.name = "x"`, 1, `unknown field "partner.name"`},
		{`account.secret = "x"`, 1, `unknown field "account.secret"`},                   // hidden from the actor: not in their view
		{`account.industry = "software" and account.secret = "x"`, 35, `unknown field`}, // also when grouped
		{`account.vip > true`, 1, `operator > cannot be used with boolean field "account.vip"`},
		{`account.industry = "oil"`, 1, `does not fit`},
		{`account.region.name.x = 1`, 1, `at most 2`},
		{`account.region.nope = 1`, 1, `unknown field "account.region.nope"`},
	}
	for _, c := range cases {
		n, err := Parse(c.src)
		ps := newTestParents(t)
		if err == nil {
			_, err = ResolveWith(n, obj, ps)
		}
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != "invalid_filter" || !strings.Contains(qe.Message, c.text) {
			t.Errorf("%q: %v, want invalid_filter with %q", c.src, err, c.text)
			continue
		}
		if qe.Pos+1 != c.pos {
			t.Errorf("%q: position %d, want %d (%s)", c.src, qe.Pos+1, c.pos, qe.Message)
		}
	}
	// Filters that take no paths (sharing rules, assignment rules) refuse them plainly.
	n, _ := Parse(`stage = "won" and account.industry = "software"`)
	_, err := Resolve(n, obj)
	var qe *Error
	if !errors.As(err, &qe) || qe.Pos != 18 || !strings.Contains(qe.Message, "cannot be used in this filter") {
		t.Errorf("Resolve with a path: %v", err)
	}
}
