package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"crm/engine/store"
	"crm/engine/store/storetest"
)

// openTemp opens a store on a fresh directory and closes it at the end of the test.
func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// planIndexes are the indexes of an object like the template's opportunity: single fields,
// a composite for its pipeline list, the owner/time composites access adds and its account
// lookup's related-list composite, and the composites a sharing rule over stage adds.
var planIndexes = []store.Index{{Field: "amount"}, {Field: "stage"}, {Field: "email", Unique: true}, {Field: "created_at"}, {Field: "updated_at"}, {Field: "owner"}, {Field: "account"},
	{Keys: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}},
	{Keys: []store.SortKey{{Field: "owner"}, {Field: "created_at"}}},
	{Keys: []store.SortKey{{Field: "owner"}, {Field: "updated_at"}}},
	{Keys: []store.SortKey{{Field: "account"}, {Field: "created_at"}}},
	{Keys: []store.SortKey{{Field: "owner"}, {Field: "stage"}, {Field: "amount", Desc: true}}}, // (stage, -amount) led by owner, as the engine adds
	{Keys: []store.SortKey{{Field: "stage"}, {Field: "created_at"}}},                           // a sharing rule's (stage = ...)
	{Keys: []store.SortKey{{Field: "stage"}, {Field: "updated_at"}}}}

