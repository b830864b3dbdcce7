package mongodb

import (
	"context"
	"hash/fnv"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// FerretDB v1 runs an update, replace, delete or findAndModify as "query the matching documents,
// then write them back by _id" in separate SQLite statements, so the filter is not re-checked at
// write time: two concurrent compare-and-sets on {_id, version} both succeed and a concurrent $inc
// loses increments. Only the _id and unique index constraints are atomic there. MongoDB applies
// the filter and the write atomically, so this is a FerretDB-only gap.
//
// When the server is FerretDB, the backend therefore serializes its own conditional writes to one
// document (or counter) within the process with striped locks. That makes the seam's behaviour
// hold for every test and for one engine process; several processes sharing one FerretDB are not
// safe, which is one more reason FerretDB is a test server and not a production target.

// writeLocks are the stripes; keys hash onto them, so memory stays fixed whatever the data.
var writeLocks [256]sync.Mutex

// isFerretDB asks buildInfo, which FerretDB extends with "ferretdbVersion".
func (s *Store) isFerretDB(ctx context.Context) (bool, error) {
	raw, err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Raw()
	if err != nil {
		return false, mapErr(ctx, "build info", err)
	}
	_, err = raw.LookupErr("ferretdbVersion")
	return err == nil, nil
}

// lockDoc serializes conditional writes to one document when the server needs it (FerretDB) and
// returns the unlock function; on MongoDB it does nothing.
func (s *Store) lockDoc(coll, id string) func() {
	if !s.serialWrites {
		return func() {}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(s.db.Name() + "\x00" + coll + "\x00" + id))
	m := &writeLocks[h.Sum32()%uint32(len(writeLocks))]
	m.Lock()
	return m.Unlock
}
