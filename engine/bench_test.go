package engine_test

// Benchmarks report ratios measured in one run (engine against the raw database underneath), since
// absolute times on shared machines mean little. Run them with `make bench`.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	_ "modernc.org/sqlite"

	"crm/engine"
	"crm/engine/store"
	"crm/engine/store/mongodb"
	"crm/engine/store/mongodb/mongotest"
	"crm/engine/store/sqlite"
	"crm/forms"
	"crm/workflow"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// benchDef is a ten-field object: the "typical record" of the benchmarks.
const benchDef = `{"name":"lead","fields":[
 {"name":"company","type":"text","required":true,"max_length":200},
 {"name":"email","type":"email"},
 {"name":"amount","type":"currency","currency":"CNY","indexed":true},
 {"name":"probability","type":"percent"},
 {"name":"employees","type":"integer"},
 {"name":"stage","type":"picklist","options":[{"value":"new"},{"value":"won"},{"value":"lost"}]},
 {"name":"hot","type":"boolean"},
 {"name":"close_date","type":"date"},
 {"name":"website","type":"url"},
 {"name":"notes","type":"textarea"}]}`

func benchRecord(i int) map[string]any {
	return map[string]any{
		"company": "Company " + strconv.Itoa(i), "email": fmt.Sprintf("c%d@example.com", i),
		"amount": json.Number(fmt.Sprintf("%d.%02d", i%100000, i%100)), "probability": json.Number("40"),
		"employees": json.Number(strconv.Itoa(i % 5000)), "stage": []string{"new", "won", "lost"}[i%3],
		"hot": i%2 == 0, "close_date": "2027-03-01", "website": "https://example.com/" + strconv.Itoa(i),
		"notes": "a note of some length to make the document realistic",
	}
}

// rawDoc is what the engine stores for benchRecord(i), for the raw inserts to write the same bytes.
func rawDoc(i int) map[string]any {
	return map[string]any{
		"id": fmt.Sprintf("raw%09d", i), "company": "Company " + strconv.Itoa(i), "email": fmt.Sprintf("c%d@example.com", i),
		"amount": int64(i%100000*100 + i%100), "probability": 40.0, "employees": int64(i % 5000),
		"stage": []string{"new", "won", "lost"}[i%3], "hot": i%2 == 0, "close_date": "2027-03-01",
		"website": "https://example.com/" + strconv.Itoa(i), "notes": "a note of some length to make the document realistic",
		"owner": "u1", "created_at": "2026-11-22T10:00:00.000Z", "created_by": "u1", "updated_at": "2026-11-22T10:00:00.000Z", "updated_by": "u1",
	}
}

type rawInserter func(ctx context.Context, i int) error

// benchBackend is one backend with the raw floor beneath it.
type benchBackend struct {
	name  string
	store store.Store
	raw   rawInserter
	rawQ  func(ctx context.Context, lo int64) (int, error) // range filter + sort + limit 50
	// rawU reads the raw document i and writes it back changed, guarded by its version: the
	// floor under an engine update.
	rawU func(ctx context.Context, i int, stage string) error
}

