package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crm/engine"
	"crm/engine/store/sqlite"
	"crm/forms"
)

// scaleShapes measures the list shapes of a private object on sqlite, each against the same page
// read by raw SQL with the best index, at 1,000, 10,000 and (max permitting) 100,000 records: an
// admin's filtered list (stage = won and amount > x, by -amount), a rep's own default list (newest
// first), the rep's filtered list, and a manager's team list (ten reps owning every record).
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
	def := strings.Replace(benchDef[:len(benchDef)-1], `"name":"lead"`, `"name":"deal"`, 1) + `,"indexes":[{"fields":["stage","-amount"]}]}`
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
		`CREATE INDEX raw_owner_created ON raw (json_extract(doc,'$.owner'), json_extract(doc,'$.created_at'), id)`,
		`CREATE INDEX raw_created ON raw (json_extract(doc,'$.created_at'), id)`,
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
	shapes := []struct {
		name string
		by   *engine.Actor
		p    engine.ListParams
		raw  func() int
	}{
		{"admin-filtered", engine.SystemActor, engine.ListParams{Filter: "stage = \"won\" and amount > 100", Sort: "-amount"}, func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.stage') = 'won' AND json_extract(doc,'$.amount') > ? ORDER BY json_extract(doc,'$.amount') DESC, id DESC LIMIT 51`, x)
		}},
		{"rep-own", reps[3], engine.ListParams{}, func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') = ? ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`, reps[3].ID)
		}},
		{"rep-filtered", reps[3], engine.ListParams{Filter: "stage = \"won\" and amount > 100", Sort: "-amount"}, func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') = ? AND json_extract(doc,'$.stage') = 'won' AND json_extract(doc,'$.amount') > ? ORDER BY json_extract(doc,'$.amount') DESC, id DESC LIMIT 51`, reps[3].ID, x)
		}},
		{"manager-team", boss, engine.ListParams{}, func() int {
			return rawQ(`SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.owner') IN (`+in+`) ORDER BY json_extract(doc,'$.created_at') DESC, id DESC LIMIT 51`, team...)
		}},
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
		b.Run(fmt.Sprintf("shapes/%d", size), func(b *testing.B) {
			engT := make([]time.Duration, len(shapes))
			rawT := make([]time.Duration, len(shapes))
			for i := 0; i < b.N; i++ {
				for k, sh := range shapes {
					t1 := time.Now()
					p, err := e.ListRecords(ctx, sh.by, "deal", sh.p)
					if err != nil {
						b.Fatalf("%s: %v", sh.name, err)
					}
					t2 := time.Now()
					if n := sh.raw(); n < 20 || len(p.Items) != min(n, 50) {
						b.Fatalf("%s: %d items, raw %d rows", sh.name, len(p.Items), n)
					}
					engT[k] += t2.Sub(t1)
					rawT[k] += time.Since(t2)
				}
			}
			for k, sh := range shapes {
				b.ReportMetric(float64(engT[k].Microseconds())/float64(b.N), sh.name+"-µs")
				b.ReportMetric(float64(engT[k])/float64(rawT[k]), sh.name+"/raw")
			}
		})
	}
}
