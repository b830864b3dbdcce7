package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"crm/engine/store"
	"crm/internal/testenv"
)

// errDied is what a Batch cut short by crashStore answers; the engine that made it is never used
// again, as a process that died there.
var errDied = errors.New("crash test: the process died in the middle of the batch")

// crashStore is the store of a process that dies in the middle of its next record write: the
// Batch stores the first ops the armed cut chooses, through the real store one by one (what a
// backend without transactions does), and fails. A transactional store keeps nothing or all of
// a batch, so there a cut keeps all of the ops when it would keep the record's, else none.
type crashStore struct {
	store.Store
	mu   sync.Mutex
	cut  func(ops []store.WriteOp) int // how many ops of the next batch are stored; nil: no crash
	ops  []store.WriteOp               // the batch that was cut
	kept int                           // how many of its ops were stored
}

func (c *crashStore) arm(cut func(ops []store.WriteOp) int) {
	c.mu.Lock()
	c.cut = cut
	c.mu.Unlock()
}

func (c *crashStore) Batch(ctx context.Context, ops []store.WriteOp) error {
	c.mu.Lock()
	cut := c.cut
	c.cut = nil
	c.mu.Unlock()
	if cut == nil {
		return c.Store.Batch(ctx, ops)
	}
	k := cut(ops)
	if c.Atomic() {
		k = map[bool]int{false: 0, true: len(ops)}[k > recordOp(ops)]
	}
	c.ops, c.kept = ops, k
	if c.Atomic() && k > 0 {
		if err := c.Store.Batch(ctx, ops); err != nil {
			return err
		}
		return errDied
	}
	for _, op := range ops[:k] {
		var err error
		switch op.Kind {
		case store.OpInsert:
			err = c.Insert(ctx, op.Coll, op.Doc)
		case store.OpReplace:
			err = c.Replace(ctx, op.Coll, op.Doc, op.Expect)
		case store.OpDelete:
			err = c.Delete(ctx, op.Coll, op.ID, op.Expect)
		}
		if err != nil {
			return fmt.Errorf("crash test: op of the prefix failed: %w", err)
		}
	}
	return errDied
}

// recordOp is the index of the op that writes the record in a record write's batch.
func recordOp(ops []store.WriteOp) int {
	for i, op := range ops {
		if op.Coll != collJobs && op.Coll != collAudit {
			return i
		}
	}
	return -1
}

// Cuts of a record write: just before the record op, and just after it.
func beforeRecord(ops []store.WriteOp) int { return recordOp(ops) }
func afterRecord(ops []store.WriteOp) int  { return recordOp(ops) + 1 }

// crashLeadDef is a lead whose create, update and delete each run an automation that creates a
// task; crashNoteDef is an object no automation or SLA reacts to.
const crashNoteDef = `{"name":"note","fields":[{"name":"company","type":"text","required":true}]}`

var crashAutomations = []string{
	`{"name":"on_create","object":"lead","trigger":{"type":"created"},
	 "actions":[{"type":"create","object":"task","values":{"subject":"\"created \" + company"}}]}`,
	`{"name":"on_update","object":"lead","trigger":{"type":"updated"},
	 "actions":[{"type":"create","object":"task","values":{"subject":"\"updated \" + company"}}]}`,
	`{"name":"on_delete","object":"lead","trigger":{"type":"deleted"},
	 "actions":[{"type":"create","object":"task","values":{"subject":"\"deleted \" + old.company"}}]}`,
}

// crashBench is one database, the store of the process that dies on it, and a shared clock.
type crashBench struct {
	t      *testing.T
	ctx    context.Context
	clock  *testClock
	dying  *crashStore
	shared store.Store // the same database for the processes started after the crash
	e      *Engine     // the process that dies
}

func newCrashBench(t *testing.T, b testenv.Backend) *crashBench {
	t.Helper()
	stores := b.OpenShared(t, 2)
	cb := &crashBench{t: t, ctx: context.Background(), clock: newTestClock(), dying: &crashStore{Store: stores[0]}, shared: stores[1]}
	cb.e = cb.engine(cb.dying, "dying")
	mustDefine(t, cb.e, followLeadDef, followTaskDef, crashNoteDef)
	for _, a := range crashAutomations {
		mustAutomate(t, cb.e, a)
	}
	return cb
}

func (cb *crashBench) engine(st store.Store, node string) *Engine {
	cb.t.Helper()
	e, err := New(cb.ctx, Config{Store: st, Logger: quietLog, Clock: cb.clock.Now, JobLease: time.Minute, TickBatch: 50, Node: node})
	if err != nil {
		cb.t.Fatal(err)
	}
	return e
}

