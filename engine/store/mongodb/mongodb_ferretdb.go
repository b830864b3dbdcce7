package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// FerretDB v1 runs an update, replace, delete or findAndModify as "query the matching documents,
// then write them back by _id" in separate SQLite statements, so the filter is not re-checked at
// write time: two concurrent compare-and-sets on {_id, version} both succeed and a concurrent $inc
// loses increments. Only the _id and unique index constraints are atomic there. MongoDB applies
// the filter and the write atomically, so this is a FerretDB-only gap.
//
// When the server is FerretDB, the backend therefore serializes its conditional writes to one
// document (or counter): within the process with striped mutexes, and across processes with a
// lock document whose _id names the document, inserted before the write and deleted after it.
// The insert is the atomic part (a second insert of the same _id fails on every process), so
// several engine processes sharing one FerretDB keep compare-and-set semantics.

// locksColl holds the lock documents. Its name is the backend's own, like sys_counters.
const locksColl = "sys_write_locks"

// lockStale is how old a lock must be before another writer takes it over: a process killed
// between its lock and its unlock leaves the lock behind. It is far above any single write.
const lockStale = 30 * time.Second

// stripes are a store's in-process locks; keys hash onto them, so memory stays fixed whatever
// the data, and the store's own writers queue here instead of polling the lock collection. They
// belong to the store (not the process) so that two stores in one test act as two processes.
type stripes [256]sync.Mutex

// isFerretDB asks buildInfo, which FerretDB extends with "ferretdbVersion".
func (s *Store) isFerretDB(ctx context.Context) (bool, error) {
	raw, err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Raw()
	if err != nil {
		return false, mapErr(ctx, "build info", err)
	}
	_, err = raw.LookupErr("ferretdbVersion")
	return err == nil, nil
}

// lockDoc serializes conditional writes to one document when the server needs it (FerretDB),
// across processes too, and returns the unlock function; on MongoDB it does nothing.
func (s *Store) lockDoc(ctx context.Context, coll, id string) (func(), error) {
	if !s.serialWrites {
		return func() {}, nil
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(coll + "\x00" + id))
	m := &s.stripes[h.Sum32()%uint32(len(s.stripes))]
	m.Lock()
	locks := s.db.Collection(locksColl)
	key := coll + "\x00" + id
	var tok [12]byte
	_, _ = rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	for wait := time.Millisecond; ; {
		_, err := locks.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "token", Value: token}, {Key: "at", Value: time.Now()}})
		if err == nil {
			break
		}
		if !mongo.IsDuplicateKeyError(err) {
			m.Unlock()
			return nil, mapErr(ctx, "write lock", err)
		}
		// Another process holds it; a lock left by a killed process is taken over once stale.
		_, _ = locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "at", Value: bson.D{{Key: "$lt", Value: time.Now().Add(-lockStale)}}}})
		select {
		case <-ctx.Done():
			m.Unlock()
			return nil, mapErr(ctx, "write lock", ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
	return func() {
		// Released even when the caller's context has ended: the write itself may have landed.
		_, _ = locks.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: key}, {Key: "token", Value: token}})
		m.Unlock()
	}, nil
}
