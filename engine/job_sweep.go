package engine

import (
	"context"
	"errors"

	"crm/engine/store"
)

// sweepBatch bounds what one sweep deletes per collection; the next tick goes on.
const sweepBatch = 200

// expiring are the collections whose documents carry an expires_at after which they mean
// nothing: ended sessions, and sign-in failures whose window and lockout are over. Without the
// sweep they would grow with every sign-in ever made, or every email an attacker ever tried.
var expiring = []string{collTokens, collLoginThrottle}

// SweepExpired deletes what has expired, a batch per collection, through the expires_at index.
// A document changed meanwhile (a new failure counted) keeps its version and is left alone.
func (e *Engine) SweepExpired(ctx context.Context) (int, error) {
	now := e.stamp()
	n := 0
	for _, coll := range expiring {
		docs, err := e.store.Find(ctx, coll, store.Query{
			Filter: store.Compare{Field: "expires_at", Op: store.Le, Value: now, Scalar: true}, Limit: sweepBatch})
		if err != nil {
			return n, storeErr(err)
		}
		for _, d := range docs {
			v, err := docVersion(coll, d)
			if err == nil {
				err = e.store.Delete(ctx, coll, docID(d), v)
			}
			switch {
			case err == nil:
				n++
			case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrVersionConflict):
			default:
				return n, storeErr(err)
			}
		}
	}
	return n, nil
}