// recover starts a fresh engine on the database, as after a restart, and lets its scheduler run
// what has come due.
func (cb *crashBench) recover() *Engine {
	cb.t.Helper()
	e := cb.engine(cb.shared, "restarted")
	cb.clock.Advance(eventGrace + time.Second)
	for range 3 { // the automations' own writes and their events
		if _, err := e.Tick(cb.ctx); err != nil {
			cb.t.Fatal(err)
		}
	}
	return e
}

// write runs one write of the dying process, cut as armed; it must fail.
func (cb *crashBench) crash(what string, cut func([]store.WriteOp) int, write func() error) {
	cb.t.Helper()
	cb.dying.arm(cut)
	if err := write(); err == nil {
		cb.t.Fatalf("%s: the cut write was acknowledged", what)
	}
}

func (cb *crashBench) create(object, company string) string {
	cb.t.Helper()
	rec, err := cb.e.CreateRecord(cb.ctx, SystemActor, object, map[string]any{"company": company}, "en")
	if err != nil {
		cb.t.Fatal(err)
	}
	return rec["id"].(string)
}

// state is what a record write left once recovered.
type crashState struct {
	company string         // "" when the record is gone
	audit   map[string]int // audit entries of the record by action
	tasks   map[string]int // tasks by subject
}

func (cb *crashBench) state(e *Engine, object, id string, subjects ...string) crashState {
	cb.t.Helper()
	st := crashState{audit: map[string]int{}, tasks: map[string]int{}}
	doc, err := e.store.Get(cb.ctx, recordsColl(object), id)
	switch {
	case err == nil:
		st.company, _ = doc["company"].(string)
	case !errors.Is(err, store.ErrNotFound):
		cb.t.Fatal(err)
	}
	entries, err := e.store.Find(cb.ctx, collAudit, store.Query{Filter: store.Compare{Field: "record", Op: store.Eq, Value: id}})
	if err != nil {
		cb.t.Fatal(err)
	}
	for _, a := range entries {
		st.audit[a["action"].(string)]++
	}
	for _, s := range subjects {
		if n := countDocs(cb.t, e, "obj_task", store.Compare{Field: "subject", Op: store.Eq, Value: s}); n > 0 {
			st.tasks[s] = int(n)
		}
	}
	if n := countDocs(cb.t, e, collJobs, store.Compare{Field: "kind", Op: store.Eq, Value: "event"}); n != 0 {
		cb.t.Errorf("%d event jobs left after recovery", n)
	}
	return st
}

func (st crashState) String() string {
	return fmt.Sprintf("record %q, audit %v, tasks %v", st.company, st.audit, st.tasks)
}

// TestRecordWriteCrashAtEveryPrefix: the process dies in the middle of a record write's batch,
// after any number of its ops (on a backend with transactions: none or all of them). A fresh
// engine on the same database, once its scheduler has run what came due, shows the write either
// gone without a trace or complete: the record as written, its audit entry once, the object's
// automation run once.
func TestRecordWriteCrashAtEveryPrefix(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		cb := newCrashBench(t, b)
		for _, object := range []string{"lead", "note"} {
			automated := object == "lead"
			for _, op := range []string{"create", "update", "delete"} {
				for k, n := 0, 1; k <= n; k++ {
					name := fmt.Sprintf("%s %s, crash after %d ops", op, object, k)
					company := fmt.Sprintf("Acme %s %s %d", object, op, k)
					var id string
					if op != "create" {
						id = cb.create(object, company)
					}
					cut := func(ops []store.WriteOp) int { return k }
					cb.crash(name, cut, func() error {
						var err error
						switch op {
						case "create":
							var rec Record
							rec, err = cb.e.CreateRecord(cb.ctx, SystemActor, object, map[string]any{"company": company}, "en")
							if rec != nil {
								id = rec["id"].(string)
							}
						case "update":
							_, err = cb.e.UpdateRecord(cb.ctx, SystemActor, object, id, map[string]any{"company": company + " v2"}, 0, "en")
						case "delete":
							err = cb.e.DeleteRecord(cb.ctx, SystemActor, object, id, 0)
						}
						return err
					})
					n = len(cb.dying.ops)
					if cb.dying.Atomic() && k == 0 {
						k = n - 1 // the only other outcome of a transaction: all of it
					}
					if id == "" {
						id = cb.dying.ops[recordOp(cb.dying.ops)].Doc["id"].(string)
					}
					written := cb.dying.kept > recordOp(cb.dying.ops)
					e := cb.recover()
					got := cb.state(e, object, id, "created "+company, "updated "+company+" v2", "deleted "+company)

					want := crashState{audit: map[string]int{}, tasks: map[string]int{}}
					if op != "create" {
						want.company, want.audit["record_created"] = company, 1
						if automated {
							want.tasks["created "+company] = 1
						}
					}
					if written {
						switch op {
						case "create":
							want.company = company
							want.audit["record_created"] = 1
						case "update":
							want.company = company + " v2"
							want.audit["record_updated"] = 1
						case "delete":
							want.company = ""
							want.audit["record_deleted"] = 1
						}
						if automated {
							subject := map[string]string{"create": "created " + company, "update": "updated " + company + " v2", "delete": "deleted " + company}[op]
							want.tasks[subject] = 1
						}
					}
					if got.String() != want.String() {
						t.Errorf("%s (record written: %v):\n got  %v\n want %v", name, written, got, want)
					}
				}
			}
		}
	})
}