func sqliteBench(b *testing.B) benchBackend {
	st, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	db, err := sql.Open("sqlite", "file:"+filepath.Join(b.TempDir(), "raw.db")+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	for _, s := range []string{
		`CREATE TABLE raw (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL)`,
		`CREATE INDEX raw_amount ON raw (json_extract(doc,'$.amount'))`,
		`CREATE INDEX raw_owner ON raw (json_extract(doc,'$.owner'))`,
		`CREATE INDEX raw_created ON raw (json_extract(doc,'$.created_at'))`,
		`CREATE INDEX raw_updated ON raw (json_extract(doc,'$.updated_at'))`,
	} {
		if _, err := db.Exec(s); err != nil {
			b.Fatal(err)
		}
	}
	return benchBackend{name: "sqlite", store: st,
		raw: func(ctx context.Context, i int) error {
			d := rawDoc(i)
			id := d["id"]
			delete(d, "id")
			j, _ := json.Marshal(d)
			_, err := db.ExecContext(ctx, `INSERT INTO raw (id, version, doc) VALUES (?, 1, ?)`, id, string(j))
			return err
		},
		rawU: func(ctx context.Context, i int, stage string) error {
			id := fmt.Sprintf("raw%09d", i)
			var doc string
			var v int64
			if err := db.QueryRowContext(ctx, `SELECT version, doc FROM raw WHERE id = ?`, id).Scan(&v, &doc); err != nil {
				return err
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(doc), &m); err != nil {
				return err
			}
			m["stage"] = stage
			j, _ := json.Marshal(m)
			res, err := db.ExecContext(ctx, `UPDATE raw SET doc = ?, version = version + 1 WHERE id = ? AND version = ?`, string(j), id, v)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("raw update of %s: %d rows", id, n)
			}
			return nil
		},
		rawQ: func(ctx context.Context, lo int64) (int, error) {
			rows, err := db.QueryContext(ctx, `SELECT id, version, doc FROM raw WHERE json_extract(doc,'$.amount') >= ? ORDER BY json_extract(doc,'$.amount'), id LIMIT 50`, lo)
			if err != nil {
				return 0, err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var id, doc string
				var v int64
				if err := rows.Scan(&id, &v, &doc); err != nil {
					return 0, err
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(doc), &m); err != nil {
					return 0, err
				}
				n++
			}
			return n, rows.Err()
		}}
}