// TestQueryPlan checks that every list shape reads an index in the list's order, stopping at the
// page (no sort of the matching records, no table scan), and that filters and counts search an
// index. It runs on empty tables (the planner's defaults) and on a populated, analyzed one.
func TestQueryPlan(t *testing.T) {
	ctx := context.Background()
	const coll = "obj_plan"
	empty := openTemp(t)
	if err := empty.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	full := openTemp(t)
	if err := full.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, full, coll, 3000)
	if err := full.optimize(ctx); err != nil {
		t.Fatal(err)
	}
	ix := indexName{kindIndex, coll, "amount"}.String()
	ux := indexName{kindUnique, coll, "email"}.String()
	stageAmount := indexName{kindMulti, coll, "stage,-amount"}.String()
	ownerCreated := indexName{kindMulti, coll, "owner,created_at"}.String()
	ownerStageAmount := indexName{kindMulti, coll, "owner,stage,-amount"}.String()
	ownerUpdated := indexName{kindMulti, coll, "owner,updated_at"}.String()
	accountCreated := indexName{kindMulti, coll, "account,created_at"}.String()
	byAccount := indexName{kindIndex, coll, "account"}.String() + "|" + accountCreated                // either leads by the lookup
	newest := store.WithIDTieBreak([]store.SortKey{{Field: "created_at", Desc: true, Present: true}}) // as the engine sorts
	me := store.Or{store.In{Field: "owner", Values: []any{"u1"}, Scalar: true}}
	team := store.Or{store.In{Field: "owner", Values: []any{"u1", "u2", "u3", "u4", "u5"}, Scalar: true}}
	won := store.Compare{Field: "stage", Op: store.Eq, Value: "s1", Scalar: true} // values fillPlan stores: statistics judge them
	big := store.Compare{Field: "amount", Op: store.Gt, Value: int64(5000)}
	byAmount := []store.SortKey{{Field: "amount", Desc: true}}
	search := store.Or{store.Contains{Field: "email", Value: "e1"}, store.Contains{Field: "stage", Value: "e1"}}
	find := func(q store.Query) func() (string, []any, error) {
		return func() (string, []any, error) { return findSQL(coll, q, planIndexes, nil) }
	}
	cases := []struct {
		name    string
		sql     func() (string, []any, error)
		index   string // the index the plan reads ("a|b": either); "": any
		ordered bool   // the index gives the order: no sort of the whole result
	}{
		{"range_sort_limit", find(store.Query{Filter: store.Compare{Field: "amount", Op: store.Gt, Value: int64(100)}, Sort: []store.SortKey{{Field: "amount"}}, Limit: 20}), ix, true},
		{"range_sort_desc_limit", find(store.Query{Filter: store.Compare{Field: "amount", Op: store.Le, Value: 100.5}, Sort: byAmount, Limit: 20}), ix, true},
		{"sort_limit", find(store.Query{Sort: []store.SortKey{{Field: "amount"}}, Limit: 20}), ix, true},
		{"default_list_newest_first", find(store.Query{Sort: newest, Limit: 51}), indexName{kindIndex, coll, "created_at"}.String(), true},
		{"default_list_newest_first_cursor", find(store.Query{Filter: store.After(newest, []any{"2026-01-01T00:00:00.000Z", "r9"}), Sort: newest, Limit: 51}), indexName{kindIndex, coll, "created_at"}.String(), true},
		{"sort_limit_cursor", find(store.Query{Filter: store.After([]store.SortKey{{Field: "amount"}}, []any{int64(5000), "r9"}), Sort: []store.SortKey{{Field: "amount"}}, Limit: 20}), ix, true},
		// An admin's pipeline: equality on one field, sorted by another.
		{"equality_sort_other", find(store.Query{Filter: store.And{won}, Sort: byAmount, Limit: 51}), stageAmount, true},
		{"equality_range_sort", find(store.Query{Filter: store.And{store.And{won, big}}, Sort: byAmount, Limit: 51}), stageAmount, true},
		{"equality_range_sort_cursor", find(store.Query{Filter: store.And{store.And{won, big}, store.After(byAmount, []any{int64(9000), "r1"})}, Sort: byAmount, Limit: 51}), stageAmount, true},
		// The engine marks amount Present: the filter compares it, so no record of the list lacks it.
		{"equality_range_sort_deep", find(store.Query{Filter: store.And{store.And{won, big}, store.After([]store.SortKey{{Field: "amount", Desc: true, Present: true}}, []any{int64(9000), "r1"})}, Sort: byAmount, Limit: 51}), stageAmount, true},
		// A sales rep's default lists and their next page.
		{"owner_newest_first", find(store.Query{Filter: store.And{me}, Sort: newest, Limit: 51}), ownerCreated, true},
		{"owner_newest_first_cursor", find(store.Query{Filter: store.And{store.After(newest, []any{"2026-01-01T00:00:00.000Z", "r9"}), me}, Sort: newest, Limit: 51}), ownerCreated, true},
		{"owner_recently_updated", find(store.Query{Filter: store.And{me}, Sort: []store.SortKey{{Field: "updated_at", Desc: true}}, Limit: 51}), ownerUpdated, true},
		{"owner_equality_newest_first", find(store.Query{Filter: store.And{won, me}, Sort: newest, Limit: 51}), "", true}, // (owner, created_at) or (stage, created_at): either keeps the order
		{"owner_equality_sort_other", find(store.Query{Filter: store.And{store.And{won, big}, me}, Sort: byAmount, Limit: 51}), ownerStageAmount, true},
		// A manager's team: one ordered, limited subquery per owner.
		// A rep whose role a sharing rule shares one stage's records with: own OR shared, one
		// ordered subquery each.
		{"owner_or_shared_newest_first", find(store.Query{Filter: store.And{store.Or{store.In{Field: "owner", Values: []any{"u1"}, Scalar: true}, won}}, Sort: newest, Limit: 51}), ownerCreated, true},
		{"team_or_shared_recently_updated", find(store.Query{Filter: store.And{store.Or{team[0], won}}, Sort: []store.SortKey{{Field: "updated_at", Desc: true}}, Limit: 51}), ownerUpdated, true},
		{"owners_newest_first", find(store.Query{Filter: store.And{team}, Sort: newest, Limit: 51}), ownerCreated, true},
		{"owners_newest_first_cursor", find(store.Query{Filter: store.And{store.After(newest, []any{"2026-01-01T00:00:00.000Z", "r9"}), team}, Sort: newest, Limit: 51}), ownerCreated, true},
		{"owners_recently_updated", find(store.Query{Filter: store.And{team}, Sort: []store.SortKey{{Field: "updated_at", Desc: true}}, Limit: 51}), ownerUpdated, true},
		{"owners_equality_newest_first", find(store.Query{Filter: store.And{won, team}, Sort: newest, Limit: 51}), "", true}, // (owner, created_at) or (stage, created_at): either keeps the order
		{"owners_equality_sort_other", find(store.Query{Filter: store.And{store.And{won, big}, team}, Sort: byAmount, Limit: 51}), ownerStageAmount, true},
		// A user's IN sorted by id: one page per value from the field's (field, id) index.
		// q= search: a substring of any text field, which no index answers; the list's order comes
		// from an index and the LIMIT stops the walk once a page has matched.
		{"search_newest_first", find(store.Query{Filter: store.And{search}, Sort: newest, Limit: 51}), indexName{kindIndex, coll, "created_at"}.String(), true},
		{"owner_search_newest_first", find(store.Query{Filter: store.And{search, me}, Sort: newest, Limit: 51}), ownerCreated, true},
		{"owners_search_newest_first", find(store.Query{Filter: store.And{search, team}, Sort: newest, Limit: 51}), ownerCreated, true},
		// A related list: the contacts of an account (lookup = id), newest first.
		{"lookup_newest_first", find(store.Query{Filter: store.And{store.Compare{Field: "account", Op: store.Eq, Value: "a1", Scalar: true}}, Sort: newest, Limit: 51}), accountCreated, true},
		{"lookup_newest_first_owner", find(store.Query{Filter: store.And{store.Compare{Field: "account", Op: store.Eq, Value: "a1", Scalar: true}, me}, Sort: newest, Limit: 51}), "", true},
		// A lookup path in a filter (account.industry = "x"): the ids of the matching parents stand
		// in it as an IN over the lookup, which its index answers. Up to 100 ids (a split IN) a
		// sorted page reads each parent's (account, created_at) page; more are searched in the
		// lookup's index and only the records of those parents are sorted.
		{"path_few_newest_first", find(store.Query{Filter: store.And{parentIDs(5)}, Sort: newest, Limit: 51}), accountCreated, true},
		{"path_many_newest_first", find(store.Query{Filter: store.And{parentIDs(150)}, Sort: newest, Limit: 51}), byAccount, false},
		{"path_many_owner_newest_first", find(store.Query{Filter: store.And{parentIDs(150), me}, Sort: newest, Limit: 51}), "", false},
		{"path_not_in_newest_first", find(store.Query{Filter: store.And{store.Not{F: parentIDs(150)}, won}, Sort: newest, Limit: 51}), "", false},
		{"path_many", find(store.Query{Filter: parentIDs(150), Limit: 51}), byAccount, false},
		{"path_count", func() (string, []any, error) { return countSQL(coll, parentIDs(150)) }, byAccount, false},
		{"path_aggregate", func() (string, []any, error) {
			return aggregateSQL(coll, store.AggQuery{Filter: store.And{parentIDs(150)}, GroupBy: []store.GroupKey{{Field: "stage"}}, Measures: []store.Measure{{Op: store.AggCount}}})
		}, byAccount, false},
		// A duplicate check's neighbourhood: the keys either side of a record's own, from the
		// key's index alone.
		{"keys_neighbourhood_up", find(store.Query{Filter: store.Compare{Field: "amount", Op: store.Ge, Value: int64(100)}, Sort: []store.SortKey{{Field: "amount"}}, Limit: 25, Keys: []string{"amount"}}), ix, true},
		{"keys_neighbourhood_down", find(store.Query{Filter: store.Compare{Field: "amount", Op: store.Lt, Value: int64(100)}, Sort: byAmount, Limit: 25, Keys: []string{"amount"}}), ix, true},
		{"in_sort_id", find(store.Query{Filter: store.In{Field: "stage", Values: []any{"s1", "s2"}, Scalar: true}, Limit: 51}), indexName{kindIndex, coll, "stage"}.String(), true},
		{"equality", find(store.Query{Filter: store.Compare{Field: "amount", Op: store.Eq, Value: int64(7)}}), ix, false},
		{"equality_unique", find(store.Query{Filter: store.Compare{Field: "email", Op: store.Eq, Value: "a@example.com"}, Limit: 1}), ux, false},
		{"in", find(store.Query{Filter: store.In{Field: "amount", Values: []any{int64(1), int64(2)}}}), ix, false},
		{"count_range", func() (string, []any, error) {
			return countSQL(coll, store.Compare{Field: "amount", Op: store.Ge, Value: int64(10)})
		}, ix, false},
		{"count_equality", func() (string, []any, error) {
			return countSQL(coll, store.Compare{Field: "amount", Op: store.Eq, Value: int64(10)})
		}, ix, false},
		{"aggregate_owners_by_amount", func() (string, []any, error) {
			// a dashboard widget of a sales rep: only the owners' records are read, by an index
			return aggregateSQL(coll, store.AggQuery{Filter: store.Or{store.In{Field: "owner", Values: []any{"u1", "u2"}, Scalar: true}},
				GroupBy: []store.GroupKey{{Field: "amount"}}, Measures: []store.Measure{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}}})
		}, "", false},
	}
	// In these the table is read only for the page's documents, by rowid; what picks and orders
	// them comes from indexes alone (a split IN with nothing else to test).
	covering := map[string]bool{"owners_newest_first": true, "owners_newest_first_cursor": true, "owners_recently_updated": true, "in_sort_id": true,
		"keys_neighbourhood_up": true, "keys_neighbourhood_down": true}
	// In these (the next page of a list) the index is searched from the cursor on, not read from
	// the list's start and filtered: the cost follows the page, not how deep it is.
	seeks := map[string]bool{"default_list_newest_first_cursor": true, "equality_range_sort_deep": true, "sort_limit_cursor": true, "owner_newest_first_cursor": true, "owners_newest_first_cursor": true}
	for _, db := range []struct {
		name string
		s    *Store
	}{{"empty", empty}, {"analyzed", full}} {
		for _, tc := range cases {
			t.Run(db.name+"/"+tc.name, func(t *testing.T) {
				q, args, err := tc.sql()
				if err != nil {
					t.Fatal(err)
				}
				plan := explain(t, db.s, q, args)
				t.Logf("%s\n%s", q, plan)
				text := plan.String()
				if tc.index == "" && !strings.Contains(text, " USING INDEX ") && !strings.Contains(text, " USING COVERING INDEX ") {
					t.Errorf("plan uses no index:\n%s\nquery: %s", text, q)
				}
				if tc.index != "" && !slices.ContainsFunc(strings.Split(tc.index, "|"), plan.uses) {
					t.Errorf("plan does not use index %s:\n%s\nquery: %s", tc.index, text, q)
				}
				for _, l := range plan {
					// "SCAN t USING INDEX i" walks the index in order (stopped by LIMIT); a bare
					// "SCAN t" reads the whole table.
					if strings.Contains(l.detail, "SCAN "+coll) && !strings.Contains(l.detail, "USING") {
						t.Errorf("plan scans the table:\n%s\nquery: %s", text, q)
					}
					// A sort next to a read of the table sorts every matching record; a sort of
					// subqueries' pages (a split IN) is bounded by the page.
					if tc.ordered && strings.HasPrefix(l.detail, "USE TEMP B-TREE FOR ") && plan.readsTable(l.parent, coll) {
						t.Errorf("plan sorts the whole result:\n%s\nquery: %s", text, q)
					}
					if reads := strings.HasPrefix(l.detail, "SEARCH "+coll+" ") || strings.HasPrefix(l.detail, "SCAN "+coll); seeks[tc.name] && reads &&
						!strings.Contains(l.detail, "(rowid=?)") && !strings.Contains(l.detail, "<?") && !strings.Contains(l.detail, ">?") {
						t.Errorf("plan reads the list from its start, not from the cursor (%s):\n%s\nquery: %s", l.detail, text, q)
					}
					if covering[tc.name] && (strings.HasPrefix(l.detail, "SEARCH "+coll+" ") || strings.HasPrefix(l.detail, "SCAN "+coll+" ")) &&
						!strings.Contains(l.detail, " USING COVERING INDEX ") {
						t.Errorf("plan reads documents beyond the page (%s):\n%s\nquery: %s", l.detail, text, q)
					}
				}
			})
		}
	}
}

