package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"crm/internal/testenv"
)

const sortDef = `{"name":"firm","fields":[{"name":"company","type":"text"},{"name":"employees","type":"integer"},
 {"name":"tags","type":"multipicklist","options":[{"value":"vip"}]}]}`

// TestListSortAnyField: a list sorts by any scalar field, indexed or not, pages through it by
// cursor in order (missing values first ascending), and refuses an array field. A sort the
// query time limit cuts off answers query_timeout, on every backend.
func TestListSortAnyField(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		st := b.Open(t)
		e, err := New(ctx, Config{Store: st, Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		mustDefine(t, e, sortDef)
		employees := []any{30, 10, nil, 20, 10, 50, 40}
		for i, n := range employees {
			rec := map[string]any{"company": string(rune('g' - i))}
			if n != nil {
				rec["employees"] = json.Number(string(rune('0'+n.(int)/10)) + "0")
			}
			if _, err := e.CreateRecord(ctx, SystemActor, "firm", rec, "en"); err != nil {
				t.Fatal(err)
			}
		}
		read := func(sort, field string) []string {
			var out []string
			p := ListParams{Sort: sort, Limit: 3}
			for {
				page, err := e.ListRecords(ctx, SystemActor, "firm", p)
				if err != nil {
					t.Fatalf("sort %s: %v", sort, err)
				}
				for _, r := range page.Items {
					v, ok := r[field]
					if !ok {
						v = "-"
					}
					out = append(out, fmt.Sprint(v))
				}
				if page.NextCursor == "" {
					return out
				}
				p.Cursor = page.NextCursor
			}
		}
		up := read("employees", "employees")
		want := []string{"-", "10", "10", "20", "30", "40", "50"}
		if !slices.Equal(up, want) {
			t.Errorf("by employees: %v, want %v", up, want)
		}
		down := read("-employees", "employees")
		slices.Reverse(want)
		if !slices.Equal(down, want) {
			t.Errorf("by -employees: %v, want %v", down, want)
		}
		if got := read("company", "company"); !slices.Equal(got, []string{"a", "b", "c", "d", "e", "f", "g"}) {
			t.Errorf("by company: %v", got)
		}
		if _, err := e.ListRecords(ctx, SystemActor, "firm", ListParams{Sort: "tags"}); !hasCode(err, "invalid_sort") {
			t.Errorf("sort by a multipicklist: %v, want invalid_sort", err)
		}

		slow, err := New(ctx, Config{Store: st, Logger: quietLog, QueryTimeout: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = slow.ListRecords(ctx, SystemActor, "firm", ListParams{Sort: "-employees"})
		if ee, ok := AsError(err); !ok || ee.Code != "query_timeout" || ee.Kind != KindUnavailable {
			t.Fatalf("sort past the time limit: %v, want query_timeout", err)
		}
	})
}

func hasCode(err error, code string) bool {
	ee, ok := AsError(err)
	return ok && ee.Code == code
}