func mongoBench(b *testing.B) benchBackend {
	uri := mongotest.URI(b)
	dbName := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	ctx := context.Background()
	st, err := mongodb.Open(ctx, uri, dbName)
	if err != nil {
		b.Fatal(err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = st.DropDatabase(ctx)
		st.Close()
		_ = client.Disconnect(ctx)
	})
	coll := client.Database(dbName).Collection("raw")
	if _, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "amount", Value: 1}}}); err != nil {
		b.Fatal(err)
	}
	return benchBackend{name: "mongodb-ferretdb", store: st,
		raw: func(ctx context.Context, i int) error {
			d := rawDoc(i)
			d["_id"] = d["id"]
			delete(d, "id")
			d["version"] = int64(1)
			_, err := coll.InsertOne(ctx, d)
			return err
		},
		rawQ: func(ctx context.Context, lo int64) (int, error) {
			cur, err := coll.Find(ctx, bson.M{"amount": bson.M{"$gte": lo}}, options.Find().SetSort(bson.D{{Key: "amount", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(50))
			if err != nil {
				return 0, err
			}
			var out []bson.M
			err = cur.All(ctx, &out)
			return len(out), err
		}}
}

func newBenchEngine(b *testing.B, st store.Store) (*engine.Engine, *engine.Actor) {
	return newBenchEngineWith(b, engine.Config{Store: st, Logger: quiet})
}

// newBenchEngineWith is newBenchEngine on a configuration of the caller's.
func newBenchEngineWith(b *testing.B, cfg engine.Config) (*engine.Engine, *engine.Actor) {
	ctx := context.Background()
	e, err := engine.New(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	var obj forms.Object
	if err := json.Unmarshal([]byte(benchDef), &obj); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &obj); err != nil {
		b.Fatal(err)
	}
	return e, engine.SystemActor
}

// BenchmarkCreateVsRaw interleaves a raw insert of the stored document with an engine create of
// the same 10-field record (validate + persist), and reports both and their ratio.
func BenchmarkCreateVsRaw(b *testing.B) {
	for _, mk := range []func(*testing.B) benchBackend{sqliteBench, mongoBench} {
		bb := mk(b)
		e, actor := newBenchEngine(b, bb.store)
		next := 0 // testing runs the body more than once; ids must stay unique
		b.Run(bb.name, func(b *testing.B) {
			ctx := context.Background()
			var rawT, engT time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				next++
				t0 := time.Now()
				if err := bb.raw(ctx, next); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := e.CreateRecord(ctx, actor, "lead", benchRecord(next), "en"); err != nil {
					b.Fatal(err)
				}
				engT += time.Since(t1)
				rawT += t1.Sub(t0)
			}
			b.ReportMetric(float64(rawT.Nanoseconds())/float64(b.N), "raw-ns/op")
			b.ReportMetric(float64(engT.Nanoseconds())/float64(b.N), "engine-ns/op")
			b.ReportMetric(float64(engT)/float64(rawT), "engine/raw")
		})
	}
}

// BenchmarkScale measures, at 10,000 and 100,000 records: the filtered list (range filter on an
// indexed field + sort + limit 50) through the backend and through the raw database, and the
// create latency with 8 concurrent writers; and the list shapes of every role (scaleShapes) from
// 1,000 records. Sizes can be capped with CRM_BENCH_MAX (e.g. 10000).
func BenchmarkScale(b *testing.B) {
	max := 100000
	if s := os.Getenv("CRM_BENCH_MAX"); s != "" {
		max, _ = strconv.Atoi(s)
	}
	scaleShapes(b, max)
	for _, mk := range []func(*testing.B) benchBackend{sqliteBench, mongoBench} {
		bb := mk(b)
		e, actor := newBenchEngine(b, bb.store)
		ctx := context.Background()
		seeded := 0
		for _, size := range []int{10000, 100000} {
			if size > max {
				continue
			}
			for ; seeded < size; seeded++ {
				d := rawDoc(seeded)
				d["id"] = fmt.Sprintf("r%09d", seeded)
				if err := bb.store.Insert(ctx, "obj_lead", d); err != nil {
					b.Fatal(err)
				}
				if err := bb.raw(ctx, seeded); err != nil {
					b.Fatal(err)
				}
			}
			b.Run(fmt.Sprintf("%s/%d", bb.name, size), func(b *testing.B) {
				lo := int64(size / 2 * 100)
				q := store.Query{Filter: store.Compare{Field: "amount", Op: store.Ge, Value: lo}, Sort: []store.SortKey{{Field: "amount"}}, Limit: 50}
				const lists = 5
				var backT, rawT, engT time.Duration
				timeouts := 0 // the engine's 5 s query limit cuts off full scans (FerretDB at 100,000)
				for i := 0; i < lists*b.N; i++ {
					t0 := time.Now()
					docs, err := bb.store.Find(ctx, "obj_lead", q)
					if err != nil || len(docs) != 50 {
						b.Fatalf("find: %d %v", len(docs), err)
					}
					t1 := time.Now()
					if n, err := bb.rawQ(ctx, lo); err != nil || n != 50 {
						b.Fatalf("raw: %d %v", n, err)
					}
					t2 := time.Now()
					p, err := e.ListRecords(ctx, actor, "lead", engine.ListParams{Filter: "amount >= " + strconv.FormatInt(lo/100, 10), Sort: "amount", Limit: 50})
					if ee, ok := engine.AsError(err); ok && ee.Code == "query_timeout" {
						timeouts++
					} else if err != nil || len(p.Items) != 50 {
						b.Fatalf("list: %v", err)
					}
					backT += t1.Sub(t0)
					rawT += t2.Sub(t1)
					engT += time.Since(t2)
				}
				n := float64(lists * b.N)
				b.ReportMetric(float64(backT.Microseconds())/n, "list-backend-µs")
				b.ReportMetric(float64(rawT.Microseconds())/n, "list-raw-µs")
				b.ReportMetric(float64(engT.Microseconds())/n, "list-engine-µs")
				if timeouts > 0 {
					b.ReportMetric(float64(timeouts), "list-engine-timeouts")
				}
				b.ReportMetric(float64(backT)/float64(rawT), "backend/raw")

				// Create latency with 8 concurrent writers.
				const writers, each = 8, 25
				var mu sync.Mutex
				var lat []time.Duration
				var wg sync.WaitGroup
				for w := 0; w < writers; w++ {
					wg.Add(1)
					go func(w int) {
						defer wg.Done()
						for i := 0; i < each; i++ {
							t0 := time.Now()
							if _, err := e.CreateRecord(ctx, actor, "lead", benchRecord(1_000_000+w*1000+i), "en"); err != nil {
								b.Error(err)
								return
							}
							mu.Lock()
							lat = append(lat, time.Since(t0))
							mu.Unlock()
						}
					}(w)
				}
				wg.Wait()
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "create-p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "create-p99-µs")
			})
		}
	}
}

// tenRules are ten validation rules of the kinds analysts write, none of which fails for
// benchRecord, so both objects store every record.
const tenRules = `,"validation_rules":[
 {"name":"r1","error_when":"amount < 0"},
 {"name":"r2","error_when":"probability > 100"},
 {"name":"r3","error_when":"stage == \"won\" && amount == 0"},
 {"name":"r4","error_when":"close_date < addDays(today(), -36500)"},
 {"name":"r5","error_when":"len(company) > 150"},
 {"name":"r6","error_when":"email != nil && !(email contains \"@\")"},
 {"name":"r7","error_when":"employees > 1000000"},
 {"name":"r8","error_when":"hot && stage == \"lost\" && amount > 100000000"},
 {"name":"r9","error_when":"website != nil && !(website startsWith \"http\")"},
 {"name":"r10","error_when":"isBlank(company) || lower(trim(company)) == \"test\""}]}`

// BenchmarkWriteRules interleaves engine creates of the same record into an object without rules
// and into one with ten validation rules, on the sqlite backend, and reports their ratio.
func BenchmarkWriteRules(b *testing.B) {
	bb := sqliteBench(b)
	ctx := context.Background()
	e, actor := newBenchEngine(b, bb.store)
	var ruled forms.Object
	def := strings.Replace(benchDef[:len(benchDef)-1], `"name":"lead"`, `"name":"ruled"`, 1) + tenRules
	if err := json.Unmarshal([]byte(def), &ruled); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &ruled); err != nil {
		b.Fatal(err)
	}
	var plainT, ruledT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := e.CreateRecord(ctx, actor, "lead", benchRecord(i), "en"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := e.CreateRecord(ctx, actor, "ruled", benchRecord(i), "en"); err != nil {
			b.Fatal(err)
		}
		plainT += t1.Sub(t0)
		ruledT += time.Since(t1)
	}
	b.ReportMetric(float64(plainT.Nanoseconds())/float64(b.N), "no-rules-ns/op")
	b.ReportMetric(float64(ruledT.Nanoseconds())/float64(b.N), "ten-rules-ns/op")
	b.ReportMetric(float64(ruledT)/float64(plainT), "ten/none")
}