// parentIDs is the IN a lookup path becomes: n account ids, two of them ones fillPlan stores
// (a parent's id may name no record here: deleted ones, or another object's).
func parentIDs(n int) store.In {
	in := store.In{Field: "account", Values: []any{"a1", "a3"}, Scalar: true}
	for i := len(in.Values); i < n; i++ {
		in.Values = append(in.Values, fmt.Sprintf("p%05d", i))
	}
	return in
}

// fillPlan inserts n records spread over 6 stages, 10 owners and 600 accounts (5 records each at
// 3000, as 10k opportunities over 2k accounts) in one transaction.
func fillPlan(t *testing.T, s *Store, coll string, n int) {
	t.Helper()
	tx, err := s.writer.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for i := range n {
		doc := fmt.Sprintf(`{"stage":"s%d","amount":%d,"owner":"u%d","email":"e%d@x.cn","created_at":"2026-01-01T00:00:%02d.%03dZ","updated_at":"2026-02-01T00:00:00.000Z","account":"a%d"}`,
			i%6, (i*7919)%10000, i%10, i, i/1000%60, i%1000, i%600)
		if _, err := tx.Exec(fmt.Sprintf(`INSERT INTO "%s" (id, version, doc) VALUES (?, 1, ?)`, coll), fmt.Sprintf("r%06d", i), doc); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// planLine is one row of EXPLAIN QUERY PLAN.
type planLine struct {
	id, parent int
	detail     string
}

type queryPlan []planLine

func (p queryPlan) String() string {
	lines := make([]string, len(p))
	for i, l := range p {
		lines[i] = l.detail
	}
	return strings.Join(lines, "\n")
}

// uses tells whether the plan reads the named index.
func (p queryPlan) uses(index string) bool {
	for _, l := range p {
		for _, how := range []string{" USING INDEX ", " USING COVERING INDEX "} {
			if _, after, ok := strings.Cut(l.detail, how); ok && strings.Split(after, " ")[0] == index {
				return true
			}
		}
	}
	return false
}

// readsTable tells whether a node under parent searches or scans the table itself (or searches
// it by several indexes, MULTI-INDEX OR).
func (p queryPlan) readsTable(parent int, coll string) bool {
	for _, l := range p {
		if l.parent == parent && (strings.HasPrefix(l.detail, "SEARCH "+coll+" ") || strings.HasPrefix(l.detail, "SCAN "+coll) || l.detail == "MULTI-INDEX OR") {
			return true
		}
	}
	return false
}

// explain returns the EXPLAIN QUERY PLAN rows.
func explain(t *testing.T, s *Store, q string, args []any) queryPlan {
	t.Helper()
	rows, err := s.reader.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var plan queryPlan
	for rows.Next() {
		var l planLine
		var notused int
		if err := rows.Scan(&l.id, &l.parent, &notused, &l.detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, l)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestOptimize checks that the planner's statistics are gathered at open and for an index
// created over stored records.
func TestOptimize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	if err := s.EnsureCollection(ctx, "obj_plan", []store.Index{{Field: "stage"}}); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, s, "obj_plan", 2000)
	stats := func(s *Store) map[string]string {
		out := map[string]string{}
		rows, err := s.reader.Query(`SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'obj_plan'`)
		if err != nil {
			return out // no sqlite_stat1 yet
		}
		defer rows.Close()
		for rows.Next() {
			var idx, stat string
			if err := rows.Scan(&idx, &stat); err != nil {
				t.Fatal(err)
			}
			out[idx] = stat
		}
		return out
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir)
	if got := stats(s)["ix:obj_plan:stage"]; got == "" {
		t.Fatalf("no statistics for ix:obj_plan:stage after open: %v", stats(s))
	}
	cx := store.Index{Keys: []store.SortKey{{Field: "owner"}, {Field: "created_at"}}}
	if err := s.EnsureCollection(ctx, "obj_plan", []store.Index{{Field: "stage"}, cx}); err != nil {
		t.Fatal(err)
	}
	if got := stats(s)["cx:obj_plan:owner,created_at"]; got == "" {
		t.Fatalf("no statistics for a new index over stored records: %v", stats(s))
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if want := "data directory " + dir + " is in use by another crm process"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureCollection(ctx, "obj_x", []store.Index{{Field: "email", Unique: true}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Insert(ctx, "obj_x", store.Doc{"id": "a", "email": "a@example.com", "n": 5.0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NextSequence(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, dir)
	d, err := s.Get(ctx, "obj_x", "a")
	if err != nil || d["email"] != "a@example.com" || d["n"] != 5.0 {
		t.Fatalf("after reopen Get = %v, %v", d, err)
	}
	var dup *store.DuplicateError
	if err := s.Insert(ctx, "obj_x", store.Doc{"id": "b", "email": "a@example.com"}); !errors.As(err, &dup) {
		t.Fatalf("unique index lost on reopen: %v", err)
	}
	if v, err := s.NextSequence(ctx, "x"); err != nil || v != 2 {
		t.Fatalf("NextSequence after reopen = %d, %v; want 2", v, err)
	}
}

func openAt(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open %s: %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	for i, id := range []string{"a", "b", "c"} {
		if err := s.Insert(ctx, "obj_x", store.Doc{"id": id, "i": int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()

	// Backup from the live store, then BackupDir as another process would, with the lock held.
	live := filepath.Join(out, "live.db")
	if err := s.Backup(ctx, live); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := s.Insert(ctx, "obj_x", store.Doc{"id": "d"}); err != nil {
		t.Fatal(err)
	}
	offline := filepath.Join(out, "dir.db")
	if err := BackupDir(ctx, dir, offline); err != nil {
		t.Fatalf("BackupDir: %v", err)
	}

	// A backup taken while writes run is consistent: it holds a prefix of the writes.
	busy := filepath.Join(out, "busy.db")
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		for i := range 200 {
			if err := s.Insert(ctx, "obj_busy", store.Doc{"id": fmt.Sprintf("w%03d", i)}); err != nil {
				if i < 20 {
					close(started)
				}
				done <- err
				return
			}
			if i == 19 {
				close(started)
			}
		}
		done <- nil
	}()
	<-started
	if err := s.Backup(ctx, busy); err != nil {
		t.Fatalf("Backup during writes: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// BackupDir also works when no server runs.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	closed := filepath.Join(out, "closed.db")
	if err := BackupDir(ctx, dir, closed); err != nil {
		t.Fatalf("BackupDir without a server: %v", err)
	}
	if err := BackupDir(ctx, filepath.Join(out, "missing"), filepath.Join(out, "x.db")); err == nil {
		t.Errorf("BackupDir of a directory without a database succeeded")
	}

	for _, tc := range []struct {
		file string
		want int64
	}{{live, 3}, {offline, 4}, {closed, 4}, {busy, 4}} {
		restored := t.TempDir()
		data, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(restored, dbFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		r := openAt(t, restored)
		n, err := r.Count(ctx, "obj_x", nil)
		if err != nil || n != tc.want {
			t.Errorf("%s: Count = %d, %v; want %d", tc.file, n, err, tc.want)
		}
		d, err := r.Get(ctx, "obj_x", "b")
		if err != nil || d["i"] != int64(1) {
			t.Errorf("%s: Get b = %v, %v", tc.file, d, err)
		}
		if tc.file == busy {
			// The copy holds w000..w(k-1) for some k: a snapshot, never a gap.
			docs, err := r.Find(ctx, "obj_busy", store.Query{})
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range docs {
				if d["id"] != fmt.Sprintf("w%03d", i) {
					t.Fatalf("busy backup holds %v at %d: not a prefix of the writes", d["id"], i)
				}
			}
			if len(docs) < 20 {
				t.Fatalf("busy backup holds %d documents, want at least the 20 written before it", len(docs))
			}
			t.Logf("busy backup holds %d of 200 concurrent inserts", len(docs))
		}
	}
}

// TestIndexDefinitionsStable checks that the stored CREATE INDEX text equals what indexDDL
// builds, so a repeated EnsureCollection keeps the indexes instead of rebuilding them.
func TestIndexDefinitionsStable(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	idx := []store.Index{{Field: "a"}, {Field: "b", Unique: true}, {Field: "version"}, {Field: "id"}}
	if err := s.EnsureCollection(ctx, "obj_x", idx); err != nil {
		t.Fatal(err)
	}
	want, err := indexDDL("obj_x", idx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.reader.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'obj_x' AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		got[name] = ddl
	}
	if len(got) != len(want) || len(want) != 5 {
		t.Fatalf("indexes %v, want %v", got, want)
	}
	for name, ddl := range want {
		if got[name] != ddl {
			t.Errorf("index %s stored as\n %s\nbuilt as\n %s", name, got[name], ddl)
		}
	}
}

// TestPragmas checks the settings every connection gets from the DSN.
func TestPragmas(t *testing.T) {
	s := openTemp(t)
	get := func(db interface {
		QueryRow(string, ...any) *sql.Row
	}, pragma string) string {
		var v string
		if err := db.QueryRow("PRAGMA " + pragma).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		return v
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000", "foreign_keys": "0", "query_only": "0", "temp_store": "2"} {
		if got := get(s.writer, pragma); got != want {
			t.Errorf("writer %s = %s, want %s", pragma, got, want)
		}
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "busy_timeout": "10000", "query_only": "1"} {
		if got := get(s.reader, pragma); got != want {
			t.Errorf("reader %s = %s, want %s", pragma, got, want)
		}
	}
	if s.writer.Stats().MaxOpenConnections != 1 || s.reader.Stats().MaxOpenConnections != readerConns {
		t.Errorf("pool sizes %d/%d", s.writer.Stats().MaxOpenConnections, s.reader.Stats().MaxOpenConnections)
	}
}

// TestGroupCommit checks that concurrent writers share commits, and that every acknowledged
// write is there after the store is closed and opened again.
func TestGroupCommit(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Insert(ctx, "a", store.Doc{"id": "first"}); err != nil { // creates the table
		t.Fatal(err)
	}
	before := s.commits.Load()
	const writers = 64
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = s.Batch(ctx, []store.WriteOp{
				{Kind: store.OpInsert, Coll: "a", Doc: store.Doc{"id": fmt.Sprintf("r%d", w)}},
				{Kind: store.OpInsert, Coll: "audit", Doc: store.Doc{"id": fmt.Sprintf("a%d", w)}},
			})
		}()
	}
	wg.Wait()
	commits := s.commits.Load() - before
	if commits >= writers {
		t.Errorf("%d writers took %d commits; want them to share commits", writers, commits)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
		for _, k := range []struct{ coll, id string }{{"a", fmt.Sprintf("r%d", w)}, {"audit", fmt.Sprintf("a%d", w)}} {
			if _, err := s.Get(ctx, k.coll, k.id); err != nil {
				t.Fatalf("acknowledged write %s/%s after reopening: %v", k.coll, k.id, err)
			}
		}
	}
	t.Logf("%d writers, %d commits", writers, commits)
}

// TestSequencesShareCommits: concurrent counter draws commit with each other (and with the
// writes queued beside them), each value once, and every answered draw is there after reopening.
func TestSequencesShareCommits(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before := s.commits.Load()
	const drawers = 64
	var wg sync.WaitGroup
	vals := make([]int64, drawers)
	errs := make([]error, drawers)
	for w := range drawers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals[w], errs[w] = s.NextSequence(ctx, "round_robin.sellers")
		}()
	}
	wg.Wait()
	commits := s.commits.Load() - before
	seen := map[int64]bool{}
	for w, v := range vals {
		if errs[w] != nil || v < 1 || v > drawers || seen[v] {
			t.Fatalf("draw %d: %d, %v (values so far %v)", w, v, errs[w], seen)
		}
		seen[v] = true
	}
	if commits == 0 || commits >= drawers { // 0: each draw committed alone, outside the committer
		t.Errorf("%d draws took %d of the committer's commits; want them to share its commits", drawers, commits)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.NextSequence(ctx, "round_robin.sellers"); err != nil || v != drawers+1 {
		t.Errorf("the draw after reopening: %d, %v; want %d", v, err, drawers+1)
	}
	t.Logf("%d draws, %d commits", drawers, commits)
}

// TestListStatements checks that a list query's statement is prepared once and kept, up to
// maxListStmts texts; past them a query still answers, prepared for its one run.
func TestListStatements(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const coll = "obj_plan"
	if err := s.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, s, coll, 20)
	kept := func() int {
		s.mu.Lock()
		defer s.mu.Unlock()
		n := 0
		for k := range s.stmts {
			if k.db == s.reader && strings.Contains(k.q, "ORDER BY") {
				n++
			}
		}
		return n
	}
	team := store.Query{Filter: store.In{Field: "owner", Values: []any{"u1", "u2"}, Scalar: true}, Sort: []store.SortKey{{Field: "created_at", Desc: true}}, Limit: 3}
	for range 2 {
		docs, err := s.Find(ctx, coll, team)
		if err != nil || len(docs) != 3 {
			t.Fatalf("find: %d %v", len(docs), err)
		}
	}
	if n := kept(); n != 1 {
		t.Fatalf("%d list statements kept after two runs of one list, want 1", n)
	}
	for i := range maxListStmts + 5 {
		q := store.Query{Filter: store.In{Field: "amount", Values: make([]any, i+1)}, Limit: 1}
		for j := range q.Filter.(store.In).Values {
			q.Filter.(store.In).Values[j] = int64(j)
		}
		if _, err := s.Find(ctx, coll, q); err != nil {
			t.Fatal(err)
		}
	}
	if n := kept(); n != maxListStmts {
		t.Fatalf("%d list statements kept, want at most %d", n, maxListStmts)
	}
	if docs, err := s.Find(ctx, "obj_missing", team); err != nil || len(docs) != 0 {
		t.Fatalf("find on a missing table: %v %v", docs, err)
	}
}

// TestSplitLiterals: a split IN writes its values into the text (bound, STAT4 made SQLite prepare
// the whole split again on every run), quoted so that they match exactly what they say.
func TestSplitLiterals(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const coll = "obj_plan"
	if err := s.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, s, coll, 30)
	odd := []string{"u1", "it's", "a\x00b", "\xff", "u2", `x'); DROP TABLE obj_plan; --`}
	var owners []any
	for _, o := range odd {
		owners = append(owners, o)
	}
	q := store.Query{Filter: store.In{Field: "owner", Values: owners, Scalar: true}, Sort: []store.SortKey{{Field: "created_at", Desc: true}}, Limit: 5}
	sql, args, err := findSQL(coll, q, planIndexes, nil)
	if err != nil {
		t.Fatal(err)
	}
	var bound []any
	for _, a := range args {
		if _, isLimit := a.(int64); !isLimit {
			bound = append(bound, a)
		}
	}
	if len(bound) != 2 { // the NUL and the invalid UTF-8 stay parameters
		t.Errorf("bound values %q, want only the two not written as literals\n%s", bound, sql)
	}
	docs, err := s.Find(ctx, coll, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d["owner"] != "u1" && d["owner"] != "u2" {
			t.Errorf("owner %v in the page", d["owner"])
		}
	}
	if len(docs) != 5 {
		t.Errorf("%d docs, want 5", len(docs))
	}
}

// TestDenseTeamWalksTheSortIndex: when a team's owners hold most of the records (a small
// company's manager), the list walks the sort's own index and stops at the page instead of
// running one range per owner; a team holding a small part still splits.
func TestDenseTeamWalksTheSortIndex(t *testing.T) {
	ctx := context.Background()
	const coll = "obj_plan"
	s := openTemp(t)
	if err := s.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, s, coll, 3000)
	if err := s.optimize(ctx); err != nil {
		t.Fatal(err)
	}
	newest := store.WithIDTieBreak([]store.SortKey{{Field: "created_at", Desc: true, Present: true}})
	team := func(n int) store.Query {
		var owners []any
		for i := range n {
			owners = append(owners, fmt.Sprintf("u%d", i))
		}
		return store.Query{Filter: store.In{Field: "owner", Values: owners, Scalar: true}, Sort: newest, Limit: 51}
	}
	for _, tc := range []struct {
		owners int
		split  bool
	}{{10, false}, {8, false}, {2, true}} {
		q, args, err := findSQL(coll, team(tc.owners), planIndexes, s.statsOf(ctx, coll))
		if err != nil {
			t.Fatal(err)
		}
		if split := strings.Contains(q, "UNION ALL"); split != tc.split {
			t.Errorf("%d of 10 owners: split %v, want %v\n%s", tc.owners, split, tc.split, q)
		}
		plan := explain(t, s, q, args)
		for _, l := range plan {
			if strings.HasPrefix(l.detail, "USE TEMP B-TREE FOR ") && plan.readsTable(l.parent, coll) {
				t.Errorf("%d of 10 owners: the plan sorts the whole result:\n%s\n%s", tc.owners, plan, q)
			}
		}
		docs, err := s.Find(ctx, coll, team(tc.owners))
		if err != nil || len(docs) != 51 {
			t.Fatalf("%d of 10 owners: %d docs, %v", tc.owners, len(docs), err)
		}
	}
}

// TestSplitOrAnswersAsWhole: a split Or answers the same page as the whole query, each record
// once though it matches several arms, on every page down the list by cursor.
func TestSplitOrAnswersAsWhole(t *testing.T) {
	ctx := context.Background()
	const coll = "obj_plan"
	s := openTemp(t)
	if err := s.EnsureCollection(ctx, coll, planIndexes); err != nil {
		t.Fatal(err)
	}
	fillPlan(t, s, coll, 600)
	newest := store.WithIDTieBreak([]store.SortKey{{Field: "created_at", Desc: true, Present: true}})
	access := store.Or{store.In{Field: "owner", Values: []any{"u1", "u3"}, Scalar: true}, store.Compare{Field: "stage", Op: store.Eq, Value: "s1", Scalar: true}}
	if sp, ok := splitIn(store.Query{Filter: access, Sort: newest, Limit: 20}, planIndexes); !ok || !sp.overlap || len(sp.arms) != 3 {
		t.Fatalf("not split into three overlapping arms: %+v %v", sp, ok)
	}
	all, err := s.Find(ctx, coll, store.Query{Filter: access, Sort: newest}) // no limit: not split
	if err != nil {
		t.Fatal(err)
	}
	var paged []store.Doc
	var cursor store.Filter
	for range 100 {
		f := store.Filter(access)
		if cursor != nil {
			f = store.And{cursor, access}
		}
		page, err := s.Find(ctx, coll, store.Query{Filter: f, Sort: newest, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page...)
		if len(page) < 20 {
			break
		}
		last := page[len(page)-1]
		cursor = store.After(newest, []any{last["created_at"], last["id"]})
	}
	if len(paged) != len(all) {
		t.Fatalf("%d records paged, %d in the whole list", len(paged), len(all))
	}
	for i := range all {
		if paged[i]["id"] != all[i]["id"] {
			t.Fatalf("record %d: paged %v, whole %v", i, paged[i]["id"], all[i]["id"])
		}
	}
}
