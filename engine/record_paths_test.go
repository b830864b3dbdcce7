package engine

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"crm/engine/store"
	"crm/internal/testenv"
)

// TestListFilterPathShape: a lookup path reaches the store as a scalar IN over the lookup holding
// the matching parents' ids (the shape the SQLite plan test shows its index answering), or its
// exact negation; no parent matching is an IN of nothing.
func TestListFilterPathShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := New(ctx, Config{Store: testenv.OpenSQLite(t), Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	mustDefine(t, e, `{"name":"firm","fields":[{"name":"industry","type":"picklist","options":[{"value":"a"},{"value":"b"}]}]}`,
		`{"name":"deal","fields":[{"name":"stage","type":"picklist","options":[{"value":"won"}]},{"name":"firm","type":"lookup","target":"firm"}]}`)
	var a []any
	for _, ind := range []string{"a", "b", "a"} {
		r, err := e.CreateRecord(ctx, SystemActor, "firm", map[string]any{"industry": ind}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if ind == "a" {
			a = append(a, r["id"])
		}
	}
	slices.SortFunc(a, func(x, y any) int { return strings.Compare(x.(string), y.(string)) }) // parents come by id
	def, err := e.current(ctx, "deal")
	if err != nil {
		t.Fatal(err)
	}
	won := store.Compare{Field: "stage", Op: store.Eq, Value: "won", Scalar: true}
	cases := []struct {
		src  string
		want store.Filter
	}{
		{`firm.industry = "a" and stage = "won"`, store.And{store.In{Field: "firm", Values: a, Scalar: true}, won}},
		{`firm.industry != "a"`, store.Not{F: store.In{Field: "firm", Values: a, Scalar: true}}},
		{`firm.industry = "a" and firm.industry = "b"`, store.And{store.In{Field: "firm", Values: []any{}, Scalar: true}}},
	}
	for _, c := range cases {
		got, err := e.listFilter(ctx, SystemActor, def.obj, c.src)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %#v, %v; want %#v", c.src, got, err, c.want)
		}
	}
}