// BenchmarkListAccess lists 50 records as a sales rep (access filter: own records and their
// reports') and as an admin (no filter) over 10,000 records of which a tenth are the rep's, and
// reports the ratio.
func BenchmarkListAccess(b *testing.B) {
	bb := sqliteBench(b)
	ctx := context.Background()
	e, admin := newBenchEngine(b, bb.store)
	pw := "correct-horse-battery"
	email := "rep@example.com"
	roles := []string{engine.RoleSales}
	u, err := e.SaveUser(ctx, admin, "", engine.UserInput{Email: &email, Password: &pw, Roles: &roles}, 0)
	if err != nil {
		b.Fatal(err)
	}
	rep := &engine.Actor{ID: u.ID, Email: email, Roles: roles}
	for i := 0; i < 10000; i++ {
		d := rawDoc(i)
		d["id"] = fmt.Sprintf("r%09d", i)
		if i%10 == 0 {
			d["owner"] = u.ID
		}
		if err := bb.store.Insert(ctx, "obj_lead", d); err != nil {
			b.Fatal(err)
		}
	}
	var repT, adminT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		p, err := e.ListRecords(ctx, rep, "lead", engine.ListParams{Limit: 50})
		if err != nil || len(p.Items) != 50 {
			b.Fatalf("rep: %v", err)
		}
		t1 := time.Now()
		p, err = e.ListRecords(ctx, admin, "lead", engine.ListParams{Limit: 50})
		if err != nil || len(p.Items) != 50 {
			b.Fatalf("admin: %v", err)
		}
		repT += t1.Sub(t0)
		adminT += time.Since(t1)
	}
	b.ReportMetric(float64(repT.Microseconds())/float64(b.N), "rep-µs/op")
	b.ReportMetric(float64(adminT.Microseconds())/float64(b.N), "admin-µs/op")
	b.ReportMetric(float64(repT)/float64(adminT), "rep/admin")
}

