package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"crm/engine/store"
)

// Atomic reports whether Batch runs in a transaction: on a replica set or a sharded cluster, not
// on FerretDB or a standalone server.
func (s *Store) Atomic() bool { return s.transactions }

// Batch applies ops in a transaction where the deployment has them. Elsewhere it applies them in
// order and, when one fails, undoes what it stored before it where it can (see undo); a crash in
// between leaves a prefix.
func (s *Store) Batch(ctx context.Context, ops []store.WriteOp) error {
	if !s.transactions {
		return s.applyOps(ctx, ops)
	}
	sess, err := s.client.StartSession()
	if err != nil {
		return mapErr(ctx, "batch", err)
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	_, err = sess.WithTransaction(ctx, func(tc context.Context) (any, error) {
		return nil, s.applyOps(tc, ops)
	})
	var oe *store.OpError
	if errors.As(err, &oe) {
		return oe
	}
	return mapErr(ctx, "batch", err)
}

// applyOps runs ops one by one; see Batch.
func (s *Store) applyOps(ctx context.Context, ops []store.WriteOp) error {
	for i, op := range ops {
		var err error
		switch op.Kind {
		case store.OpInsert:
			err = s.Insert(ctx, op.Coll, op.Doc)
		case store.OpReplace:
			err = s.Replace(ctx, op.Coll, op.Doc, op.Expect)
		case store.OpDelete:
			err = s.Delete(ctx, op.Coll, op.ID, op.Expect)
		default:
			err = fmt.Errorf("mongodb: unknown op kind %d", op.Kind)
		}
		if err == nil {
			continue
		}
		if !s.transactions {
			err = errors.Join(err, s.undo(context.WithoutCancel(ctx), ops[:i]))
		}
		return &store.OpError{Index: i, Err: err}
	}
	return nil
}

// hasTransactions asks the server whether it is a replica set member or a mongos: the
// deployments where multi-document transactions exist. FerretDB is neither.
func (s *Store) hasTransactions(ctx context.Context) (bool, error) {
	var hello struct {
		SetName string `bson:"setName"`
		Msg     string `bson:"msg"`
	}
	if err := s.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return false, mapErr(ctx, "hello", err)
	}
	return hello.SetName != "" || hello.Msg == "isdbgrid", nil
}

// undo removes the documents done (the ops of a batch stored before one failed) inserted, the
// last first and stopping at a failure, so that what stays is always a prefix of the batch, as a
// crash would leave it, which the caller's order of ops recovers. A replace or a delete cannot be
// undone: then all of done stays.
func (s *Store) undo(ctx context.Context, done []store.WriteOp) error {
	for _, op := range done {
		if op.Kind != store.OpInsert {
			return nil
		}
	}
	for i := len(done) - 1; i >= 0; i-- {
		id, _ := done[i].Doc["id"].(string)
		if err := s.Delete(ctx, done[i].Coll, id, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}