// TestRecordWriteCrashThenMoreWrites: a write cut short by a crash is followed, before any
// scheduler runs its event, by more writes of the same record from a live process (the user
// retrying, deleting, editing on). Recovery still keeps each audit entry once and runs each
// automation at most once.
func TestRecordWriteCrashThenMoreWrites(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		cb := newCrashBench(t, b)
		ctx := cb.ctx
		for _, tc := range []struct {
			name   string
			object string
			run    func(live *Engine, id, company string) // the crash and what follows it
			want   func(company string) crashState
		}{
			{
				name: "update cut after the record, then deleted", object: "lead",
				run: func(live *Engine, id, company string) {
					cb.crash("update", afterRecord, func() error {
						_, err := cb.e.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"company": company + " v2"}, 0, "en")
						return err
					})
					if err := live.DeleteRecord(ctx, SystemActor, "lead", id, 0); err != nil {
						t.Fatal(err)
					}
				},
				// The update's automation finds its record gone: nothing to react to.
				want: func(c string) crashState {
					return crashState{audit: map[string]int{"record_created": 1, "record_updated": 1, "record_deleted": 1},
						tasks: map[string]int{"created " + c: 1, "deleted " + c + " v2": 1}}
				},
			},
			{
				name: "update of an object without automations cut after the record, then deleted", object: "note",
				run: func(live *Engine, id, company string) {
					cb.crash("update", afterRecord, func() error {
						_, err := cb.e.UpdateRecord(ctx, SystemActor, "note", id, map[string]any{"company": company + " v2"}, 0, "en")
						return err
					})
					if err := live.DeleteRecord(ctx, SystemActor, "note", id, 0); err != nil {
						t.Fatal(err)
					}
				},
				want: func(c string) crashState {
					return crashState{audit: map[string]int{"record_created": 1, "record_updated": 1, "record_deleted": 1}, tasks: map[string]int{}}
				},
			},
			{
				name: "create cut after the record, then deleted", object: "lead",
				run: func(live *Engine, id, company string) {
					if err := live.DeleteRecord(ctx, SystemActor, "lead", id, 0); err != nil {
						t.Fatal(err)
					}
				},
				want: func(c string) crashState {
					return crashState{audit: map[string]int{"record_created": 1, "record_deleted": 1}, tasks: map[string]int{"deleted " + c: 1}}
				},
			},
			{
				name: "delete cut before the record, then retried", object: "lead",
				run: func(live *Engine, id, company string) {
					cb.crash("delete", beforeRecord, func() error { return cb.e.DeleteRecord(ctx, SystemActor, "lead", id, 0) })
					if err := live.DeleteRecord(ctx, SystemActor, "lead", id, 0); err != nil {
						t.Fatal(err)
					}
				},
				want: func(c string) crashState {
					return crashState{audit: map[string]int{"record_created": 1, "record_deleted": 1}, tasks: map[string]int{"created " + c: 1, "deleted " + c: 1}}
				},
			},
			{
				name: "delete cut after the record, then retried", object: "lead",
				run: func(live *Engine, id, company string) {
					cb.crash("delete", afterRecord, func() error { return cb.e.DeleteRecord(ctx, SystemActor, "lead", id, 0) })
					if err := live.DeleteRecord(ctx, SystemActor, "lead", id, 0); !isNotFound(err) {
						t.Fatalf("retried delete: %v, want record_not_found", err)
					}
				},
				want: func(c string) crashState {
					return crashState{audit: map[string]int{"record_created": 1, "record_deleted": 1}, tasks: map[string]int{"created " + c: 1, "deleted " + c: 1}}
				},
			},
			{
				name: "delete cut before the record, then another cut after it", object: "lead",
				run: func(live *Engine, id, company string) {
					cb.crash("delete", beforeRecord, func() error { return cb.e.DeleteRecord(ctx, SystemActor, "lead", id, 0) })
					cb.crash("delete again", afterRecord, func() error { return cb.e.DeleteRecord(ctx, SystemActor, "lead", id, 0) })
				},
				want: func(c string) crashState {
					return crashState{audit: map[string]int{"record_created": 1, "record_deleted": 1}, tasks: map[string]int{"created " + c: 1, "deleted " + c: 1}}
				},
			},
			{
				name: "update cut after the record, then more updates than a record keeps events", object: "lead",
				run: func(live *Engine, id, company string) {
					cb.crash("update", afterRecord, func() error {
						_, err := cb.e.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"company": company + " v2"}, 0, "en")
						return err
					})
					for i := range eventsKept {
						if _, err := live.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"company": fmt.Sprintf("%s v%d", company, i+3)}, 0, "en"); err != nil {
							t.Fatal(err)
						}
					}
				},
				want: func(c string) crashState {
					st := crashState{company: fmt.Sprintf("%s v%d", c, eventsKept+2), audit: map[string]int{"record_created": 1, "record_updated": 1 + eventsKept},
						tasks: map[string]int{"created " + c: 1, "updated " + c + " v2": 1}}
					for i := range eventsKept {
						st.tasks[fmt.Sprintf("updated %s v%d", c, i+3)] = 1
					}
					return st
				},
			},
		} {
			company := "Acme " + tc.name
			var id string
			if tc.name == "create cut after the record, then deleted" {
				cb.crash("create", afterRecord, func() error {
					_, err := cb.e.CreateRecord(ctx, SystemActor, "lead", map[string]any{"company": company}, "en")
					return err
				})
				id = cb.dying.ops[recordOp(cb.dying.ops)].Doc["id"].(string)
			} else {
				id = cb.create(tc.object, company)
			}
			tc.run(cb.engine(cb.shared, "live"), id, company)
			want := tc.want(company)
			var subjects []string
			for s := range want.tasks {
				subjects = append(subjects, s)
			}
			subjects = append(subjects, "updated "+company+" v2", "deleted "+company, "deleted "+company+" v2")
			got := cb.state(cb.recover(), tc.object, id, subjects...)
			if got.String() != want.String() {
				t.Errorf("%s:\n got  %v\n want %v", tc.name, got, want)
			}
		}
	})
}