// fiveAutomations react to every create of "automated": two conditions that do not hold, a
// notification to the owner, a follow-up timer planned from close_date, and a field_changed one.
var fiveAutomations = []string{
	`{"name":"a1","object":"automated","trigger":{"type":"created"},"condition":"amount > 100000000","actions":[{"type":"notify","to":{"owner":true},"title":{"en":"huge"}}]}`,
	`{"name":"a2","object":"automated","trigger":{"type":"created_or_updated"},"condition":"hot && stage == \"lost\" && employees > 100000","actions":[{"type":"update","values":{"stage":"\"new\""}}]}`,
	`{"name":"a3","object":"automated","trigger":{"type":"created"},"actions":[{"type":"notify","to":{"owner":true},"title":{"en":"New {{company}}"}}]}`,
	`{"name":"a4","object":"automated","trigger":{"type":"time_relative","field":"close_date","offset":"-7d"},"actions":[{"type":"notify","to":{"owner":true},"title":{"en":"Closing soon"}}]}`,
	`{"name":"a5","object":"automated","trigger":{"type":"field_changed","fields":["stage"]},"condition":"stage == \"won\"","actions":[{"type":"notify","to":{"owner":true},"title":{"en":"Won"}}]}`,
}

// BenchmarkCreateAutomated interleaves a bare create with a create of the same record on an object
// with five automations and round-robin assignment over a team of three, and reports the ratio.
func BenchmarkCreateAutomated(b *testing.B) {
	bb := sqliteBench(b)
	ctx := context.Background()
	e, actor := newBenchEngine(b, bb.store)
	var obj forms.Object
	def := strings.Replace(benchDef, `"name":"lead"`, `"name":"automated"`, 1)
	if err := json.Unmarshal([]byte(def), &obj); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &obj); err != nil {
		b.Fatal(err)
	}
	for _, src := range fiveAutomations {
		var a workflow.Automation
		if err := json.Unmarshal([]byte(src), &a); err != nil {
			b.Fatal(err)
		}
		if _, err := e.SaveAutomation(ctx, engine.SystemActor, &a, true, 0); err != nil {
			b.Fatal(err)
		}
	}
	roundRobinSellers(b, e, "automated")
	var bareT, autoT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := e.CreateRecord(ctx, actor, "lead", benchRecord(i), "en"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := e.CreateRecord(ctx, actor, "automated", benchRecord(i), "en"); err != nil {
			b.Fatal(err)
		}
		bareT += t1.Sub(t0)
		autoT += time.Since(t1)
	}
	b.ReportMetric(float64(bareT.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(autoT.Nanoseconds())/float64(b.N), "automated-ns/op")
	b.ReportMetric(float64(autoT)/float64(bareT), "automated/bare")
}

