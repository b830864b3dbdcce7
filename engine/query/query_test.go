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

func testObject(t testing.TB) *forms.Object {
	var o forms.Object
	err := json.Unmarshal([]byte(`{"name":"deal","fields":[
	 {"name":"title","type":"text"},
	 {"name":"amount","type":"currency","currency":"CNY","indexed":true},
	 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"}]},
	 {"name":"tags","type":"multipicklist","options":[{"value":"vip"}]},
	 {"name":"hot","type":"boolean"},
	 {"name":"close","type":"date"},
	 {"name":"seen","type":"datetime"}]}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	return &o
}

func TestResolve(t *testing.T) {
	obj := testObject(t)
	cases := []struct {
		src  string
		want store.Filter
	}{
		{`stage = "won" and amount >= 5000`, store.And{
			store.Compare{Field: "stage", Op: store.Eq, Value: "won", Scalar: true},
			store.Compare{Field: "amount", Op: store.Ge, Value: int64(500000), Scalar: true}}},
		{`amount < "0.10"`, store.Compare{Field: "amount", Op: store.Lt, Value: int64(10), Scalar: true}},
		{`a_or_b = 1 or hot = true`, nil}, // unknown field: see errors
		{`not (hot = true or title is null)`, store.Not{F: store.Or{
			store.Compare{Field: "hot", Op: store.Eq, Value: true, Scalar: true}, store.IsNull{Field: "title"}}}},
		{`stage in ("new","won")`, store.In{Field: "stage", Values: []any{"new", "won"}, Scalar: true}},
		{`tags contains "vip"`, store.Compare{Field: "tags", Op: store.Eq, Value: "vip"}},
		{`title contains "a\"b\\c"`, store.Contains{Field: "title", Value: `a"b\c`}},
		{`seen > "2026-01-01T08:00:00+08:00"`, store.Compare{Field: "seen", Op: store.Gt, Value: "2026-01-01T00:00:00.000Z", Scalar: true}},
		{`version >= 2 and owner = "u1"`, store.And{
			store.Compare{Field: "version", Op: store.Ge, Value: int64(2), Scalar: true},
			store.Compare{Field: "owner", Op: store.Eq, Value: "u1", Scalar: true}}},
		{`title is not null`, store.IsNull{Field: "title", Negate: true}},
		// A pool's records: the owner is the pool ("pool:<name>").
		{`owner = "pool:lead_pool"`, store.Compare{Field: "owner", Op: store.Eq, Value: "pool:lead_pool", Scalar: true}},
		{"", nil},
	}
	for _, c := range cases {
		n, err := Parse(c.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		got, err := Resolve(n, obj)
		if c.want == nil && c.src != "" {
			if err == nil {
				t.Errorf("Resolve(%q) = %#v, want an error", c.src, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Resolve(%q) = %#v, %v; want %#v", c.src, got, err, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	obj := testObject(t)
	cases := []struct {
		src  string
		pos  int // 1-based, 0: not positional
		text string
	}{
		{`stage = `, 9, "expected a value"},
		{`stage == "a"`, 8, "expected a value"},
		{`$where = 1`, 1, "unexpected character"},
		{`a. = 1`, 2, `"." joins a lookup`},
		{`a.1 = 1`, 2, `"." joins a lookup`},
		{`a..b = 1`, 2, `"." joins a lookup`},
		{`a.b.c.d = 1`, 1, "at most 2"},
		{`title = "open`, 9, "not closed"},
		{`(title = "a"`, 13, "expected )"},
		{`title = "a" title`, 13, "unexpected"},
		{`amount > "lots"`, 1, "does not fit"},
		{`owner = "pool:Not A Name"`, 1, "does not fit"},
		{`hot > true`, 1, "cannot be used"},
		{`stage contains "w"`, 1, "cannot be used"},
		{`tags contains "nope"`, 1, "not an option"},
		{`close = "2026-02-30"`, 1, "does not fit"},
		{`salary > 1`, 1, `unknown field "salary"`},
		{`title = "a` + "\x00" + `"`, 11, "NUL"},
		{strings.Repeat("(", 12) + `hot = true` + strings.Repeat(")", 12), 10, "nested"},
		{strings.Repeat(`hot = true and `, MaxTerms) + `hot = true`, 0, "more than"},
		{`title in (` + strings.Repeat(`"a",`, MaxInValues) + `"a")`, 0, "at most"},
	}
	for _, c := range cases {
		n, err := Parse(c.src)
		if err == nil {
			_, err = Resolve(n, obj)
		}
		var qe *Error
		if !errors.As(err, &qe) || qe.Code != "invalid_filter" || !strings.Contains(qe.Message, c.text) {
			t.Errorf("%q: %v, want invalid_filter with %q", c.src, err, c.text)
			continue
		}
		if c.pos != 0 && qe.Pos+1 != c.pos {
			t.Errorf("%q: position %d, want %d (%s)", c.src, qe.Pos+1, c.pos, qe.Message)
		}
	}
}

func TestSortAndCursor(t *testing.T) {
	obj := testObject(t)
	if _, err := ParseSort("title", obj); err != nil {
		t.Errorf("sorting by a field without an index: %v", err)
	}
	if _, err := ParseSort("tags", obj); err == nil {
		t.Error("sorting by a multipicklist must be refused")
	}
	keys, err := ParseSort("-amount, created_at", obj)
	if err != nil || !reflect.DeepEqual(keys, []store.SortKey{{Field: "amount", Desc: true}, {Field: "created_at", Present: true}}) {
		t.Fatalf("ParseSort: %v %v", keys, err)
	}
	cur := EncodeCursor(keys, store.Doc{"id": "x1", "amount": int64(1250), "created_at": "2026-01-01T00:00:00.000Z"})
	f, err := DecodeCursor(cur, keys, obj)
	if err != nil {
		t.Fatal(err)
	}
	want := store.After(keys, []any{int64(1250), "2026-01-01T00:00:00.000Z", "x1"})
	if !reflect.DeepEqual(f, want) {
		t.Errorf("cursor decodes to %#v, want %#v", f, want)
	}
	other, _ := ParseSort("amount", obj)
	if _, err := DecodeCursor(cur, other, obj); err == nil {
		t.Error("a cursor of another sort must be refused")
	}
}

// FuzzParse: no input makes the parser or resolver panic, and everything accepted resolves only
// to fields the object defines.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`stage = "won" and amount >= 5000`, `not (a = 1 or b is null)`, `x in (1,2,"3")`,
		`title contains "\"\\"`, `((((hot = true))))`, `$gt`, `a.b`, `-1.5`, "\x00",
		`account.industry = "software" and stage = "won"`, `not account.vip = true or account.region.name is null`,
		`account.industry != "a" and account.vip = true`, `account..x`, `account.secret = "1"`, `partner.x = 1`} {
		f.Add(s)
	}
	obj, views := pathObject(f), newTestParents(f).views
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			return
		}
		_, _ = Resolve(n, obj)
		ps := &testParents{views: views}
		if _, err := ResolveWith(n, obj, ps); err == nil {
			for _, p := range ps.asked {
				if p.Object != "account" && p.Object != "region" {
					t.Fatalf("%q asked for parents of %q", src, p.Object)
				}
			}
		}
	})
}

// TestMarkPresent: a sort key the filter compares is present in every record of the list, so its
// cursor bounds it from both sides; one the filter may leave missing is not.
func TestMarkPresent(t *testing.T) {
	amount := func() []store.SortKey { return []store.SortKey{{Field: "amount", Desc: true}} }
	cases := []struct {
		f    store.Filter
		want bool
	}{
		{nil, false},
		{store.And{store.Compare{Field: "stage", Op: store.Eq, Value: "won"}, store.Compare{Field: "amount", Op: store.Gt, Value: int64(100)}}, true},
		{store.Compare{Field: "amount", Op: store.Ne, Value: int64(1)}, false},
		{store.Or{store.Compare{Field: "amount", Op: store.Lt, Value: int64(1)}, store.Compare{Field: "stage", Op: store.Eq, Value: "won"}}, false},
		{store.Or{store.Compare{Field: "amount", Op: store.Lt, Value: int64(1)}, store.IsNull{Field: "amount", Negate: true}}, true},
		{store.Not{F: store.IsNull{Field: "amount"}}, false}, // not looked into: only ever missed, never wrong
	}
	for i, c := range cases {
		keys := amount()
		MarkPresent(keys, c.f)
		if keys[0].Present != c.want {
			t.Errorf("case %d: Present %v, want %v", i, keys[0].Present, c.want)
		}
	}
}
