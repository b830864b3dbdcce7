package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/query"
	"crm/engine/store"
	"crm/engine/store/sqlite"
	"crm/forms"
)

// scaleShapes measures the list shapes of a private object on sqlite, each against the same page
// read by raw SQL with the best index, at 1,000, 10,000 and (max permitting) 100,000 records: an
// admin's filtered list (stage = won and amount > x, by -amount), a rep's own default list (newest
// first), the rep's filtered list, a manager's team list (ten reps owning every record), a search
// (q=) for a word every record has and for a rare one (no index serves a substring: the rare one
// reads every record), the deals of one account (a lookup, newest first), the admin's list by a
// field without an index (employees: every record sorted, raw alike), and the rep's own list and the admin's filtered list far down by cursor (the page after
// 10,000 rows at 100,000 records). Each shape runs once to warm up, then reps times per iteration; the
// medians are reported.
func scaleShapes(b *testing.B, max int) {
	ctx := context.Background()
	dir := b.TempDir()
	st, err := sqlite.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	e, err := engine.New(ctx, engine.Config{Store: st, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	var obj forms.Object
	var acct forms.Object
	if err := json.Unmarshal([]byte(`{"name":"account","fields":[{"name":"name","type":"text"}]}`), &acct); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &acct); err != nil {
		b.Fatal(err)
	}
	def := strings.Replace(benchDef[:len(benchDef)-2], `"name":"lead"`, `"name":"deal"`, 1) +
		`,{"name":"account","type":"lookup","target":"account"}],"indexes":[{"fields":["stage","-amount"]}]}`
	if err := json.Unmarshal([]byte(def), &obj); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &obj); err != nil {
		b.Fatal(err)
	}
	user := func(email, manager string) *engine.Actor {
		pw, roles := "correct-horse-battery", []string{engine.RoleSales}
		in := engine.UserInput{Email: &email, Password: &pw, Roles: &roles}
		if manager != "" {
			in.Manager = &manager
		}
		u, err := e.SaveUser(ctx, engine.SystemActor, "", in, 0)
		if err != nil {
			b.Fatal(err)
		}
		return &engine.Actor{ID: u.ID, Email: email, Roles: roles}
	}
	boss := user("boss@example.com", "")
	var reps []*engine.Actor
	for i := range 10 {
		reps = append(reps, user(fmt.Sprintf("rep%d@example.com", i), boss.ID))
	}

	// The records go in through SQL beside the store (a store insert is a durable commit each);
	// the raw table holds the same documents with the best indexes for these lists.
	side, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "crm.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	side.SetMaxOpenConns(1)
	b.Cleanup(func() { side.Close() })
	for _, s := range []string{
		`CREATE TABLE raw (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL)`,
		`CREATE INDEX raw_stage_amount ON raw (json_extract(doc,'$.stage'), json_extract(doc,'$.amount') DESC, id DESC)`,
		`CREATE INDEX raw_owner_stage_amount ON raw (json_extract(doc,'$.owner'), json_extract(doc,'$.stage'), json_extract(doc,'$.amount') DESC, id DESC)`,
		`CREATE INDEX raw_owner_created ON raw (json_extract(doc,'$.owner'), json_extract(doc,'$.created_at'), id)`,
		`CREATE INDEX raw_created ON raw (json_extract(doc,'$.created_at'), id)`,
		`CREATE INDEX raw_account_created ON raw (json_extract(doc,'$.account'), json_extract(doc,'$.created_at'), id)`,
	} {
		if _, err := side.Exec(s); err != nil {
			b.Fatal(err)
		}
	}
	team := make([]any, 0, len(reps)+1)
	team = append(team, boss.ID)
	for _, r := range reps {
		team = append(team, r.ID)
	}
	in := "?" + strings.Repeat(", ?", len(team)-1)
	params := func(p engine.ListParams) func() engine.ListParams { return func() engine.ListParams { return p } }
	newest := []store.SortKey{{Field: "created_at", Desc: true}}
	byAmount := []store.SortKey{{Field: "amount", Desc: true}}
	rawQ := func(q string, args ...any) int {
		rows, err := side.QueryContext(ctx, q, args...)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id, doc string
			var version int64
			if err := rows.Scan(&id, &version, &doc); err != nil {
				b.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(doc), &m); err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	}
	const x = int64(10_000) // amount > 100.00: most won deals
	// search is the engine's q= condition on the deal's text fields (company, email, website,
	// notes): a substring of any, ignoring ASCII case.
	search := func(field string) string {
		return `(json_type(doc,'$.` + field + `') = 'text' AND instr(lower(json_extract(doc,'$.` + field + `')), lower(?)) > 0)`
	}
	searchSQL := `SELECT id, version, doc FROM raw WHERE (` + search("company") + ` OR ` + search("email") + ` OR ` + search("website") + ` OR ` + search("notes") +
		`) ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`
	// at is the sort position (sort values, then id) of the row after depth rows of a raw list,
	// from which a deep page's cursor is made.
	at := func(q string, depth int, args ...any) []any {
		var v any
		var id string
		if err := side.QueryRowContext(ctx, q+` LIMIT 1 OFFSET ?`, append(args, depth-1)...).Scan(&v, &id); err != nil {
			b.Fatal(err)
		}
		return []any{v, id}
	}
	ownSQL := `FROM raw WHERE json_extract(doc,'$.owner') = ? ORDER BY json_extract(doc,'$.created_at') DESC, id DESC`
	wonSQL := `FROM raw WHERE json_extract(doc,'$.stage') = 'won' AND json_extract(doc,'$.amount') > ? ORDER BY json_extract(doc,'$.amount') DESC, id DESC`
	var ownAt, wonAt []any // set per size
	shapes := []struct {
		name string
		by   *engine.Actor
		p    func() engine.ListParams
		raw  func() int
		min  int // rows the raw page has at least
	}{
		{"admin-filtered", engine.SystemActor, params(engine.ListParams{Filter: "stage = \"won\" and amount > 100", Sort: "-amount"}), func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.stage') = 'won' AND json_extract(doc,'$.amount') > ? ORDER BY json_extract(doc,'$.amount') DESC, id DESC LIMIT 51`, x)
		}, 20},
		{"rep-own", reps[3], params(engine.ListParams{}), func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') = ? ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`, reps[3].ID)
		}, 20},
		{"rep-filtered", reps[3], params(engine.ListParams{Filter: "stage = \"won\" and amount > 100", Sort: "-amount"}), func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') = ? AND json_extract(doc,'$.stage') = 'won' AND json_extract(doc,'$.amount') > ? ORDER BY json_extract(doc,'$.amount') DESC, id DESC LIMIT 51`, reps[3].ID, x)
		}, 20},
		{"manager-team", boss, params(engine.ListParams{}), func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') IN (`+in+`) ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`, team...)
		}, 20},
		{"search-common", engine.SystemActor, params(engine.ListParams{Q: "company"}), func() int { return rawQ(searchSQL, "company", "company", "company", "company") }, 20},
		{"search-rare", engine.SystemActor, params(engine.ListParams{Q: "audit"}), func() int { return rawQ(searchSQL, "audit", "audit", "audit", "audit") }, 1},
		{"account-deals", engine.SystemActor, params(engine.ListParams{Filter: `account = "acc3"`}), func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.account') = 'acc3' ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`)
		}, 20},
		{"sort-unindexed", engine.SystemActor, params(engine.ListParams{Sort: "-employees"}), func() int {
			return rawQ(`SELECT id, version, doc FROM raw ORDER BY json_extract(doc,'$.employees') DESC, id DESC LIMIT 51`)
		}, 20},
		{"rep-own-deep", reps[3], func() engine.ListParams {
			return engine.ListParams{Cursor: query.EncodeCursor(newest, store.Doc{"created_at": ownAt[0], "id": ownAt[1]})}
		}, func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') = ? AND (json_extract(doc,'$.created_at'), id) < (?, ?) ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`, reps[3].ID, ownAt[0], ownAt[1])
		}, 20},
		{"admin-filtered-deep", engine.SystemActor, func() engine.ListParams {
			return engine.ListParams{Filter: "stage = \"won\" and amount > 100", Sort: "-amount", Cursor: query.EncodeCursor(byAmount, store.Doc{"amount": wonAt[0], "id": wonAt[1]})}
		}, func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.stage') = 'won' AND json_extract(doc,'$.amount') > ? AND (json_extract(doc,'$.amount'), id) < (?, ?) ORDER BY json_extract(doc,'$.amount') DESC, id DESC LIMIT 51`, x, wonAt[0], wonAt[1])
		}, 20},
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	seeded := 0
	for _, size := range []int{1000, 10000, 100000} {
		if size > max {
			continue
		}
		tx, err := side.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for ; seeded < size; seeded++ {
			d := rawDoc(seeded)
			id := fmt.Sprintf("d%09d", seeded)
			delete(d, "id")
			d["owner"] = reps[seeded%len(reps)].ID
			d["account"] = fmt.Sprintf("acc%d", seeded%10)
			if seeded%997 == 0 {
				d["notes"] = "flagged for audit"
			}
			d["created_at"] = t0.Add(time.Duration(seeded) * time.Second).Format("2006-01-02T15:04:05.000Z")
			j, _ := json.Marshal(d)
			for _, table := range []string{"obj_deal", "raw"} {
				if _, err := tx.Exec(`INSERT INTO "`+table+`" (id, version, doc) VALUES (?, 1, ?)`, id, string(j)); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		// What the store runs at start: statistics for both tables alike.
		if _, err := side.Exec(`PRAGMA optimize=0x10002`); err != nil {
			b.Fatal(err)
		}
		// the deep pages start after min(10,000, all but 60) rows of their list
		ownAt = at(`SELECT json_extract(doc,'$.created_at'), id `+ownSQL, min(10_000, size/len(reps)-60), reps[3].ID)
		wonAt = at(`SELECT json_extract(doc,'$.amount'), id `+wonSQL, min(10_000, size/3-60), x)
		b.Run(fmt.Sprintf("shapes/%d", size), func(b *testing.B) {
			const reps = 15
			engT := make([][]time.Duration, len(shapes))
			rawT := make([][]time.Duration, len(shapes))
			for i := 0; i < b.N*reps+1; i++ {
				for k, sh := range shapes {
					p := sh.p()
					t1 := time.Now()
					page, err := e.ListRecords(ctx, sh.by, "deal", p)
					if err != nil {
						b.Fatalf("%s: %v", sh.name, err)
					}
					t2 := time.Now()
					if n := sh.raw(); n < sh.min || len(page.Items) != min(n, 50) {
						b.Fatalf("%s: %d items, raw %d rows", sh.name, len(page.Items), n)
					}
					if i > 0 { // the first round warms up
						engT[k] = append(engT[k], t2.Sub(t1))
						rawT[k] = append(rawT[k], time.Since(t2))
					}
				}
			}
			// medians: on a shared machine a stray pause in one timing would move a mean
			for k, sh := range shapes {
				eng, raw := median(engT[k]), median(rawT[k])
				b.ReportMetric(float64(eng.Microseconds()), sh.name+"-µs")
				b.ReportMetric(float64(eng)/float64(raw), sh.name+"/raw")
			}
		})
	}
}

// median is the middle of the timings (sorted in place).
func median(ts []time.Duration) time.Duration {
	slices.Sort(ts)
	return ts[len(ts)/2]
}