// BenchmarkUpdate changes one field of a stored 10-field record, on the sqlite backend: through
// the raw database (read, then write guarded by the version), through the engine as a sales rep
// who owns the record (access, approval lock, rules, validation, durable event, audit) and as an
// admin (no access filter, no lock check). Reports each engine update against the raw one.
func BenchmarkUpdate(b *testing.B) {
	bb := sqliteBench(b)
	ctx := context.Background()
	e, admin := newBenchEngine(b, bb.store)
	pw, email, roles := "correct-horse-battery", "rep@example.com", []string{engine.RoleSales}
	u, err := e.SaveUser(ctx, admin, "", engine.UserInput{Email: &email, Password: &pw, Roles: &roles}, 0)
	if err != nil {
		b.Fatal(err)
	}
	rep := &engine.Actor{ID: u.ID, Email: email, Roles: roles}
	const n = 100
	var repIDs, adminIDs []string
	for i := 0; i < n; i++ {
		if err := bb.raw(ctx, i); err != nil {
			b.Fatal(err)
		}
		r, err := e.CreateRecord(ctx, rep, "lead", benchRecord(i), "en")
		if err != nil {
			b.Fatal(err)
		}
		repIDs = append(repIDs, r["id"].(string))
		r, err = e.CreateRecord(ctx, admin, "lead", benchRecord(i), "en")
		if err != nil {
			b.Fatal(err)
		}
		adminIDs = append(adminIDs, r["id"].(string))
	}
	stages := []string{"new", "won", "lost"}
	var rawT, repT, adminT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stage := stages[(i/n)%3]
		patch := map[string]any{"stage": stage}
		t0 := time.Now()
		if err := bb.rawU(ctx, i%n, stage); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := e.UpdateRecord(ctx, rep, "lead", repIDs[i%n], patch, 0, "en"); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := e.UpdateRecord(ctx, admin, "lead", adminIDs[i%n], patch, 0, "en"); err != nil {
			b.Fatal(err)
		}
		rawT += t1.Sub(t0)
		repT += t2.Sub(t1)
		adminT += time.Since(t2)
	}
	b.ReportMetric(float64(rawT.Microseconds())/float64(b.N), "raw-µs/op")
	b.ReportMetric(float64(repT)/float64(rawT), "rep/raw")
	b.ReportMetric(float64(adminT)/float64(rawT), "admin/raw")
}

// BenchmarkCreateConcurrent measures creates by 8 concurrent writers on the sqlite backend
// (synchronous=FULL): throughput and latency percentiles, plain and routed round-robin by an
// assignment rule (whose turn is a counter draw). Compare runs of two commits side by side.
func BenchmarkCreateConcurrent(b *testing.B) {
	b.Run("plain", func(b *testing.B) {
		bb := sqliteBench(b)
		e, actor := newBenchEngine(b, bb.store)
		createConcurrently(b, e, actor)
	})
	b.Run("round_robin", func(b *testing.B) {
		bb := sqliteBench(b)
		e, _ := newBenchEngine(b, bb.store)
		roundRobinSellers(b, e, "lead")
		createConcurrently(b, e, engine.SystemActor)
	})
}

// roundRobinSellers gives object's records round-robin to a team of three sales users.
func roundRobinSellers(b *testing.B, e *engine.Engine, object string) {
	ctx := context.Background()
	if _, err := e.SaveTeam(ctx, engine.SystemActor, &engine.Team{ID: "sellers"}, true, 0); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		email, pw := fmt.Sprintf("s%d@example.com", i), "correct-horse-battery"
		teams, roles := []string{"sellers"}, []string{engine.RoleSales}
		if _, err := e.SaveUser(ctx, engine.SystemActor, "", engine.UserInput{Email: &email, Password: &pw, Roles: &roles, Teams: &teams}, 0); err != nil {
			b.Fatal(err)
		}
	}
	rules := workflow.AssignmentRules{Rules: []workflow.AssignmentRule{{Name: "all", Condition: `stage != "lost"`,
		Target: workflow.Target{Type: workflow.TargetRoundRobin, Team: "sellers"}}}}
	if _, err := e.SaveAssignmentRules(ctx, engine.SystemActor, object, &rules, 0); err != nil {
		b.Fatal(err)
	}
}

