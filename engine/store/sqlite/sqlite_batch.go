package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"crm/engine/store"
)

// Group commit. With synchronous=FULL every COMMIT is an fsync, which costs far more than the
// statements before it. So every document write (Insert, Replace, Delete, Batch) is queued to one
// committer goroutine, which takes everything queued and runs it in one transaction with a
// SAVEPOINT per batch: a failing batch rolls back alone, the others commit, and all of them share
// the one fsync. Writers that arrive while a commit is in flight join the next one. Each waiter is
// answered only after the COMMIT returned, so an acknowledged write is on disk.

// maxGroup bounds one commit, so a flood of writers still gets answers in steady steps.
const maxGroup = 256

// batchReq is one queued batch, or one counter to draw from (seq), and where its answer goes.
type batchReq struct {
	ctx  context.Context
	ops  []store.WriteOp
	seq  string // NextSequence's counter; its value goes in val
	val  int64
	errc chan error
}

// Atomic reports that Batch is a transaction.
func (s *Store) Atomic() bool { return true }

// Batch queues ops to the committer and waits for their commit.
func (s *Store) Batch(ctx context.Context, ops []store.WriteOp) error {
	for i, op := range ops {
		if err := checkOp(op); err != nil {
			return &store.OpError{Index: i, Err: err}
		}
	}
	if len(ops) == 0 {
		return nil
	}
	return s.enqueue(&batchReq{ctx: ctx, ops: ops, errc: make(chan error, 1)})
}

// NextSequence increments the named counter (creating it at 1) and returns its new value. The
// draw commits with the queued writes: an assigned or autonumbered create under load no longer
// costs an fsync of its own before its record's.
func (s *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	r := &batchReq{ctx: ctx, seq: name, errc: make(chan error, 1)}
	if err := s.enqueue(r); err != nil {
		return 0, err
	}
	return r.val, nil
}

// enqueue hands r to the committer and waits for its commit.
func (s *Store) enqueue(r *batchReq) error {
	ctx := r.ctx
	s.qmu.RLock()
	if s.qclosed {
		s.qmu.RUnlock()
		return &store.Unavailable{Err: errors.New("sqlite: store closed")}
	}
	select {
	case s.queue <- r:
		s.qmu.RUnlock()
	case <-ctx.Done():
		s.qmu.RUnlock()
		return mapErr(ctx, ctx.Err())
	}
	// Once queued the batch may commit, so its answer is awaited even if ctx ends meanwhile.
	return <-r.errc
}

// write runs one op as a batch and answers the op's own error.
func (s *Store) write(ctx context.Context, op store.WriteOp) error {
	err := s.Batch(ctx, []store.WriteOp{op})
	var oe *store.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}

func checkOp(op store.WriteOp) error {
	if err := checkColl(op.Coll); err != nil {
		return err
	}
	switch op.Kind {
	case store.OpInsert, store.OpReplace:
		_, err := docID(op.Doc)
		return err
	case store.OpDelete:
		if op.ID == "" {
			return fmt.Errorf("sqlite: delete without an id")
		}
		return nil
	}
	return fmt.Errorf("sqlite: unknown op kind %d", op.Kind)
}

// commitLoop is the committer: it runs until the queue is closed.
func (s *Store) commitLoop() {
	defer close(s.done)
	for first := range s.queue {
		group := []*batchReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break drain
				}
				group = append(group, r)
			default:
				break drain
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup runs the queued batches in one transaction and answers each.
func (s *Store) commitGroup(group []*batchReq) {
	// Statements run under a context of their own: an interrupt inside an explicit transaction
	// would roll back the other writers' batches too. A caller whose context ended is skipped.
	ctx := context.Background()
	errs := make([]error, len(group))
	// Tables and statements are made first: the pool's one connection is the transaction's.
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			errs[i] = mapErr(r.ctx, err)
			continue
		}
		for j, op := range r.ops {
			if err := s.ensureTable(ctx, op.Coll); err != nil {
				errs[i] = &store.OpError{Index: j, Err: err}
				break
			}
			if _, err := s.stmt(ctx, s.writer, opSQL(op)); err != nil && !isNoTable(err) {
				errs[i] = &store.OpError{Index: j, Err: mapWriteErr(ctx, op.Coll, err)}
				break
			}
		}
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		answerAll(group, errs, mapErr(ctx, err))
		return
	}
	for i, r := range group {
		switch {
		case errs[i] != nil:
		case r.seq != "":
			errs[i] = s.drawSequence(ctx, tx, r)
		default:
			errs[i] = s.runBatch(ctx, tx, r.ops)
		}
	}
	if err := tx.Commit(); err != nil {
		answerAll(group, errs, mapErr(ctx, err))
		return
	}
	s.commits.Add(1)
	for i, r := range group {
		r.errc <- errs[i]
	}
}

