package metrics

import (
	"context"
	"time"

	"crm/engine/store"
)

// Store times every call of st. Expected outcomes (not found, version conflict) count as errors
// too: the histogram is about the database's time, and the error share is read beside the
// request metrics.
func (r *Registry) Store(st store.Store) store.Store { return &timedStore{st: st, r: r} }

type timedStore struct {
	st store.Store
	r  *Registry
}

func (t *timedStore) Ping(ctx context.Context) error {
	start := time.Now()
	err := t.st.Ping(ctx)
	t.r.observeStore("ping", start, err)
	return err
}

func (t *timedStore) Close() error { return t.st.Close() }

func (t *timedStore) EnsureCollection(ctx context.Context, coll string, idx []store.Index) error {
	start := time.Now()
	err := t.st.EnsureCollection(ctx, coll, idx)
	t.r.observeStore("ensure_collection", start, err)
	return err
}

func (t *timedStore) DropCollection(ctx context.Context, coll string) error {
	start := time.Now()
	err := t.st.DropCollection(ctx, coll)
	t.r.observeStore("drop_collection", start, err)
	return err
}

func (t *timedStore) Insert(ctx context.Context, coll string, doc store.Doc) error {
	start := time.Now()
	err := t.st.Insert(ctx, coll, doc)
	t.r.observeStore("insert", start, err)
	return err
}

func (t *timedStore) Get(ctx context.Context, coll, id string) (store.Doc, error) {
	start := time.Now()
	d, err := t.st.Get(ctx, coll, id)
	t.r.observeStore("get", start, err)
	return d, err
}

func (t *timedStore) Replace(ctx context.Context, coll string, doc store.Doc, expect int64) error {
	start := time.Now()
	err := t.st.Replace(ctx, coll, doc, expect)
	t.r.observeStore("replace", start, err)
	return err
}

func (t *timedStore) Delete(ctx context.Context, coll, id string, expect int64) error {
	start := time.Now()
	err := t.st.Delete(ctx, coll, id, expect)
	t.r.observeStore("delete", start, err)
	return err
}

func (t *timedStore) Batch(ctx context.Context, ops []store.WriteOp) error {
	start := time.Now()
	err := t.st.Batch(ctx, ops)
	t.r.observeStore("batch", start, err)
	return err
}

func (t *timedStore) Atomic() bool { return t.st.Atomic() }

func (t *timedStore) Find(ctx context.Context, coll string, q store.Query) ([]store.Doc, error) {
	start := time.Now()
	d, err := t.st.Find(ctx, coll, q)
	t.r.observeStore("find", start, err)
	return d, err
}

func (t *timedStore) Count(ctx context.Context, coll string, f store.Filter) (int64, error) {
	start := time.Now()
	n, err := t.st.Count(ctx, coll, f)
	t.r.observeStore("count", start, err)
	return n, err
}

func (t *timedStore) Aggregate(ctx context.Context, coll string, q store.AggQuery) ([]store.Group, error) {
	start := time.Now()
	g, err := t.st.Aggregate(ctx, coll, q)
	t.r.observeStore("aggregate", start, err)
	return g, err
}

func (t *timedStore) NextSequence(ctx context.Context, name string) (int64, error) {
	start := time.Now()
	n, err := t.st.NextSequence(ctx, name)
	t.r.observeStore("next_sequence", start, err)
	return n, err
}

func (t *timedStore) Sequences(ctx context.Context) (map[string]int64, error) {
	start := time.Now()
	m, err := t.st.Sequences(ctx)
	t.r.observeStore("sequences", start, err)
	return m, err
}

func (t *timedStore) SetSequence(ctx context.Context, name string, value int64) error {
	start := time.Now()
	err := t.st.SetSequence(ctx, name, value)
	t.r.observeStore("set_sequence", start, err)
	return err
}