func createConcurrently(b *testing.B, e *engine.Engine, actor *engine.Actor) {
	ctx := context.Background()
	const writers = 8
	var mu sync.Mutex
	var lat []time.Duration
	var next atomic.Int64
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				s := time.Now()
				if _, err := e.CreateRecord(ctx, actor, "lead", benchRecord(int(i)), "en"); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(s))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/el.Seconds(), "creates/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// timedStore adds up the time spent inside the store, so that a benchmark can report the engine's
// own time per operation with the database excluded.
type timedStore struct {
	store.Store
	in time.Duration // one goroutine at a time: no lock needed
}

func (t *timedStore) since(t0 time.Time) { t.in += time.Since(t0) }

func (t *timedStore) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	defer t.since(time.Now())
	return t.Store.Get(ctx, coll, id)
}

func (t *timedStore) Find(ctx context.Context, coll string, q store.Query) ([]store.Doc, error) {
	defer t.since(time.Now())
	return t.Store.Find(ctx, coll, q)
}

func (t *timedStore) Count(ctx context.Context, coll string, f store.Filter) (int64, error) {
	defer t.since(time.Now())
	return t.Store.Count(ctx, coll, f)
}

func (t *timedStore) Insert(ctx context.Context, coll string, doc store.Doc) error {
	defer t.since(time.Now())
	return t.Store.Insert(ctx, coll, doc)
}

func (t *timedStore) Replace(ctx context.Context, coll string, doc store.Doc, v int64) error {
	defer t.since(time.Now())
	return t.Store.Replace(ctx, coll, doc, v)
}

func (t *timedStore) Delete(ctx context.Context, coll, id string, v int64) error {
	defer t.since(time.Now())
	return t.Store.Delete(ctx, coll, id, v)
}

func (t *timedStore) Batch(ctx context.Context, ops []store.WriteOp) error {
	defer t.since(time.Now())
	return t.Store.Batch(ctx, ops)
}

func (t *timedStore) NextSequence(ctx context.Context, name string) (int64, error) {
	defer t.since(time.Now())
	return t.Store.NextSequence(ctx, name)
}

// BenchmarkCreateEngineTime creates records of a ten-field object with ten validation rules and a
// round-robin assignment rule, on the sqlite backend, and reports the engine's own time per create
// (validation, formulas, the ten rules, assignment, the write's documents) with the time spent
// inside the store excluded, next to the store's.
func BenchmarkCreateEngineTime(b *testing.B) {
	bb := sqliteBench(b)
	ctx := context.Background()
	ts := &timedStore{Store: bb.store}
	e, err := engine.New(ctx, engine.Config{Store: ts, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	var ruled forms.Object
	def := strings.Replace(benchDef[:len(benchDef)-1], `"name":"lead"`, `"name":"ruled"`, 1) + tenRules
	if err := json.Unmarshal([]byte(def), &ruled); err != nil {
		b.Fatal(err)
	}
	if _, err := e.CreateObject(ctx, engine.SystemActor, &ruled); err != nil {
		b.Fatal(err)
	}
	roundRobinSellers(b, e, "ruled")
	for i := 0; i < 10; i++ { // warm the caches
		if _, err := e.CreateRecord(ctx, engine.SystemActor, "ruled", benchRecord(i), "en"); err != nil {
			b.Fatal(err)
		}
	}
	ts.in = 0
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		rec, err := e.CreateRecord(ctx, engine.SystemActor, "ruled", benchRecord(i), "en")
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 && rec["owner"] == engine.SystemActor.ID {
			b.Fatalf("assignment did not run: %v", rec["owner"])
		}
	}
	total := time.Since(t0)
	b.ReportMetric(float64((total-ts.in).Microseconds())/float64(b.N), "engine-µs/op")
	b.ReportMetric(float64(ts.in.Microseconds())/float64(b.N), "store-µs/op")
}