// answerAll answers the batches that had not failed on their own with err.
func answerAll(group []*batchReq, errs []error, err error) {
	for i, r := range group {
		if errs[i] == nil {
			errs[i] = err
		}
		r.errc <- errs[i]
	}
}

// drawSequence increments r's counter inside the group's transaction.
func (s *Store) drawSequence(ctx context.Context, tx *sql.Tx, r *batchReq) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO sys_counters (name, value) VALUES (?, 1)
		 ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, r.seq).Scan(&r.val)
	return mapErr(ctx, err)
}

// runBatch runs one batch inside a savepoint, rolled back when an op fails.
func (s *Store) runBatch(ctx context.Context, tx *sql.Tx, ops []store.WriteOp) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT b`); err != nil {
		return mapErr(ctx, err)
	}
	for i, op := range ops {
		err := s.runOp(ctx, tx, op)
		if isNoTable(err) {
			s.known(op.Coll, false) // dropped meanwhile: the next write creates it again
			if op.Kind != store.OpInsert {
				err = store.ErrNotFound
			}
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO b; RELEASE b`); rerr != nil {
				return mapErr(ctx, rerr)
			}
			return &store.OpError{Index: i, Err: err}
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE b`); err != nil {
		return mapErr(ctx, err)
	}
	return nil
}

// runOp runs one op with cached statements; when a compare-and-set matches nothing, a lookup
// tells a missing id from a conflict.
func (s *Store) runOp(ctx context.Context, tx *sql.Tx, op store.WriteOp) error {
	var args []any
	id := op.ID
	switch op.Kind {
	case store.OpInsert, store.OpReplace:
		id, _ = docID(op.Doc)
		text, err := encodeDoc(op.Doc)
		if err != nil {
			return err
		}
		if op.Kind == store.OpInsert {
			args = []any{id, store.InsertVersion(op.Doc), text}
		} else {
			args = []any{text, id, op.Expect}
		}
	case store.OpDelete:
		args = []any{id, op.Expect, op.Expect}
	}
	var res sql.Result
	var err error
	s.mu.Lock()
	st := s.stmts[stmtKey{s.writer, opSQL(op)}]
	s.mu.Unlock()
	if st != nil {
		res, err = tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else { // the table was dropped since: the statement reports it
		res, err = tx.ExecContext(ctx, opSQL(op), args...)
	}
	if err != nil {
		return mapWriteErr(ctx, op.Coll, err)
	}
	if op.Kind == store.OpInsert {
		return nil
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(ctx, err)
	}
	if n > 0 {
		return nil
	}
	var one int
	err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT 1 FROM "%s" WHERE id = ?`, op.Coll), id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return mapErr(ctx, err)
	}
	return store.ErrVersionConflict
}

// opSQL is the statement of an op.
func opSQL(op store.WriteOp) string {
	switch op.Kind {
	case store.OpInsert:
		return fmt.Sprintf(`INSERT INTO "%s" (id, version, doc) VALUES (?, ?, ?)`, op.Coll)
	case store.OpReplace:
		return fmt.Sprintf(`UPDATE "%s" SET version = version + 1, doc = ? WHERE id = ? AND version = ?`, op.Coll)
	}
	return fmt.Sprintf(`DELETE FROM "%s" WHERE id = ? AND (? = 0 OR version = ?)`, op.Coll)
}

// stmt returns the prepared statement for q on db, preparing it once: preparing costs as much
// as running a small insert. SQLite re-prepares a statement by itself after a schema change.
func (s *Store) stmt(ctx context.Context, db *sql.DB, q string) (*sql.Stmt, error) {
	key := stmtKey{db, q}
	s.mu.Lock()
	st := s.stmts[key]
	s.mu.Unlock()
	if st != nil {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.stmts[key]; old != nil {
		st.Close()
		return old, nil
	}
	s.stmts[key] = st
	return st, nil
}

type stmtKey struct {
	db *sql.DB
	q  string
}