// TestRecordWriteFailingAfterTheRecord: the database refuses a write's audit entry after it
// took the record. In a transaction nothing of the write remains; without one the replace cannot
// be undone, so the batch's event stays with it and recovery completes the write.
func TestRecordWriteFailingAfterTheRecord(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		cb := newCrashBench(t, b)
		company := "Acme refused"
		id := cb.create("lead", company)
		// One audit entry per request id, for a while, and one of "r1" there: the update's entry,
		// made in request r1, is refused.
		unique := append(slices.Clone(auditIndexes), store.Index{Field: "request_id", Unique: true})
		if err := cb.dying.EnsureCollection(cb.ctx, collAudit, unique); err != nil {
			t.Fatal(err)
		}
		if err := cb.dying.Insert(cb.ctx, collAudit, store.Doc{"id": newID(), "action": "taken", "request_id": "r1"}); err != nil {
			t.Fatal(err)
		}
		ctx := WithRequestID(cb.ctx, "r1")
		if _, err := cb.e.UpdateRecord(ctx, SystemActor, "lead", id, map[string]any{"company": company + " v2"}, 0, "en"); err == nil {
			t.Fatal("the update was acknowledged without its audit entry")
		}
		if err := cb.dying.EnsureCollection(cb.ctx, collAudit, auditIndexes); err != nil {
			t.Fatal(err)
		}
		got := cb.state(cb.recover(), "lead", id, "created "+company, "updated "+company+" v2")
		want := crashState{company: company, audit: map[string]int{"record_created": 1}, tasks: map[string]int{"created " + company: 1}}
		if !cb.dying.Atomic() {
			want.company = company + " v2"
			want.audit["record_updated"] = 1
			want.tasks["updated "+company+" v2"] = 1
		}
		if got.String() != want.String() {
			t.Errorf("\n got  %v\n want %v", got, want)
		}
	})
}
