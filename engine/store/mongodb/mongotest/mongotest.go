// Package mongotest gives tests a MongoDB to run against: the one named by MONGODB_URI when set,
// otherwise an embedded FerretDB (SQLite handler) started once per test binary. Each Open returns
// a store on a fresh database, so tests never see each other's data and may run in parallel.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"crm/engine/store/mongodb"
)

// openTimeout bounds connecting to the test server and dropping a test database.
const openTimeout = 30 * time.Second

// URI returns the MongoDB URI tests use: MONGODB_URI when set (a real MongoDB), otherwise an
// embedded FerretDB (SQLite handler) started once per test binary on 127.0.0.1 with a random free
// port and data in a temp dir removed when the process ends (best effort).
func URI(t testing.TB) string {
	t.Helper()
	if uri := os.Getenv("MONGODB_URI"); uri != "" {
		return uri
	}
	uri, err := embedded()
	if err != nil {
		t.Fatalf("mongotest: start embedded FerretDB: %v", err)
	}
	return uri
}

// Open returns a store on a fresh database with a unique name (dropped at t.Cleanup).
func Open(t testing.TB) *mongodb.Store {
	t.Helper()
	uri := URI(t)
	name := DBName(t)
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	s, err := mongodb.Open(ctx, uri, name)
	if err != nil {
		t.Fatalf("mongotest: open database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		if err := s.DropDatabase(ctx); err != nil {
			t.Errorf("mongotest: drop database %s: %v", name, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("mongotest: close %s: %v", name, err)
		}
	})
	return s
}

// dbSeq numbers the databases of this process.
var dbSeq atomic.Int64

// DBName returns a database name unique across tests, processes and runs sharing one server:
// a readable part of the test name, the process id, a counter and random bytes.
func DBName(t testing.TB) string {
	var b strings.Builder
	for _, r := range strings.ToLower(t.Name()) {
		if b.Len() >= 20 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	rnd := make([]byte, 3)
	_, _ = rand.Read(rnd)
	return fmt.Sprintf("t_%s_%d_%d_%s", b.String(), os.Getpid(), dbSeq.Add(1), hex.EncodeToString(rnd))
}

// OpenShared returns n stores connected to one fresh database, as n engine processes would be:
// each has its own client and connection pool.
func OpenShared(t testing.TB, n int) []*mongodb.Store {
	t.Helper()
	first := Open(t)
	out := []*mongodb.Store{first}
	for i := 1; i < n; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		s, err := mongodb.Open(ctx, URI(t), first.Database())
		cancel()
		if err != nil {
			t.Fatalf("mongotest: open shared database: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		out = append(out, s)
	}
	return out
}
